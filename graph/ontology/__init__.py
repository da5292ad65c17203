"""The ontology, the controlled lists (SKOS concept schemes) and the SHACL shapes, as Turtle files.

The Turtle files are the source of truth; code asks this module for concept keys
so that a key the extractor uses must exist in `concepts.ttl`.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from ..vocab import SG, bind_prefixes

ONTOLOGY_FILES = ("sundhedsgraf.ttl", "concepts.ttl")
SHAPES_FILE = "shapes.ttl"


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def ontology_turtle() -> str:
    """Ontology and concept schemes as one Turtle text (what `build` writes beside the data)."""
    return "\n".join(_read(name) for name in ONTOLOGY_FILES)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for name in ONTOLOGY_FILES:
        graph.parse(data=_read(name), format="turtle")
    return graph


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    graph = Graph()
    graph.parse(data=_read(SHAPES_FILE), format="turtle")
    return graph


class _Terms(NamedTuple):
    schemes: dict[str, dict[str, URIRef]]  # scheme IRI -> key (skos:notation) -> concept
    concept_labels: dict[str, dict[str, str]]  # concept IRI -> language -> skos:prefLabel
    term_labels: dict[str, dict[str, str]]  # class or property IRI -> language -> rdfs:label


@lru_cache(maxsize=1)
def _terms() -> _Terms:
    """The ontology's concept schemes and labels, read by pyoxigraph: 3 ms, where rdflib's Turtle parser takes 0.17 s,
    which every command that loads the registry paid."""
    schemes: dict[str, dict[str, URIRef]] = {}
    notations: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    term_labels: dict[str, dict[str, str]] = {}
    in_scheme, notation, pref_label, rdfs_label = (
        str(p) for p in (SKOS.inScheme, SKOS.notation, SKOS.prefLabel, RDFS.label)
    )
    members: list[tuple[str, str]] = []
    for name in ONTOLOGY_FILES:
        for triple in ox.parse(_read(name), format=ox.RdfFormat.TURTLE):
            subject, predicate, value = triple.subject, triple.predicate.value, triple.object
            if not isinstance(subject, ox.NamedNode):
                continue
            if predicate == in_scheme and isinstance(value, ox.NamedNode):
                members.append((subject.value, value.value))
            elif predicate == notation and isinstance(value, ox.Literal):
                notations.setdefault(subject.value, value.value)
            elif predicate == pref_label and isinstance(value, ox.Literal) and value.language:
                labels.setdefault(subject.value, {}).setdefault(value.language, value.value)
            elif predicate == rdfs_label and isinstance(value, ox.Literal) and value.language:
                term_labels.setdefault(subject.value, {}).setdefault(value.language, value.value)
    for concept, scheme in members:
        schemes.setdefault(scheme, {})[str(notations.get(concept))] = URIRef(concept)
    return _Terms(schemes, labels, term_labels)


def term_label(iri: str, lang: str = "da") -> str | None:
    """The ontology's rdfs:label of a class or property in `lang`, if it has one."""
    return _terms().term_labels.get(iri, {}).get(lang)


@cache
def concept_keys(scheme: str) -> dict[str, URIRef]:
    """Keys (skos:notation) of a scheme to concept IRIs, e.g. concept_keys('OutcomeScheme')['approved']."""
    keys = dict(_terms().schemes.get(str(SG[scheme]), {}))
    if not keys:
        raise KeyError(f"unknown concept scheme: {scheme}")
    return keys


def concept_iri(scheme: str, key: str) -> URIRef:
    keys = concept_keys(scheme)
    if key not in keys:
        raise KeyError(f"{key!r} is not a concept of {scheme} (known: {', '.join(sorted(keys))})")
    return keys[key]


@cache
def concept_label(concept: URIRef, lang: str = "da") -> str:
    label = _terms().concept_labels.get(str(concept), {}).get(lang)
    return label if label is not None else str(concept).rsplit("/", 1)[-1]
