"""The state of each case across all the minutes, kept by the build: where it waits and who only recommended it.

A case (sg:Case) is restated in the minutes of every forum on its route, so "which cases wait for a higher body"
and "what did this forum only recommend" join every route step of every document. The build works that out per
case once, when a document that names the case changed, and keeps it in a graph of the case's own
(…/graph/state/case-…, beside the case's description in …/graph/node/case-…):

    <case#venter-…>     sg:stateOf <case> ; sg:recommendedBy <forum A> ; sg:waitsFor <forum B> .
    <case#anbefalet-…>  sg:stateOf <case> ; sg:recommendedBy <forum A> ; sg:recommenderRole <role> ;
                        sg:decider <forum B> ; sg:deciderDecision <B's decision on the case>, … .
    <case>              sg:firstTreated "2024-03-01"^^xsd:date .     (a waiting case: since when)

A case with neither has no state graph.

A case waits for forum B when a route names A (recommending or preparing) and B (deciding), A ≠ B, and no
decision of B on the case is in the minutes; the recommended pairs come from one document's route each (a case
is restated in every document on its route: pairing steps across documents would multiply them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from ..vocab import GRAPH, SG

NODE_GRAPHS, STATE_GRAPHS = str(GRAPH["node/case-"]), str(GRAPH["state/case-"])
_RECOMMENDS = "<https://w3id.org/sundhedsgraf/concept/route-role/recommends> <https://w3id.org/sundhedsgraf/concept/route-role/prepares>"
_DECIDES = "<https://w3id.org/sundhedsgraf/concept/route-role/decides>"
_P = (
    "PREFIX sg: <https://w3id.org/sundhedsgraf/ont#> PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX dct: <http://purl.org/dc/terms/> "
)
BATCH = 400


def state_graph(node_graph: str) -> str:
    """…/graph/node/case-x -> …/graph/state/case-x"""
    return STATE_GRAPHS + node_graph.removeprefix(NODE_GRAPHS)


def _case_of(store, node_graph: str) -> str | None:
    for quad in store.ox.quads_for_pattern(
        None,
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(str(SG.Case)),
        ox.NamedNode(node_graph),
    ):
        return quad.subject.value
    return None


def _rows(store, query: str, cases: list[str]):
    values = " ".join(f"<{c}>" for c in cases)
    return store.query(_P + query.replace("VALUES_CASES", f"VALUES ?sag {{ {values} }}"))


def _tag(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _states(store, cases: list[str]) -> dict[str, list[ox.Triple]]:
    triples: dict[str, list[ox.Triple]] = {c: [] for c in cases}
    state_of, by, waits = (ox.NamedNode(str(SG[n])) for n in ("stateOf", "recommendedBy", "waitsFor"))
    role_p, decider, first = (ox.NamedNode(str(SG[n])) for n in ("recommenderRole", "decider", "firstTreated"))
    decision_p = ox.NamedNode(str(SG.deciderDecision))
    for row in _rows(
        store,
        f"""SELECT DISTINCT ?sag ?fa ?fb WHERE {{ VALUES_CASES
            ?sag sg:routeStep ?b . ?b sg:stepRole {_DECIDES} . ?b sg:stepForum ?fb .
            ?sag sg:routeStep ?a . ?a sg:stepRole ?ar . VALUES ?ar {{ {_RECOMMENDS} }} ?a sg:stepForum ?fa .
            FILTER(?fa != ?fb)
            FILTER NOT EXISTS {{ ?t sg:case ?sag ; prov:generated ?d . ?d sg:decidedBy ?fb }} }}""",
        cases,
    ):
        case, fa, fb = row["sag"], row["fa"], row["fb"]
        node = ox.NamedNode(f"{case.value}#venter-{_tag(fa.value, fb.value)}")
        triples[case.value] += [ox.Triple(node, state_of, case), ox.Triple(node, by, fa), ox.Triple(node, waits, fb)]
    decided: dict[tuple[str, str], list[ox.NamedNode]] = {}  # (case, forum) -> that forum's decisions on the case
    for row in _rows(
        store,
        """SELECT DISTINCT ?sag ?f ?d WHERE { VALUES_CASES
            ?t sg:case ?sag . ?t prov:generated ?d . ?d sg:decidedBy ?f }""",
        cases,
    ):
        decided.setdefault((row["sag"].value, row["f"].value), []).append(row["d"])
    for row in _rows(
        store,
        f"""SELECT DISTINCT ?sag ?fa ?ar ?fb WHERE {{ VALUES_CASES
            GRAPH ?g {{ ?sag sg:routeStep ?a . ?a sg:stepForum ?fa . ?a sg:stepRole ?ar . VALUES ?ar {{ {_RECOMMENDS} }}
                       ?sag sg:routeStep ?b . ?b sg:stepRole {_DECIDES} . ?b sg:stepForum ?fb . }}
            FILTER(?fb != ?fa) }}""",
        cases,
    ):
        case, fa, ar, fb = row["sag"], row["fa"], row["ar"], row["fb"]
        node = ox.NamedNode(f"{case.value}#anbefalet-{_tag(fa.value, ar.value, fb.value)}")
        triples[case.value] += [
            ox.Triple(node, state_of, case),
            ox.Triple(node, by, fa),
            ox.Triple(node, role_p, ar),
            ox.Triple(node, decider, fb),
        ]
        triples[case.value] += [ox.Triple(node, decision_p, d) for d in decided.get((case.value, fb.value), [])]
    waiting = [c for c, t in triples.items() if any(x.predicate == waits for x in t)]
    for row in _rows(
        store,
        """SELECT ?sag (MIN(?dato) AS ?siden) WHERE { VALUES_CASES
            ?item sg:case ?sag . ?m sg:hasAgendaItem ?item ; dct:date ?dato } GROUP BY ?sag""",
        waiting,
    ):
        if row["siden"] is not None:  # since when a waiting case has waited
            triples[row["sag"].value].append(ox.Triple(row["sag"], first, row["siden"]))
    return triples


def update_case_states(store, node_graphs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Work out again the state of every case among `node_graphs` (the shared-node graphs whose documents
    changed); a case no document describes any more loses its state. Returns the state graphs written and
    removed (for the exports)."""
    written, removed, cases = [], [], {}
    for node_graph in sorted(set(node_graphs)):
        if not node_graph.startswith(NODE_GRAPHS):
            continue
        case = _case_of(store, node_graph) if store.ox.contains_named_graph(ox.NamedNode(node_graph)) else None
        if case is None:
            if store.ox.contains_named_graph(ox.NamedNode(state_graph(node_graph))):
                store.remove_graph(state_graph(node_graph))
                removed.append(state_graph(node_graph))
        else:
            cases[case] = node_graph
    names = sorted(cases)
    for first in range(0, len(names), BATCH):
        for case, triples in _states(store, names[first : first + BATCH]).items():
            graph = state_graph(cases[case])
            if triples:
                store.replace_quads(
                    graph, [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]
                )
                written.append(graph)
            elif store.ox.contains_named_graph(ox.NamedNode(graph)):  # a case with nothing to wait for: no state
                store.remove_graph(graph)
                removed.append(graph)
    return written, removed


# ---- totals over the whole corpus, worked out again after every build that changed something

SUMMARY_GRAPH = str(GRAPH["summary"])


def update_corpus_summary(store) -> str:
    """The totals the whole-corpus questions read (…/graph/summary), summed from each document's own counts
    (graph.emit.document._emit_summary): decisions per forum and outcome, and per organisation the decided items
    that name it and the documents they are in. Summing a few numbers per document is quick (no fact is joined),
    so the totals are simply summed again whenever a build changed something."""
    count, forum_p, outcome_p = (ox.NamedNode(str(SG[n])) for n in ("count", "forum", "outcome"))
    items_p, docs_p = ox.NamedNode(str(SG.decidedItemCount)), ox.NamedNode(str(SG.documentCount))
    graph = ox.NamedNode(SUMMARY_GRAPH)
    quads = []
    for row in store.query(
        _P
        + """SELECT ?forum ?o (SUM(?n) AS ?antal) WHERE {
            ?m sg:heldBy ?forum ; sg:outcomeCount ?c . ?c sg:outcome ?o ; sg:count ?n } GROUP BY ?forum ?o"""
    ):
        node = ox.NamedNode(f"{row['forum'].value}#udfald-{row['o'].value.rsplit('/', 1)[-1]}")
        quads += [
            ox.Quad(node, forum_p, row["forum"], graph),
            ox.Quad(node, outcome_p, row["o"], graph),
            ox.Quad(node, count, row["antal"], graph),
        ]
    for row in store.query(
        _P
        + """SELECT ?o (SUM(?n) AS ?punkter) (COUNT(DISTINCT ?m) AS ?dokumenter) WHERE {
            ?m sg:involvementCount ?c . ?c sg:involves ?o ; sg:count ?n } GROUP BY ?o"""
    ):
        quads += [
            ox.Quad(row["o"], items_p, row["punkter"], graph),
            ox.Quad(row["o"], docs_p, row["dokumenter"], graph),
        ]
    store.replace_quads(SUMMARY_GRAPH, quads)
    return SUMMARY_GRAPH
