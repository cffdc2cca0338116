"""Which agent answers a Kommo lead, and when: pipeline, stage and channel scope; working hours."""

from __future__ import annotations

from datetime import UTC, datetime

from agentplatform.kommo.answering.serving import next_opening, open_at, serves

HOURS = {
    "timezone": "America/Sao_Paulo",  # UTC-3, no daylight saving time since 2019
    "days": {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]},
}


def test_an_agent_serves_the_pipelines_and_stages_of_its_scope() -> None:
    scope = {"pipeline_ids": [10], "status_ids": [101, 102]}
    assert serves(scope, 10, 101, None)
    assert not serves(scope, 10, 103, None)  # a stage it does not list
    assert not serves(scope, 11, 101, None)  # another pipeline
    assert serves({"pipeline_ids": [10]}, 10, 999, None)  # no stages listed: every stage
    assert not serves({}, 10, 101, None)  # no pipelines yet: none


def test_listed_channels_limit_the_chats_an_agent_answers() -> None:
    scope = {"pipeline_ids": [10], "channels": ["telegram"]}
    assert serves(scope, 10, 1, "telegram")
    assert not serves(scope, 10, 1, "waba")
    assert not serves(scope, 10, 1, None)


def test_working_hours_are_read_in_the_agents_timezone() -> None:
    monday_10_local = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 10:00 in São Paulo
    monday_12_30_local = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)  # the lunch gap
    monday_18_local = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)  # the end is excluded
    assert open_at(HOURS, "UTC", monday_10_local)
    assert not open_at(HOURS, "UTC", monday_12_30_local)
    assert not open_at(HOURS, "UTC", monday_18_local)
    assert open_at(None, "UTC", monday_18_local)  # no hours: always


def test_the_workspace_timezone_applies_when_the_agent_names_none() -> None:
    hours = {"days": {"mon": [{"start": "09:00", "end": "10:00"}]}}
    at = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)  # 09:30 in São Paulo, 12:30 in UTC
    assert open_at(hours, "America/Sao_Paulo", at)
    assert not open_at(hours, "UTC", at)


def test_the_next_opening_is_after_a_gap_or_on_the_next_working_day() -> None:
    lunch = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
    assert next_opening(HOURS, "UTC", lunch) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    evening = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # Monday evening: next Monday 09:00
    assert next_opening(HOURS, "UTC", evening) == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert next_opening(None, "UTC", evening) is None
