"""Interactive governance maps: the store -> networkx (selection, layout, centrality) -> pyvis -> one HTML file.

Every map is one self-contained file: vis-network (from the pyvis package) and all data are
inlined, nothing is fetched, it opens from file://. Positions are computed ahead with networkx
and physics is off, so the first picture appears at once. Text from the minutes is only ever
JSON data that the page puts into the DOM with textContent; pyvis' own template (which sets
tooltips with innerHTML and renders the heading unescaped) is not used.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from ..ontology import concept_keys, concept_label
from ..store import GraphStore, quotes
from ..vocab import ID

SG = "https://w3id.org/sundhedsgraf/ont#"
MAX_NODES = 2500  # above this a view aggregates what a person could not read one by one
PACK_VIEWS = 30  # forums and organisations with their own map in the onboarding pack
RECENT = 40  # meetings and decisions a forum map shows one by one, the newest

# type -> (Danish label, vis style, the shape in words for the legend)
TYPES: dict[str, tuple[str, dict, str]] = {
    "region": ("Region", {"shape": "box", "color": {"background": "#1f4e79", "border": "#12324f"}, "font": {"color": "#ffffff"}}, "firkant"),
    "klynge": ("Sundhedsklynge", {"shape": "ellipse", "color": {"background": "#2e86c1", "border": "#1b5e88"}, "font": {"color": "#ffffff"}}, "oval"),
    "sundhedsraad": ("Sundhedsråd", {"shape": "ellipse", "color": {"background": "#117a65", "border": "#0b5345"}, "font": {"color": "#ffffff"}}, "grøn oval"),
    "forum": ("Forum", {"shape": "box", "color": {"background": "#f5b041", "border": "#b9770e"}}, "firkant"),
    "kommune": ("Kommune", {"shape": "dot", "size": 9, "color": {"background": "#58d68d", "border": "#239b56"}}, "prik"),
    "organisation": ("Organisation", {"shape": "dot", "size": 11, "color": {"background": "#a569bd", "border": "#6c3483"}}, "prik"),
    "person": ("Person", {"shape": "dot", "size": 7, "color": {"background": "#d5d8dc", "border": "#85929e"}}, "lille prik"),
    "meeting": ("Møde", {"shape": "diamond", "size": 12, "color": {"background": "#5dade2", "border": "#21618c"}}, "rombe"),
    "decision": ("Beslutning", {"shape": "square", "size": 9, "color": {"background": "#abebc6", "border": "#1e8449"}}, "kvadrat (farve = udfald)"),
    "initiative": ("Initiativ", {"shape": "star", "size": 13, "color": {"background": "#f4d03f", "border": "#b7950b"}}, "stjerne"),
    "allocation": ("Bevilling", {"shape": "triangle", "size": 10, "color": {"background": "#eb984e", "border": "#a04000"}}, "trekant"),
    "group": ("Samlet gruppe", {"shape": "hexagon", "size": 16, "color": {"background": "#bfc9ca", "border": "#717d7e"}}, "sekskant"),
}
OUTCOME_COLORS = {
    "approved": "#27ae60", "approved-with-remarks": "#82e0aa", "noted": "#5dade2", "discussed": "#aeb6bf",
    "rejected": "#e74c3c", "postponed": "#f39c12", "recommended": "#8e44ad", "other": "#e5e8e8",
}
LEVEL_LAYER = {"regionalt-politisk": 2, "politisk-niveau": 2, "regionalt-administrativt": 3, "fagligt-strategisk-niveau": 3,
               "regionsraad": 2}


class MapError(Exception):
    pass


# --------------------------------------------------------------------------- the graph from the store

def _v(row, key):
    term = row[key]
    return None if term is None else term.value


MAX_DECISION_NODES = 5000  # above this, decisions are loaded as counts per forum and outcome


def load_graph(store: GraphStore, max_decisions: int = MAX_DECISION_NODES) -> nx.MultiDiGraph:
    """The governance graph the maps draw from: typed nodes with key facts, labelled edges.
    A national corpus has tens of thousands of decisions: above `max_decisions` they are loaded as one
    node per forum and outcome with a count, which is what a map can show anyway. Quotes are fetched
    later, only for the nodes a view draws."""
    g = nx.MultiDiGraph()
    pre = f"PREFIX sg: <{SG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX org: <http://www.w3.org/ns/org#> " \
          "PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#> PREFIX prov: <http://www.w3.org/ns/prov#> " \
          "PREFIX dct: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    classes = {
        f"{SG}Region": "region", f"{SG}Sundhedsklynge": "klynge", f"{SG}Sundhedsraad": "sundhedsraad", f"{SG}Forum": "forum",
        f"{SG}Kommune": "kommune",
        f"{SG}Organisation": "organisation", "http://xmlns.com/foaf/0.1/Person": "person",
        "http://data.vlaanderen.be/ns/besluit#Zitting": "meeting", "http://data.vlaanderen.be/ns/besluit#Besluit": "decision",
        f"{SG}Initiative": "initiative", f"{SG}Allocation": "allocation",
    }
    priority = list(classes.values())
    decisions = int(next(iter(store.query(pre + "SELECT (COUNT(*) AS ?n) WHERE { ?d a besluit:Besluit }")))["n"].value)
    detailed = decisions <= max_decisions
    wanted = "sg:Region sg:Sundhedsklynge sg:Sundhedsraad sg:Forum sg:Kommune sg:Organisation foaf:Person besluit:Zitting sg:Initiative sg:Allocation"
    if detailed:
        wanted += " besluit:Besluit"
    for row in store.query(pre + f"SELECT DISTINCT ?s ?c WHERE {{ ?s a ?c . VALUES ?c {{ {wanted} }} }}"):
        iri, kind = _v(row, "s"), classes[_v(row, "c")]
        if iri in g and priority.index(g.nodes[iri]["type"]) <= priority.index(kind):
            continue  # a Kommune is also an Organisation: keep the most specific type
        g.add_node(iri, type=kind, label=iri.rsplit("/", 1)[-1], facts=[])
    # one simple query per attribute: Oxigraph plans these well, one query with many OPTIONALs it does not
    attributes = {
        "label": "?s skos:prefLabel ?v", "level": "?s sg:level ?x . ?x skos:notation ?v", "valid_from": "?s sg:validFrom ?v",
        "valid_to": "?s sg:validTo ?v", "date": "?s dct:date ?v", "confidence": "?s sg:confidence ?x . ?x skos:notation ?v",
        "region": "?s sg:inRegion ?v",
    }
    for attribute, pattern in attributes.items():  # of the drawn types only: 8,000 nodes, not 190,000 labelled things
        for row in store.query(pre + f"SELECT ?s (SAMPLE(?v) AS ?value) WHERE {{ ?s a ?c . VALUES ?c {{ {wanted} }} {pattern} }} GROUP BY ?s"):
            node = g.nodes.get(_v(row, "s"))
            if node is not None:
                node[attribute] = _v(row, "value")
    for row in store.query(pre + """SELECT ?s (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) WHERE {
            ?s skos:altLabel ?alt . ?s a ?c . VALUES ?c { sg:Forum sg:Sundhedsklynge sg:Organisation } } GROUP BY ?s"""):
        node = g.nodes.get(_v(row, "s"))
        if node is not None:
            node["aliases"] = _v(row, "alts").split("|")
            local = [a for a in node["aliases"] if " - " not in a and " i " not in a][:4]
            if local:
                node["facts"].append(("Også kaldet", ", ".join(local)))
    for row in [] if not detailed else store.query(pre + """SELECT ?d ?o ?text ?r WHERE { ?d a besluit:Besluit ; sg:outcome ?oc ; prov:value ?text .
            ?oc skos:notation ?o OPTIONAL { ?d sg:answers ?rec . ?rec prov:value ?r } }"""):
        node = g.nodes.get(_v(row, "d"))
        if node is not None:
            node["outcome"] = _v(row, "o")
            node["label"] = f"{concept_label(concept_keys('OutcomeScheme')[_v(row, 'o')])}: {_v(row, 'text')[:60]}"
            node["facts"].append(("Udfald", concept_label(concept_keys("OutcomeScheme")[_v(row, "o")])))
            if _v(row, "r"):
                node["facts"].append(("Indstilling", _v(row, "r")[:300]))
    for row in store.query(pre + "SELECT ?a ?kr ?who WHERE { ?x sg:allocates ?a . ?a sg:amountDKK ?kr OPTIONAL { ?a sg:recipientName ?who } }"):
        node = g.nodes.get(_v(row, "a"))
        if node is not None:
            amount = float(_v(row, "kr"))
            node["label"] = f"{amount:,.0f} kr.".replace(",", ".") + (f" → {_v(row, 'who')}" if _v(row, "who") else "")
            node["facts"].append(("Beløb", f"{amount:,.0f} kr.".replace(",", ".")))
    if not detailed:
        for row in store.query(pre + """SELECT ?f ?o (COUNT(DISTINCT ?d) AS ?n) (MAX(?date) AS ?last) WHERE {
                ?d sg:decidedBy ?f ; sg:outcome ?oc . ?oc skos:notation ?o OPTIONAL { ?d dct:date ?date } } GROUP BY ?f ?o"""):
            forum, outcome, count = _v(row, "f"), _v(row, "o"), int(_v(row, "n"))
            if forum not in g:
                continue
            label = concept_label(concept_keys("OutcomeScheme")[outcome])
            gid = f"{forum}#beslutninger-{outcome}"
            g.add_node(gid, type="group", label=f"{count} × {label.lower()}", outcome=outcome, date=_v(row, "last"),
                       facts=[("Beslutninger", f"{count} med udfaldet {label.lower()}")])
            g.add_edge(gid, forum, label="besluttet af")
    edges = [
        ("sg:inRegion", "i region"), ("sg:partOf", "del af"), ("sg:reportsTo", "rapporterer til"),
        ("org:hasMember", "medlem"), ("sg:acuteHospital", "akutsygehus"), ("sg:heldBy", "holdt af"),
        ("sg:decidedBy", "besluttet af"), ("sg:concerns", "vedrører"), ("sg:allocates", "bevilger"),
        ("sg:allocatedTo", "til"), ("sg:represents", "repræsenterer"), ("sg:establishes", "nedsætter"),
        ("sg:dissolves", "nedlægger"), ("sg:successorOf", "afløser"),
    ]
    values = " ".join(f"({p} \"{label}\")" for p, label in edges)
    for row in store.query(pre + f"SELECT DISTINCT ?s ?o ?label WHERE {{ VALUES (?p ?label) {{ {values} }} ?s ?p ?o }}"):
        s, o = _v(row, "s"), _v(row, "o")
        if s in g and o in g:
            g.add_edge(s, o, label=_v(row, "label"))
    # the route of cases: who recommends or prepares to whom
    # (a case is restated in every document on its route: its forum pairs are made distinct before they are joined)
    for row in store.query(pre + """SELECT ?fa ?fb (COUNT(DISTINCT ?case) AS ?n) WHERE {
            { SELECT DISTINCT ?case ?fb WHERE { ?b sg:stepRole ?rb . ?rb skos:notation "decides" . ?b sg:stepForum ?fb .
                                                ?case sg:routeStep ?b } }
            { SELECT DISTINCT ?case ?fa WHERE { ?a sg:stepRole ?ra . ?ra skos:notation ?ka . VALUES ?ka { "recommends" "prepares" }
                                                ?a sg:stepForum ?fa . ?case sg:routeStep ?a } }
            FILTER(?fa != ?fb)
          } GROUP BY ?fa ?fb"""):
        if _v(row, "fa") in g and _v(row, "fb") in g:
            count = int(_v(row, "n"))
            g.add_edge(_v(row, "fa"), _v(row, "fb"), label=f"anbefaler til ({count} sager)" if count > 1 else "anbefaler til")
    for row in [] if not detailed else store.query(pre + """SELECT DISTINCT ?m ?d WHERE {
            ?m sg:hasAgendaItem ?i . ?t dct:subject ?i ; prov:generated ?d }"""):
        if _v(row, "m") in g and _v(row, "d") in g:
            g.add_edge(_v(row, "m"), _v(row, "d"), label="besluttede")
    # one edge per person, forum and role, with the last meeting it was seen at (a forum map shows its recent members)
    for row in store.query(pre + """SELECT ?p ?f ?role (SAMPLE(?jobtitle) AS ?title) (MAX(?date) AS ?last) WHERE {
            ?ms org:member ?p ; org:organization ?f ; org:role ?r . ?r skos:notation ?role
            OPTIONAL { ?ms sg:jobTitle ?jobtitle } OPTIONAL { ?ms dct:date ?date } } GROUP BY ?p ?f ?role"""):
        if _v(row, "p") in g and _v(row, "f") in g:
            role = concept_label(concept_keys("RoleScheme")[_v(row, "role")])
            g.add_edge(_v(row, "p"), _v(row, "f"), label=role.lower(), last=_v(row, "last"))
            g.nodes[_v(row, "p")]["facts"].append(("Rolle", f"{role}{', ' + _v(row, 'title') if _v(row, 'title') else ''}"))
    _load_councils(g, store, pre)
    _mark_hubs(g)
    return g


def _load_councils(g: nx.MultiDiGraph, store: GraphStore, pre: str) -> None:
    """The sundhedsråd: their phases, size and chairs as facts; kommuner whose council is disputed as dashed
    edges, one per reading; which council each kommune goes to; and the transition from the clusters
    (g.graph['transitions'])."""
    for row in store.query(pre + """SELECT ?c ?kind ?from ?to ?conf WHERE { ?c a sg:Sundhedsraad ; sg:phase ?p .
            ?p sg:phaseKind ?k ; sg:validFrom ?from ; sg:confidence ?cc . ?k skos:notation ?kind . ?cc skos:notation ?conf
            OPTIONAL { ?p sg:validTo ?to } } ORDER BY ?c ?from"""):
        node = g.nodes.get(_v(row, "c"))
        if node is not None:
            period = f"{_v(row, 'from')} – {_v(row, 'to') or ''}".strip(" –") if _v(row, "to") else f"fra {_v(row, 'from')}"
            node["facts"].append(("Forberedende" if _v(row, "kind") == "forberedende" else "Formelt", f"{period} ({_v(row, 'conf')})"))
    for row in store.query(pre + "SELECT ?c ?v WHERE { ?c a sg:Sundhedsraad ; sg:composition ?v }"):
        if _v(row, "c") in g:
            g.nodes[_v(row, "c")]["facts"].append(("Sammensætning", _v(row, "v")))
    for row in store.query(pre + """SELECT DISTINCT ?c ?role ?name ?party ?conf WHERE { ?s a sg:CouncilSeat ; org:organization ?c ;
            org:role ?r ; org:member ?p ; sg:confidence ?cc . ?r skos:notation ?role . FILTER(?role IN ("formand", "naestformand"))
            ?p foaf:name ?name . ?cc skos:notation ?conf OPTIONAL { ?s sg:party ?party } } ORDER BY ?c ?role"""):
        if _v(row, "c") in g:
            role = "Formand" if _v(row, "role") == "formand" else "Næstformand"
            party = f" ({_v(row, 'party')})" if _v(row, "party") else ""
            g.nodes[_v(row, "c")]["facts"].append((role, f"{_v(row, 'name')}{party} [{_v(row, 'conf')}]"))
    for row in store.query(pre + """SELECT ?c ?task ?role ?conf WHERE { ?c a sg:Sundhedsraad ; sg:competence ?k .
            ?k skos:prefLabel ?task ; sg:councilRole ?r ; sg:confidence ?cc . ?r skos:notation ?role . ?cc skos:notation ?conf }
            ORDER BY ?c ?role ?task"""):
        if _v(row, "c") in g:
            what = {"decides": "Beslutter selv", "recommends": "Anbefaler (regionsrådet beslutter)"}.get(_v(row, "role"), "Orienteres")
            g.nodes[_v(row, "c")]["facts"].append((what, f"{_v(row, 'task')} [{_v(row, 'conf')}]"))
    councils_of: dict[str, list[str]] = {}
    for row in store.query(pre + """SELECT DISTINCT ?c ?k ?reading ?primary ?conf WHERE { ?m org:organization ?c ; org:member ?k .
            ?c a sg:Sundhedsraad . ?k a sg:Kommune . ?m sg:confidence ?cc . ?cc skos:notation ?conf
            OPTIONAL { ?m sg:reading ?reading } OPTIONAL { ?m sg:primaryReading ?primary } }"""):
        council, kommune, reading = _v(row, "c"), _v(row, "k"), _v(row, "reading")
        if council not in g or kommune not in g:
            continue
        name = g.nodes[council]["label"]
        if reading:
            g.add_edge(council, kommune, label=f"omstridt: {reading}", dashes=True, primary=_v(row, "primary") == "true",
                       title=f"{g.nodes[kommune]['label']} i {name} ifølge {reading} ({_v(row, 'conf')})")
            councils_of.setdefault(kommune, []).append(f"{name} ({reading}, omstridt, {_v(row, 'conf')})")
        else:
            councils_of.setdefault(kommune, []).append(f"{name} ({_v(row, 'conf')})")
    for kommune, names in councils_of.items():
        g.nodes[kommune]["facts"].append(("Sundhedsråd", "; ".join(sorted(names))))
    transitions: dict[str, dict] = {}
    for row in store.query(pre + """SELECT ?t ?from ?to ?date ?conf ?note ?k ?disputed WHERE { ?t a sg:Transition ;
            org:originalOrganization ?from ; org:resultingOrganization ?to ; dct:date ?date ; sg:confidence ?cc ; sg:note ?note ;
            sg:municipality ?k . ?cc skos:notation ?conf BIND(EXISTS { ?t sg:disputedMunicipality ?k } AS ?disputed) }"""):
        t = transitions.setdefault(_v(row, "t"), {"from": _v(row, "from"), "to": _v(row, "to"), "date": _v(row, "date"),
                                                  "confidence": _v(row, "conf"), "note": _v(row, "note"),
                                                  "municipalities": set(), "disputed": set()})
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
    core = g.subgraph([n for n, d in g.nodes(data=True) if d["type"] in ("forum", "klynge", "organisation", "kommune", "person", "region")])
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
            g.nodes[n]["facts"].append(("Knudepunkt", f"et af de mest forbundne fora (centralitet {c:.3f})"))


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


def structure(g: nx.MultiDiGraph, at: str) -> nx.MultiDiGraph:
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
                continue  # of a region's forums the structure shows the political one (SSU, SKU); the region's map the rest
            if any(p in keep or g.nodes[p]["type"] == "region" and _valid(g.nodes[p], at) for p in parents):
                keep.add(n)
    for k in [n for n in keep if g.nodes[n]["type"] in ("klynge", "sundhedsraad")]:
        for _, o, e in g.out_edges(k, data=True):
            if (e["label"] in ("medlem", "akutsygehus") or e.get("dashes")) and g.nodes[o]["type"] in ("kommune", "organisation"):
                keep.add(o)
    for c in [n for n in keep if g.nodes[n]["type"] == "sundhedsraad"]:
        parents = [o for _, o, e in g.out_edges(c, data=True) if e["label"] == "del af"]
        if not any(p in keep for p in parents):  # Region Østdanmark before 2027: the preparatory regional council
            keep.update(o for _, o, e in g.out_edges(c, data=True) if e["label"] == "rapporterer til" and _valid(g.nodes[o], at))
    view = nx.MultiDiGraph(g.subgraph(keep))
    view.remove_edges_from([(s, o, k) for s, o, k, e in view.edges(keys=True, data=True) if e["label"] == "afløser"])
    # a kommune hangs under its cluster or council; one with neither hangs under its region, or the region it became
    regions = {n for n in keep if g.nodes[n]["type"] == "region"}
    for n in [n for n in view if view.nodes[n]["type"] == "kommune"]:
        placed = any(view.nodes[s]["type"] in ("klynge", "sundhedsraad") for s, _ in view.in_edges(n))
        if placed:
            view.remove_edges_from([(n, o, k) for _, o, k, e in view.out_edges(n, keys=True, data=True) if e["label"] == "i region"])
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
        if g.nodes[candidate].get("valid_from") and g.nodes[region].get("valid_to") and \
                g.nodes[candidate]["valid_from"] > g.nodes[region]["valid_to"] and \
                (g.nodes[candidate].get("label", "").startswith("Region")):
            return candidate
    return None


REGION_ORDER = ("1081", "1082", "1083", "1085", "1084", "oestdanmark")  # west to east: Østdanmark spans Sjælland and Hovedstaden


def _region_rank(region: str | None) -> int:
    key = (region or "").rsplit("/", 1)[-1]
    return REGION_ORDER.index(key) if key in REGION_ORDER else len(REGION_ORDER)


ROW_BREAKS = ("1085", "oestdanmark")  # the east starts a second row: the country fits the screen, not one long strip
COLUMN = 200.0  # the width of a cluster's (or a council's) column


def structure_positions(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A readable structure: a column per cluster (or, without clusters, per council) with its levels and forums under it
    and its kommuner listed below, ordered by region west to east in two rows (the east, which becomes Region Østdanmark,
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
        if not rows or (key in ROW_BREAKS and rows[-1] and region_of(rows[-1][-1]) != region_of(h)
                        and not any(region_of(x).rsplit("/", 1)[-1] in ROW_BREAKS for x in rows[-1])):
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
            forums = sorted((n for n, o in head_of.items() if o == h and kind[n] == "forum"),
                            key=lambda n: (LEVEL_LAYER.get(view.nodes[n].get("level"), 4), label[n]))
            for j, f in enumerate(forums):
                pos[f] = (x, y0 + 250 + j * 62)
            members = sorted((n for n, o in head_of.items() if o == h and kind[n] in ("kommune", "organisation")),
                             key=lambda n: (kind[n] != "kommune", label[n]))
            top = y0 + 250 + forums_max * 62 + 20
            for j, m in enumerate(members):
                pos[m] = (x, top + j * 54)
        bottom = max(y for n, (_, y) in pos.items() if n in head_of or n in row) + 150
        if clusters and councils:  # 2026: the councils under the kommuner they take over, spread so none overlap
            mine = []
            for c in councils:
                xs = [pos[o] for _, o, e in view.out_edges(c, data=True) if o in pos and kind[o] == "kommune" and not e.get("dashes")]
                if xs and sum(1 for _, y in xs if y >= y0) * 2 > len(xs):
                    mine.append((sum(x for x, _ in xs) / len(xs), label[c], c))
            last = -math.inf
            for cx, _, c in sorted(mine):
                cx = max(cx, last + COLUMN)
                pos[c] = (cx, bottom)
                last = cx
            if mine:
                bottom += 170
            # what a council in this row answers to when its region does not exist yet (the preparatory regional council)
            stand_ins = sorted({o for _, _, c in mine for _, o, e in view.out_edges(c, data=True)
                                if e["label"] == "rapporterer til" and o not in pos})
            for j, s in enumerate(stand_ins):
                xs = [pos[c][0] for c, _, e in view.in_edges(s, data=True) if c in pos]
                pos[s] = (sum(xs) / len(xs) if xs else 0.0, bottom + j * 70)
            bottom += 70 * len(stand_ins)
        y0 = bottom + 200
    # regions over their columns (a region without a column of its own: over the columns of its kommuner), their forums beside
    for reg in sorted((n for n in view if kind[n] == "region"), key=_region_rank):
        own = [h for h in heads if region_of(h) == reg]
        if not own:
            own = [h for h in heads if any(region_of(m) == reg for m, o in head_of.items() if o == h)]
        xs = [column_x[h] for h in own] or [0.0]
        top = row_tops[row_of_head[own[0]]] if own else (max((y for _, y in pos.values()), default=0.0) + 300)
        pos[reg] = ((min(xs) + max(xs)) / 2, top)
        regional = sorted(s for s, _, e in view.in_edges(reg, data=True)
                          if kind[s] == "forum" and e["label"] == "del af" and s not in pos)
        for j, f in enumerate(regional):
            pos[f] = ((min(xs) + max(xs)) / 2 + 330, top + 40 + j * 60)
    rest = sorted((n for n in view if n not in pos), key=lambda n: (kind[n], label[n]))
    low = max((y for _, y in pos.values()), default=0.0) + 200
    for i, n in enumerate(rest):  # whatever is left (a kommune with neither cluster nor council): a row at the bottom
        pos[n] = (i * COLUMN, low)
    return pos


def _next_day(day: str) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() + 1).isoformat()


def _previous_day(day: str) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() - 1).isoformat()


def dated_structure(g: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, list[dict]]:
    """The structure at every date at once: the union of every period's structure, and the periods (from, to, the
    graph of that period, its layout). A period changes wherever something starts or ends; periods with the same
    picture are one. The page shows the period of the date the reader picks (default: the reader's today)."""
    starts = set()
    for _, d in g.nodes(data=True):
        if d["type"] in ("region", "klynge", "sundhedsraad", "forum"):
            if d.get("valid_from"):
                starts.add(d["valid_from"])
            if d.get("valid_to"):
                starts.add(_next_day(d["valid_to"]))
    starts = sorted(starts)
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
    return union, periods


def period_on(periods: list[dict], at: str) -> dict:
    return next(p for p in periods if (p["from"] is None or p["from"] <= at) and (p["to"] is None or at <= p["to"]))


def neighbourhood(g: nx.MultiDiGraph, centre: str, radius: int = 2, limit_types: tuple[str, ...] | None = None) -> nx.MultiDiGraph:
    undirected = g.to_undirected(as_view=True)
    nodes = set(nx.single_source_shortest_path_length(undirected, centre, cutoff=radius))
    if limit_types:
        nodes = {n for n in nodes if g.nodes[n]["type"] in limit_types or n == centre}
    return nx.MultiDiGraph(g.subgraph(nodes))


def forum_view(g: nx.MultiDiGraph, forum: str) -> nx.MultiDiGraph:
    """Onboarding: the forum, its cluster, the levels above and below, members and their organisations,
    its meetings, decisions and the initiatives they concern. A forum that has met a thousand times shows its
    `RECENT` newest meetings and decisions and the people seen at those; the older ones as one node each."""
    keep = {forum}
    up = forum
    for _ in range(6):  # the chain above
        nxt = [o for _, o, e in g.out_edges(up, data=True) if e["label"] in ("rapporterer til", "del af")]
        keep.update(nxt)
        if not nxt:
            break
        up = nxt[0]
    keep.update(s for s, _, e in g.in_edges(forum, data=True) if e["label"] in ("rapporterer til", "del af", "holdt af", "besluttet af"))
    older = {kind: _older(g, keep, kind, RECENT) for kind in ("meeting", "decision")}
    keep -= older["meeting"] | older["decision"]
    kept_dates = [g.nodes[n]["date"] for n in keep if g.nodes[n]["type"] == "meeting" and g.nodes[n].get("date")]
    since = min(kept_dates) if older["meeting"] and kept_dates else None
    for s, _, e in g.in_edges(forum, data=True):
        if g.nodes[s]["type"] == "person" and (since is None or (e.get("last") or since) >= since):
            keep.add(s)
            keep.update(o for _, o, e2 in g.out_edges(s, data=True) if e2["label"] == "repræsenterer")
    for d in [n for n in keep if g.nodes[n]["type"] == "decision"]:
        keep.update(o for _, o, e in g.out_edges(d, data=True) if e["label"] in ("vedrører", "bevilger", "nedsætter", "nedlægger"))
    view = nx.MultiDiGraph(g.subgraph(keep))
    for kind, nodes in older.items():
        if nodes:
            dates = sorted(g.nodes[n]["date"] for n in nodes if g.nodes[n].get("date"))
            name = {"meeting": "møder", "decision": "beslutninger"}[kind]
            gid = f"{forum}#gruppe-aeldre-{kind}"
            span = f" ({dates[0]} – {dates[-1]})" if dates else ""
            view.add_node(gid, type="group", label=f"{len(nodes)} ældre {name}", date=dates[-1] if dates else None,
                          facts=[("Samlet", f"{len(nodes)} {name}{span}; de {RECENT} nyeste vises hver for sig")])
            view.add_edge(gid, forum, label="holdt af" if kind == "meeting" else "besluttet af")
    return view


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
    for s, _, e in g.in_edges(organisation, data=True):
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
            anchor = next((x for x in anchors if out.nodes[x]["type"] in ("forum", "klynge", "organisation", "kommune")), None)
            key = (anchor, d.get("outcome"))
            groups.setdefault(key, []).append(n)
        for (anchor, outcome), members in groups.items():
            if len(members) < 3 or anchor is None:
                continue
            label = f"{len(members)} × {TYPES[kind][0].lower()}" + (f": {concept_label(concept_keys('OutcomeScheme')[outcome])}" if outcome else "")
            gid = f"{anchor}#gruppe-{kind}-{outcome or 'alle'}"
            dates = sorted(out.nodes[m].get("date") or "" for m in members)
            out.add_node(gid, type="group", label=label, facts=[("Samlet", f"{len(members)} {TYPES[kind][0].lower()}")],
                         outcome=outcome, date=dates[-1] or None)
            out.add_edge(gid, anchor, label="")
            out.remove_nodes_from(members)
        if out.number_of_nodes() <= limit:
            break
    return out


# --------------------------------------------------------------------------- layout and rendering

def hierarchical_positions(view: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Layers top-down (regions, clusters, political, professional, other forums, members), each ordered under its parents."""
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
    pos = {}
    columns = 4  # members sit in a small grid under their cluster, not on one endless row
    for depth in sorted(layers):
        members = layers[depth]

        def anchor(n: str) -> float:
            near = [position[m] for m in nx.all_neighbors(view, n) if m in position]
            return sum(near) / len(near) if near else 1e9
        members.sort(key=lambda n: (anchor(n), view.nodes[n]["label"]))
        if depth < 5 or not position:
            spacing = 260
            width = (len(members) - 1) * spacing
            for i, n in enumerate(members):
                position[n] = i * spacing - width / 2
                pos[n] = (position[n], depth * 380)
            continue
        groups: dict[float, list[str]] = {}
        for n in members:
            near = [position[m] for m in nx.all_neighbors(view, n) if m in position and view.nodes[m]["type"] == "klynge"]
            groups.setdefault(near[0] if near else anchor(n), []).append(n)
        for centre, group in groups.items():
            centre = centre if centre < 1e8 else max(position.values()) + 300
            for i, n in enumerate(group):
                row, col = divmod(i, columns)
                x = centre + (col - (min(columns, len(group)) - 1) / 2) * 62
                position[n] = x
                pos[n] = (x, depth * 380 + row * 55)
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
            hub_graph.add_edges_from(zip(near, near[1:]))
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


COUNTRY_FONTS = {"region": 30, "klynge": 22, "sundhedsraad": 22, "forum": 15, "kommune": 18, "organisation": 15}  # readable at "show all"


def _node_record(n: str, d: dict, x: float, y: float, fonts: dict[str, int] | None) -> dict:
    facts = [list(f) for f in d.get("facts", [])]
    for key, label in (("date", "Dato"), ("valid_from", "Gyldig fra"), ("valid_to", "Gyldig til"), ("confidence", "Sikkerhed")):
        if d.get(key):
            facts.append([label, d[key]])
    if d.get("level"):
        facts.append(["Niveau", d["level"]])
    record = {
        "id": n, "label": d.get("label", n), "type": d["type"], "x": round(x, 1), "y": round(y, 1),
        "level": d.get("level"), "date": d.get("date"), "facts": facts, "quote": d.get("quote"),
        "source": d.get("source"), "iri": n if n.startswith("http") and "#gruppe" not in n else None,
        "hub": bool(d.get("hub")), "size": 26 if d.get("hub") else None,
        "color": OUTCOME_COLORS.get(d.get("outcome")) if d["type"] in ("decision", "group") and d.get("outcome") else None,
    }
    if fonts and d["type"] in fonts:
        record["fontSize"] = fonts[d["type"]]
    return record


def _wrap(records: list[dict], width: int | None) -> None:
    if width:
        for record in records:
            record["maxWidth"] = width


def _edge_record(s: str, o: str, e: dict) -> dict:
    record = {"from": s, "to": o, "label": "" if e.get("quiet") else e.get("label", "")}
    if e.get("quiet") and e.get("label"):
        record["title"] = e["label"]
    if e.get("dashes"):
        record["dashes"] = True
    if e.get("title"):
        record["title"] = e["title"]
    return record


def view_data(view: View, quotes: dict[str, tuple[str, str] | None] | None = None) -> dict:
    """Nodes and edges of one view, through pyvis' data model (filled directly: add_edge is O(n) per call).
    `quotes` (node -> quote, source file) is filled from the view's store for the nodes drawn."""
    graph = view.graph if view.periods else aggregate(view.graph)
    if view.store is not None:
        attach_quotes(graph, view.store, {} if quotes is None else quotes)
    if view.positions is not None:
        pos = view.positions
    elif view.periods:  # each node where it stands in the first period it is in; the page moves it per period
        pos = {}
        for period in view.periods:
            for n, xy in period["pos"].items():
                pos.setdefault(n, xy)
    else:
        pos = hierarchical_positions(graph) if view.hierarchical else spring_positions(graph)
    net = Network(directed=True)
    for n, d in graph.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        net.nodes.append(_node_record(n, d, x, y, view.fonts))
    seen: dict[tuple, int] = {}
    for s, o, e in graph.edges(data=True):
        key = (s, o, e.get("label"))
        if key not in seen:
            seen[key] = len(net.edges)
            net.edges.append(_edge_record(s, o, e))
    _wrap(net.nodes, view.wrap)
    data = {"id": view.id, "label": view.label, "nodes": net.nodes, "edges": net.edges}
    if view.periods:
        data["dated"] = {
            "default": view.default_date,
            "periods": [{"from": p["from"], "to": p["to"],
                         "pos": {n: [round(x, 1), round(y, 1)] for n, (x, y) in p["pos"].items()},
                         "edges": sorted(seen[k] for k in p["edges"] if k in seen)} for p in view.periods],
        }
    return data


def _options() -> dict:
    net = Network(directed=True)
    net.toggle_physics(False)
    options = json.loads(net.options.to_json())
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": True}
    options["layout"] = {"improvedLayout": False}
    options["edges"] = {"font": {"size": 10}, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}}
    options["nodes"] = {"font": {"size": 13}}
    return options


def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def _script_safe_json(data) -> str:
    """JSON that cannot close the <script> it sits in or open a comment."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def attach_quotes(graph: nx.MultiDiGraph, store: GraphStore, cache: dict[str, tuple[str, str] | None]) -> None:
    """The quoted source sentence for every node drawn, fetched in batches; `cache` spares the views of one page
    from fetching a node twice."""
    wanted = [n for n in graph if n.startswith("http") and "#" not in n and n not in cache]
    for fact, quote in quotes(store, wanted).items():
        cache[fact] = (quote.text[:400], quote.file)
    cache.update({n: None for n in wanted if n not in cache})  # a node without a quote is not asked for again
    for n, d in graph.nodes(data=True):
        if cache.get(n) and "quote" not in d:
            d["quote"], d["source"] = cache[n]


def render(views: list[View], title: str, heading: str, intro: str, start: str | None = None) -> str:
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html"]))
    template = env.get_template("template.html")
    vis_js, vis_css = _vis_assets()
    quotes: dict[str, tuple[str, str] | None] = {}
    data = {
        "views": {v.id: view_data(v, quotes) for v in views},
        "start": start or views[0].id,
        "types": {k: {"label": label, "style": style, "shapeLabel": shape} for k, (label, style, shape) in TYPES.items()},
        "legend": [{"label": f"Beslutning: {concept_label(concept_keys('OutcomeScheme')[k])}", "color": c} for k, c in OUTCOME_COLORS.items()],
        "levels": [[k, concept_label(v)] for k, v in sorted(concept_keys("ForumLevelScheme").items())],
        "options": _options(),
    }
    return template.render(
        title=title, heading=heading, intro=intro, views=[{"id": v.id, "label": v.label} for v in views],
        data_json=_script_safe_json(data), vis_js=vis_js, vis_css=vis_css,
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
    "structure": "Regioner, sundhedsklynger med deres niveauer, fora og kommuner, og de 17 sundhedsråd. Klyngerne har to "
                 "lovbestemte niveauer: politisk niveau og fagligt strategisk niveau; under dem ligger lokale fora. "
                 "Sundhedsrådene har mødtes som forberedende råd siden januar 2026 og overtager 1. januar 2027, når klyngerne "
                 "og samarbejdsudvalgene ophører og Region Hovedstaden og Region Sjælland bliver til Region Østdanmark. "
                 "Kortet viser det, der fandtes på den valgte dato (standard: i dag); vælg en anden dato for at se før og efter.",
    "transition": "Hvor klyngernes kommuner går hen 1. januar 2027: klyngerne øverst, kommunerne i midten, sundhedsrådet de "
                  "flytter til nederst. En stiplet linje er en omstridt kommune: kilderne er uenige, og hver læsning er vist.",
    "sundhedsraad": "Sundhedsrådet: regionen og regionsrådet det anbefaler til, medlemmerne med rolle og den kommune de "
                    "repræsenterer, kommunerne, klyngerne det overtager fra, og møder og beslutninger hvis referaterne er "
                    "læst. Klik på rådet for faser, sammensætning og hvad rådet beslutter selv og hvad det kun anbefaler.",
    "forum": "Forummet, klyngen eller organisationen det hører til, niveauerne over og under, medlemmerne og deres "
             "organisationer, møderne og beslutningerne. Klik på en knude for fakta og kilde.",
    "decisions": "Hvem beslutter hvad: fora, deres beslutninger farvet efter udfald, de initiativer de vedrører, og pengene.",
    "organisation": "Hvor organisationen sidder, og hvad der vedrører den.",
    "path": "Den korteste forbindelse mellem to knuder i grafen.",
}


def transition_view(g: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict[str, tuple[float, float]]]:
    """Clusters (top) -> the kommuner that move (middle, in the column of the council they move to) -> councils (bottom).
    A disputed kommune stands in the column of the reading the reference notes follow, with a dashed edge to the
    council of every other reading."""
    view = nx.MultiDiGraph()
    transitions = [t for t in g.graph.get("transitions", []) if g.nodes.get(t["from"], {}).get("type") == "klynge"]
    column_of: dict[str, str] = {}  # kommune -> the council whose column it stands in
    for s, o, e in g.edges(data=True):
        if g.nodes[s]["type"] == "sundhedsraad" and g.nodes[o]["type"] == "kommune" and (e["label"] == "medlem" or e.get("primary")):
            column_of[o] = s
    for t in transitions:
        for k in t["municipalities"]:
            view.add_node(t["from"], **g.nodes[t["from"]])
            view.add_node(k, **g.nodes[k])
            view.add_node(t["to"], **g.nodes[t["to"]])
            if not view.has_edge(t["from"], k):
                view.add_edge(t["from"], k, label="", title=f"{g.nodes[k]['label']} i {g.nodes[t['from']]['label']} til 2026-12-31")
            if k in t["disputed"]:
                view.add_edge(k, t["to"], label="omstridt", dashes=True,
                              title=f"{g.nodes[k]['label']} → {g.nodes[t['to']]['label']} i én læsning af kilderne ({t['note']})")
            else:
                view.add_edge(k, t["to"], label="", title=f"{g.nodes[k]['label']} → {g.nodes[t['to']]['label']} fra {t['date']}")
    councils = sorted((n for n in view if view.nodes[n]["type"] == "sundhedsraad"),
                      key=lambda c: (_region_rank(view.nodes[c].get("region")), view.nodes[c]["label"]))
    rows: list[list[str]] = []
    for c in councils:  # the east (Region Østdanmark) in a second row, so the country fits the screen
        east = (view.nodes[c].get("region") or "").rsplit("/", 1)[-1] in ROW_BREAKS
        if not rows or (east and not any((view.nodes[x].get("region") or "").rsplit("/", 1)[-1] in ROW_BREAKS for x in rows[-1])):
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
    above = sorted((o for _, o, e in view.out_edges(council, data=True) if e["label"] in ("del af", "rapporterer til")),
                   key=lambda n: (kind[n] != "region", label[n]))
    for i, n in enumerate(above):
        pos[n] = ((i - (len(above) - 1) / 2) * 330, -300.0)
    for n in view:  # what the regional councils and the region are part of, higher still
        if n not in pos and any(o in above for _, o in view.out_edges(n)) and kind[n] in ("region", "forum") \
                and not any(o == council for _, o in view.out_edges(n)):
            pos[n] = (len([m for m in pos if pos[m][1] == -520.0]) * 330.0, -520.0)
    forms = sorted(s for s, _, e in view.in_edges(council, data=True) if kind[s] == "forum" and e["label"] == "del af")
    for i, n in enumerate(forms):
        pos[n] = ((-1 if i % 2 else 1) * 340.0, 90.0 * (i // 2) - 60)
    predecessors = sorted({s for s, _, e in view.in_edges(council, data=True) if kind[s] in ("klynge", "forum") and e["label"].startswith("overtager")},
                          key=lambda n: (kind[n] != "klynge", label[n]))
    for i, n in enumerate(predecessors):
        pos[n] = (-700.0, (i - (len(predecessors) - 1) / 2) * 110)
    kommuner = sorted({o for _, o in view.out_edges(council) if kind[o] == "kommune"}, key=lambda n: label[n])
    for i, n in enumerate(kommuner):
        pos[n] = (700.0, (i - (len(kommuner) - 1) / 2) * 75)
    order = {"formand": 0, "næstformand": 1}
    people = sorted({s for s, _ in view.in_edges(council) if kind[s] == "person"},
                    key=lambda n: (min(order.get(e["label"], 2) for _, o, e in view.out_edges(n, data=True) if o == council), label[n]))
    for i, n in enumerate(people):
        row, col = divmod(i, 5)
        pos[n] = ((col - 2) * 190.0, 260.0 + row * 80)
    y = 260.0 + (len(people) + 4) // 5 * 80 + 120
    rest = sorted((n for n in view if n not in pos), key=lambda n: (kind[n], view.nodes[n].get("date") or "", label[n]))
    for i, n in enumerate(rest):
        row, col = divmod(i, 6)
        pos[n] = ((col - 2.5) * 190.0, y + row * 90)
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
            label = f"overtager {certain} kommune{'r' if certain != 1 else ''}" + (" + omstridte" if t["disputed"] else "")
            view.add_edge(t["from"], council, label=label, title=t["note"], dashes=not certain)
    # a kommune's region and a regional seat's region are the council's own: lines to it say nothing new
    region = g.nodes[council].get("region")
    view.remove_edges_from([(s, o, k) for s, o, k, e in view.edges(keys=True, data=True)
                            if e["label"] == "i region" or (e["label"] == "repræsenterer" and o == region)])
    return view


def _seen_in_minutes(g: nx.MultiDiGraph, person: str) -> bool:
    """A person met in minutes (a membership with a meeting date), not only in the registry's lists of council members."""
    return any(e.get("last") for _, _, e in g.out_edges(person, data=True))


def _structure_view(g: nx.MultiDiGraph, view_id: str, label: str, default: str | None, store: GraphStore) -> View:
    union, periods = dated_structure(g)
    return View(view_id, label, union, store=store, periods=periods, default_date=default, fonts=COUNTRY_FONTS, wrap=180)


def make_map(store: GraphStore, kind: str, focus: str | None = None, at: str | None = None) -> tuple[str, str]:
    """(title, html) of one map. A structure map shows the date `at`, or, without one, the reader's today: the page
    works the date out when it is opened, says which date it shows and lets the reader pick another."""
    g = load_graph(store)
    page = None  # the page's own title, when the page adds the date it shows
    if kind == "structure":
        view = _structure_view(g, "struktur", "Strukturen", at, store)
        page = "Sundhedssamarbejdets struktur"
        title = page + (f" pr. {at}" if at else "")
        if at and not period_on(view.periods, at)["nodes"]:
            raise MapError(f"kortet '{title}' har ingen knuder på {at}")
    elif kind == "transition":
        graph, positions = transition_view(g)
        view = View("overgang", "Fra klynger til sundhedsråd (2027-01-01)", graph, store=store, positions=positions,
                    fonts=COUNTRY_FONTS, wrap=180)
        title = "Fra sundhedsklynger til sundhedsråd 2027-01-01"
    elif kind in ("forum", "sundhedsraad"):
        if not focus:
            raise MapError("forumkortet kræver --focus (navn eller IRI på forummet)")
        node = find(g, focus, ("forum", "sundhedsraad"))
        council = g.nodes[node]["type"] == "sundhedsraad"
        sub = council_view(g, node) if council else forum_view(g, node)
        view = View("forum", g.nodes[node]["label"], sub, store=store,
                    positions=council_positions(sub, node) if council else None, wrap=170 if council else None)
        title = f"{'Sundhedsråd' if council else 'Forum'}: {g.nodes[node]['label']}".replace("Sundhedsråd: Sundhedsråd ", "Sundhedsråd ")
        kind = "sundhedsraad" if council else "forum"
    elif kind == "decisions":
        node = find(g, focus, ("forum", "sundhedsraad")) if focus else None
        view = View("beslutninger", "Beslutninger", decisions_view(g, node), store=store)
        title = "Hvem beslutter hvad" + (f": {g.nodes[node]['label']}" if node else "")
    elif kind == "organisation":
        if not focus:
            raise MapError("organisationskortet kræver --focus (navn eller IRI)")
        node = find(g, focus, ("organisation", "kommune", "region"))
        view = View("organisation", g.nodes[node]["label"], organisation_view(g, node), store=store)
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
    return steps, render([View("sti", title, graph, hierarchical=False, store=store)], title, title, INTRO["path"])


def onboarding_pack(store: GraphStore, out_dir: Path, at: str | None = None) -> Path:
    """maps/index.html: one offline page with the structure on the reader's day (or `at`) and after the reform, the
    transition from clusters to councils, who decides what, and a map per cluster, per sundhedsråd, per forum and per
    organisation with data."""
    g = load_graph(store)
    transition, positions = transition_view(g)
    views = [
        _structure_view(g, "struktur", "Strukturen (i dag, eller vælg en dato)" if not at else f"Strukturen ({at})", at, store),
        _structure_view(g, "struktur-2027", "Strukturen efter reformen (2027-01-01)", "2027-01-01", store),
        View("overgang", "Fra klynger til sundhedsråd (2027-01-01)", transition, store=store, positions=positions,
             fonts=COUNTRY_FONTS, wrap=180),
        View("beslutninger", "Hvem beslutter hvad", decisions_view(g), store=store),
    ]
    for n, d in sorted(g.nodes(data=True), key=lambda x: x[1]["label"]):
        if d["type"] == "klynge":
            sub = nx.MultiDiGraph(g.subgraph({n} | {s for s, _, e in g.in_edges(n, data=True)} | {o for _, o in g.out_edges(n)}))
            views.append(View(f"klynge-{n.rsplit('/id/', 1)[-1]}", f"Klynge: {d['label']}", sub, hierarchical=True, store=store))
    for n, d in sorted(g.nodes(data=True), key=lambda x: x[1]["label"]):  # every council, like a forum
        if d["type"] == "sundhedsraad":
            sub = council_view(g, n)
            views.append(View(f"sundhedsraad-{n.rsplit('/id/', 1)[-1]}", d["label"], sub, store=store,
                              positions=council_positions(sub, n), wrap=170))
    # the busiest forums and the most connected organisations; `sundhedsgraf map` draws any other
    activity = {n: sum(1 for _, _, e in g.in_edges(n, data=True) if e["label"] in ("holdt af", "besluttet af"))
                for n, d in g.nodes(data=True) if d["type"] == "forum"}
    busiest = sorted((n for n, a in activity.items() if a), key=lambda n: (-activity[n], g.nodes[n]["label"]))[:PACK_VIEWS]
    for n in sorted(busiest, key=lambda n: g.nodes[n]["label"]):
        views.append(View(f"forum-{n.rsplit('/id/', 1)[-1]}", f"Forum: {g.nodes[n]['label']}", forum_view(g, n), store=store))
    links = {n: sum(1 for s, _ in g.in_edges(n) if g.nodes[s]["type"] == "allocation"
                    or g.nodes[s]["type"] == "person" and _seen_in_minutes(g, s))
             for n, d in g.nodes(data=True) if d["type"] in ("organisation", "kommune")}
    connected = sorted((n for n, c in links.items() if c), key=lambda n: (-links[n], g.nodes[n]["label"]))[:PACK_VIEWS]
    for n in sorted(connected, key=lambda n: g.nodes[n]["label"]):
        views.append(View(f"organisation-{n.rsplit('/id/', 1)[-1]}", f"Organisation: {g.nodes[n]['label']}", organisation_view(g, n), store=store))
    html = render(views, "sundhedsgraf: kort over sundhedssamarbejdet", "Sundhedssamarbejdet på kort", INTRO["structure"] +
                  " Vælg et kort: strukturen, overgangen til sundhedsrådene, hvem der beslutter hvad, eller en klynge, et "
                  "sundhedsråd, et forum eller en organisation.")
    return write_html(Path(out_dir) / "maps" / "index.html", html)
