"""Named questions (queries/*.rq) and running SPARQL against the store.

A named query is a SPARQL file with a commented header:

    # title: Hvad besluttede et forum? | What did a forum decide?
    # description: Beslutninger i et forum i en periode, efter udfald.
    # param: forum (node) = forum/1083/lillebaelt/fagligt-strategisk-niveau -- forummet (IRI, id eller navn)
    # param: fra (date) = 2000-01-01 -- første dato

Parameters become a VALUES block at the start of the outermost WHERE group, written
from pyoxigraph terms (escaped N-Triples syntax, IRIs validated by pyoxigraph), so a
parameter value cannot change the query's structure. Parameter types: node (an IRI,
an id like kommune/0101, or a name found by label), iri, string, text, date, integer.
A date parameter whose default is `i dag` is the day the question is asked, not the day of the build:

    # param: dato (date) = i dag -- datoen (standard: i dag)

A text parameter can be looked up in the full-text index beside the store first:

    # param: tekst (text) = klyngemidler -- ordet der søges efter
    # index: tekst -> ?x

gives the query `VALUES ?x { <the nodes whose indexed text contains the word> }` as well; the
query keeps its own FILTER, so its answers are the same with or without the index.

    # inline: tekst

writes the parameter's value into the query text (as an escaped literal or IRI written by
pyoxigraph, so it cannot change the query's structure) instead of binding it by VALUES:
Oxigraph then evaluates a FILTER on it before its joins instead of after them.

    # lateral: union

has Oxigraph look up the query's first UNION (the one directly in its WHERE group) for each row found before it,
instead of finding every branch in the whole store and joining afterwards (`LATERAL`, SEP-0006; other stores get
the text as written). Write it only where both readings mean the same: a variable bound before the UNION may
appear in a branch only in its triple patterns, or in a FILTER, EXISTS, MINUS, OPTIONAL or BIND after the branch's
own patterns have bound it (standard SPARQL does not see the outer binding there, LATERAL does).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from ..resources import queries_dir
from ..store import GraphStore
from ..vocab import CONCEPT, ID, PREFIXES

QUERIES_DIR = queries_dir()  # the shipped named questions (queries/ in the checkout)
PARAM_TYPES = ("node", "iri", "string", "text", "date", "integer")
TODAY = ("i dag", "idag", "today")  # a date parameter's default that means the day the question is asked
# the schemes queries name most, as prefixes of their own: `sgc:outcome\/approved` needs an escaped slash,
# which rdflib's parser mishandles
QUERY_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()} | {
    "outcome": str(CONCEPT["outcome/"]),
    "route": str(CONCEPT["route-role/"]),
}


class QueryError(Exception):
    """A query that cannot run: the message says why in plain words."""


@dataclass
class Param:
    name: str
    type: str
    default: str | None
    description: str = ""


@dataclass
class NamedQuery:
    name: str
    path: Path
    title_da: str
    title_en: str
    description: str
    params: list[Param] = field(default_factory=list)
    sparql: str = ""
    index: dict[str, str] = field(default_factory=dict)  # text parameter -> the variable the text index narrows
    inline: set[str] = field(default_factory=set)  # parameters written into the query text instead of VALUES
    lateral_union: bool = False  # the first UNION looked up per row on Oxigraph (`# lateral: union`)


_HEADER_RE = re.compile(r"^#\s*(?P<key>title|description|param|index|inline|lateral)\s*:\s*(?P<value>.*)$")
_INDEX_RE = re.compile(r"^(?P<param>[A-Za-z_]\w*)\s*->\s*\?(?P<var>[A-Za-z_]\w*)$")
INDEX_LIMIT = 5000  # more matches than this: the query scans as it would without the index
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)\)\s*(?:=\s*(?P<default>.*?))?\s*(?:--\s*(?P<desc>.*))?$"
)


def parse_named_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    query = NamedQuery(name=path.stem, path=path, title_da="", title_en="", description="", sparql=text)
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER_RE.match(line.strip())
        if not m:
            continue
        key, value = m["key"], m["value"].strip()
        if key == "title":
            da, _, en = value.partition("|")
            query.title_da, query.title_en = da.strip(), en.strip()
        elif key == "description":
            query.description = (query.description + " " + value).strip()
        elif key == "inline":
            query.inline.update(name.strip() for name in value.split(",") if name.strip())
        elif key == "lateral":
            if value.lower() != "union":
                raise QueryError(f"{path}:{number}: skriv '# lateral: union'")
            query.lateral_union = True
        elif key == "index":
            i = _INDEX_RE.match(value)
            if not i:
                raise QueryError(f"{path}:{number}: skriv '# index: parameter -> ?variabel'")
            query.index[i["param"]] = i["var"]
        else:
            p = _PARAM_RE.match(value)
            if not p or p["type"] not in PARAM_TYPES:
                raise QueryError(
                    f"{path}:{number}: parameteren skal skrives 'navn (type) = standard -- beskrivelse' "
                    f"med en type blandt {', '.join(PARAM_TYPES)}"
                )
            default = p["default"].strip() if p["default"] and p["default"].strip() else None
            query.params.append(Param(p["name"], p["type"], default, (p["desc"] or "").strip()))
    if not query.title_da:
        raise QueryError(f"{path}: mangler '# title: dansk | english'")
    for name in query.index:
        if not any(p.name == name and p.type == "text" for p in query.params):
            raise QueryError(f"{path}: '# index: {name}' skal nævne en parameter af typen text")
    for name in query.inline - {p.name for p in query.params}:
        raise QueryError(f"{path}: '# inline: {name}' nævner ingen parameter")
    return query


def load_queries(folder: str | Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return {q.name: q for q in (parse_named_query(p) for p in sorted(Path(folder).glob("*.rq")))}


def resolve_query(name_or_path: str, folder: str | Path = QUERIES_DIR) -> NamedQuery:
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return (
            parse_named_query(path)
            if path.read_text(encoding="utf-8").lstrip().startswith("# title")
            else NamedQuery(path.stem, path, path.stem, path.stem, "", [], path.read_text(encoding="utf-8"))
        )
    queries = load_queries(folder)
    if name_or_path in queries:
        return queries[name_or_path]
    close = [n for n in queries if name_or_path.lower() in n.lower()]
    hint = f" Mente du: {', '.join(close)}?" if close else " Se 'sundhedsgraf queries'."
    raise QueryError(f"ukendt forespørgsel '{name_or_path}'.{hint}")


# --------------------------------------------------------------------------- parameters


class QueryStore(Protocol):
    """What binding a named query's parameters asks of a store: GraphStore, or the server's store that answers
    through its sandboxed backend (graph.serve.BackendStore)."""

    def query(self, sparql: str, **kwargs: Any) -> Any: ...

    def search_index(self) -> Any: ...


def _find_by_label(store: QueryStore, label: str) -> list[str]:
    """The nodes one of whose names is `label` (case aside); the text index narrows the look-up to the nodes with a
    text that is the name, instead of comparing every label in the store (a name such as Vejen is contained in
    thousands of texts, and reading every label took 1.3 s at 5,000 documents)."""
    query = """SELECT DISTINCT ?s WHERE {
                 VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel foaf:name }
                 ?s ?p ?l . FILTER(LCASE(STR(?l)) = LCASE(STR(?wanted))) } LIMIT 20"""
    candidates = _index_nodes(store, label, whole=True)
    narrowed = {"s": candidates} if candidates is not None else None
    rows = store.query(
        with_values(query, {ox.Variable("wanted"): ox.Literal(label)}, narrowed), prefixes=QUERY_PREFIXES
    )
    return [r["s"].value for r in rows]


def describe_nodes(store: QueryStore, iris: list[str]) -> list[str]:
    """'Sundhedsklynge Nord (Region Hovedstaden): klynge/1084/nord' for each node: its name, its region (its own, or
    that of what it is part of) and its id, so a user can tell same-named nodes apart."""
    query = """SELECT ?s (SAMPLE(?name) AS ?n) (GROUP_CONCAT(DISTINCT ?regionName; separator=", ") AS ?r) WHERE {
                 OPTIONAL { ?s skos:prefLabel|foaf:name ?name }
                 OPTIONAL { ?s (sg:partOf|org:unitOf|org:subOrganizationOf)*/sg:inRegion ?region .
                            ?region skos:prefLabel ?regionName } } GROUP BY ?s"""
    rows = {r["s"].value: r for r in store.query(with_values(query, {}, {"s": list(iris)}), prefixes=QUERY_PREFIXES)}
    out = []
    for iri in iris:
        row = rows.get(iri)
        name = row["n"].value if row is not None and row["n"] is not None else iri.rsplit("/", 1)[-1]
        region = row["r"].value if row is not None and row["r"] is not None and row["r"].value else ""
        ident = iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri
        out.append(f"{name}{f' ({region})' if region else ''}: {ident}")
    return out


def to_term(param: Param, value: str, store: QueryStore | None = None):
    value = value.strip()
    if param.type in ("node", "iri"):
        if re.match(r"^https?://", value):
            return ox.NamedNode(value)
        if param.type == "node" and re.match(r"^[a-z-]+/[\w./-]+$", value):
            return ox.NamedNode(str(ID[value]))
        if param.type == "node" and store is not None:
            found = _find_by_label(store, value)
            if len(found) == 1:
                return ox.NamedNode(found[0])
            if not found:
                raise QueryError(
                    f"parameteren {param.name}: intet hedder '{value}' "
                    "(angiv et navn, et id som kommune/0101 eller en IRI)"
                )
            raise QueryError(
                f"parameteren {param.name}: '{value}' er flertydigt ({len(found)} knuder); angiv id'et:\n"
                + "\n".join(f"  {line}" for line in describe_nodes(store, found[:8]))
            )
        raise QueryError(f"parameteren {param.name} skal være en IRI, fik '{value}'")
    if param.type == "date":
        if value.lower() in TODAY:
            value = date.today().isoformat()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise QueryError(f"parameteren {param.name} skal være en dato ÅÅÅÅ-MM-DD, fik '{value}'")
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    if param.type == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"parameteren {param.name} skal være et heltal, fik '{value}'")
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if param.type == "text":
        return ox.Literal(value.lower())
    return ox.Literal(value)


def bind_params(query: NamedQuery, given: dict[str, str], store: QueryStore | None = None) -> dict:
    known = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(known) or "ingen"
        raise QueryError(f"ukendt parameter {', '.join(unknown)} til '{query.name}' (den kender: {names})")
    bindings = {}
    for name, param in known.items():
        value = given.get(name, param.default)
        if value is None:
            raise QueryError(f"'{query.name}' mangler parameteren {name} ({param.description or param.type})")
        bindings[ox.Variable(name)] = to_term(param, value, store)
    return bindings


# --------------------------------------------------------------------------- running


@dataclass
class Result:
    kind: str  # select | ask | graph
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)  # pyoxigraph terms (or None)
    boolean: bool | None = None
    triples: list = field(default_factory=list)


_SKIP_RES = [
    re.compile(r"#[^\n]*"),  # comment
    re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""'),  # long strings
    re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''"),
    re.compile(r'"(?:[^"\\\n]|\\.)*"'),  # strings
    re.compile(r"'(?:[^'\\\n]|\\.)*'"),
    re.compile(r"<[^\s<>\"{}|^`]*>"),  # IRIs
]
_WHERE_RE = re.compile(r"(?<![\w:?$])where\b", re.IGNORECASE)


_SKIP_RE = re.compile("|".join(p.pattern for p in _SKIP_RES))


def _code(sparql: str) -> str:
    """`sparql` with its comments, strings and IRIs blanked out, offsets kept: what is left is syntax."""
    return _SKIP_RE.sub(lambda m: " " * len(m.group()), sparql)


_CONSTRUCT_RE = re.compile(r"(?<![\w:?$])construct\b", re.IGNORECASE)


_GROUPING_RE = re.compile(r"[(){]")


def _outer_group(code: str) -> int | None:
    """Offset just after the '{' that opens the outermost WHERE group in a query's `_code`: the first '{' outside
    parentheses (an EXISTS in the SELECT clause is inside them), but in a CONSTRUCT the first after WHERE (its
    template comes first). A SELECT without the word WHERE whose subquery has one keeps its own group."""
    start = 0
    construct = _CONSTRUCT_RE.search(code)
    if construct is not None and construct.start() < max(code.find("{"), 0):
        where = _WHERE_RE.search(code, construct.end())
        start = where.end() if where else 0
    depth = 0
    for m in _GROUPING_RE.finditer(code, start):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return m.end()
    return None


def with_values(sparql: str, bindings: dict, narrowed: dict[str, list[str]] | None = None) -> str:
    """Bind variables by a VALUES block at the start of the outermost WHERE group; `narrowed`: variables that
    may only take the given IRIs (one more VALUES block each)."""
    if not bindings and not narrowed:
        return sparql
    at = _outer_group(_code(sparql))
    if at is None:
        raise QueryError("forespørgslen har ingen WHERE-gruppe at binde parametre i")
    blocks = []
    if bindings:
        names = " ".join(f"?{v.value}" for v in bindings)
        blocks.append(f"VALUES ({names}) {{ ({' '.join(str(t) for t in bindings.values())}) }}")
    for variable, iris in (narrowed or {}).items():
        blocks.append(f"VALUES ?{variable} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}")
    return f"{sparql[:at]} {' '.join(blocks)} {sparql[at:]}"


def inline_values(sparql: str, bindings: dict) -> str:
    """Write each bound value into the query text in place of its variable; the value is a pyoxigraph term, so its
    text is an escaped literal, a validated IRI or a typed literal and cannot change the query's structure."""
    for variable, term in bindings.items():
        sparql = re.sub(rf"[?$]{re.escape(variable.value)}(?![\w])", _constant(str(term)), sparql)
    return sparql


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that inserts `text` as it is (a string replacement would read its backslashes)."""
    return lambda _m: text


_OPTIONAL_RE = re.compile(r"(?<![\w:?$])optional\s*\{", re.IGNORECASE)
# what may change meaning or cost when a group is evaluated once per row: binding, nested groups, subqueries
_NOT_PER_ROW_RE = re.compile(r"(?<![\w:?$])(?:bind|values|service|graph|select|minus|exists|lateral)\b", re.IGNORECASE)
_VARIABLE_RE = re.compile(r"[?$]([A-Za-z_]\w*)")
# a GRAPH group of plain patterns inside an OPTIONAL: per row, its graph is the one the row names
_GRAPH_GROUP_RE = re.compile(r"(?<![\w:?$])graph\s+(?:[?$]\w+|<[^<>\s]*>|\w*:[\w-]*)\s*\{([^{}]*)\}", re.IGNORECASE)


_FILTER_RE = re.compile(r"(?<![\w:?$])filter\b", re.IGNORECASE)


def _graph_content(group: re.Match[str]) -> str:
    """A GRAPH group's patterns, or the group as written when it filters: a FILTER inside it sees only the group's
    own variables, and looked up per row it would see the row's too."""
    return group.group(0) if _FILTER_RE.search(group.group(1)) else f" {group.group(1)} "


_BRACE_RE = re.compile(r"[{}]")


def _braces(code: str) -> tuple[dict[int, int], dict[int, int]]:
    """The groups of a query's `_code`: offset of each '{' -> offset of its '}', and the same back. (The braces are
    found by a regex: a Python loop over every character cost ~0.4 ms of each query.)"""
    closing: dict[int, int] = {}
    opening: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE_RE.finditer(code):
        if m.group() == "{":
            stack.append(m.start())
        elif stack:
            opening[m.start()] = stack.pop()
            closing[opening[m.start()]] = m.start()
    return closing, opening


def _depth(code: str, at: int) -> int:
    """How many groups of a query's `_code` the offset `at` lies in (a '{' at `at` counts, a '}' does not)."""
    depth = 0
    for m in _BRACE_RE.finditer(code, 0, at + 1):
        depth = depth + 1 if m.group() == "{" else max(depth - 1, 0)
    return depth


def lateral_optionals(sparql: str) -> str:
    """Each OPTIONAL over plain triple patterns and filters (and GRAPH groups of plain triple patterns) written as
    LATERAL { OPTIONAL { ... } }, so that Oxigraph
    looks it up for each row found so far instead of first finding every match in the whole store: its optimizer
    joins an OPTIONAL of more than one pattern by hashing all of the right side (a decision's outcome label
    joined over all 100,000 decisions of a 5,000-document store is 250 ms, looked up per row 1 ms). For such a
    group both readings give the same answers (SPARQL SEP-0006, which Oxigraph implements); the Virtuoso tests
    compare the unrewritten text. An OPTIONAL sharing no variable with what comes before it is left as it is."""
    code = _code(sparql)
    start = _outer_group(code) or 0
    seen: set[str] = set()  # the variables written before the OPTIONAL at hand
    read_to = start
    pieces, done = [], 0
    closing = _braces(code)[0]
    for m in _OPTIONAL_RE.finditer(code, start):
        seen.update(_VARIABLE_RE.findall(code, read_to, m.start()))
        read_to = max(read_to, m.start())
        close = closing.get(m.end() - 1, -1)  # the '}' of the OPTIONAL's group (the pattern ends at its '{')
        inner = code[m.end() : close]
        plain = _GRAPH_GROUP_RE.sub(_graph_content, inner)
        if close < 0 or "{" in plain or _NOT_PER_ROW_RE.search(plain) or not set(_VARIABLE_RE.findall(inner)) & seen:
            continue
        pieces += [sparql[done : m.start()], "LATERAL { ", sparql[m.start() : close + 1], " }"]
        done = close + 1
    return "".join(pieces) + sparql[done:] if pieces else sparql


_UNION_RE = re.compile(r"(?<![\w:?$])union\b", re.IGNORECASE)


def lateral_union(sparql: str) -> str:
    """The first UNION directly in the outermost WHERE group, all its branches, written as LATERAL { ... }."""
    code = _code(sparql)
    start = _outer_group(code)
    if start is None:
        return sparql
    closing, opening = _braces(code)
    outer = _depth(code, start - 1)
    first = next((m for m in _UNION_RE.finditer(code, start) if _depth(code, m.start()) == outer), None)
    begin = opening.get(len(code[: first.start()].rstrip()) - 1) if first is not None else None
    if first is None or begin is None:
        return sparql
    union: re.Match[str] | None = first
    while union is not None:  # a branch '{ ... }' after each UNION
        brace = _next_token(code, union.end())
        if brace not in closing:
            return sparql
        end = closing[brace] + 1
        union = _UNION_RE.match(code, _next_token(code, end))
    return f"{sparql[:begin]}LATERAL {{ {sparql[begin:end]} }}{sparql[end:]}"


_ORDER_BY_RE = re.compile(r"(?<![\w:?$])order\s+by\b", re.IGNORECASE)
_ORDER_BY_ENDS_RE = re.compile(r"(?<![\w:?$])(?:limit|offset|values)\b|[{}]", re.IGNORECASE)
# in an ORDER BY clause: a variable, or ASC/DESC of a variable, outside any parentheses; or a parenthesis
_ORDER_TERM_RE = re.compile(
    r"(?<![\w:?$])(?P<dir>asc|desc)\s*\(\s*[?$](?P<arg>[A-Za-z_]\w*)\s*\)|[?$](?P<var>[A-Za-z_]\w*)|[()]", re.IGNORECASE
)
# A text in a sort key that Oxigraph computed is held in memory; one read from the store is read from it again for
# every comparison (a RocksDB read, ~2 us: sorting 1,900 rows by two text columns took 50 of 130 ms). The key is the
# text followed by characters that sort below all others (no text holds U+0000), so that any two texts keep their
# order: U+0001 and the language tag for a tagged text, U+0002 for a plain one, which Oxigraph sorts after the
# tagged texts of the same words. CONCAT fails on anything but a text, and COALESCE then sorts by the value itself.
# Texts, IRIs, blank nodes and unbound values keep their order (tested); so do numbers and dates among themselves.
# A column that mixes texts with numbers or dates of the same characters ("9"@da and 9) may come out in another
# order: SPARQL leaves it open, and Oxigraph's own comparison of such values is not transitive.
_SORT_KEY = 'COALESCE(CONCAT(?{0}, IF(LANG(?{0}) = "", "\\u0002", CONCAT("\\u0001", LANG(?{0})))), ?{0})'


def sort_keys_in_memory(sparql: str) -> str:
    """Each variable an ORDER BY sorts by, written as a key Oxigraph computes once and holds in memory (see
    _SORT_KEY): the same order, without reading texts from the store at every comparison."""
    code = _code(sparql)
    pieces, done = [], 0
    for clause in _ORDER_BY_RE.finditer(code):
        end = _ORDER_BY_ENDS_RE.search(code, clause.end())
        depth = 0
        for m in _ORDER_TERM_RE.finditer(code, clause.end(), end.start() if end else len(code)):
            if m.group() in "()":
                depth += 1 if m.group() == "(" else -1
            elif depth == 0:
                key = _SORT_KEY.format(m.group("arg") or m.group("var"))
                pieces += [sparql[done : m.start()], f"{m.group('dir')}({key})" if m.group("dir") else key]
                done = m.end()
    return "".join(pieces) + sparql[done:] if pieces else sparql


def _next_token(code: str, at: int) -> int:
    """The offset of the first character after `at` that is not white space (comments are blanked in `code`)."""
    return len(code) - len(code[at:].lstrip())


def prepare(store: QueryStore, query: NamedQuery, bindings: dict, narrowing: bool = True, lateral: bool = True) -> str:
    """The query text to run: parameters bound (by VALUES, or written in where the query asks for it), text
    parameters narrowed by the index (unless `narrowing` is off) and, for Oxigraph, OPTIONALs looked up per row
    (`lateral_optionals`; off for other stores, which need not know LATERAL)."""
    inline = {v: t for v, t in bindings.items() if v.value in query.inline}
    rest = {v: t for v, t in bindings.items() if v.value not in query.inline}
    narrowed = narrow(store, query, bindings) if narrowing else None
    sparql = with_values(inline_values(query.sparql, inline), rest, narrowed)
    if lateral and query.lateral_union:
        sparql = lateral_union(sparql)
    return sort_keys_in_memory(lateral_optionals(sparql)) if lateral else sparql


def narrow(store: QueryStore, query: NamedQuery, bindings: dict) -> dict[str, list[str]]:
    """The variables the full-text index narrows for this query's text parameters (none without an index)."""
    narrowed = {}
    for param, variable in query.index.items():
        nodes = _index_nodes(store, bindings[ox.Variable(param)].value)
        if nodes is not None:
            narrowed[variable] = nodes
    return narrowed


def _index_nodes(store: QueryStore, term: str, whole: bool = False) -> list[str] | None:
    """The nodes the text index narrows a look-up of `term` to (see SearchIndex.nodes); None when there is no usable
    index or more than INDEX_LIMIT nodes match (the query then scans as it would without the index)."""
    index = store.search_index()
    nodes = index.nodes(term, limit=INDEX_LIMIT + 1, whole=whole) if index is not None else None
    return nodes if nodes is not None and len(nodes) <= INDEX_LIMIT else None


def _syntax_error(exc: SyntaxError, query: NamedQuery) -> QueryError:
    message = str(exc)
    m = re.search(r"error at (\d+):(\d+)", message)
    where = f"{query.path}:{m.group(1)}:{m.group(2)}" if m else str(query.path)
    detail = message.split(": ", 1)[1] if ": " in message else message
    return QueryError(f"syntaksfejl i {where}: {detail[:300]}")


def run(store: GraphStore, query: NamedQuery, given: dict[str, str] | None = None) -> Result:
    bindings = bind_params(query, given or {}, store)
    try:
        answer = store.query(prepare(store, query, bindings), prefixes=QUERY_PREFIXES)
    except SyntaxError as exc:
        raise _syntax_error(exc, query) from exc
    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        # a solution iterates over its values in the order of the variables (None where unbound): ~40% cheaper
        # than looking each value up by name (5,000 rows of 7 columns: 68 -> 39 ms)
        rows = [list(solution) for solution in answer]
        return Result("select", variables, rows)
    return Result("graph", triples=list(answer))


def term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        value = term.value
        return "sgid:" + value[len(str(ID)) :] if value.startswith(str(ID)) else value
    return term.value


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})

    def binding(term):
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out

    bindings = [
        {v: binding(t) for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_delimited(result: Result, delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow([str(result.boolean).lower()])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_text(t) if delimiter == "\t" else (t.value if t is not None else "") for t in row])
    return out.getvalue()
