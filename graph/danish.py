"""Danish names of the months and weekdays, and a date written the way Danish minutes write it: one list for every
stage that reads or writes a date (the portal reader, the date parser, the maps, the benchmark corpus)."""

from __future__ import annotations

from datetime import date

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def long_date(day: date, weekday: bool = False) -> str:
    """date(2025, 2, 26) -> '26. februar 2025' (with the weekday: 'onsdag 26. februar 2025')."""
    text = f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text
