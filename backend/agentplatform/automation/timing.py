"""When a sequence's steps run: each wait counted from the previous step's planned time (or the
enrolment), landed in the sequence's working hours in the workspace's timezone.

- a duration: the previous time plus days, hours and minutes; with `in_working_hours`, a time
  outside the hours moves to their next opening (`kommo.answering.serving.next_opening`);
- "until HH:MM": the first HH:MM after the previous time, in the hours' timezone, that falls
  inside the working hours (no hours set: the next HH:MM).

A step's time is planned from the previous step's planned time, not from when it actually ran,
so a simulation's timeline and the real one are the same dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agentplatform.kommo.answering.serving import DAYS, next_opening, open_at

LOOKAHEAD_DAYS = 14


def zone_of(working_hours: dict[str, Any] | None, tenant_timezone: str) -> ZoneInfo:
    name = (working_hours or {}).get("timezone") or tenant_timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def land(working_hours: dict[str, Any] | None, tenant_timezone: str, at: datetime) -> datetime:
    """`at`, or the next opening of the working hours when `at` is outside them."""
    if open_at(working_hours, tenant_timezone, at):
        return at
    return next_opening(working_hours, tenant_timezone, at) or at


def _until(
    clock: str, working_hours: dict[str, Any] | None, tenant_timezone: str, after: datetime
) -> datetime:
    zone = zone_of(working_hours, tenant_timezone)
    hours, minutes = (int(part) for part in clock.split(":"))
    local = after.astimezone(zone)
    for ahead in range(LOOKAHEAD_DAYS + 1):
        day = (local + timedelta(days=ahead)).date()
        candidate = datetime.combine(day, time(hours, minutes), zone)
        if candidate <= local:
            continue
        if open_at(working_hours, tenant_timezone, candidate):
            return candidate.astimezone(after.tzinfo)
    fallback = datetime.combine((local + timedelta(days=1)).date(), time(hours, minutes), zone)
    return land(working_hours, tenant_timezone, fallback).astimezone(after.tzinfo)


def due_after(
    wait: dict[str, Any],
    after: datetime,
    working_hours: dict[str, Any] | None,
    tenant_timezone: str,
) -> datetime:
    """When a step with this wait runs, the previous one (or the enrolment) being at `after`."""
    if wait["kind"] == "until":
        return _until(wait["time"], working_hours, tenant_timezone, after)
    at = after + timedelta(
        days=wait.get("days", 0), hours=wait.get("hours", 0), minutes=wait.get("minutes", 0)
    )
    if wait.get("in_working_hours", True):
        return land(working_hours, tenant_timezone, at)
    return at


def timeline(
    steps: Sequence[dict[str, Any]],
    start: datetime,
    working_hours: dict[str, Any] | None,
    tenant_timezone: str,
    first: int = 0,
) -> list[datetime]:
    """The planned time of every step from `first` on, the enrolment (or step `first - 1`)
    being at `start`."""
    out = []
    at = start
    for step in steps[first:]:
        at = due_after(step["wait"], at, working_hours, tenant_timezone)
        out.append(at)
    return out


def in_time_of_day(start: str, end: str, days: Sequence[str], zone: ZoneInfo, at: datetime) -> bool:
    local = at.astimezone(zone)
    if days and DAYS[local.weekday()] not in days:
        return False
    clock = local.strftime("%H:%M")
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end  # a range across midnight: 22:00-06:00
