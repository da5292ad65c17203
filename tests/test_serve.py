"""The SPARQL endpoint, tested over real HTTP and with SPARQLWrapper against a server the test starts."""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from graph.serve import free_port

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(built):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "serve",
            "--data",
            str(built.out_dir),
            "--port",
            str(port),
            "--timeout",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(process.stderr.read().decode())
    yield url
    process.terminate()
    process.wait(10)


def get(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def post(url, data: bytes, content_type: str, accept=None):
    headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def q(query):
    return urllib.parse.urlencode({"query": query})


def test_get_and_post_with_content_negotiation(server, built):
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built.out_dir / "store"))
    triples = int(next(iter(store.query(COUNT, use_default_graph_as_union=True)))["n"].value)
    status, headers, body = get(f"{server}/sparql?{q(COUNT)}", "application/sparql-results+json")
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == triples > 1000
    status, headers, body = post(f"{server}/sparql", q(COUNT).encode(), "application/x-www-form-urlencoded", "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.startswith("n\r\n")
    status, headers, body = post(
        f"{server}/sparql", COUNT.encode(), "application/sparql-query", "text/tab-separated-values"
    )
    assert status == 200 and body.startswith("?n")
    status, headers, body = get(f"{server}/sparql?{q('ASK { ?s ?p ?o }')}", "application/sparql-results+xml")
    assert status == 200 and "<boolean>true</boolean>" in body
    construct = (
        "CONSTRUCT { ?k a <https://w3id.org/sundhedsgraf/ont#Sundhedsklynge> } "
        "WHERE { ?k a <https://w3id.org/sundhedsgraf/ont#Sundhedsklynge> }"
    )
    status, headers, body = get(f"{server}/sparql?{q(construct)}", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and body.count("Sundhedsklynge") >= 22
    status, headers, body = get(f"{server}/sparql?{q(construct)}&format=ntriples")
    assert status == 200 and len(body.strip().splitlines()) == 22


def test_read_only_and_no_federation(server):
    update = "INSERT DATA { <http://a> <http://b> <http://c> }"
    assert (
        post(
            f"{server}/sparql", urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"
        )[0]
        == 403
    )
    assert post(f"{server}/update", update.encode(), "application/sparql-update")[0] == 403
    assert post(f"{server}/sparql", update.encode(), "application/sparql-query")[0] == 403
    assert post(f"{server}/sparql", b"LOAD <http://example.org/x.ttl>", "application/sparql-query")[0] == 403
    status, _, body = get(f"{server}/sparql?{q('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')}")
    assert status == 403 and "SERVICE" in body
    # the words inside strings and IRIs are not keywords
    innocent = 'SELECT * WHERE { ?s ?p "SERVICE INSERT" } LIMIT 1'
    status, _, _ = get(f"{server}/sparql?{q(innocent)}")
    assert status == 200


def test_oversized_query_and_result_limits(server):
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70000
    assert post(f"{server}/sparql", huge.encode(), "application/sparql-query")[0] == 413


def test_a_runaway_query_is_stopped_and_others_are_answered(server):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        runaway = pool.submit(get, f"{server}/sparql?{q(RUNAWAY)}")
        time.sleep(0.3)
        started = time.monotonic()
        quick = [pool.submit(get, f"{server}/sparql?{q('ASK { ?s ?p ?o }')}") for _ in range(5)]
        assert all(f.result()[0] == 200 for f in quick)
        assert time.monotonic() - started < 2
        status, _, body = runaway.result()
    assert status == 503 and "stoppet efter 2 s" in body
    assert get(f"{server}/sparql?{q(COUNT)}")[0] == 200  # still answering afterwards


def test_no_cors_by_default_and_a_query_page(server):
    status, headers, body = get(f"{server}/sparql?{q('ASK {}')}")
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, body = get(f"{server}/")
    assert status == 200 and "<select" in body and "Hvad besluttede et forum" in body
    names = json.loads(get(f"{server}/queries.json")[2])
    assert len(names) >= 15


def test_sparqlwrapper(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(
        "PREFIX sg: <https://w3id.org/sundhedsgraf/ont#> SELECT (COUNT(?k) AS ?n) WHERE { ?k a sg:Kommune }"
    )
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "98"
