"""The national reference registry: regions, kommuner, health clusters, hospitals,
national actors, regional forums, the 17 sundhedsråd with their members, and the reform timeline.

The registry is kept as human-editable CSV in `data/reference/` (one row a fact,
with its source and confidence V/P/U) and compiled into RDF on every build.
Every problem found is reported with file and line, all at once, so a secretariat
can fix a broken file in one go.
"""

from __future__ import annotations

import csv
import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..ontology import concept_keys

CONFIDENCES = ("V", "P", "U")

# Levels that every health cluster has by law (Sundhedsloven § 203, L 191 2021-22).
CLUSTER_LEVELS = (
    ("politisk-niveau", "Politisk niveau"),
    ("fagligt-strategisk-niveau", "Fagligt strategisk niveau"),
)
CLUSTER_LEVEL_SOURCE = "L 191 (2021-22) https://ft.dk/samling/20211/lovforslag/l191/20211_l191_som_fremsat.htm"


@dataclass(frozen=True)
class Origin:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    origin: Origin
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


class RegistryError(Exception):
    """The registry has one or more problems; `problems` names file, line and reason for each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Entity:
    id: str  # "kind/key", also the path of its IRI: "kommune/0101"
    kind: str  # region | kommune | klynge | organisation | forum | sundhedsraad | person
    name: str
    origin: Origin
    aliases: tuple[str, ...] = ()
    org_kind: str | None = None  # a key of OrganisationKindScheme
    region: str | None = None  # region entity id
    code: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""
    confidence: str = "U"
    note: str = ""
    # health clusters
    members: tuple[str, ...] = ()
    partial_members: frozenset[str] = frozenset()
    acute_hospital: str | None = None
    # forums
    level: str | None = None
    part_of: str | None = None
    reports_to: str | None = None
    also_reports_to: tuple[str, ...] = ()  # a sundhedsråd in Østdanmark: the preparatory, then the new regional council
    # regions: the regions this one replaces (Region Østdanmark: Hovedstaden and Sjælland)
    succeeds: tuple[str, ...] = ()
    # sundhedsråd: the first meeting where known, the phases (preparatory, formal), the published size,
    # the committee forms a region publishes it under, what it decides or recommends
    first_meeting: date | None = None
    phases: tuple = ()
    composition: str = ""
    competences: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass
class ReformEvent:
    id: str
    date: date
    name: str
    establishes: tuple[str, ...]
    dissolves: tuple[str, ...]
    source: str
    confidence: str
    note: str
    origin: Origin


@dataclass(eq=False)  # compared by identity, so it can key caches
class Registry:
    entities: dict[str, Entity] = field(default_factory=dict)
    events: list[ReformEvent] = field(default_factory=list)
    # the sundhedsråd: which kommune is in which council (disputed ones once per reading), who sits where,
    # what each council takes over from the clusters and SSUs, and what councils decide or recommend
    areas: list = field(default_factory=list)  # AreaMembership
    seats: list = field(default_factory=list)  # Seat
    transitions: list = field(default_factory=list)  # Transition
    competences: list = field(default_factory=list)  # Competence
    _index: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def add(self, entity: Entity) -> Entity | None:
        """Add `entity`; return the entity already holding its id instead, if any."""
        if entity.id in self.entities:
            return self.entities[entity.id]
        self.entities[entity.id] = entity
        if self._index:  # kept up to date, not built again: loading the councils adds and looks up in turn
            self._index_labels(entity)
        return None

    def _index_labels(self, entity: Entity) -> None:
        for label in entity.labels:
            ids = self._index.setdefault(normalise_name(label), [])
            if entity.id not in ids:
                ids.append(entity.id)

    def get(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def by_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    def lookup(self, name: str) -> list[Entity]:
        """Entities one of whose labels normalises to the same key as `name`."""
        if not self._index:
            for entity in self.entities.values():
                self._index_labels(entity)
        return [self.entities[i] for i in self._index.get(normalise_name(name), [])]

    def cluster_forum(self, cluster_id: str, level: str) -> Entity | None:
        return self.entities.get(f"forum/{cluster_id.removeprefix('klynge/')}/{level}")

    # ---- the sundhedsråd
    @property
    def readings(self) -> tuple[str, ...]:
        """The named readings of the disputed council geography ('medlemslister', 'kommunelister')."""
        return tuple(sorted({a.reading for a in self.areas if a.reading}))

    def council_areas(self, reading: str | None = None) -> dict[str, list]:
        """kommune id -> its council memberships under `reading` (None: every reading, so a disputed kommune has
        one per reading)."""
        out: dict[str, list] = {}
        for area in self.areas:
            if reading is None or area.reading is None or area.reading == reading:
                out.setdefault(area.kommune, []).append(area)
        return out

    def councils_of(self, kommune_id: str, day: date | None = None) -> list:
        """The council memberships of a kommune (every reading of a disputed one), valid on `day` if given."""
        return [
            a for a in self.areas if a.kommune == kommune_id and (day is None or self.entities[a.council].valid_on(day))
        ]

    def seats_in(self, organisation_id: str) -> list:
        return [s for s in self.seats if s.organisation == organisation_id]


_QUOTES_RE = re.compile(r"[\"'’”“*_]")
_DASH_RE = re.compile(r"(?<!\s)\s*-\s*")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # the same few thousand names recur in every document
def normalise_name(text: str) -> str:
    """Key for name matching: case, dashes, quotes and spacing do not matter."""
    text = text.lower().replace("–", "-").replace("—", "-")
    text = _DASH_RE.sub("-", _QUOTES_RE.sub("", text))
    return _SPACE_RE.sub(" ", text).strip(" .,;:")


# --------------------------------------------------------------------------- loading


class _Reader:
    """Reads one CSV file and collects problems with their line numbers."""

    def __init__(self, path: Path, required: tuple[str, ...], problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.required = required

    def rows(self):
        try:
            handle = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            self.problems.append(Problem(Origin(str(self.path), 0), f"kan ikke læses: {exc.strerror}"))
            return
        with handle:
            reader = csv.DictReader(handle)
            missing = [c for c in self.required if c not in (reader.fieldnames or [])]
            if missing:
                self.problems.append(Problem(Origin(str(self.path), 1), f"mangler kolonne(r): {', '.join(missing)}"))
                return
            for row in reader:
                origin = Origin(str(self.path), reader.line_num)
                if None in row:  # more cells than columns
                    self.error(origin, "for mange felter i rækken (mangler der anførselstegn om et komma?)")
                    continue
                yield origin, {k: (v or "").strip() for k, v in row.items()}

    def error(self, origin: Origin, message: str) -> None:
        self.problems.append(Problem(origin, message))

    def date(self, origin: Origin, text: str, column: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.error(origin, f"{column}: '{text}' er ikke en dato (ÅÅÅÅ-MM-DD)")
            return None

    def confidence(self, origin: Origin, text: str) -> str:
        if text not in CONFIDENCES:
            self.error(origin, f"sikkerhed: '{text}' skal være V, P eller U")
            return "U"
        return text


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def load_registry(folder: str | Path) -> Registry:
    """Load and check the registry in `folder`; raise RegistryError listing every problem."""
    loader = _Loader(Path(folder))
    loader.regions()
    loader.kommuner()
    loader.organisations()  # hospitals, psychiatry, national actors
    loader.clusters()
    loader.cluster_levels()
    loader.forums()

    # the 17 sundhedsråd, their members, the disputed kommuner, the transition from the clusters
    from .councils import load_councils

    load_councils(loader.folder, loader.registry, loader.problems, _Reader, _split)
    loader.reform()

    if loader.problems:
        raise RegistryError(loader.problems)
    return loader.registry


class _Loader:
    """The registry's files, read in order into one registry (each file may refer to the ones before it),
    with the problems of every file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.problems: list[Problem] = []
        self.registry = Registry()
        self.org_kinds = concept_keys("OrganisationKindScheme")
        self.levels = concept_keys("ForumLevelScheme")

    def reader(self, name: str, required: tuple[str, ...]) -> _Reader:
        return _Reader(self.folder / name, required, self.problems)

    def add(self, entity: Entity, reader: _Reader) -> None:
        existing = self.registry.add(entity)
        if existing is not None:
            reader.error(entity.origin, f"id '{entity.id}' findes allerede ({existing.origin})")

    def region_of(self, reader: _Reader, origin: Origin, text: str, required: bool = True) -> str | None:
        if not text:
            if required:
                reader.error(origin, "region mangler")
            return None
        for entity in self.registry.lookup(text) + [self.registry.entities.get(f"region/{text}")]:
            if entity is not None and entity.kind == "region":
                return entity.id
        reader.error(origin, f"ukendt region '{text}'")
        return None

    def regions(self) -> None:
        reader = self.reader("regioner.csv", ("kode", "id", "navn", "kilde", "sikkerhed"))
        region_successors: list[tuple[_Reader, Origin, str, tuple[str, ...]]] = []
        for origin, row in reader.rows():
            if not row["id"] or not row["navn"]:
                reader.error(origin, "id og navn skal udfyldes")
                continue
            if _split(row.get("afloeser", "")):
                region_successors.append((reader, origin, f"region/{row['id']}", _split(row["afloeser"])))
            self.add(
                Entity(
                    id=f"region/{row['id']}",
                    kind="region",
                    name=row["navn"],
                    origin=origin,
                    aliases=_split(row.get("aliaser", "")),
                    org_kind="region",
                    code=row["kode"] or None,
                    valid_from=reader.date(origin, row.get("gyldig_fra", ""), "gyldig_fra"),
                    valid_to=reader.date(origin, row.get("gyldig_til", ""), "gyldig_til"),
                    source=row["kilde"],
                    confidence=reader.confidence(origin, row["sikkerhed"]),
                    note=row.get("note", ""),
                ),
                reader,
            )
        for reader_, origin, region_id, replaced in region_successors:  # 'afloeser': the regions this one replaces
            ids = []
            for key in replaced:
                found = self.registry.entities.get(f"region/{key}") or next(iter(self.registry.lookup(key)), None)
                if found is None or found.kind != "region":
                    reader_.error(origin, f"afloeser: ukendt region '{key}'")
                else:
                    ids.append(found.id)
            self.registry.entities[region_id].succeeds = tuple(ids)

    def kommuner(self) -> None:
        reader = self.reader("kommuner.csv", ("kode", "navn", "region", "kilde", "sikkerhed"))
        for origin, row in reader.rows():
            code = row["kode"]
            if not re.fullmatch(r"\d{4}", code):
                reader.error(origin, f"kommunekode '{code}' skal være fire cifre")
                continue
            if not row["navn"]:
                reader.error(origin, "navn skal udfyldes")
                continue
            name = row["navn"]
            generic = (f"{name} Kommune", f"{name}s Kommune") if not name.endswith("s") else (f"{name} Kommune",)
            self.add(
                Entity(
                    id=f"kommune/{code}",
                    kind="kommune",
                    name=name,
                    origin=origin,
                    aliases=tuple(dict.fromkeys((*generic, *_split(row.get("aliaser", ""))))),
                    org_kind="kommune",
                    code=code,
                    region=self.region_of(reader, origin, row["region"]),
                    source=row["kilde"],
                    confidence=reader.confidence(origin, row["sikkerhed"]),
                ),
                reader,
            )

    def organisations(self) -> None:
        reader = self.reader("organisationer.csv", ("id", "navn", "art", "region", "kilde", "sikkerhed"))
        for origin, row in reader.rows():
            if row["art"] not in self.org_kinds:
                reader.error(
                    origin,
                    f"art '{row['art']}' er ikke en kendt organisationsart ({', '.join(sorted(self.org_kinds))})",
                )
                continue
            self.add(
                Entity(
                    id=f"organisation/{row['id']}",
                    kind="organisation",
                    name=row["navn"],
                    origin=origin,
                    aliases=_split(row.get("aliaser", "")),
                    org_kind=row["art"],
                    region=self.region_of(reader, origin, row["region"], required=False),
                    source=row["kilde"],
                    confidence=reader.confidence(origin, row["sikkerhed"]),
                    note=row.get("note", ""),
                ),
                reader,
            )

    def clusters(self) -> None:
        """Health clusters, keyed by region and name (names repeat across regions)."""
        reader = self.reader(
            "sundhedsklynger.csv", ("id", "navn", "region", "akutsygehus", "kommuner", "kilde", "sikkerhed")
        )
        for origin, row in reader.rows():
            region = self.region_of(reader, origin, row["region"])
            if region is None:
                continue
            region_key = region.removeprefix("region/")
            members = self.cluster_members(reader, origin, row, region)
            partial: set[str] = set()
            for name in _split(row.get("delvise_kommuner", "")):
                found = [e.id for e in self.registry.lookup(name) if e.kind == "kommune" and e.id in members]
                if not found:
                    reader.error(origin, f"delvis kommune '{name}' er ikke blandt klyngens kommuner")
                partial.update(found)
            hospital = f"organisation/{row['akutsygehus']}" if row["akutsygehus"] else None
            if hospital and hospital not in self.registry.entities:
                reader.error(origin, f"ukendt akutsygehus '{row['akutsygehus']}' (skal stå i organisationer.csv)")
                hospital = None
            self.add(
                Entity(
                    id=f"klynge/{region_key}/{row['id']}",
                    kind="klynge",
                    name=row["navn"],
                    origin=origin,
                    aliases=_split(row.get("aliaser", "")),
                    region=region,
                    members=tuple(members),
                    partial_members=frozenset(partial),
                    acute_hospital=hospital,
                    valid_from=reader.date(origin, row.get("gyldig_fra", ""), "gyldig_fra"),
                    valid_to=reader.date(origin, row.get("gyldig_til", ""), "gyldig_til"),
                    source=row["kilde"],
                    confidence=reader.confidence(origin, row["sikkerhed"]),
                    note=row.get("note", ""),
                ),
                reader,
            )

    def cluster_members(self, reader: _Reader, origin: Origin, row: dict[str, str], region: str) -> list[str]:
        """The kommuner of a cluster's row, each of them in the cluster's region."""
        members = []
        for name in _split(row["kommuner"]):
            found = [e for e in self.registry.lookup(name) if e.kind == "kommune"]
            if not found:
                reader.error(origin, f"ukendt kommune '{name}'")
                continue
            kommune = found[0]
            if kommune.region != region:
                reader.error(
                    origin, f"kommunen {kommune.name} ligger i {kommune.region}, ikke i klyngens region {region}"
                )
            members.append(kommune.id)
        return members

    def cluster_levels(self) -> None:
        """The two statutory levels of every cluster."""
        for cluster in [e for e in self.registry.entities.values() if e.kind == "klynge"]:
            key = cluster.id.removeprefix("klynge/")
            for level, label in CLUSTER_LEVELS:
                aliases = tuple(f"{name} - {label}" for name in cluster.labels) + tuple(
                    f"{label} i {name}" for name in cluster.labels
                )
                self.registry.add(
                    Entity(
                        id=f"forum/{key}/{level}",
                        kind="forum",
                        name=f"{cluster.name}, {label.lower()}",
                        origin=cluster.origin,
                        aliases=aliases,
                        region=cluster.region,
                        level=level,
                        part_of=cluster.id,
                        reports_to=f"forum/{key}/politisk-niveau" if level != "politisk-niveau" else None,
                        valid_from=cluster.valid_from,
                        valid_to=cluster.valid_to,
                        source=CLUSTER_LEVEL_SOURCE,
                        confidence="V",
                    )
                )

    def forums(self) -> None:
        """Regional forums."""
        reader = self.reader("fora.csv", ("id", "navn", "niveau", "region", "kilde", "sikkerhed"))
        pending_refs: list[tuple[_Reader, Origin, str, str]] = []
        for origin, row in reader.rows():
            if row["niveau"] not in self.levels:
                reader.error(
                    origin, f"niveau '{row['niveau']}' er ikke et kendt niveau ({', '.join(sorted(self.levels))})"
                )
                continue
            entity = Entity(
                id=f"forum/{row['id']}",
                kind="forum",
                name=row["navn"],
                origin=origin,
                aliases=_split(row.get("aliaser", "")),
                level=row["niveau"],
                region=self.region_of(reader, origin, row["region"], required=False),
                part_of=row.get("del_af") or None,
                reports_to=row.get("rapporterer_til") or None,
                valid_from=reader.date(origin, row.get("gyldig_fra", ""), "gyldig_fra"),
                valid_to=reader.date(origin, row.get("gyldig_til", ""), "gyldig_til"),
                source=row["kilde"],
                confidence=reader.confidence(origin, row["sikkerhed"]),
                note=row.get("note", ""),
            )
            self.add(entity, reader)
            for ref in (entity.part_of, entity.reports_to):
                if ref:
                    pending_refs.append((reader, origin, ref, entity.id))
        for reader_, origin, ref, _owner in pending_refs:
            if ref not in self.registry.entities:
                reader_.error(origin, f"henviser til ukendt id '{ref}'")

    def reform(self) -> None:
        """The reform timeline."""
        reader = self.reader("reform.csv", ("id", "dato", "navn", "opretter", "nedlaegger", "kilde", "sikkerhed"))
        for origin, row in reader.rows():
            day = reader.date(origin, row["dato"], "dato")
            if day is None:
                if not row["dato"]:
                    reader.error(origin, "dato mangler")
                continue
            resolved = {}
            for column in ("opretter", "nedlaegger"):
                ids: list[str] = []
                for pattern in _split(row[column]):
                    matches = sorted(fnmatch.filter(self.registry.entities, pattern))
                    if not matches:
                        reader.error(origin, f"{column}: '{pattern}' passer ikke på noget id")
                    ids.extend(m for m in matches if m not in ids)
                resolved[column] = tuple(ids)
            self.registry.events.append(
                ReformEvent(
                    id=row["id"],
                    date=day,
                    name=row["navn"],
                    establishes=resolved["opretter"],
                    dissolves=resolved["nedlaegger"],
                    source=row["kilde"],
                    confidence=reader.confidence(origin, row["sikkerhed"]),
                    note=row.get("note", ""),
                    origin=origin,
                )
            )
