"""The appointment as an iCalendar file (RFC 5545): what the manage page's "Add to calendar"
button downloads."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from application.booking.views import BookingView
from domain.booking import BookingStatus
from domain.salon import Salon


def _ics_text(value: str) -> str:
    escaped = re.sub(r"([,;\\])", r"\\\1", value)
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on the next line after a space."""
    out: list[str] = []
    chunk, size = "", 0
    for ch in line:
        width = len(ch.encode())
        if size + width > (75 if not out else 74):
            out.append(chunk)
            chunk, size = "", 0
        chunk += ch
        size += width
    out.append(chunk)
    return "\r\n ".join(out)


def calendar_file(view: BookingView, salon: Salon, service: str, manage_url: str) -> str:
    b = view.booking
    stamp = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SalonHub//Booking//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{b.id}@salonhub",
        f"DTSTAMP:{datetime.now(UTC).strftime(stamp)}",
        f"DTSTART:{b.start.astimezone(UTC).strftime(stamp)}",
        f"DTEND:{b.end.astimezone(UTC).strftime(stamp)}",
        f"SUMMARY:{_ics_text(f'{service} at {salon.name}')}",
        f"DESCRIPTION:{_ics_text(f'Change or cancel: {manage_url}')}",
        f"URL:{manage_url}",
        "STATUS:CANCELLED" if b.status is BookingStatus.CANCELLED else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
