"""Security and robustness of `serve`: no request leaves the machine through SERVICE (front and backend each
stop it on their own), a timed-out query is never a truncated 200, and malformed requests get an answer,
not a hung thread or a traceback. Every test here talks to a real `serve` or a real Oxigraph backend."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

import graph.serve as serve
from graph.serve import free_port
from graph.store import StoreError

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the backend sandbox is Linux-only")


class Canary:
    """A TCP listener that records every connection made to it (one at a time, in arrival order)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.hits: list[bytes] = []
        self._barriers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(0.3)
            try:
                data = conn.recv(2000)
            except OSError:
                data = b""
            conn.close()
            if data == b"BARRIER":
                self._barriers += 1
            else:
                self.hits.append(data or b"(connection)")

    def settle(self) -> int:
        """The number of connections so far: every connection made before this call has been counted
        (the listener accepts in order, and this one comes last)."""
        seen = self._barriers
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"BARRIER")
        deadline = time.monotonic() + 5
        while self._barriers == seen and time.monotonic() < deadline:
            time.sleep(0.002)
        return len(self.hits)

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def canary():
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def served(built):
    """A real `serve` with a 1 s timeout; its stderr is checked for tracebacks at the end."""
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
            "1",
        ],
        stdout=subprocess.DEVNULL,
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
    yield url, port
    process.terminate()
    stderr = process.communicate(timeout=10)[1].decode(errors="replace")
    assert "Traceback" not in stderr, stderr


def http(url, query=None, method="GET", body_kind="form", accept=None, timeout=20, fmt=None):
    headers = {"Accept": accept} if accept else {}
    data = None
    if method == "GET":
        url = f"{url}/sparql?" + urllib.parse.urlencode({"query": query, **({"format": fmt} if fmt else {})})
    elif body_kind == "form":
        url, data = f"{url}/sparql", urllib.parse.urlencode({"query": query}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        url, data = f"{url}/sparql", query.encode()
        headers["Content-Type"] = "application/sparql-query"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


# ------------------------------------------------------------------------------------------------------------
# 1. SERVICE never reaches the network


def reproducer(target: str) -> str:
    return f"PREFIX e: <http://e/> SELECT * WHERE {{ BIND(e:a\\#b AS ?x) SERVICE <{target}x> {{ ?s ?p ?o }} }}"


def service_variants(target: str, count: int = 300, seed: int = 7) -> list[str]:
    """SPARQL spellings of a real SERVICE call to `target`, each behind something that has fooled a
    regex pre-filter (escaped prefixed names, strings and comments holding quotes and #)."""
    rng = random.Random(seed)
    keywords = [
        "SERVICE",
        "service",
        "SeRvIcE",
        "SERVICE SILENT",
        "service silent",
        "SERVICESILENT",
        "\\u0053ERVICE",
        "\\u0073ervice",
        "SERV\\u0049CE",
        "\\U00000053ERVICE SILENT",
        "SERVICE\tSILENT",
    ]
    gaps = [" ", "", "\t", "\n", " #c\n", " # \"'\r", "\r\n"]
    targets = [  # (prologue, reference)
        ("", f"<{target}x>"),
        (f"PREFIX t: <{target}> ", "t:x"),
        (f"PREFIX : <{target}> ", ":x"),
        (f"PREFIX : <{target}> ", ":"),
        (f"PREFIX t: <{target}> ", "t:a\\#b"),
        ("", f"<{target}\\u0078>"),
        ("", "?svc"),
    ]
    distractors = [
        "BIND(e:a\\#b AS ?x)",
        "BIND(e:a\\' AS ?x)",
        'BIND(e:a\\" AS ?x)',
        "BIND(e:a\\#\\'\\# AS ?x)",
        "BIND(e:x\\#y AS ?x) BIND('#' AS ?y)",
        'BIND("a#b" AS ?x)',
        "BIND('it\\'s # not' AS ?x)",
        'BIND("say \\"#\\"" AS ?x)',
        "BIND('''a'b''c#''' AS ?x)",
        'BIND("""a"b""c#""" AS ?x)',
        'FILTER(?o != "\'")',
        "BIND(<http://a#b> AS ?x)",
        'BIND("\\u0022" AS ?x)',
        "BIND(e:a\\~\\. AS ?x)",
        "BIND(e:\\#SERVICE AS ?x)",
        'BIND("x"@en AS ?x)',
        "BIND(1.5e3 AS ?x)",
        "",
    ]
    wrappers = ["{0}", "{{ {0} }}", "OPTIONAL {{ {0} }}", "{{ {{ {0} }} }}", "{0} UNION {{ ?s ?p ?o }}"]
    variants = []
    for _ in range(count):
        keyword, gap, (prologue, ref) = rng.choice(keywords), rng.choice(gaps), rng.choice(targets)
        call = f"{keyword}{gap}{ref} {{ ?s ?p ?o }}"
        if ref == "?svc":
            call = f"BIND(<{target}x> AS ?svc) " + call
        pattern = f"?s ?p ?o . {rng.choice(distractors)} " + rng.choice(wrappers).format(call)
        form = rng.choice(
            [
                "SELECT * WHERE {{ {0} }} LIMIT 1",
                "select * {{ {0} }} LIMIT 1",
                "ASK {{ {0} }}",
                "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {0} }} LIMIT 1",
            ]
        )
        variants.append(f"PREFIX e: <http://e/> {prologue}" + form.format(pattern))
    return variants


@pytest.mark.parametrize("method,body_kind", [("GET", None), ("POST", "form"), ("POST", "query")])
def test_the_reported_ssrf_is_refused_and_sends_nothing(served, canary, method, body_kind):
    before = canary.settle()
    status, _, body = http(served[0], reproducer(canary.url), method, body_kind)
    assert canary.settle() == before
    assert status == 403 and "SERVICE" in body.decode()


def test_fuzzed_service_spellings_never_reach_the_canary(served, canary):
    before = canary.settle()
    transports = [("GET", None), ("POST", "form"), ("POST", "query")]
    statuses = {}
    for i, query in enumerate(service_variants(canary.url)):
        method, body_kind = transports[i % 3]
        status = http(served[0], query, method, body_kind)[0]
        statuses.setdefault(status, query)
    assert canary.settle() == before, canary.hits[before:][:3]
    assert set(statuses) <= {400, 403}, statuses


def test_the_front_alone_refuses_every_spelling_that_oxigraph_would_run(canary):
    """Layer (b) on its own: each variant Oxigraph's own parser turns into a request (checked with
    pyoxigraph in this process, against the canary) is refused by check_query."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.NamedNode("http://o")))
    variants = service_variants(canary.url, count=300, seed=11) + [
        reproducer(canary.url),
        f"PREFIX e: <http://e/> SELECT * WHERE {{ BIND(e:a\\' AS ?x) SERVICE <{canary.url}x> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . SERVICESILENT<{canary.url}x>{{}} }}",
        f"PREFIX : <{canary.url}> SELECT * WHERE {{ ?s ?p ?o . SERVICE:x {{}} }}",
        f"PREFIX : <{canary.url}> SELECT * WHERE {{ ?s ?p ?o . SERVICESILENT: {{}} }}",
        f"SELECT * WHERE {{ ?s ?p true SERVICE <{canary.url}x> {{}} }}",
        f"SELECT*WHERE{{?s ?p ?o SERVICE<{canary.url}x>{{}}}}",
        f"SELECT * WHERE {{ ?s ?p ?o.SERVICE <{canary.url}x> {{ }} }}",
        f"SELECT * WHERE {{ ?s ?p 1.SERVICE <{canary.url}x> {{ }} }}",
        f"SELECT * WHERE {{ ?s ?p <http://o>.SERVICE <{canary.url}x> {{ }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p ?o }}SERVICE<{canary.url}x>{{}} }}",
    ]
    live = 0
    for query in variants:
        before = canary.settle()
        try:
            result = store.query(query)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        except (SyntaxError, OSError, RuntimeError):  # not a query Oxigraph runs, or its SERVICE call failed
            pass
        reached = canary.settle() > before
        live += reached
        if reached or "SERVICE" in query.upper():
            with pytest.raises(serve.Refused) as refused:
                serve.check_query(query)
            assert refused.value.status in (400, 403), query
    assert live >= 90  # the variants are real attacks, not syntax errors


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE INSERT" } LIMIT 1',
        "SELECT * WHERE { ?s ?p 'SERVICE' } # SERVICE <http://x/> { }",
        "PREFIX e: <http://e/> SELECT * WHERE { BIND(e:a\\#b AS ?x) } # SERVICE",
        "PREFIX e: <http://e/> SELECT * WHERE { BIND(e:a\\#SERVICE AS ?x) ?s ?p ?o }",
        "SELECT * WHERE { BIND(<http://x/SERVICE> AS ?x) ?service ?p ?o }",
        "SELECT * WHERE { ?s ?p '''SERVICE \"#\" ''' . ?s ?p \"\"\"'SERVICE'\"\"\" }",
        "SELECT * WHERE { ?s <http://e/p>* ?o . ?s <http://e/p>? ?o FILTER(?s < ?o && ?o > 1) }",
        "PREFIX borger: <http://e/> SELECT * WHERE { ?s ?p borger:Borgerservice }",
    ],
)
def test_innocent_queries_pass_the_check(query):
    serve.check_query(query)


@pytest.mark.parametrize(
    "query,status,word",
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", 403, "INSERT"),
        ("PREFIX e: <http://e/> DELETE WHERE { ?s ?p ?o }", 403, "DELETE"),
        ("LOAD <http://example.org/x.ttl>", 403, "LOAD"),
        ("PREFIX e: <http://e/> SELECT * WHERE { ?s e:a\\#b 'x' } SERVICE", 403, "SERVICE"),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> { } }", 403, "SERVICE"),
        ("SELECT * WHERE { ?s ?p 'unterminated }", 400, "kan ikke læses"),
        ("SELECT * WHERE { ?s ?p ?o } \\", 400, "kan ikke læses"),
        ('PREFIX e: <http://e/> SELECT * WHERE { ?s ?p e:a\\" }', 400, "kan ikke læses"),
    ],
)
def test_refusals_are_decided_on_tokens(query, status, word):
    with pytest.raises(serve.Refused) as refused:
        serve.check_query(query)
    assert refused.value.status == status and word in refused.value.message


def test_the_lexer_follows_the_grammar_terminals():
    tokens = serve._tokens("PREFIX e: <http://e/> SELECT ?x WHERE { BIND(e:a\\#b\\'c AS ?x) } # SERVICE")
    assert ("PNAME", "e:a\\#b\\'c") in tokens and all(text != "SERVICE" for _, text in tokens)
    assert serve._tokens("\"a\\\"#\" '''x''y''' 1.5e3 .5 1. _:b.c @en-GB $v") == [
        ("STRING2", '"a\\"#"'),
        ("STRING_LONG1", "'''x''y'''"),
        ("NUMBER", "1.5e3"),
        ("NUMBER", ".5"),
        ("NUMBER", "1"),
        ("PUNCT", "."),
        ("BLANK_NODE_LABEL", "_:b.c"),
        ("LANGTAG", "@en-GB"),
        ("VAR", "$v"),
    ]
    assert serve._tokens(serve.unescape_codepoints("\\u0053ERVICE")) == [("KEYWORD", "SERVICE")]


@pytest.mark.parametrize("unit", ["a.", "a-", "?a.", "<a", "1.", "t:a.", "_:a.", "\\u0061."])
def test_the_check_takes_linear_time(unit):
    """64 KB of one token pattern repeated: a regex that rescans the rest of a run from every start is
    quadratic here (about 20 s for `a.a.a...`)."""
    query = ("SELECT * WHERE { " + unit * 40000)[: serve.MAX_QUERY_BYTES]
    started = time.perf_counter()
    try:
        serve.check_query(query)
    except serve.Refused:
        pass
    assert time.perf_counter() - started < 1.0


@linux_only
def test_the_backend_alone_cannot_connect_anywhere(built, canary):
    """Layer (a) on its own: a SERVICE query sent straight to the backend's private port (no front)."""
    backend = serve.Backend(built.out_dir, 5)
    try:
        assert serve.seccomp_mode(backend.process.pid) == "2"
        before = canary.settle()
        for query in (
            f"SELECT * WHERE {{ SERVICE <{canary.url}x> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{canary.url}x> {{ ?s ?p ?o }} }}",
            reproducer(canary.url),
        ):
            request = urllib.request.Request(
                f"http://127.0.0.1:{backend.port}/query",
                data=query.encode(),
                method="POST",
                headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = response.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
            if "SILENT" not in query:  # an error instead of a request: the answer is not a complete result
                assert b"not permitted" in body.lower() or b"error" in body.lower(), body[-300:]
        assert canary.settle() == before
        # and it still answers
        content_type, body = backend.query("ASK { ?s ?p ?o }")
        assert json.loads(body)["boolean"] is True
    finally:
        backend.stop()


def run_bpf(program: bytes, nr: int, arch: int, args=(0, 0, 0, 0, 0, 0)) -> int:
    """Evaluate a classic-BPF seccomp program (the instructions serve uses) on one syscall."""
    import struct

    data = struct.pack("=iIQ6Q", nr, arch, 0, *args)
    insns = [struct.unpack("=HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        pc += 1
        if code == 0x20:
            acc = struct.unpack_from("=I", data, k)[0]
        elif code == 0x54:
            acc &= k
        elif code in (0x15, 0x35, 0x45):
            taken = acc == k if code == 0x15 else acc >= k if code == 0x35 else bool(acc & k)
            pc += jt if taken else jf
        elif code == 0x06:
            return k
        else:
            raise AssertionError(f"unexpected BPF instruction {code:#x}")


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_the_seccomp_filter_allows_serving_and_refuses_going_out(machine):
    program, numbers = serve.seccomp_filter(machine), serve.SECCOMP_ARCHES[machine]
    audit, allow, eperm = numbers["audit"], 0x7FFF0000, 0x00050001
    af_inet, af_inet6, af_unix, af_netlink, stream, dgram, nonblock = 2, 10, 1, 16, 1, 2, 0o4000
    assert run_bpf(program, numbers["connect"], audit) == eperm
    for io_uring in (425, 426, 427):
        assert run_bpf(program, io_uring, audit) == eperm
    assert run_bpf(program, numbers["socket"], audit, (af_inet, stream | nonblock, 0, 0, 0, 0)) == allow
    assert run_bpf(program, numbers["socket"], audit, (af_inet6, stream, 0, 0, 0, 0)) == allow
    assert run_bpf(program, numbers["socket"], audit, (af_unix, dgram, 0, 0, 0, 0)) == allow
    assert run_bpf(program, numbers["socket"], audit, (af_inet, dgram, 0, 0, 0, 0)) == eperm
    assert run_bpf(program, numbers["socket"], audit, (af_netlink, dgram, 0, 0, 0, 0)) == eperm
    assert run_bpf(program, numbers["sendto"], audit, (3, 0x1000, 5, 0, 0, 0)) == allow  # send() on a connection
    assert run_bpf(program, numbers["sendto"], audit, (3, 0x1000, 5, 0, 0x7FFF0000, 16)) == eperm
    assert run_bpf(program, numbers["sendto"], audit, (3, 0x1000, 5, 0, 1 << 40, 16)) == eperm
    assert run_bpf(program, numbers["sendto"], audit, (3, 0x1000, 5, 0x20000000, 0, 0)) == eperm  # MSG_FASTOPEN
    assert run_bpf(program, numbers["sendmsg"], audit, (3, 0x1000, 0, 0, 0, 0)) == allow
    assert run_bpf(program, numbers["sendmsg"], audit, (3, 0x1000, 0x20000000, 0, 0, 0)) == eperm
    assert run_bpf(program, numbers["sendmmsg"], audit, (3, 0x1000, 1, 0x20000000, 0, 0)) == eperm
    for harmless in (0, 1, 3, 63, 202, 232):  # read/write/close/accept/epoll... on either table
        assert run_bpf(program, harmless, audit) == allow
    assert run_bpf(program, 0, 0x40000003) == eperm  # a 32-bit (i386) syscall
    if numbers["x32"]:
        assert run_bpf(program, 0x40000000 | numbers["connect"], audit) == eperm


def test_an_unknown_architecture_gets_no_backend():
    with pytest.raises(StoreError, match="arkitekturen"):
        serve.seccomp_filter("riscv64")


@linux_only
def test_the_backend_does_not_start_unprotected(built, monkeypatch):
    monkeypatch.setattr(serve.platform, "machine", lambda: "riscv64")
    with pytest.raises(StoreError, match="startes ikke"):
        serve.Backend(built.out_dir, 5)
    monkeypatch.undo()

    def refused_by_kernel(self):
        raise OSError(22, "PR_SET_SECCOMP")

    monkeypatch.setattr(serve._Sandbox, "__call__", refused_by_kernel)
    with pytest.raises(StoreError, match="startes ikke"):
        serve.Backend(built.out_dir, 5)
    monkeypatch.undo()

    monkeypatch.setattr(serve._Sandbox, "__call__", lambda self: None)  # "installed" nothing
    with pytest.raises(StoreError, match="uden seccomp"):
        serve.Backend(built.out_dir, 5)


# ------------------------------------------------------------------------------------------------------------
# 2. A timeout is a 503, never a truncated 200

SLOW_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c = ?f && ?a != ?d) }"
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c = ?f) }"
SLOW_GRAPH = "CONSTRUCT { ?a <http://e/p> ?d } WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c = ?f && ?a != ?d) }"


@pytest.mark.parametrize(
    "query,accept",
    [
        (SLOW_ROWS, "application/sparql-results+json"),
        (SLOW_ROWS, "text/csv"),
        (SLOW_COUNT, "application/sparql-results+xml"),
        (SLOW_GRAPH, "text/turtle"),
    ],
)
def test_a_query_that_times_out_while_streaming_is_a_503(served, query, accept):
    status, _, body = http(served[0], query, accept=accept, timeout=30)
    assert status == 503, body[-200:]
    assert "stoppet efter 1 s" in body.decode() and b"cancelled" not in body
    assert http(served[0], "ASK { ?s ?p ?o }")[0] == 200  # the replacement backend answers


def test_render_checks_the_whole_answer():
    rows = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"uri","value":"http://x"}}]}}'
    assert serve.render("application/sparql-results+json", rows, "text/csv") == (
        "text/csv; charset=utf-8",
        b"a\r\nhttp://x\r\n",
    )
    with pytest.raises(serve.Timeout):
        serve.render("application/sparql-results+json", rows[:-20] + serve.CANCELLED, "")
    with pytest.raises(serve.Truncated):
        serve.render("application/sparql-results+json", rows[:-3], "")
    with pytest.raises(serve.Truncated):
        serve.render("application/sparql-results+json", b'{"head":{},"boolean":true}Internal error', "")
    with pytest.raises(serve.Truncated):
        serve.render("application/n-triples", b'<http://a> <http://b> <http://c> .\n<http://a> <http://b> "x', "")
    assert (
        serve.render("application/n-triples", b"<http://a> <http://b> <http://c> .\n", "text/turtle")[0]
        == "text/turtle"
    )


def test_render_keeps_the_result_cap(monkeypatch):
    monkeypatch.setattr(serve, "MAX_RESULT_BYTES", 100)
    rows = json.dumps(
        {"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": "x" * 30}}] * 10}}
    ).encode()
    with pytest.raises(serve.Refused) as refused:
        serve.render("application/sparql-results+json", rows, "text/csv")
    assert refused.value.status == 413


@pytest.mark.parametrize(
    "accept,fmt,media",
    [
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        (None, "xml", "application/sparql-results+xml"),
        (None, None, "application/sparql-results+json"),
        ("*/*", None, "application/sparql-results+json"),
        ("application/json", None, "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "application/sparql-results+xml"),
    ],
)
def test_content_negotiation_for_select(served, accept, fmt, media):
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    status, headers, body = http(served[0], query, accept=accept, fmt=fmt)
    assert status == 200 and headers["Content-Type"].startswith(media)
    if media.endswith("json"):
        assert len(json.loads(body)["results"]["bindings"]) == 3


@pytest.mark.parametrize(
    "accept,media",
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        (None, "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_content_negotiation_for_construct(served, accept, media):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
    status, headers, body = http(served[0], query, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(media)
    assert len(list(ox.parse(body, ox.RdfFormat.from_media_type(media)))) == 5


def test_an_unsupported_format_is_406(served):
    assert http(served[0], "SELECT * WHERE { ?s ?p ?o } LIMIT 1", accept="image/png")[0] == 406
    assert http(served[0], "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", accept="text/csv")[0] == 406


# ------------------------------------------------------------------------------------------------------------
# 3. Request bodies and paths


def raw_request(port: int, head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send a raw request and return what comes back before the server closes or `wait` s pass."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        received = b""
        try:
            while b"\r\n\r\n" not in received or len(received) < received.index(b"\r\n\r\n") + 4 + _length(received):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            pass
        return received


def _length(received: bytes) -> int:
    for line in received.split(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def status_of(response: bytes) -> int | None:
    return int(response.split(b" ")[1]) if response.startswith(b"HTTP/1.1 ") else None


@pytest.mark.parametrize(
    "length,expected",
    [
        ("-1", 400),
        ("abc", 400),
        ("1e3", 400),
        ("+5", 400),
        ("0x10", 400),
        ("5, 6", 400),
        ("99999999999999999999999", 400),
        ("100000000", 413),
    ],
)
def test_content_length_is_parsed_strictly(served, length, expected):
    started = time.monotonic()
    response = raw_request(
        served[1],
        f"POST /sparql HTTP/1.1\nHost: x\nContent-Type: application/sparql-query\nContent-Length: {length}\n",
        b"ASK {}",
    )
    assert status_of(response) == expected, response
    assert time.monotonic() - started < 3  # answered at once, without waiting for a body


def test_a_post_without_content_length_or_with_chunks_is_411(served):
    response = raw_request(served[1], "POST /sparql HTTP/1.1\nHost: x\nContent-Type: application/sparql-query\n")
    assert status_of(response) == 411
    response = raw_request(
        served[1],
        "POST /sparql HTTP/1.1\nHost: x\nContent-Type: application/sparql-query\nTransfer-Encoding: chunked\n",
        b"6\r\nASK {}\r\n0\r\n\r\n",
    )
    assert status_of(response) == 411


def test_two_different_content_lengths_are_400(served):
    response = raw_request(
        served[1],
        "POST /sparql HTTP/1.1\nHost: x\nContent-Type: application/sparql-query\n"
        "Content-Length: 6\nContent-Length: 7\n",
        b"ASK {}",
    )
    assert status_of(response) == 400


def test_a_good_post_still_works_over_a_raw_socket(served):
    response = raw_request(
        served[1],
        "POST /sparql HTTP/1.1\nHost: x\nContent-Type: application/sparql-query\n"
        "Accept: application/sparql-results+json\nContent-Length: 6\n",
        b"ASK {}",
    )
    assert status_of(response) == 200 and response.endswith(b'"boolean":true}')


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/maps/%00", 404),
        ("/maps/a%00b.html", 404),
        ("/maps/%zz", 400),
        ("/maps/%4", 400),
        ("/maps/%C3", 400),
        ("/maps/" + "a" * 5000, 404),
        ("/maps/%2e%2e/store/x", 404),
        ("/maps/../../etc/passwd", 404),
    ],
)
def test_bad_map_paths_are_answered(served, path, expected):
    response = raw_request(served[1], f"GET {path} HTTP/1.1\nHost: x\n")
    assert status_of(response) == expected, response[:200]


def test_a_client_that_stops_sending_is_dropped(built, monkeypatch):
    monkeypatch.setattr(serve, "CLIENT_SOCKET_TIMEOUT_S", 1)
    monkeypatch.setattr(serve._Handler, "timeout", 1)
    endpoint = serve.Endpoint(built.out_dir, port=0, timeout_s=5)
    endpoint.start_in_thread()
    try:
        started = time.monotonic()
        with socket.create_connection(endpoint.address[:2], timeout=10) as sock:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100\r\n\r\nASK"
            )
            assert sock.recv(100) == b""  # closed by the server
        assert time.monotonic() - started < 5
    finally:
        endpoint.close()


SANDBOX_PROBE = r"""
import ctypes, errno, json, socket
out = {}
def attempt(name, action):
    try:
        action()
        out[name] = "ok"
    except OSError as exc:
        out[name] = errno.errorcode.get(exc.errno, str(exc.errno))
listener = socket.socket()
attempt("tcp listen", lambda: (listener.bind(("127.0.0.1", 0)), listener.listen()))
attempt("tcp6 socket", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM | socket.SOCK_NONBLOCK).close())
attempt("unix socket", lambda: socket.socket(socket.AF_UNIX).close())
attempt("connect", lambda: socket.create_connection(listener.getsockname(), timeout=2))
attempt("udp socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
attempt("netlink socket", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))
attempt("sendto address", lambda: socket.socket().sendto(b"x", listener.getsockname()))
attempt("fast open", lambda: socket.socket().sendto(b"x", 0x20000000, listener.getsockname()))
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
fd = libc.syscall(425, 4, params)  # io_uring_setup
out["io_uring"] = "ok" if fd >= 0 else errno.errorcode.get(ctypes.get_errno())
print(json.dumps(out))
"""


@linux_only
def test_the_sandbox_lets_a_server_listen_and_nothing_else_out():
    result = subprocess.run(
        [sys.executable, "-c", SANDBOX_PROBE], capture_output=True, text=True, timeout=30, preexec_fn=serve.sandbox()
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "tcp listen": "ok",
        "tcp6 socket": "ok",
        "unix socket": "ok",
        "connect": "EPERM",
        "udp socket": "EPERM",
        "netlink socket": "EPERM",
        "sendto address": "EPERM",
        "fast open": "EPERM",
        "io_uring": "EPERM",
    }
    unconfined = subprocess.run([sys.executable, "-c", SANDBOX_PROBE], capture_output=True, text=True, timeout=30)
    assert json.loads(unconfined.stdout)["connect"] == "ok"  # the probe itself is sound
