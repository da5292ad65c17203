"""Interactive governance maps: the store -> networkx (selection, layout, centrality) -> pyvis -> one HTML file.

Every map is one self-contained file: vis-network (from the pyvis package) and all data are
inlined, nothing is fetched, it opens from file://. Positions are computed ahead with networkx
and physics is off, so the first picture appears at once. Text from the minutes is only ever
JSON data that the page puts into the DOM with textContent; pyvis' own template (which sets
tooltips with innerHTML and renders the heading unescaped) is not used.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from ..ontology import concept_keys, concept_label
from ..store import GraphStore, parse_quote, quotes
from ..vocab import ID
from . import words

SG = "https://w3id.org/sundhedsgraf/ont#"
MAX_NODES = 2500  # above this a view aggregates what a person could not read one by one
PACK_VIEWS = 30  # forums and organisations with their own map in the onboarding pack
RECENT = 40  # meetings and decisions a forum map shows one by one, the newest
ROLE_LINES = 6  # a person's roles listed forum by forum; beyond this, a count

# type -> (Danish label, vis style, the shape in words for the legend)
TYPES: dict[str, tuple[str, dict, str]] = {
    "region": (
        "Region",
        {"shape": "box", "color": {"background": "#1f4e79", "border": "#12324f"}, "font": {"color": "#ffffff"}},
        "firkant",
    ),
    "klynge": (
        "Sundhedsklynge",
        {"shape": "ellipse", "color": {"background": "#2e86c1", "border": "#1b5e88"}, "font": {"color": "#ffffff"}},
        "oval",
    ),
    "sundhedsraad": (
        "Sundhedsråd",
        {"shape": "ellipse", "color": {"background": "#117a65", "border": "#0b5345"}, "font": {"color": "#ffffff"}},
        "grøn oval",
    ),
    "forum": ("Forum", {"shape": "box", "color": {"background": "#f5b041", "border": "#b9770e"}}, "firkant"),
    "kommune": (
        "Kommune",
        {"shape": "dot", "size": 9, "color": {"background": "#58d68d", "border": "#239b56"}},
        "prik",
    ),
    "organisation": (
        "Organisation",
        {"shape": "dot", "size": 11, "color": {"background": "#a569bd", "border": "#6c3483"}},
        "prik",
    ),
    "person": (
        "Person",
        {"shape": "dot", "size": 7, "color": {"background": "#d5d8dc", "border": "#85929e"}},
        "lille prik",
    ),
    "meeting": (
        "Møde",
        {"shape": "diamond", "size": 12, "color": {"background": "#5dade2", "border": "#21618c"}},
        "rombe",
    ),
    "decision": (
        "Beslutning",
        {"shape": "square", "size": 9, "color": {"background": "#abebc6", "border": "#1e8449"}},
        "kvadrat (farve = udfald)",
    ),
    "initiative": (
        "Initiativ",
        {"shape": "star", "size": 13, "color": {"background": "#f4d03f", "border": "#b7950b"}},
        "stjerne",
    ),
    "allocation": (
        "Bevilling",
        {"shape": "triangle", "size": 10, "color": {"background": "#eb984e", "border": "#a04000"}},
        "trekant",
    ),
    "group": (
        "Samlet gruppe",
        {"shape": "hexagon", "size": 16, "color": {"background": "#bfc9ca", "border": "#717d7e"}},
        "sekskant",
    ),
}
OUTCOME_COLORS = {
    "approved": "#27ae60",
    "approved-with-remarks": "#82e0aa",
    "noted": "#5dade2",
    "discussed": "#aeb6bf",
    "rejected": "#e74c3c",
    "postponed": "#f39c12",
    "recommended": "#8e44ad",
    "other": "#e5e8e8",
}
LEVEL_LAYER = {
    "regionalt-politisk": 2,
    "politisk-niveau": 2,
    "regionalt-administrativt": 3,
    "fagligt-strategisk-niveau": 3,
    "regionsraad": 2,
}


class MapError(Exception):
    pass


# --------------------------------------------------------------------------- the graph from the store


def _v(row, key):
    term = row[key]
    return None if term is None else term.value


def _short(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


MAX_DECISION_NODES = 5000  # above this, decisions are loaded as counts per forum and outcome


def load_graph(store: GraphStore, max_decisions: int = MAX_DECISION_NODES) -> nx.MultiDiGraph:
    """The governance graph the maps draw from: typed nodes with key facts, labelled edges.
    A national corpus has tens of thousands of decisions: above `max_decisions` they are loaded as one
    node per forum and outcome with a count, which is what a map can show anyway. Quotes are fetched
    later, only for the nodes a view draws."""
    g = nx.MultiDiGraph()
    pre = (
        f"PREFIX sg: <{SG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX org: "
        f"<http://www.w3.org/ns/org#> "
        "PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "PREFIX dct: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    )
    decisions = int(next(iter(store.query(pre + "SELECT (COUNT(*) AS ?n) WHERE { ?d a besluit:Besluit }")))["n"].value)
    detailed = decisions <= max_decisions
    _load_nodes(g, store, pre, detailed)
    _load_decisions(g, store, pre, detailed)
    _load_edges(g, store, pre, detailed)
    _load_people(g, store, pre)
    _load_councils(g, store, pre)
    _mark_hubs(g)
    return g


def _load_nodes(g: nx.MultiDiGraph, store: GraphStore, pre: str, detailed: bool) -> None:
    """The nodes of the drawn types (a node typed twice keeps the more specific type), their attributes and aliases."""
    classes = {
        f"{SG}Region": "region",
        f"{SG}Sundhedsklynge": "klynge",
        f"{SG}Sundhedsraad": "sundhedsraad",
        f"{SG}Forum": "forum",
        f"{SG}Kommune": "kommune",
        f"{SG}Organisation": "organisation",
        "http://xmlns.com/foaf/0.1/Person": "person",
        "http://data.vlaanderen.be/ns/besluit#Zitting": "meeting",
        "http://data.vlaanderen.be/ns/besluit#Besluit": "decision",
        f"{SG}Initiative": "initiative",
        f"{SG}Allocation": "allocation",
    }
    priority = list(classes.values())
    wanted = (
        "sg:Region sg:Sundhedsklynge sg:Sundhedsraad sg:Forum sg:Kommune sg:Organisation foaf:Person besluit:Zitting "
        "sg:Initiative sg:Allocation" + (" besluit:Besluit" if detailed else "")
    )
    for row in store.query(pre + f"SELECT DISTINCT ?s ?c WHERE {{ ?s a ?c . VALUES ?c {{ {wanted} }} }}"):
        iri, kind = _v(row, "s"), classes[_v(row, "c")]
        if iri in g and priority.index(g.nodes[iri]["type"]) <= priority.index(kind):
            continue  # a Kommune is also an Organisation: keep the most specific type
        g.add_node(iri, type=kind, label=iri.rsplit("/", 1)[-1], facts=[])
    # one simple query per attribute: Oxigraph plans these well, one query with many OPTIONALs it does not
    attributes = {
        "label": "?s skos:prefLabel ?v",
        "level": "?s sg:level ?x . ?x skos:notation ?v",
        "valid_from": "?s sg:validFrom ?v",
        "valid_to": "?s sg:validTo ?v",
        "date": "?s dct:date ?v",
        "confidence": "?s sg:confidence ?x . ?x skos:notation ?v",
        "region": "?s sg:inRegion ?v",
    }
    for attribute, pattern in attributes.items():  # of the drawn types only: 8,000 nodes, not 190,000 labelled things
        for row in store.query(
            pre
            + f"SELECT ?s (SAMPLE(?v) AS ?value) WHERE {{ ?s a ?c . VALUES ?c {{ {wanted} }} {pattern} }} GROUP BY ?s"
        ):
            node = g.nodes.get(_v(row, "s"))
            if node is not None:
                node[attribute] = _v(row, "value")
    for row in store.query(
        pre
        + """SELECT ?s (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) WHERE {
            ?s skos:altLabel ?alt . ?s a ?c . VALUES ?c { sg:Forum sg:Sundhedsklynge sg:Organisation } } GROUP BY ?s"""
    ):
        node = g.nodes.get(_v(row, "s"))
        if node is not None:
            node["aliases"] = _v(row, "alts").split("|")
            local = [a for a in node["aliases"] if " - " not in a and " i " not in a][:4]
            if local:
                node["facts"].append(("Også kaldet", ", ".join(local)))


def _load_decisions(g: nx.MultiDiGraph, store: GraphStore, pre: str, detailed: bool) -> None:
    """Decisions labelled by their agenda item and date, with outcome, text and recommendation as facts; allocations
    with their amount; or, for a corpus too large to draw decision by decision, one node per forum and outcome."""
    items: dict[str, tuple[str, str | None]] = {}  # decision -> (title of its agenda item, the item's number)
    for row in (
        []
        if not detailed
        else store.query(
            pre
            + """SELECT ?d ?title ?num WHERE { ?t prov:generated ?d ; dct:subject ?i .
            ?i dct:title ?title OPTIONAL { ?i sg:itemNumber ?num } }"""
        )
    ):
        items.setdefault(_v(row, "d"), (_v(row, "title"), _v(row, "num")))
    for row in (
        []
        if not detailed
        else store.query(
            pre
            + """SELECT ?d ?o ?text ?r WHERE { ?d a besluit:Besluit ; sg:outcome ?oc ; prov:value ?text .
            ?oc skos:notation ?o OPTIONAL { ?d sg:answers ?rec . ?rec prov:value ?r } }"""
        )
    ):
        node = g.nodes.get(_v(row, "d"))
        if node is not None and "outcome" not in node:
            outcome = words.outcome(_v(row, "o"))
            node["outcome"] = _v(row, "o")
            title, number = items.get(_v(row, "d"), (None, None))
            # the agenda item and the date say which decision this is; "Godkendt: Godkendt." does not
            node["label"] = (_short(title, 60) if title else f"{outcome}: {_short(_v(row, 'text'), 50)}") + (
                f" ({words.day(node['date'])})" if node.get("date") else ""
            )
            if title:
                node["facts"].append(("Punkt", f"{number + '. ' if number else ''}{title}"))
            node["facts"].append(("Udfald", outcome))
            node["facts"].append(("Beslutning", _short(_v(row, "text"), 400)))
            if _v(row, "r"):
                node["facts"].append(("Indstilling", _short(_v(row, "r"), 300)))
    for row in store.query(
        pre
        + "SELECT ?a ?kr ?who WHERE { ?x sg:allocates ?a . ?a sg:amountDKK ?kr OPTIONAL { ?a sg:recipientName ?who } }"
    ):
        node = g.nodes.get(_v(row, "a"))
        if node is not None:
            amount = float(_v(row, "kr"))
            node["label"] = f"{amount:,.0f} kr.".replace(",", ".") + (f" → {_v(row, 'who')}" if _v(row, "who") else "")
            node["facts"].append(("Beløb", f"{amount:,.0f} kr.".replace(",", ".")))
    if not detailed:
        for row in store.query(
            pre
            # every decision is read: each pattern in a { SELECT } of its own, found whole and joined by hash, not
            # looked up decision by decision (1.0 -> 0.2 s at 5,000 documents)
            + """SELECT ?f ?o (COUNT(DISTINCT ?d) AS ?n) (MAX(?date) AS ?last) WHERE {
                { SELECT ?d ?f WHERE { ?d sg:decidedBy ?f } } { SELECT ?d ?oc WHERE { ?d sg:outcome ?oc } }
                { SELECT ?oc ?o WHERE { ?oc skos:notation ?o } }
                OPTIONAL { SELECT ?d ?date WHERE { ?d dct:date ?date } } } GROUP BY ?f ?o"""
        ):
            forum, outcome, count = _v(row, "f"), _v(row, "o"), int(_v(row, "n"))
            if forum not in g:
                continue
            label = concept_label(concept_keys("OutcomeScheme")[outcome])
            gid = f"{forum}#beslutninger-{outcome}"
            g.add_node(
                gid,
                type="group",
                label=f"{count} × {label.lower()}",
                outcome=outcome,
                date=_v(row, "last"),
                facts=[("Beslutninger", f"{count} med udfaldet {label.lower()}")],
            )
            g.add_edge(gid, forum, label="besluttet af")


def _load_edges(g: nx.MultiDiGraph, store: GraphStore, pre: str, detailed: bool) -> None:
    """The labelled edges between drawn nodes, the route of cases (who recommends to whom) and meeting -> decision."""
    edges = [
        ("sg:inRegion", "i region"),
        ("sg:partOf", "del af"),
        ("sg:reportsTo", "rapporterer til"),
        ("org:hasMember", "medlem"),
        ("sg:acuteHospital", "akutsygehus"),
        ("sg:heldBy", "holdt af"),
        ("sg:decidedBy", "besluttet af"),
        ("sg:concerns", "vedrører"),
        ("sg:allocates", "bevilger"),
        ("sg:allocatedTo", "til"),
        ("sg:represents", "repræsenterer"),
        ("sg:establishes", "nedsætter"),
        ("sg:dissolves", "nedlægger"),
        ("sg:successorOf", "afløser"),
    ]
    values = " ".join(f'({p} "{label}")' for p, label in edges)
    for row in store.query(
        pre + f"SELECT DISTINCT ?s ?o ?label WHERE {{ VALUES (?p ?label) {{ {values} }} ?s ?p ?o }}"
    ):
        s, o = _v(row, "s"), _v(row, "o")
        if s in g and o in g:
            g.add_edge(s, o, label=_v(row, "label"))
    # the route of cases: who recommends or prepares to whom
    # (a case is restated in every document on its route: its forum pairs are made distinct before they are joined)
    for row in store.query(
        pre
        + """SELECT ?fa ?fb (COUNT(DISTINCT ?case) AS ?n) WHERE {
            { SELECT DISTINCT ?case ?fb WHERE { ?b sg:stepRole ?rb . ?rb skos:notation "decides" . ?b sg:stepForum ?fb .
                                                ?case sg:routeStep ?b } }
            { SELECT DISTINCT ?case ?fa WHERE { ?a sg:stepRole ?ra . ?ra skos:notation ?ka . VALUES ?ka {
            "recommends" "prepares" }
                                                ?a sg:stepForum ?fa . ?case sg:routeStep ?a } }
            FILTER(?fa != ?fb)
          } GROUP BY ?fa ?fb"""
    ):
        if _v(row, "fa") in g and _v(row, "fb") in g:
            count = int(_v(row, "n"))
            g.add_edge(
                _v(row, "fa"), _v(row, "fb"), label=f"anbefaler til ({count} sager)" if count > 1 else "anbefaler til"
            )
    for row in (
        []
        if not detailed
        else store.query(
            pre
            + """SELECT DISTINCT ?m ?d WHERE {
            ?m sg:hasAgendaItem ?i . ?t dct:subject ?i ; prov:generated ?d }"""
        )
    ):
        if _v(row, "m") in g and _v(row, "d") in g:
            g.add_edge(_v(row, "m"), _v(row, "d"), label="besluttede")


def _load_people(g: nx.MultiDiGraph, store: GraphStore, pre: str) -> None:
    """Each person's roles per forum (once each) and who came to or sent apologies to each meeting."""
    # one edge per person, forum and role, with the last meeting it was seen at (a forum map shows its recent members)
    roles: dict[tuple[str, str], list[str]] = {}
    # every membership is read, so each pattern is found whole and joined by hash (1.4 -> 0.4 s at 5,000 documents);
    # the job title is the one of the latest membership that gives one ("date|title", the largest)
    for row in store.query(
        pre
        + """SELECT ?p ?f ?role (MAX(?stamp) AS ?dated_title) (MAX(?date) AS ?last) WHERE {
            { SELECT ?ms ?p WHERE { ?ms org:member ?p } } { SELECT ?ms ?f WHERE { ?ms org:organization ?f } }
            { SELECT ?ms ?r WHERE { ?ms org:role ?r } } { SELECT ?r ?role WHERE { ?r skos:notation ?role } }
            OPTIONAL { SELECT ?ms ?jobtitle WHERE { ?ms sg:jobTitle ?jobtitle } }
            OPTIONAL { SELECT ?ms ?date WHERE { ?ms dct:date ?date } }
            BIND(IF(BOUND(?jobtitle), CONCAT(COALESCE(STR(?date), ""), "|", ?jobtitle), "") AS ?stamp)
          } GROUP BY ?p ?f ?role"""
    ):
        if _v(row, "p") in g and _v(row, "f") in g:
            role = words.role(_v(row, "role"))
            if not any(
                e.get("label") == role.lower() for e in g.get_edge_data(_v(row, "p"), _v(row, "f"), default={}).values()
            ):
                g.add_edge(_v(row, "p"), _v(row, "f"), label=role.lower(), last=_v(row, "last"), quiet=True)
            said = roles.setdefault((_v(row, "p"), _v(row, "f")), [])
            title = (_v(row, "dated_title") or "").partition("|")[2]
            for part in (role, title):
                if part and part not in said:
                    said.append(part)
    lines: dict[str, int] = {}
    for (person, forum), said in sorted(roles.items(), key=lambda x: (x[0][0], g.nodes[x[0][1]]["label"])):
        lines[person] = lines.get(person, 0) + 1  # one line per forum: "Medlem, Direktør", never the same twice
        if lines[person] <= ROLE_LINES:
            g.nodes[person]["facts"].append((f"Rolle i {g.nodes[forum]['label']}", ", ".join(said)))
    for person, count in lines.items():
        if count > ROLE_LINES:
            g.nodes[person]["facts"].append(
                ("Også i", f"{count - ROLE_LINES} andre fora (personens forbindelser viser dem)")
            )
    # who came and who sent apologies, per meeting (a forum map shows attendance over its meetings)
    attendance: dict[str, dict[str, bool]] = {}
    for row in store.query(
        pre
        + """SELECT ?m ?p ?here WHERE { { ?m sg:participant ?p BIND(true AS ?here) }
            UNION { ?m sg:absent ?p BIND(false AS ?here) } }"""
    ):
        attendance.setdefault(_v(row, "m"), {})[_v(row, "p")] = _v(row, "here") == "true"
    g.graph["attendance"] = attendance


def _load_councils(g: nx.MultiDiGraph, store: GraphStore, pre: str) -> None:
    """The sundhedsråd: their phases, size and chairs as facts; kommuner whose council is disputed as dashed
    edges, one per reading; which council each kommune goes to; and the transition from the clusters
    (g.graph['transitions'])."""
    for row in store.query(
        pre
        + """SELECT ?c ?kind ?from ?to ?conf WHERE { ?c a sg:Sundhedsraad ; sg:phase ?p .
            ?p sg:phaseKind ?k ; sg:validFrom ?from ; sg:confidence ?cc . ?k skos:notation ?kind . ?cc skos:notation
            ?conf
            OPTIONAL { ?p sg:validTo ?to } } ORDER BY ?c ?from"""
    ):
        node = g.nodes.get(_v(row, "c"))
        if node is not None:
            period = (
                f"{_v(row, 'from')} – {_v(row, 'to') or ''}".strip(" –") if _v(row, "to") else f"fra {_v(row, 'from')}"
            )
            node["facts"].append(
                (
                    "Forberedende" if _v(row, "kind") == "forberedende" else "Formelt",
                    f"{period} (sikkerhed: {words.confidence(_v(row, 'conf'))})",
                )
            )
    for row in store.query(pre + "SELECT ?c ?v WHERE { ?c a sg:Sundhedsraad ; sg:composition ?v }"):
        if _v(row, "c") in g:
            g.nodes[_v(row, "c")]["facts"].append(("Sammensætning", _v(row, "v")))
    for row in store.query(
        pre
        + """SELECT DISTINCT ?c ?role ?name ?party ?conf WHERE { ?s a sg:CouncilSeat ; org:organization ?c ;
            org:role ?r ; org:member ?p ; sg:confidence ?cc . ?r skos:notation ?role . FILTER(?role IN ("formand",
            "naestformand"))
            ?p foaf:name ?name . ?cc skos:notation ?conf OPTIONAL { ?s sg:party ?party } } ORDER BY ?c ?role"""
    ):
        if _v(row, "c") in g:
            role = "Formand" if _v(row, "role") == "formand" else "Næstformand"
            party = f", parti {_v(row, 'party')}" if _v(row, "party") else ""
            g.nodes[_v(row, "c")]["facts"].append(
                (role, f"{_v(row, 'name')}{party} (sikkerhed: {words.confidence(_v(row, 'conf'))})")
            )
    for row in store.query(
        pre
        + """SELECT ?c ?task ?role ?conf WHERE { ?c a sg:Sundhedsraad ; sg:competence ?k .
            ?k skos:prefLabel ?task ; sg:councilRole ?r ; sg:confidence ?cc . ?r skos:notation ?role . ?cc
            skos:notation ?conf }
            ORDER BY ?c ?role ?task"""
    ):
        if _v(row, "c") in g:
            what = {"decides": "Beslutter selv", "recommends": "Anbefaler (regionsrådet beslutter)"}.get(
                _v(row, "role"), "Orienteres"
            )
            g.nodes[_v(row, "c")]["facts"].append(
                (what, f"{_v(row, 'task')} (sikkerhed: {words.confidence(_v(row, 'conf'))})")
            )
    councils_of: dict[str, list[str]] = {}
    for row in store.query(
        pre
        + """SELECT DISTINCT ?c ?k ?reading ?primary ?conf WHERE { ?m org:organization ?c ; org:member ?k .
            ?c a sg:Sundhedsraad . ?k a sg:Kommune . ?m sg:confidence ?cc . ?cc skos:notation ?conf
            OPTIONAL { ?m sg:reading ?reading } OPTIONAL { ?m sg:primaryReading ?primary } }"""
    ):
        council, kommune, reading = _v(row, "c"), _v(row, "k"), _v(row, "reading")
        if council not in g or kommune not in g:
            continue
        name = g.nodes[council]["label"]
        if reading:
            g.add_edge(
                council,
                kommune,
                label=f"omstridt: {reading}",
                dashes=True,
                primary=_v(row, "primary") == "true",
                title=f"{g.nodes[kommune]['label']} i {name} ifølge {reading} "
                f"(sikkerhed: {words.confidence(_v(row, 'conf'))})",
            )
            councils_of.setdefault(kommune, []).append(
                f"{name} (omstridt: ifølge {reading}; sikkerhed: {words.confidence(_v(row, 'conf'))})"
            )
        else:
            councils_of.setdefault(kommune, []).append(f"{name} (sikkerhed: {words.confidence(_v(row, 'conf'))})")
    for kommune, names in councils_of.items():
        g.nodes[kommune]["facts"].append(("Sundhedsråd", "; ".join(sorted(names))))
    transitions: dict[str, dict] = {}
    for row in store.query(
        pre
        + """SELECT ?t ?from ?to ?date ?conf ?note ?k ?disputed WHERE { ?t a sg:Transition ;
            org:originalOrganization ?from ; org:resultingOrganization ?to ; dct:date ?date ; sg:confidence ?cc ;
            sg:note ?note ;
            sg:municipality ?k . ?cc skos:notation ?conf BIND(EXISTS { ?t sg:disputedMunicipality ?k } AS ?disputed)
            }"""
    ):
        t = transitions.setdefault(
            _v(row, "t"),
            {
                "from": _v(row, "from"),
                "to": _v(row, "to"),
                "date": _v(row, "date"),
                "confidence": _v(row, "conf"),
                "note": _v(row, "note"),
                "municipalities": set(),
                "disputed": set(),
            },
        )
        t["municipalities"].add(_v(row, "k"))
        if _v(row, "disputed") == "true":
            t["disputed"].add(_v(row, "k"))
    g.graph["transitions"] = sorted(transitions.values(), key=lambda t: (t["from"], t["to"]))


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """The graph's shape without direction, labels or parallel edges (to_undirected copies every edge's data)."""
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from(graph.edges())
    return simple


def _mark_hubs(g: nx.MultiDiGraph) -> None:
    """Forums that connect the most: betweenness centrality over forums, clusters, organisations and people."""
    core = g.subgraph(
        [
            n
            for n, d in g.nodes(data=True)
            if d["type"] in ("forum", "klynge", "organisation", "kommune", "person", "region")
        ]
    )
    simple = _simple(core)
    if simple.number_of_nodes() < 3:
        return
    centrality = nx.betweenness_centrality(simple, k=min(100, simple.number_of_nodes()), seed=7)  # sampled: a ranking
    forums = sorted((c, n) for n, c in centrality.items() if g.nodes[n]["type"] == "forum" and c > 0)
    cut = forums[-max(1, len(forums) // 10)][0] if forums else math.inf
    for c, n in forums:
        g.nodes[n]["centrality"] = round(c, 4)
        if c >= cut:
            g.nodes[n]["hub"] = True
            g.nodes[n]["facts"].append(("Knudepunkt", "et af de mest forbundne fora i netværket"))


# --------------------------------------------------------------------------- views


def _valid(d: dict, at: str) -> bool:
    return (not d.get("valid_from") or d["valid_from"] <= at) and (not d.get("valid_to") or at <= d["valid_to"])


def find(g: nx.MultiDiGraph, name: str, types: tuple[str, ...] | None = None) -> str:
    """A node by IRI, id (kommune/0101) or label (exact, then contained)."""
    if name in g:
        return name
    if re.fullmatch(r"[a-z-]+/[\w./-]+", name) and str(ID[name]) in g:
        return str(ID[name])
    low = name.lower()
    pool = [(n, d) for n, d in g.nodes(data=True) if types is None or d["type"] in types]
    exact = [n for n, d in pool if d["label"].lower() == low]
    if len(exact) == 1:
        return exact[0]
    exact = exact or [n for n, d in pool if low in (a.lower() for a in d.get("aliases", []))]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [n for n, d in pool if low in d["label"].lower()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise MapError(f"intet hedder '{name}'")
    names = "; ".join(sorted(g.nodes[n]["label"] for n in partial)[:8])
    raise MapError(f"'{name}' er flertydigt: {names}")


def structure(g: nx.MultiDiGraph, at: str) -> nx.MultiDiGraph:  # noqa: C901 - one rule per kind of node, in order
    """What existed on `at`: regions, clusters with their levels, forums and kommuner (until 2026-12-31), the
    sundhedsråd with their kommuner (from their first meeting; a disputed kommune with a dashed edge per reading),
    and, for a council whose region does not exist yet, the regional council it answers to (Østdanmark 2026)."""
    keep = {n for n, d in g.nodes(data=True) if d["type"] in ("region", "klynge", "sundhedsraad") and _valid(d, at)}
    for n, d in g.nodes(data=True):
        if d["type"] == "forum" and _valid(d, at) and d.get("level") != "regionsraad":
            parents = [o for _, o, e in g.out_edges(n, data=True) if e["label"] == "del af"]
            if any(g.nodes[p]["type"] == "sundhedsraad" for p in parents):
                continue  # a council's committee forms are the council: its own map shows them
            if any(g.nodes[p]["type"] == "region" for p in parents) and d.get("level") != "regionalt-politisk":
                # of a region's forums the structure shows the political one (SSU, SKU); the region's map the rest
                continue
            if any(p in keep or g.nodes[p]["type"] == "region" and _valid(g.nodes[p], at) for p in parents):
                keep.add(n)
    for k in [n for n in keep if g.nodes[n]["type"] in ("klynge", "sundhedsraad")]:
        for _, o, e in g.out_edges(k, data=True):
            if (e["label"] in ("medlem", "akutsygehus") or e.get("dashes")) and g.nodes[o]["type"] in (
                "kommune",
                "organisation",
            ):
                keep.add(o)
    for c in [n for n in keep if g.nodes[n]["type"] == "sundhedsraad"]:
        parents = [o for _, o, e in g.out_edges(c, data=True) if e["label"] == "del af"]
        if not any(p in keep for p in parents):  # Region Østdanmark before 2027: the preparatory regional council
            keep.update(
                o for _, o, e in g.out_edges(c, data=True) if e["label"] == "rapporterer til" and _valid(g.nodes[o], at)
            )
    view = nx.MultiDiGraph(g.subgraph(keep))
    view.remove_edges_from([(s, o, k) for s, o, k, e in view.edges(keys=True, data=True) if e["label"] == "afløser"])
    # a kommune hangs under its cluster or council; one with neither hangs under its region, or the region it became
    regions = {n for n in keep if g.nodes[n]["type"] == "region"}
    for n in [n for n in view if view.nodes[n]["type"] == "kommune"]:
        placed = any(view.nodes[s]["type"] in ("klynge", "sundhedsraad") for s, _ in view.in_edges(n))
        if placed:
            view.remove_edges_from(
                [(n, o, k) for _, o, k, e in view.out_edges(n, keys=True, data=True) if e["label"] == "i region"]
            )
    for n, d in g.nodes(data=True):
        if d["type"] == "kommune" and n not in view and d.get("region"):
            region = d["region"] if d["region"] in regions else _successor(g, d["region"], regions)
            if region:
                view.add_node(n, **d)
                view.add_edge(n, region, label="i region")
    return view


def _successor(g: nx.MultiDiGraph, region: str, alive: set[str]) -> str | None:
    for candidate in alive:  # the region that says it replaces this one (sg:successorOf), else a later region
        if any(o == region and e["label"] == "afløser" for _, o, e in g.out_edges(candidate, data=True)):
            return candidate
    for candidate in alive:
        if (
            g.nodes[candidate].get("valid_from")
            and g.nodes[region].get("valid_to")
            and g.nodes[candidate]["valid_from"] > g.nodes[region]["valid_to"]
            and (g.nodes[candidate].get("label", "").startswith("Region"))
        ):
            return candidate
    return None


REGION_ORDER = (
    "1081",
    "1082",
    "1083",
    "1085",
    "1084",
    "oestdanmark",
)  # west to east: Østdanmark spans Sjælland and Hovedstaden


def _region_rank(region: str | None) -> int:
    key = (region or "").rsplit("/", 1)[-1]
    return REGION_ORDER.index(key) if key in REGION_ORDER else len(REGION_ORDER)


ROW_BREAKS = ("1085", "oestdanmark")  # the east starts a second row: the country fits the screen, not one long strip
COLUMN = 200.0  # the width of a cluster's (or a council's) column


def structure_positions(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:  # noqa: C901 - one layout, row by row
    """A readable structure: a column per cluster (or, without clusters, per council) with its levels and forums
    under it
    and its kommuner listed below, ordered by region west to east in two rows (the east, which becomes Region
    Østdanmark,
    in the second); each region over its columns; in 2026 the councils under the kommuner they take over, and the
    preparatory regional council of Østdanmark under its councils."""
    kind = {n: view.nodes[n]["type"] for n in view}
    label = {n: view.nodes[n].get("label", n) for n in view}
    clusters = [n for n in view if kind[n] == "klynge"]
    councils = [n for n in view if kind[n] == "sundhedsraad"]
    heads = clusters or councils  # the nodes that own a column
    head_of: dict[str, str] = {}
    for h in heads:
        for _, o, e in view.out_edges(h, data=True):
            if kind[o] in ("kommune", "organisation") and o not in head_of and not e.get("dashes"):
                head_of[o] = h
        for s, _, e in view.in_edges(h, data=True):
            if kind[s] == "forum" and e["label"] == "del af":
                head_of[s] = h
    for h in heads:  # a disputed kommune stands with the council the reference notes follow
        for _, o, e in view.out_edges(h, data=True):
            if kind[o] == "kommune" and e.get("primary"):
                head_of.setdefault(o, h)

    def region_of(n: str) -> str:
        return view.nodes[n].get("region") or ""

    heads.sort(key=lambda h: (_region_rank(region_of(h)), label[h]))
    rows: list[list[str]] = []
    for h in heads:
        key = region_of(h).rsplit("/", 1)[-1]
        if not rows or (
            key in ROW_BREAKS
            and rows[-1]
            and region_of(rows[-1][-1]) != region_of(h)
            and not any(region_of(x).rsplit("/", 1)[-1] in ROW_BREAKS for x in rows[-1])
        ):
            rows.append([])
        rows[-1].append(h)
    pos: dict[str, tuple[float, float]] = {}
    column_x: dict[str, float] = {}
    row_of_head: dict[str, int] = {}
    y0 = 0.0
    row_tops: list[float] = []
    for r, row in enumerate(rows):
        row_tops.append(y0)
        forums_max = max((sum(1 for n, o in head_of.items() if o == h and kind[n] == "forum") for h in row), default=0)
        for i, h in enumerate(row):
            x = i * COLUMN
            column_x[h], row_of_head[h] = x, r
            pos[h] = (x, y0 + 150)
            forums = sorted(
                (n for n, o in head_of.items() if o == h and kind[n] == "forum"),
                key=lambda n: (LEVEL_LAYER.get(view.nodes[n].get("level"), 4), label[n]),
            )
            for j, f in enumerate(forums):
                pos[f] = (x, y0 + 250 + j * 62)
            members = sorted(
                (n for n, o in head_of.items() if o == h and kind[n] in ("kommune", "organisation")),
                key=lambda n: (kind[n] != "kommune", label[n]),
            )
            top = y0 + 250 + forums_max * 62 + 20
            for j, m in enumerate(members):
                pos[m] = (x, top + j * 54)
        bottom = max(y for n, (_, y) in pos.items() if n in head_of or n in row) + 150
        if clusters and councils:  # 2026: the councils under the kommuner they take over, spread so none overlap
            mine = []
            for c in councils:
                xs = [
                    pos[o]
                    for _, o, e in view.out_edges(c, data=True)
                    if o in pos and kind[o] == "kommune" and not e.get("dashes")
                ]
                if xs and sum(1 for _, y in xs if y >= y0) * 2 > len(xs):
                    mine.append((sum(x for x, _ in xs) / len(xs), label[c], c))
            last = -math.inf
            for cx, _, c in sorted(mine):
                cx = max(cx, last + COLUMN)
                pos[c] = (cx, bottom)
                last = cx
            if mine:
                bottom += 170
            # what a council in this row answers to when its region does not exist yet (the preparatory regional
            # council)
            stand_ins = sorted(
                {
                    o
                    for _, _, c in mine
                    for _, o, e in view.out_edges(c, data=True)
                    if e["label"] == "rapporterer til" and o not in pos
                }
            )
            for j, s in enumerate(stand_ins):
                below = [pos[c][0] for c, _ in view.in_edges(s) if c in pos]
                pos[s] = (sum(below) / len(below) if below else 0.0, bottom + j * 70)
            bottom += 70 * len(stand_ins)
        y0 = bottom + 200
    # regions over their columns (a region without a column of its own: over the columns of its kommuner), their
    # forums beside
    for reg in sorted((n for n in view if kind[n] == "region"), key=_region_rank):
        own = [h for h in heads if region_of(h) == reg]
        if not own:
            own = [h for h in heads if any(region_of(m) == reg for m, o in head_of.items() if o == h)]
        columns = [column_x[h] for h in own] or [0.0]
        top = row_tops[row_of_head[own[0]]] if own else (max((y for _, y in pos.values()), default=0.0) + 300)
        pos[reg] = ((min(columns) + max(columns)) / 2, top)
        regional = sorted(
            s
            for s, _, e in view.in_edges(reg, data=True)
            if kind[s] == "forum" and e["label"] == "del af" and s not in pos
        )
        for j, f in enumerate(regional):
            pos[f] = ((min(columns) + max(columns)) / 2 + 330, top + 40 + j * 60)
    rest = sorted((n for n in view if n not in pos), key=lambda n: (kind[n], label[n]))
    low = max((y for _, y in pos.values()), default=0.0) + 200
    for i, n in enumerate(rest):  # whatever is left (a kommune with neither cluster nor council): a row at the bottom
        pos[n] = (i * COLUMN, low)
    return pos


# --------------------------------------------------------------------------- the structure as a readable tree

# Arial's advance widths (per 1000 units of the font size): vis-network draws labels in arial (Liberation Sans on Linux,
# the same metrics), so a layout can know how wide a label is before the browser draws it.
_WIDTHS = {
    **{c: 556 for c in "abdeghnopqu0123456789åøöüé"},
    **{c: 500 for c in "cksvxyzJ"},
    "f": 278,
    "i": 222,
    "j": 222,
    "l": 222,
    "m": 833,
    "r": 333,
    "t": 278,
    "w": 722,
    "æ": 889,
    " ": 278,
    "-": 333,
    ".": 278,
    ",": 278,
    "(": 333,
    ")": 333,
    "/": 278,
    ":": 278,
    "'": 191,
    "–": 556,
    "&": 667,
    **{c: 667 for c in "ABEKPSVXYÅ"},
    **{c: 722 for c in "CDHNRUw"},
    **{c: 778 for c in "GOQØ"},
    "F": 611,
    "T": 611,
    "Z": 611,
    "I": 278,
    "L": 556,
    "M": 833,
    "W": 944,
    "Æ": 1000,
}


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(_WIDTHS.get(c, 556) for c in text) * size / 1000 * (1.08 if bold else 1.0)


def wrap_lines(text: str, size: float, limit: float) -> list[str]:
    """Greedy word wrap, as vis-network wraps a label with widthConstraint.maximum."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


COMPACT_FONTS = {"region": 15, "klynge": 13, "sundhedsraad": 13, "kommune": 13}
# the opening tree of the structure: every label in a box of its colour, one line a kommune
COMPACT_STYLES: dict[str, dict[str, Any]] = {
    "region": {
        "shape": "box",
        "margin": 6,
        "color": {"background": "#1f4e79", "border": "#12324f"},
        "font": {"color": "#ffffff", "size": 15, "bold": True},
        "shapeLabel": "mørkeblå firkant",
    },
    "klynge": {
        "shape": "box",
        "margin": 4,
        "color": {"background": "#2e86c1", "border": "#1b5e88"},
        "font": {"color": "#ffffff", "size": 13},
        "shapeLabel": "blå firkant",
    },
    "sundhedsraad": {
        "shape": "box",
        "margin": 4,
        "color": {"background": "#117a65", "border": "#0b5345"},
        "font": {"color": "#ffffff", "size": 13},
        "shapeLabel": "grøn firkant",
    },
    "kommune": {
        "shape": "box",
        "margin": 2,
        "color": {"background": "#d5f5e3", "border": "#239b56"},
        "font": {"size": 13},
        "shapeLabel": "lysegrøn firkant",
    },
}
TARGET = (1060.0, 880.0)  # the map's area in a 1400 x 900 window, in pixels
K_STEP = 20.0  # one kommune per line
GAP = 12.0  # between columns


def _box(label: str, kind: str, limit: float | None = None) -> tuple[float, float, int]:
    """(width, height, lines) of a compact box: the label at its size, wrapped at `limit`, plus the box's margins."""
    style = COMPACT_STYLES[kind]
    size, margin = style["font"]["size"], style["margin"]
    lines = wrap_lines(label, size, limit) if limit else [label]
    width = max(text_width(line, size, style["font"].get("bold", False)) for line in lines)
    return width + 2 * margin + 2, len(lines) * size * 1.15 + 2 * margin + 2, len(lines)


def _compact_heads(view: nx.MultiDiGraph) -> dict[str, str]:
    """kommune -> the node it stands under: its cluster (or, without clusters, its council; a disputed kommune with the
    council the reference notes follow), else its region."""
    kind = {n: view.nodes[n]["type"] for n in view}
    heads = [n for n in view if kind[n] == "klynge"] or [n for n in view if kind[n] == "sundhedsraad"]
    head_of: dict[str, str] = {}
    for primary_only in (False, True):
        for h in heads:
            for _, o, e in view.out_edges(h, data=True):
                if kind[o] == "kommune" and (e.get("primary") if primary_only else not e.get("dashes")):
                    head_of.setdefault(o, h)
    for k in [n for n in view if kind[n] == "kommune" and n not in head_of]:  # a kommune with neither: under its region
        region = next((o for _, o in view.out_edges(k) if kind[o] == "region"), None)
        if region:
            head_of[k] = region
    for h in heads:
        head_of.setdefault(h, h)  # a head without kommuner still has its column
    return head_of


def _compact_blocks(view: nx.MultiDiGraph, head_of: dict[str, str]) -> list[dict]:
    """A block per region, west to east, of columns: a head over its kommuner (a long list in columns of ten)."""
    kind = {n: view.nodes[n]["type"] for n in view}
    label = {n: view.nodes[n].get("label", n) for n in view}

    def region_of(h: str) -> str:
        return h if kind[h] == "region" else (view.nodes[h].get("region") or "")

    blocks: list[dict] = []
    for h in sorted(set(head_of.values()), key=lambda h: (_region_rank(region_of(h)), label[h])):
        members = sorted((k for k, o in head_of.items() if o == h and k != h), key=lambda k: label[k])
        parts = [members[i : i + 10] for i in range(0, len(members), 10)] or [[]]
        widest = max((_box(label[k], "kommune")[0] for k in members), default=0.0)
        own = kind[h] != "region"
        limit = max(112.0, widest - 10) if own else max(150.0, widest)
        hw, hh, _ = _box(label[h], kind[h] if kind[h] in COMPACT_STYLES else "klynge", limit) if own else (0.0, 0.0, 0)
        sub = max(widest, 60.0)
        column = {"head": h, "parts": parts, "sub": sub, "head_h": hh, "limit": limit, "own": own,
                  "width": max(hw, sub * len(parts) + GAP * (len(parts) - 1))}  # fmt: skip
        if not blocks or blocks[-1]["region"] != region_of(h):
            blocks.append({"region": region_of(h), "columns": []})
        blocks[-1]["columns"].append(column)
    for b in blocks:
        b["inner"] = sum(c["width"] for c in b["columns"]) + GAP * (len(b["columns"]) - 1)
        b["width"] = max(b["inner"], _box(label[b["region"]], "region", 400)[0] if b["region"] in view else 0.0)
        b["rows"] = max((len(p) for c in b["columns"] for p in c["parts"]), default=0)
        b["head_h"] = max((c["head_h"] for c in b["columns"]), default=0.0)
    return blocks


def _row_width(row: list[dict]) -> float:
    return sum(b["width"] for b in row) + 26 * (len(row) - 1)


def _row_height(row: list[dict], council_h: float) -> float:
    heads_h = max(b["head_h"] for b in row)
    return (
        30
        + (heads_h + 8 if heads_h else 0)
        + max(b["rows"] for b in row) * K_STEP
        + (18 + council_h) * bool(council_h)
        + 30
    )


def _compact_rows(blocks: list[dict], council_h: float) -> list[list[dict]]:
    """The regions (west to east) cut into rows so the whole country is read at the largest scale, fewest rows first."""
    best: tuple | None = None
    for mask in range(1 << max(0, len(blocks) - 1)):  # every way to cut the line of regions
        rows: list[list[dict]] = []
        for i, block in enumerate(blocks):
            if i == 0 or mask >> (i - 1) & 1:
                rows.append([])
            rows[-1].append(block)
        width = max((_row_width(r) for r in rows), default=1.0)
        height = sum(_row_height(r, council_h) for r in rows) or 1.0
        key = (round(min(TARGET[0] / width, TARGET[1] / height, 1.0), 3), -len(rows))
        if best is None or key > best[0]:
            best = (key, rows)
    return best[1] if best else []


def _spread(items: list[list], widths: dict[str, float], left: float, right: float, gap: float = 8.0) -> None:
    """[[x, node], …] sorted by x: pushed apart so no two overlap, and kept between left and right."""
    for i, item in enumerate(items):
        half = widths[item[1]] / 2
        item[0] = max(
            item[0], left + half, items[i - 1][0] + widths[items[i - 1][1]] / 2 + half + gap if i else -math.inf
        )
    for i in range(len(items) - 1, -1, -1):
        half = widths[items[i][1]] / 2
        limit = right - half if i == len(items) - 1 else items[i + 1][0] - widths[items[i + 1][1]] / 2 - half - gap
        items[i][0] = min(items[i][0], limit)


def structure_compact(view: nx.MultiDiGraph) -> dict[str, tuple[float, float, float]]:
    """The opening tree of the structure on one date: regions over their clusters (or, without clusters, councils), each
    head's kommuner listed under it, one line each; in 2026 the councils under the kommuner they take over. Regions
    wrap into rows chosen so the whole country fits a laptop's window at a scale where every label is at least 11 px.
    Forums and hospitals are left out (they show with 'vis alle' or on a cluster's own map). Returns node -> (x, y,
    the box's width limit)."""
    kind = {n: view.nodes[n]["type"] for n in view}
    label = {n: view.nodes[n].get("label", n) for n in view}
    clusters = [n for n in view if kind[n] == "klynge"]
    councils = [n for n in view if kind[n] == "sundhedsraad"] if clusters else []  # 2026: councils under the kommuner
    blocks = _compact_blocks(view, _compact_heads(view))
    council_w = {c: _box(label[c], "sundhedsraad", 120.0)[0] for c in councils}
    council_h = max((_box(label[c], "sundhedsraad", 120.0)[1] for c in councils), default=0.0)
    pos: dict[str, tuple[float, float, float]] = {}
    y0 = 0.0
    for row in _compact_rows(blocks, council_h):
        heads_h = max(b["head_h"] for b in row)
        x = -_row_width(row) / 2
        kommune_top = y0 + 30 + (heads_h + 8 if heads_h else 0)
        for b in row:
            if b["region"] in view:
                pos[b["region"]] = (x + b["width"] / 2, y0 + 10, 400.0)
            cx = x + (b["width"] - b["inner"]) / 2
            for c in b["columns"]:
                if c["own"]:
                    pos[c["head"]] = (cx + c["width"] / 2, y0 + 30 + heads_h / 2, c["limit"])
                sub_x = cx + (c["width"] - (c["sub"] * len(c["parts"]) + GAP * (len(c["parts"]) - 1))) / 2
                for p, part in enumerate(c["parts"]):
                    for j, k in enumerate(part):
                        pos[k] = (sub_x + p * (c["sub"] + GAP) + c["sub"] / 2, kommune_top + (j + 0.5) * K_STEP, 400.0)
                cx += c["width"] + GAP
            x += b["width"] + 26
        bottom = kommune_top + max(b["rows"] for b in row) * K_STEP
        mine = []  # the councils whose kommuner are mostly in this row, under the middle of them
        for c in councils:
            at = [
                pos[o]
                for _, o, e in view.out_edges(c, data=True)
                if o in pos and kind[o] == "kommune" and not e.get("dashes")
            ]
            if at and sum(1 for _, y, _ in at if y >= y0) * 2 > len(at):
                mine.append([sum(x for x, _, _ in at) / len(at), c])
        mine.sort()
        _spread(mine, council_w, -_row_width(row) / 2, _row_width(row) / 2)
        for cx, c in mine:
            pos[c] = (cx, bottom + 18 + council_h / 2, 120.0)
        y0 = bottom + (18 + council_h if councils else 0) + 30
    for c in councils:  # a council no row claimed (none of its kommuner in view): at the bottom
        pos.setdefault(c, (0.0, y0 + council_h / 2, 120.0))
    return pos


def _next_day(day: str) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() + 1).isoformat()


def _previous_day(day: str) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() - 1).isoformat()


def dated_structure(g: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, list[dict]]:
    """The structure at every date at once: the union of every period's structure, and the periods (from, to, the
    graph of that period, its layout). A period changes wherever something starts or ends; periods with the same
    picture are one. The page shows the period of the date the reader picks (default: the reader's today)."""
    found: set[str] = set()
    for _, d in g.nodes(data=True):
        if d["type"] in ("region", "klynge", "sundhedsraad", "forum"):
            if d.get("valid_from"):
                found.add(d["valid_from"])
            if d.get("valid_to"):
                found.add(_next_day(d["valid_to"]))
    starts = sorted(found)
    probes = ([_previous_day(starts[0])] if starts else ["2000-01-01"]) + starts
    periods: list[dict] = []
    for i, probe in enumerate(probes):
        view = structure(g, probe)
        key = (frozenset(view.nodes), frozenset((s, o, e.get("label")) for s, o, e in view.edges(data=True)))
        until = _previous_day(probes[i + 1]) if i + 1 < len(probes) else None
        if periods and periods[-1]["key"] == key:
            periods[-1]["to"] = until
            continue
        periods.append({"from": None if i == 0 else probe, "to": until, "graph": view, "key": key})
    union = nx.MultiDiGraph()
    for period in periods:
        view = period.pop("graph")
        period.pop("key")
        union.add_nodes_from(view.nodes(data=True))
        for s, o, e in view.edges(data=True):
            if not any(e2.get("label") == e.get("label") for e2 in union.get_edge_data(s, o, default={}).values()):
                # the lines of a column lie on top of each other: their labels would too; the tooltip names them
                union.add_edge(s, o, **e, quiet=e.get("label") in ("medlem", "del af", "i region", "akutsygehus"))
        period["nodes"] = set(view.nodes)
        period["edges"] = {(s, o, e.get("label")) for s, o, e in view.edges(data=True)}
        period["pos"] = structure_positions(view)
        period["compact"] = structure_compact(view)
    return union, periods


def period_on(periods: list[dict], at: str) -> dict:
    return next(p for p in periods if (p["from"] is None or p["from"] <= at) and (p["to"] is None or at <= p["to"]))


def neighbourhood(
    g: nx.MultiDiGraph, centre: str, radius: int = 2, limit_types: tuple[str, ...] | None = None
) -> nx.MultiDiGraph:
    undirected = g.to_undirected(as_view=True)
    nodes = set(nx.single_source_shortest_path_length(undirected, centre, cutoff=radius))
    if limit_types:
        nodes = {n for n in nodes if g.nodes[n]["type"] in limit_types or n == centre}
    return nx.MultiDiGraph(g.subgraph(nodes))


MAP_MEETINGS = 8  # meetings a forum's map shows one by one (the page lists more); older ones are one node


def forum_view(g: nx.MultiDiGraph, forum: str) -> nx.MultiDiGraph:
    """Onboarding: the forum, its cluster, the levels above and below, members (with their attendance) and their
    organisations, its newest meetings with the decisions taken at each (labelled by agenda item and date) and the
    initiatives and money they concern. Older meetings and decisions are one node each."""
    keep = {forum}
    frontier = [forum]
    for _ in range(6):  # the chain above
        nxt = [
            o for n in frontier for _, o, e in g.out_edges(n, data=True) if e["label"] in ("rapporterer til", "del af")
        ]
        nxt = [o for o in nxt if o not in keep]
        keep.update(nxt)
        frontier = nxt
        if not nxt:
            break
    keep.update(
        s
        for s, _, e in g.in_edges(forum, data=True)
        if e["label"] in ("rapporterer til", "del af", "holdt af", "besluttet af")
    )
    older = {"meeting": _older(g, keep, "meeting", MAP_MEETINGS)}
    keep -= older["meeting"]
    meetings = {n for n in keep if g.nodes[n]["type"] == "meeting"}
    of_meeting = {d for m in meetings for _, d, e in g.out_edges(m, data=True) if e["label"] == "besluttede"}
    loose = {n for n in keep if g.nodes[n]["type"] == "decision"} - of_meeting
    older["decision"] = {n for n in keep if g.nodes[n]["type"] == "decision" and n not in of_meeting} - set(
        sorted(loose, key=lambda n: (g.nodes[n].get("date") or "", n))[-RECENT:]
    )
    keep -= older["decision"]
    kept_dates = [g.nodes[n]["date"] for n in meetings if g.nodes[n].get("date")]
    since = min(kept_dates) if older["meeting"] and kept_dates else None
    for s, _, e in g.in_edges(forum, data=True):
        if g.nodes[s]["type"] == "person" and (since is None or (e.get("last") or since) >= since):
            keep.add(s)
            keep.update(o for _, o, e2 in g.out_edges(s, data=True) if e2["label"] == "repræsenterer")
    for d in [n for n in keep if g.nodes[n]["type"] == "decision"]:
        keep.update(
            o
            for _, o, e in g.out_edges(d, data=True)
            if e["label"] in ("vedrører", "bevilger", "nedsætter", "nedlægger")
        )
    view = nx.MultiDiGraph(g.subgraph(keep))
    # a decision hangs on the meeting that took it, not on the forum as well: the forum's neighbours stay few
    view.remove_edges_from(
        [
            (d, f, k)
            for d, f, k, e in list(view.edges(keys=True, data=True))
            if f == forum and e["label"] == "besluttet af" and d in of_meeting
        ]
    )
    for s, o, k, e in list(view.edges(keys=True, data=True)):
        if e["label"] in ("holdt af", "besluttede"):
            view.edges[s, o, k]["quiet"] = True
    _attendance(g, view, forum, meetings)
    for m in meetings:  # on the forum's own map a meeting is its date
        if view.nodes[m].get("date"):
            view.nodes[m]["label"] = f"Møde {words.day(view.nodes[m]['date'])}"
    for kind, nodes in older.items():
        if nodes:
            dates = sorted(g.nodes[n]["date"] for n in nodes if g.nodes[n].get("date"))
            name = {"meeting": "møder", "decision": "beslutninger"}[kind]
            gid = f"{forum}#gruppe-aeldre-{kind}"
            span = f" ({words.day(dates[0])} – {words.day(dates[-1])})" if dates else ""
            shown = MAP_MEETINGS if kind == "meeting" else RECENT
            view.add_node(
                gid,
                type="group",
                label=f"{len(nodes)} ældre {name}",
                date=dates[-1] if dates else None,
                facts=[
                    (
                        "Samlet",
                        f"{len(nodes)} {name}{span}; de {shown} nyeste vises hver for sig, "
                        "og forummets side lister flere",
                    )
                ],
            )
            view.add_edge(gid, forum, label="holdt af" if kind == "meeting" else "besluttet af", quiet=True)
    return view


def _attendance(g: nx.MultiDiGraph, view: nx.MultiDiGraph, forum: str, meetings: set[str]) -> None:
    """Each member's attendance over the meetings on the map, as a fact, on the line to the forum, and as a dashed
    border for someone who sent apologies to the newest meeting they were listed for."""
    attendance = g.graph.get("attendance", {})
    ordered = sorted(meetings, key=lambda m: (g.nodes[m].get("date") or "", m))
    for p in [n for n in view if view.nodes[n]["type"] == "person"]:
        marks = [(m, attendance.get(m, {}).get(p)) for m in ordered]
        marks = [(m, here) for m, here in marks if here is not None]
        if not marks:
            continue
        came = sum(1 for _, here in marks if here)
        text = f"deltog i {came} af {len(marks)} møde{'r' if len(marks) != 1 else ''}" + (
            f"; afbud {len(marks) - came}" if came < len(marks) else ""
        )
        node = view.nodes[p]
        node["facts"] = list(node.get("facts", [])) + [("Fremmøde", text)]
        if not marks[-1][1]:
            node["absent"] = True
            node["facts"].append(("Seneste møde", f"afbud ({words.day(g.nodes[marks[-1][0]].get('date'))})"))
        for s, o, k, e in list(view.out_edges(p, keys=True, data=True)):
            if o == forum:
                view.edges[s, o, k]["title"] = f"{e['label'].capitalize()}: {text}"


def _place_above(view: nx.MultiDiGraph, forum: str, pos: dict[str, tuple[float, float]]) -> None:
    """What the forum is part of and reports to, a row per step up."""
    kind = {n: view.nodes[n]["type"] for n in view}
    label = {n: view.nodes[n].get("label", n) for n in view}
    depth = {forum: 0}
    frontier = [forum]
    while frontier:  # the chain above, a row per step
        nxt = []
        for n in frontier:
            for _, o, e in view.out_edges(n, data=True):
                if e["label"] in ("rapporterer til", "del af", "i region") and o not in depth:
                    depth[o] = depth[n] + 1
                    nxt.append(o)
        frontier = nxt
    for d in range(1, max(depth.values()) + 1):
        row = sorted((n for n, k in depth.items() if k == d), key=lambda n: (kind[n] != "forum", label[n]))
        for i, n in enumerate(row):
            pos[n] = ((i - (len(row) - 1) / 2) * 330.0, -120.0 * d)


def forum_positions(view: nx.MultiDiGraph, forum: str) -> dict[str, tuple[float, float]]:
    """A forum's map, made to be read at scale 1: the forum in the middle, what it is part of and reports to above,
    the forums under it below, its members in columns to the left (their organisations further left), its meetings
    to the right, newest first, each meeting's decisions beside it and what those concern further right."""
    kind = {n: view.nodes[n]["type"] for n in view}
    label = {n: view.nodes[n].get("label", n) for n in view}
    pos: dict[str, tuple[float, float]] = {forum: (0.0, 0.0)}
    _place_above(view, forum, pos)
    below = sorted(
        (
            s
            for s, _, e in view.in_edges(forum, data=True)
            if kind[s] == "forum" and e["label"] in ("rapporterer til", "del af") and s not in pos
        ),
        key=lambda n: label[n],
    )
    for i, n in enumerate(below):
        row, col = divmod(i, 3)
        pos[n] = ((col - min(2, len(below) - 1) / 2) * 240.0, 150.0 + row * 80)

    def height(n: str) -> float:  # a dot-like node: the shape and its label under it, wrapped at the map's width
        return 24 + len(wrap_lines(label[n], MAP_FONT, 172.0)) * MAP_FONT + 10

    people = sorted(
        (s for s, _ in view.in_edges(forum) if kind[s] == "person"),
        key=lambda n: (bool(view.nodes[n].get("absent")), label[n]),
    )
    per_column = max(16, math.ceil(len(people) / 3))
    columns = [people[i : i + per_column] for i in range(0, len(people), per_column)]
    for c, column in enumerate(columns):
        y = -sum(height(n) for n in column) / 2
        for n in column:
            pos[n] = (-450.0 - c * 210, y)
            y += height(n)
    organisations = sorted(
        {o for p in people for _, o, e in view.out_edges(p, data=True) if o not in pos},
        key=lambda o: min(pos[p][1] for p in people if view.has_edge(p, o)),
    )
    left = min((x for x, _ in (pos[p] for p in people)), default=-470.0) - 240
    for i, o in enumerate(organisations):
        pos[o] = (left - (i % 2) * 220, (i - (len(organisations) - 1) / 2) * 50)
    meetings = sorted(
        (s for s, _ in view.in_edges(forum) if kind[s] in ("meeting", "group") and s not in pos),
        key=lambda n: (kind[n] == "group", view.nodes[n].get("date") or ""),
        reverse=False,
    )
    meetings = [m for m in meetings if kind[m] == "meeting"][::-1] + [m for m in meetings if kind[m] == "group"]
    y = -sum(height(m) + 8 for m in meetings) / 2
    for m in meetings:
        pos[m] = (380.0, y)
        y += height(m) + 8
    cursor = -math.inf
    for m in meetings:  # each meeting's decisions in a column beside it, one under the other
        decisions = sorted((o for _, o, e in view.out_edges(m, data=True) if kind[o] == "decision"), key=_item_order)
        y = max(pos[m][1], cursor)
        for d in decisions:
            pos[d] = (720.0, y)
            y += height(d)
        cursor = y + 16
    loose = sorted(
        (n for n in view if kind[n] == "decision" and n not in pos), key=lambda n: (view.nodes[n].get("date") or "", n)
    )
    for d in loose:
        pos[d] = (720.0, cursor if cursor > -math.inf else 0.0)
        cursor = pos[d][1] + height(d)
    rest = sorted((n for n in view if n not in pos), key=lambda n: (kind[n], label[n]))
    used: dict[float, float] = {}
    for n in rest:  # initiatives, money and recipients: beside the first decision that names them
        anchors = [pos[a][1] for a in nx.all_neighbors(view, n) if a in pos and kind[a] in ("decision", "allocation")]
        x = 1020.0 if kind[n] != "organisation" else 1300.0
        y = max(min(anchors) if anchors else 0.0, used.get(x, -math.inf))
        pos[n] = (x, y)
        used[x] = y + height(n) + 10
    return pos


def _item_order(node: str) -> tuple:
    """decision/<doc>/<item>/<k>: in the order of the agenda (numbers as numbers)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in node.rsplit("/", 2)[-2:])


def _older(g: nx.MultiDiGraph, nodes: set[str], kind: str, recent: int) -> set[str]:
    """All but the `recent` newest nodes of one type (by date)."""
    of_kind = sorted((n for n in nodes if g.nodes[n]["type"] == kind), key=lambda n: (g.nodes[n].get("date") or "", n))
    return set(of_kind[:-recent]) if len(of_kind) > recent else set()


def decisions_view(g: nx.MultiDiGraph, focus: str | None = None) -> nx.MultiDiGraph:
    """Who decides what: forums, their decisions (coloured by outcome), the initiatives, money and recipients."""
    forums = [focus] if focus else [n for n, d in g.nodes(data=True) if d["type"] == "forum"]
    keep = set()
    for f in forums:
        decisions = [s for s, _, e in g.in_edges(f, data=True) if e["label"] == "besluttet af"]
        if decisions:
            keep.add(f)
            keep.update(decisions)
    for d in [n for n in keep if g.nodes[n]["type"] == "decision"]:
        for _, o, e in g.out_edges(d, data=True):
            if e["label"] in ("vedrører", "bevilger", "nedsætter", "nedlægger"):
                keep.add(o)
                if e["label"] == "bevilger":
                    keep.update(o2 for _, o2, e2 in g.out_edges(o, data=True) if e2["label"] == "til")
    # the route: forums that recommend to the kept forums, and the forums they recommend to
    for f in [n for n in keep if g.nodes[n]["type"] == "forum"]:
        keep.update(s for s, _, e in g.in_edges(f, data=True) if e["label"].startswith("anbefaler til"))
        keep.update(o for _, o, e in g.out_edges(f, data=True) if e["label"].startswith("anbefaler til"))
    return nx.MultiDiGraph(g.subgraph(keep))


def organisation_view(g: nx.MultiDiGraph, organisation: str) -> nx.MultiDiGraph:
    """Where one organisation sits and what concerns it."""
    keep = {organisation}
    for s, _ in g.in_edges(organisation):
        keep.add(s)
        if g.nodes[s]["type"] == "klynge":
            keep.update(f for f, _, e2 in g.in_edges(s, data=True) if e2["label"] == "del af")
        if g.nodes[s]["type"] == "person":
            keep.update(o for _, o, e2 in g.out_edges(s, data=True) if g.nodes[o]["type"] == "forum")
        if g.nodes[s]["type"] == "allocation":
            keep.update(d for d, _, e2 in g.in_edges(s, data=True))
    keep.update(o for _, o, e in g.out_edges(organisation, data=True))
    return nx.MultiDiGraph(g.subgraph(keep))


def path_view(g: nx.MultiDiGraph, a: str, b: str) -> tuple[list[str], nx.MultiDiGraph]:
    """The shortest connection between two nodes (ignoring direction), and the map of it."""
    try:
        nodes = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath as exc:
        raise MapError(f"'{g.nodes[a]['label']}' og '{g.nodes[b]['label']}' er ikke forbundet") from exc
    return nodes, nx.MultiDiGraph(g.subgraph(nodes))


def aggregate(view: nx.MultiDiGraph, limit: int = MAX_NODES) -> nx.MultiDiGraph:
    """Collapse leaf decisions, people, meetings and allocations per neighbour when a view is too big to read."""
    if view.number_of_nodes() <= limit:
        return view
    out = nx.MultiDiGraph(view)
    for kind in ("person", "allocation", "decision", "meeting"):
        groups: dict[tuple, list[str]] = {}
        for n, d in list(out.nodes(data=True)):
            if d["type"] != kind:
                continue
            anchors = sorted({o for _, o in out.out_edges(n)} | {s for s, _ in out.in_edges(n)})
            anchor = next(
                (x for x in anchors if out.nodes[x]["type"] in ("forum", "klynge", "organisation", "kommune")), None
            )
            key = (anchor, d.get("outcome"))
            groups.setdefault(key, []).append(n)
        for (anchor, outcome), members in groups.items():
            if len(members) < 3 or anchor is None:
                continue
            label = f"{len(members)} × {TYPES[kind][0].lower()}" + (
                f": {concept_label(concept_keys('OutcomeScheme')[outcome])}" if outcome else ""
            )
            gid = f"{anchor}#gruppe-{kind}-{outcome or 'alle'}"
            dates = sorted(out.nodes[m].get("date") or "" for m in members)
            out.add_node(
                gid,
                type="group",
                label=label,
                facts=[("Samlet", f"{len(members)} {TYPES[kind][0].lower()}")],
                outcome=outcome,
                date=dates[-1] or None,
            )
            out.add_edge(gid, anchor, label="")
            out.remove_nodes_from(members)
        if out.number_of_nodes() <= limit:
            break
    return out


# --------------------------------------------------------------------------- layout and rendering


def hierarchical_positions(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Layers top-down (regions, clusters, political, professional, other forums, members), each ordered under its
    parents."""

    def layer(n: str) -> int:
        d = view.nodes[n]
        if d["type"] == "region":
            return 0
        if d["type"] in ("klynge", "sundhedsraad"):
            return 1
        if d["type"] == "forum":
            return LEVEL_LAYER.get(d.get("level"), 4)
        return 5

    layers: dict[int, list[str]] = {}
    for n in sorted(view.nodes, key=lambda n: view.nodes[n]["label"]):
        layers.setdefault(layer(n), []).append(n)
    position: dict[str, float] = {}
    pos: dict[str, tuple[float, float]] = {}
    columns = 4  # members sit in a small grid under their cluster, not on one endless row
    for depth in sorted(layers):
        members = layers[depth]

        def anchor(n: str) -> float:
            near = [position[m] for m in nx.all_neighbors(view, n) if m in position]
            return sum(near) / len(near) if near else 1e9

        members.sort(key=lambda n: (anchor(n), view.nodes[n]["label"]))
        if depth < 5 or not position:
            spacing = 240
            width = (len(members) - 1) * spacing
            for i, n in enumerate(members):
                position[n] = i * spacing - width / 2
                pos[n] = (position[n], depth * 120)
            continue
        groups: dict[float, list[str]] = {}
        for n in members:
            near = [
                position[m] for m in nx.all_neighbors(view, n) if m in position and view.nodes[m]["type"] == "klynge"
            ]
            groups.setdefault(near[0] if near else anchor(n), []).append(n)
        for centre, group in groups.items():
            centre = centre if centre < 1e8 else max(position.values()) + 300
            for i, n in enumerate(group):
                row, col = divmod(i, columns)
                x = centre + (col - (min(columns, len(group)) - 1) / 2) * 135
                position[n] = x
                pos[n] = (x, depth * 120 + row * 50)
    return pos


ANCHOR_LAYOUT_ABOVE = 800  # a spring layout of every node grows ~quadratically; above this, lay out the hubs only


def anchored_positions(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Large views: a spring layout of the hubs (forums, clusters, regions), every other node on a
    sunflower spiral around the hub it hangs on. Linear in the number of nodes."""
    simple = _simple(view)
    hubs = {n for n in simple if view.nodes[n]["type"] in ("region", "klynge", "forum", "group")}
    if len(hubs) < 2:
        ranked = sorted(simple.degree, key=lambda x: -x[1])
        hubs = {n for n, _ in ranked[: max(2, len(ranked) // 20)]}
    hub_graph = nx.Graph()
    hub_graph.add_nodes_from(hubs)
    owner: dict[str, str] = {}
    for n in simple:
        if n in hubs:
            hub_graph.add_edges_from((n, m) for m in simple[n] if m in hubs)
            continue
        near = sorted((m for m in simple[n] if m in hubs), key=lambda m: -simple.degree(m))
        if near:
            owner[n] = near[0]
            hub_graph.add_edges_from(zip(near, near[1:], strict=False))
    members: dict[str, list[str]] = {}
    for n, hub in owner.items():
        members.setdefault(hub, []).append(n)
    spread = 60 * math.sqrt(max(len(v) for v in members.values())) if members else 100
    layout = nx.spring_layout(hub_graph, seed=7, iterations=30)
    scale = spread * math.sqrt(len(hubs)) * 1.5
    pos = {h: (float(x) * scale, float(y) * scale) for h, (x, y) in layout.items()}
    golden = math.pi * (3 - math.sqrt(5))
    for hub, nodes in members.items():
        hx, hy = pos[hub]
        for k, n in enumerate(sorted(nodes), start=1):
            radius = 40 + 22 * math.sqrt(k)
            pos[n] = (hx + radius * math.cos(k * golden), hy + radius * math.sin(k * golden))
    rest = [n for n in simple if n not in pos]
    width = int(math.sqrt(len(rest))) + 1
    left = min((x for x, _ in pos.values()), default=0) - 400
    for i, n in enumerate(rest):
        pos[n] = (left - (i % width) * 60, (i // width) * 60)
    return pos


def spring_positions(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    simple = _simple(view)
    if simple.number_of_nodes() == 0:
        return {}
    if simple.number_of_nodes() > ANCHOR_LAYOUT_ABOVE:
        return anchored_positions(view)
    layout = nx.spring_layout(simple, seed=7, k=2 / math.sqrt(max(1, simple.number_of_nodes())), iterations=40)
    scale = 120 * math.sqrt(simple.number_of_nodes())
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in layout.items()}


@dataclass
class View:
    id: str
    label: str
    graph: nx.MultiDiGraph
    hierarchical: bool = False
    intro: str = ""
    store: GraphStore | None = None  # where the quotes for its nodes are fetched
    # a view of a date: the periods of dated_structure(); the page shows the one of the reader's date
    periods: list[dict] | None = None
    default_date: str | None = None  # None: the reader's today, computed in the browser when the page is opened
    positions: dict[str, tuple[float, float]] | None = None  # a layout made for this view
    fonts: dict[str, int] | None = None  # label size per node type: large where the whole country is shown at once
    wrap: int | None = None  # labels wider than this (px) break over lines
    focus: str | None = None  # the node the map is about: it opens on it and its direct neighbours
    opening: set[str] | None = None  # what the map shows when it opens (None: the focus and its neighbours, or all)
    group: str = "Overblik"  # where the map selector lists it
    kind: str = ""  # structure, transition, decisions, klynge, sundhedsraad, forum, organisation, path


COUNTRY_FONTS = {
    "region": 30,
    "klynge": 22,
    "sundhedsraad": 22,
    "forum": 15,
    "kommune": 18,
    "organisation": 15,
}  # "vis alle"
MAP_FONT = 14  # the label size of a map made to be read at scale 1 (a forum's, a council's)


def _fact_words(d: dict) -> list[list[str]]:
    """A node's facts in words: dates as dates, codes as the words they stand for."""
    facts = [list(f) for f in d.get("facts", [])]
    if d.get("date"):
        facts.append(["Dato", words.day(d["date"])])
    if d.get("valid_from") or d.get("valid_to"):
        facts.append(["Periode", f"{words.day(d.get('valid_from')) or '…'} – {words.day(d.get('valid_to')) or '…'}"])
    if d.get("level"):
        facts.append(["Niveau", words.level(d["level"])])
    if d.get("confidence"):
        facts.append(["Sikkerhed", words.confidence(d["confidence"], long=True)])
    return facts


def _node_record(
    n: str, d: dict, x: float, y: float, fonts: dict[str, int] | None, links: PackLinks | None = None
) -> dict:
    iri = n if n.startswith("http") and "#" not in n else None
    record = {
        "id": n,
        "label": d.get("label", n),
        "type": d["type"],
        "x": round(x, 1),
        "y": round(y, 1),
        "level": d.get("level"),
        "date": d.get("date"),
        "facts": _fact_words(d),
        "quote": d.get("quote"),
        "source": d.get("source"),
        "iri": iri,
        "hub": bool(d.get("hub")),
        "size": 26 if d.get("hub") else None,
        "color": OUTCOME_COLORS.get(d.get("outcome") or "")
        if d["type"] in ("decision", "group") and d.get("outcome")
        else None,
    }
    if d.get("aliases"):
        record["aliases"] = d["aliases"][:12]
    if d.get("absent"):
        record["absent"] = True
    if links is not None:
        page = links.page(iri)
        if page:
            record["page"] = page
        quote = links.quote(d.get("quote_iri"))
        if quote:
            record["quoteHref"] = quote
        own = links.views.get(iri or "")
        if own:
            record["map"] = own
    if fonts and d["type"] in fonts:
        record["fontSize"] = fonts[d["type"]]
    return {k: v for k, v in record.items() if v is not None and v != [] or k in ("id", "label", "type", "x", "y")}


def _edge_record(s: str, o: str, e: dict) -> dict:
    record = {"from": s, "to": o, "label": "" if e.get("quiet") else e.get("label", "")}
    if e.get("quiet") and e.get("label"):
        record["title"] = e["label"]
    if e.get("dashes"):
        record["dashes"] = True
    if e.get("title"):
        record["title"] = e["title"]
    if e.get("label", "") not in (record["label"], record.get("title")):
        record["rel"] = e.get("label", "")
    return record


def _opening(view: View, graph: nx.MultiDiGraph) -> set[str] | None:
    """The nodes a map shows when it opens: its own opening set, or the focus with its direct neighbours and what it is
    part of (None: everything)."""
    if view.opening is not None:
        return view.opening & set(graph)
    if not view.focus or view.focus not in graph:
        return None
    shown = {view.focus} | set(nx.all_neighbors(graph, view.focus))
    up = [view.focus]
    while up:  # the chain above: what the focus is part of, reports to, and so on
        node = up.pop()
        for _, o, e in graph.out_edges(node, data=True):
            if e.get("label") in ("del af", "rapporterer til", "i region") and o not in shown:
                shown.add(o)
                up.append(o)
    return shown


def _view_positions(view: View, graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    if view.positions is not None:
        return view.positions
    if view.periods:  # each node where it stands in the first period it is in; the page moves it per period
        pos: dict[str, tuple[float, float]] = {}
        for period in view.periods:
            for n, xy in period["pos"].items():
                pos.setdefault(n, xy)
        return pos
    return hierarchical_positions(graph) if view.hierarchical else spring_positions(graph)


def _edge_records(graph: nx.MultiDiGraph, merge: bool) -> tuple[list[dict], dict[tuple, int]]:
    """The edges to draw, and (source, target, label) -> its record. With `merge` (a map without dates) one line per
    pair of nodes, its labels joined: two lines between the same nodes would draw their labels on top of each other."""
    records: list[dict] = []
    seen: dict[tuple, int] = {}
    pair: dict[tuple, int] = {}
    for s, o, e in graph.edges(data=True):
        key = (s, o, e.get("label"))
        if key in seen:
            continue
        if merge and (s, o) in pair:
            record = records[pair[(s, o)]]
            extra = _edge_record(s, o, e)
            record["label"] = " · ".join(x for x in (record["label"], extra["label"]) if x)
            record["rel"] = " · ".join(
                x for x in (record.get("rel") or record["label"], extra.get("rel") or extra["label"]) if x
            )
            record["title"] = " · ".join(x for x in (record.get("title"), extra.get("title")) if x) or None
            seen[key] = pair[(s, o)]
            continue
        seen[key] = pair[(s, o)] = len(records)
        records.append(_edge_record(s, o, e))
    return records, seen


def _compact(nodes: list[dict], edges: list[dict]) -> None:
    """On disk an edge names its nodes by their place in the list, and an IRI that is the node's id is not repeated
    (the page puts both back): a national pack is a third smaller."""
    index = {record["id"]: i for i, record in enumerate(nodes)}
    for record in edges:
        if record.get("title") is None:
            record.pop("title", None)
        record["from"], record["to"] = index[record["from"]], index[record["to"]]
    for record in nodes:
        if record.get("iri") == record["id"]:
            del record["iri"]
        if not record.get("hub"):
            record.pop("hub", None)


def view_data(view: View, quotes: dict[str, tuple | None] | None = None, links: PackLinks | None = None) -> dict:
    """Nodes and edges of one view, through pyvis' data model (filled directly: add_edge is O(n) per call).
    `quotes` (node -> quote, source file, quote IRI) is filled from the view's store for the nodes drawn."""
    graph = view.graph if view.periods else aggregate(view.graph)
    if view.store is not None:
        attach_quotes(graph, view.store, {} if quotes is None else quotes)
    pos = _view_positions(view, graph)
    net = Network(directed=True)
    opening = None if view.periods else _opening(view, graph)
    for n, d in graph.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        record = _node_record(n, d, x, y, view.fonts, links)
        if opening is not None and n in opening:
            record["open"] = True
        net.nodes.append(record)
    net.edges, seen = _edge_records(graph, merge=not view.periods)
    _compact(net.nodes, net.edges)
    data = {
        "wrap": view.wrap,
        "id": view.id,
        "label": view.label,
        "group": view.group,
        "kind": view.kind,
        "intro": view.intro,
        "nodes": net.nodes,
        "edges": net.edges,
        "focus": view.focus if view.focus in graph else None,
        "opening": "all" if opening is None and not view.periods else "some",
    }
    if view.periods:
        data["dated"] = {
            "default": view.default_date,
            "compactFonts": COMPACT_FONTS,
            "periods": [
                {
                    "from": p["from"],
                    "to": p["to"],
                    "pos": {n: [round(x, 1), round(y, 1)] for n, (x, y) in p["pos"].items()},
                    "compact": {n: [round(x, 1), round(y, 1), w] for n, (x, y, w) in p["compact"].items()},
                    "edges": sorted(seen[k] for k in p["edges"] if k in seen),
                }
                for p in view.periods
            ],
        }
    return data


def _options() -> dict:
    net = Network(directed=True)
    net.toggle_physics(False)
    options = json.loads(net.options.to_json())
    options["interaction"] = {
        "hover": True,
        "tooltipDelay": 300,
        "navigationButtons": False,
        "keyboard": False,
        "zoomSpeed": 0.6,
    }
    options["layout"] = {"improvedLayout": False}
    options["edges"] = {"font": {"size": 11}, "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}}}
    options["nodes"] = {"font": {"size": MAP_FONT}}
    return options


def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def _script_safe_json(data) -> str:
    """JSON that cannot close the <script> it sits in or open a comment."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def attach_quotes(graph: nx.MultiDiGraph, store: GraphStore, cache: dict[str, tuple | None]) -> None:
    """The quoted source sentence for every node drawn, fetched in batches; `cache` spares the views of one page
    from fetching a node twice."""
    wanted = [n for n in graph if n.startswith("http") and "#" not in n and n not in cache]
    for fact, quote in quotes(store, wanted).items():
        cache[fact] = (_short(quote.text, 400), quote.file, f"{quote.document}#char={quote.start},{quote.end}")
    cache.update({n: None for n in wanted if n not in cache})  # a node without a quote is not asked for again
    for n, d in graph.nodes(data=True):
        found = cache.get(n)
        if found and "quote" not in d:
            d["quote"], d["source"], d["quote_iri"] = found


class PackLinks:
    """What a map node links to in the onboarding pack: its own page (maps/forum/… and so on), its own map, and the
    minutes with its quote highlighted (maps/referat/<dokument>.html#char=a,b)."""

    def __init__(self, pages: dict[str, tuple[str, str]] | None = None, views: dict[str, str] | None = None):
        self.pages = pages or {}
        self.views = views or {}
        self.documents: set[str] = set()

    def page(self, iri: str | None) -> str | None:
        found = self.pages.get(iri or "")
        return f"{found[0]}/{found[1]}.html" if found else None

    def quote(self, quote: str | None) -> str | None:
        from .pages import slug

        place = parse_quote(quote) if quote else None
        if place is None:
            return None
        self.documents.add(place[0])
        return f"referat/{slug(place[0])}.html#char={place[1]},{place[2]}"


def _legend() -> list[dict]:
    outcomes = [{"label": f"Beslutning: {words.outcome(k).lower()}", "color": c} for k, c in OUTCOME_COLORS.items()]
    return outcomes + [
        {"label": "Tyk kant: et af de mest forbundne fora", "color": "#f5b041", "border": 4},
        {"label": "Stiplet kant: meldte afbud til det seneste møde", "color": "#eef0f2", "dashed": True},
        {"label": "Stiplet linje: omstridt (kilderne er uenige)", "line": "dashed"},
    ]


def render(
    views: list[View],
    title: str,
    heading: str,
    intro: str,
    start: str | None = None,
    links: PackLinks | None = None,
    pages_link: str | None = None,
) -> str:
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html"]))
    template = env.get_template("template.html")
    vis_js, vis_css = _vis_assets()
    quotes: dict[str, tuple | None] = {}
    start = start or views[0].id
    shown: dict[str, dict] = {}
    blocks: list[dict] = []
    for i, v in enumerate(views):  # the first map inline; each other map in a block of its own, read when it is shown
        record = view_data(v, quotes, links)
        if v.id == start:
            shown[v.id] = record
            continue
        meta = {k: record[k] for k in ("id", "label", "group", "kind", "intro", "focus", "opening")}
        meta["block"] = f"kort-{i}"
        shown[v.id] = meta
        body = {k: val for k, val in record.items() if k not in meta}
        blocks.append({"id": meta["block"], "json": _script_safe_json(body)})
    data = {
        "views": shown,
        "start": start,
        "types": {
            k: {"label": label, "style": style, "shapeLabel": shape} for k, (label, style, shape) in TYPES.items()
        },
        "compactTypes": COMPACT_STYLES,
        "legend": _legend(),
        "levels": [[k, words.level(k)] for k in sorted(concept_keys("ForumLevelScheme"))],
        "glossary": words.glossary(),
        "options": _options(),
        "pages": pages_link,
    }
    groups: dict[str, list[dict]] = {}
    for v in views:
        groups.setdefault(v.group, []).append({"id": v.id, "label": v.label})
    return template.render(
        title=title,
        heading=heading,
        intro=intro,
        groups=list(groups.items()),
        many=len(views) > 1,
        data_json=_script_safe_json(data),
        blocks=blocks,
        vis_js=vis_js,
        vis_css=vis_css,
        pages_link=pages_link,
        footer="Lavet af sundhedsgraf. Kortet virker uden netværk; al tekst fra referaterne vises som tekst.",
    )


def write_html(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- the maps people ask for

INTRO = {
    "structure": "Regioner, sundhedsklynger med deres niveauer, fora og kommuner, og de 17 sundhedsråd. "
    "Klyngerne har to "
    "lovbestemte niveauer: politisk niveau og fagligt strategisk niveau; under dem ligger lokale fora. "
    "Sundhedsrådene har mødtes som forberedende råd siden januar 2026 og overtager 1. januar 2027, når klyngerne "
    "og samarbejdsudvalgene ophører og Region Hovedstaden og Region Sjælland bliver til Region Østdanmark. "
    "Kortet viser det, der fandtes på den valgte dato (standard: i dag); vælg en anden dato for at se før og efter.",
    "transition": "Hvor klyngernes kommuner går hen 1. januar 2027: klyngerne øverst, kommunerne i midten, "
    "sundhedsrådet de "
    "flytter til nederst. En stiplet linje er en omstridt kommune: kilderne er uenige, og hver læsning er vist.",
    "sundhedsraad": "Sundhedsrådet: regionen og regionsrådet det anbefaler til, medlemmerne med rolle og den "
    "kommune de "
    "repræsenterer, kommunerne, klyngerne det overtager fra, og møder og beslutninger hvis referaterne er "
    "læst. Klik på rådet for faser, sammensætning og hvad rådet beslutter selv og hvad det kun anbefaler.",
    "forum": "Forummet, klyngen eller organisationen det hører til, niveauerne over og under, medlemmerne og deres "
    "organisationer, møderne og beslutningerne. Klik på en knude for fakta og kilde.",
    "decisions": "Hvem beslutter hvad: fora, deres beslutninger farvet efter udfald, de initiativer de vedrører, "
    "og pengene.",
    "organisation": "Hvor organisationen sidder, og hvad der vedrører den.",
    "path": "Den korteste forbindelse mellem to knuder i grafen.",
    "klynge": "Klyngen med dens niveauer og fora, kommunerne og akutsygehuset.",
    "pack": "Kort over sundhedssamarbejdet: strukturen på en dato, overgangen til sundhedsrådene 2027-01-01, hvem der "
    "beslutter hvad, og et kort pr. klynge, sundhedsråd, forum og organisation. Klik på en knude for fakta og "
    "kilde; dobbeltklik for dens forbindelser.",
}


def transition_view(g: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict[str, tuple[float, float]]]:  # noqa: C901 - one layout
    """Clusters (top) -> the kommuner that move (middle, in the column of the council they move to) -> councils
    (bottom).
    A disputed kommune stands in the column of the reading the reference notes follow, with a dashed edge to the
    council of every other reading."""
    view = nx.MultiDiGraph()
    transitions = [t for t in g.graph.get("transitions", []) if g.nodes.get(t["from"], {}).get("type") == "klynge"]
    column_of: dict[str, str] = {}  # kommune -> the council whose column it stands in
    for s, o, e in g.edges(data=True):
        if (
            g.nodes[s]["type"] == "sundhedsraad"
            and g.nodes[o]["type"] == "kommune"
            and (e["label"] == "medlem" or e.get("primary"))
        ):
            column_of[o] = s
    for t in transitions:
        for k in t["municipalities"]:
            view.add_node(t["from"], **g.nodes[t["from"]])
            view.add_node(k, **g.nodes[k])
            view.add_node(t["to"], **g.nodes[t["to"]])
            if not view.has_edge(t["from"], k):
                view.add_edge(
                    t["from"],
                    k,
                    label="",
                    title=f"{g.nodes[k]['label']} i {g.nodes[t['from']]['label']} til 2026-12-31",
                )
            if k in t["disputed"]:
                view.add_edge(
                    k,
                    t["to"],
                    label="omstridt",
                    dashes=True,
                    title=f"{g.nodes[k]['label']} → {g.nodes[t['to']]['label']} i én læsning af kilderne ({t['note']})",
                )
            else:
                view.add_edge(
                    k, t["to"], label="", title=f"{g.nodes[k]['label']} → {g.nodes[t['to']]['label']} fra {t['date']}"
                )
    councils = sorted(
        (n for n in view if view.nodes[n]["type"] == "sundhedsraad"),
        key=lambda c: (_region_rank(view.nodes[c].get("region")), view.nodes[c]["label"]),
    )
    rows: list[list[str]] = []
    for c in councils:  # the east (Region Østdanmark) in a second row, so the country fits the screen
        east = (view.nodes[c].get("region") or "").rsplit("/", 1)[-1] in ROW_BREAKS
        if not rows or (
            east and not any((view.nodes[x].get("region") or "").rsplit("/", 1)[-1] in ROW_BREAKS for x in rows[-1])
        ):
            rows.append([])
        rows[-1].append(c)
    pos: dict[str, tuple[float, float]] = {}
    width, y0 = 210.0, 0.0
    row_of: dict[str, int] = {}
    for r, row in enumerate(rows):
        tallest = 0
        for i, c in enumerate(row):
            x = i * width
            members = sorted((k for k in view if column_of.get(k) == c), key=lambda k: view.nodes[k]["label"])
            for j, k in enumerate(members):
                pos[k], row_of[k] = (x, y0 + 220 + j * 54), r
            tallest = max(tallest, len(members))
            pos[c] = (x, y0 + 220 + tallest * 54 + 120)
        for c in row:  # the councils of a row on one line
            pos[c] = (pos[c][0], y0 + 220 + tallest * 54 + 120)
        # the clusters over the kommuner they give, in two staggered lines so neighbouring names do not overlap
        wanted = []
        for cl in (n for n in view if view.nodes[n]["type"] == "klynge"):
            xs = [pos[k][0] for _, k in view.out_edges(cl) if k in pos and row_of.get(k) == r]
            if xs and len(xs) * 2 >= sum(1 for _ in view.out_edges(cl)):
                wanted.append((sum(xs) / len(xs), view.nodes[cl]["label"], cl))
        last = -math.inf
        for i, (cx, _, cl) in enumerate(sorted(wanted)):
            cx = max(cx, last + 120)
            pos[cl] = (cx, y0 + (0.0 if i % 2 else 90.0))
            last = cx
        y0 += 220 + tallest * 54 + 420
    stray = [n for n in view if n not in pos]
    for j, n in enumerate(sorted(stray)):  # a kommune with no council (an incomplete registry): a line of its own
        pos[n] = (j * width, y0)
    return view, pos


def council_positions(view: nx.MultiDiGraph, council: str) -> dict[str, tuple[float, float]]:
    """A council's own map: the council in the middle, its region and the regional council it recommends to above,
    the clusters and SSU it takes over from on the left, its kommuner on the right, its members below (chair first),
    meetings and decisions under them."""
    kind = {n: view.nodes[n]["type"] for n in view}
    label = {n: view.nodes[n].get("label", n) for n in view}
    pos = {council: (0.0, 0.0)}
    above = sorted(
        (o for _, o, e in view.out_edges(council, data=True) if e["label"] in ("del af", "rapporterer til")),
        key=lambda n: (kind[n] != "region", label[n]),
    )
    for i, n in enumerate(above):
        pos[n] = ((i - (len(above) - 1) / 2) * 300, -150.0)
    for n in view:  # what the regional councils and the region are part of, higher still
        if (
            n not in pos
            and any(o in above for _, o in view.out_edges(n))
            and kind[n] in ("region", "forum")
            and not any(o == council for _, o in view.out_edges(n))
        ):
            pos[n] = (len([m for m in pos if pos[m][1] == -270.0]) * 300.0, -270.0)
    forms = sorted(s for s, _, e in view.in_edges(council, data=True) if kind[s] == "forum" and e["label"] == "del af")
    for i, n in enumerate(forms):
        pos[n] = ((-1 if i % 2 else 1) * 250.0, 60.0 * (i // 2) - 70)
    predecessors = sorted(
        {
            s
            for s, _, e in view.in_edges(council, data=True)
            if kind[s] in ("klynge", "forum") and e["label"].startswith("overtager")
        },
        key=lambda n: (kind[n] != "klynge", label[n]),
    )
    for i, n in enumerate(predecessors):
        pos[n] = (-520.0, (i - (len(predecessors) - 1) / 2) * 70)
    kommuner = sorted({o for _, o in view.out_edges(council) if kind[o] == "kommune"}, key=lambda n: label[n])
    for i, n in enumerate(kommuner):
        pos[n] = (520.0, (i - (len(kommuner) - 1) / 2) * 52)
    order = {"formand": 0, "næstformand": 1}
    people = sorted(
        {s for s, _ in view.in_edges(council) if kind[s] == "person"},
        key=lambda n: (
            min(order.get(e["label"], 2) for _, o, e in view.out_edges(n, data=True) if o == council),
            label[n],
        ),
    )
    for i, n in enumerate(people):
        row, col = divmod(i, 4)
        pos[n] = ((col - 1.5) * 210.0, 170.0 + row * 62)
    y = 170.0 + (len(people) + 3) // 4 * 62 + 80
    rest = sorted((n for n in view if n not in pos), key=lambda n: (kind[n], view.nodes[n].get("date") or "", label[n]))
    for i, n in enumerate(rest):
        row, col = divmod(i, 5)
        pos[n] = ((col - 2) * 220.0, y + row * 50)
    return pos


def council_view(g: nx.MultiDiGraph, council: str) -> nx.MultiDiGraph:
    """Onboarding for a sundhedsråd: like a forum's map, plus its kommuner (disputed ones dashed) and the clusters and
    SSU it takes over from, with the kommuner that move."""
    view = forum_view(g, council)
    for _, o, e in g.out_edges(council, data=True):
        if g.nodes[o]["type"] == "kommune":
            view.add_node(o, **g.nodes[o])
            view.add_edge(council, o, **e)
    for s, _, e in g.in_edges(council, data=True):  # its committee forms ('(forberedende)', '(særligt udvalg)')
        if g.nodes[s]["type"] == "forum" and e["label"] == "del af":
            view.add_node(s, **g.nodes[s])
            view.add_edge(s, council, **e)
    for t in g.graph.get("transitions", []):
        if t["to"] == council and t["from"] in g:
            view.add_node(t["from"], **g.nodes[t["from"]])
            certain = len(t["municipalities"] - t["disputed"])
            label = f"overtager {certain} kommune{'r' if certain != 1 else ''}" + (
                " + omstridte" if t["disputed"] else ""
            )
            view.add_edge(t["from"], council, label=label, title=t["note"], dashes=not certain)
    # a kommune's region and a regional seat's region are the council's own: lines to it say nothing new
    region = g.nodes[council].get("region")
    view.remove_edges_from(
        [
            (s, o, k)
            for s, o, k, e in view.edges(keys=True, data=True)
            if e["label"] == "i region" or (e["label"] == "repræsenterer" and o == region)
        ]
    )
    return view


def _seen_in_minutes(g: nx.MultiDiGraph, person: str) -> bool:
    """A person met in minutes (a membership with a meeting date), not only in the registry's lists of council
    members."""
    return any(e.get("last") for _, _, e in g.out_edges(person, data=True))


def _structure_view(g: nx.MultiDiGraph, view_id: str, label: str, default: str | None, store: GraphStore) -> View:
    union, periods = dated_structure(g)
    return View(
        view_id,
        label,
        union,
        store=store,
        periods=periods,
        default_date=default,
        fonts=COUNTRY_FONTS,
        wrap=180,
        kind="structure",
        intro=INTRO["structure"],
    )


def _forum_map(
    g: nx.MultiDiGraph,
    node: str,
    store: GraphStore,
    view_id: str = "forum",
    label: str | None = None,
    group: str = "Overblik",
) -> View:
    sub = forum_view(g, node)
    return View(
        view_id,
        label or g.nodes[node]["label"],
        sub,
        store=store,
        positions=forum_positions(sub, node),
        wrap=210,
        focus=node,
        kind="forum",
        group=group,
        intro=INTRO["forum"],
    )


def _council_map(
    g: nx.MultiDiGraph, node: str, store: GraphStore, view_id: str = "forum", group: str = "Overblik"
) -> View:
    sub = council_view(g, node)
    return View(
        view_id,
        g.nodes[node]["label"],
        sub,
        store=store,
        positions=council_positions(sub, node),
        wrap=170,
        focus=node,
        kind="sundhedsraad",
        group=group,
        intro=INTRO["sundhedsraad"],
    )


def _decisions_map(
    g: nx.MultiDiGraph,
    node: str | None,
    store: GraphStore,
    view_id: str = "beslutninger",
    label: str = "Hvem beslutter hvad",
) -> View:
    sub = decisions_view(g, node)
    # without a focus it opens on the forums (and the money): a forum's decisions show when it is expanded
    opening = None if node else {n for n, d in sub.nodes(data=True) if d["type"] in ("forum", "group", "allocation")}
    return View(
        view_id,
        label,
        sub,
        store=store,
        focus=node,
        opening=opening,
        kind="decisions",
        intro=INTRO["decisions"],
        wrap=200,
    )


def make_map(store: GraphStore, kind: str, focus: str | None = None, at: str | None = None) -> tuple[str, str]:
    """(title, html) of one map. A structure map shows the date `at`, or, without one, the reader's today: the page
    works the date out when it is opened, says which date it shows and lets the reader pick another."""
    g = load_graph(store)
    page = None  # the page's own title, when the page adds the date it shows
    if kind == "structure":
        view = _structure_view(g, "struktur", "Strukturen", at, store)
        page = "Sundhedssamarbejdets struktur"
        title = page + (f" pr. {at}" if at else "")
        if at and not period_on(view.periods or [], at)["nodes"]:
            raise MapError(f"kortet '{title}' har ingen knuder på {at}")
    elif kind == "transition":
        graph, positions = transition_view(g)
        view = View(
            "overgang",
            "Fra klynger til sundhedsråd (2027-01-01)",
            graph,
            store=store,
            positions=positions,
            fonts=COUNTRY_FONTS,
            wrap=180,
            kind="transition",
            intro=INTRO["transition"],
        )
        title = "Fra sundhedsklynger til sundhedsråd 2027-01-01"
    elif kind in ("forum", "sundhedsraad"):
        if not focus:
            raise MapError("forumkortet kræver --focus (navn eller IRI på forummet)")
        node = find(g, focus, ("forum", "sundhedsraad"))
        council = g.nodes[node]["type"] == "sundhedsraad"
        view = _council_map(g, node, store) if council else _forum_map(g, node, store)
        title = f"{'Sundhedsråd' if council else 'Forum'}: {g.nodes[node]['label']}".replace(
            "Sundhedsråd: Sundhedsråd ", "Sundhedsråd "
        )
        kind = "sundhedsraad" if council else "forum"
    elif kind == "decisions":
        chosen = find(g, focus, ("forum", "sundhedsraad")) if focus else None
        view = _decisions_map(g, chosen, store, label="Beslutninger")
        title = "Hvem beslutter hvad" + (f": {g.nodes[chosen]['label']}" if chosen else "")
    elif kind == "organisation":
        if not focus:
            raise MapError("organisationskortet kræver --focus (navn eller IRI)")
        node = find(g, focus, ("organisation", "kommune", "region"))
        view = View(
            "organisation",
            g.nodes[node]["label"],
            organisation_view(g, node),
            store=store,
            focus=node,
            kind="organisation",
            intro=INTRO["organisation"],
            wrap=200,
        )
        title = f"Organisation: {g.nodes[node]['label']}"
    else:
        raise MapError(f"ukendt korttype '{kind}' (structure, transition, forum, decisions, organisation)")
    if view.graph.number_of_nodes() == 0:
        raise MapError(f"kortet '{title}' har ingen knuder" + (f" på {at}" if at else ""))
    return title, render([view], page or title, page or title, INTRO[kind])


def make_path_map(store: GraphStore, a: str, b: str) -> tuple[list[tuple[str, str]], str]:
    g = load_graph(store)
    start, end = find(g, a), find(g, b)
    nodes, graph = path_view(g, start, end)
    steps = [(g.nodes[n]["label"], TYPES[g.nodes[n]["type"]][0]) for n in nodes]
    title = f"Forbindelsen fra {steps[0][0]} til {steps[-1][0]}"
    return steps, render(
        [View("sti", title, graph, hierarchical=False, store=store, kind="path", wrap=200)], title, title, INTRO["path"]
    )


PAGE_KINDS = {
    "forum": "forum",
    "sundhedsraad": "sundhedsraad",
    "kommune": "kommune",
    "region": "region",
    "organisation": "organisation",
    "klynge": "klynge",
    "person": "person",
    "meeting": "moede",
}


def _region_of(g: nx.MultiDiGraph, n: str) -> str | None:
    """The region a node belongs to: its own sg:inRegion, or that of what it is part of (or reports to)."""
    seen, queue = set(), [n]
    while queue:
        node = queue.pop(0)
        if node in seen:
            continue
        seen.add(node)
        d = g.nodes[node]
        if d["type"] == "region" and node != n:
            return node
        if d.get("region") and d["region"] in g:
            return d["region"]
        queue += [
            o for _, o, e in g.out_edges(node, data=True) if e["label"] in ("del af", "rapporterer til", "i region")
        ]
    return None


def _region_name(g: nx.MultiDiGraph, region: str | None) -> str:
    return g.nodes[region]["label"] if region and region in g else ""


PACK_STAMP = ".pakke"  # in maps/: what the pack was drawn from (graph.maps.pack_stamp), written after the pack


def pack_stamp(store: GraphStore, at: str | None = None) -> str:
    """What the pack depends on: the content hashes of the store's graphs (each document's, the registry's and
    the corrections'; the graphs derived from them follow), the package's code and templates, and the day the
    structure is drawn for."""
    digest = hashlib.sha256()
    for graph_iri, content_hash in sorted(store.graph_hashes().items()):
        digest.update(f"{graph_iri} {content_hash}\n".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".js", ".css", ".ttl", ".toml", ".json"):
            digest.update(path.relative_to(package).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
    digest.update((at or date.today().isoformat()).encode())
    return digest.hexdigest()


def pack_is_current(store: GraphStore, out_dir: Path, at: str | None = None) -> bool:
    """Whether maps/ holds a whole pack drawn from the same data, code and day (a build that changed nothing, or a
    second build the same day, need not draw it again)."""
    maps_dir = Path(out_dir) / "maps"
    try:
        stamp = (maps_dir / PACK_STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return (maps_dir / "index.html").is_file() and stamp == pack_stamp(store, at)


def onboarding_pack(store: GraphStore, out_dir: Path, at: str | None = None) -> Path:
    """maps/index.html: one offline page with the structure on the reader's day (or `at`) and after the reform, the
    transition from clusters to councils, who decides what, and a map per cluster, per sundhedsråd, per forum and per
    organisation with data; beside it a page per forum, council and organisation, and the minutes they quote
    (graph.maps.pages)."""
    from .pages import PackPages, slug

    g = load_graph(store)
    transition, positions = transition_view(g)
    views = [
        _structure_view(
            g, "struktur", "Strukturen (i dag, eller vælg en dato)" if not at else f"Strukturen ({at})", at, store
        ),
        _structure_view(g, "struktur-2027", "Strukturen efter reformen (2027-01-01)", "2027-01-01", store),
        View(
            "overgang",
            "Fra klynger til sundhedsråd (2027-01-01)",
            transition,
            store=store,
            positions=positions,
            fonts=COUNTRY_FONTS,
            wrap=180,
            kind="transition",
            intro=INTRO["transition"],
        ),
        _decisions_map(g, None, store),
    ]

    def where(n: str, what: str) -> str:
        name = _region_name(g, _region_of(g, n))
        return (
            f"{name}: {what}"
            if name
            else {"fora": "Andre fora", "organisationer": "Landsdækkende og andre organisationer"}.get(what, what)
        )

    for n, d in sorted(g.nodes(data=True), key=lambda x: (_region_rank(_region_of(g, x[0])), x[1]["label"])):
        if d["type"] == "klynge":
            sub = nx.MultiDiGraph(
                g.subgraph({n} | {s for s, _, e in g.in_edges(n, data=True)} | {o for _, o in g.out_edges(n)})
            )
            region = _region_name(g, _region_of(g, n))
            views.append(
                View(
                    f"klynge-{n.rsplit('/id/', 1)[-1]}",
                    f"{d['label']} ({region})" if region else d["label"],
                    sub,
                    hierarchical=True,
                    store=store,
                    focus=n,
                    kind="klynge",
                    group=where(n, "klynger"),
                    intro=INTRO["klynge"],
                    wrap=170,
                )
            )
    for n, d in sorted(g.nodes(data=True), key=lambda x: (_region_rank(_region_of(g, x[0])), x[1]["label"])):
        if d["type"] == "sundhedsraad":
            views.append(
                _council_map(g, n, store, f"sundhedsraad-{n.rsplit('/id/', 1)[-1]}", group=where(n, "sundhedsråd"))
            )
    # the busiest forums and the most connected organisations; `sundhedsgraf map` draws any other
    activity = {
        n: sum(1 for _, _, e in g.in_edges(n, data=True) if e["label"] in ("holdt af", "besluttet af"))
        for n, d in g.nodes(data=True)
        if d["type"] == "forum"
    }
    busiest = sorted((n for n, a in activity.items() if a), key=lambda n: (-activity[n], g.nodes[n]["label"]))[
        :PACK_VIEWS
    ]
    for n in sorted(busiest, key=lambda n: (_region_rank(_region_of(g, n)), g.nodes[n]["label"])):
        views.append(
            _forum_map(g, n, store, f"forum-{n.rsplit('/id/', 1)[-1]}", g.nodes[n]["label"], group=where(n, "fora"))
        )
    links = {
        n: sum(
            1
            for s, _ in g.in_edges(n)
            if g.nodes[s]["type"] == "allocation" or g.nodes[s]["type"] == "person" and _seen_in_minutes(g, s)
        )
        for n, d in g.nodes(data=True)
        if d["type"] in ("organisation", "kommune")
    }
    connected = sorted((n for n, c in links.items() if c), key=lambda n: (-links[n], g.nodes[n]["label"]))[:PACK_VIEWS]
    for n in sorted(connected, key=lambda n: (_region_rank(_region_of(g, n)), g.nodes[n]["label"])):
        views.append(
            View(
                f"organisation-{n.rsplit('/id/', 1)[-1]}",
                g.nodes[n]["label"],
                organisation_view(g, n),
                store=store,
                focus=n,
                kind="organisation",
                group=where(n, "organisationer"),
                intro=INTRO["organisation"],
                wrap=200,
            )
        )
    # a page per forum, council and organisation the graph has
    forums = [n for n, d in g.nodes(data=True) if d["type"] == "forum"]
    councils = [n for n, d in g.nodes(data=True) if d["type"] == "sundhedsraad"]
    organisations = [n for n, d in g.nodes(data=True) if d["type"] in ("organisation", "kommune", "region")]
    pages = {n: ("forum", slug(n)) for n in forums}
    pages.update({n: ("sundhedsraad", slug(n)) for n in councils})
    pages.update({n: ("organisation", slug(n)) for n in organisations})
    own_view = {v.focus: v.id for v in views if v.focus}
    kinds = {n: PAGE_KINDS.get(d["type"], d["type"]) for n, d in g.nodes(data=True)}
    pack_links = PackLinks(pages, own_view)
    html = render(
        views,
        "sundhedsgraf: kort over sundhedssamarbejdet",
        "Sundhedssamarbejdet på kort",
        INTRO["pack"],
        links=pack_links,
        pages_link="sider.html",
    )
    maps_dir = Path(out_dir) / "maps"
    (maps_dir / PACK_STAMP).unlink(missing_ok=True)  # a pack interrupted from here on is not taken for current
    PackPages(store, forums, councils, organisations, own_view, kinds, pages).write(maps_dir, pack_links.documents)
    index = write_html(maps_dir / "index.html", html)
    write_html(maps_dir / PACK_STAMP, pack_stamp(store, at) + "\n")
    return index
