"""Link stage: extracted names -> nodes. Registry entities where the name is known (by name,
alias or abbreviation, disambiguated by the document's region), new nodes otherwise.

Output is `Linked`: the extraction plus a registry/new id for every forum, organisation,
person and initiative it mentions. Minutes of a sundhedsråd ('Sundhedsråd Fyn', 'Sundhedsråd Aarhus
(forberedende)', '(særligt udvalg)') and of the regional councils ('Regionsrådet', 'Det forberedende
regionsråd for Region Østdanmark') link to the registry's councils; a generic 'Regionsrådet' in a council's
minutes is the regional council that council recommends to on the meeting's date. Ids are paths below .../id/
and deterministic, so building the same input twice gives the same IRIs, and the same initiative named in
two documents becomes one node.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..extract.model import Decision, Extraction, MeetingReference, RouteStep
from ..registry import Entity, Registry, normalise_name
from ..vocab import slug

# --------------------------------------------------------------------------- corrections


class CorrectionsError(Exception):
    pass


@dataclass
class Corrections:
    """Human corrections (data/corrections.toml), applied on every build and marked as curated."""

    aliases: dict[str, str] = field(default_factory=dict)  # normalised name -> id
    merges: dict[str, str] = field(default_factory=dict)  # id -> id it is the same as
    rejects: dict[str, str] = field(default_factory=dict)  # id -> reason
    path: str | None = None
    raw: bytes = b""

    def resolve(self, node_id: str) -> str:
        seen = set()
        while node_id in self.merges and node_id not in seen:
            seen.add(node_id)
            node_id = self.merges[node_id]
        return node_id


ID_PREFIX = "https://w3id.org/sundhedsgraf/id/"


def _as_id(value: str) -> str:
    return value.removeprefix(ID_PREFIX).strip("/")


def load_corrections(path: str | Path | None) -> Corrections:
    if path is None or not Path(path).exists():
        return Corrections()
    raw = Path(path).read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorrectionsError(f"{path}: kan ikke læses som TOML ({exc})") from exc
    corrections = Corrections(path=str(path), raw=raw)
    for index, entry in enumerate(data.get("alias", []), start=1):
        if not entry.get("name") or not entry.get("id"):
            raise CorrectionsError(f"{path}: [[alias]] nr. {index} skal have 'name' og 'id'")
        corrections.aliases[normalise_name(entry["name"])] = _as_id(entry["id"])
    for index, entry in enumerate(data.get("merge", []), start=1):
        if not entry.get("from") or not entry.get("into"):
            raise CorrectionsError(f"{path}: [[merge]] nr. {index} skal have 'from' og 'into'")
        corrections.merges[_as_id(entry["from"])] = _as_id(entry["into"])
    for index, entry in enumerate(data.get("reject", []), start=1):
        if not entry.get("id"):
            raise CorrectionsError(f"{path}: [[reject]] nr. {index} skal have 'id'")
        corrections.rejects[_as_id(entry["id"])] = entry.get("reason", "")
    return corrections


# --------------------------------------------------------------------------- results


@dataclass
class LinkedForum:
    id: str
    name: str
    level: str | None
    part_of: str | None
    reports_to: str | None = None
    in_registry: bool = False


@dataclass
class LinkedOrganisation:
    id: str
    name: str
    kind: str | None
    in_registry: bool
    curated: bool = False


@dataclass
class Linked:
    extraction: Extraction
    forum: LinkedForum | None = None
    body_id: str | None = None
    region_id: str | None = None
    organisations: list[LinkedOrganisation] = field(default_factory=list)  # parallel to extraction.organisations
    persons: list[str] = field(default_factory=list)  # parallel to extraction.participants
    person_orgs: list[str | None] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)  # parallel to extraction.initiatives
    new_forums: dict[str, LinkedForum] = field(default_factory=dict)  # forums established by decisions, or referenced
    proposers: dict[tuple[int, int], str] = field(default_factory=dict)  # (item index, rec index) -> forum/org id
    established: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # (item, decision) -> ids
    dissolved: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    references: dict[tuple[int, int], str] = field(default_factory=dict)  # (item, ref) -> forum id
    cases: dict[int, str] = field(default_factory=dict)  # item index -> case id
    route_forums: dict[tuple[int, int], str] = field(default_factory=dict)  # (item, step) -> forum id
    corrections: Corrections = field(default_factory=Corrections)
    warnings: list[str] = field(default_factory=list)

    def rejected(self, node_id: str) -> bool:
        return node_id in self.corrections.rejects


# --------------------------------------------------------------------------- forums

LEVEL_PATTERNS: list[tuple[str, str]] = [
    # a council and its committee forms, 'Sundhedsråd Fyn (særligt udvalg)', before 'udvalg' below
    (r"^sundhedsråd(?:et)?\b", "sundhedsraad"),
    (r"^(?:det\s+)?(?:forberedende\s+)?regions?rådet?\b", "regionsraad"),
    (r"politisk(?:e)? niveau|politisk sundhedsklynge", "politisk-niveau"),
    (
        r"fagligt?[ -]?strategisk|direktørforum|faglig sundhedsklynge|klyngestyregruppe|faglig strategisk gruppe",
        "fagligt-strategisk-niveau",
    ),
    (r"koordinerende niveau|chefforum|chefgruppe", "koordinerende-niveau"),
    (r"driftsfor|drifts- og udviklingsgruppe|udviklings- og driftsgruppe", "driftsforum"),
    (r"sundhedssamarbejdsudvalg|sundhedskoordinationsudvalg", "regionalt-politisk"),
    (r"sundhedsstyregruppe", "regionalt-administrativt"),
    (r"styregruppe", "styregruppe"),
    (r"følgegruppe", "foelgegruppe"),
    (
        r"arbejdsgruppe|implementeringsgruppe|temagruppe|underarbejdsgruppe|projektgruppe|ledelsesgruppe",
        "arbejdsgruppe",
    ),
    (r"sekretariat", "sekretariat"),
    (r"chefteam|direktion|ledergruppe|ledelsesteam|ledelsesforum", "internt-ledelsesforum"),
    (r"udvalg", "udvalg"),
    (r"klynge$|klyngen$", "arbejdsgruppe"),  # an internal team named "klynge" is not a health cluster
]


def forum_level(name: str) -> str | None:
    low = name.lower()
    for pattern, level in LEVEL_PATTERNS:
        if re.search(pattern, low):
            return level
    return None


class Linker:
    def __init__(self, registry: Registry, corrections: Corrections | None = None):
        self.registry = registry
        self.corrections = corrections or Corrections()

    # ---- generic lookups
    def lookup(self, name: str, kinds: tuple[str, ...], region: str | None = None, day: date | None = None):
        curated = self.corrections.aliases.get(normalise_name(name))
        if curated and curated in self.registry.entities:
            return self.registry.get(curated), True
        name = re.sub(r"\s+", " ", name).strip()
        candidates = [e for e in self.registry.lookup(name) if e.kind in kinds]
        if not candidates:
            # genitive and definite forms: "Sundhedsklynge Lillebælts", "Psykiatriens"
            for variant in (name.rstrip("s"), re.sub(r"(en|et)$", "", name)):
                if variant != name:
                    candidates = [e for e in self.registry.lookup(variant) if e.kind in kinds]
                    if candidates:
                        break
        if len(candidates) > 1 and region:
            in_region = [
                e
                for e in candidates
                if e.region == region
                or e.id == region
                or region in self.registry.entities.get(e.region or "", _NO_REGION).succeeds
            ]
            candidates = in_region or candidates
        if len(candidates) > 1 and day:  # "Regionsrådet" in 2026 and in 2027 are two bodies in Østdanmark
            candidates = [e for e in candidates if e.valid_on(day)] or candidates
        if len(candidates) == 1:
            return candidates[0], False
        return None, False

    # ---- the sundhedsråd and the regional councils
    def council_forum(self, name: str | None):
        """'Sundhedsråd Aarhus (forberedende)' -> the registry's committee form if the region publishes one, else
        the council itself; 'Sundhedsrådet for Fyn' -> Sundhedsråd Fyn. None for anything else."""
        if not name:
            return None
        m = _COUNCIL_NAME.match(re.sub(r"\s+", " ", name).strip())
        if not m:
            return None
        council, _ = self.lookup(f"Sundhedsråd {m['place']}", ("sundhedsraad",))
        if council is None:
            council, _ = self.lookup(name, ("sundhedsraad", "forum"))
            return council if council is not None and council.level == "sundhedsraad" else None
        form = m["form"] or ""
        if form:
            return self.registry.entities.get(f"forum/{council.id}/{slug(form)}", council)
        return council

    def council_of(self, forum_id: str | None):
        """The council a forum is, or is a committee form of."""
        entity = self.registry.entities.get(forum_id or "")
        while entity is not None and entity.kind != "sundhedsraad":
            entity = self.registry.entities.get(entity.part_of or "") if entity.level == "sundhedsraad" else None
        return entity

    def deciding_council(self, council, day: date | None):
        """The regional council a sundhedsråd recommends to on `day` (Østdanmark 2026: the preparatory one)."""
        deciders = [self.registry.get(f) for f in (council.reports_to, *council.also_reports_to) if f]
        valid = [f for f in deciders if day is None or f.valid_on(day)]
        return next(iter(valid or deciders), None)

    def document_region(self, ex: Extraction) -> str | None:
        votes: Counter[str] = Counter()
        for mention in ex.organisations:
            entity, _ = self.lookup(mention.name, ("region", "kommune", "organisation"))
            if entity is not None:
                votes[entity.id if entity.kind == "region" else entity.region or ""] += 1
        votes.pop("", None)
        return votes.most_common(1)[0][0] if votes else None

    def cluster(self, name: str | None, region: str | None):
        if not name:
            return None
        entity, _ = self.lookup(name, ("klynge",), region)
        return entity

    def meeting_forum(self, ex: Extraction, region: str | None) -> tuple[LinkedForum | None, str | None]:
        m = ex.meeting
        if not m.forum:
            return None, None
        council = self.council_forum(m.forum)
        if council is not None:  # the council's own local forums and cases are scoped under the council
            scope = council.id if council.kind == "sundhedsraad" else council.part_of
            return LinkedForum(
                council.id, council.name, "sundhedsraad", council.part_of, council.reports_to, in_registry=True
            ), scope
        cluster = self.cluster(m.body, region) or self.cluster(m.forum, region)
        level = forum_level(m.forum)
        if cluster is not None:
            if level in ("politisk-niveau", "fagligt-strategisk-niveau"):
                forum = self.registry.cluster_forum(cluster.id, level)
                if forum is not None:
                    return LinkedForum(
                        forum.id, forum.name, level, cluster.id, forum.reports_to, in_registry=True
                    ), cluster.id
            return self.local_forum(m.forum, cluster.id, level), cluster.id
        day = _day(m.date)
        entity, _ = self.lookup(m.forum, ("forum",), region, day)
        if entity is not None:
            return LinkedForum(
                entity.id, entity.name, entity.level, entity.part_of, entity.reports_to, True
            ), entity.part_of
        body = None
        if m.body:
            org, _ = self.lookup(m.body, ("region", "kommune", "organisation"), region)
            body = org.id if org is not None else f"organisation/{slug(m.body)}"
        return self.local_forum(m.forum, body, level), body

    def local_forum(self, name: str, parent: str | None, level: str | None = None) -> LinkedForum:
        level = level or forum_level(name) or "andet"
        scope = _scope(parent) or "ukendt"
        reports_to = None
        if (
            parent
            and parent.startswith("klynge/")
            and level in ("koordinerende-niveau", "driftsforum", "arbejdsgruppe", "styregruppe")
        ):
            professional = self.registry.cluster_forum(parent, "fagligt-strategisk-niveau")
            reports_to = professional.id if professional else None
        forum_id = self.corrections.resolve(f"forum/{scope}/{slug(_canonical_forum_name(name))}")
        return LinkedForum(forum_id, name, level, parent, reports_to)


_NO_REGION = type("NoRegion", (), {"succeeds": ()})()
_COUNCIL_NAME = re.compile(
    r"^sundhedsråd(?:et)?\s+(?:for\s+|i\s+)?(?P<place>.+?)"
    r"(?:\s*[(,–-]\s*(?P<form>forberedende|særligt udvalg)\)?)?$",
    re.I,
)
_REGIONAL_COUNCIL = re.compile(
    r"\b(?:det\s+)?(?:forberedende\s+)?regions?rådet?\b(?:\s+(?:for|i)\s+Region\s+\w+)?", re.I
)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _scope(parent: str | None) -> str | None:
    """The part of a parent's id that scopes local forums and cases: 'klynge/1083/lillebaelt' -> '1083/lillebaelt';
    a council keeps its kind, so its forums and cases never meet a cluster's of the same name."""
    if not parent or "/" not in parent:
        return None
    return parent if parent.startswith("sundhedsraad/") else parent.split("/", 1)[1]


def _canonical_forum_name(name: str) -> str:
    """'Implementeringsgruppen for X' and 'implementeringsgruppen for X' are one forum; so are 'Træningsklyngen' and
    'Træningsklynge'."""
    name = re.sub(r"\s+", " ", name.strip()).lower()
    return re.sub(r"(?<=gruppe)n\b|(?<=klynge)n\b|(?<=forum)met\b|(?<=udvalg)et\b", "", name)


GENERIC_TITLES = re.compile(
    r"^(?:godkendelse af (?:dagsorden|referat)|dagsorden|eventuelt|evt\.?|velkomst|pause|deltagere|meddelelser"
    r"|orientering|næste møde|punkter til|sager til|mødeplan|referat|status)\b",
    re.I,
)


def case_id(item, document_key: str, index: int, scope: str | None) -> str:
    """A case is identified by its case number, else by its title within its body (a standing case recurs
    across meetings), else it is this item alone (generic titles: the agenda, any other business)."""
    if item.case_number:
        return f"case/{slug(item.case_number)}"
    if item.title and not GENERIC_TITLES.match(item.title.strip()) and scope:
        return f"case/{scope}/{slug(item.title)}"
    return f"case/{document_key}/{item.number or f'x{index + 1}'}"


def canonical_initiative(name: str) -> str:
    """Initiative names in running text vary by definite forms, quotes and casing."""
    name = re.sub(r"[\"”“»«]", "", name).lower()
    name = re.sub(r"\s+", " ", name).strip(" -–.,")
    name = re.sub(r"^(?:det |den )", "", name)
    name = re.sub(
        r"\b(forløbsprogram|program|projekt|initiativ|samarbejdsaftale|sundhedsaftale|handleplan)(?:met|et|en)\b",
        r"\1",
        name,
    )
    name = re.sub(r"-aftalen\b", "-aftale", name)
    return name


# --------------------------------------------------------------------------- the stage


def _kind_from_name(name: str) -> str:
    low = name.lower()
    for pattern, kind in (
        (r"kommune", "kommune"),
        (r"^region\b", "region"),
        (r"sygehus|hospital", "sygehus"),
        (r"psykiatri", "psykiatri"),
        (r"universitet|forskningscent", "universitet"),
        (r"forening|patient", "patientorganisation"),
        (r"\bplo\b|almen praksis|praksis", "almen-praksis"),
        (r"styrelse|ministeri|danske regioner|\bkl\b", "nationalt-organ"),
    ):
        if re.search(pattern, low):
            return kind
    return "andet"


def _route_forum(
    linker: Linker, registry: Registry, name: str, ex: Extraction, out: Linked, cluster, region, parent
) -> str:
    """A forum named on a route: the meeting's own, a level of the same cluster, a sundhedsråd, the regional council
    the meeting's council recommends to, a registry forum, or a new one."""
    from ..extract.route import _same

    if out.forum is not None and ex.meeting.forum and _same(name, ex.meeting.forum):
        return out.forum.id
    level = forum_level(name)
    day = _day(ex.meeting.date)
    if cluster is not None and level in ("politisk-niveau", "fagligt-strategisk-niveau"):
        target = registry.cluster_forum(cluster.id, level)
        if target is not None:
            return target.id
    council = linker.council_forum(name)
    if council is not None:
        return council.id
    own = linker.council_of(out.forum.id if out.forum else None)
    if own is not None and level == "regionsraad":
        named, _ = linker.lookup(name, ("forum",), own.region, day)
        if (
            named is not None
            and named.level == "regionsraad"
            and named.region == own.region
            and (day is None or named.valid_on(day))
        ):
            return named.id
        decider = linker.deciding_council(own, day)  # "Regionsrådet" in a council's minutes
        if decider is not None:
            return decider.id
    entity, _ = linker.lookup(name, ("forum",), region, day)
    if entity is not None:
        return entity.id
    forum = linker.local_forum(re.sub(r"^(?:det|den)\s+", "", name, flags=re.I), parent)
    out.new_forums.setdefault(forum.id, forum)
    return forum.id


def link(ex: Extraction, registry: Registry, corrections: Corrections | None = None) -> Linked:
    linker = Linker(registry, corrections)
    out = Linked(extraction=ex, corrections=linker.corrections)
    cluster, region = _link_meeting(linker, ex, out)
    _link_mentions(linker, ex, out, region)

    parent = out.body_id or (out.forum.part_of if out.forum else None)
    own_council = linker.council_of(out.forum.id if out.forum else None)
    meeting_day = _day(ex.meeting.date)
    for i, item in enumerate(ex.items):
        for k, rec in enumerate(item.recommendations):
            if rec.proposed_by:
                proposer = _proposer(linker, out, rec.proposed_by, region, meeting_day, parent)
                if proposer is not None:
                    out.proposers[(i, k)] = proposer
        for k, decision in enumerate(item.decisions):
            out.established[(i, k)], out.dissolved[(i, k)] = _established_and_dissolved(linker, out, decision, parent)
        scope = _scope(parent)
        out.cases[i] = linker.corrections.resolve(case_id(item, ex.document_key, i, scope))
        if own_council is not None:
            _regional_council_decides(linker, item, own_council, meeting_day)
        for k, step in enumerate(item.route):
            out.route_forums[(i, k)] = _route_forum(linker, registry, step.forum, ex, out, cluster, region, parent)
        for k, ref in enumerate(item.references):
            target = _reference_target(linker, ref, cluster, region, meeting_day)
            if target is not None:
                out.references[(i, k)] = target
    return out


def _link_meeting(linker: Linker, ex: Extraction, out: Linked) -> tuple[Entity | None, str | None]:
    """The meeting's region (from its organisations, or its health cluster's), forum and body, with a warning
    when the meeting lies outside the cluster's or council's period; returns the cluster and the region."""
    region = linker.document_region(ex)
    cluster = linker.cluster(ex.meeting.body, region) or linker.cluster(ex.meeting.forum, region)
    if cluster is not None:
        region = cluster.region
    out.region_id = region
    out.forum, out.body_id = linker.meeting_forum(ex, region)
    if cluster is not None and ex.meeting.date:
        day = date.fromisoformat(ex.meeting.date)
        if not cluster.valid_on(day):
            out.warnings.append(f"mødet {ex.meeting.date} ligger uden for {cluster.name}s gyldighedsperiode")
    council = linker.council_of(out.forum.id if out.forum else None)
    if council is not None and _day(ex.meeting.date) and not council.valid_on(_day(ex.meeting.date)):
        out.warnings.append(
            f"mødet {ex.meeting.date} ligger uden for {council.name}s gyldighedsperiode (fra {council.valid_from})"
        )
    return cluster, region


def _link_mentions(linker: Linker, ex: Extraction, out: Linked, region: str | None) -> None:
    """Ids for the organisations, participants (and whom they represent) and initiatives the minutes name."""
    for mention in ex.organisations:
        entity, curated = linker.lookup(mention.name, ("region", "kommune", "organisation"), region)
        if entity is not None:
            node_id = linker.corrections.resolve(entity.id)
            mention.id = node_id
            out.organisations.append(LinkedOrganisation(node_id, entity.name, entity.org_kind, True, curated))
        else:
            node_id = linker.corrections.resolve(f"organisation/{slug(mention.name)}")
            mention.id = None
            out.organisations.append(
                LinkedOrganisation(node_id, mention.name, mention.kind or _kind_from_name(mention.name), False)
            )

    for person in ex.participants:
        out.persons.append(linker.corrections.resolve(_person_id(linker, person.name, out.forum)))
        org_id = None
        if person.organisation:
            entity, _ = linker.lookup(person.organisation, ("region", "kommune", "organisation"), region)
            org_id = entity.id if entity else f"organisation/{slug(person.organisation)}"
        out.person_orgs.append(org_id)

    for initiative in ex.initiatives:
        node_id = linker.corrections.resolve(f"initiative/{slug(canonical_initiative(initiative.name))}")
        initiative.id = node_id
        out.initiatives.append(node_id)


def _proposer(
    linker: Linker, out: Linked, name: str, region: str | None, day: date | None, parent: str | None
) -> str | None:
    """Who put a recommendation forward: a council or forum of the registry, a local forum (new), or an
    organisation; None when the name is none of them."""
    forum_entity = linker.council_forum(name)
    if forum_entity is None:
        forum_entity, _ = linker.lookup(name, ("forum",), region, day)
    if forum_entity is not None:
        return forum_entity.id
    if forum_level(name):
        forum = linker.local_forum(name, parent)
        out.new_forums.setdefault(forum.id, forum)
        return forum.id
    org, _ = linker.lookup(name, ("region", "kommune", "organisation"), region)
    return org.id if org is not None else None


def _established_and_dissolved(
    linker: Linker, out: Linked, decision: Decision, parent: str | None
) -> tuple[list[str], list[str]]:
    """The forums (or initiatives) a decision establishes, and the forums it dissolves."""
    made = []
    for name in decision.establishes:
        forum = linker.local_forum(name, parent)
        if forum.level != "andet":
            out.new_forums.setdefault(forum.id, forum)
            made.append(forum.id)
        else:
            made.append(linker.corrections.resolve(f"initiative/{slug(canonical_initiative(name))}"))
    ended = []
    for name in decision.dissolves:
        forum = linker.local_forum(name, parent)
        out.new_forums.setdefault(forum.id, forum)
        ended.append(forum.id)
    return made, ended


def _reference_target(
    linker: Linker, ref: MeetingReference, cluster: Entity | None, region: str | None, meeting_day: date | None
) -> str | None:
    """The forum an item's reference to another treatment names (the cluster's own forum at a cluster level)."""
    if not ref.forum:
        return None
    level = forum_level(ref.forum)
    if cluster is not None and level in ("politisk-niveau", "fagligt-strategisk-niveau"):
        target = linker.registry.cluster_forum(cluster.id, level)
        if target is not None:
            return target.id
    entity = linker.council_forum(ref.forum)
    if entity is None:
        entity, _ = linker.lookup(ref.forum, ("forum",), region, _day(ref.date) or meeting_day)
    return entity.id if entity is not None else None


def _person_id(linker: Linker, name: str, forum: LinkedForum | None) -> str:
    """A participant is the registry's person of that name or alias (a council member named in minutes is the
    registry's node); of two registry persons with one name, the one with a seat in the meeting's council."""
    found = [e for e in linker.registry.lookup(name) if e.kind == "person"]
    if len(found) > 1 and forum is not None:
        council = linker.council_of(forum.id)
        seated = {s.person for s in linker.registry.seats if council is not None and s.organisation == council.id}
        found = [e for e in found if e.id in seated]
    if len(found) == 1:
        return found[0].id
    return f"person/{slug(name)}"


def _regional_council_decides(linker: Linker, item, council, day: date | None) -> None:
    """A council recommends and the regional council decides: when a council's item is recommended on and its
    decision or recommendation names the regional council ('anbefales over for regionsrådet', 'regionsrådet
    træffer den endelige beslutning'), the route gets the regional council as the forum that decides. Only where
    the minutes say so: an item that names no regional council keeps the route the extractor found."""
    if any(step.role == "decides" for step in item.route):
        return
    recommends = any(step.role == "recommends" for step in item.route) or any(
        d.outcome == "recommended" for d in item.decisions
    )
    if not recommends:
        return
    for text in [d.text for d in item.decisions] + [r.text for r in item.recommendations]:
        m = _REGIONAL_COUNCIL.search(text or "")
        if m and linker.deciding_council(council, day) is not None:
            item.route.append(RouteStep(forum=m.group(0), role="decides"))
            return
