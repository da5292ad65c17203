"""`serve`: a read-only SPARQL 1.1 Protocol endpoint, a query page and the maps.

The front is a small Python HTTP server: it serves the page, the named queries and
the maps, and checks every query before it runs (no UPDATE, LOAD or SERVICE, a size
limit). Queries then run in an Oxigraph server started in read-only mode on a private
loopback port, which enforces the per-query timeout inside the engine (a runaway
aggregate cannot be stopped from Python) and answers in every SPARQL results format.
The front caps the size of each result.

Why refuse SERVICE: Oxigraph, like rdflib, would fetch any URL a query names; there
is no switch to turn federation off, so the front refuses such queries.
"""

from __future__ import annotations

import concurrent.futures
import html
import json
import mimetypes
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..query import QUERY_PREFIXES, QueryError, bind_params, load_queries, with_values
from ..store import STORE_DIR, StoreError

MAX_QUERY_BYTES = 64 * 1024
MAX_RESULT_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT_S = 30

# Strip what cannot hold a keyword (comments, strings, IRIs) before looking for forbidden ones.
_NEUTRAL = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
    r'"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*'|<[^\s<>\"{}|^`]*>"
)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)
_UPDATE = re.compile(r"(?<![\w:?$-])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)(?![\w:-])", re.IGNORECASE)
_QUERY_FORM = re.compile(r"(?<![\w:?$-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)


class Timeout(Exception):
    pass


class Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        self.status, self.message = status, message
        super().__init__(message)


def check_query(query: str) -> None:
    """Raise Refused for anything this read-only endpoint does not run."""
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"forespørgslen er større end {MAX_QUERY_BYTES // 1024} KB")
    bare = _NEUTRAL.sub(" ", query)
    if _SERVICE.search(bare):
        raise Refused(HTTPStatus.FORBIDDEN, "SERVICE (fødererede forespørgsler) er ikke tilladt på dette endpoint")
    form = _QUERY_FORM.search(bare)
    update = _UPDATE.search(bare)
    if update and (form is None or update.start() < form.start()):
        raise Refused(HTTPStatus.FORBIDDEN, f"endpointet er skrivebeskyttet: {update.group(1).upper()} er ikke tilladt")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise StoreError("programmet 'oxigraph' mangler (pip-pakken oxigraph, samme version som pyoxigraph)")
    return found


def _die_with_parent() -> None:  # runs in the child before exec (Linux): no orphaned backend if we are killed
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Backend:
    """`oxigraph serve-read-only` on a private loopback port."""

    def __init__(self, data_dir: Path, timeout_s: int):
        store = Path(data_dir) / STORE_DIR
        if not store.exists():
            raise StoreError(f"ingen database i {store} - kør 'sundhedsgraf build' først")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.timeout_s = timeout_s
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph", "--timeout-s", str(timeout_s)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StoreError(f"oxigraph stoppede: {self.process.stderr.read().decode(errors='replace')[:500]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise StoreError("oxigraph svarede ikke inden for 15 s")

    def query(self, query: str, accept: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(
            self.url, data=query.encode("utf-8"), method="POST",
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept or "*/*"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s + 0.5) as response:
                body = response.read(MAX_RESULT_BYTES + 1)
                if len(body) > MAX_RESULT_BYTES:
                    raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                  f"resultatet er større end {MAX_RESULT_BYTES // (1024 * 1024)} MB; brug LIMIT")
                return response.status, response.headers.get("Content-Type", "application/octet-stream"), body
        except urllib.error.HTTPError as exc:
            detail = exc.read(4000).decode("utf-8", errors="replace")
            if "timeout" in detail.lower() or "timed out" in detail.lower():
                raise Timeout() from exc
            raise Refused(HTTPStatus(exc.code) if exc.code in HTTPStatus._value2member_map_ else HTTPStatus.BAD_REQUEST,
                          detail.strip() or exc.reason) from exc
        except TimeoutError as exc:
            raise Timeout() from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise Timeout() from exc
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


# Results formats a client may ask for with ?format= (as well as with Accept)
FORMATS = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "ntriples": "application/n-triples", "nt": "application/n-triples",
}


class Endpoint:
    def __init__(self, data_dir: str | Path, host: str = "127.0.0.1", port: int = 7878,
                 timeout_s: int = DEFAULT_TIMEOUT_S, cors: bool = False, queries_dir: Path | None = None):
        self.data_dir = Path(data_dir)
        self.cors = cors
        self.queries = load_queries(queries_dir) if queries_dir else load_queries()
        self.timeout_s = timeout_s
        # Backends are started from one long-lived thread: Linux sends the parent-death signal when the
        # *thread* that started a child ends, and request threads end after every request.
        self._spawner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="backend")
        self.backend = self._spawner.submit(Backend, self.data_dir, timeout_s).result()
        self._swap = threading.Lock()
        handler = type("Handler", (_Handler,), {"endpoint": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.address = self.httpd.server_address

    def stop_runaway(self, backend: Backend) -> None:
        """Oxigraph's own timeout does not stop a running aggregate: replace the backend that holds it.
        The new one starts first, so other queries keep being answered."""
        with self._swap:
            if self.backend is not backend:
                return  # another request already replaced it
            self.backend = self._spawner.submit(Backend, self.data_dir, self.timeout_s).result()
        backend.stop()

    @property
    def url(self) -> str:
        host, port = self.address[:2]
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.httpd.server_close()
            self.backend.stop()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        self._thread = thread
        return thread

    def close(self) -> None:
        if getattr(self, "_thread", None) is not None:
            self.httpd.shutdown()
        self.httpd.server_close()
        self.backend.stop()

    def page(self) -> bytes:
        options = []
        for q in self.queries.values():
            try:
                text = with_values(q.sparql, bind_params(q, {}, None)) if all(p.type != "node" or
                       re.match(r"^[a-z-]+/|^https?://", p.default or "") for p in q.params) else q.sparql
            except QueryError:
                text = q.sparql
            prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in QUERY_PREFIXES.items() if re.search(rf"\b{p}:", text))
            options.append(f'<option value="{html.escape(prologue + text)}">{html.escape(q.title_da)}</option>')
        maps = self.data_dir / "maps" / "index.html"
        maps_link = '<p><a href="/maps/index.html">Kort over sundhedssamarbejdet</a></p>' if maps.exists() else ""
        return PAGE.format(options="\n".join(options), maps=maps_link, count=len(self.queries)).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "sundhedsgraf"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet; errors are returned to the client
        pass

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.endpoint.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._send(200, self.endpoint.page(), "text/html; charset=utf-8",
                       {"Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"})
        elif url.path == "/queries.json":
            body = json.dumps([{"name": q.name, "title_da": q.title_da, "title_en": q.title_en, "description": q.description,
                                "params": [vars(p) for p in q.params]} for q in self.endpoint.queries.values()], ensure_ascii=False)
            self._send(200, body.encode("utf-8"), "application/json; charset=utf-8")
        elif url.path in ("/sparql", "/query"):
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
            if "query" not in params:
                return self._error(HTTPStatus.BAD_REQUEST, "mangler parameteren query")
            self._run(params["query"][0], params.get("format", [None])[0])
        elif url.path.startswith("/maps/"):
            self._static(url.path[len("/maps/"):])
        else:
            self._error(HTTPStatus.NOT_FOUND, "ikke fundet")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/update", "/store") or url.path.startswith("/store"):
            return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
        if url.path not in ("/sparql", "/query"):
            return self._error(HTTPStatus.NOT_FOUND, "ikke fundet")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES * 2:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"forespørgslen er større end {MAX_QUERY_BYTES // 1024} KB")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = urllib.parse.parse_qs(url.query).get("format", [None])[0]
        if content_type == "application/sparql-query":
            return self._run(body, fmt)
        if content_type == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
        form = urllib.parse.parse_qs(body)
        if "update" in form:
            return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
        if "query" not in form:
            return self._error(HTTPStatus.BAD_REQUEST, "mangler parameteren query")
        self._run(form["query"][0], fmt or form.get("format", [None])[0])

    def do_PUT(self) -> None:
        self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")

    do_DELETE = do_PATCH = do_PUT

    def do_OPTIONS(self) -> None:
        extra = {"Allow": "GET, POST, HEAD, OPTIONS"}
        if self.endpoint.cors:
            extra.update({"Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Content-Type, Accept"})
        self._send(204, b"", "text/plain", extra)

    def _run(self, query: str, fmt: str | None) -> None:
        backend = self.endpoint.backend
        try:
            check_query(query)
            accept = FORMATS.get((fmt or "").lower()) or self.headers.get("Accept") or "application/sparql-results+json"
            status, content_type, body = backend.query(query, accept)
        except Refused as exc:
            return self._error(exc.status, exc.message)
        except Timeout:
            self.endpoint.stop_runaway(backend)
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE,
                               f"forespørgslen blev stoppet efter {self.endpoint.timeout_s} s; prøv en mere afgrænset forespørgsel")
        except OSError as exc:
            return self._error(HTTPStatus.BAD_GATEWAY, f"databasen svarer ikke: {exc}")
        self._send(status, body, content_type)

    def _static(self, relative: str) -> None:
        root = (self.endpoint.data_dir / "maps").resolve()
        path = (root / urllib.parse.unquote(relative)).resolve()
        if root not in path.parents and path != root or not path.is_file():
            return self._error(HTTPStatus.NOT_FOUND, "ikke fundet")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        self._send(200, path.read_bytes(), content_type)


PAGE = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>sundhedsgraf SPARQL</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 80rem; color: #1d2733; }}
textarea {{ width: 100%; height: 18rem; font-family: ui-monospace, monospace; font-size: 0.9rem; }}
select, button {{ font-size: 1rem; margin: 0.4rem 0.4rem 0.4rem 0; }}
table {{ border-collapse: collapse; margin-top: 1rem; font-size: 0.9rem; }}
td, th {{ border: 1px solid #ccd; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }}
#status {{ color: #555; }}
</style></head>
<body>
<h1>sundhedsgraf</h1>
<p>Hvem beslutter hvad i det danske sundhedssamarbejde. Skriv en SPARQL-forespørgsel, eller vælg et af {count} spørgsmål.
Endpointet er skrivebeskyttet; adressen for jeres egne værktøjer er <code>/sparql</code> (SPARQL 1.1 Protocol).</p>
{maps}
<label>Spørgsmål: <select id="named"><option value="">— vælg —</option>
{options}
</select></label>
<form id="form"><textarea id="query" name="query" spellcheck="false">SELECT ?type (COUNT(?s) AS ?antal) WHERE {{ ?s a ?type }} GROUP BY ?type ORDER BY DESC(?antal)</textarea>
<br><button type="submit">Kør</button>
<select id="format"><option value="json">Tabel</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="xml">XML</option></select>
<span id="status"></span></form>
<div id="result"></div>
<script>
const named = document.getElementById('named'), query = document.getElementById('query');
named.addEventListener('change', () => {{ if (named.value) query.value = named.value; }});
document.getElementById('form').addEventListener('submit', async (event) => {{
  event.preventDefault();
  const status = document.getElementById('status'), result = document.getElementById('result');
  const format = document.getElementById('format').value;
  status.textContent = 'Kører ...'; result.textContent = '';
  const started = performance.now();
  const response = await fetch('/sparql?format=' + format, {{method: 'POST',
    headers: {{'Content-Type': 'application/sparql-query'}}, body: query.value}});
  const text = await response.text();
  status.textContent = response.status + ' på ' + Math.round(performance.now() - started) + ' ms';
  if (!response.ok || format !== 'json') {{ const pre = document.createElement('pre'); pre.textContent = text; result.append(pre); return; }}
  const data = JSON.parse(text);
  if ('boolean' in data) {{ result.textContent = data.boolean ? 'ja' : 'nej'; return; }}
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement('th'); th.textContent = v; head.append(th); }}
  for (const row of data.results.bindings) {{
    const tr = table.insertRow();
    for (const v of data.head.vars) {{ tr.insertCell().textContent = row[v] ? row[v].value : ''; }}
  }}
  result.append(table);
  status.textContent += ', ' + data.results.bindings.length + ' rækker';
}});
</script>
</body></html>
"""
