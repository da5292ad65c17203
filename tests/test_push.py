"""push: the dataset into a real Oxigraph server (Graph Store Protocol), started by the test on loopback."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.namespace import RDF

import graph.push as push_module
from graph.build import build, document_key
from graph.cli import main
from graph.pipeline import build_document
from graph.push import PushError, push
from graph.serve import free_port, oxigraph_binary
from graph.store import META_GRAPH, GraphStore, open_for_update
from graph.vocab import GRAPH, ID, SG, document_graph

from .conftest import MINUTES


def remote_count(url: str) -> int:
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
    with urllib.request.urlopen(
        urllib.request.Request(f"{url}/query?{query}", headers={"Accept": "text/csv"}), timeout=30
    ) as r:
        return int(r.read().decode().splitlines()[1])


@pytest.fixture
def oxigraph_server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    yield url, process
    process.terminate()
    process.wait(10)


def test_push_is_idempotent(built, oxigraph_server):
    url, _ = oxigraph_server
    store = GraphStore.open_read_only(built.out_dir)
    first = push(store, f"{url}/store")
    assert len(first.graphs) >= 7  # registry, ontology, corrections and one per document
    after_first = remote_count(url)
    assert after_first == first.triples
    push(store, f"{url}/store")
    assert remote_count(url) == after_first


def test_push_to_a_server_that_is_gone_says_so(built, oxigraph_server):
    url, process = oxigraph_server
    process.terminate()
    process.wait(10)
    with pytest.raises(PushError, match="kan ikke nå .* kør push igen"):
        push(GraphStore.open_read_only(built.out_dir), f"{url}/store")


@pytest.mark.slow
def test_a_push_cut_off_midway_completes_when_run_again_without_duplicates(built, tmp_path):
    """The real Oxigraph server is stopped while the push is under way, started again, and the push re-run."""

    store = GraphStore.open_read_only(built.out_dir)
    location, port = tmp_path / "remote", free_port()
    url = f"http://127.0.0.1:{port}"

    def start():
        process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
                return process
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph did not start")

    server = start()
    sent: list[str] = []

    def stop_after_two(graph: str) -> None:
        sent.append(graph)
        if len(sent) == 3:  # two graphs are on the server; stop it before the third
            server.terminate()
            server.wait(10)

    with pytest.raises(PushError, match="kør push igen"):
        push(store, f"{url}/store", progress=stop_after_two)
    server = start()
    try:
        report = push(store, f"{url}/store")
        assert remote_count(url) == report.triples  # complete, and nothing twice
    finally:
        server.terminate()
        server.wait(10)


# ---- what push leaves on the remote: exactly the dataset's graphs, and nothing of anyone else's

DATASET = str(GRAPH)  # https://w3id.org/sundhedsgraf/graph/
OUTSIDE = {  # graphs of others on the same server: push must never touch them
    "http://example.org/someone-elses-graph": 2,
    "https://w3id.org/sundhedsgraf/id/not-a-graph-namespace": 1,
    "https://w3id.org/sundhedsgraf/graphs-lookalike": 1,
}


def put_graph(url: str, graph: str, triples: int = 1) -> None:
    body = "".join(f'<http://example.org/s{n}> <http://example.org/p> "{graph}" .\n' for n in range(triples)).encode()
    request = urllib.request.Request(
        f"{url}/store?graph={urllib.parse.quote(graph, safe='')}",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=30).read()


def remote_graphs(url: str) -> dict[str, int]:
    """Every named graph on the server -> its number of triples."""
    query = urllib.parse.urlencode({"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    with urllib.request.urlopen(
        urllib.request.Request(f"{url}/query?{query}", headers={"Accept": "text/csv"}), timeout=30
    ) as r:
        rows = r.read().decode().splitlines()[1:]
    return {g: int(n) for g, n in (row.rsplit(",", 1) for row in rows)}


def dataset_graphs(url: str) -> set[str]:
    return {g for g in remote_graphs(url) if g.startswith(DATASET)}


def local_graphs(out: Path) -> set[str]:
    return set(GraphStore.open_read_only(out).named_graphs()) - {str(META_GRAPH)}


def small_corpus(tmp_path: Path, documents: int) -> tuple[Path, Path]:
    minutes = tmp_path / "minutes"
    minutes.mkdir()
    for source in sorted(MINUTES.iterdir())[:documents]:
        shutil.copy(source, minutes / source.name)
    out = tmp_path / "out"
    build([minutes], out_dir=out, document_builder=build_document)
    return minutes, out


def no_query_endpoint(monkeypatch) -> None:
    """Make every server a Graph-Store-only server: push cannot list what the remote has."""
    monkeypatch.setattr(push_module, "query_endpoints_for", lambda endpoint: [], raising=False)


@pytest.mark.parametrize("listing", ["derived", "explicit", "record"])
def test_push_removes_the_graphs_of_removed_documents_and_touches_nothing_else(
    tmp_path, oxigraph_server, monkeypatch, listing
):
    """derived: the query endpoint is found from the Graph Store address (Oxigraph /store -> /query);
    explicit: given with --query-endpoint; record: neither, only push-state.json says what was pushed."""
    url, _ = oxigraph_server
    minutes, out = small_corpus(tmp_path, 4)
    for graph, triples in OUTSIDE.items():
        put_graph(url, graph, triples)
    options: list[str] = []
    if listing != "derived":
        no_query_endpoint(monkeypatch)
    if listing == "explicit":
        options = ["--query-endpoint", f"{url}/query"]
    first = push(
        GraphStore.open_read_only(out), f"{url}/store", **({"query_endpoint": f"{url}/query"} if options else {})
    )
    assert dataset_graphs(url) == local_graphs(out) == {g for g, _ in first.graphs}
    if listing != "record":  # a graph of the dataset pushed from another copy: only a listing can find it
        put_graph(url, DATASET + "doc/pushed-from-another-data-folder")

    before = dataset_graphs(url)
    gone = sorted(minutes.iterdir())[:2]
    for path in gone:
        path.unlink()
    assert [d.status for d in build([minutes], out_dir=out, document_builder=build_document).documents].count(
        "removed"
    ) == 2
    local = local_graphs(out)
    assert {str(document_graph(document_key(p))) for p in gone} <= before - local

    result = CliRunner().invoke(main, ["push", "--endpoint", f"{url}/store", "--data", str(out), *options])
    assert result.exit_code == 0, result.output
    assert dataset_graphs(url) == local  # the removed minutes are no longer published
    assert {g: n for g, n in remote_graphs(url).items() if not g.startswith(DATASET)} == OUTSIDE  # nothing else touched
    assert f"fjernede {len(before - local)} grafer, der ikke længere findes lokalt" in result.output
    state = json.loads((out / "push-state.json").read_text(encoding="utf-8"))
    assert set(state["endpoints"][f"{url}/store"]["graphs"]) == local

    if listing == "derived":  # done: the next push removes nothing
        again = CliRunner().invoke(main, ["push", "--endpoint", f"{url}/store", "--data", str(out)])
        assert again.exit_code == 0 and "fjernede" not in again.output and dataset_graphs(url) == local


def test_a_push_cut_off_midway_still_removes_what_it_had_sent_once_the_document_is_gone(
    tmp_path, oxigraph_server, monkeypatch
):
    """Ctrl-C after two graphs reached a Graph-Store-only server; the first document is then removed and rebuilt:
    the next push must remove its graph, though no push ever completed."""
    url, _ = oxigraph_server
    no_query_endpoint(monkeypatch)
    minutes, out = small_corpus(tmp_path, 3)
    sent: list[str] = []

    def ctrl_c_before_the_third(graph: str) -> None:
        sent.append(graph)
        if len(sent) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push(GraphStore.open_read_only(out), f"{url}/store", progress=ctrl_c_before_the_third)
    first = sorted(minutes.iterdir())[0]
    first_graph = str(document_graph(document_key(first)))
    assert first_graph in dataset_graphs(url)

    first.unlink()
    build([minutes], out_dir=out, document_builder=build_document)
    report = push(GraphStore.open_read_only(out), f"{url}/store")
    assert dataset_graphs(url) == local_graphs(out)
    assert first_graph in report.removed


# ---- what push prints: server text is plain text, credentials never


@pytest.fixture
def small_data(tmp_path) -> Path:
    """A data folder with two small graphs: no build needed for the tests of what push prints."""
    data = tmp_path / "data"
    with open_for_update(data) as store:
        store.replace_graph(GRAPH["doc/a"], [(ID["kommune/a"], RDF.type, SG.Kommune)])
        store.replace_graph(GRAPH["reference"], [(ID["kommune/b"], RDF.type, SG.Kommune)])
    return data


@contextlib.contextmanager
def fake_server(answers: dict[str, tuple]):
    """An HTTP server on loopback answering each method (GET, PUT, DELETE) with (status, body[, headers]); it
    records (method, path, Authorization header) of every request."""
    seen: list[tuple[str, str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def answer(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append((self.command, self.path, self.headers.get("Authorization")))
            status, body, *headers = answers.get(self.command, (405, b""))
            self.send_response(status)
            for name, value in (headers[0] if headers else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_DELETE = do_POST = answer

        def log_message(self, *args):
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        server.shutdown()
        server.server_close()


EVIL = "[/] [bold red]server[/] \x1b[2J\x1b]0;pwned\x07 \x9b31m [link=http://x]y[/link]\r\nline two".encode()


@pytest.mark.parametrize("where", ["PUT", "query"])
def test_server_text_is_printed_as_plain_text_without_control_characters(small_data, where):
    """A server's error body with rich markup and terminal escape codes: shown as text, never interpreted."""
    with fake_server({"GET": (500, EVIL), "PUT": (500, EVIL)}) as (url, seen):
        options = ["--query-endpoint", f"{url}/sparql"] if where == "query" else []
        result = CliRunner().invoke(main, ["push", "--endpoint", f"{url}/store", "--data", str(small_data), *options])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, repr(result.exception)
    assert "[/] [bold red]server[/]" in result.output and "[link=http://x]y[/link]" in result.output
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.output), repr(result.output)
    assert "\\x1b[2J" in result.output and "line two" in result.output  # escaped, not dropped silently
    if where == "query":  # an explicit query endpoint that fails stops the push before anything is changed
        assert not [method for method, _, _ in seen if method in ("PUT", "DELETE")]


def test_credentials_in_the_url_go_in_the_authorization_header_and_are_never_shown(small_data):
    secret_url = "http://anna:s%C3%A6kret%40x@{host}/store"
    token = "Basic " + base64.b64encode("anna:sækret@x".encode()).decode()
    with fake_server({"GET": (404, b"no query here"), "PUT": (204, b"")}) as (url, seen):
        endpoint = secret_url.format(host=url.removeprefix("http://"))
        result = CliRunner().invoke(main, ["push", "--endpoint", endpoint, "--data", str(small_data)])
        assert result.exit_code == 0, result.output
        puts = [(path, auth) for method, path, auth in seen if method == "PUT"]
        assert len(puts) == 2 and all(auth == token and path.startswith("/store?graph=") for path, auth in puts)
        assert f"sendt til {url}/store" in result.output
        state = json.loads((small_data / "push-state.json").read_text(encoding="utf-8"))
        assert list(state["endpoints"]) == [f"{url}/store"]
    with fake_server({"PUT": (401, b"wrong password")}) as (url, _):
        endpoint = secret_url.format(host=url.removeprefix("http://"))
        failed = CliRunner().invoke(main, ["push", "--endpoint", endpoint, "--data", str(small_data)])
        assert (
            failed.exit_code == 1
            and f"{url}/store afviste graf 1 af 2" in failed.output
            and "HTTP 401" in failed.output
        )
    unreachable = CliRunner().invoke(
        main, ["push", "--endpoint", "http://anna:hemmelig@127.0.0.1:9/store", "--data", str(small_data)]
    )
    assert unreachable.exit_code == 1 and "kan ikke nå http://127.0.0.1:9/store" in unreachable.output
    for output in (
        result.output,
        failed.output,
        unreachable.output,
        (small_data / "push-state.json").read_text(encoding="utf-8"),
    ):
        assert "anna" not in output and "kret" not in output and "hemmelig" not in output


def test_credentials_do_not_follow_a_redirect_to_another_host(small_data):
    """The listing is a GET, which urllib redirects with every header: the Authorization header stays behind."""
    with fake_server({"GET": (404, b"")}) as (elsewhere, seen_elsewhere):
        redirect = {"GET": (302, b"", {"Location": f"{elsewhere}/query"}), "PUT": (204, b"")}
        with fake_server(redirect) as (url, seen):
            endpoint = "http://anna:hemmelig@" + url.removeprefix("http://") + "/store"
            result = CliRunner().invoke(main, ["push", "--endpoint", endpoint, "--data", str(small_data)])
    assert result.exit_code == 0, result.output
    assert [auth for method, _, auth in seen if method == "GET"][0].startswith("Basic ")
    assert [(method, auth) for method, _, auth in seen_elsewhere] == [("GET", None)]
