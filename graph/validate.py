"""`validate`: check the built dataset against the SHACL shapes (pySHACL) and say what is wrong in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .ontology import shapes_graph
from .store import GraphStore
from .vocab import SH, bind_prefixes


@dataclass(frozen=True)
class Violation:
    focus: str
    label: str
    path: str
    message: str
    severity: str


def from_ox(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def union_graph(store: GraphStore) -> Graph:
    """All named graphs (data, registry and ontology) as one rdflib graph."""
    graph = Graph()
    bind_prefixes(graph)
    for quad in store.ox:
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return graph


def validate_graph(data: Graph) -> list[Violation]:
    conforms, results, _text = shacl_validate(data, shacl_graph=shapes_graph(), inference="none", advanced=False)
    if conforms:
        return []
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        label = data.value(focus, SKOS.prefLabel) if focus is not None else None
        violations.append(Violation(
            focus=str(focus),
            label=str(label or ""),
            path=data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else str(path or ""),
            message=str(results.value(result, SH.resultMessage) or ""),
            severity=str(results.value(result, SH.resultSeverity) or "").rsplit("#", 1)[-1],
        ))
    return sorted(violations, key=lambda v: (v.focus, v.path, v.message))


def validate_store(data_dir: str | Path) -> list[Violation]:
    return validate_graph(union_graph(GraphStore.open_read_only(data_dir)))
