"""FirstAgenda publication JSON (one meeting, as a municipal or regional portal serves it) -> text + structure.

Most Danish minutes are published on FirstAgenda portals (../shared/FIRSTAGENDA.md). A meeting's JSON carries as
data what other formats leave to layout: the committee, the date and time with its offset, the place, whether the
minutes are final (`Afsluttet`), the participants with absence flags, numbered items with caption and case number,
and the attachments. Each item's fields are HTML.

The meeting is rendered as the portal's own page shows it (header fields, `Punkt N: Caption`, the case number,
each field's headings and paragraphs as lines, `Bilag` with the attachments), so that the free text goes through
the same extractor as any minutes and every span points into one normalised text. Alongside, `PortalMeeting`
keeps what the JSON states outright, with the span of each value in that text: the extractor takes those facts
from it instead of reading them from the layout.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..danish import WEEKDAYS, long_date
from ..span import Span


@dataclass
class PortalParticipant:
    name: str
    present: bool
    span: Span
    reason: str | None = None  # "afbud" | "fravær"


@dataclass
class PortalAttachment:
    title: str
    url: str | None
    span: Span


@dataclass
class PortalItem:
    number: str | None
    caption: str
    case_number: str | None
    is_open: bool | None
    span: Span  # the whole item, heading included
    caption_span: Span
    case_span: Span | None = None
    attachments: list[PortalAttachment] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # participants recorded as absent from this item


@dataclass
class PortalMeeting:
    """What a FirstAgenda meeting states as data, each value with its span in the rendered text."""

    meeting_id: str | None
    forum: str | None
    date: str | None  # YYYY-MM-DD, the meeting's local date
    start: str | None  # hh:mm, local
    place: str | None
    final: bool | None  # Afsluttet: the minutes are final (not an agenda any more)
    portal: str | None  # https://dagsordener.<kommune>.dk
    spans: dict[str, Span] = field(default_factory=dict)
    participants: list[PortalParticipant] = field(default_factory=list)
    items: list[PortalItem] = field(default_factory=list)


def is_portal_meeting(data: Any) -> bool:
    """A FirstAgenda meeting, recognised by content: numbered items and a meeting or committee object."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("Dagsordenpunkter"), list)
        and (isinstance(data.get("Moede"), dict) or isinstance(data.get("Udvalg"), dict))
    )


# --------------------------------------------------------------------------- text building


def _clean(text: str) -> str:
    """One line as the read stage normalises text: NFC, no non-breaking or zero-width spaces, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


class _Text:
    """The rendered text, built line by line, so that every value's span is known as it is written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blank = True  # the text starts without blank lines

    def line(self, text: str) -> Span | None:
        text = _clean(text)
        if not text:
            return None
        start = self.length
        self.parts.append(text + "\n")
        self.length += len(text) + 1
        self.blank = False
        return Span(start, start + len(text))

    def value(self, label: str, value: str) -> Span | None:
        """`Label: value`; the span is the value's."""
        value = _clean(value)
        if not value:
            return None
        span = self.line(f"{label}: {value}")
        return Span(span.end - len(value), span.end) if span else None

    def gap(self) -> None:
        if not self.blank:
            self.parts.append("\n")
            self.length += 1
            self.blank = True

    def text(self) -> str:
        return "".join(self.parts).rstrip("\n") + "\n"


def _html_lines(html: str) -> list[str]:
    from . import html_to_text

    return [line for line in (_clean(raw) for raw in html_to_text(html).split("\n")) if line]


def _local(value: Any) -> dt.datetime | None:
    """An ISO 8601 time with its offset, as the meeting's local time (UTC is turned into Danish time)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None and moment.utcoffset() == dt.timedelta(0):
        try:
            from zoneinfo import ZoneInfo

            moment = moment.astimezone(ZoneInfo("Europe/Copenhagen"))
        except Exception:  # no time-zone data: the time stays as given
            pass
    return moment


def _danish(moment: dt.datetime) -> str:
    return f"{WEEKDAYS[moment.weekday()]} den {long_date(moment.date())} kl. {moment.hour:02d}.{moment.minute:02d}"


def _portal_of(data: dict, source: str | None) -> str | None:
    """The portal's address: from where the meeting was fetched, else from a field's or attachment's link."""
    candidates = [source] if source else []
    for item in data.get("Dagsordenpunkter") or []:
        for entry in (item.get("Felter") or []) + (item.get("Bilag") or []):
            if isinstance(entry, dict) and isinstance(entry.get("Link"), str):
                candidates.append(entry["Link"])
    for url in candidates:
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return None


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(data: dict, name: str) -> dict:
    """data[name] when it is a JSON object, else an empty one."""
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _sorting(item: dict) -> int:
    """An agenda item's place in the meeting (the portal's Sorting; 0 when it has none)."""
    sorting = item.get("Sorting")
    return sorting if isinstance(sorting, int) else 0


def render(data: dict, source: str | None = None) -> tuple[str, PortalMeeting]:
    """The meeting as text (the portal page's layout) and what it states as data."""
    moede, udvalg = _object(data, "Moede"), _object(data, "Udvalg")
    begin = _local(moede.get("MeetingBeginUtc")) or _local(moede.get("Dato"))
    meeting = PortalMeeting(
        meeting_id=_text_of(data.get("Id")) or None,
        forum=_clean(_text_of(udvalg.get("Navn"))) or None,
        date=begin.date().isoformat() if begin else None,
        start=f"{begin.hour:02d}:{begin.minute:02d}" if begin else None,
        place=_clean(_text_of(moede.get("Sted"))) or None,
        final=moede.get("Afsluttet") if isinstance(moede.get("Afsluttet"), bool) else None,
        portal=_portal_of(data, source),
    )
    out = _Text()
    out.line(_text_of(moede.get("Navn")) or ("Referat" if meeting.final else "Dagsorden"))
    for key, label, value in (
        ("forum", "Udvalg", meeting.forum),
        ("date", "Mødedato", _danish(begin) if begin else ""),
        ("place", "Mødested", meeting.place),
    ):
        span = out.value(label, value or "")
        if span:
            meeting.spans[key] = span
    if "date" in meeting.spans:
        meeting.spans["start"] = meeting.spans["date"]
    _render_participants(out, moede, meeting)
    items = sorted((i for i in data.get("Dagsordenpunkter") or [] if isinstance(i, dict)), key=_sorting)
    for raw in items:
        out.gap()
        _render_item(out, raw, meeting)
    return out.text(), meeting


def _render_participants(out: _Text, moede: dict, meeting: PortalMeeting) -> None:
    people = [p for p in moede.get("Moededeltagere") or [] if isinstance(p, dict) and _clean(_text_of(p.get("Name")))]
    if not people:
        return
    out.line("Mødedeltagere:")
    for person in people:
        name = _clean(_text_of(person.get("Name")))
        reason = (
            "afbud"
            if person.get("ParticipationCancelled") is True
            else "fravær"
            if person.get("Absent") is True
            else None
        )
        span = out.line(f"{name} ({reason.capitalize()})" if reason else name)
        if span:
            meeting.participants.append(
                PortalParticipant(name, reason is None, Span(span.start, span.start + len(name)), reason)
            )


def _render_item(out: _Text, raw: dict, meeting: PortalMeeting) -> None:
    number = _clean(_text_of(raw.get("Number")) or _text_of(raw.get("Punktnummer"))) or None
    caption = _clean(_text_of(raw.get("Caption")) or _text_of(raw.get("Navn")))
    case = _clean(_text_of(raw.get("CaseNumber")) or _text_of(raw.get("SagsNummer"))) or None
    heading = out.line(f"Punkt {number}: {caption}" if number else caption or "Punkt")
    if heading is None:
        return
    caption_span = Span(heading.end - len(caption), heading.end)
    item = PortalItem(
        number, caption, case, raw.get("IsOpen") if isinstance(raw.get("IsOpen"), bool) else None, heading, caption_span
    )
    if case:
        item.case_span = out.line(case)
    for felt in raw.get("Felter") or []:
        if not isinstance(felt, dict):
            continue
        name = _clean(_text_of(felt.get("Navn")))
        html = _text_of(felt.get("Html")) or _text_of(felt.get("Tekst"))
        if name:
            out.line(name)
        for line in _html_lines(html):  # block elements as lines, as the portal's page shows them
            out.line(line)
    attachments = [b for b in raw.get("Bilag") or [] if isinstance(b, dict) and _clean(_text_of(b.get("Navn")))]
    if attachments:
        out.line("Bilag")
        for bilag in attachments:
            title = _clean(_text_of(bilag.get("Navn")))
            span = out.line(title)
            url = _text_of(bilag.get("Link")) or (
                f"{meeting.portal}/Vis/Pdf/bilag/{bilag['Id']}"
                if meeting.portal and _text_of(bilag.get("Id"))
                else None
            )
            if span:
                item.attachments.append(PortalAttachment(title, url, span))
    for attendee in raw.get("ExternalAgendaItemAttendees") or []:
        if isinstance(attendee, dict) and _clean(_text_of(attendee.get("Name"))):
            item.absent.append(_clean(_text_of(attendee.get("Name"))))
    item.span = Span(heading.start, out.length - 1 if out.length else heading.end)
    meeting.items.append(item)
