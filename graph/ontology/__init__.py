"""The ontology, the controlled lists (SKOS concept schemes) and the SHACL shapes, as Turtle files.

The Turtle files are the source of truth; code asks this module for concept keys
so that a key the extractor uses must exist in `concepts.ttl`.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import cast

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

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


@cache
def concept_keys(scheme: str) -> dict[str, URIRef]:
    """Keys (skos:notation) of a scheme to concept IRIs, e.g. concept_keys('OutcomeScheme')['approved']."""
    graph = ontology_graph()
    scheme_iri = SG[scheme]
    keys = {
        str(graph.value(c, SKOS.notation)): cast(URIRef, c)  # every concept of the ontology is an IRI
        for c in graph.subjects(SKOS.inScheme, scheme_iri)
    }
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
    for label in ontology_graph().objects(concept, SKOS.prefLabel):
        if getattr(label, "language", None) == lang:
            return str(label)
    return str(concept).rsplit("/", 1)[-1]
