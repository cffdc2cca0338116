"""Cron expressions for schedule triggers: `minute hour day month weekday`, each field `*`,
`*/n`, a number, a range `a-b` (with `/n`), or a list of those (`1,15,30`); weekday 0-6 from
Sunday (7 is Sunday too). A day matches when both the day and weekday fields match (the
simple reading, not Vixie cron's "either" when both are restricted)."""

from __future__ import annotations

from datetime import datetime

_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 7))


def _values(part: str, low: int, high: int) -> set[int]:
    out: set[int] = set()
    for item in part.split(","):
        body, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError("a step must be at least 1")
        if body == "*":
            start, end = low, high
        elif "-" in body:
            first, last = body.split("-", 1)
            start, end = int(first), int(last)
        else:
            start = end = int(body)
        if not (low <= start <= end <= high):
            raise ValueError(f"{item} is outside {low}-{high}")
        out.update(range(start, end + 1, step))
    return out


def parse(expression: str) -> list[set[int]]:
    parts = expression.split()
    if len(parts) != 5:
        raise ValueError("expected five fields: minute hour day month weekday")
    try:
        fields = [_values(p, low, high) for p, (_, low, high) in zip(parts, _FIELDS, strict=True)]
    except ValueError as exc:
        raise ValueError(f"not a cron expression: {exc}") from exc
    if 7 in fields[4]:
        fields[4].add(0)
    return fields


def check_cron(expression: str) -> str:
    parse(expression)
    return " ".join(expression.split())


def matches(expression: str, local: datetime) -> bool:
    """Whether the local time's minute is one the expression names."""
    minute, hour, day, month, weekday = parse(expression)
    return (
        local.minute in minute
        and local.hour in hour
        and local.day in day
        and local.month in month
        and (local.isoweekday() % 7) in weekday
    )
