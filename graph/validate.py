"""`validate`: check the built dataset against the SHACL shapes (pySHACL) and say what is wrong in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .ontology import shapes_graph
from .store import META_GRAPH, GraphStore
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
    from pyshacl import validate as shacl_validate  # here, not at the top: it costs every other command 0.2 s

    conforms, results, _text = shacl_validate(data, shacl_graph=shapes_graph(), inference="none", advanced=False)
    if conforms:
        return []
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        label = data.value(focus, SKOS.prefLabel) if focus is not None else None
        violations.append(
            Violation(
                focus=str(focus),
                label=str(label or ""),
                path=data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else str(path or ""),
                message=str(results.value(result, SH.resultMessage) or ""),
                severity=str(results.value(result, SH.resultSeverity) or "").rsplit("#", 1)[-1],
            )
        )
    return sorted(violations, key=lambda v: (v.focus, v.path, v.message))


def check_exports(data_dir: str | Path, store: GraphStore) -> list[Violation]:
    """The exports must come from the same build as the store, one .nq and one .trig per named graph."""
    from .build import EXPORT_DIR, ExportFiles

    folder = Path(data_dir) / EXPORT_DIR
    if not folder.is_dir():
        return [Violation(str(folder), "", "export/", "eksporten mangler; kør sundhedsgraf build", "Violation")]
    exports = ExportFiles(folder, writing=False)
    problems = []
    if exports.build_id() != store.build_id():
        problems.append(
            Violation(
                str(folder),
                "",
                "export/BUILD",
                f"eksporten er ikke fra samme build som databasen ({exports.build_id()} mod "
                f"{store.build_id()}); næste sundhedsgraf build skriver den igen",
                "Violation",
            )
        )
    graphs = [g for g in store.named_graphs() if g != str(META_GRAPH)]
    expected = {exports.path(g, suffix) for g in graphs for suffix in (".nq", ".trig")}
    found = exports.files()
    for path in sorted(expected - found):
        problems.append(Violation(str(path), "", "export/", "eksportfilen mangler", "Violation"))
    for path in sorted(found - expected):
        problems.append(
            Violation(str(path), "", "export/", "eksportfilen svarer ikke til nogen graf i databasen", "Violation")
        )
    return problems


def validate_store(data_dir: str | Path) -> list[Violation]:
    store = GraphStore.open_read_only(data_dir)
    return check_exports(data_dir, store) + validate_graph(union_graph(store))
