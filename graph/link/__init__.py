"""Link stage: extracted names -> nodes. Registry entities where the name is known (by name,
alias or abbreviation, disambiguated by the document's region), new nodes otherwise.

Output is `Linked`: the extraction plus a registry/new id for every forum, organisation,
person and initiative it mentions. Ids are paths below .../id/ and deterministic, so
building the same input twice gives the same IRIs, and the same initiative named in
two documents becomes one node.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..extract.model import Extraction
from ..registry import Registry, normalise_name
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
    organisations: list[LinkedOrganisation | None] = field(default_factory=list)  # parallel to extraction.organisations
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
    (r"politisk(?:e)? niveau|politisk sundhedsklynge", "politisk-niveau"),
    (r"fagligt?[ -]?strategisk|direktørforum|faglig sundhedsklynge|klyngestyregruppe|faglig strategisk gruppe", "fagligt-strategisk-niveau"),
    (r"koordinerende niveau|chefforum|chefgruppe", "koordinerende-niveau"),
    (r"driftsfor|drifts- og udviklingsgruppe|udviklings- og driftsgruppe", "driftsforum"),
    (r"sundhedssamarbejdsudvalg|sundhedskoordinationsudvalg", "regionalt-politisk"),
    (r"sundhedsstyregruppe", "regionalt-administrativt"),
    (r"styregruppe", "styregruppe"),
    (r"følgegruppe", "foelgegruppe"),
    (r"arbejdsgruppe|implementeringsgruppe|temagruppe|underarbejdsgruppe|projektgruppe|ledelsesgruppe", "arbejdsgruppe"),
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
    def lookup(self, name: str, kinds: tuple[str, ...], region: str | None = None):
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
            in_region = [e for e in candidates if e.region == region or e.id == region]
            candidates = in_region or candidates
        if len(candidates) == 1:
            return candidates[0], False
        return None, False

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
        cluster = self.cluster(m.body, region) or self.cluster(m.forum, region)
        level = forum_level(m.forum)
        if cluster is not None:
            if level in ("politisk-niveau", "fagligt-strategisk-niveau"):
                forum = self.registry.cluster_forum(cluster.id, level)
                if forum is not None:
                    return LinkedForum(forum.id, forum.name, level, cluster.id, forum.reports_to, in_registry=True), cluster.id
            return self.local_forum(m.forum, cluster.id, level), cluster.id
        entity, _ = self.lookup(m.forum, ("forum",), region)
        if entity is not None:
            return LinkedForum(entity.id, entity.name, entity.level, entity.part_of, entity.reports_to, True), entity.part_of
        body = None
        if m.body:
            org, _ = self.lookup(m.body, ("region", "kommune", "organisation"), region)
            body = org.id if org is not None else f"organisation/{slug(m.body)}"
        return self.local_forum(m.forum, body, level), body

    def local_forum(self, name: str, parent: str | None, level: str | None = None) -> LinkedForum:
        level = level or forum_level(name) or "andet"
        scope = parent.split("/", 1)[1] if parent else "ukendt"
        reports_to = None
        if parent and parent.startswith("klynge/") and level in ("koordinerende-niveau", "driftsforum", "arbejdsgruppe", "styregruppe"):
            professional = self.registry.cluster_forum(parent, "fagligt-strategisk-niveau")
            reports_to = professional.id if professional else None
        forum_id = self.corrections.resolve(f"forum/{scope}/{slug(_canonical_forum_name(name))}")
        return LinkedForum(forum_id, name, level, parent, reports_to)


def _canonical_forum_name(name: str) -> str:
    """'Implementeringsgruppen for X' and 'implementeringsgruppen for X' are one forum; so are 'Træningsklyngen' and 'Træningsklynge'."""
    name = re.sub(r"\s+", " ", name.strip()).lower()
    return re.sub(r"(?<=gruppe)n\b|(?<=klynge)n\b|(?<=forum)met\b|(?<=udvalg)et\b", "", name)


GENERIC_TITLES = re.compile(
    r"^(?:godkendelse af (?:dagsorden|referat)|dagsorden|eventuelt|evt\.?|velkomst|pause|deltagere|meddelelser"
    r"|orientering|næste møde|punkter til|sager til|mødeplan|referat|status)\b", re.I)


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
    name = re.sub(r"\b(forløbsprogram|program|projekt|initiativ|samarbejdsaftale|sundhedsaftale|handleplan)(?:met|et|en)\b", r"\1", name)
    name = re.sub(r"-aftalen\b", "-aftale", name)
    return name


# --------------------------------------------------------------------------- the stage


def _kind_from_name(name: str) -> str:
    low = name.lower()
    for pattern, kind in (
        (r"kommune", "kommune"), (r"^region\b", "region"), (r"sygehus|hospital", "sygehus"),
        (r"psykiatri", "psykiatri"), (r"universitet|forskningscent", "universitet"),
        (r"forening|patient", "patientorganisation"), (r"\bplo\b|almen praksis|praksis", "almen-praksis"),
        (r"styrelse|ministeri|danske regioner|\bkl\b", "nationalt-organ"),
    ):
        if re.search(pattern, low):
            return kind
    return "andet"


def _route_forum(linker: Linker, registry: Registry, name: str, ex: Extraction, out: Linked, cluster, region, parent) -> str:
    """A forum named on a route: the meeting's own, a level of the same cluster, a registry forum, or a new one."""
    from ..extract.route import _same

    if out.forum is not None and ex.meeting.forum and _same(name, ex.meeting.forum):
        return out.forum.id
    level = forum_level(name)
    if cluster is not None and level in ("politisk-niveau", "fagligt-strategisk-niveau"):
        target = registry.cluster_forum(cluster.id, level)
        if target is not None:
            return target.id
    entity, _ = linker.lookup(name, ("forum",), region)
    if entity is not None:
        return entity.id
    forum = linker.local_forum(re.sub(r"^(?:det|den)\s+", "", name, flags=re.I), parent)
    out.new_forums.setdefault(forum.id, forum)
    return forum.id


def link(ex: Extraction, registry: Registry, corrections: Corrections | None = None) -> Linked:
    linker = Linker(registry, corrections)
    out = Linked(extraction=ex, corrections=linker.corrections)
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

    for mention in ex.organisations:
        entity, curated = linker.lookup(mention.name, ("region", "kommune", "organisation"), region)
        if entity is not None:
            node_id = linker.corrections.resolve(entity.id)
            mention.id = node_id
            out.organisations.append(LinkedOrganisation(node_id, entity.name, entity.org_kind, True, curated))
        else:
            node_id = linker.corrections.resolve(f"organisation/{slug(mention.name)}")
            mention.id = None
            out.organisations.append(LinkedOrganisation(node_id, mention.name, mention.kind or _kind_from_name(mention.name), False))

    for person in ex.participants:
        out.persons.append(linker.corrections.resolve(f"person/{slug(person.name)}"))
        org_id = None
        if person.organisation:
            entity, _ = linker.lookup(person.organisation, ("region", "kommune", "organisation"), region)
            org_id = entity.id if entity else f"organisation/{slug(person.organisation)}"
        out.person_orgs.append(org_id)

    for initiative in ex.initiatives:
        node_id = linker.corrections.resolve(f"initiative/{slug(canonical_initiative(initiative.name))}")
        initiative.id = node_id
        out.initiatives.append(node_id)

    parent = out.body_id or (out.forum.part_of if out.forum else None)
    for i, item in enumerate(ex.items):
        for k, rec in enumerate(item.recommendations):
            if rec.proposed_by:
                forum_entity, _ = linker.lookup(rec.proposed_by, ("forum",), region)
                if forum_entity is not None:
                    out.proposers[(i, k)] = forum_entity.id
                elif forum_level(rec.proposed_by):
                    forum = linker.local_forum(rec.proposed_by, parent)
                    out.new_forums.setdefault(forum.id, forum)
                    out.proposers[(i, k)] = forum.id
                else:
                    org, _ = linker.lookup(rec.proposed_by, ("region", "kommune", "organisation"), region)
                    if org is not None:
                        out.proposers[(i, k)] = org.id
        for k, decision in enumerate(item.decisions):
            made = []
            for name in decision.establishes:
                forum = linker.local_forum(name, parent)
                if forum.level != "andet":
                    out.new_forums.setdefault(forum.id, forum)
                    made.append(forum.id)
                else:
                    made.append(linker.corrections.resolve(f"initiative/{slug(canonical_initiative(name))}"))
            out.established[(i, k)] = made
            ended = []
            for name in decision.dissolves:
                forum = linker.local_forum(name, parent)
                out.new_forums.setdefault(forum.id, forum)
                ended.append(forum.id)
            out.dissolved[(i, k)] = ended
        scope = (parent or "").split("/", 1)[1] if parent and "/" in parent else None
        out.cases[i] = linker.corrections.resolve(case_id(item, ex.document_key, i, scope))
        for k, step in enumerate(item.route):
            out.route_forums[(i, k)] = _route_forum(linker, registry, step.forum, ex, out, cluster, region, parent)
        for k, ref in enumerate(item.references):
            if not ref.forum:
                continue
            level = forum_level(ref.forum)
            if cluster is not None and level in ("politisk-niveau", "fagligt-strategisk-niveau"):
                target = registry.cluster_forum(cluster.id, level)
                if target is not None:
                    out.references[(i, k)] = target.id
                    continue
            entity, _ = linker.lookup(ref.forum, ("forum",), region)
            if entity is not None:
                out.references[(i, k)] = entity.id
    return out
