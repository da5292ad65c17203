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
LEVEL_LAYER = {"regionalt-politisk": 2, "politisk-niveau": 2, "regionalt-administrativt": 3, "fagligt-strategisk-niveau": 3}


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
        f"{SG}Region": "region", f"{SG}Sundhedsklynge": "klynge", f"{SG}Forum": "forum", f"{SG}Kommune": "kommune",
        f"{SG}Organisation": "organisation", "http://xmlns.com/foaf/0.1/Person": "person",
        "http://data.vlaanderen.be/ns/besluit#Zitting": "meeting", "http://data.vlaanderen.be/ns/besluit#Besluit": "decision",
        f"{SG}Initiative": "initiative", f"{SG}Allocation": "allocation",
    }
    priority = list(classes.values())
    decisions = int(next(iter(store.query(pre + "SELECT (COUNT(*) AS ?n) WHERE { ?d a besluit:Besluit }")))["n"].value)
    detailed = decisions <= max_decisions
    wanted = "sg:Region sg:Sundhedsklynge sg:Forum sg:Kommune sg:Organisation foaf:Person besluit:Zitting sg:Initiative sg:Allocation"
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
        ("sg:dissolves", "nedlægger"),
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
    _mark_hubs(g)
    return g


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
    """Regions -> clusters -> levels and forums -> member organisations, as of a date."""
    keep = {n for n, d in g.nodes(data=True) if d["type"] in ("region", "klynge") and _valid(d, at)}
    for n, d in g.nodes(data=True):
        if d["type"] == "forum" and _valid(d, at):
            parents = [o for _, o, e in g.out_edges(n, data=True) if e["label"] == "del af"]
            if any(p in keep or g.nodes[p]["type"] == "region" and _valid(g.nodes[p], at) for p in parents):
                keep.add(n)
    for k in [n for n in keep if g.nodes[n]["type"] == "klynge"]:
        for _, o, e in g.out_edges(k, data=True):
            if e["label"] in ("medlem", "akutsygehus") and g.nodes[o]["type"] != "region":
                keep.add(o)
    view = nx.MultiDiGraph(g.subgraph(keep))
    # kommuner with no cluster left (after the reform) still belong to a region: the one their region became
    regions = {n for n in keep if g.nodes[n]["type"] == "region"}
    for n, d in g.nodes(data=True):
        if d["type"] == "kommune" and n not in view and d.get("region"):
            region = d["region"] if d["region"] in regions else _successor(g, d["region"], regions)
            if region:
                view.add_node(n, **d)
                view.add_edge(n, region, label="i region")
    return view


def _successor(g: nx.MultiDiGraph, region: str, alive: set[str]) -> str | None:
    for candidate in alive:
        if g.nodes[candidate].get("valid_from") and g.nodes[region].get("valid_to") and \
                g.nodes[candidate]["valid_from"] > g.nodes[region]["valid_to"] and \
                (g.nodes[candidate].get("label", "").startswith("Region")):
            return candidate
    return None


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
        if d["type"] == "klynge":
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


def view_data(view: View, quotes: dict[str, tuple[str, str] | None] | None = None) -> dict:
    """Nodes and edges of one view, through pyvis' data model (filled directly: add_edge is O(n) per call).
    `quotes` (node -> quote, source file) is filled from the view's store for the nodes drawn."""
    graph = aggregate(view.graph)
    if view.store is not None:
        attach_quotes(graph, view.store, {} if quotes is None else quotes)
    pos = hierarchical_positions(graph) if view.hierarchical else spring_positions(graph)
    net = Network(directed=True)
    for n, d in graph.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        facts = [list(f) for f in d.get("facts", [])]
        for key, label in (("date", "Dato"), ("valid_from", "Gyldig fra"), ("valid_to", "Gyldig til"), ("confidence", "Sikkerhed")):
            if d.get(key):
                facts.append([label, d[key]])
        if d.get("level"):
            facts.append(["Niveau", d["level"]])
        net.nodes.append({
            "id": n, "label": d.get("label", n), "type": d["type"], "x": round(x, 1), "y": round(y, 1),
            "level": d.get("level"), "date": d.get("date"), "facts": facts, "quote": d.get("quote"),
            "source": d.get("source"), "iri": n if n.startswith("http") and "#gruppe" not in n else None,
            "hub": bool(d.get("hub")), "size": 26 if d.get("hub") else None,
            "color": OUTCOME_COLORS.get(d.get("outcome")) if d["type"] in ("decision", "group") and d.get("outcome") else None,
        })
    seen = set()
    for s, o, e in graph.edges(data=True):
        key = (s, o, e.get("label"))
        if key not in seen:
            seen.add(key)
            net.edges.append({"from": s, "to": o, "label": e.get("label", "")})
    return {"id": view.id, "label": view.label, "nodes": net.nodes, "edges": net.edges}


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
    "structure": "Regioner, sundhedsklynger, deres niveauer og fora og medlemmerne. Klyngerne har to lovbestemte niveauer: "
                 "politisk niveau og fagligt strategisk niveau; under dem ligger lokale fora. Fra 1. januar 2027 afløses "
                 "klyngerne af sundhedsråd, og Region Hovedstaden og Region Sjælland bliver til Region Østdanmark.",
    "forum": "Forummet, klyngen eller organisationen det hører til, niveauerne over og under, medlemmerne og deres "
             "organisationer, møderne og beslutningerne. Klik på en knude for fakta og kilde.",
    "decisions": "Hvem beslutter hvad: fora, deres beslutninger farvet efter udfald, de initiativer de vedrører, og pengene.",
    "organisation": "Hvor organisationen sidder, og hvad der vedrører den.",
    "path": "Den korteste forbindelse mellem to knuder i grafen.",
}


def make_map(store: GraphStore, kind: str, focus: str | None = None, at: str | None = None) -> tuple[str, str]:
    """(title, html) of one map."""
    g = load_graph(store)
    at = at or date.today().isoformat()
    if kind == "structure":
        view = View("struktur", f"Strukturen pr. {at}", structure(g, at), hierarchical=True, store=store)
        title = f"Sundhedssamarbejdets struktur pr. {at}"
    elif kind == "forum":
        if not focus:
            raise MapError("forumkortet kræver --focus (navn eller IRI på forummet)")
        node = find(g, focus, ("forum",))
        view = View("forum", g.nodes[node]["label"], forum_view(g, node), store=store)
        title = f"Forum: {g.nodes[node]['label']}"
    elif kind == "decisions":
        node = find(g, focus, ("forum",)) if focus else None
        view = View("beslutninger", "Beslutninger", decisions_view(g, node), store=store)
        title = "Hvem beslutter hvad" + (f": {g.nodes[node]['label']}" if node else "")
    elif kind == "organisation":
        if not focus:
            raise MapError("organisationskortet kræver --focus (navn eller IRI)")
        node = find(g, focus, ("organisation", "kommune", "region"))
        view = View("organisation", g.nodes[node]["label"], organisation_view(g, node), store=store)
        title = f"Organisation: {g.nodes[node]['label']}"
    else:
        raise MapError(f"ukendt korttype '{kind}' (structure, forum, decisions, organisation)")
    if view.graph.number_of_nodes() == 0:
        raise MapError(f"kortet '{title}' har ingen knuder på {at}")
    return title, render([view], title, title, INTRO[kind])


def make_path_map(store: GraphStore, a: str, b: str) -> tuple[list[tuple[str, str]], str]:
    g = load_graph(store)
    start, end = find(g, a), find(g, b)
    nodes, graph = path_view(g, start, end)
    steps = [(g.nodes[n]["label"], TYPES[g.nodes[n]["type"]][0]) for n in nodes]
    title = f"Forbindelsen fra {steps[0][0]} til {steps[-1][0]}"
    return steps, render([View("sti", title, graph, hierarchical=False, store=store)], title, title, INTRO["path"])


def onboarding_pack(store: GraphStore, out_dir: Path, at: str | None = None) -> Path:
    """maps/index.html: one offline page with the structure now and after the reform, who decides what,
    and a map per cluster, per forum and per organisation with data."""
    g = load_graph(store)
    at = at or date.today().isoformat()
    views = [
        View("struktur", f"Strukturen i dag ({at})", structure(g, at), hierarchical=True, store=store),
        View("struktur-2027", "Strukturen efter reformen (2027-01-01)", structure(g, "2027-01-01"), hierarchical=True, store=store),
        View("beslutninger", "Hvem beslutter hvad", decisions_view(g), store=store),
    ]
    for n, d in sorted(g.nodes(data=True), key=lambda x: x[1]["label"]):
        if d["type"] == "klynge":
            sub = nx.MultiDiGraph(g.subgraph({n} | {s for s, _, e in g.in_edges(n, data=True)} | {o for _, o in g.out_edges(n)}))
            views.append(View(f"klynge-{n.rsplit('/id/', 1)[-1]}", f"Klynge: {d['label']}", sub, hierarchical=True, store=store))
    # the busiest forums and the most connected organisations; `sundhedsgraf map` draws any other
    activity = {n: sum(1 for _, _, e in g.in_edges(n, data=True) if e["label"] in ("holdt af", "besluttet af"))
                for n, d in g.nodes(data=True) if d["type"] == "forum"}
    busiest = sorted((n for n, a in activity.items() if a), key=lambda n: (-activity[n], g.nodes[n]["label"]))[:PACK_VIEWS]
    for n in sorted(busiest, key=lambda n: g.nodes[n]["label"]):
        views.append(View(f"forum-{n.rsplit('/id/', 1)[-1]}", f"Forum: {g.nodes[n]['label']}", forum_view(g, n), store=store))
    links = {n: sum(1 for s, _ in g.in_edges(n) if g.nodes[s]["type"] in ("person", "allocation"))
             for n, d in g.nodes(data=True) if d["type"] in ("organisation", "kommune")}
    connected = sorted((n for n, c in links.items() if c), key=lambda n: (-links[n], g.nodes[n]["label"]))[:PACK_VIEWS]
    for n in sorted(connected, key=lambda n: g.nodes[n]["label"]):
        views.append(View(f"organisation-{n.rsplit('/id/', 1)[-1]}", f"Organisation: {g.nodes[n]['label']}", organisation_view(g, n), store=store))
    html = render(views, "sundhedsgraf: kort over sundhedssamarbejdet", "Sundhedssamarbejdet på kort", INTRO["structure"] +
                  " Vælg et kort: strukturen, hvem der beslutter hvad, eller en klynge, et forum eller en organisation.")
    return write_html(Path(out_dir) / "maps" / "index.html", html)
