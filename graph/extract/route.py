"""Component for the route of a case through forums: who prepares, recommends, decides or is only informed.

"Who decides what" is not answered by the forum that discussed an item. Minutes say where a case goes:
- an explicit route: "Sagsgang: Sundheds- og Omsorgsudvalget, Økonomiudvalget og Byrådet" (the last decides);
- a decision that recommends the case on: "Anbefales", "1-2 anbefales", "sendes videre til X", "oversendt til X";
- who proposes to whom: "Chefforum anbefaler til Direktørforum", "Ledelsesgruppen indstiller til X";
- a forum preparing another's agenda: "Punkter til næste møde i Politisk Niveau";
- another forum informed: "lægges frem på Politisk Niveau til orientering".
Roles are prepares, recommends, decides and informed (RouteRoleScheme).
"""

from __future__ import annotations

import re

from ..segment import Segmented
from .items import recommendation_intent
from .model import Extraction, RouteStep

_CASE_NUMBER = re.compile(r"\b(?:sagsnr\.?|sagsnummer|sag nr\.?|j\.\s?nr\.?|journalnr\.?)\s*[:.]?\s*(?P<n>\d[\w./-]{3,30})", re.I)
_ROUTE_LINE = re.compile(r"^(?:sagsgang|sagsprocedure|sagen behandles (?:i|af)|behandlingsforløb)\s*[:.]?\s*(?P<route>.+)$", re.I | re.M)
_SENT_ON = re.compile(
    r"\b(?i:sendes videre til|oversendes til|oversendt til|anbefal(?:er|es|et|ede)? over for|videresendes til|videresendt til|indstilles til godkendelse i|forelægges(?: for)?|"
    r"sendes til godkendelse i|fremlægges til godkendelse (?:på|i))\s+(?:det\s+|den\s+)?(?P<f>[A-ZÆØÅ][\wæøå-]*(?:\s+(?:og\s+)?[A-ZÆØÅa-zæøå][\wæøå-]*){0,4})")
_INFORMED = re.compile(
    r"\b(?:lægges frem|forelægges|fremlægges|sendes|fremsendes)\s+(?:for|på|til)\s+(?:det\s+)?(?P<f>[A-ZÆØÅ][\wæøå-]*(?:\s+[A-ZÆØÅa-zæøå][\wæøå-]*){0,3})\s+til\s+orientering"
    r"|\b(?:formidles|går videre|orienteres)\s+til\s+(?P<g>(?:[Dd]et\s+|[Dd]en\s+)?[A-Za-zæøåÆØÅ][\wæøå-]*(?:\s+[a-zæøå][\wæøå-]*)?\s+(?:niveau|forum|udvalg|gruppe|styregruppe)\w*)")
_AGENDA_FOR = re.compile(r"^(?:punkter til|dagsorden til|dagsordenspunkter til)\s+(?:næste |kommende )?(?:møde i\s+)?(?:det\s+)?(?P<f>.+?)(?:\s+(?:d\.|den)\s+.*)?$", re.I)


def _split_forums(text: str) -> list[str]:
    parts = re.split(r"(?<!\s)\s*(?:,|→|->|\bog\b|\bderefter\b|\bsamt\b)\s*", text.strip(" ."))
    return [p.strip(" .") for p in parts if len(p.strip(" .")) >= 3]


_PURPOSE = re.compile(r"(?<!\s)\s+(?:til|med henblik på)\s+(?:endelig\s+)?(?:beslutning|godkendelse|orientering|drøftelse|behandling)\b.*$", re.I)


def _clean(name: str) -> str:
    """The forum's name without what it is sent for: "Politisk niveau til beslutning" -> "Politisk niveau"."""
    name = _PURPOSE.sub("", re.sub(r"\s+", " ", name).strip(" .,:"))
    return re.sub(r"(?<!\s)\s+(?:til|på|i|den|d)$", "", name)


def _same(a: str, b: str) -> bool:
    """'Sundhedsklynge Lillebælt – Fagligt Strategisk Niveau' is the meeting's own 'Fagligt strategisk niveau'."""
    def stem(text: str) -> str:  # Danish inflection: "Fagligt Strategiske Niveau" = "fagligt strategisk niveau"
        return " ".join(re.sub(r"(?:ene|erne|en|et|e|s)$", "", w) for w in re.sub(r"\W+", " ", text.lower()).split())
    a, b = stem(a), stem(b)
    return a == b or (len(b) >= 8 and b in a) or (len(a) >= 8 and a in b)


_PROPOSER = re.compile(
    r"(?m)(?:^|(?<=[.!?] ))(?P<who>(?:(?:Det|Den) [a-zæøå][\wæøå-]*(?: [a-zæøå][\wæøå-]*)?)|[A-ZÆØÅ][\wæøå-]*(?: [a-zæøå][\wæøå-]*){0,3}?)"
    r"\s+(?:anbefaler|indstiller|foreslår)\b")
_BODY_WORD = re.compile(r"niveau|forum|fora\b|gruppe|udvalg|sekretariat|ledelse|direktion|chefteam|administration|forvaltning"
                        r"|kommune|region|psykiatri|sygehus|hospital|praksis|\bplo\b|klynge|råd\b|rådet", re.I)
# the civil service prepares: "Administrationen", "Direktøren for Sundhed & Omsorg", "Sundhedschefen"
_ADMINISTRATION = re.compile(r"^(?:administrationen|forvaltningen|sekretariatet|direktionen|[\wæøå]*direktøren\b.*"
                             r"|[\wæøå]*chefen\b.*)$", re.I)
_NOT_A_PROPOSER = re.compile(r"^(?:denne|dette|disse|der|det|den|som|man|gruppen|hvis|hvor)\b", re.I)


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
    for segment_item, item in zip(seg.items, ex.items):
        text = seg.text[segment_item.span.start:segment_item.span.end]
        number = _CASE_NUMBER.search(text)
        if number:
            item.case_number = number["n"].rstrip(".")
        steps: list[RouteStep] = []
        explicit = _ROUTE_LINE.search(text)
        if explicit:
            forums = _split_forums(explicit["route"])
            for position, forum in enumerate(forums):
                _add(steps, forum, "decides" if position == len(forums) - 1 else "recommends")
            if here and not any(s.forum.lower() == here.lower() for s in steps):
                steps.insert(0, RouteStep(forum=here, role="recommends"))
            item.route = steps
            continue
        # who proposed it, before the meeting
        for rec in item.recommendations:
            if rec.proposed_by and re.search(r"anbefal|indstill|foreslå", seg.text[max(0, rec.span.start - 300):rec.span.end], re.I):
                proposer = rec.proposed_by
                if _ADMINISTRATION.match(proposer):
                    _add(steps, proposer, "prepares")
                else:
                    _add(steps, proposer, "recommends")
        for m in _PROPOSER.finditer(text):
            who = m["who"]
            if (not _NOT_A_PROPOSER.match(who) or re.match(r"^(?:Det|Den) [a-zæøå]+ (?:niveau|forum|gruppe)", who)) and _BODY_WORD.search(who):
                if here and _same(who, here):
                    continue
                _add(steps, who, "prepares" if _ADMINISTRATION.match(who) else "recommends")
        # the forum a recommendation is put to decides (or is informed, when it is only asked to take note)
        for rec in item.recommendations:
            if rec.addressed_to and not re.match(r"^(?:regionsrådet|udvalget|direktionen)$", rec.addressed_to, re.I):
                target = here if here and _same(rec.addressed_to, here) else rec.addressed_to
                intent = recommendation_intent(rec.text)
                _add(steps, target, "decides" if intent == "approved" else "informed")
        agenda = _AGENDA_FOR.match(item.title.strip())
        outcomes = {d.outcome for d in item.decisions}
        # this forum's own role
        if agenda and here:
            _add(steps, here, "prepares")
            _add(steps, agenda["f"], "decides")
        elif "recommended" in outcomes:
            _add(steps, here, "recommends")
        elif outcomes & {"approved", "approved-with-remarks", "rejected", "postponed"}:
            _add(steps, here, "decides")
        elif outcomes or item.kind in ("information", "discussion"):
            _add(steps, here, "informed")
        # where it goes next
        for source in [d.text for d in item.decisions] + [r.text for r in item.recommendations]:
            for m in _SENT_ON.finditer(source):
                if here and _same(m["f"], here):
                    continue
                _add(steps, m["f"], "decides")
            for m in _INFORMED.finditer(source):
                _add(steps, m["f"] or m["g"], "informed")
        if agenda and here:  # preparing another forum's agenda: this forum prepares, even if it "decides" the list
            for step in steps:
                if _same(step.forum, here) and not _same(agenda["f"], here):
                    step.role = "prepares"
        if steps:
            order = {"prepares": 0, "recommends": 1, "decides": 2, "informed": 3}
            item.route = sorted(steps, key=lambda s: order[s.role])  # stable: the order written within a role
