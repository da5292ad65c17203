"""The facts the extract stage produces: plain dataclasses, each with the span it rests on.

`Extraction.to_json()` is the documented `extract --json` schema and the gold format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..segment import Span


@dataclass
class Fact:
    span: Span | None = None

    def span_json(self) -> list[int] | None:
        return [self.span.start, self.span.end] if self.span else None


def start_of(fact: Fact) -> int:
    """Where a fact starts in the text, to sort by (the extractors give every fact they make a span)."""
    assert fact.span is not None
    return fact.span.start


@dataclass
class Meeting(Fact):
    forum: str | None = None
    body: str | None = None
    date: str | None = None  # YYYY-MM-DD
    start: str | None = None  # hh:mm
    place: str | None = None
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class Participant(Fact):
    name: str = ""
    title: str | None = None
    organisation: str | None = None
    role: str | None = None  # a key of RoleScheme
    present: bool = True
    group: str | None = None  # the forum the list groups the person under ("Chefforum")


@dataclass
class Recommendation(Fact):
    number: int = 0  # as written in a numbered list, otherwise the position in the item
    numbered: bool = False
    text: str = ""
    proposed_by: str | None = None
    addressed_to: str | None = None


@dataclass
class Allocation(Fact):
    dkk: float = 0.0
    recipient: str | None = None
    purpose: str | None = None
    text: str = ""


@dataclass
class Decision(Fact):
    text: str = ""
    outcome: str = "other"  # a key of OutcomeScheme
    recommendation: int | None = None  # the number of the recommendation it answers
    remark: str | None = None
    establishes: list[str] = field(default_factory=list)
    dissolves: list[str] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)


@dataclass
class Amount(Fact):
    dkk: float = 0.0
    text: str = ""
    item: str | None = None  # item number (or title when unnumbered)
    label: str | None = None  # what the amount is for: table row or column, as written


@dataclass
class Attachment(Fact):
    title: str = ""
    url: str | None = None  # where the publisher serves it (FirstAgenda portals)


@dataclass
class MeetingReference(Fact):
    forum: str | None = None
    date: str | None = None
    relation: str = "next"  # next | earlier | other


@dataclass
class RouteStep:
    forum: str
    role: str  # a key of RouteRoleScheme: prepares | recommends | decides | informed


@dataclass
class SectionFact(Fact):
    kind: str = "andet"
    heading: str = ""


@dataclass
class Item(Fact):
    number: str | None = None
    title: str = ""
    kind: str = "other"  # a key of ItemKindScheme
    kind_label: str | None = None
    time_slot: str | None = None
    title_span: Span | None = None
    sections: list[SectionFact] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    references: list[MeetingReference] = field(default_factory=list)
    case_number: str | None = None
    route: list[RouteStep] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.number if self.number is not None else self.title


@dataclass
class OrganisationMention(Fact):
    name: str = ""
    kind: str | None = None  # guessed OrganisationKindScheme key
    id: str | None = None  # registry id, filled by the linker


@dataclass
class InitiativeMention(Fact):
    name: str = ""
    kind: str = "intervention"  # a key of InitiativeKindScheme
    id: str | None = None  # filled by the linker


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Names the extractor looks for, handed over from the reference registry (plain data)."""

    organisations: dict[str, str | None] = field(default_factory=dict)  # name or abbreviation -> kind
    clusters: frozenset[str] = frozenset()  # names of health clusters


@dataclass
class Extraction:
    document_key: str
    path: str
    text_length: int
    meeting: Meeting = field(default_factory=Meeting)
    participants: list[Participant] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    organisations: list[OrganisationMention] = field(default_factory=list)
    initiatives: list[InitiativeMention] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layout: str = "unknown"
    gazetteer: Gazetteer = field(default_factory=Gazetteer, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The `extract --json` schema (also the gold format in data/gold/)."""

        def span(f: Fact):
            return f.span_json()

        return {
            "document": self.document_key,
            "path": self.path,
            "layout": self.layout,
            "meeting": {
                "forum": self.meeting.forum,
                "body": self.meeting.body,
                "date": self.meeting.date,
                "start": self.meeting.start,
                "place": self.meeting.place,
                "spans": {k: [v.start, v.end] for k, v in self.meeting.spans.items()},
            },
            "participants": [
                {
                    "name": p.name,
                    "title": p.title,
                    "organisation": p.organisation,
                    "role": p.role,
                    "present": p.present,
                    "group": p.group,
                    "span": span(p),
                }
                for p in self.participants
            ],
            "items": [
                {
                    "number": i.number,
                    "title": i.title,
                    "kind": i.kind,
                    "kind_label": i.kind_label,
                    "time_slot": i.time_slot,
                    "span": span(i),
                    "sections": [{"kind": s.kind, "heading": s.heading, "span": span(s)} for s in i.sections],
                    "recommendations": [
                        {
                            "number": r.number,
                            "numbered": r.numbered,
                            "text": r.text,
                            "proposed_by": r.proposed_by,
                            "addressed_to": r.addressed_to,
                            "span": span(r),
                        }
                        for r in i.recommendations
                    ],
                    "decisions": [
                        {
                            "text": d.text,
                            "outcome": d.outcome,
                            "recommendation": d.recommendation,
                            "remark": d.remark,
                            "establishes": d.establishes,
                            "dissolves": d.dissolves,
                            "allocations": [
                                {
                                    "dkk": a.dkk,
                                    "recipient": a.recipient,
                                    "purpose": a.purpose,
                                    "text": a.text,
                                    "span": span(a),
                                }
                                for a in d.allocations
                            ],
                            "span": span(d),
                        }
                        for d in i.decisions
                    ],
                    "attachments": [{"title": a.title, "url": a.url, "span": span(a)} for a in i.attachments],
                    "references": [
                        {"forum": r.forum, "date": r.date, "relation": r.relation, "span": span(r)}
                        for r in i.references
                    ],
                    "case_number": i.case_number,
                    "route": [{"forum": s.forum, "role": s.role} for s in i.route],
                }
                for i in self.items
            ],
            "organisations": [
                {"name": o.name, "id": o.id, "kind": o.kind, "span": span(o)} for o in self.organisations
            ],
            "initiatives": [{"name": x.name, "id": x.id, "kind": x.kind, "span": span(x)} for x in self.initiatives],
            "amounts": [
                {"dkk": a.dkk, "text": a.text, "item": a.item, "label": a.label, "span": span(a)} for a in self.amounts
            ],
            "warnings": list(self.warnings),
        }


__all__ = [name for name, obj in globals().items() if isinstance(obj, type) and obj.__module__ == __name__] + ["asdict"]
