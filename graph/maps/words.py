"""Danish words for the codes the graph stores, and the glossary the maps and pages share.

The graph keeps codes (confidence V/P/U, level keys such as `fagligt-strategisk-niveau`, outcome keys); people read
words. Every code a page or a map shows goes through here, so no raw key reaches the reader."""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache

from rdflib.namespace import SKOS

from ..danish import long_date
from ..ontology import concept_keys, concept_label, ontology_graph

CONFIDENCE = {"V": "verificeret", "P": "delvis verificeret", "U": "uverificeret"}
CONFIDENCE_LONG = {
    "V": "verificeret (V): læst i en primær kilde",
    "P": "delvis verificeret (P): fra en sekundær kilde",
    "U": "uverificeret (U): slutning eller almen viden; efterprøv før brug",
}


def confidence(code: str | None, long: bool = False) -> str:
    if not code:
        return ""
    if long:
        return CONFIDENCE_LONG.get(code, code)
    return f"{CONFIDENCE.get(code, code)} ({code})"


@cache
def _scheme_words(scheme: str) -> dict[str, str]:
    try:
        return {key: concept_label(iri) for key, iri in concept_keys(scheme).items()}
    except KeyError:
        return {}


def level(key: str | None) -> str:
    """'fagligt-strategisk-niveau' -> 'Fagligt strategisk niveau'."""
    if not key:
        return ""
    return _scheme_words("ForumLevelScheme").get(key) or key.replace("-", " ").capitalize()


def outcome(key: str | None) -> str:
    if not key:
        return ""
    return _scheme_words("OutcomeScheme").get(key) or key


def role(key: str | None) -> str:
    if not key:
        return ""
    return _scheme_words("RoleScheme").get(key) or key.replace("-", " ").capitalize()


def day(value: str | None, weekday: bool = False) -> str:
    """'2025-02-26' -> '26. februar 2025' (with the weekday: 'onsdag 26. februar 2025'); anything else as it is."""
    if not value:
        return ""
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return long_date(d, weekday)


def kroner(value: str | float | None) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount:,.0f} kr.".replace(",", ".")


@lru_cache(maxsize=1)
def _definitions() -> dict[str, str]:
    """Concept label -> its Danish definition, from the ontology's concept schemes."""
    graph = ontology_graph()
    out = {}
    for concept, definition in graph.subject_objects(SKOS.definition):
        if getattr(definition, "language", None) != "da":
            continue
        out[concept_label(concept)] = str(definition)
    return out


# The glossary: what a new member meets in the minutes, the maps and the pages.
GLOSSARY: list[tuple[str, str]] = [
    (
        "Sundhedsklynge",
        "Samarbejdet mellem et akutsygehus, kommunerne omkring det og almen praksis (22 klynger, 2022-07-01 til "
        "2026-12-31). Hver klynge har et politisk niveau og et fagligt strategisk niveau.",
    ),
    ("Politisk niveau", "Klyngens lovbestemte politiske niveau: regionsrådsmedlemmer, borgmestre og almen praksis."),
    (
        "Fagligt strategisk niveau",
        "Klyngens lovbestemte administrative niveau: direktører og chefer fra sygehus, kommuner "
        "og almen praksis. Lokale navne: Direktørforum, Faglig strategisk gruppe, Klyngestyregruppe.",
    ),
    (
        "SSU",
        "Sundhedssamarbejdsudvalget: regionens og kommunernes fælles udvalg om sundhedsaftalen (ét pr. region, til "
        "2026-12-31). Før 2022 hed det SKU, sundhedskoordinationsudvalget.",
    ),
    ("SKU", "Sundhedskoordinationsudvalget: SSU's forgænger før 2022."),
    (
        "Sundhedsråd",
        "Et af de 17 råd under regionerne, der overtager klyngernes og SSU's rolle 2027-01-01. Rådene har mødtes "
        "som forberedende råd siden januar 2026. Et råd anbefaler; regionsrådet beslutter de opgaver, der flyttes fra "
        "kommunerne.",
    ),
    (
        "Forberedende",
        "Et sundhedsråd (eller regionsråd) der arbejder op til reformen i 2026, før det formelt overtager.",
    ),
    ("Regionsråd", "Regionens øverste politiske organ; beslutter efter indstilling fra sundhedsrådene."),
    (
        "Region Østdanmark",
        "Region Hovedstaden og Region Sjælland lægges sammen 2027-01-01; det forberedende regionsråd "
        "beslutter for den nye region i 2026.",
    ),
    (
        "Sundhedsreformen (L 214)",
        "Loven der nedlægger klyngerne og SSU 2026-12-31 og opretter sundhedsrådene og Region Østdanmark 2027-01-01.",
    ),
    ("Akutsygehus", "Sygehuset med akutmodtagelse, som en sundhedsklynge er bygget op om."),
    ("Indstilling", "Forslaget til beslutning, som sekretariatet eller et andet forum lægger frem under et punkt."),
    (
        "Beslutning",
        "Hvad forummet besluttede under et punkt; udfaldet er fx godkendt, taget til efterretning, drøftet, "
        "udsat eller anbefalet videre.",
    ),
    ("Anbefalet", "Forummet beslutter ikke selv, men anbefaler sagen til et andet (højere) forum, der beslutter."),
    (
        "Sag der venter",
        "En sag som forummet har anbefalet eller forberedt til et højere organ, hvor der endnu ikke er et "
        "referat af det højere organs beslutning.",
    ),
    ("Afbud", "Personen var indkaldt men meldte afbud til mødet."),
    (
        "Sikkerhed V, P, U",
        "Hvor sikkert et faktum fra referenceregistret er: V verificeret (primær kilde), P delvis "
        "verificeret (sekundær kilde), U uverificeret (slutning; efterprøv).",
    ),
    (
        "Omstridt",
        "Kilderne er uenige (fx om Middelfart og Billund hører til Sundhedsråd Lillebælt); hver læsning vises, "
        "ingen vælges i stilhed.",
    ),
    ("PLO", "Praktiserende Lægers Organisation: almen praksis' repræsentant i klynger og råd."),
    ("KL", "Kommunernes Landsforening."),
    ("Vis i referatet", "Åbner referatets tekst med den sætning, et faktum kommer fra, markeret."),
]


def glossary() -> list[tuple[str, str]]:
    """The glossary, with the definitions of the forum levels from the ontology added."""
    seen = {term.lower() for term, _ in GLOSSARY}
    extra = [
        (label, text)
        for label, text in sorted(_definitions().items())
        if label.lower() not in seen and label in set(_scheme_words("ForumLevelScheme").values())
    ]
    return GLOSSARY + extra


def definition(label: str) -> str | None:
    for term, text in GLOSSARY:
        if term.lower() == label.lower():
            return text
    return _definitions().get(label)
