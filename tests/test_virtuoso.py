"""push and the named questions against a real Virtuoso server (Debian's virtuoso-opensource-7-bin), started by the
test on loopback: the store users move to when they outgrow the embedded one. CI installs it (.ci/run).

The server gets a minimal virtuoso.ini in a temporary folder (free loopback ports, small buffers) and is prepared
with isql-vt: a user of its own with the SPARQL_UPDATE role, as the README tells users to make. push sends to the
Digest-protected /sparql-graph-crud-auth with that user, and lists the server's graphs through /sparql.

Every named question runs on Virtuoso's /sparql (the SPARQL `sundhedsgraf query` runs, prefixes written out) and on
the embedded store, and the answers are compared as plain values (see `plain`): an IRI by its text, a literal by its
lexical form (the datatype is not compared), a number by its value, a truth value as true/false (Virtuoso writes
1/0), a GROUP_CONCAT list without its order; the rows as a multiset. EXPECTED_DIFFERENCES and the README say where
Virtuoso may answer otherwise, DIALECT shows why.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph import query as named
from graph.cli import main
from graph.push import DATASET_GRAPHS
from graph.serve import free_port
from graph.store import META_GRAPH, GraphStore

VIRTUOSO, ISQL = shutil.which("virtuoso-t"), shutil.which("isql-vt")
pytestmark = pytest.mark.skipif(
    (VIRTUOSO is None or ISQL is None) and not os.environ.get("CI"),  # in CI a missing server fails, not skips
    reason="virtuoso-t/isql-vt er ikke installeret (Debian: apt-get install virtuoso-opensource-7-bin); "
    "CI installerer dem",
)

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}

INI = """\
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 2000
MaxDirtyBuffers = 1200
DirsAllowed = {root}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = {max_rows}
"""


@dataclass
class Virtuoso:
    url: str  # http://127.0.0.1:<port>
    user: str  # a user with the SPARQL_UPDATE role
    password: str

    @property
    def store(self) -> str:  # the Graph Store Protocol address, Digest-protected
        return f"{self.url}/sparql-graph-crud-auth"

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"


def start_virtuoso(root: Path, max_rows: int = 100_000):
    """virtuoso-t in the foreground on free loopback ports, a database of its own in `root`, answers cut at
    `max_rows`; returns the process and a Virtuoso once /sparql answers and the push user exists."""
    sql_port, http_port = free_port(), free_port()
    (root / "virtuoso.ini").write_text(
        INI.format(root=root, sql_port=sql_port, http_port=http_port, max_rows=max_rows), encoding="utf-8"
    )
    console = open(root / "console.log", "wb")  # noqa: SIM115 - the server writes it until it stops
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(root / "virtuoso.ini")],
        cwd=root,
        stdout=console,
        stderr=subprocess.STDOUT,
    )
    console.close()
    url = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("virtuoso-t startede ikke:\n" + (root / "console.log").read_text(errors="replace")[-2000:])
            time.sleep(0.1)
    user, password, dba = "sundhedsgraf", secrets.token_hex(8), secrets.token_hex(8)
    sql = (
        f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\"; "
        f"DB.DBA.USER_PASSWORD_SET('dba', '{dba}');"
    )
    done = subprocess.run(
        [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={sql}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        process.kill()
        pytest.fail(f"isql-vt kunne ikke oprette brugeren: {done.stdout}{done.stderr}")
    return process, Virtuoso(url, user, password)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    process, server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    stop(process)


# ---- reading the server


def sparql(server: Virtuoso, query: str) -> dict:
    """SPARQL JSON results from Virtuoso's /sparql (POST: the questions' VALUES blocks can be long)."""
    request = urllib.request.Request(
        server.sparql,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.headers.get("X-SPARQL-MaxRows") is None, "Virtuoso cut the answer short (ResultSetMaxRows)"
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"Virtuoso: HTTP {exc.code} {exc.read(600).decode(errors='replace')}") from exc


def plain(value: str | None, datatype: str | None = None) -> str | None:
    """A value as text the two engines agree on: numbers by value, booleans as true/false; None when unbound."""
    if value is None:
        return None
    if datatype in NUMERIC:
        try:
            number = Decimal(value)
            return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize())
        except InvalidOperation:
            return value
    if datatype == XSD + "boolean":
        return {"1": "true", "0": "false"}.get(value, value)
    return value


def plain_term(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return plain(term.value, None if term.language else term.datatype.value)
    return term.value  # an IRI's text; blank nodes are not compared by label


def plain_binding(binding: dict | None) -> str | None:
    if binding is None:
        return None
    return (
        plain(binding["value"], binding.get("datatype"))
        if binding["type"] in ("literal", "typed-literal")
        else binding["value"]
    )


def remote_quads(server: Virtuoso) -> Counter:
    answer = sparql(
        server, f'SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{DATASET_GRAPHS}")) }}'
    )
    return Counter(
        (
            row["g"]["value"],
            row["s"]["value"],
            row["p"]["value"],
            plain_binding(row["o"]),
            row["o"].get("xml:lang", "").lower(),
        )
        for row in answer["results"]["bindings"]
    )


def local_quads(data: Path) -> Counter:
    store = GraphStore.open_read_only(data)
    return Counter(
        (
            q.graph_name.value,
            q.subject.value,
            q.predicate.value,
            plain_term(q.object),
            (q.object.language or "") if isinstance(q.object, ox.Literal) else "",
        )
        for q in store.ox.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != str(META_GRAPH)
    )


def remote_counts(server: Virtuoso) -> Counter:
    """The dataset's graphs on the server -> their number of triples (cheaper to ask than the triples)."""
    answer = sparql(
        server,
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?g), "{DATASET_GRAPHS}")) }} GROUP BY ?g',
    )
    return Counter({row["g"]["value"]: int(row["n"]["value"]) for row in answer["results"]["bindings"]})


def remote_graphs(server: Virtuoso, under: str = DATASET_GRAPHS) -> set[str]:
    """The server's graphs under `under` (without the FILTER Virtuoso takes a minute: it also looks through its own
    system graphs and views)."""
    answer = sparql(
        server, f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{under}")) }}'
    )
    return {row["g"]["value"] for row in answer["results"]["bindings"]}


def put_graph(server: Virtuoso, graph: str) -> None:
    """A graph of someone else's, through the Graph Store Protocol with Digest (the standard library's handler)."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, server.url, server.user, server.password)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    body = f'<http://example.org/s> <http://example.org/p> "{graph}" .\n'.encode()
    request = urllib.request.Request(
        f"{server.store}?graph={urllib.parse.quote(graph, safe='')}",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    opener.open(request, timeout=30).read()


# ---- push


@dataclass
class Pushed:
    data: Path  # a copy of the sample's data folder, pushed to the server
    first: object  # the first push's CliRunner result

    @property
    def store(self) -> GraphStore:
        return GraphStore.open_read_only(self.data)


@pytest.fixture(scope="module")
def sample_on_virtuoso(built, virtuoso, tmp_path_factory) -> Pushed:
    """The session's sample dataset, pushed once with `sundhedsgraf push`. Every test leaves the server holding it."""
    data = tmp_path_factory.mktemp("pushed") / "data"
    shutil.copytree(built.out_dir, data, ignore=shutil.ignore_patterns("maps", "build.lock", "push-state.json"))
    return Pushed(data, push_cli(virtuoso, data))


def push_cli(server: Virtuoso, data: Path, password: str | None = None):
    return CliRunner().invoke(
        main,
        [
            "push",
            "--endpoint",
            server.store,
            "--user",
            server.user,
            "--password",
            password or server.password,
            "--data",
            str(data),
        ],
    )


@pytest.mark.slow
def test_push_to_virtuoso_sends_the_dataset_and_a_second_push_gives_the_same_data(sample_on_virtuoso, virtuoso):
    first, data = sample_on_virtuoso.first, sample_on_virtuoso.data
    assert first.exit_code == 0, first.output
    assert f"sendt til {virtuoso.store}" in first.output and "Advarsel" not in first.output
    local = local_quads(data)
    assert remote_counts(virtuoso) == Counter(graph for graph, *_ in local.elements())
    second = push_cli(virtuoso, data)
    assert second.exit_code == 0 and "fjernede" not in second.output, second.output
    assert remote_quads(virtuoso) == local  # every graph, every triple, once: replaced, not added to
    assert virtuoso.password not in first.output + second.output


def test_push_removes_the_datasets_graphs_the_data_folder_no_longer_has_found_through_virtuosos_sparql_endpoint(
    sample_on_virtuoso, virtuoso
):
    """Graphs of the dataset that are on the server and no longer in the local store (a removed document, a node no
    document names) are deleted. Without push-state.json only the listing through /sparql (derived from
    /sparql-graph-crud-auth) finds them; graphs of others on the server are left alone."""
    stale = {DATASET_GRAPHS + "doc/a-removed-document", DATASET_GRAPHS + "node/person-nobody-names"}
    others = {"http://example.org/someone-elses-graph", DATASET_GRAPHS.rstrip("/") + "s-lookalike"}
    for graph in stale | others:
        put_graph(virtuoso, graph)
    (sample_on_virtuoso.data / "push-state.json").unlink()
    result = push_cli(virtuoso, sample_on_virtuoso.data)
    assert result.exit_code == 0, result.output
    assert "fjernede 2 grafer, der ikke længere findes lokalt" in result.output
    assert remote_counts(virtuoso) == Counter(graph for graph, *_ in local_quads(sample_on_virtuoso.data).elements())
    assert others <= remote_graphs(virtuoso, "http://example.org/") | remote_graphs(
        virtuoso, DATASET_GRAPHS.rstrip("/")
    )


@pytest.mark.slow
def test_push_lists_the_graphs_of_a_virtuoso_that_cuts_answers_short_page_by_page(built, tmp_path):
    """Virtuoso sends at most ResultSetMaxRows rows (here 40 of the sample's graphs), with an X-SPARQL-MaxRows header:
    push reads the rest a page at a time, so a stale graph that sorts last is found as well as one that sorts first."""
    (tmp_path / "virtuoso").mkdir()
    process, server = start_virtuoso(tmp_path / "virtuoso", max_rows=40)
    try:
        data = tmp_path / "data"
        shutil.copytree(built.out_dir, data, ignore=shutil.ignore_patterns("maps", "build.lock", "push-state.json"))
        assert push_cli(server, data).exit_code == 0
        stale = [DATASET_GRAPHS + "aaa-first-page", DATASET_GRAPHS + "zzz-last-page"]
        for graph in stale:
            put_graph(server, graph)
        (data / "push-state.json").unlink()
        result = push_cli(server, data)
        assert result.exit_code == 0 and "fjernede 2 grafer" in result.output, result.output
        for graph in stale:
            assert not sparql(server, f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1")["results"][
                "bindings"
            ]
    finally:
        stop(process)


def test_a_wrong_password_is_refused_by_virtuoso_and_nothing_is_changed(sample_on_virtuoso, virtuoso):
    before = remote_counts(virtuoso)
    result = push_cli(virtuoso, sample_on_virtuoso.data, password="forkert")
    assert result.exit_code == 1 and "HTTP 401" in result.output, result.output
    assert remote_counts(virtuoso) == before


# ---- the named questions

# Where an answer may differ on Virtuoso by the engines' design (README, "Servere"): question -> column -> rule.
#   any: SAMPLE picks any one of the values, and the engines pick differently;
#   skipped: an aggregate over a value some rows lack: Oxigraph gives no value (SPARQL's rule for errors), Virtuoso
#            skips those rows - where Oxigraph gives a value, Virtuoso gives the same.
EXPECTED_DIFFERENCES = {
    "penge-pr-modtager": {"forum": "any", "foerste_dato": "skipped"},
    "personens-fora": {"foerst_set": "skipped", "senest_set": "skipped"},
}
PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in named.QUERY_PREFIXES.items())
QUESTIONS = named.load_queries()


def sent_sparql(store: GraphStore, question: named.NamedQuery, narrowed: bool = True) -> str:
    """What `sundhedsgraf query` runs (parameters at their defaults, the text index's narrowing), with the prefixes
    it passes to Oxigraph written out."""
    bindings = named.bind_params(question, {}, store)
    return PREFIXES + named.prepare(store, question, bindings, narrowing=narrowed, lateral=False)


def concatenated(sparql_text: str) -> dict[str, str]:
    """The variables a query makes with GROUP_CONCAT -> their separator. SPARQL leaves the order of such a list open:
    Virtuoso sorts a DISTINCT list, Oxigraph keeps the order it found the values in."""
    found = {}
    for match in re.finditer(r"GROUP_CONCAT\s*\(", sparql_text, re.IGNORECASE):
        depth, i = 1, match.end()
        while depth and i < len(sparql_text):
            depth += {"(": 1, ")": -1}.get(sparql_text[i], 0)
            i += 1
        separator = re.search(r';\s*separator\s*=\s*"((?:[^"\\]|\\.)*)"', sparql_text[match.end() : i], re.IGNORECASE)
        alias = re.match(r"\s*AS\s+\?(\w+)", sparql_text[i:], re.IGNORECASE)
        if alias:
            found[alias[1]] = separator[1] if separator else " "
    return found


def without_order(rows: list[tuple], variables: list[str], lists: dict[str, str]) -> list[tuple]:
    """Each GROUP_CONCAT value as its pieces in sorted order (a piece may itself hold the separator: it is then
    split alike on both sides)."""
    at = {variables.index(v): separator for v, separator in lists.items() if v in variables}
    return [
        tuple(
            at[i].join(sorted(value.split(at[i]))) if i in at and value is not None else value
            for i, value in enumerate(row)
        )
        for row in rows
    ]


def compare(name: str, variables: list[str], local: list[tuple], remote: list[tuple]) -> None:
    rules = EXPECTED_DIFFERENCES.get(name, {})
    exact = [i for i, v in enumerate(variables) if v not in rules]

    def key(row: tuple) -> tuple:
        return tuple(row[i] for i in exact)

    assert Counter(map(key, remote)) == Counter(map(key, local))
    if not rules:
        return
    remote_by_key = {key(row): row for row in remote}
    assert len(remote_by_key) == len(remote), f"{name}: rows are not told apart by the exactly compared columns"
    for row in local:
        other = remote_by_key[key(row)]
        for i, variable in enumerate(variables):
            if rules.get(variable) == "any":
                assert (row[i] is None) == (other[i] is None), (name, variable, row, other)
            elif rules.get(variable) == "skipped" and row[i] is not None:
                assert other[i] == row[i], (name, variable, row, other)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_named_question_gives_the_same_answers_on_virtuoso(sample_on_virtuoso, virtuoso, name):
    store, question = sample_on_virtuoso.store, QUESTIONS[name]
    answer = named.run(store, question)
    lists = concatenated(question.sparql)
    local = without_order([tuple(plain_term(term) for term in row) for row in answer.rows], answer.variables, lists)
    for narrowed in (True, False) if getattr(question, "index", None) else (True,):
        remote = sparql(virtuoso, sent_sparql(store, question, narrowed))
        assert remote["head"]["vars"] == answer.variables
        rows = [tuple(plain_binding(row.get(v)) for v in answer.variables) for row in remote["results"]["bindings"]]
        compare(name, answer.variables, local, without_order(rows, answer.variables, lists))


# ---- the differences the README names, shown on both engines

DIALECT = [  # (what, query, Oxigraph's answer, Virtuoso's answer): the first row's ?v, on the sample; "error": refused
    ("MIN over a missing value", "SELECT (MIN(?x) AS ?v) WHERE { VALUES ?x { UNDEF 1 2 } }", None, "1"),
    (
        "CONTAINS with an empty string (and a number for a truth value)",
        'SELECT ?v WHERE { BIND(CONTAINS("abc", "") AS ?v) }',
        "true",
        "0",
    ),
    ("GROUP_CONCAT without separator", 'SELECT (GROUP_CONCAT(?x) AS ?v) WHERE { VALUES ?x { "a" } }', "a", "error"),
    (
        "COUNT of a value one UNION branch lacks",
        "SELECT (COUNT(?x) AS ?v) WHERE "
        "{ { SELECT DISTINCT ?x ?y WHERE { { BIND(1 AS ?x) } UNION { BIND(2 AS ?y) } } } }",
        "1",
        "2",
    ),
    (
        "FILTER on an OPTIONAL value and a VALUES parameter",
        (
            "SELECT ?v WHERE { VALUES (?s ?fra) { (<http://e/s> 1) } ?m <http://e/p> ?s . "
            "OPTIONAL { ?m <http://e/d> ?v } "
            "FILTER(!BOUND(?v) || ?v >= ?fra) }"
        ),
        None,
        "error",
    ),
    (
        "CONCAT of a constant with a Danish letter and a stored name",
        (
            "SELECT ?v WHERE { <https://w3id.org/sundhedsgraf/id/kommune/0550> "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
            'BIND(CONCAT("på ", ?l) AS ?v) }'
        ),
        "på Tønder",
        "på TÃ¸nder",
    ),
]


@pytest.mark.parametrize("what, query, on_oxigraph, on_virtuoso", DIALECT, ids=[d[0] for d in DIALECT])
def test_the_dialect_differences_the_readme_names(sample_on_virtuoso, virtuoso, what, query, on_oxigraph, on_virtuoso):
    rows = list(sample_on_virtuoso.store.query(query))
    assert (plain_term(rows[0][0]) if rows else None) == on_oxigraph
    request = urllib.request.Request(
        virtuoso.sparql,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            bindings = json.loads(response.read())["results"]["bindings"]
        got = plain_binding(bindings[0].get("v")) if bindings else None
    except urllib.error.HTTPError:
        got = "error"
    assert got == on_virtuoso, f"{what}: Virtuoso answers {got!r} now - update the README's table"


def test_virtuoso_lists_no_graph_for_an_empty_graph_pattern(sample_on_virtuoso, virtuoso):
    """Why push asks Virtuoso for the graphs of its quads: GRAPH ?g { } names none of them."""
    answer = sparql(virtuoso, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert not [row for row in answer["results"]["bindings"] if "g" in row]
    assert remote_graphs(virtuoso)
