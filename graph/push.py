"""`push`: make a remote SPARQL 1.1 Graph Store Protocol server (Oxigraph server, Apache Jena Fuseki, GraphDB,
Virtuoso) hold exactly this dataset's named graphs.

Each named graph is sent with HTTP PUT to `<endpoint>?graph=<graph IRI>`, which replaces that graph on the
server: pushing twice leaves the same data, not twice the data. Graphs of the dataset (IRIs under
`DATASET_GRAPHS`) that the remote has and the local store no longer has - a removed document, a shared node no
document names any more - are deleted with `DELETE <endpoint>?graph=<IRI>`. Graphs outside that namespace are
never touched.

What the remote has is learnt two ways: by asking its SPARQL query endpoint (given, or derived for known
servers), and from `push-state.json` in the data folder, which records which graphs were pushed to which
endpoint. The record is written (atomically) before the remote is changed and lists every graph that may be on
the remote afterwards, so a push cut off midway - connection lost, Ctrl-C - is completed by the next one, even on
a server that only speaks the Graph Store Protocol.

Credentials never appear in messages or in the record: `user:pass@` in the URL is moved to the Authorization
header (Basic, sent with the first request); a server that asks for Digest instead (Virtuoso's
/sparql-graph-crud-auth) gets its challenge answered, once per push, and the same challenge signs the requests after
it. Text from the server goes through `printable` before it goes into a message.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import enum
import hashlib
import json
import os
import re
import secrets
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .store import META_GRAPH, GraphStore, rdf_bytes
from .vocab import GRAPH

DATASET_GRAPHS = str(GRAPH)  # https://w3id.org/sundhedsgraf/graph/ - push deletes remote graphs only under this
STATE_FILE = "push-state.json"  # in the data folder
STATE_FORMAT = 1


class _Default(enum.Enum):
    """The default of an argument whose None means something else (push's state_file: None is no record)."""

    DEFAULT = enum.auto()


_DEFAULT = _Default.DEFAULT


class PushError(Exception):
    pass


@dataclass
class PushReport:
    endpoint: str  # without credentials
    graphs: list[tuple[str, int]] = field(default_factory=list)  # graph IRI, triples
    removed: list[str] = field(default_factory=list)  # graphs deleted on the remote: no longer in the local store
    query_endpoint: str | None = None  # where the remote's graphs were listed, if anywhere
    notes: list[str] = field(default_factory=list)  # warnings for the user

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


# ---- text that is safe to print

# C0 and C1 control characters (ESC starts terminal escape sequences, U+009B is a one-byte CSI) and the
# bidirectional overrides, which reorder what a terminal shows
_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character except newline written as an escape (`\\x1b`): for a terminal."""
    text = text.replace("\r\n", "\n")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _server_text(data: bytes) -> str:
    return printable(data.decode("utf-8", errors="replace").strip())


# ---- URLs and credentials


def redact(url: str) -> str:
    """`url` without anything that may be credentials (everything before the last '@' of the authority); for
    messages about a URL that could not be parsed."""
    return re.sub(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^?#]*@", lambda m: m[1] or "", url, count=1)


@dataclass
class _Digest:
    """The Digest challenge (RFC 7616) a server answered a request with; it signs the requests after it."""

    realm: str = ""
    nonce: str = ""
    opaque: str | None = None
    qop: str | None = None  # "auth" or None
    algorithm: str = "MD5"
    count: int = 0  # nonce count: the requests signed with this nonce

    def take(self, challenge: _Digest) -> None:
        self.realm, self.nonce, self.opaque, self.qop = (
            challenge.realm,
            challenge.nonce,
            challenge.opaque,
            challenge.qop,
        )
        self.algorithm, self.count = challenge.algorithm, 0


@dataclass(frozen=True)
class _Target:
    url: str  # without credentials or fragment; lower-case scheme and host
    headers: dict[str, str]
    credentials: tuple[str, str] | None = None  # for a Digest challenge; never in messages
    digest: _Digest = field(default_factory=_Digest, compare=False)  # the challenge in use, if any


def _target(url: str, user: str | None = None, password: str | None = None, what: str = "endpointet") -> _Target:
    """Split credentials off `url`; explicit `user`/`password` win over the URL's."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PushError(f"{what} skal være en http(s)-adresse, fik '{printable(redact(url))}'")
    credentials = (user, password or "") if user else None
    if credentials is None and (parts.username or parts.password):
        credentials = (
            urllib.parse.unquote(parts.username or ""),
            urllib.parse.unquote(parts.password) if parts.password is not None else password or "",
        )
    host = parts.netloc.rpartition("@")[2].lower()
    clean = urllib.parse.urlunsplit((parts.scheme.lower(), host, parts.path, parts.query, ""))
    headers = {}
    if credentials:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return _Target(clean, headers, credentials)


class _KeepCredentialsOnTheHost(urllib.request.HTTPRedirectHandler):
    """urllib follows a redirect (of a GET: the listing) with every header, Authorization too, to any host:
    the credentials go only where the user sent them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if (
            new is not None
            and urllib.parse.urlsplit(newurl).netloc.lower() != urllib.parse.urlsplit(req.full_url).netloc.lower()
        ):
            new.remove_header("Authorization")
        return new


_opener = urllib.request.build_opener(_KeepCredentialsOnTheHost)

_DIGEST_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def _digest_challenge(headers) -> _Digest | None:
    """The Digest challenge among a 401's WWW-Authenticate headers, if it is one this client can answer."""
    for value in (headers.get_all("WWW-Authenticate") if headers is not None else None) or []:
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() != "digest":
            continue
        params = {k.lower(): v for k, v in urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)).items()}
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        algorithm = params.get("algorithm", "MD5").upper()
        if "nonce" not in params or algorithm not in _DIGEST_HASHES or (qops and "auth" not in qops):
            continue
        return _Digest(
            params.get("realm", ""), params["nonce"], params.get("opaque"), "auth" if qops else None, algorithm
        )
    return None


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _digest_authorization(target: _Target, request: urllib.request.Request) -> str:
    """The Authorization header that answers the target's Digest challenge for `request` (RFC 7616, qop=auth)."""
    digest = target.digest
    user, password = target.credentials or ("", "")

    def h(text: str) -> str:
        return _DIGEST_HASHES[digest.algorithm](text.encode("utf-8")).hexdigest()

    digest.count += 1
    uri, nc, cnonce = request.selector, f"{digest.count:08x}", secrets.token_hex(8)
    ha1, ha2 = h(f"{user}:{digest.realm}:{password}"), h(f"{request.get_method()}:{uri}")
    response = h(f"{ha1}:{digest.nonce}:{nc}:{cnonce}:auth:{ha2}") if digest.qop else h(f"{ha1}:{digest.nonce}:{ha2}")
    fields = [
        f"username={_quoted(user)}",
        f"realm={_quoted(digest.realm)}",
        f"nonce={_quoted(digest.nonce)}",
        f"uri={_quoted(uri)}",
        f"algorithm={digest.algorithm}",
        f'response="{response}"',
    ]
    if digest.qop:
        fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    if digest.opaque is not None:
        fields.append(f"opaque={_quoted(digest.opaque)}")
    return "Digest " + ", ".join(fields)


def _open(target: _Target, request: urllib.request.Request, timeout_s: float):
    """Open `request` to `target`. A 401 with a Digest challenge is answered with the target's credentials, once; the
    challenge is kept and signs the requests after it, so a push costs a round trip or two more, not one per graph.
    Virtuoso's /sparql-graph-crud-auth answers Basic credentials with a bare 401: the request is then sent once
    without them, which brings the challenge. An expired challenge is answered anew the same way."""
    if target.digest.nonce:
        request.add_unredirected_header("Authorization", _digest_authorization(target, request))
    try:
        return _opener.open(request, timeout=timeout_s)
    except urllib.error.HTTPError as exc:
        same_host = (
            urllib.parse.urlsplit(exc.url or request.full_url).netloc == urllib.parse.urlsplit(request.full_url).netloc
        )
        if exc.code != 401 or not target.credentials or not same_host:
            raise
        challenge = _digest_challenge(exc.headers)
        if challenge is None and not (exc.headers is not None and exc.headers.get("WWW-Authenticate")):
            bare = urllib.request.Request(
                request.full_url,
                data=request.data,
                method=request.get_method(),
                headers={k: v for k, v in request.header_items() if k.lower() != "authorization"},
            )
            try:
                return _opener.open(bare, timeout=timeout_s)  # a server that wants no credentials after all
            except urllib.error.HTTPError as again:
                challenge = _digest_challenge(again.headers) if again.code == 401 else None
                again.close()
        if challenge is None:
            raise
        exc.close()
    target.digest.take(challenge)
    request.add_unredirected_header("Authorization", _digest_authorization(target, request))
    return _opener.open(request, timeout=timeout_s)


def _with_graph(endpoint: str, graph: str) -> str:
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def query_endpoints_for(endpoint: str) -> list[str]:
    """The SPARQL query endpoint(s) that go with a Graph Store address, for the servers the README names."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    rules = [
        (r"^(.*)/store$", [r"\1/query"]),  # Oxigraph
        (r"^(.*/repositories/[^/]+)/rdf-graphs/service$", [r"\1"]),  # GraphDB, RDF4J
        (r"^(.*)/sparql-graph-crud(?:-auth)?$", [r"\1/sparql"]),  # Virtuoso
        (r"^(.*)/data$", [r"\1/sparql", r"\1/query"]),  # Fuseki
    ]
    for pattern, replacements in rules:
        if re.match(pattern, path):
            return [
                urllib.parse.urlunsplit((parts.scheme, parts.netloc, re.sub(pattern, r, path), "", ""))
                for r in replacements
            ]
    return []


# ---- asking the remote which graphs of the dataset it has

# The server's list of its graphs is cheap on Oxigraph, Fuseki and GraphDB, whatever the size of the store. Virtuoso
# answers it with nothing, so a server that lists no graph at all is asked again for the graphs its quads are in.
_MAX_PAGES = 10_000


def _listing_query(quads: bool, ordered: bool = False, after: str | None = None) -> str:
    conditions = [f'STRSTARTS(STR(?g), "{DATASET_GRAPHS}")'] if quads else []
    if after is not None:
        conditions.append(f"STR(?g) > {ox.Literal(after)}")  # escaped: the IRI comes from the server
    where = "GRAPH ?g { ?s ?p ?o }" if quads else "GRAPH ?g { }"
    if conditions:
        where += f" FILTER({' && '.join(conditions)})"
    return f"SELECT DISTINCT ?g WHERE {{ {where} }}" + (" ORDER BY ?g" if ordered else "")


class _ListingFailed(Exception):
    pass


def _ask_for_graphs(target: _Target, query: str, timeout_s: float) -> tuple[list[str], bool]:
    """The graph IRIs a listing query answers with, and whether the server cut the answer short (Virtuoso sends at
    most ResultSetMaxRows rows, and says so in an X-SPARQL-MaxRows header)."""
    separator = "&" if "?" in target.url else "?"
    url = f"{target.url}{separator}{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={**target.headers, "Accept": "application/sparql-results+json"})
    try:
        with _open(target, request, timeout_s) as response:
            body, limit = response.read(), (response.headers.get("X-SPARQL-MaxRows") or "").strip()
    except urllib.error.HTTPError as exc:
        raise _ListingFailed(f"HTTP {exc.code} {_server_text(exc.read(500))}".rstrip()) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise _ListingFailed(printable(str(getattr(exc, "reason", exc)))) from exc
    try:
        bindings = json.loads(body)["results"]["bindings"]
        graphs = [row["g"]["value"] for row in bindings if row.get("g", {}).get("type") == "uri"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _ListingFailed("svaret er ikke SPARQL-resultater i JSON") from exc
    return [g for g in graphs if isinstance(g, str)], limit.isdigit() and len(bindings) >= int(limit) > 0


def _list_remote(target: _Target, timeout_s: float) -> set[str]:
    quads = False
    graphs, cut_short = _ask_for_graphs(target, _listing_query(quads), timeout_s)
    if not graphs:
        quads = True
        graphs, cut_short = _ask_for_graphs(target, _listing_query(quads), timeout_s)
    if cut_short:  # again, in order, a page at a time: each page starts after the last graph of the one before
        graphs, after = [], None
        for _ in range(_MAX_PAGES):
            page, cut_short = _ask_for_graphs(target, _listing_query(quads, ordered=True, after=after), timeout_s)
            graphs += page
            if not cut_short or not page or (after is not None and max(page) <= after):
                break
            after = max(page)
        else:
            raise _ListingFailed(f"serveren delte listen i mere end {_MAX_PAGES} dele")
    return {g for g in graphs if g.startswith(DATASET_GRAPHS)}  # even if the server ignored FILTER


# ---- the record of what was pushed where


class _State:
    """push-state.json: {"format": 1, "endpoints": {<endpoint without credentials>: {"graphs": [...], ...}}}."""

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": STATE_FORMAT, "endpoints": {}}
        except (OSError, ValueError) as exc:
            raise PushError(
                f"kan ikke læse {self.path} ({printable(str(exc))}); den fortæller, hvilke grafer der er sendt "
                "hvorhen - ret den, eller slet den og fjern forældede grafer på serveren selv"
            ) from exc
        if not isinstance(state, dict) or not isinstance(state.get("endpoints"), dict):
            raise PushError(
                f"{self.path} har et ukendt format; ret den, eller slet den og fjern forældede grafer på serveren selv"
            )
        return state

    def graphs(self, endpoint: str) -> set[str]:
        entry = self._read()["endpoints"].get(endpoint) or {}
        return {g for g in entry.get("graphs", []) if isinstance(g, str) and g.startswith(DATASET_GRAPHS)}

    def write(self, endpoint: str, graphs: set[str], complete: bool) -> None:
        """Replace this endpoint's entry, atomically: a temporary file in the same folder, then a rename."""
        state = self._read()
        state["format"] = STATE_FORMAT
        state["endpoints"][endpoint] = {
            "graphs": sorted(graphs),
            "complete": complete,  # false: a push to it was under way or cut off; the graphs may be on it
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    json.dump(state, file, ensure_ascii=False, indent=1)
                    file.write("\n")
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError as exc:
            raise PushError(
                f"kan ikke skrive {self.path} ({printable(str(exc))})"
                + ("" if complete else "; intet er ændret på serveren")
            ) from exc


# ---- push


def _graph_bytes(store: GraphStore, graph: str) -> tuple[bytes, int]:
    quads = list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    data = rdf_bytes((ox.Triple(q.subject, q.predicate, q.object) for q in quads), ox.RdfFormat.N_TRIPLES)
    return data, len(quads)


def _send(target: _Target, request: urllib.request.Request, timeout_s: float, gone_is_fine: bool = False) -> None:
    try:
        with _open(target, request, timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        if gone_is_fine and exc.code == 404:
            return
        raise


def push(
    store: GraphStore,
    endpoint: str,
    user: str | None = None,
    password: str | None = None,
    timeout_s: float = 120,
    progress: Callable[[str], None] | None = None,
    query_endpoint: str | None = None,
    state_file: str | Path | _Default | None = _DEFAULT,
) -> PushReport:
    """Make the remote's graphs under DATASET_GRAPHS equal to the store's named graphs (the meta graph stays local).
    `query_endpoint`: where to list the remote's graphs (default: derived from `endpoint` for known servers);
    `state_file`: the record of what was pushed where (default: push-state.json in the store's data folder)."""
    target = _target(endpoint, user, password)
    report = PushReport(target.url)
    if state_file is _DEFAULT:
        state_file = store.path.parent / STATE_FILE if store.path is not None else None
    state = _State(Path(state_file)) if state_file is not None else None

    local_all = set(store.named_graphs())
    graphs = sorted(local_all - {str(META_GRAPH)})
    recorded = state.graphs(target.url) if state else set()

    listed = _listed_graphs(target, query_endpoint, user, password, timeout_s, report)
    if listed is None and state is None:
        report.notes.append(
            "kan hverken liste serverens grafer eller føre optegnelse over dem: forældede grafer fjernes ikke"
        )
    stale = sorted(g for g in (listed or set()) | recorded if g.startswith(DATASET_GRAPHS) and g not in local_all)

    if state:  # before the remote changes: everything that may be on it when this push is done or cut off
        state.write(target.url, recorded | set(stale) | set(graphs), complete=False)

    for number, graph in enumerate(stale, start=1):
        request = urllib.request.Request(_with_graph(target.url, graph), method="DELETE", headers=target.headers)
        try:
            _send(target, request, timeout_s, gone_is_fine=True)
        except urllib.error.HTTPError as exc:
            raise PushError(
                f"{target.url} afviste sletning af graf {number} af {len(stale)} ({graph}): "
                f"HTTP {exc.code} {_server_text(exc.read(500))}".rstrip()
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise PushError(
                f"kan ikke nå {target.url} ved sletning af graf {number} af {len(stale)} "
                f"({printable(str(getattr(exc, 'reason', exc)))}); kør push igen, når serveren svarer"
            ) from exc
        report.removed.append(graph)

    headers = {**target.headers, "Content-Type": "application/n-triples"}
    for number, graph in enumerate(graphs, start=1):
        if progress:
            progress(graph)
        data, count = _graph_bytes(store, graph)
        request = urllib.request.Request(_with_graph(target.url, graph), data=data, method="PUT", headers=headers)
        try:
            _send(target, request, timeout_s)
        except urllib.error.HTTPError as exc:
            raise PushError(
                f"{target.url} afviste graf {number} af {len(graphs)} ({graph}): "
                f"HTTP {exc.code} {_server_text(exc.read(500))}".rstrip()
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = printable(str(getattr(exc, "reason", exc)))
            raise PushError(
                f"kan ikke nå {target.url} ved graf {number} af {len(graphs)} ({reason}); "
                f"{len(report.graphs)} grafer nåede frem - kør push igen, når serveren svarer"
            ) from exc
        report.graphs.append((graph, count))

    if state:
        state.write(target.url, set(graphs), complete=True)
    return report


def _listed_graphs(
    target: _Target,
    query_endpoint: str | None,
    user: str | None,
    password: str | None,
    timeout_s: float,
    report: PushReport,
) -> set[str] | None:
    """The dataset's graphs on the remote, from its query endpoint; None when there is none to ask.
    A query endpoint given explicitly must answer; a derived one that does not is noted and skipped."""
    if query_endpoint:
        query = _target(query_endpoint, user, password, what="query-endpointet")
        if not query.headers:
            query = _Target(query.url, target.headers, target.credentials)
        try:
            listed = _list_remote(query, timeout_s)
        except _ListingFailed as exc:
            raise PushError(f"kan ikke liste graferne via {query.url} ({exc}); intet er ændret på serveren") from exc
        report.query_endpoint = query.url
        return listed
    failures = []
    for candidate in query_endpoints_for(target.url):
        try:
            listed = _list_remote(_Target(candidate, target.headers, target.credentials), timeout_s)
        except _ListingFailed as exc:
            failures.append(f"{candidate}: {exc}")
            continue
        report.query_endpoint = candidate
        return listed
    if failures:
        report.notes.append(
            f"kunne ikke liste serverens grafer ({'; '.join(failures)}); fjerner kun grafer, som "
            f"{STATE_FILE} viser er sendt hertil - angiv --query-endpoint for at finde alle"
        )
    return None
