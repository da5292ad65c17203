"""Component for minutes read from a FirstAgenda meeting's JSON (graph.read.portal): what the JSON states as data
(committee, date and time, place, participants with absence flags, item numbers, captions, case numbers and
attachments with their addresses) replaces what the other components read from the rendered layout. The free
text (decisions, recommendations, amounts, organisations) stays as they extracted it."""

from __future__ import annotations

from ..read.portal import PortalItem
from ..segment import Segmented
from .model import Attachment, Extraction, Participant


def portal(seg: Segmented, ex: Extraction) -> None:
    meeting = seg.document.portal
    if meeting is None:
        return
    m = ex.meeting
    for name in ("forum", "date", "start", "place"):
        value = getattr(meeting, name)
        if value:
            setattr(m, name, value)
            if name in meeting.spans:
                m.spans[name] = meeting.spans[name]
    if meeting.participants:
        roles = {p.name: p for p in ex.participants}
        ex.participants = [
            Participant(
                span=p.span,
                name=p.name,
                present=p.present,
                role=roles[p.name].role if p.name in roles else None,
                organisation=roles[p.name].organisation if p.name in roles else None,
            )
            for p in meeting.participants
        ]
    by_number: dict[str | None, PortalItem] = {i.number: i for i in meeting.items if i.number}
    for item in ex.items:
        data = by_number.get(item.number)
        if data is None:
            continue
        item.case_number = data.case_number or item.case_number
        if data.attachments:
            item.attachments = [Attachment(span=a.span, title=a.title, url=a.url) for a in data.attachments]
