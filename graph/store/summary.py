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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from ..vocab import GRAPH, SG, concept, decimal

NODE_GRAPHS, STATE_GRAPHS = str(GRAPH["node/case-"]), str(GRAPH["state/case-"])


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


def _tag(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


_ROUTE_STEP, _STEP_ROLE, _STEP_FORUM, _CASE, _DECIDED_BY = (
    ox.NamedNode(str(SG[n])) for n in ("routeStep", "stepRole", "stepForum", "case", "decidedBy")
)
_HAS_ITEM = ox.NamedNode(str(SG.hasAgendaItem))
_GENERATED = ox.NamedNode("http://www.w3.org/ns/prov#generated")
_DATE = ox.NamedNode("http://purl.org/dc/terms/date")
_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_RECOMMENDER_ROLES = {str(concept("route-role", r)) for r in ("recommends", "prepares")}
_DECIDER_ROLE = str(concept("route-role", "decides"))


def _objects(store, subject, predicate, graph=None) -> list:
    """Objects of (subject, predicate) in `graph`, or in any graph with their graph (object, graph)."""
    found = store.ox.quads_for_pattern(subject, predicate, None, graph)
    return [q.object for q in found] if graph is not None else [(q.object, q.graph_name) for q in found]


def _subjects(store, predicate, obj) -> set:
    return {q.subject for q in store.ox.quads_for_pattern(None, predicate, obj, None)}


@dataclass
class _Route:
    """One case's route over all the minutes: per document graph, who recommended or prepared it (forum, role) and
    who decides it; and the forums whose decision on it is in the minutes."""

    recommenders: dict[str, set[tuple[ox.NamedNode, ox.NamedNode]]] = field(default_factory=dict)
    deciders: dict[str, set[ox.NamedNode]] = field(default_factory=dict)
    decisions: dict[str, set[ox.NamedNode]] = field(default_factory=dict)  # forum -> its decisions on the case


def _route(store, case: ox.NamedNode) -> _Route:
    """Read by direct look-ups, not SPARQL: a case is restated in every document on its route, and a join of its steps
    with each other grows with the square of them (minutes at 5,000 documents); sets do not."""
    route = _Route()
    for step, graph in _objects(store, case, _ROUTE_STEP):
        forums = _objects(store, step, _STEP_FORUM, graph)
        for role in _objects(store, step, _STEP_ROLE, graph):
            if role.value in _RECOMMENDER_ROLES:
                route.recommenders.setdefault(graph.value, set()).update((f, role) for f in forums)
            elif role.value == _DECIDER_ROLE:
                route.deciders.setdefault(graph.value, set()).update(forums)
    if not route.recommenders or not route.deciders:
        return route  # no recommender and decider: nothing waits, nothing was only recommended
    for treatment in _subjects(store, _CASE, case):
        for decision in {d for d, _ in _objects(store, treatment, _GENERATED)}:
            for forum in {f for f, _ in _objects(store, decision, _DECIDED_BY)}:
                route.decisions.setdefault(forum.value, set()).add(decision)
    return route


def _first_treated(store, case: ox.NamedNode) -> ox.Literal | None:
    """The earliest date of a meeting with an agenda item on the case."""
    dates = {
        date
        for item in _subjects(store, _CASE, case)
        for meeting in _subjects(store, _HAS_ITEM, item)
        for date, _ in _objects(store, meeting, _DATE)
        if isinstance(date, ox.Literal) and date.datatype.value == _XSD_DATE
    }
    return min(dates, key=lambda d: d.value, default=None)


_STATE_TERMS = tuple(
    ox.NamedNode(str(SG[n]))
    for n in ("stateOf", "recommendedBy", "waitsFor", "recommenderRole", "decider", "deciderDecision", "firstTreated")
)


def _case_state(store, case: str) -> list[ox.Triple]:
    subject = ox.NamedNode(case)
    state_of, by, waits, role_p, decider, decision_p, first_treated = _STATE_TERMS
    route, triples = _route(store, subject), []
    recommending = {forum for pairs in route.recommenders.values() for forum, _ in pairs}
    deciding = set().union(*route.deciders.values())
    for fa, fb in {(a, b) for a in recommending for b in deciding if a != b and b.value not in route.decisions}:
        node = ox.NamedNode(f"{case}#venter-{_tag(fa.value, fb.value)}")
        triples += [ox.Triple(node, state_of, subject), ox.Triple(node, by, fa), ox.Triple(node, waits, fb)]
    pairs = {  # recommender and decider from the same document's route
        (fa, ar, fb)
        for graph, recommenders in route.recommenders.items()
        for fa, ar in recommenders
        for fb in route.deciders.get(graph, ())
        if fa != fb
    }
    for fa, ar, fb in pairs:
        node = ox.NamedNode(f"{case}#anbefalet-{_tag(fa.value, ar.value, fb.value)}")
        triples += [
            ox.Triple(node, state_of, subject),
            ox.Triple(node, by, fa),
            ox.Triple(node, role_p, ar),
            ox.Triple(node, decider, fb),
        ]
        triples += [ox.Triple(node, decision_p, d) for d in route.decisions.get(fb.value, ())]
    if any(t.predicate == waits for t in triples):  # since when a waiting case has waited
        first = _first_treated(store, subject)
        if first is not None:
            triples.append(ox.Triple(subject, first_treated, first))
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
    states: dict[str, list[ox.Quad]] = {}
    for case in sorted(cases):
        triples = _case_state(store, case)
        graph = state_graph(cases[case])
        if triples:
            states[graph] = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]
            written.append(graph)
        elif store.may_hold(graph) and store.ox.contains_named_graph(ox.NamedNode(graph)):  # nothing waits: no state
            store.remove_graph(graph)
            removed.append(graph)
    store.replace_graphs(states)
    return written, removed


# ---- totals over the whole corpus: each build adds what its documents bring and takes away what they brought

SUMMARY_GRAPH = str(GRAPH["summary"])
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class Contributions:
    """What some documents add to the corpus totals: decisions per (forum, outcome); per organisation the decided
    items that name it and the documents they are in; per initiative the amounts its items mention and the
    allocations (number, kroner) of the decisions about it."""

    outcomes: Counter = field(default_factory=Counter)  # (forum IRI, outcome IRI) -> decisions
    items: Counter = field(default_factory=Counter)  # organisation IRI -> decided items that name it
    documents: Counter = field(default_factory=Counter)  # organisation IRI -> documents with such items
    mentioned: Counter = field(default_factory=Counter)  # initiative IRI -> amounts mentioned
    allocations: Counter = field(default_factory=Counter)  # initiative IRI -> allocations
    kroner: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # initiative -> kroner

    def __iadd__(self, other: Contributions) -> Contributions:
        for name in ("outcomes", "items", "documents", "mentioned", "allocations"):
            getattr(self, name).update(getattr(other, name))
        for thing, kroner in other.kroner.items():
            self.kroner[thing] += kroner
        return self


def _value(store, subject, predicate, graph) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    return next((q.object for q in store.ox.quads_for_pattern(subject, predicate, None, graph)), None)


def contributions(store, graphs: Iterable[str]) -> Contributions:
    """The counts the documents in `graphs` keep of themselves (graph.emit.document._emit_summary), read by direct
    look-ups in each document's graph."""
    held_by, outcome_count, involvement, count, outcome_p, involves = (
        ox.NamedNode(str(SG[n])) for n in ("heldBy", "outcomeCount", "involvementCount", "count", "outcome", "involves")
    )
    money, tally_of, mentioned, allocations, kroner = (
        ox.NamedNode(str(SG[n]))
        for n in ("moneyTally", "tallyOf", "amountsMentioned", "allocationCount", "allocatedDKK")
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
            for tally in (q.object for q in store.ox.quads_for_pattern(meeting, money, None, graph)):
                thing = _value(store, tally, tally_of, graph)
                if thing is None:
                    continue
                for predicate, counter in ((mentioned, found.mentioned), (allocations, found.allocations)):
                    n = _value(store, tally, predicate, graph)
                    counter[thing.value] += int(n.value) if n is not None else 0
                sum_ = _value(store, tally, kroner, graph)
                found.kroner[thing.value] += Decimal(sum_.value) if sum_ is not None else Decimal(0)
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
        totals = [
            int(_take_total(store, node, predicate, graph))
            - getattr(before, kind)[organisation]
            + getattr(after, kind)[organisation]
            for predicate, kind in ((items_p, "items"), (docs_p, "documents"))
        ]
        if totals[0] > 0:
            store.ox.extend(
                [
                    ox.Quad(node, items_p, ox.Literal(str(totals[0]), datatype=_INTEGER), graph),
                    ox.Quad(node, docs_p, ox.Literal(str(totals[1]), datatype=_INTEGER), graph),
                ]
            )
            store._added += 2
    _update_money(store, before, after)
    return SUMMARY_GRAPH


def _take_total(store, node: ox.NamedNode, predicate: ox.NamedNode, graph: ox.NamedNode) -> Decimal:
    """A total the summary holds (0 without one), taken out of it: the caller writes the new total, if any."""
    current = _value(store, node, predicate, graph)
    for quad in list(store.ox.quads_for_pattern(node, predicate, None, graph)):
        store.ox.remove(quad)
        store._added -= 1
    return Decimal(current.value) if current is not None else Decimal(0)


def _update_money(store, before: Contributions, after: Contributions) -> None:
    """Per initiative in the summary: the amounts mentioned, the allocations and their kroner (the latter only
    when there are any), for every initiative with amounts mentioned or allocated."""
    graph = ox.NamedNode(SUMMARY_GRAPH)
    predicates = {
        name: ox.NamedNode(str(SG[term]))
        for name, term in (
            ("mentioned", "amountsMentioned"),
            ("allocations", "allocationCount"),
            ("kroner", "allocatedDKK"),
        )
    }
    for thing in set(before.mentioned) | set(after.mentioned) | set(before.allocations) | set(after.allocations):
        node = ox.NamedNode(thing)
        totals = {
            name: _take_total(store, node, predicate, graph)
            - getattr(before, name)[thing]
            + getattr(after, name)[thing]
            for name, predicate in predicates.items()
        }
        if totals["mentioned"] <= 0 and totals["allocations"] <= 0:
            continue
        quads = [
            ox.Quad(node, predicates[name], ox.Literal(str(int(totals[name])), datatype=_INTEGER), graph)
            for name in ("mentioned", "allocations")
        ]
        if totals["allocations"] > 0:
            quads.append(ox.Quad(node, predicates["kroner"], decimal(float(totals["kroner"])), graph))
        store.ox.extend(quads)
        store._added += len(quads)


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
