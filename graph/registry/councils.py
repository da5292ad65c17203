"""The 17 sundhedsråd that take over from the health clusters and the SSUs (L 214, 2027-01-01).

Four files beside the rest of the registry, each optional (a registry without them simply has no councils):

- `sundhedsraad.csv`: one council a row, with region, kommuner (the reading the reference notes follow),
  the committee forms a region publishes it under ('forberedende', 'særligt udvalg'), the published size,
  the first meeting where known, the start of the preparatory period and of the formal one, source, confidence.
- `sundhedsraad-medlemmer.csv`: who sits where: person, party, role (formand, næstformand, medlem), regional or
  municipal seat and the kommune a municipal seat represents; also the chairs of the regional councils.
- `sundhedsraad-omstridte.csv`: kommuner whose council the sources disagree on, one row per reading, each with
  its own source and confidence. A disputed kommune is stored under every reading, never silently picked.
- `sundhedsraad-kompetencer.csv`: what a council decides itself and what it only recommends to the regional
  council.

From these and the clusters the registry derives the transition: for every cluster and SSU, the councils its
kommuner move to on 2027-01-01 (by overlap of kommuner, under every reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..ontology import concept_keys
from ..vocab import slug

if TYPE_CHECKING:
    from . import Entity

COUNCILS_FILE = "sundhedsraad.csv"
MEMBERS_FILE = "sundhedsraad-medlemmer.csv"
DISPUTES_FILE = "sundhedsraad-omstridte.csv"
COMPETENCES_FILE = "sundhedsraad-kompetencer.csv"

ROLES = ("formand", "naestformand", "medlem")
SEATS = ("regionalt", "kommunalt")
COMMITTEE_FORMS = ("forberedende", "særligt udvalg")
COMMITTEE_SOURCE = (
    "github:afpihl/sundhedsraad referater-config.json (commit 4514ebc63d67025396f7f324bcdd1d9dae2c310a): "
    "rådets udvalg i regionens dagsordensystem"
)
FORMAL_SOURCE = (
    "L 214 (2024-25) https://www.ft.dk/samling/20241/lovforslag/l214/20241_l214_som_fremsat.htm ; "
    "overgangsloven (LOV nr 699 af 20/06/2025)"
)
RANK = {"V": 2, "P": 1, "U": 0}


@dataclass(frozen=True)
class Phase:
    """A period of a council's life: 'forberedende' (from its first meeting) or 'formel' (from 2027-01-01)."""

    kind: str
    valid_from: date
    valid_to: date | None
    source: str
    confidence: str
    note: str = ""


@dataclass
class AreaMembership:
    """A kommune in a council. A disputed kommune has one per reading, each naming the councils of the others."""

    council: str
    kommune: str
    valid_from: date | None
    source: str
    confidence: str
    origin: object
    reading: str | None = None  # set only when the kommune is disputed
    alternatives: tuple[str, ...] = ()  # the councils the other readings put the kommune in
    primary: bool = True  # the reading sundhedsraad.csv lists
    note: str = ""

    @property
    def id(self) -> str:
        return f"membership/{self.council}/{self.kommune}"

    @property
    def disputed(self) -> bool:
        return self.reading is not None


@dataclass
class Seat:
    """A person's seat in a council (or a regional council) with role, regional or municipal seat and what it
    represents."""

    organisation: str
    person: str
    name: str
    party: str
    role: str
    seat: str
    represents: str | None
    valid_from: date | None
    valid_to: date | None
    source: str
    confidence: str
    origin: object
    note: str = ""

    @property
    def id(self) -> str:
        return f"membership/{self.organisation}/{self.person}"


@dataclass
class Transition:
    """Kommuner of a cluster or an SSU that a council takes over on `date`, under at least one reading."""

    predecessor: str
    council: str
    municipalities: tuple[str, ...]
    disputed: tuple[str, ...]
    date: date
    confidence: str
    note: str = ""

    @property
    def id(self) -> str:
        return f"transition/{self.predecessor}/{self.council}"

    @property
    def certain(self) -> tuple[str, ...]:
        return tuple(k for k in self.municipalities if k not in self.disputed)


@dataclass
class Competence:
    id: str
    task: str
    council_role: str  # a key of RouteRoleScheme
    decider_level: str | None  # a key of ForumLevelScheme (regionsraad) or None: the council itself
    source: str
    confidence: str
    origin: object
    note: str = ""


def weakest(*codes: str) -> str:
    return min(codes, key=lambda c: RANK.get(c, 0)) if codes else "U"


def load_councils(folder: Path, registry, problems: list, Reader, split) -> None:
    """Add the councils, their committee forms, persons, seats, disputes, transitions and competences to `registry`."""
    if not (folder / COUNCILS_FILE).exists():
        return
    loader = _CouncilLoader(folder, registry, problems, Reader, split)
    if not loader.councils():
        return
    loader.disputes()
    loader.seats()
    loader.competences()
    registry.transitions.extend(transitions(registry))


class _CouncilLoader:
    """The council files, read into `registry` in order; every problem goes to `problems`."""

    def __init__(self, folder: Path, registry, problems: list, Reader, split) -> None:
        from . import Entity  # the registry module imports this one lazily

        self.folder, self.registry, self.problems, self.Reader, self.split = folder, registry, problems, Reader, split
        self.Entity = Entity
        self.by_key: dict[str, Entity] = {}  # the councils by their id in the file
        self.listed: dict[str, list[tuple[str, object]]] = {}  # kommune id -> [(council id, origin)]

    def kommune(self, reader, origin, name: str):
        registry = self.registry
        found = [e for e in registry.lookup(name) if e.kind == "kommune"] or (
            [registry.entities[f"kommune/{name}"]] if f"kommune/{name}" in registry.entities else []
        )
        if not found:
            reader.error(origin, f"ukendt kommune '{name}'")
            return None
        return found[0]

    @staticmethod
    def in_region(k, region) -> bool:
        return k.region == region.id or k.region in region.succeeds

    # ---- councils
    def councils(self) -> bool:
        """The councils of sundhedsraad.csv, every kommune in exactly one of them; False when there are none."""
        reader = self.Reader(
            self.folder / COUNCILS_FILE,
            ("id", "navn", "region", "kommuner", "forberedende_fra", "formel_fra", "kilde", "sikkerhed"),
            self.problems,
        )
        for origin, row in reader.rows():
            self.council(reader, origin, row)
        if not self.by_key:
            return False
        for k in self.registry.by_kind(
            "kommune"
        ):  # every kommune in exactly one council (in the reading the file lists)
            places = self.listed.get(k.id, [])
            if not places:
                reader.error(_origin(reader), f"kommunen {k.name} ({k.id}) er ikke i noget sundhedsråd")
            elif len(places) > 1:
                for _, origin in places[1:]:
                    reader.error(
                        origin,
                        f"kommunen {k.name} står i flere sundhedsråd ({', '.join(c for c, _ in places)}); "
                        f"en omstridt kommune står i {DISPUTES_FILE}",
                    )
        return True

    def council(self, reader, origin, row: dict[str, str]) -> None:
        """One row of sundhedsraad.csv: the council, its kommuner and its committee forms."""
        registry, split = self.registry, self.split
        region = next(
            (
                e
                for e in registry.lookup(row["region"]) + [registry.entities.get(f"region/{row['region']}")]
                if e is not None and e.kind == "region"
            ),
            None,
        )
        if region is None:
            reader.error(origin, f"ukendt region '{row['region']}'" if row["region"] else "region mangler")
            return
        if not row["id"] or not row["navn"]:
            reader.error(origin, "id og navn skal udfyldes")
            return
        if row["id"] in self.by_key:
            reader.error(
                origin,
                f"rådet '{row['id']}' findes allerede ({self.by_key[row['id']].origin}); "
                "id'et skal være entydigt i hele landet",
            )
            return
        periods = self.periods(reader, origin, row)
        if periods is None:
            return
        first, start, formal = periods
        confidence = reader.confidence(origin, row["sikkerhed"])
        start_confidence = reader.confidence(origin, row.get("forberedende_sikkerhed") or "U")
        council_id = f"sundhedsraad/{region.id.removeprefix('region/')}/{row['id']}"
        members = self.council_members(reader, origin, row, region, council_id)
        deciders = sorted(
            (
                f
                for f in registry.entities.values()
                if f.kind == "forum" and f.level == "regionsraad" and f.region == region.id
            ),
            key=lambda f: (f.valid_from or date.min, f.id),
        )
        phases = (
            Phase(
                "forberedende",
                start,
                formal - timedelta(days=1),
                row["kilde"],
                start_confidence,
                f"første møde {first.isoformat()}"
                if first
                else "første møde ikke fundet; 2026-01-01 er den tidligst mulige dato",
            ),
            Phase("formel", formal, None, FORMAL_SOURCE, "V", "rådene overtager formelt efter den nye regionslov"),
        )
        council = self.Entity(
            id=council_id,
            kind="sundhedsraad",
            name=row["navn"],
            origin=origin,
            aliases=split(row.get("aliaser", "")),
            region=region.id,
            level="sundhedsraad",
            part_of=region.id,
            reports_to=deciders[0].id if deciders else None,
            also_reports_to=tuple(f.id for f in deciders[1:]),
            valid_from=start,
            first_meeting=first,
            phases=phases,
            composition=row.get("medlemstal", ""),
            members=tuple(members),
            source=row["kilde"],
            confidence=confidence,
            note=row.get("note", ""),
        )
        existing = registry.add(council)
        if existing is not None:
            reader.error(origin, f"id '{council_id}' findes allerede ({existing.origin})")
            return
        self.by_key[row["id"]] = council
        for k in members:
            registry.areas.append(AreaMembership(council_id, k, start, row["kilde"], confidence, origin))
        self.committee_forms(reader, origin, row, council, start, formal)

    @staticmethod
    def periods(reader, origin, row: dict[str, str]) -> tuple[date | None, date, date] | None:
        """The first meeting (if known), the start of the preparatory and of the formal period; None when a
        start is missing or not a date."""
        first = reader.date(origin, row.get("forste_moede", ""), "forste_moede")
        start = reader.date(origin, row["forberedende_fra"], "forberedende_fra")
        formal = reader.date(origin, row["formel_fra"], "formel_fra")
        if start is None or formal is None:
            if not row["forberedende_fra"] or not row["formel_fra"]:
                reader.error(origin, "forberedende_fra og formel_fra skal udfyldes")
            return None
        if first is not None and first != start:
            reader.error(origin, f"forberedende_fra ({start}) skal være det første møde ({first}), når det kendes")
        if start >= formal:
            reader.error(origin, f"forberedende_fra ({start}) skal ligge før formel_fra ({formal})")
        return first, start, formal

    def council_members(self, reader, origin, row: dict[str, str], region, council_id: str) -> list[str]:
        """The kommuner a council's row lists (each in the council's region), noted as listed for that council."""
        members = []
        for name in self.split(row["kommuner"]):
            k = self.kommune(reader, origin, name)
            if k is None:
                continue
            if not self.in_region(k, region):
                reader.error(origin, f"kommunen {k.name} ligger i {k.region}, ikke i rådets region {region.id}")
            members.append(k.id)
            self.listed.setdefault(k.id, []).append((council_id, origin))
        return members

    def committee_forms(self, reader, origin, row: dict[str, str], council, start: date, formal: date) -> None:
        """The committees a region publishes the council under ('forberedende', 'særligt udvalg'), as forums."""
        for form in self.split(row.get("udvalg", "")):
            if form not in COMMITTEE_FORMS:
                reader.error(origin, f"udvalg '{form}' skal være et af: {', '.join(COMMITTEE_FORMS)}")
                continue
            self.registry.add(
                self.Entity(
                    id=f"forum/{council.id}/{slug(form)}",
                    kind="forum",
                    name=f"{row['navn']} ({form})",
                    origin=origin,
                    level="sundhedsraad",
                    region=council.region,
                    part_of=council.id,
                    reports_to=council.reports_to,
                    valid_from=start,
                    valid_to=formal - timedelta(days=1) if form == "forberedende" else None,
                    source=COMMITTEE_SOURCE,
                    confidence="P",
                    note=(
                        "Rådet som forberedende udvalg i regionens dagsordensystem; "
                        "slutter senest når rådet overtager formelt (U)"
                        if form == "forberedende"
                        else "Rådet som særligt udvalg i regionens dagsordensystem; "
                        "om det er en anden retlig form end det forberedende udvalg, og hvor længe det findes, "
                        "vides ikke (P)"
                    ),
                )
            )

    # ---- disputed kommuner: one row per reading
    def disputes(self) -> None:
        path = self.folder / DISPUTES_FILE
        if not path.exists():
            return
        registry = self.registry
        reader = self.Reader(path, ("kommune", "laesning", "raad", "kilde", "sikkerhed"), self.problems)
        readings: dict[str, list[tuple[object, dict, Entity]]] = {}
        for origin, row in reader.rows():
            k = self.kommune(reader, origin, row["kommune"])
            council = self.by_key.get(row["raad"]) or next(
                (e for e in registry.lookup(row["raad"]) if e.kind == "sundhedsraad"), None
            )
            if council is None:
                reader.error(origin, f"ukendt sundhedsråd '{row['raad']}'")
            if not row["laesning"]:
                reader.error(origin, "laesning skal udfyldes (navnet på den læsning af kilderne rækken følger)")
            if k is None or council is None or not row["laesning"]:
                continue
            if not self.in_region(k, registry.get(council.region)):
                reader.error(origin, f"kommunen {k.name} ligger ikke i {council.name}s region")
            readings.setdefault(k.id, []).append((origin, row, council))
        for k_id, rows in readings.items():
            self.readings_of(reader, k_id, rows)

    def readings_of(self, reader, k_id: str, rows: list[tuple[object, dict, Entity]]) -> None:
        """A disputed kommune: its membership under the reading sundhedsraad.csv lists, and one per other reading."""
        registry = self.registry
        names = [row["laesning"] for _, row, _ in rows]
        if len(set(names)) != len(names):
            reader.error(rows[0][0], f"{registry.get(k_id).name}: hver læsning må kun stå én gang")
            return
        if len(rows) < 2:
            reader.error(rows[0][0], f"{registry.get(k_id).name}: en omstridt kommune skal have mindst to læsninger")
            return
        primary = [(o, row, c) for o, row, c in rows if c.id in [cid for cid, _ in self.listed.get(k_id, [])]]
        if len(primary) != 1:
            reader.error(rows[0][0], f"{registry.get(k_id).name}: præcis én læsning skal være rådet i {COUNCILS_FILE}")
            return
        for origin, row, council in rows:
            others = tuple(c.id for _, _, c in rows if c.id != council.id)
            confidence = reader.confidence(origin, row["sikkerhed"])
            if (origin, row, council) == primary[0]:
                area = next(a for a in registry.areas if a.kommune == k_id and a.council == council.id)
                area.reading, area.alternatives, area.note = row["laesning"], others, row.get("note", "")
                area.source, area.confidence = row["kilde"], confidence
            else:
                registry.areas.append(
                    AreaMembership(
                        council.id,
                        k_id,
                        council.valid_from,
                        row["kilde"],
                        confidence,
                        origin,
                        reading=row["laesning"],
                        alternatives=others,
                        primary=False,
                        note=row.get("note", ""),
                    )
                )

    # ---- persons and their seats
    def seats(self) -> None:
        path = self.folder / MEMBERS_FILE
        if not path.exists():
            return
        reader = self.Reader(path, ("raad", "navn", "rolle", "mandat", "kilde", "sikkerhed"), self.problems)
        parties: dict[str, tuple[str, object]] = {}
        chairs: dict[tuple[str, str], object] = {}
        areas = self.registry.council_areas()
        for origin, row in reader.rows():
            self.seat(reader, origin, row, parties, chairs, areas)

    def seat(
        self,
        reader,
        origin,
        row: dict[str, str],
        parties: dict[str, tuple[str, object]],
        chairs: dict[tuple[str, str], object],
        areas: dict[str, list],
    ) -> None:
        """One row of sundhedsraad-medlemmer.csv: the person (added, or their aliases joined) and the seat."""
        registry = self.registry
        if row["raad"].startswith("forum/"):
            organisation = registry.entities.get(row["raad"])
        else:
            organisation = self.by_key.get(row["raad"]) or next(
                (e for e in registry.lookup(row["raad"]) if e.kind == "sundhedsraad"), None
            )
        if organisation is None:
            reader.error(origin, f"ukendt sundhedsråd eller forum '{row['raad']}'")
            return
        if not row["navn"]:
            reader.error(origin, "navn skal udfyldes")
            return
        if row["rolle"] not in ROLES:
            reader.error(origin, f"rolle '{row['rolle']}' skal være en af: {', '.join(ROLES)}")
            return
        if row["mandat"] not in SEATS:
            reader.error(origin, f"mandat '{row['mandat']}' skal være regionalt eller kommunalt")
            return
        seated, represents = self.represents(reader, origin, row, organisation, areas)
        if not seated:
            return
        person_id = f"person/{row.get('person') or slug(row['navn'])}"
        party = row.get("parti", "")
        if person_id in parties and parties[person_id][0] != party:
            reader.error(
                origin,
                f"{row['navn']} står også med partiet '{parties[person_id][0]}' ({parties[person_id][1]}): "
                f"er det to personer, så angiv et person-id i kolonnen person",
            )
            return
        parties.setdefault(person_id, (party, origin))
        if row["rolle"] != "medlem":
            key = (organisation.id, row["rolle"])
            if key in chairs:
                reader.error(origin, f"{organisation.name} har allerede en {row['rolle']} ({chairs[key]})")
            chairs.setdefault(key, origin)
        confidence = reader.confidence(origin, row["sikkerhed"])
        self.person(origin, row, person_id, confidence)
        start = reader.date(origin, row.get("gyldig_fra", ""), "gyldig_fra") or organisation.valid_from
        end = reader.date(origin, row.get("gyldig_til", ""), "gyldig_til") or organisation.valid_to
        registry.seats.append(
            Seat(
                organisation.id,
                person_id,
                row["navn"],
                party,
                row["rolle"],
                row["mandat"],
                represents,
                start,
                end,
                row["kilde"],
                confidence,
                origin,
                row.get("note", ""),
            )
        )

    def represents(
        self,
        reader,
        origin,
        row: dict[str, str],
        organisation,
        areas: dict[str, list],
    ) -> tuple[bool, str | None]:
        """What a seat represents: the region, or for a municipal seat its kommune (one in the council); False
        first when the row's kommune is missing or unknown (the seat is not taken)."""
        represents = organisation.region
        if row["mandat"] == "kommunalt":
            k = self.kommune(reader, origin, row.get("kommune", "")) if row.get("kommune") else None
            if k is None:
                if not row.get("kommune"):
                    reader.error(origin, "et kommunalt mandat skal angive kommunen")
                return False, None
            if organisation.kind == "sundhedsraad" and organisation.id not in [a.council for a in areas.get(k.id, [])]:
                reader.error(origin, f"kommunen {k.name} er ikke i {organisation.name}")
            represents = k.id
        elif row.get("kommune"):
            reader.error(origin, "et regionalt mandat repræsenterer regionen, ikke en kommune")
        return True, represents

    def person(self, origin, row: dict[str, str], person_id: str, confidence: str) -> None:
        """The seat's person: added at their first seat; a later seat adds aliases and a better source."""
        registry, split = self.registry, self.split
        person = registry.entities.get(person_id)
        if person is None:
            registry.add(
                self.Entity(
                    id=person_id,
                    kind="person",
                    name=row["navn"],
                    origin=origin,
                    aliases=split(row.get("aliaser", "")),
                    source=row["kilde"],
                    confidence=confidence,
                )
            )
        else:
            if RANK[confidence] > RANK[person.confidence]:
                person.confidence, person.source = confidence, row["kilde"]
            person.aliases = tuple(dict.fromkeys((*person.aliases, *split(row.get("aliaser", "")))))
            registry._index.clear()

    # ---- what councils decide and what they recommend
    def competences(self) -> None:
        path = self.folder / COMPETENCES_FILE
        if not path.exists():
            return
        registry = self.registry
        reader = self.Reader(path, ("id", "opgave", "raadets_rolle", "kilde", "sikkerhed"), self.problems)
        roles, levels = concept_keys("RouteRoleScheme"), concept_keys("ForumLevelScheme")
        for origin, row in reader.rows():
            if row["raadets_rolle"] not in roles:
                reader.error(
                    origin, f"raadets_rolle '{row['raadets_rolle']}' skal være en af: {', '.join(sorted(roles))}"
                )
                continue
            if row.get("beslutter") and row["beslutter"] not in levels:
                reader.error(origin, f"beslutter '{row['beslutter']}' er ikke et kendt niveau")
                continue
            registry.competences.append(
                Competence(
                    f"competence/{slug(row['id'])}",
                    row["opgave"],
                    row["raadets_rolle"],
                    row.get("beslutter") or None,
                    row["kilde"],
                    reader.confidence(origin, row["sikkerhed"]),
                    origin,
                    row.get("note", ""),
                )
            )
        for council in self.by_key.values():
            council.competences = tuple(c.id for c in registry.competences)


def _origin(reader):
    from . import Origin

    return Origin(str(reader.path), 1)


def transitions(registry) -> list[Transition]:
    """For every cluster and every SSU that ends with the reform: the councils its kommuner move to, by overlap.
    A kommune whose council is disputed moves to the council of each reading; such a move is marked disputed."""
    readings = registry.readings or (None,)
    council_of = {r: {k: a.council for k, areas in registry.council_areas(r).items() for a in areas} for r in readings}
    councils = {c.id: c for c in registry.by_kind("sundhedsraad")}
    if not councils:
        return []
    formal = min(c.phases[1].valid_from for c in councils.values())
    last_day = formal - timedelta(days=1)
    predecessors = []
    for cluster in registry.by_kind("klynge"):
        predecessors.append((cluster, cluster.members, cluster.partial_members))
    for forum in registry.by_kind("forum"):  # the SSUs: the regional collaboration committees that end with the reform
        if forum.level == "regionalt-politisk" and forum.valid_to == last_day and forum.region:
            members = tuple(k.id for k in registry.by_kind("kommune") if k.region == forum.region)
            predecessors.append((forum, members, frozenset()))
    out = []
    areas = registry.council_areas()
    for predecessor, members, partial in predecessors:
        for council_id in sorted(councils):
            moving = {r: {k for k in members if council_of[r].get(k) == council_id} for r in readings}
            every = set.union(*moving.values())
            if not every:
                continue
            certain = set.intersection(*moving.values())
            disputed = every - certain
            note = (
                ", ".join(sorted(registry.get(k).name + (" (delvis)" if k in partial else "") for k in certain))
                if certain
                else "ingen sikre kommuner"
            )
            if disputed:
                places = []
                for k in sorted(disputed, key=lambda k: registry.get(k).name):
                    where = "; ".join(f"{a.reading}: {registry.get(a.council).name}" for a in areas.get(k, []))
                    places.append(f"{registry.get(k).name} ({where})")
                note += "; omstridt: " + ", ".join(places)
            confidence = (
                weakest(
                    predecessor.confidence,
                    *[a.confidence for k in certain for a in areas[k] if a.council == council_id],
                )
                if certain
                else "U"
            )
            out.append(
                Transition(
                    predecessor.id,
                    council_id,
                    tuple(sorted(every)),
                    tuple(sorted(disputed)),
                    councils[council_id].phases[1].valid_from,
                    confidence,
                    note,
                )
            )
    return out
