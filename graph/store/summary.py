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
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..vocab import GRAPH, SG

NODE_GRAPHS, STATE_GRAPHS = str(GRAPH["node/case-"]), str(GRAPH["state/case-"])
_RECOMMENDS = "<https://w3id.org/sundhedsgraf/concept/route-role/recommends> <https://w3id.org/sundhedsgraf/concept/route-role/prepares>"
_DECIDES = "<https://w3id.org/sundhedsgraf/concept/route-role/decides>"
_P = (
    "PREFIX sg: <https://w3id.org/sundhedsgraf/ont#> PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX dct: <http://purl.org/dc/terms/> "
)


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


FULL_PASS_FROM = 200  # more cases than this: each query once over the whole corpus, else once per case


def _rows(store, template: str, cases: list[str]) -> Iterator[tuple[str, ox.QuerySolution]]:
    """(case, row) of a query over the given cases. The template names the case as {case} and says where ?sag is
    projected ({proj}) and grouped ({group}). Many cases: one pass over the corpus, kept to the cases asked for; few
    cases (an incremental build): one query per case with its IRI written in. Not a VALUES block of cases: Oxigraph
    joins that with the pattern evaluated for every case in the store."""
    if len(cases) > FULL_PASS_FROM:
        wanted = set(cases)
        for row in store.query(_P + template.format(case="?sag", proj="?sag", group="GROUP BY ?sag")):
            if row["sag"].value in wanted:
                yield row["sag"].value, row
    else:
        for case in cases:
            for row in store.query(_P + template.format(case=f"<{case}>", proj="", group="")):
                yield case, row


def _tag(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


_WAITING = f"""SELECT DISTINCT {{proj}} ?fa ?fb WHERE {{{{
    {{case}} sg:routeStep ?b . ?b sg:stepRole {_DECIDES} . ?b sg:stepForum ?fb .
    {{case}} sg:routeStep ?a . ?a sg:stepRole ?ar . VALUES ?ar {{{{ {_RECOMMENDS} }}}} ?a sg:stepForum ?fa .
    FILTER(?fa != ?fb)
    FILTER NOT EXISTS {{{{ ?t sg:case {{case}} ; prov:generated ?d . ?d sg:decidedBy ?fb }}}} }}}}"""
_DECIDED = """SELECT DISTINCT {proj} ?f ?d WHERE {{ ?t sg:case {case} . ?t prov:generated ?d . ?d sg:decidedBy ?f }}"""
_PAIRS = f"""SELECT DISTINCT {{proj}} ?fa ?ar ?fb WHERE {{{{
    GRAPH ?g {{{{ {{case}} sg:routeStep ?a . ?a sg:stepForum ?fa . ?a sg:stepRole ?ar .
               VALUES ?ar {{{{ {_RECOMMENDS} }}}}
               {{case}} sg:routeStep ?b . ?b sg:stepRole {_DECIDES} . ?b sg:stepForum ?fb . }}}}
    FILTER(?fb != ?fa) }}}}"""
_FIRST = """SELECT {proj} (MIN(?dato) AS ?siden) WHERE {{
    ?item sg:case {case} . ?m sg:hasAgendaItem ?item ; dct:date ?dato }} {group}"""


def _states(store, cases: list[str]) -> dict[str, list[ox.Triple]]:
    triples: dict[str, list[ox.Triple]] = {c: [] for c in cases}
    state_of, by, waits = (ox.NamedNode(str(SG[n])) for n in ("stateOf", "recommendedBy", "waitsFor"))
    role_p, decider, first = (ox.NamedNode(str(SG[n])) for n in ("recommenderRole", "decider", "firstTreated"))
    decision_p = ox.NamedNode(str(SG.deciderDecision))
    for case, row in _rows(store, _WAITING, cases):
        subject, fa, fb = ox.NamedNode(case), row["fa"], row["fb"]
        node = ox.NamedNode(f"{case}#venter-{_tag(fa.value, fb.value)}")
        triples[case] += [ox.Triple(node, state_of, subject), ox.Triple(node, by, fa), ox.Triple(node, waits, fb)]
    decided: dict[tuple[str, str], list[ox.NamedNode]] = {}  # (case, forum) -> that forum's decisions on the case
    for case, row in _rows(store, _DECIDED, cases):
        decided.setdefault((case, row["f"].value), []).append(row["d"])
    for case, row in _rows(store, _PAIRS, cases):
        subject, fa, ar, fb = ox.NamedNode(case), row["fa"], row["ar"], row["fb"]
        node = ox.NamedNode(f"{case}#anbefalet-{_tag(fa.value, ar.value, fb.value)}")
        triples[case] += [
            ox.Triple(node, state_of, subject),
            ox.Triple(node, by, fa),
            ox.Triple(node, role_p, ar),
            ox.Triple(node, decider, fb),
        ]
        triples[case] += [ox.Triple(node, decision_p, d) for d in decided.get((case, fb.value), [])]
    waiting = [c for c, t in triples.items() if any(x.predicate == waits for x in t)]
    for case, row in _rows(store, _FIRST, waiting):
        if row["siden"] is not None:  # since when a waiting case has waited
            triples[case].append(ox.Triple(ox.NamedNode(case), first, row["siden"]))
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
    for case, triples in _states(store, sorted(cases)).items():
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


# ---- totals over the whole corpus: each build adds what its documents bring and takes away what they brought

SUMMARY_GRAPH = str(GRAPH["summary"])
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class Contributions:
    """What some documents add to the corpus totals: decisions per (forum, outcome), and per organisation the
    decided items that name it and the documents they are in."""

    outcomes: Counter = field(default_factory=Counter)  # (forum IRI, outcome IRI) -> decisions
    items: Counter = field(default_factory=Counter)  # organisation IRI -> decided items that name it
    documents: Counter = field(default_factory=Counter)  # organisation IRI -> documents with such items

    def __iadd__(self, other: Contributions) -> Contributions:
        self.outcomes.update(other.outcomes)
        self.items.update(other.items)
        self.documents.update(other.documents)
        return self


def _value(store, subject, predicate, graph) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    return next((q.object for q in store.ox.quads_for_pattern(subject, predicate, None, graph)), None)


def contributions(store, graphs: Iterable[str]) -> Contributions:
    """The counts the documents in `graphs` keep of themselves (graph.emit.document._emit_summary), read by direct
    look-ups in each document's graph."""
    held_by, outcome_count, involvement, count, outcome_p, involves = (
        ox.NamedNode(str(SG[n])) for n in ("heldBy", "outcomeCount", "involvementCount", "count", "outcome", "involves")
    )
    meeting_type = ox.NamedNode("http://data.vlaanderen.be/ns/besluit#Zitting")
    found = Contributions()
    for name in graphs:
        graph = ox.NamedNode(name)
        for meeting in (q.subject for q in store.ox.quads_for_pattern(None, _TYPE, meeting_type, graph)):
            forum = _value(store, meeting, held_by, graph)
            for tally in (q.object for q in store.ox.quads_for_pattern(meeting, outcome_count, None, graph)):
                outcome, n = _value(store, tally, outcome_p, graph), _value(store, tally, count, graph)
                if forum is not None and outcome is not None and n is not None:
                    found.outcomes[(forum.value, outcome.value)] += int(n.value)
            for tally in (q.object for q in store.ox.quads_for_pattern(meeting, involvement, None, graph)):
                organisation, n = _value(store, tally, involves, graph), _value(store, tally, count, graph)
                if organisation is not None and n is not None:
                    found.items[organisation.value] += int(n.value)
                    found.documents[organisation.value] += 1
    return found


def _outcome_node(forum: str, outcome: str) -> ox.NamedNode:
    return ox.NamedNode(f"{forum}#udfald-{outcome.rsplit('/', 1)[-1]}")


def update_corpus_summary(store, before: Contributions | None, after: Contributions) -> str:
    """The totals the whole-corpus questions read (…/graph/summary). `before`: what the changed and removed
    documents had brought (None: no totals yet, `after` is the whole corpus); `after`: what they bring now. Only
    the totals they touch are rewritten, so a one-document update reads a few numbers, not the corpus."""
    graph = ox.NamedNode(SUMMARY_GRAPH)
    count, forum_p, outcome_p = (ox.NamedNode(str(SG[n])) for n in ("count", "forum", "outcome"))
    items_p, docs_p = ox.NamedNode(str(SG.decidedItemCount)), ox.NamedNode(str(SG.documentCount))
    if before is None:
        store.remove_graph(SUMMARY_GRAPH)
        before = Contributions()
    for forum, outcome in set(before.outcomes) | set(after.outcomes):
        node = _outcome_node(forum, outcome)
        current = _value(store, node, count, graph)
        total = (int(current.value) if current is not None else 0) - before.outcomes[(forum, outcome)]
        total += after.outcomes[(forum, outcome)]
        for quad in list(store.ox.quads_for_pattern(node, None, None, graph)):
            store.ox.remove(quad)
            store._added -= 1
        if total > 0:
            store.ox.extend(
                [
                    ox.Quad(node, forum_p, ox.NamedNode(forum), graph),
                    ox.Quad(node, outcome_p, ox.NamedNode(outcome), graph),
                    ox.Quad(node, count, ox.Literal(str(total), datatype=_INTEGER), graph),
                ]
            )
            store._added += 3
    for organisation in set(before.items) | set(after.items):
        node = ox.NamedNode(organisation)
        totals = []
        for predicate, kind in ((items_p, "items"), (docs_p, "documents")):
            current = _value(store, node, predicate, graph)
            totals.append(
                (int(current.value) if current is not None else 0)
                - getattr(before, kind)[organisation]
                + getattr(after, kind)[organisation]
            )
            for quad in list(store.ox.quads_for_pattern(node, predicate, None, graph)):
                store.ox.remove(quad)
                store._added -= 1
        if totals[0] > 0:
            store.ox.extend(
                [
                    ox.Quad(node, items_p, ox.Literal(str(totals[0]), datatype=_INTEGER), graph),
                    ox.Quad(node, docs_p, ox.Literal(str(totals[1]), datatype=_INTEGER), graph),
                ]
            )
            store._added += 2
    return SUMMARY_GRAPH


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
