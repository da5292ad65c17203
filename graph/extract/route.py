"""Component for the route of a case through forums: who prepares, recommends, decides or is only informed.

"Who decides what" is not answered by the forum that discussed an item. Minutes say where a case goes:
- an explicit route: "Sagsgang: Sundheds- og Omsorgsudvalget, Økonomiudvalget og Byrådet" (the last decides);
- a decision that recommends the case on: "Anbefales", "1-2 anbefales", "sendes videre til X", "oversendt til X";
- who proposes to whom: "Chefforum anbefaler til Direktørforum", "Ledelsesgruppen indstiller til X";
- a forum preparing another's agenda: "Punkter til næste møde i Politisk Niveau";
- another forum informed: "lægges frem på Politisk Niveau til orientering".
Roles are prepares, recommends, decides and informed (RouteRoleScheme). The phrases are in the lexicon
(graph/lexicon/items.toml, route.*); the item's case number is read by the segment stage (the line before or after
the item's heading), not searched for in the case text.
"""

from __future__ import annotations

import re

from ..lexicon import rx
from ..segment import Segmented
from .items import recommendation_intent
from .model import Extraction, RouteStep


def _split_forums(text: str) -> list[str]:
    parts = rx("route.separator").split(text.strip(" ."))
    return [p.strip(" .") for p in parts if len(p.strip(" .")) >= 3]


def _clean(name: str) -> str:
    """The forum's name without what it is sent for: "Politisk niveau til beslutning" -> "Politisk niveau"."""
    name = rx("route.purpose").sub("", re.sub(r"\s+", " ", name).strip(" .,:"))
    return rx("route.trailing_word").sub("", name)


def _same(a: str, b: str) -> bool:
    """'Sundhedsklynge Lillebælt – Fagligt Strategisk Niveau' is the meeting's own 'Fagligt strategisk niveau'."""

    def stem(text: str) -> str:  # Danish inflection: "Fagligt Strategiske Niveau" = "fagligt strategisk niveau"
        return " ".join(rx("route.inflection").sub("", w) for w in re.sub(r"\W+", " ", text.lower()).split())

    a, b = stem(a), stem(b)
    return a == b or (len(b) >= 8 and b in a) or (len(a) >= 8 and a in b)


def _add(route: list[RouteStep], forum: str | None, role: str) -> None:
    if not forum:
        return
    forum = _clean(forum)
    for step in route:
        if _same(step.forum, forum):
            # the strongest role wins: decides > recommends > prepares > informed
            order = ["informed", "prepares", "recommends", "decides"]
            if order.index(role) > order.index(step.role):
                step.role = role
            return
    route.append(RouteStep(forum=forum, role=role))


def route(seg: Segmented, ex: Extraction) -> None:
    here = ex.meeting.forum
    # a failing items component leaves fewer items than segments (extract() goes on): pair the ones there are
    for segment_item, item in zip(seg.items, ex.items, strict=False):
        text = seg.text[segment_item.span.start : segment_item.span.end]
        explicit = rx("route.line").search(text)
        if explicit:
            item.route = _explicit(explicit["route"], here)
            continue
        steps: list[RouteStep] = []
        _proposers(seg, item, text, here, steps)
        _addressees(item, here, steps)
        agenda = rx("route.agenda_for").match(item.title.strip())
        _own_role(item, here, agenda, steps)
        _onward(item, here, steps)
        if agenda and here:  # preparing another forum's agenda: this forum prepares, even if it "decides" the list
            for step in steps:
                if _same(step.forum, here) and not _same(agenda["f"], here):
                    step.role = "prepares"
        if steps:
            order = {"prepares": 0, "recommends": 1, "decides": 2, "informed": 3}
            item.route = sorted(steps, key=lambda s: order[s.role])  # stable: the order written within a role


def _explicit(written: str, here: str | None) -> list[RouteStep]:
    """'Sagsgang: A, B og C': each recommends on, the last decides; this forum first when it is not named."""
    steps: list[RouteStep] = []
    forums = _split_forums(written)
    for position, forum in enumerate(forums):
        _add(steps, forum, "decides" if position == len(forums) - 1 else "recommends")
    if here and not any(s.forum.lower() == here.lower() for s in steps):
        steps.insert(0, RouteStep(forum=here, role="recommends"))
    return steps


def _proposers(seg: Segmented, item, text: str, here: str | None, steps: list[RouteStep]) -> None:
    """Who proposed the case before the meeting: the administration prepares, another body recommends."""
    for rec in item.recommendations:
        if rec.proposed_by and rx("route.proposal_word").search(seg.text[max(0, rec.span.start - 300) : rec.span.end]):
            _add(
                steps,
                rec.proposed_by,
                "prepares" if rx("route.administration").match(rec.proposed_by) else "recommends",
            )
    for m in rx("route.proposer").finditer(text):
        who = m["who"]
        if (
            (not rx("route.not_a_proposer").match(who) or rx("route.body_with_article").match(who))
            and rx("route.body_word").search(who)
            and not (here and _same(who, here))
        ):
            _add(steps, who, "prepares" if rx("route.administration").match(who) else "recommends")


def _addressees(item, here: str | None, steps: list[RouteStep]) -> None:
    """The forum a recommendation is put to decides (or is informed, when it is only asked to take note)."""
    for rec in item.recommendations:
        if rec.addressed_to and not rx("route.general_addressee").match(rec.addressed_to):
            target = here if here and _same(rec.addressed_to, here) else rec.addressed_to
            _add(steps, target, "decides" if recommendation_intent(rec.text) == "approved" else "informed")


def _own_role(item, here: str | None, agenda: re.Match | None, steps: list[RouteStep]) -> None:
    """This forum's role, from what it decided."""
    outcomes = {d.outcome for d in item.decisions}
    if agenda and here:
        _add(steps, here, "prepares")
        _add(steps, agenda["f"], "decides")
    elif "recommended" in outcomes:
        _add(steps, here, "recommends")
    elif outcomes & {"approved", "approved-with-remarks", "rejected", "postponed"}:
        _add(steps, here, "decides")
    elif outcomes or item.kind in ("information", "discussion"):
        _add(steps, here, "informed")


def _onward(item, here: str | None, steps: list[RouteStep]) -> None:
    """Where the case goes next: sent on to a forum that decides, or to one that is informed."""
    for source in [d.text for d in item.decisions] + [r.text for r in item.recommendations]:
        for m in rx("route.sent_on").finditer(source):
            if not (here and _same(m["f"], here)):
                _add(steps, m["f"], "decides")
        for m in rx("route.informed").finditer(source):
            _add(steps, m["f"] or m["g"], "informed")
