"""Text-first pages for a new member: a page per forum ('Mit forum'), per sundhedsråd and per organisation, and the
minutes' own text with the quoted sentence highlighted ('vis i referatet').

The same pages are written two ways from the same data:

- in the onboarding pack, as static files beside the maps (`maps/forum/<id>.html`, `maps/sundhedsraad/…`,
  `maps/organisation/…`, `maps/referat/<dokument>.html#char=a,b`), which work opened from disk;
- by `serve`, per request (`/forum?iri=…`, `/sundhedsraad?iri=…`, `/organisation?iri=…`, `/dokument?iri=…#char=a,b`).

The data is asked of anything with `query(sparql)` that returns pyoxigraph solutions: the embedded store when the pack
is written, the sandboxed backend under `serve`. Every question takes a VALUES list of the pages it is for, so the pack
asks once per batch of forums, not once per forum. Every text from the data is escaped (html.escape); the pages hold
no markup from the minutes, and the only script is the one that highlights a quote (sider.js).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import shutil
import urllib.parse
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from ..query import QUERY_PREFIXES
from ..store import parse_quote
from . import words

PREFIXES = "".join(f"PREFIX {p}: <{iri}> " for p, iri in QUERY_PREFIXES.items())
ID = QUERY_PREFIXES["sgid"]
SG = QUERY_PREFIXES["sg"]
BATCH = 150  # IRIs in one VALUES list
FULL_MEETINGS = 3  # the newest meetings shown item by item
ATTENDANCE_MEETINGS = 5  # the meetings the attendance table covers
OLDER_MEETINGS = 25  # older meetings listed by date
MAX_ALLOCATIONS = 40
MAX_CONCERNS = 25
MAX_PEOPLE = 150

KINDS = {  # rdf:type -> the kind of page (the most specific wins: a Kommune is also an Organisation)
    f"{SG}Sundhedsraad": "sundhedsraad",
    f"{SG}Sundhedsklynge": "klynge",
    f"{SG}Region": "region",
    f"{SG}Kommune": "kommune",
    f"{SG}Forum": "forum",
    f"{SG}Organisation": "organisation",
    f"{SG}SourceDocument": "dokument",
    "http://xmlns.com/foaf/0.1/Person": "person",
    "http://data.vlaanderen.be/ns/besluit#Zitting": "moede",
}
PRIORITY = list(KINDS.values())
PAGE_KIND = {
    "forum": "forum",
    "sundhedsraad": "sundhedsraad",
    "organisation": "organisation",
    "kommune": "organisation",
    "region": "organisation",
}  # the kinds that have a page, and the folder/route of it
KIND_WORD = {
    "forum": "Forum",
    "sundhedsraad": "Sundhedsråd",
    "klynge": "Sundhedsklynge",
    "region": "Region",
    "kommune": "Kommune",
    "organisation": "Organisation",
    "person": "Person",
    "moede": "Møde",
    "dokument": "Referat",
}


# --------------------------------------------------------------------------- asking the store


def ask(store, sparql: str) -> list[dict[str, str | None]]:
    """Rows of a SELECT as {variable: value or None}."""
    result = store.query(PREFIXES + sparql)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def _iri(value: str) -> str:
    if not value or any(c in value for c in '<>"{}|^`\\ \n\t') or ":" not in value:
        raise ValueError(f"ikke en IRI: {value!r}")
    return f"<{value}>"


def values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(_iri(i) for i in iris)} }}"


def chunks(items: list[str], size: int = BATCH) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(store, var: str, iris: Iterable[str], body: str) -> list[dict]:
    """`body` (with VALUES_HERE where the VALUES list goes) for every batch of `iris`."""
    rows: list[dict] = []
    for part in chunks(sorted(set(iris))):
        rows += ask(store, body.replace("VALUES_HERE", values(var, part)))
    return rows


def classify(store, iris: Iterable[str]) -> dict[str, str]:
    """IRI -> its kind (forum, sundhedsraad, kommune, …) for the IRIs the graph types."""
    kinds: dict[str, str] = {}
    wanted = " ".join(f"<{k}>" for k in KINDS)
    for row in _bulk(
        store, "s", [i for i in iris if i], f"SELECT ?s ?c WHERE {{ VALUES_HERE ?s a ?c . VALUES ?c {{ {wanted} }} }}"
    ):
        kind = KINDS[row["c"]]
        old = kinds.get(row["s"])
        if old is None or PRIORITY.index(kind) < PRIORITY.index(old):
            kinds[row["s"]] = kind
    return kinds


def kind_of(store, iri: str) -> str | None:
    return classify(store, [iri]).get(iri)


def local_id(iri: str) -> str:
    return iri[len(ID) :] if iri.startswith(ID) else iri


def slug(iri: str) -> str:
    """A file name for a node: its id with '/' as '-', kept to safe characters (a hash when that is ambiguous)."""
    raw = local_id(iri.split("#", 1)[0])
    for prefix in ("forum/", "sundhedsraad/", "organisation/", "doc/"):
        if raw.startswith(prefix) and len(raw) > len(prefix):
            raw = raw[len(prefix) :]
            break
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip("-.")[:120]
    if clean != raw.replace("/", "-") or not clean:
        clean = f"{clean[:100]}-{hashlib.sha1(raw.encode()).hexdigest()[:8]}".strip("-")
    return clean


# --------------------------------------------------------------------------- links


class Links:
    """Where a page links to. `served`: the routes of `serve`; otherwise the static files of the pack, relative to a
    page one folder down (`maps/forum/x.html`), and only to pages and minutes the pack has."""

    def __init__(
        self,
        served: bool,
        pages: dict[str, tuple[str, str]] | None = None,
        views: dict[str, str] | None = None,
        documents: set[str] | None = None,
        maps: bool = True,
        prefix: str = "../",
    ):
        self.served = served
        self.pages = pages or {}  # iri -> (folder, slug) of the pages the pack has
        self.views = views or {}  # iri -> the id of its map in the pack
        self.documents = documents  # the documents the pack has as pages (None: any)
        self.maps = maps
        self.prefix = prefix
        self.used_documents: set[str] = set()

    def page(self, iri: str | None, kind: str | None = None) -> str | None:
        if not iri:
            return None
        if self.served:
            route = PAGE_KIND.get(kind or "")
            return f"/{route}?{urllib.parse.urlencode({'iri': iri})}" if route else self.node(iri)
        found = self.pages.get(iri)
        return f"{self.prefix}{found[0]}/{found[1]}.html" if found else None

    def node(self, iri: str | None) -> str | None:
        if self.served and iri and iri.startswith("https://w3id.org/sundhedsgraf/"):
            return "/node?" + urllib.parse.urlencode({"iri": iri})
        return None

    def map(self, iri: str | None) -> str | None:
        view = self.views.get(iri or "")
        if not view or not self.maps:
            return None
        return ("/maps/index.html#" if self.served else f"{self.prefix}index.html#") + urllib.parse.quote(
            view, safe="/@-"
        )

    def document(self, doc: str | None, fragment: str = "") -> str | None:
        if not doc:
            return None
        if self.served:
            return "/dokument?" + urllib.parse.urlencode({"iri": doc}) + fragment
        if self.documents is not None and doc not in self.documents:
            return None
        self.used_documents.add(doc)
        return f"{self.prefix}referat/{slug(doc)}.html{fragment}"

    def quote(self, quote: str | None) -> str | None:
        place = parse_quote(quote) if quote else None
        if place is None:
            return None
        doc, start, end = place
        return self.document(doc, f"#char={start},{end}")

    def glossary(self) -> str:
        return "/ordliste" if self.served else f"{self.prefix}ordliste.html"

    def home(self) -> str | None:
        if self.served:
            return "/maps/index.html" if self.maps else "/"
        return f"{self.prefix}index.html"

    def index(self) -> str | None:
        return None if self.served else f"{self.prefix}sider.html"


# --------------------------------------------------------------------------- the data of a page


def _first(rows: list[dict], key: str):
    return next((r[key] for r in rows if r.get(key)), None)


def _quote_min(a: str | None, b: str | None) -> str | None:
    """The earlier of two quotes (a node quoted in several documents: one, the same every time)."""
    if not a:
        return b
    if not b:
        return a
    return min(a, b, key=lambda q: parse_quote(q) or (q, 0, 0))


def _basics(store, iris: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {i: {"iri": i, "aliases": []} for i in iris}
    for row in _bulk(
        store,
        "s",
        iris,
        """SELECT ?s ?label ?name ?level ?from ?to ?conf ?source ?region ?regionLabel ?kind WHERE { VALUES_HERE
            OPTIONAL { ?s skos:prefLabel ?label } OPTIONAL { ?s foaf:name ?name }
            OPTIONAL { ?s sg:level ?l . ?l skos:notation ?level }
            OPTIONAL { ?s sg:validFrom ?from } OPTIONAL { ?s sg:validTo ?to }
            OPTIONAL { ?s sg:confidence ?c . ?c skos:notation ?conf } OPTIONAL { ?s dct:source ?source }
            OPTIONAL { ?s sg:inRegion ?region . OPTIONAL { ?region skos:prefLabel ?regionLabel } }
            OPTIONAL { ?s sg:organisationKind ?k . ?k skos:prefLabel ?kind FILTER(LANG(?kind) = "da") } }""",
    ):
        page = out[row["s"]]
        for key in ("label", "name", "level", "from", "to", "conf", "source", "region", "regionLabel"):
            if row[key] and not page.get(key):
                page[key] = row[key]
        if row["kind"] and not page.get("orgKind"):
            page["orgKind"] = row["kind"]
    for row in _bulk(store, "s", iris, "SELECT ?s ?alt WHERE { VALUES_HERE ?s skos:altLabel ?alt }"):
        out[row["s"]]["aliases"].append(row["alt"])
    for page in out.values():
        page["label"] = page.get("label") or page.get("name") or local_id(page["iri"])
        page["aliases"] = sorted(set(page["aliases"]) - {page["label"]})
    return out


def _chains(store, iris: list[str]) -> tuple[dict[str, list[tuple[str, str]]], dict[str, str]]:
    """What each node is part of and reports to, all the way up: node -> [(relation, target)], and labels."""
    up: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    for row in _bulk(
        store,
        "f",
        iris,
        """SELECT DISTINCT ?a ?p ?b ?bl WHERE { VALUES_HERE ?f (sg:partOf|sg:reportsTo)* ?a .
            VALUES ?p { sg:partOf sg:reportsTo } ?a ?p ?b . OPTIONAL { ?b skos:prefLabel ?bl } }""",
    ):
        relation = "partOf" if row["p"].endswith("partOf") else "reportsTo"
        if (relation, row["b"]) not in up.setdefault(row["a"], []):
            up[row["a"]].append((relation, row["b"]))
        if row["bl"]:
            labels[row["b"]] = row["bl"]
    for entries in up.values():
        entries.sort()  # part of before reports to; the same order every time
    return up, labels


def _below(store, iris: list[str]) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for row in _bulk(
        store,
        "f",
        iris,
        """SELECT DISTINCT ?f ?b ?p ?bl WHERE { VALUES_HERE VALUES ?p { sg:partOf sg:reportsTo }
            ?b ?p ?f . ?b a sg:Forum . OPTIONAL { ?b skos:prefLabel ?bl } }""",
    ):
        entry = (
            row["b"],
            row["bl"] or local_id(row["b"]),
            "del af" if row["p"].endswith("partOf") else "rapporterer til",
        )
        if entry[0] not in {e[0] for e in out.get(row["f"], [])}:
            out.setdefault(row["f"], []).append(entry)
    return out


def _meetings(store, owners: dict[str, str]) -> dict[str, list[dict]]:
    """The meetings held by each forum in `owners` (forum -> the page it belongs to), newest first, per page."""
    out: dict[str, dict[str, dict]] = {}
    for row in _bulk(
        store,
        "f",
        list(owners),
        """SELECT ?f ?m ?date ?start ?place ?q ?fl WHERE { VALUES_HERE ?m sg:heldBy ?f .
            OPTIONAL { ?m dct:date ?date } OPTIONAL { ?m sg:startTime ?start } OPTIONAL { ?m sg:place ?place }
            OPTIONAL { ?m prov:qualifiedDerivation ?q } OPTIONAL { ?f skos:prefLabel ?fl } }""",
    ):
        meetings = out.setdefault(owners[row["f"]], {})
        meeting = meetings.setdefault(
            row["m"],
            {
                "iri": row["m"],
                "date": row["date"],
                "start": row["start"],
                "place": row["place"],
                "quote": None,
                "forum": row["f"],
                "forumLabel": row["fl"],
            },
        )
        meeting["quote"] = _quote_min(meeting["quote"], row["q"])
    result = {}
    for page, meetings in out.items():
        for m in meetings.values():
            place = parse_quote(m["quote"]) if m["quote"] else None
            m["doc"] = place[0] if place else None
        result[page] = sorted(meetings.values(), key=lambda m: (m["date"] or "", m["iri"]), reverse=True)
    return result


def _documents(store, docs: Iterable[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in _bulk(
        store,
        "d",
        list(docs),
        """SELECT ?d ?file ?source WHERE { VALUES_HERE
            OPTIONAL { ?d sg:fileName ?file } OPTIONAL { ?d dct:source ?source } }""",
    ):
        entry = out.setdefault(row["d"], {"file": None, "source": None})
        entry["file"] = entry["file"] or row["file"]
        entry["source"] = entry["source"] or row["source"]
    return out


def _number_key(number: str | None, quote: str | None) -> tuple:
    place = parse_quote(quote) if quote else None
    return (place[1] if place else 10**12, number or "")


def _agenda(store, meetings: list[str]) -> dict[str, list[dict]]:
    """Meeting -> its items in order, each with its recommendations and the decisions that answer them."""
    items: dict[str, dict] = {}
    order: dict[str, list[str]] = {}
    for row in _bulk(
        store,
        "m",
        meetings,
        """SELECT ?m ?i ?num ?title ?kind ?q WHERE { VALUES_HERE ?m sg:hasAgendaItem ?i .
            OPTIONAL { ?i dct:title ?title } OPTIONAL { ?i sg:itemNumber ?num }
            OPTIONAL { ?i sg:itemKind ?k . ?k skos:prefLabel ?kind FILTER(LANG(?kind) = "da") }
            OPTIONAL { ?i prov:qualifiedDerivation ?q } }""",
    ):
        item = items.get(row["i"])
        if item is None:
            item = items[row["i"]] = {
                "iri": row["i"],
                "number": row["num"],
                "title": row["title"],
                "kind": row["kind"],
                "quote": row["q"],
                "recommendations": [],
                "decisions": [],
            }
            order.setdefault(row["m"], []).append(row["i"])
        item["quote"] = _quote_min(item["quote"], row["q"])
    recs: dict[str, dict] = {}
    for row in _bulk(
        store,
        "m",
        meetings,
        """SELECT ?i ?r ?n ?text ?q WHERE { VALUES_HERE ?m sg:hasAgendaItem ?i .
            ?i sg:hasIndstilling ?r . OPTIONAL { ?r sg:number ?n } OPTIONAL { ?r prov:value ?text }
            OPTIONAL { ?r prov:qualifiedDerivation ?q } }""",
    ):
        if row["r"] not in recs and row["i"] in items:
            recs[row["r"]] = {
                "iri": row["r"],
                "number": row["n"],
                "text": row["text"],
                "quote": row["q"],
                "decisions": [],
            }
            items[row["i"]]["recommendations"].append(recs[row["r"]])
    decisions: dict[str, dict] = {}
    for row in _bulk(
        store,
        "m",
        meetings,
        """SELECT ?i ?d ?text ?on ?answers ?remark ?q ?date WHERE { VALUES_HERE
            ?m sg:hasAgendaItem ?i . ?t dct:subject ?i ; prov:generated ?d .
            OPTIONAL { ?d prov:value ?text } OPTIONAL { ?d sg:outcome ?o . ?o skos:notation ?on }
            OPTIONAL { ?d sg:answers ?answers } OPTIONAL { ?d sg:note ?remark }
            OPTIONAL { ?d prov:qualifiedDerivation ?q } OPTIONAL { ?d dct:date ?date } }""",
    ):
        if row["d"] in decisions or row["i"] not in items:
            continue
        decision = decisions[row["d"]] = {
            "iri": row["d"],
            "text": row["text"],
            "outcome": row["on"],
            "remark": row["remark"],
            "quote": row["q"],
            "date": row["date"],
        }
        target = recs.get(row["answers"] or "")
        (target["decisions"] if target else items[row["i"]]["decisions"]).append(decision)
    for item in items.values():
        item["recommendations"].sort(key=lambda r: _number_key(None, r["quote"]))
        for r in item["recommendations"]:
            r["decisions"].sort(key=lambda d: _number_key(None, d["quote"]))
        item["decisions"].sort(key=lambda d: _number_key(None, d["quote"]))
    return {
        m: sorted((items[i] for i in ids), key=lambda it: _number_key(it["number"], it["quote"]))
        for m, ids in order.items()
    }


def _attendance(store, meetings: list[dict], forums: set[str]) -> list[dict]:
    """Who was at (or sent apologies to) the meetings, newest meeting first: one row per person with their role,
    title and organisation, and per meeting 'deltog', 'afbud' or nothing."""
    if not meetings:
        return []
    ids = [m["iri"] for m in meetings]
    people: dict[str, dict] = {}
    for row in _bulk(
        store,
        "m",
        ids,
        """SELECT ?m ?p ?here ?name ?q WHERE { VALUES_HERE
            { ?m sg:participant ?p BIND(true AS ?here) } UNION { ?m sg:absent ?p BIND(false AS ?here) }
            OPTIONAL { ?p foaf:name ?name } }""",
    ):
        person = people.setdefault(
            row["p"],
            {
                "iri": row["p"],
                "name": row["name"] or local_id(row["p"]),
                "at": {},
                "organisations": [],
                "role": None,
                "roleKey": None,
                "title": None,
                "group": None,
                "quote": None,
                "roleDate": "",
            },
        )
        person["at"][row["m"]] = row["here"] == "true"
    if not people:
        return []
    for row in _bulk(
        store,
        "p",
        list(people),
        """SELECT ?p ?o ?ol WHERE { VALUES_HERE ?p sg:represents ?o .
            OPTIONAL { ?o skos:prefLabel ?ol } }""",
    ):
        entry = (row["o"], row["ol"] or local_id(row["o"]))
        if entry not in people[row["p"]]["organisations"]:
            people[row["p"]]["organisations"].append(entry)
    docs = {m["doc"]: m for m in meetings if m.get("doc")}
    forum_values = " ".join(f"<{f}>" for f in sorted(forums))
    for row in _bulk(
        store,
        "doc",
        list(docs),
        f"""SELECT ?doc ?p ?rk ?title ?group ?q WHERE {{ VALUES_HERE
            ?ms prov:wasDerivedFrom ?doc ; a org:Membership ; org:member ?p ; org:organization ?f . VALUES ?f {{
            {forum_values} }}
            OPTIONAL {{ ?ms org:role ?r . ?r skos:notation ?rk }} OPTIONAL {{ ?ms sg:jobTitle ?title }}
            OPTIONAL {{ ?ms sg:role ?group }} OPTIONAL {{ ?ms prov:qualifiedDerivation ?q }} }}""",
    ):
        seen = people.get(row["p"])
        if seen is None:
            continue
        when = docs[row["doc"]]["date"] or ""
        if when >= seen["roleDate"]:  # the newest meeting says what the person is now
            seen.update(
                roleKey=row["rk"],
                role=words.role(row["rk"]),
                title=row["title"],
                group=row["group"],
                quote=row["q"],
                roleDate=when,
            )
    ranked = {"formand": 0, "medformand": 0, "naestformand": 1}
    return sorted(people.values(), key=lambda p: (ranked.get(p["roleKey"] or "", 2), p["name"].lower()))


def _waiting(store, forums: list[str]) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Cases each forum recommended that wait for a higher body, and cases that wait for the forum itself."""
    sent: dict[str, list[dict]] = {}
    waits: dict[str, list[dict]] = {}
    rows = _bulk(
        store,
        "f",
        forums,
        """SELECT DISTINCT ?f ?sag ?title ?other ?ol ?since WHERE { VALUES_HERE
            ?w sg:recommendedBy ?f ; sg:waitsFor ?other ; sg:stateOf ?sag .
            OPTIONAL { ?sag skos:prefLabel ?title } OPTIONAL { ?other skos:prefLabel ?ol } OPTIONAL { ?sag
            sg:firstTreated ?since } }""",
    )
    back = _bulk(
        store,
        "f",
        forums,
        """SELECT DISTINCT ?f ?sag ?title ?other ?ol ?since WHERE { VALUES_HERE
            ?w sg:waitsFor ?f ; sg:recommendedBy ?other ; sg:stateOf ?sag .
            OPTIONAL { ?sag skos:prefLabel ?title } OPTIONAL { ?other skos:prefLabel ?ol } OPTIONAL { ?sag
            sg:firstTreated ?since } }""",
    )
    cases = {r["sag"] for r in rows + back}
    quotes: dict[str, tuple[str, str]] = {}
    for row in _bulk(
        store,
        "sag",
        list(cases),
        """SELECT ?sag ?q ?date WHERE { VALUES_HERE ?item sg:case ?sag ;
            prov:qualifiedDerivation ?q . OPTIONAL { ?m sg:hasAgendaItem ?item ; dct:date ?date } }""",
    ):
        old = quotes.get(row["sag"])
        if old is None or (row["date"] or "") > old[1]:
            quotes[row["sag"]] = (row["q"], row["date"] or "")
    for target, source in ((sent, rows), (waits, back)):
        for row in source:
            target.setdefault(row["f"], []).append(
                {
                    "case": row["sag"],
                    "title": row["title"] or local_id(row["sag"]),
                    "other": row["other"],
                    "otherLabel": row["ol"] or local_id(row["other"]),
                    "since": row["since"],
                    "quote": quotes.get(row["sag"], (None, ""))[0],
                }
            )
        for entries in target.values():
            entries.sort(key=lambda e: (e["since"] or "", e["title"]))
    return sent, waits


def _allocations(store, forums: list[str]) -> dict[str, list[dict]]:
    out: dict[str, dict[str, dict]] = {}
    for row in _bulk(
        store,
        "f",
        forums,
        """SELECT ?f ?a ?kr ?who ?to ?tol ?purpose ?date ?q WHERE { VALUES_HERE
            ?d sg:decidedBy ?f ; sg:allocates ?a . ?a sg:amountDKK ?kr .
            OPTIONAL { ?a sg:recipientName ?who } OPTIONAL { ?a sg:allocatedTo ?to . OPTIONAL { ?to skos:prefLabel
            ?tol } }
            OPTIONAL { ?a sg:purpose ?purpose } OPTIONAL { ?d dct:date ?date } OPTIONAL { ?a prov:qualifiedDerivation
            ?q } }""",
    ):
        entry = out.setdefault(row["f"], {}).setdefault(
            row["a"],
            {
                "iri": row["a"],
                "dkk": row["kr"],
                "who": row["who"],
                "to": row["to"],
                "toLabel": row["tol"],
                "purpose": row["purpose"],
                "date": row["date"],
                "quote": None,
            },
        )
        entry["quote"] = _quote_min(entry["quote"], row["q"])
    return {
        f: sorted(a.values(), key=lambda x: (x["date"] or "", x["iri"]), reverse=True)[:MAX_ALLOCATIONS]
        for f, a in out.items()
    }


def _next_meetings(store, forums: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in _bulk(
        store,
        "f",
        forums,
        """SELECT DISTINCT ?f ?date ?q WHERE { VALUES_HERE ?ref sg:refersToForum ?f ;
            sg:note ?note ; sg:referenceDate ?date . FILTER(STR(?note) = "next") OPTIONAL { ?ref
            prov:qualifiedDerivation ?q } }""",
    ):
        out.setdefault(row["f"], []).append({"date": row["date"], "quote": row["q"]})
    return out


def _transitions(store, sources: list[str], field: str = "from") -> dict[str, list[dict]]:
    """Where the kommuner of each cluster or SSU go 2027-01-01 (field='from'), or what each council takes over
    (field='to')."""
    var, other = ("from", "to") if field == "from" else ("to", "from")
    out: dict[str, dict[str, dict]] = {}
    for row in _bulk(
        store,
        var,
        sources,
        """SELECT ?from ?to ?fl ?tl ?date ?conf ?note ?k ?kl ?disputed WHERE { VALUES_HERE
            ?t a sg:Transition ; org:originalOrganization ?from ; org:resultingOrganization ?to .
            OPTIONAL { ?t dct:date ?date } OPTIONAL { ?from skos:prefLabel ?fl } OPTIONAL { ?to skos:prefLabel ?tl }
            OPTIONAL { ?t sg:confidence ?c . ?c skos:notation ?conf } OPTIONAL { ?t sg:note ?note }
            OPTIONAL { ?t sg:municipality ?k . OPTIONAL { ?k skos:prefLabel ?kl }
                       BIND(EXISTS { ?t sg:disputedMunicipality ?k } AS ?disputed) } }""",
    ):
        entry = out.setdefault(row[var], {}).setdefault(
            row[other],
            {
                "from": row["from"],
                "to": row["to"],
                "fromLabel": row["fl"],
                "toLabel": row["tl"],
                "date": row["date"],
                "confidence": row["conf"],
                "note": row["note"],
                "certain": [],
                "disputed": [],
            },
        )
        if row["k"]:
            bucket = entry["disputed"] if row["disputed"] == "true" else entry["certain"]
            name = (row["k"], row["kl"] or local_id(row["k"]))
            if name not in bucket:
                bucket.append(name)
    for entries in out.values():
        for e in entries.values():
            e["certain"].sort(key=lambda x: x[1])
            e["disputed"].sort(key=lambda x: x[1])
    return {
        k: sorted(v.values(), key=lambda e: (-len(e["certain"]), e["toLabel"] or "", e["fromLabel"] or ""))
        for k, v in out.items()
    }


def _ancestors(chain: dict[str, list[tuple[str, str]]], start: str) -> list[tuple[str, str]]:
    """(relation, node) up the chain from `start`, nearest first, each node once."""
    seen, out, queue = {start}, [], [start]
    while queue:
        node = queue.pop(0)
        for relation, target in chain.get(node, []):
            if target not in seen:
                seen.add(target)
                out.append((relation, target))
                queue.append(target)
    return out


def forum_data(store, forums: list[str], kinds: dict[str, str] | None = None) -> dict[str, dict]:
    """Everything a forum's page shows, for many forums at once."""
    forums = sorted(set(forums))
    if not forums:
        return {}
    pages = _basics(store, forums)
    chain, labels = _chains(store, forums)
    below = _below(store, forums)
    meetings = _meetings(store, {f: f for f in forums})
    sent, waits = _waiting(store, forums)
    allocations = _allocations(store, forums)
    nexts = _next_meetings(store, forums)
    ancestors = {f: _ancestors(chain, f) for f in forums}
    kinds = dict(kinds or {})
    kinds.update(classify(store, {n for a in ancestors.values() for _, n in a} - set(kinds)))
    clusters = {n for a in ancestors.values() for _, n in a if kinds.get(n) == "klynge"}
    transitions = _transitions(store, sorted(clusters | set(forums)))
    cluster_info = _basics(store, sorted(clusters)) if clusters else {}
    for f, page in pages.items():
        page["kind"] = "forum"
        page["ancestors"] = [(relation, n, labels.get(n, local_id(n)), kinds.get(n)) for relation, n in ancestors[f]]
        page["below"] = below.get(f, [])
        page["meetings"] = meetings.get(f, [])
        page["waitingSent"], page["waitingHere"] = sent.get(f, []), waits.get(f, [])
        page["allocations"] = allocations.get(f, [])
        page["next"] = nexts.get(f, [])
        cluster = next((n for _, n, _, k in page["ancestors"] if k == "klynge"), None)
        page["cluster"] = cluster_info.get(cluster) if cluster else None
        page["transitions"] = transitions.get(cluster, []) if cluster else transitions.get(f, [])
    _fill_meetings(store, pages, {f: {f} for f in forums})
    return pages


def _fill_meetings(store, pages: dict[str, dict], forums_of: dict[str, set[str]]) -> None:
    """The newest meetings item by item, the attendance over the last meetings, and the documents they come from."""
    full = [m["iri"] for page in pages.values() for m in page.get("meetings", [])[:FULL_MEETINGS]]
    agenda = _agenda(store, full) if full else {}
    docs = {
        m["doc"]
        for page in pages.values()
        for m in page.get("meetings", [])[: OLDER_MEETINGS + FULL_MEETINGS]
        if m.get("doc")
    }
    documents = _documents(store, docs) if docs else {}
    for iri, page in pages.items():
        for m in page.get("meetings", []):
            m["items"] = agenda.get(m["iri"])
            m["file"] = documents.get(m.get("doc") or "", {}).get("file")
            m["source"] = documents.get(m.get("doc") or "", {}).get("source")
        page["attendanceMeetings"] = page.get("meetings", [])[:ATTENDANCE_MEETINGS]
        page["members"] = _attendance(store, page["attendanceMeetings"], forums_of.get(iri, {iri}))


def council_data(store, councils: list[str]) -> dict[str, dict]:
    councils = sorted(set(councils))
    if not councils:
        return {}
    pages = _basics(store, councils)
    chain, labels = _chains(store, councils)
    forms = _below(store, councils)
    for c, page in pages.items():
        page["kind"] = "sundhedsraad"
        page["reportsTo"] = [
            (n, labels.get(n, local_id(n))) for relation, n in chain.get(c, []) if relation == "reportsTo"
        ]
        page["forms"] = [(b, label) for b, label, relation in forms.get(c, []) if relation == "del af"]
        page.update(phases=[], composition=None, seats=[], kommuner=[], competences=[])
    for row in _bulk(
        store,
        "c",
        councils,
        """SELECT ?c ?kind ?from ?to ?conf WHERE { VALUES_HERE ?c sg:phase ?p .
            OPTIONAL { ?p sg:phaseKind ?k . ?k skos:prefLabel ?kind FILTER(LANG(?kind) = "da") }
            OPTIONAL { ?p sg:validFrom ?from } OPTIONAL { ?p sg:validTo ?to }
            OPTIONAL { ?p sg:confidence ?cc . ?cc skos:notation ?conf } }""",
    ):
        entry = {"kind": row["kind"], "from": row["from"], "to": row["to"], "confidence": row["conf"]}
        if entry not in pages[row["c"]]["phases"]:
            pages[row["c"]]["phases"].append(entry)
    for page in pages.values():
        page["phases"].sort(key=lambda p: p["from"] or "")
    for row in _bulk(store, "c", councils, "SELECT ?c ?v WHERE { VALUES_HERE ?c sg:composition ?v }"):
        pages[row["c"]]["composition"] = row["v"]
    seats: dict[str, dict] = {}
    for row in _bulk(
        store,
        "c",
        councils,
        """SELECT ?c ?s ?p ?name ?rk ?seat ?party ?rep ?repl ?conf ?source WHERE { VALUES_HERE
            ?s a sg:CouncilSeat ; org:organization ?c ; org:member ?p . OPTIONAL { ?p foaf:name ?name }
            OPTIONAL { ?s org:role ?r . ?r skos:notation ?rk }
            OPTIONAL { ?s sg:seat ?st . ?st skos:prefLabel ?seat FILTER(LANG(?seat) = "da") }
            OPTIONAL { ?s sg:party ?party } OPTIONAL { ?s sg:represents ?rep . OPTIONAL { ?rep skos:prefLabel ?repl } }
            OPTIONAL { ?s sg:confidence ?cc . ?cc skos:notation ?conf } OPTIONAL { ?s dct:source ?source } }""",
    ):
        if row["s"] in seats:
            continue
        seats[row["s"]] = seat = {
            "person": row["p"],
            "name": row["name"] or local_id(row["p"]),
            "roleKey": row["rk"],
            "role": words.role(row["rk"]),
            "seat": row["seat"],
            "party": row["party"],
            "represents": row["rep"],
            "representsLabel": row["repl"],
            "confidence": row["conf"],
            "source": row["source"],
        }
        pages[row["c"]]["seats"].append(seat)
    ranked = {"formand": 0, "naestformand": 1}
    for page in pages.values():
        page["seats"].sort(key=lambda s: (ranked.get(s["roleKey"] or "", 2), s["seat"] or "", s["name"]))
    for row in _bulk(
        store,
        "c",
        councils,
        """SELECT DISTINCT ?c ?k ?kl ?reading ?primary ?conf ?note WHERE { VALUES_HERE
            ?m org:organization ?c ; org:member ?k . ?k a sg:Kommune . OPTIONAL { ?k skos:prefLabel ?kl }
            OPTIONAL { ?m sg:reading ?reading } OPTIONAL { ?m sg:primaryReading ?primary }
            OPTIONAL { ?m sg:confidence ?cc . ?cc skos:notation ?conf } OPTIONAL { ?m sg:note ?note } }""",
    ):
        pages[row["c"]]["kommuner"].append(
            {
                "iri": row["k"],
                "label": row["kl"] or local_id(row["k"]),
                "reading": row["reading"],
                "primary": row["primary"] == "true",
                "confidence": row["conf"],
                "note": row["note"],
            }
        )
    for page in pages.values():
        page["kommuner"].sort(key=lambda k: (bool(k["reading"]), k["label"]))
    for row in _bulk(
        store,
        "c",
        councils,
        """SELECT ?c ?task ?role ?conf WHERE { VALUES_HERE ?c sg:competence ?k .
            ?k skos:prefLabel ?task . OPTIONAL { ?k sg:councilRole ?r . ?r skos:notation ?role }
            OPTIONAL { ?k sg:confidence ?cc . ?cc skos:notation ?conf } }""",
    ):
        entry = {"task": row["task"], "role": row["role"], "confidence": row["conf"]}
        if entry not in pages[row["c"]]["competences"]:
            pages[row["c"]]["competences"].append(entry)
    takes = _transitions(store, councils, field="to")
    owners = {c: c for c in councils}
    owners.update({b: c for c, page in pages.items() for b, _ in page["forms"]})
    meetings = _meetings(store, owners)
    sent, waits = _waiting(store, councils)
    allocations = _allocations(store, councils)
    nexts = _next_meetings(store, councils)
    for c, page in pages.items():
        page["takesOver"] = takes.get(c, [])
        page["meetings"] = meetings.get(c, [])
        page["waitingSent"], page["waitingHere"] = sent.get(c, []), waits.get(c, [])
        page["allocations"] = allocations.get(c, [])
        page["next"] = nexts.get(c, [])
    _fill_meetings(store, pages, {c: {c} | {b for b, _ in page["forms"]} for c, page in pages.items()})
    return pages


def organisation_data(store, organisations: list[str], kinds: dict[str, str] | None = None) -> dict[str, dict]:
    organisations = sorted(set(organisations))
    if not organisations:
        return {}
    kinds = dict(kinds or {})
    kinds.update(classify(store, [o for o in organisations if o not in kinds]))
    pages = _basics(store, organisations)
    for o, page in pages.items():
        page.update(
            kind=kinds.get(o, "organisation"),
            clusters=[],
            councils=[],
            acuteFor=[],
            people=[],
            seats=[],
            concerns=[],
            allocations=[],
            kommuner=[],
        )
    _org_places(store, organisations, pages)
    _org_people(store, organisations, pages)
    _org_concerns(store, organisations, pages)
    for page in pages.values():
        for key in ("clusters", "councils"):
            page[key].sort(key=lambda e: (e["label"], e["reading"] or ""))
        page["acuteFor"].sort(key=lambda e: e[1])
        page["kommuner"].sort(key=lambda e: e[1])
    return pages


def _org_places(store, organisations: list[str], pages: dict[str, dict]) -> None:
    """The clusters and councils an organisation is a member of (with readings), what it is the acute hospital
    for, and a region's kommuner."""
    clusters = _bulk(
        store,
        "o",
        organisations,
        """SELECT DISTINCT ?o ?g ?gl ?from ?to WHERE { VALUES_HERE
            ?g org:hasMember ?o . ?g a sg:Sundhedsklynge . OPTIONAL { ?g skos:prefLabel ?gl }
            OPTIONAL { ?g sg:validFrom ?from } OPTIONAL { ?g sg:validTo ?to } }""",
    )
    sure = {
        (r["o"], r["g"]): r["conf"]
        for r in _bulk(
            store,
            "o",
            organisations,
            """SELECT DISTINCT ?o ?g ?conf WHERE { VALUES_HERE
            ?m org:member ?o ; org:organization ?g ; sg:confidence ?cc . ?cc skos:notation ?conf . ?g a
            sg:Sundhedsklynge }""",
        )
    }
    for row in clusters:
        row["conf"] = sure.get((row["o"], row["g"]))
    councils = _bulk(
        store,
        "o",
        organisations,
        """SELECT DISTINCT ?o ?g ?gl ?reading ?primary ?conf WHERE { VALUES_HERE
            ?m org:member ?o ; org:organization ?g . ?g a sg:Sundhedsraad . OPTIONAL { ?g skos:prefLabel ?gl }
            OPTIONAL { ?m sg:reading ?reading } OPTIONAL { ?m sg:primaryReading ?primary }
            OPTIONAL { ?m sg:confidence ?cc . ?cc skos:notation ?conf } }""",
    )
    for key, rows in (("clusters", clusters), ("councils", councils)):
        for row in rows:
            entry = {
                "iri": row["g"],
                "label": row["gl"] or local_id(row["g"]),
                "reading": row.get("reading"),
                "primary": row.get("primary") == "true",
                "confidence": row["conf"],
                "from": row.get("from"),
                "to": row.get("to"),
            }
            bucket = pages[row["o"]][key]
            same = next((e for e in bucket if e["iri"] == entry["iri"] and e["reading"] == entry["reading"]), None)
            if same is None:
                bucket.append(entry)
            elif entry["confidence"] and not same["confidence"]:
                same.update(confidence=entry["confidence"])
    for row in _bulk(
        store,
        "o",
        organisations,
        """SELECT DISTINCT ?o ?g ?gl WHERE { VALUES_HERE ?g sg:acuteHospital ?o .
            OPTIONAL { ?g skos:prefLabel ?gl } }""",
    ):
        pages[row["o"]]["acuteFor"].append((row["g"], row["gl"] or local_id(row["g"])))
    for row in _bulk(
        store,
        "o",
        organisations,
        """SELECT DISTINCT ?o ?k ?kl WHERE { VALUES_HERE ?k sg:inRegion ?o ; a sg:Kommune .
            OPTIONAL { ?k skos:prefLabel ?kl } }""",
    ):
        pages[row["o"]]["kommuner"].append((row["k"], row["kl"] or local_id(row["k"])))


def _org_people(store, organisations: list[str], pages: dict[str, dict]) -> None:
    """The people who represent an organisation in the minutes, and its seats in the councils."""
    people: dict[tuple[str, str], dict] = {}
    # one row per person: the forums they were seen in and when last (a person met in a thousand minutes has a
    # thousand memberships: the store counts them; every membership is read, joined by hash: 1.3 -> 0.85 s at 5,000
    # documents)
    seen = _bulk(
        store,
        "o",
        organisations,
        """SELECT ?o ?p (MAX(?d) AS ?last) (GROUP_CONCAT(DISTINCT STR(?f); separator=" ") AS ?fs)
            WHERE { VALUES_HERE ?p sg:represents ?o ; a foaf:Person .
                    OPTIONAL { SELECT ?p ?f ?d WHERE { { SELECT ?ms ?p WHERE { ?ms org:member ?p } }
                      { SELECT ?ms ?f WHERE { ?ms org:organization ?f } }
                      { SELECT ?ms ?d WHERE { ?ms dct:date ?d } } } } }
            GROUP BY ?o ?p""",
    )
    names = {
        r["p"]: r["name"]
        for r in _bulk(store, "p", {r["p"] for r in seen}, "SELECT ?p ?name WHERE { VALUES_HERE ?p foaf:name ?name }")
    }
    forum_iris = {f for r in seen for f in (r["fs"] or "").split()}
    forum_labels = {
        r["f"]: r["fl"]
        for r in _bulk(store, "f", forum_iris, "SELECT ?f ?fl WHERE { VALUES_HERE ?f skos:prefLabel ?fl }")
    }
    for row in seen:
        forums = sorted((row["fs"] or "").split(), key=lambda f: forum_labels.get(f, f))
        people[(row["o"], row["p"])] = {
            "iri": row["p"],
            "name": names.get(row["p"]) or local_id(row["p"]),
            "last": row["last"] or "",
            "forums": [(f, forum_labels.get(f) or local_id(f)) for f in forums],
        }
    for (o, _), person in sorted(people.items(), key=lambda x: (x[1]["last"] == "", x[1]["name"])):
        if len(pages[o]["people"]) < MAX_PEOPLE:
            pages[o]["people"].append(person)
    for row in _bulk(
        store,
        "o",
        organisations,
        """SELECT ?o ?c ?cl ?p ?name ?rk ?party ?conf WHERE { VALUES_HERE
            ?s a sg:CouncilSeat ; sg:represents ?o ; org:organization ?c ; org:member ?p .
            OPTIONAL { ?c skos:prefLabel ?cl } OPTIONAL { ?p foaf:name ?name } OPTIONAL { ?s org:role ?r . ?r
            skos:notation ?rk }
            OPTIONAL { ?s sg:party ?party } OPTIONAL { ?s sg:confidence ?cc . ?cc skos:notation ?conf } }""",
    ):
        pages[row["o"]]["seats"].append(
            {
                "council": row["c"],
                "councilLabel": row["cl"] or local_id(row["c"]),
                "person": row["p"],
                "name": row["name"] or local_id(row["p"]),
                "role": words.role(row["rk"]),
                "party": row["party"],
                "confidence": row["conf"],
            }
        )
    for page in pages.values():
        page["seats"].sort(key=lambda s: (s["councilLabel"], s["name"]))


def _org_concerns(store, organisations: list[str], pages: dict[str, dict]) -> None:
    """The newest agenda items that name an organisation, and the money allocated to it."""
    # the agenda items that name an organisation: which and when for all (a kommune is named in thousands of minutes),
    # then the details of the newest only. The meetings and their dates are found whole and joined by hash, not looked
    # up item by item (75,000 items at 5,000 documents: 3.5 -> 1.2 s)
    named: dict[str, dict[str, str]] = {}
    for row in _bulk(
        store,
        "o",
        organisations,
        """SELECT DISTINCT ?o ?i ?date WHERE { VALUES_HERE
            { ?i sg:mentions ?o } UNION { ?i sg:concerns ?o } { SELECT ?m ?i WHERE { ?m sg:hasAgendaItem ?i } }
            OPTIONAL { SELECT ?m ?date WHERE { ?m dct:date ?date } } }""",
    ):
        named.setdefault(row["o"], {})[row["i"]] = row["date"] or ""
    newest = {o: sorted(found, key=lambda i: (found[i], i), reverse=True)[:MAX_CONCERNS] for o, found in named.items()}
    details: dict[str, dict] = {}
    for row in _bulk(
        store,
        "i",
        {i for items in newest.values() for i in items},
        """SELECT ?i ?title ?date ?f ?fl ?q WHERE {
            VALUES_HERE ?m sg:hasAgendaItem ?i . OPTIONAL { ?m dct:date ?date }
            OPTIONAL { ?m sg:heldBy ?f . OPTIONAL { ?f skos:prefLabel ?fl } }
            OPTIONAL { ?i dct:title ?title } OPTIONAL { ?i prov:qualifiedDerivation ?q } }""",
    ):
        entry = details.setdefault(
            row["i"],
            {
                "iri": row["i"],
                "title": row["title"],
                "date": row["date"],
                "forum": row["f"],
                "forumLabel": row["fl"],
                "quote": None,
            },
        )
        entry["quote"] = _quote_min(entry["quote"], row["q"])
    for o, items in newest.items():
        pages[o]["concerns"] = [details[i] for i in items if i in details]
        pages[o]["concernCount"] = len(named[o])
    money: dict[str, dict[str, dict]] = {}
    for row in _bulk(
        store,
        "o",
        organisations,
        """SELECT ?o ?a ?kr ?purpose ?date ?f ?fl ?q WHERE { VALUES_HERE
            ?a sg:allocatedTo ?o ; sg:amountDKK ?kr . ?d sg:allocates ?a .
            OPTIONAL { ?d dct:date ?date } OPTIONAL { ?d sg:decidedBy ?f . OPTIONAL { ?f skos:prefLabel ?fl } }
            OPTIONAL { ?a sg:purpose ?purpose } OPTIONAL { ?a prov:qualifiedDerivation ?q } }""",
    ):
        entry = money.setdefault(row["o"], {}).setdefault(
            row["a"],
            {
                "iri": row["a"],
                "dkk": row["kr"],
                "purpose": row["purpose"],
                "date": row["date"],
                "forum": row["f"],
                "forumLabel": row["fl"],
                "quote": None,
            },
        )
        entry["quote"] = _quote_min(entry["quote"], row["q"])
    for o, found in money.items():
        pages[o]["allocations"] = sorted(found.values(), key=lambda e: (e["date"] or "", e["iri"]), reverse=True)[
            :MAX_ALLOCATIONS
        ]


def document_data(store, docs: list[str]) -> dict[str, dict]:
    """The minutes' text (sg:text), file name, where it was published, and the meeting it records."""
    out: dict[str, dict] = {}
    for row in _bulk(
        store,
        "d",
        docs,
        """SELECT ?d ?text ?file ?source ?m ?ml ?date ?f ?fl WHERE { VALUES_HERE ?d sg:text ?text .
            OPTIONAL { ?d sg:fileName ?file } OPTIONAL { ?d dct:source ?source }
            OPTIONAL { ?d foaf:primaryTopic ?m . OPTIONAL { ?m skos:prefLabel ?ml } OPTIONAL { ?m dct:date ?date }
                       OPTIONAL { ?m sg:heldBy ?f . OPTIONAL { ?f skos:prefLabel ?fl } } } }""",
    ):
        if row["d"] not in out:
            out[row["d"]] = {
                "iri": row["d"],
                "text": row["text"],
                "file": row["file"],
                "source": row["source"],
                "meeting": row["m"],
                "meetingLabel": row["ml"],
                "date": row["date"],
                "forum": row["f"],
                "forumLabel": row["fl"],
            }
    return out


# --------------------------------------------------------------------------- rendering


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def link(href: str | None, text: object, cls: str | None = None, title: str | None = None) -> str:
    attributes = (f' class="{esc(cls)}"' if cls else "") + (f' title="{esc(title)}"' if title else "")
    return (
        f'<a href="{esc(href)}"{attributes}>{esc(text)}</a>'
        if href
        else (f"<span{attributes}>{esc(text)}</span>" if attributes else esc(text))
    )


def _web_link(url: str | None, text: str) -> str:
    """An address from the data, as a link only when it is http(s): never javascript: or data:."""
    if url and re.match(r"https?://[^\s<>\"']+$", url):
        return f'<a href="{esc(url)}" rel="noreferrer noopener" target="_blank">{esc(text)}</a>'
    return esc(url or "")


class Renderer:
    def __init__(self, links: Links, kinds: dict[str, str] | None = None):
        self.links = links
        self.kinds = kinds or {}

    def node(self, iri: str | None, label: object, kind: str | None = None) -> str:
        kind = kind or self.kinds.get(iri or "")
        href = self.links.page(iri, kind) if kind in PAGE_KIND else None
        if href is None and kind == "klynge":  # a cluster has no page; its map shows its levels, forums and kommuner
            href = self.links.map(iri)
        return link(href or self.links.node(iri), label)

    def quote(self, quote: str | None, text: str = "vis i referatet") -> str:
        href = self.links.quote(quote)
        return f' <a class="kilde" href="{esc(href)}">{esc(text)}</a>' if href else ""

    # ---- pieces
    def outcome(self, key: str | None) -> str:
        return f'<span class="udfald udfald-{esc(key or "other")}">{esc(words.outcome(key) or "Beslutning")}</span>'

    def decision(self, d: dict, when: str | None) -> str:
        text = (d.get("text") or "").strip()
        remark = f' <span class="note">Bemærkning: {esc(d["remark"])}</span>' if d.get("remark") else ""
        date = words.day(d.get("date") or when)
        return (
            f'<div class="beslutning">{self.outcome(d.get("outcome"))} <span class="dato">{esc(date)}</span> '
            f'<span class="tekst">{esc(text)}</span>{remark}{self.quote(d.get("quote"))}</div>'
        )

    def meeting_title(self, m: dict, weekday: bool = True) -> str:
        when = words.day(m.get("date"), weekday=weekday) or "uden dato"
        return when + (f" kl. {m['start']}" if m.get("start") else "")

    def meeting(self, m: dict, show_forum: bool = False) -> str:
        parts = [
            f'<section class="moede"><h3>{esc(self.meeting_title(m))}'
            + (f' <span class="note">({esc(m.get("forumLabel"))})</span>' if show_forum and m.get("forumLabel") else "")
            + "</h3>"
        ]
        facts = []
        if m.get("place"):
            facts.append(f"Sted: {esc(m['place'])}")
        doc_href = self.links.document(m.get("doc"), "")
        if doc_href:
            facts.append(link(doc_href, f"Referatet ({m.get('file') or 'tekst'})"))
        elif m.get("file"):
            facts.append(f"Referat: {esc(m['file'])}")
        if m.get("source"):
            facts.append(_web_link(m["source"], "referatet hos udgiveren"))
        if facts:
            parts.append(f'<p class="note">{" · ".join(facts)}</p>')
        items = m.get("items") or []
        if not items:
            parts.append('<p class="note">Referatet har ingen genkendte dagsordenspunkter.</p>')
        parts.append('<ul class="punkter">')
        for item in items:
            title = item.get("title") or "(uden titel)"
            number = f"{item['number']}. " if item.get("number") else ""
            kind = f' <span class="type">{esc(item["kind"])}</span>' if item.get("kind") else ""
            parts.append(
                f'<li><div class="punkt"><b>{esc(number + title)}</b>{kind}{self.quote(item.get("quote"))}</div>'
            )
            for r in item.get("recommendations", []):
                label = (
                    f"Indstilling {r['number']}"
                    if r.get("number") and len(item["recommendations"]) > 1
                    else "Indstilling"
                )
                parts.append(
                    f'<div class="indstilling"><span class="etiket">{esc(label)}:</span> '
                    f"{esc((r.get('text') or '').strip())}"
                    f"{self.quote(r.get('quote'))}</div>"
                )
                for d in r.get("decisions", []):
                    parts.append(self.decision(d, m.get("date")))
                if not r.get("decisions"):
                    parts.append(
                        '<div class="beslutning ingen">Ingen beslutning på denne indstilling i referatet.</div>'
                    )
            for d in item.get("decisions", []):
                parts.append(self.decision(d, m.get("date")))
            parts.append("</li>")
        parts.append("</ul></section>")
        return "\n".join(parts)

    def members(self, page: dict) -> str:
        meetings = page.get("attendanceMeetings") or []
        members = page.get("members") or []
        if not members:
            return ""
        head = "".join(
            f'<th class="tal" title="{esc(self.meeting_title(m, False))}">{esc(words.day(m.get("date")) or "?")}</th>'
            for m in meetings
        )
        rows = []
        for p in members:
            orgs = (
                ", ".join(self.node(o, label) for o, label in p["organisations"])
                or '<span class="note">ikke oplyst</span>'
            )
            role = " · ".join(esc(x) for x in (p.get("role"), p.get("title"), p.get("group")) if x) or "Medlem"
            cells, came, asked = [], 0, 0
            for m in meetings:
                here = p["at"].get(m["iri"])
                if here is None:
                    cells.append('<td class="tal note" title="ikke nævnt i referatet">–</td>')
                    continue
                asked += 1
                came += bool(here)
                cells.append('<td class="tal deltog">deltog</td>' if here else '<td class="tal afbud">afbud</td>')
            summary = f"{came} af {asked}" if asked else "–"
            rows.append(
                f"<tr><td>{self.node(p['iri'], p['name'])}{self.quote(p.get('quote'), 'vis')}</td><td>{orgs}</td>"
                f'<td>{role}</td>{"".join(cells)}<td class="tal">{esc(summary)}</td></tr>'
            )
        return (
            f'<section id="medlemmer"><h2>Medlemmer ({len(members)})</h2><p class="note">De personer referaterne af de '
            f"seneste {len(meetings)} møder nævner som deltagere eller med afbud; rolle og stilling som ved det "
            f"seneste "
            f'møde, de var med på.</p><div class="rulle"><table '
            f'class="liste"><thead><tr><th>Navn</th><th>Organisation</th>'
            f'<th>Rolle</th>{head}<th class="tal">Deltog</th></tr></thead><tbody>\n'
            + "\n".join(rows)
            + "\n</tbody></table></div></section>"
        )

    def waiting(self, page: dict) -> str:
        parts = []
        if page.get("waitingSent"):
            rows = "".join(
                f"<li><b>{esc(w['title'])}</b> venter på {self.node(w['other'], w['otherLabel'])}"
                f"{' siden ' + esc(words.day(w['since'])) if w.get('since') else ''}{self.quote(w.get('quote'))}</li>"
                for w in page["waitingSent"]
            )
            parts.append(f'<h3>Anbefalet herfra, venter på et højere organ</h3><ul class="sager">{rows}</ul>')
        if page.get("waitingHere"):
            rows = "".join(
                f"<li><b>{esc(w['title'])}</b> fra {self.node(w['other'], w['otherLabel'])}"
                f"{' siden ' + esc(words.day(w['since'])) if w.get('since') else ''}{self.quote(w.get('quote'))}</li>"
                for w in page["waitingHere"]
            )
            parts.append(f'<h3>Venter på dette forum</h3><ul class="sager">{rows}</ul>')
        if not parts:
            return (
                '<section id="venter"><h2>Sager der venter</h2><p class="note">Ingen sager venter ifølge referaterne: '
                "intet er anbefalet herfra uden et referat af beslutningen.</p></section>"
            )
        return '<section id="venter"><h2>Sager der venter</h2>' + "".join(parts) + "</section>"

    def allocations(self, items: list[dict], with_forum: bool = False) -> str:
        if not items:
            return ""
        rows = []
        for a in items:
            to = self.node(a.get("to"), a.get("toLabel") or a.get("who")) if a.get("to") else esc(a.get("who") or "")
            forum = f"<td>{self.node(a.get('forum'), a.get('forumLabel') or '')}</td>" if with_forum else ""
            rows.append(
                f'<tr><td>{esc(words.day(a.get("date")))}</td><td class="tal">{esc(words.kroner(a.get("dkk")))}</td>'
                f"<td>{to or '<span class=note>ikke oplyst</span>'}</td>{forum}<td>{esc(a.get('purpose') or '')}"
                f"{self.quote(a.get('quote'))}</td></tr>"
            )
        head = "<th>Forum</th>" if with_forum else ""
        return (
            f'<section id="bevillinger"><h2>Bevillinger ({len(items)})</h2><table '
            f'class="liste"><thead><tr><th>Dato</th>'
            f'<th class="tal">Beløb</th><th>Modtager</th>{head}<th>Formål</th></tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table></section>"
        )

    def meetings(self, page: dict, show_forum: bool = False) -> str:
        meetings = page.get("meetings") or []
        if not meetings:
            return (
                '<section id="moeder"><h2>Møder</h2><p class="note">Grafen har endnu ingen referater af møder i '
                "dette forum.</p></section>"
            )
        out = [
            f'<section id="moeder"><h2>Seneste møder</h2><p class="note">{len(meetings)} '
            f"møde{'r' if len(meetings) != 1 else ''} "
            f"i referaterne. Hvert punkt med indstilling og beslutning; udfaldet står i farve.</p>"
        ]
        out += [self.meeting(m, show_forum) for m in meetings[:FULL_MEETINGS]]
        older = meetings[FULL_MEETINGS : FULL_MEETINGS + OLDER_MEETINGS]
        if older:
            rows = "".join(
                f"<li>{esc(self.meeting_title(m, False))}"
                + (f" ({esc(m['forumLabel'])})" if show_forum and m.get("forumLabel") else "")
                + (
                    f" · {link(self.links.document(m.get('doc')), 'referatet')}"
                    if self.links.document(m.get("doc"))
                    else ""
                )
                + "</li>"
                for m in older
            )
            more = len(meetings) - FULL_MEETINGS - len(older)
            out.append(
                f'<h3>Ældre møder</h3><ul class="aeldre">{rows}</ul>'
                + (f'<p class="note">… og {more} ældre.</p>' if more > 0 else "")
            )
        out.append("</section>")
        return "\n".join(out)

    def next_meeting(self, page: dict) -> str:
        last = max((m.get("date") or "" for m in page.get("meetings") or []), default="")
        later = sorted((n for n in page.get("next") or [] if (n.get("date") or "") > last), key=lambda n: n["date"])
        if not later:
            return ""
        n = later[0]
        return (
            f"Næste møde: <b>{esc(words.day(n['date'], weekday=True))}</b> (nævnt i et "
            f"referat{self.quote(n.get('quote'))})."
        )

    def transitions(self, items: list[dict], direction: str = "to") -> str:
        rows = []
        for t in items:
            certain = ", ".join(self.node(k, label) for k, label in t["certain"]) or "ingen sikre kommuner"
            disputed = (
                (" · omstridt: " + ", ".join(self.node(k, label) for k, label in t["disputed"]))
                if t["disputed"]
                else ""
            )
            target = (
                self.node(t["to"], t["toLabel"] or local_id(t["to"]))
                if direction == "to"
                else self.node(t["from"], t["fromLabel"] or local_id(t["from"]))
            )
            conf = (
                f' <span class="note">(sikkerhed: {esc(words.confidence(t.get("confidence")))})</span>'
                if t.get("confidence")
                else ""
            )
            rows.append(f"<li>{target}: {certain}{disputed}{conf}</li>")
        return "<ul>" + "".join(rows) + "</ul>" if rows else ""

    def glossary_note(self) -> str:
        return (
            f'<p class="note">Ord og forkortelser: {link(self.links.glossary(), "ordlisten")}. Sikkerhed: '
            f"{esc(words.CONFIDENCE_LONG['V'])}; {esc(words.CONFIDENCE_LONG['P'])}; "
            f"{esc(words.CONFIDENCE_LONG['U'])}.</p>"
        )

    def nav(self, page: dict, map_label: str = "Se på kortet") -> str:
        items = []
        href = self.links.map(page["iri"])
        if href:
            items.append(link(href, map_label))
        node = self.links.node(page["iri"])
        if node:
            items.append(link(node, "Alle fakta om knuden"))
        return f'<p class="handlinger">{" · ".join(items)}</p>' if items else ""

    # ---- pages
    def forum(self, page: dict) -> tuple[str, str]:
        label = page["label"]
        ancestors = page.get("ancestors") or []
        parents = [(n, lab, k) for rel, n, lab, k in ancestors if rel == "partOf"]
        reports = [(n, lab, k) for rel, n, lab, k in ancestors if rel == "reportsTo"]
        region = (
            (page.get("region"), page.get("regionLabel"))
            if page.get("region")
            else next(((n, lab) for n, lab, k in parents if k == "region"), (None, None))
        )
        trail = []
        if region[0]:
            trail.append(self.node(region[0], region[1] or local_id(region[0]), "region"))
        for n, lab, k in reversed([p for p in parents if p[2] != "region"]):
            trail.append(self.node(n, lab, k))
        if page.get("level"):
            trail.append(
                f'<span title="{esc(words.definition(words.level(page["level"])) or "")}">'
                f"{esc(words.level(page['level']))}</span>"
            )
        trail.append(f"<b>{esc(label)}</b>")
        sits = [f'<p class="sti">{" › ".join(trail)}</p>']
        dl = []
        if reports:
            dl.append(
                (
                    "Rapporterer til",
                    ", ".join(self.node(n, lab, k) for n, lab, k in reports[:1])
                    + (
                        " (og videre: " + " › ".join(self.node(n, lab, k) for n, lab, k in reports[1:4]) + ")"
                        if len(reports) > 1
                        else ""
                    ),
                )
            )
        if page.get("below"):
            dl.append(
                (
                    "Under forummet",
                    ", ".join(
                        self.node(b, lab, "forum") + f' <span class="note">({esc(rel)})</span>'
                        for b, lab, rel in page["below"]
                    ),
                )
            )
        if page.get("level"):
            dl.append(
                (
                    "Niveau",
                    esc(words.level(page["level"]))
                    + (
                        f' <span class="note">– {esc(words.definition(words.level(page["level"])))}</span>'
                        if words.definition(words.level(page["level"]))
                        else ""
                    ),
                )
            )
        if page.get("from") or page.get("to"):
            dl.append(("Periode", esc(f"{words.day(page.get('from')) or '…'} – {words.day(page.get('to')) or '…'}")))
        if page.get("aliases"):
            dl.append(("Også kaldet", esc(", ".join(page["aliases"][:8]))))
        if page.get("conf"):
            dl.append(("Sikkerhed", esc(words.confidence(page["conf"], long=True))))
        if page.get("source"):
            dl.append(
                (
                    "Kilde",
                    _web_link(page["source"].split()[-1], page["source"])
                    if page["source"].split()[-1].startswith("http")
                    else esc(page["source"]),
                )
            )
        sits.append('<dl class="fakta">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in dl) + "</dl>")
        meetings = page.get("meetings") or []
        summary = [
            f"{len(meetings)} møde{'r' if len(meetings) != 1 else ''} i referaterne"
            + (f", seneste {esc(words.day(meetings[0].get('date')))}" if meetings and meetings[0].get("date") else "")
            + "."
        ]
        nxt = self.next_meeting(page)
        if nxt:
            summary.append(nxt)
        body = [
            f'<p class="kicker">Mit forum</p><h1>{esc(label)}</h1>',
            f'<p class="resume">{" ".join(summary)}</p>',
            self.nav(page),
            self.reform_forum(page),
            '<section id="placering"><h2>Hvor forummet sidder</h2>' + "".join(sits) + "</section>",
            self.members(page),
            self.meetings(page),
            self.waiting(page),
            self.allocations(page.get("allocations") or []),
            self.glossary_note(),
        ]
        return f"Mit forum: {label}", "\n".join(b for b in body if b)

    def reform_forum(self, page: dict) -> str:
        cluster = page.get("cluster")
        lines = []
        to = page.get("to")
        if cluster:
            end = cluster.get("to") or "2026-12-31"
            lines.append(
                f"{self.node(cluster['iri'], cluster['label'], 'klynge')} nedlægges {esc(words.day(end))} med "
                "sundhedsreformen (L 214), og "
                + ("forummet ophører med den. " if to else "grafen ved ikke, om forummet fortsætter. ")
                + "Fra 2027-01-01 overtager sundhedsrådene under regionerne."
            )
            if page.get("transitions"):
                lines.append("Klyngens kommuner går til:" + self.transitions(page["transitions"]))
            lines.append(
                "Sager der venter, initiativer og bevillinger arves af de råd, kommunerne flytter til (spørgsmålet "
                "<code>sundhedsraadets-arv</code>)."
            )
        elif page.get("transitions"):
            lines.append(
                f"Forummet ophører {esc(words.day(to or '2026-12-31'))} med sundhedsreformen (L 214). Dets kommuner "
                f"går "
                "2027-01-01 til:" + self.transitions(page["transitions"])
            )
        elif to and to <= "2026-12-31":
            lines.append(
                f"Forummet ophører {esc(words.day(to))}"
                + (" med sundhedsreformen (L 214)." if to == "2026-12-31" else ".")
            )
        elif page.get("level") == "sundhedsraad":
            lines.append("Rådets udvalg: forberedende i 2026, formelt sundhedsråd fra 2027-01-01.")
        else:
            lines.append(
                "Registret og referaterne giver forummet ingen slutdato; reformen 2027-01-01 nævner det ikke. "
                "Efterprøv hos sekretariatet."
            )
        return (
            '<aside class="reform"><h2>Hvad sker der 2027-01-01?</h2>'
            + "".join(f"<p>{x}</p>" for x in lines)
            + "</aside>"
        )

    def council(self, page: dict) -> tuple[str, str]:
        label = page["label"]
        dl = []
        if page.get("region"):
            dl.append(
                ("Region", self.node(page["region"], page.get("regionLabel") or local_id(page["region"]), "region"))
            )
        if page.get("reportsTo"):
            dl.append(("Anbefaler til", ", ".join(self.node(n, lab, "forum") for n, lab in page["reportsTo"])))
        for phase in page.get("phases") or []:
            dl.append(
                (
                    phase.get("kind") or "Fase",
                    esc(f"{words.day(phase.get('from')) or '…'} – {words.day(phase.get('to')) or '…'}")
                    + (
                        f' <span class="note">(sikkerhed: {esc(words.confidence(phase.get("confidence")))})</span>'
                        if phase.get("confidence")
                        else ""
                    ),
                )
            )
        if page.get("composition"):
            dl.append(("Sammensætning", esc(page["composition"])))
        if page.get("forms"):
            dl.append(("Udgives som", ", ".join(self.node(b, lab, "forum") for b, lab in page["forms"])))
        if page.get("aliases"):
            dl.append(("Også kaldet", esc(", ".join(page["aliases"][:8]))))
        decides = [c for c in page.get("competences") or [] if c.get("role") == "decides"]
        recommends = [c for c in page.get("competences") or [] if c.get("role") == "recommends"]
        if decides:
            dl.append(("Beslutter selv", esc("; ".join(c["task"] for c in decides))))
        if recommends:
            dl.append(("Anbefaler (regionsrådet beslutter)", esc("; ".join(c["task"] for c in recommends))))
        informed = [c for c in page.get("competences") or [] if c.get("role") not in ("decides", "recommends")]
        if informed:
            dl.append(("Orienteres eller høres", esc("; ".join(c["task"] for c in informed))))
        kommuner = []
        for k in page.get("kommuner") or []:
            extra = ""
            if k.get("reading"):
                choice = ", referencenoternes valg" if k.get("primary") else ""
                extra = f' <span class="note">(omstridt: ifølge {esc(k["reading"])}{choice})</span>'
            kommuner.append(self.node(k["iri"], k["label"], "kommune") + extra)
        seats = []
        for s in page.get("seats") or []:
            rep = self.node(s.get("represents"), s.get("representsLabel") or "") if s.get("represents") else ""
            seats.append(
                f"<tr><td>{self.node(s['person'], s['name'])}</td><td>{esc(s.get('role') or 'Medlem')}</td>"
                f"<td>{esc(s.get('seat') or '')}</td><td>{rep}</td><td>{esc(s.get('party') or '')}</td>"
                f"<td>{esc(words.confidence(s.get('confidence')))}</td></tr>"
            )
        body = [
            f'<p class="kicker">Sundhedsråd</p><h1>{esc(label)}</h1>',
            f'<p class="resume">{len(page.get("seats") or [])} medlemmer og {len(kommuner)} kommuner i registret. '
            + (self.next_meeting(page) or "")
            + "</p>",
            self.nav(page),
            '<aside class="reform"><h2>Hvad sker der 2027-01-01?</h2><p>Rådet er forberedende i 2026 og overtager '
            "formelt "
            "2027-01-01, når klyngerne og samarbejdsudvalgene nedlægges. Det overtager kommuner fra:</p>"
            + (self.transitions(page.get("takesOver") or [], direction="from") or "<p>(ingen overgang i registret)</p>")
            + "</aside>",
            '<section id="placering"><h2>Hvor rådet sidder</h2><dl class="fakta">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in dl)
            + "</dl></section>",
            f'<section id="kommuner"><h2>Kommuner ({len(kommuner)})</h2>'
            f"<p>{', '.join(kommuner) or 'ingen i registret'}</p></section>",
        ]
        if seats:
            body.append(
                f'<section id="raadsmedlemmer"><h2>Medlemmer ifølge registret ({len(seats)})</h2><div class="rulle">'
                '<table class="liste"><thead><tr><th>Navn</th><th>Rolle</th><th>Mandat</th><th>Repræsenterer</th>'
                "<th>Parti</th><th>Sikkerhed</th></tr></thead><tbody>"
                + "".join(seats)
                + "</tbody></table></div></section>"
            )
        body += [
            self.members(page),
            self.meetings(page, show_forum=bool(page.get("forms"))),
            self.waiting(page) if page.get("meetings") else "",
            self.allocations(page.get("allocations") or []),
            self.glossary_note(),
        ]
        return label, "\n".join(b for b in body if b)

    def organisation(self, page: dict) -> tuple[str, str]:
        label = page["label"]
        kind = page.get("kind") or "organisation"
        dl = []
        if kind == "organisation" and page.get("orgKind"):
            dl.append(("Slags", esc(page["orgKind"])))
        if page.get("region"):
            dl.append(
                ("Region", self.node(page["region"], page.get("regionLabel") or local_id(page["region"]), "region"))
            )
        for c in page.get("clusters") or []:
            period = (
                f" ({words.day(c['from']) or '…'} – {words.day(c['to']) or '…'})"
                if c.get("from") or c.get("to")
                else ""
            )
            dl.append(
                (
                    "Sundhedsklynge",
                    self.node(c["iri"], c["label"], "klynge")
                    + esc(period)
                    + (
                        f' <span class="note">(sikkerhed: {esc(words.confidence(c["confidence"]))})</span>'
                        if c.get("confidence")
                        else ""
                    ),
                )
            )
        for c in page.get("councils") or []:
            extra = f" – omstridt, ifølge {c['reading']}" if c.get("reading") else ""
            dl.append(
                (
                    "Sundhedsråd",
                    self.node(c["iri"], c["label"], "sundhedsraad")
                    + f' <span class="note">({esc("fra 2026" + extra)}'
                    + (f", sikkerhed: {esc(words.confidence(c['confidence']))}" if c.get("confidence") else "")
                    + ")</span>",
                )
            )
        if page.get("acuteFor"):
            dl.append(("Akutsygehus for", ", ".join(self.node(g, lab, "klynge") for g, lab in page["acuteFor"])))
        if page.get("kommuner"):
            dl.append(
                (
                    f"Kommuner ({len(page['kommuner'])})",
                    ", ".join(self.node(k, lab, "kommune") for k, lab in page["kommuner"]),
                )
            )
        if page.get("aliases"):
            dl.append(("Også kaldet", esc(", ".join(page["aliases"][:8]))))
        if page.get("conf"):
            dl.append(("Sikkerhed", esc(words.confidence(page["conf"], long=True))))
        people = []
        for p in page.get("people") or []:
            forums = ", ".join(self.node(f, label, "forum") for f, label in p["forums"][:8])
            if len(p["forums"]) > 8:
                forums += f' <span class="note">og {len(p["forums"]) - 8} flere</span>'
            people.append(
                f"<tr><td>{self.node(p['iri'], p['name'])}</td><td>{esc(words.day(p['last']))}</td>"
                f"<td>{forums or '<span class=note>kun i registret</span>'}</td></tr>"
            )
        seats = "".join(
            f"<li>{self.node(s['person'], s['name'])} ({esc(s['role'] or 'Medlem')}"
            f"{', parti ' + esc(s['party']) if s.get('party') else ''}) i "
            f"{self.node(s['council'], s['councilLabel'], 'sundhedsraad')}</li>"
            for s in page.get("seats") or []
        )
        concerns = "".join(
            f"<li>{esc(words.day(c.get('date')))}: <b>{esc(c.get('title') or '(uden titel)')}</b>"
            f"{' i ' + self.node(c['forum'], c.get('forumLabel') or '', 'forum') if c.get('forum') else ''}"
            f"{self.quote(c.get('quote'))}</li>"
            for c in page.get("concerns") or []
        )
        kicker = KIND_WORD.get(kind, "Organisation")
        body = [
            f'<p class="kicker">{esc(kicker)}</p><h1>{esc(label)}</h1>',
            self.nav(page),
            self.reform_organisation(page),
            '<section id="placering"><h2>Hvor '
            + esc(label)
            + ' sidder</h2><dl class="fakta">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in dl)
            + "</dl></section>",
        ]
        if seats:
            body.append(f'<section id="saeder"><h2>I sundhedsrådene</h2><ul>{seats}</ul></section>')
        if people:
            body.append(
                f'<section id="folk"><h2>Folk fra {esc(label)} i referaterne ({len(people)})</h2><div class="rulle">'
                '<table class="liste"><thead><tr><th>Navn</th><th>Senest set</th><th>Fora</th></tr></thead>'
                "<tbody>" + "".join(people) + "</tbody></table></div></section>"
            )
        if concerns:
            more = (page.get("concernCount") or 0) - len(page.get("concerns") or [])
            body.append(
                f'<section id="punkter"><h2>Punkter der nævner {esc(label)}</h2><ul>{concerns}</ul>'
                + (f'<p class="note">… og {more} ældre.</p>' if more > 0 else "")
                + "</section>"
            )
        body.append(self.allocations(page.get("allocations") or [], with_forum=True))
        body.append(self.glossary_note())
        return label, "\n".join(b for b in body if b)

    def reform_organisation(self, page: dict) -> str:
        kind = page.get("kind")
        lines = []
        if kind == "kommune":
            councils = page.get("councils") or []
            if len({c["iri"] for c in councils}) > 1:
                lines.append(
                    "Kilderne er uenige om, hvilket sundhedsråd kommunen hører til fra 2027-01-01: "
                    + "; ".join(
                        self.node(c["iri"], c["label"], "sundhedsraad")
                        + f" ifølge {esc(c.get('reading') or 'registret')}"
                        for c in councils
                    )
                    + ". Ingen læsning er valgt i stilhed."
                )
            elif councils:
                lines.append(
                    "Fra 2027-01-01 hører kommunen til "
                    f"{self.node(councils[0]['iri'], councils[0]['label'], 'sundhedsraad')}."
                )
            if page.get("clusters"):
                lines.append(
                    "Klyngen "
                    + ", ".join(self.node(c["iri"], c["label"], "klynge") for c in page["clusters"])
                    + " nedlægges 2026-12-31."
                )
            if (page.get("region") or "").rsplit("/", 1)[-1] in ("1084", "1085"):
                lines.append("Regionen bliver en del af Region Østdanmark 2027-01-01.")
        elif kind == "region":
            key = page["iri"].rsplit("/", 1)[-1]
            if key in ("1084", "1085"):
                lines.append(
                    "Region Hovedstaden og Region Sjælland lægges sammen til Region Østdanmark 2027-01-01; det "
                    "forberedende regionsråd beslutter for den nye region i 2026."
                )
            elif key == "oestdanmark":
                lines.append("Regionen overtager fra Region Hovedstaden og Region Sjælland 2027-01-01.")
            else:
                lines.append("Regionen fortsætter; fra 2027-01-01 anbefaler dens sundhedsråd til regionsrådet.")
            lines.append(
                "Klyngerne og sundhedssamarbejdsudvalget nedlægges 2026-12-31; sundhedsrådene overtager 2027-01-01."
            )
        elif page.get("acuteFor"):
            lines.append(
                "Klyngen, sygehuset er akutsygehus for, nedlægges 2026-12-31; samarbejdet går videre i sundhedsrådene."
            )
        if not lines:
            return ""
        return (
            '<aside class="reform"><h2>Hvad sker der 2027-01-01?</h2>'
            + "".join(f"<p>{x}</p>" for x in lines)
            + "</aside>"
        )

    def document(self, doc: dict) -> tuple[str, str]:
        title = doc.get("meetingLabel") or doc.get("file") or local_id(doc["iri"])
        facts = []
        if doc.get("forum"):
            facts.append("Forum: " + self.node(doc["forum"], doc.get("forumLabel") or local_id(doc["forum"]), "forum"))
        if doc.get("date"):
            facts.append("Dato: " + esc(words.day(doc["date"], weekday=True)))
        if doc.get("file"):
            facts.append("Fil: " + esc(doc["file"]))
        if doc.get("source"):
            facts.append(_web_link(doc["source"], "Referatet hos udgiveren"))
        text = doc.get("text") or ""
        length = len(text)
        body = [
            f'<p class="kicker">Referat</p><h1>{esc(title)}</h1>',
            f'<p class="note">{" · ".join(facts)}</p>',
            '<p id="citat-info" class="citat-info" role="status">Tilføj <code>#char=start,slut</code> til adressen '
            "for at "
            "markere et citat; siderne gør det, når du klikker på <i>vis i referatet</i>.</p>",
            f'<div id="referat" class="referat" data-length="{length}">{esc(text)}</div>',
        ]
        return f"Referat: {title}", "\n".join(body)


# --------------------------------------------------------------------------- static pages (the pack)


@functools.cache
def asset(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


STATIC_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def static_page(title: str, body: str, prefix: str = "../", script: bool = True) -> str:
    """A page of the pack: one file, its style (and script) inline, no request to anywhere."""
    js = f"<script>{asset('sider.js').replace('</script', '<' + chr(92) + '/script')}</script>" if script else ""
    nav = (
        f'<header><a class="brand" href="{esc(prefix)}index.html">sundhedsgraf</a><nav>'
        f'<a href="{esc(prefix)}index.html">Kort</a> <a href="{esc(prefix)}sider.html">Fora, råd og organisationer</a> '
        f'<a href="{esc(prefix)}ordliste.html">Ordliste</a></nav></header>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{STATIC_CSP}">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(title)}</title><link rel="icon" href="data:,">'
        f'<style>{asset("sider.css")}</style></head>\n<body class="statisk">{nav}<main '
        f'class="side">\n{body}\n</main>{js}</body></html>\n'
    )


def glossary_body() -> str:
    rows = "".join(
        f'<dt id="{esc(slug("x/" + term.lower()))}">{esc(term)}</dt><dd>{esc(text)}</dd>'
        for term, text in words.glossary()
    )
    return (
        "<h1>Ordliste</h1><p>Ord, forkortelser og koder, som kortene, siderne og referaterne bruger.</p>"
        f'<dl class="ordliste">{rows}</dl>'
    )


def _region_rank(region: str | None) -> int:
    order = ("1081", "1082", "1083", "1085", "1084", "oestdanmark")
    key = (region or "").rsplit("/", 1)[-1]
    return order.index(key) if key in order else len(order)


def index_body(entries: list[dict], prefix: str = "") -> str:
    """The list of pages by region and kind (the pack's sider.html)."""
    groups: dict[tuple, list[dict]] = {}
    for e in entries:
        groups.setdefault(
            (_region_rank(e.get("region")), e.get("regionLabel") or "Landsdækkende og andre", e["group"]), []
        ).append(e)
    order = {"Fora": 0, "Sundhedsråd": 1, "Kommuner": 2, "Organisationer": 3, "Regioner": 4}
    parts = [
        "<h1>Fora, råd og organisationer</h1><p>En side pr. forum (<i>Mit forum</i>: hvor det sidder, medlemmerne og "
        "deres fremmøde, de seneste møders punkter og beslutninger, sager der venter, bevillinger og hvad reformen "
        "betyder), pr. sundhedsråd og pr. organisation. Hvert faktum har et link til referatet.</p>"
    ]
    for (_, region, group), items in sorted(groups.items(), key=lambda x: (x[0][0], x[0][1], order.get(x[0][2], 9))):
        links = "".join(
            f"<li>{link(prefix + e['href'], e['label'])}"
            + (f" <span class=note>{esc(e['note'])}</span>" if e.get("note") else "")
            + "</li>"
            for e in sorted(items, key=lambda e: e["label"].lower())
        )
        parts.append(f'<h2>{esc(region)}: {esc(group.lower())} ({len(items)})</h2><ul class="sideliste">{links}</ul>')
    return "\n".join(parts)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class PackPages:
    def __init__(self, store, forums, councils, organisations, views, kinds, pages):
        self.store, self.forums, self.councils, self.organisations = store, forums, councils, organisations
        self.views, self.kinds, self.pages = views, kinds, pages
        self.entries: list[dict] = []

    def write(self, maps_dir: Path, documents: Iterable[str] = ()) -> dict[str, int]:
        """Write forum/, sundhedsraad/, organisation/, referat/, sider.html and ordliste.html into `maps_dir`, replacing
        the folders of an earlier pack (a forum that is gone leaves no stale page). `documents`: minutes the maps
        quote, written as pages beside those the pages quote."""
        work = maps_dir / f".sider-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        links = Links(served=False, pages=self.pages, views=self.views, documents=None)
        kinds = dict(self.kinds)
        render = Renderer(links, kinds)
        counts = {}
        for folder, data_of, draw, items in (
            ("forum", lambda xs: forum_data(self.store, xs, kinds), render.forum, self.forums),
            ("sundhedsraad", lambda xs: council_data(self.store, xs), render.council, self.councils),
            (
                "organisation",
                lambda xs: organisation_data(self.store, xs, kinds),
                render.organisation,
                self.organisations,
            ),
        ):
            counts[folder] = 0
            for part in chunks(sorted(items), 400):
                data = data_of(part)
                render.kinds.update(classify(self.store, _mentioned(data.values()) - set(render.kinds)))
                for iri, page in data.items():
                    title, body = draw(page)
                    _write(work / folder / f"{slug(iri)}.html", static_page(title, body))
                    counts[folder] += 1
                    self.entries.append(_entry(folder, iri, page))
        docs = sorted(links.used_documents | set(documents))
        counts["referat"] = 0
        for part in chunks(docs, 100):
            for doc, data in document_data(self.store, part).items():
                title, body = render.document(data)
                _write(work / "referat" / f"{slug(doc)}.html", static_page(title, body, script=True))
                counts["referat"] += 1
        _write(work / "sider.html", static_page("Fora, råd og organisationer", index_body(self.entries), prefix=""))
        _write(work / "ordliste.html", static_page("Ordliste", glossary_body(), prefix=""))
        (work / "kort.json").write_text(json.dumps({"views": self.views}, ensure_ascii=False), encoding="utf-8")
        for name in ("forum", "sundhedsraad", "organisation", "referat"):
            target = maps_dir / name
            shutil.rmtree(target, ignore_errors=True)
            if (work / name).exists():
                os.replace(work / name, target)
        for name in ("sider.html", "ordliste.html", "kort.json"):
            os.replace(work / name, maps_dir / name)
        shutil.rmtree(work, ignore_errors=True)
        return counts


def _mentioned(pages: Iterable[dict]) -> set[str]:
    """IRIs a page links to whose kind decides the link (organisations of members, forums of people …)."""
    out: set[str] = set()
    for page in pages:
        for m in page.get("members") or []:
            out.update(o for o, _ in m["organisations"])
            out.add(m["iri"])
        for p in page.get("people") or []:
            out.update(f for f, _ in p["forums"])
        for a in page.get("allocations") or []:
            if a.get("to"):
                out.add(a["to"])
        for key in ("waitingSent", "waitingHere"):
            out.update(w["other"] for w in page.get(key) or [])
        for s in page.get("seats") or []:
            if s.get("represents"):
                out.add(s["represents"])
        for t in (page.get("transitions") or []) + (page.get("takesOver") or []):
            out.update((t["from"], t["to"]))
            out.update(k for k, _ in t["certain"] + t["disputed"])
    return out


def _entry(folder: str, iri: str, page: dict) -> dict:
    group = {"forum": "Fora", "sundhedsraad": "Sundhedsråd"}.get(folder) or {
        "kommune": "Kommuner",
        "region": "Regioner",
    }.get(page.get("kind") or "", "Organisationer")
    note = None
    if folder == "forum":
        n = len(page.get("meetings") or [])
        note = f"{n} møde{'r' if n != 1 else ''}" if n else None
    region = page.get("region") or (page["iri"] if page.get("kind") == "region" else None)
    region_label = page.get("regionLabel") or (page["label"] if page.get("kind") == "region" else None)
    return {
        "href": f"{folder}/{slug(iri)}.html",
        "label": page["label"],
        "group": group,
        "note": note,
        "region": region,
        "regionLabel": region_label,
    }
