"""push: the dataset into a real Oxigraph server (Graph Store Protocol), started by the test on loopback."""

from __future__ import annotations

import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from graph.push import PushError, push
from graph.serve import free_port, oxigraph_binary
from graph.store import GraphStore


def remote_count(url: str) -> int:
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
    with urllib.request.urlopen(urllib.request.Request(f"{url}/query?{query}", headers={"Accept": "text/csv"}), timeout=30) as r:
        return int(r.read().decode().splitlines()[1])


@pytest.fixture
def oxigraph_server(tmp_path):
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
