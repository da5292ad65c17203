"""`serve`: a read-only SPARQL 1.1 Protocol endpoint, a query page and the maps.

The front is a small Python HTTP server: it serves the page, the named queries and
the maps, and checks every query before it runs (no UPDATE, LOAD or SERVICE, a size
limit). The query page (pages.py, static/) is YASQE, vendored, and the page's own code; it
loads nothing from elsewhere. Named queries are bound by the front as the CLI binds them
(graph.query.bind_params and prepare; /named/<name>), their label look-ups and
the text index's build id asked of the backend (BackendStore), so the front never opens
the database itself. Queries then run in an Oxigraph server started in read-only mode on a private
loopback port, which enforces the per-query timeout inside the engine (a runaway
aggregate cannot be stopped from Python).

SERVICE is kept out twice, because Oxigraph, like rdflib, fetches any URL a query names
and has no switch to turn federation off:

1. The backend process cannot open an outbound connection at all: before exec it gets
   PR_SET_NO_NEW_PRIVS and a seccomp filter that fails `connect`, io_uring, datagram and
   raw sockets and TCP Fast Open with EPERM (Linux x86_64/aarch64; elsewhere, or if the
   filter cannot be installed, the backend does not start).
2. The front refuses a query whose tokens hold SERVICE. `_tokens` is a lexer for the
   terminals of the SPARQL 1.1 grammar (section 19.8), run on the text after the
   codepoint-escape pass of section 19.2 and, because Oxigraph 0.5 does not do that pass
   (it reads `\\u` escapes only inside IRIs and strings), also on the raw text. Oxigraph
   matches keywords without word boundaries (`SERVICESILENT<...>`, and `SERVICE:x` with
   a `:` prefix, run as SERVICE), so a keyword run or a prefix name that merely contains
   SERVICE is refused too.

Answers are never passed through as the backend streams them: Oxigraph reports a timeout
(or any other error) that happens while results stream as `200 OK` with the rows so far
and "The SPARQL operation has been cancelled" at the end. The front asks for SPARQL JSON
(SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE), parses the whole answer with pyoxigraph
and writes it again in the format the client asked for; an answer that does not parse is
a 503, never a truncated 200. The front caps the size of each result.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import dataclasses
import errno
import http.client
import json
import mimetypes
import platform
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..query import QueryError, Result, bind_params, load_queries, prepare, to_delimited
from ..store import META_GRAPH, STORE_DIR, StoreError, parse_quote
from ..store.search import SearchIndex
from . import pages

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}
# The pages `serve` writes: nothing from elsewhere, no inline script or style, no framing.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The maps are single files with their script inline; they too may load nothing from elsewhere.
MAPS_CSP = "default-src 'self' 'unsafe-inline' data: blob:; connect-src 'self'; form-action 'self'; base-uri 'none'"
MAX_NAMED_QUERY_BYTES = 2 * 1024 * 1024  # a named query with the full-text index's VALUES (up to 5,000 IRIs)

MAX_QUERY_BYTES = 64 * 1024
MAX_RESULT_BYTES = 20 * 1024 * 1024
BACKEND_FACTOR = 2  # the backend's SPARQL JSON / N-Triples may be larger than what the client gets (CSV, Turtle)
DEFAULT_TIMEOUT_S = 30
CLIENT_SOCKET_TIMEOUT_S = 60  # a client that stops sending (or reading) is dropped after this long
CANCELLED = b"The SPARQL operation has been cancelled"


class Timeout(Exception):
    pass


class Truncated(Exception):
    """The backend's answer is not a complete result (it broke off while streaming)."""


class Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        self.status, self.message = status, message
        super().__init__(message)


# ---------------------------------------------------------------------------------------------------------------
# The lexer: SPARQL 1.1 terminals (section 19.8). Used only to decide whether a query may run.


class LexError(ValueError):
    pass


_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"  # PERCENT | PN_LOCAL_ESC
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_ECHAR = r"""\\[tbnrf\\"']"""
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_EXPONENT = r"[eE][+-]?[0-9]+"


def _lexer(uchar: bool) -> re.Pattern:
    """One token per match, alternatives in the order that gives the grammar's longest match.
    With `uchar`, IRIs and strings may hold \\u escapes (the raw text, as Oxigraph reads it)."""
    esc = f"{_ECHAR}|{_UCHAR}" if uchar else _ECHAR
    iri_esc = f"|{_UCHAR}" if uchar else ""
    return re.compile(
        "|".join(
            [
                r"(?P<WS>[ \t\r\n]+)",
                r"(?P<COMMENT>#[^\r\n]*)",
                rf"(?P<IRIREF><(?:[^<>\"{{}}|^`\\\x00-\x20]{iri_esc})*>)",
                rf"(?P<STRING_LONG1>'''(?:(?:'|'')?(?:[^'\\]|{esc}))*''')",
                rf'(?P<STRING_LONG2>"""(?:(?:"|"")?(?:[^"\\]|{esc}))*""")',
                rf"(?P<STRING1>'(?:[^'\\\n\r]|{esc})*')",
                rf'(?P<STRING2>"(?:[^"\\\n\r]|{esc})*")',
                rf"(?P<VAR>[?$]{_VARNAME})",
                rf"(?P<BLANK_NODE_LABEL>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
                r"(?P<LANGTAG>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)",
                rf"(?P<NUMBER>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)",
                r"(?P<KEYWORD>[A-Za-z][A-Za-z0-9_]*)",  # PNAME_NS / PNAME_LN are found first, in _tokens
                r"(?P<PUNCT>[{}()\[\];,.=!<>&|+\-*/^~?])",
            ]
        )
    )


_LEX_SPEC, _LEX_RAW = _lexer(uchar=False), _lexer(uchar=True)
_PREFIX_START = re.compile(rf"[{_PN_CHARS_BASE}]")
_PREFIX_RUN = re.compile(rf"[{_PN_CHARS}.]*")
_LOCAL = re.compile(rf"(?:{_PN_LOCAL})?")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """Section 19.2: `\\uXXXX` and `\\UXXXXXXXX` are replaced before the query is parsed."""

    def replace(match: re.Match) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF:
            raise LexError(f"ugyldig kodepunkt-escape {match.group(0)}")
        return chr(value)

    return _CODEPOINT.sub(replace, text)


def _tokens(text: str, lexer: re.Pattern = _LEX_SPEC) -> list[tuple[str, str]]:
    """The query's tokens as (terminal, text), without whitespace and comments; LexError if a character
    starts no token."""
    out, pos, end = [], 0, len(text)
    run_end = 0  # end of the run of PN_CHARS and dots that `pos` lies in
    while pos < end:
        # PNAME_NS / PNAME_LN (PN_PREFIX? ':' PN_LOCAL?) before keywords, as the longest match. Every start
        # inside one run of prefix characters shares the run's end, so it is found once (a regex would scan
        # the rest of the run from each start: quadratic in `a.a.a.a...`).
        char = text[pos]
        colon = -1
        if char == ":":
            colon = pos
        elif _PREFIX_START.match(char):
            if pos >= run_end:
                run_end = _match_end(_PREFIX_RUN, text, pos + 1)
            if run_end < end and text[run_end] == ":" and text[run_end - 1] != ".":
                colon = run_end
        if colon >= 0:
            stop = _match_end(_LOCAL, text, colon + 1)
            out.append(("PNAME", text[pos:stop]))
            pos = stop
            continue
        match = lexer.match(text, pos)
        if match is None:
            line = text.count("\n", 0, pos) + 1
            column = pos - (text.rfind("\n", 0, pos) + 1) + 1
            raise LexError(f"uventet tegn {text[pos]!r} på linje {line}, kolonne {column}")
        kind = match.lastgroup
        if kind not in ("WS", "COMMENT"):
            out.append((kind or "", match.group()))
        pos = match.end()
    return out


def _match_end(pattern: re.Pattern, text: str, pos: int) -> int:
    """Where a match of `pattern` (one that may be empty, so it always matches) at `pos` ends."""
    found = pattern.match(text, pos)
    return found.end() if found else pos


def _names_service(kind: str, text: str) -> bool:
    if kind == "KEYWORD":
        return "service" in text.lower()
    if kind == "PNAME":
        return "service" in text.split(":", 1)[0].lower()
    return False


_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def check_query(query: str, max_bytes: int = MAX_QUERY_BYTES) -> None:
    """Raise Refused for anything this read-only endpoint does not run."""
    if len(query.encode("utf-8", errors="surrogatepass")) > max_bytes:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"forespørgslen er større end {max_bytes // 1024} KB")
    spec_tokens, failure = None, None
    # without \u or \U the escape pass changes nothing and both readings give the same tokens
    readings = ((_LEX_SPEC, True), (_LEX_RAW, False)) if "\\u" in query or "\\U" in query else ((_LEX_SPEC, False),)
    for lexer, unescape in readings:
        try:
            tokens = _tokens(unescape_codepoints(query) if unescape else query, lexer)
        except LexError as exc:
            failure = failure or exc
            continue
        if any(_names_service(kind, text) for kind, text in tokens):
            raise Refused(HTTPStatus.FORBIDDEN, "SERVICE (fødererede forespørgsler) er ikke tilladt på dette endpoint")
        if spec_tokens is None:
            spec_tokens = tokens
    if failure is not None:
        raise Refused(HTTPStatus.BAD_REQUEST, f"forespørgslen kan ikke læses som SPARQL: {failure}")
    for kind, text in spec_tokens or []:
        word = text.upper() if kind == "KEYWORD" else None
        if word in _QUERY_FORMS:
            break
        if word in _UPDATE_KEYWORDS:
            raise Refused(HTTPStatus.FORBIDDEN, f"endpointet er skrivebeskyttet: {word} er ikke tilladt")


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


# ---------------------------------------------------------------------------------------------------------------
# The backend's sandbox: a seccomp filter that leaves it able to bind, listen and accept, but not to connect out.

_PR_SET_PDEATHSIG, _PR_SET_SECCOMP, _PR_SET_NO_NEW_PRIVS, _SECCOMP_MODE_FILTER = 1, 22, 38, 2
_RET_ALLOW, _RET_EPERM = 0x7FFF0000, 0x00050000 | errno.EPERM  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
_LD_W_ABS, _JEQ_K, _JGE_K, _JSET_K, _AND_K, _RET_K = 0x20, 0x15, 0x35, 0x45, 0x54, 0x06
_AF_UNIX, _AF_INET, _AF_INET6, _SOCK_STREAM, _MSG_FASTOPEN = 1, 2, 10, 1, 0x20000000
_IO_URING = (425, 426, 427)  # io_uring_setup, io_uring_enter, io_uring_register (same on both architectures)
SECCOMP_ARCHES = {  # uname machine -> AUDIT_ARCH_*, syscall numbers
    "x86_64": {
        "audit": 0xC000003E,
        "x32": True,
        "socket": 41,
        "connect": 42,
        "sendto": 44,
        "sendmsg": 46,
        "sendmmsg": 307,
    },
    "aarch64": {
        "audit": 0xC00000B7,
        "x32": False,
        "socket": 198,
        "connect": 203,
        "sendto": 206,
        "sendmsg": 211,
        "sendmmsg": 269,
    },
}
SECCOMP_ARCHES["amd64"], SECCOMP_ARCHES["arm64"] = SECCOMP_ARCHES["x86_64"], SECCOMP_ARCHES["aarch64"]


def _arg(index: int, high: bool = False) -> int:  # offset of a syscall argument's low (or high) word in seccomp_data
    return 16 + 8 * index + (4 if high else 0)


def seccomp_filter(machine: str) -> bytes:
    """The classic-BPF program (struct sock_filter[]) for this machine; StoreError for an unknown one.

    EPERM for: another audit arch (32-bit syscalls), the x32 ABI, connect, io_uring, sockets other than
    AF_UNIX and TCP, sendto with an address, and TCP Fast Open (MSG_FASTOPEN connects without connect)."""
    arch = SECCOMP_ARCHES.get(machine.lower())
    if arch is None or struct.calcsize("P") != 8:
        raise StoreError(
            f"serve kan ikke spærre databasen for udgående forbindelser på arkitekturen {machine!r} "
            "(kun Linux x86_64 og aarch64); endpointet startes ikke uden den spærring"
        )
    program: list[tuple[int, str | None, str | None, int]] = []
    labels: dict[str, int] = {}

    def op(code: int, k: int, jt: str | None = None, jf: str | None = None) -> None:
        program.append((code, jt, jf, k))

    op(_LD_W_ABS, 4)  # seccomp_data.arch
    op(_JEQ_K, arch["audit"], None, "deny")
    op(_LD_W_ABS, 0)  # seccomp_data.nr
    if arch["x32"]:
        op(_JGE_K, 0x40000000, "deny")  # __X32_SYSCALL_BIT
    for number in (arch["connect"], *_IO_URING):
        op(_JEQ_K, number, "deny")
    op(_JEQ_K, arch["socket"], "socket")
    op(_JEQ_K, arch["sendto"], "sendto")
    op(_JEQ_K, arch["sendmsg"], "sendmsg")
    op(_JEQ_K, arch["sendmmsg"], "sendmmsg")
    op(_RET_K, _RET_ALLOW)
    labels["socket"] = len(program)  # socket(domain, type, protocol)
    op(_LD_W_ABS, _arg(0))
    op(_JEQ_K, _AF_UNIX, "allow")
    op(_JEQ_K, _AF_INET, "stream")
    op(_JEQ_K, _AF_INET6, "stream", "deny")
    labels["stream"] = len(program)
    op(_LD_W_ABS, _arg(1))
    op(_AND_K, 0xF)  # SOCK_TYPE_MASK (drops SOCK_NONBLOCK, SOCK_CLOEXEC)
    op(_JEQ_K, _SOCK_STREAM, "allow", "deny")
    labels["sendto"] = len(program)  # sendto(fd, buf, len, flags, dest_addr, addrlen)
    op(_LD_W_ABS, _arg(3))
    op(_JSET_K, _MSG_FASTOPEN, "deny")
    op(_LD_W_ABS, _arg(4))
    op(_JEQ_K, 0, None, "deny")
    op(_LD_W_ABS, _arg(4, high=True))
    op(_JEQ_K, 0, "allow", "deny")
    labels["sendmsg"] = len(program)  # sendmsg(fd, msg, flags)
    op(_LD_W_ABS, _arg(2))
    op(_JSET_K, _MSG_FASTOPEN, "deny", "allow")
    labels["sendmmsg"] = len(program)  # sendmmsg(fd, msgvec, vlen, flags)
    op(_LD_W_ABS, _arg(3))
    op(_JSET_K, _MSG_FASTOPEN, "deny", "allow")
    labels["allow"] = len(program)
    op(_RET_K, _RET_ALLOW)
    labels["deny"] = len(program)
    op(_RET_K, _RET_EPERM)

    encoded = b""
    for index, (code, jt, jf, k) in enumerate(program):
        offsets = [0 if target is None else labels[target] - index - 1 for target in (jt, jf)]
        if not all(0 <= offset <= 255 for offset in offsets):
            raise ValueError("seccomp program: jump out of range")
        encoded += struct.pack("=HBBI", code, offsets[0], offsets[1], k)
    return encoded


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _Sandbox:
    """Everything the child needs, made in the parent; `__call__` runs in the child between fork and exec."""

    def __init__(self, machine: str):
        code = seccomp_filter(machine)
        self._filter = ctypes.create_string_buffer(code, len(code))
        self._fprog = _SockFprog(len(code) // 8, ctypes.addressof(self._filter))
        self._prctl = ctypes.CDLL(None, use_errno=True).prctl
        self._prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        self._prctl.restype = ctypes.c_int

    def __call__(self) -> None:
        self._prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # no orphaned backend if we are killed
        if self._prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if self._prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(self._fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_SECCOMP")


def sandbox() -> _Sandbox:
    if not sys.platform.startswith("linux"):
        raise StoreError(
            f"serve kan kun spærre databasen for udgående forbindelser på Linux, ikke {sys.platform}; "
            "endpointet startes ikke uden den spærring"
        )
    return _Sandbox(platform.machine())


def seccomp_mode(pid: int) -> str | None:
    """The `Seccomp:` field of /proc/<pid>/status ("2" = filter installed)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Seccomp:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


class Backend:
    """`oxigraph serve-read-only` on a private loopback port, unable to connect anywhere."""

    ACCEPT = "application/sparql-results+json, application/n-triples"  # formats the front can check and convert

    def __init__(self, data_dir: Path, timeout_s: int):
        store = Path(data_dir) / STORE_DIR
        if not store.exists():
            raise StoreError(f"ingen database i {store} - kør 'sundhedsgraf build' først")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.timeout_s = timeout_s
        self._idle: list[http.client.HTTPConnection] = []  # kept-alive connections to the backend
        self._lock = threading.Lock()
        preexec = sandbox()
        try:
            self.process = subprocess.Popen(
                [
                    oxigraph_binary(),
                    "serve-read-only",
                    "--location",
                    str(store),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--union-default-graph",
                    "--timeout-s",
                    str(timeout_s),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                preexec_fn=preexec,
            )
        except subprocess.SubprocessError as exc:  # the sandbox could not be installed in the child
            raise StoreError(
                "kunne ikke spærre databasen for udgående forbindelser (seccomp-filteret blev afvist "
                f"af kernen: {exc}); endpointet startes ikke uden den spærring"
            ) from exc
        if self.process.poll() is None and seccomp_mode(self.process.pid) != "2":
            self.stop()
            raise StoreError(
                "databasen kører uden seccomp-filter; endpointet startes ikke uden spærring for udgående forbindelser"
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                told = self.process.stderr.read() if self.process.stderr else b""
                raise StoreError(f"oxigraph stoppede: {told.decode(errors='replace')[:500]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise StoreError("oxigraph svarede ikke inden for 15 s")

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout_s + 0.5), False

    def _post(self, query: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        body = query.encode("utf-8")
        headers = {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": self.ACCEPT}
        while True:
            connection, reused = self._connection()
            try:
                connection.request("POST", "/query", body=body, headers=headers)
                return connection, connection.getresponse()
            except (ConnectionResetError, BrokenPipeError):  # incl. RemoteDisconnected
                connection.close()
                if not reused:
                    raise
                # an idle kept-alive connection the backend had closed: the query is read-only, send it again
            except BaseException:
                connection.close()
                raise

    def query(self, query: str) -> tuple[str, bytes]:
        """The backend's answer (content type, body) as SPARQL JSON or N-Triples, unchecked."""
        limit = BACKEND_FACTOR * MAX_RESULT_BYTES
        try:
            connection, response = self._post(query)
            try:
                body = response.read(limit + 1)
            finally:
                if response.isclosed() and not response.will_close and len(self._idle) < 32:
                    with self._lock:
                        self._idle.append(connection)  # read to the end: it can carry the next query
                else:
                    connection.close()
        except TimeoutError as exc:
            raise Timeout() from exc
        except http.client.IncompleteRead as exc:  # the backend closed the connection in the middle of the answer
            raise Truncated("forbindelsen blev afbrudt") from exc
        if response.status >= 400:
            detail = body[:4000].decode("utf-8", errors="replace")
            if any(word in detail.lower() for word in ("timeout", "timed out", "cancelled")):
                raise Timeout()
            status = (
                HTTPStatus(response.status)
                if response.status in HTTPStatus._value2member_map_
                else HTTPStatus.BAD_REQUEST
            )
            raise Refused(status, detail.strip() or response.reason)
        if len(body) > limit:
            raise Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"resultatet er større end {MAX_RESULT_BYTES // (1024 * 1024)} MB; brug LIMIT",
            )
        return response.getheader("Content-Type", ""), body

    def stop(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class BackendStore:
    """What graph.query asks of a store to bind a named query's parameters as the CLI does (`query` for names
    found by label, `search_index` for text parameters), answered by the sandboxed backend: the front never
    opens the database itself, and every query it makes keeps the backend's time limit."""

    def __init__(self, endpoint: Endpoint, backend: Backend):
        self.endpoint, self.backend = endpoint, backend

    def query(self, sparql: str, prefixes: dict[str, str] | None = None, **_ignored):
        prologue = "".join(f"PREFIX {p}: <{iri}> " for p, iri in (prefixes or {}).items())
        _, body = self.backend.query(prologue + sparql)
        if body.rstrip().endswith(CANCELLED):
            raise Timeout()
        try:
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise Truncated(str(exc)[:200]) from exc

    def search_index(self):
        return self.endpoint.search_index(self)

    def rows(self, sparql: str) -> list[dict]:
        """SPARQL JSON bindings (a list of {variable: term}) of a SELECT, with the known prefixes."""
        _, body = self.backend.query(pages.KNOWN_PROLOGUE + sparql)
        try:
            return json.loads(render("application/sparql-results+json", body, FORMATS["json"])[1])["results"][
                "bindings"
            ]
        except (KeyError, ValueError) as exc:
            raise Truncated(str(exc)[:200]) from exc


# ---------------------------------------------------------------------------------------------------------------
# Content negotiation and the checked answer

# Results formats a client may ask for with ?format= (as well as with Accept)
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
}
RESULTS_FORMATS = [
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
]
GRAPH_FORMATS = [
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N3,
]
_QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def negotiate(accept: str, graph: bool):
    """The format for an Accept header (q-values honoured, */* and type/* allowed), or None (406)."""
    formats = GRAPH_FORMATS if graph else RESULTS_FORMATS
    parser = ox.RdfFormat.from_media_type if graph else ox.QueryResultsFormat.from_media_type
    ranges = []
    for order, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, order, media.lower()))
    if not ranges:
        return formats[0] if not accept.strip() else None
    for _, _, media in sorted(ranges):
        if media == "*/*":
            return formats[0]
        if media.endswith("/*"):
            found = [f for f in formats if f.media_type.startswith(media[:-1])]
        else:
            named = parser(media) if "/" in media else None
            found = [f for f in formats if f == named]
        if found:
            return found[0]
    return None


class _CappedSink:
    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > MAX_RESULT_BYTES:
            raise Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"resultatet er større end {MAX_RESULT_BYTES // (1024 * 1024)} MB; brug LIMIT",
            )
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def render(content_type: str, body: bytes, accept: str) -> tuple[str, bytes]:
    """Check that the backend's whole answer parses, and write it in the format the client asked for.
    Timeout if it ends with Oxigraph's cancel message, Truncated if it does not parse."""
    if body.rstrip().endswith(CANCELLED):
        raise Timeout()
    media = content_type.split(";")[0].strip().lower()
    graph = media == "application/n-triples"
    if not graph and media != "application/sparql-results+json":
        raise Truncated(f"uventet Content-Type {content_type!r}")
    wanted = negotiate(accept, graph)
    if wanted is None:
        kinds = "turtle eller ntriples" if graph else "json, xml, csv eller tsv"
        raise Refused(HTTPStatus.NOT_ACCEPTABLE, f"kan ikke svare i de formater Accept beder om; brug ?format={kinds}")
    sink: Any = _CappedSink()  # a file to the serializers: write() and flush()
    try:
        if graph:
            quads = ox.parse(body, ox.RdfFormat.N_TRIPLES)
            ox.serialize(quads if wanted in _QUAD_FORMATS else (quad.triple for quad in quads), sink, wanted)
        else:
            results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if isinstance(results, ox.QueryBoolean):  # its parser stops after the value: check the rest as well
                document = json.loads(body)
                if not isinstance(document, dict) or not isinstance(document.get("boolean"), bool):
                    raise SyntaxError("ikke et ASK-svar")
            results.serialize(sink, wanted)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        raise Truncated(str(exc)[:200]) from exc
    return wanted.media_type, b"".join(sink.parts)


class Endpoint:
    def __init__(
        self,
        data_dir: str | Path,
        host: str = "127.0.0.1",
        port: int = 7878,
        timeout_s: int = DEFAULT_TIMEOUT_S,
        cors: bool = False,
        queries_dir: Path | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.cors = cors
        self.queries = load_queries(queries_dir) if queries_dir else load_queries()
        self.timeout_s = timeout_s
        # Backends are started from one long-lived thread: Linux sends the parent-death signal when the
        # *thread* that started a child ends, and request threads end after every request.
        self._spawner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="backend")
        self.backend = self._spawner.submit(Backend, self.data_dir, timeout_s).result()
        self._swap = threading.Lock()
        self._index_lock = threading.RLock()
        self._index: SearchIndex | None = None
        self._index_checked = False
        self._terms: dict[str, list[str]] | None = None
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
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"

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
        if self._index is not None:
            self._index.close()

    def page(self) -> bytes:
        return pages.query_page(self.queries, (self.data_dir / "maps" / "index.html").exists())

    def map_views(self) -> dict[str, str]:
        """Node -> the id of its own map in the onboarding pack (maps/kort.json, written with the pack)."""
        path = self.data_dir / "maps" / "kort.json"
        try:
            stamp = path.stat().st_mtime_ns
            if getattr(self, "_views_stamp", None) != stamp:
                self._views = json.loads(path.read_text(encoding="utf-8")).get("views", {})
                self._views_stamp = stamp
            return self._views if isinstance(self._views, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def terms(self) -> dict[str, list[str]]:
        """The classes and properties the data uses, for the editor's completion (asked once; empty if the
        database does not answer in time)."""
        with self._index_lock:
            if self._terms is None:
                store = BackendStore(self, self.backend)
                try:
                    self._terms = {
                        "classes": sorted(
                            r["c"]["value"]
                            for r in store.rows("SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(isIRI(?c)) } LIMIT 5000")
                        ),
                        "properties": sorted(
                            r["p"]["value"] for r in store.rows("SELECT DISTINCT ?p WHERE { ?s ?p ?o } LIMIT 5000")
                        ),
                    }
                except (Refused, Timeout, Truncated, OSError, http.client.HTTPException):
                    return {"classes": [], "properties": []}
            return self._terms

    def search_index(self, store: BackendStore) -> SearchIndex | None:
        """The full-text index beside the database, when it comes from the same build (as GraphStore.search_index)."""
        with self._index_lock:
            if not self._index_checked:
                rows = store.rows(f"SELECT ?id WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> sg:buildId ?id }} }}")
                build_id = rows[0]["id"]["value"] if rows else None
                self._index = SearchIndex.open(self.data_dir, build_id)
                self._index_checked = True
            return self._index


_PERCENT_ENCODED = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")
_DIGITS = re.compile(r"[0-9]{1,18}")
MAX_BODY_BYTES = 3 * MAX_QUERY_BYTES + 1024  # a form-encoded query of 64 KB: percent-encoding triples a byte


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "sundhedsgraf"
    protocol_version = "HTTP/1.1"
    timeout = CLIENT_SOCKET_TIMEOUT_S

    def log_message(self, fmt, *args):  # quiet; errors are returned to the client
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):  # the client went away, or stopped reading, mid-answer
            self.close_connection = True

    def parse_request(self) -> bool:
        self._body_read = False
        return super().parse_request()

    def _declares_body(self) -> bool:
        return (
            self.headers.get("Transfer-Encoding") is not None
            or (self.headers.get("Content-Length") or "0").strip() != "0"
        )

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.endpoint.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if not self._body_read and self._declares_body():
            # a body we did not read must not be taken for the next request on this connection
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _read_body(self) -> bytes | None:
        """The request body, read by a strict Content-Length and no further; None after an error answer."""
        if self.headers.get("Transfer-Encoding") is not None:
            self._error(
                HTTPStatus.LENGTH_REQUIRED,
                "send forespørgslen med Content-Length (Transfer-Encoding understøttes ikke)",
            )
            return None
        values = {value.strip(" \t") for value in self.headers.get_all("Content-Length") or []}
        if not values:
            self._error(HTTPStatus.LENGTH_REQUIRED, "Content-Length mangler")
            return None
        value = values.pop()
        if values or not _DIGITS.fullmatch(value):
            self._error(HTTPStatus.BAD_REQUEST, "ugyldig Content-Length")
            return None
        length = int(value)
        if length > MAX_BODY_BYTES:
            self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"forespørgslen er større end {MAX_QUERY_BYTES // 1024} KB"
            )
            return None
        try:
            body = self.rfile.read(length)
        except OSError:  # the client stopped sending (socket timeout) or went away
            self.close_connection = True
            return None
        if len(body) < length:
            self.close_connection = True
            return None
        self._body_read = True
        return body

    def _page(self, status: int, body: bytes, csp: str = PAGE_CSP) -> None:
        self._send(
            status,
            body,
            "text/html; charset=utf-8",
            {"Content-Security-Policy": csp, "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"},
        )

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._page(200, self.endpoint.page())
        elif url.path == "/queries.json":
            body = json.dumps(
                [
                    {
                        "name": q.name,
                        "title_da": q.title_da,
                        "title_en": q.title_en,
                        "description": q.description,
                        "params": [vars(p) for p in q.params],
                        "sparql": q.sparql,
                    }
                    for q in self.endpoint.queries.values()
                ],
                ensure_ascii=False,
            )
            self._send(200, body.encode("utf-8"), "application/json; charset=utf-8")
        elif url.path == "/terms.json":
            self._send(
                200,
                json.dumps(self.endpoint.terms(), ensure_ascii=False).encode("utf-8"),
                "application/json; charset=utf-8",
            )
        elif url.path in ("/sparql", "/query"):
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
            if "query" not in params:
                return self._error(HTTPStatus.BAD_REQUEST, "mangler parameteren query")
            self._run(params["query"][0], params.get("format", [None])[0], _known(params))
        elif url.path.startswith("/named/"):
            self._named(url.path[len("/named/") :], urllib.parse.parse_qs(url.query, keep_blank_values=True))
        elif url.path == "/node":
            self._node(urllib.parse.parse_qs(url.query).get("iri", [""])[0])
        elif url.path in ("/forum", "/sundhedsraad", "/organisation", "/dokument", "/ordliste") or url.path.startswith(
            "/sider/"
        ):
            self._text_pages(url)
        elif url.path == "/maps":
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"Location": "/maps/"})
        elif url.path == "/maps/":
            self._page(200, pages.maps_page(self.endpoint.data_dir / "maps"))
        elif url.path.startswith("/maps/"):
            self._static(url.path[len("/maps/") :])
        elif url.path.startswith("/static/"):
            self._vendored(url.path[len("/static/") :])
        else:
            self._error(HTTPStatus.NOT_FOUND, "ikke fundet")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/update", "/store") or url.path.startswith("/store"):
            return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
        if url.path not in ("/sparql", "/query") and not url.path.startswith("/named/"):
            return self._error(HTTPStatus.NOT_FOUND, "ikke fundet")
        raw = self._read_body()
        if raw is None:
            return
        body = raw.decode("utf-8", errors="replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        url_params = urllib.parse.parse_qs(url.query)
        fmt = url_params.get("format", [None])[0]
        if url.path.startswith("/named/"):
            if content_type != "application/x-www-form-urlencoded":
                return self._error(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send parametrene som application/x-www-form-urlencoded"
                )
            fields = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            for key, values in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                fields.setdefault(key, []).extend(values)
            return self._named(url.path[len("/named/") :], fields)
        if content_type == "application/sparql-query":
            return self._run(body, fmt, _known(url_params))
        if content_type == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
        form = urllib.parse.parse_qs(body)
        if "update" in form:
            return self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")
        if "query" not in form:
            return self._error(HTTPStatus.BAD_REQUEST, "mangler parameteren query")
        self._run(form["query"][0], fmt or form.get("format", [None])[0], _known(url_params) or _known(form))

    def do_PUT(self) -> None:
        self._error(HTTPStatus.FORBIDDEN, "endpointet er skrivebeskyttet")

    do_DELETE = do_PATCH = do_PUT

    def do_OPTIONS(self) -> None:
        extra = {"Allow": "GET, POST, HEAD, OPTIONS"}
        if self.endpoint.cors:
            extra.update(
                {"Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Content-Type, Accept"}
            )
        self._send(204, b"", "text/plain", extra)

    def _answer(self, backend: Backend, work, query: str | None = None, offset: int = 0) -> Any:
        """Run `work()` (which asks the backend) and answer every way it can fail; its result, or None when the
        client has had an error. `query` and `offset`: the user's text and what was put before its first line,
        so a syntax error names the user's line and column."""
        try:
            return work()
        except Refused as exc:
            message = exc.message
            if exc.status == HTTPStatus.BAD_REQUEST:
                message = pages.danish_error(message, query, offset)
            self._error(exc.status, message)
        except QueryError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except Timeout:
            self.endpoint.stop_runaway(backend)
            self._error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"forespørgslen blev stoppet efter {self.endpoint.timeout_s} s; prøv en mere afgrænset forespørgsel",
            )
        except Truncated as exc:
            self._error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"svaret fra databasen er ufuldstændigt ({exc}); et afkortet resultat sendes ikke - "
                "prøv igen, eller afgræns forespørgslen",
            )
        except (OSError, http.client.HTTPException) as exc:
            self._error(HTTPStatus.BAD_GATEWAY, f"databasen svarer ikke: {exc}")
        return None

    def _run(self, query: str, fmt: str | None, known_prefixes: bool = False) -> None:
        """A query as sent (the SPARQL protocol); with `known_prefixes` (the page's `prefixes=known`), the prefixes
        the CLI knows are declared first, on the user's first line."""
        backend = self.endpoint.backend
        prologue = pages.KNOWN_PROLOGUE if known_prefixes else ""

        def work() -> tuple[str, bytes]:
            check_query(query)
            accept = FORMATS.get((fmt or "").lower()) or self.headers.get("Accept") or ""
            return render(*backend.query(prologue + query), accept)

        answer = self._answer(backend, work, query, len(prologue))
        if answer is not None:
            self._send(200, answer[1], answer[0])

    def _named(self, name: str, fields: dict[str, list[str]]) -> None:
        """A named query with its parameters bound by the front, as the CLI binds them (graph.query): GET
        /named/<navn>?param=værdi&format=json|csv|tsv, or POST with the same fields as a form, and `sparql`
        for the query as edited on the page (its parameters come from the named query's header)."""
        name = urllib.parse.unquote(name)
        query = self.endpoint.queries.get(name)
        if query is None:
            close = [n for n in self.endpoint.queries if name.lower() in n.lower() or n.lower() in name.lower()]
            hint = f" Mente du: {', '.join(close)}?" if close else " Se /queries.json."
            return self._error(HTTPStatus.NOT_FOUND, f"ukendt spørgsmål '{name}'.{hint}")
        fmt = (fields.pop("format", ["json"])[0] or "json").lower()
        if fmt not in ("json", "csv", "tsv"):
            return self._error(HTTPStatus.NOT_ACCEPTABLE, "format skal være json, csv eller tsv")
        edited = fields.pop("sparql", [None])[0]
        if edited is not None:
            query = dataclasses.replace(query, sparql=edited)
        repeated = sorted(key for key, values in fields.items() if len(values) > 1)
        if repeated:
            return self._error(HTTPStatus.BAD_REQUEST, f"parameteren {', '.join(repeated)} er angivet mere end én gang")
        given = {key: values[0] for key, values in fields.items() if values[0].strip()}  # empty: the default
        backend = self.endpoint.backend
        store = BackendStore(self.endpoint, backend)

        def work() -> tuple[str, bytes]:
            if edited is not None:
                check_query(edited)
            bindings = bind_params(query, given, store)
            with self.endpoint._index_lock:
                sparql = pages.KNOWN_PROLOGUE + prepare(store, query, bindings)
            check_query(sparql, MAX_NAMED_QUERY_BYTES)
            content_type, body = render(*backend.query(sparql), FORMATS["json"])
            if fmt == "json":
                return content_type, body
            results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if isinstance(results, ox.QueryBoolean):
                result = Result("ask", boolean=bool(results))
            else:
                variables = [v.value for v in results.variables]
                result = Result("select", variables, [list(solution) for solution in results])
            text = to_delimited(result, "," if fmt == "csv" else "\t").encode("utf-8")
            return ("text/csv; charset=utf-8" if fmt == "csv" else "text/tab-separated-values; charset=utf-8"), text

        answer = self._answer(backend, work, query.sparql if edited is not None else None, len(pages.KNOWN_PROLOGUE))
        if answer is None:
            return
        extra = {}
        if fmt in ("csv", "tsv"):
            extra["Content-Disposition"] = f'attachment; filename="{query.name}.{fmt}"'
        self._send(200, answer[1], answer[0], extra)

    def _node(self, iri: str) -> None:
        """A node's page: its names, types, triples and the triples that point at it, as text."""
        try:
            if not iri or len(iri) > 4000:
                raise ValueError(iri)
            node = ox.NamedNode(iri)
        except ValueError:
            return self._page(HTTPStatus.BAD_REQUEST, pages.message_page("Ugyldig knude", "angiv en IRI: /node?iri=…"))
        backend = self.endpoint.backend
        store = BackendStore(self.endpoint, backend)
        names = "skos:prefLabel|foaf:name|dct:title|rdfs:label"

        def work():
            outgoing = store.rows(
                f"SELECT ?p ?o (SAMPLE(?label) AS ?ol) WHERE {{ {node} ?p ?o "
                f"OPTIONAL {{ ?o {names} ?label }} }} GROUP BY ?p ?o ORDER BY ?p ?o LIMIT 2000"
            )
            incoming = store.rows(
                f"SELECT ?s ?p (SAMPLE(?label) AS ?sl) WHERE {{ ?s ?p {node} "
                f"OPTIONAL {{ ?s {names} ?label }} }} GROUP BY ?s ?p ORDER BY ?p ?s LIMIT 500"
            )
            quote = None
            place = parse_quote(iri)
            if place is not None:
                document, start, end = place
                text = store.rows(f"SELECT ?text WHERE {{ {ox.NamedNode(document)} sg:text ?text }} LIMIT 1")
                if text:
                    quote = (document, text[0]["text"]["value"][start:end], start, end)
            return outgoing, incoming, quote

        answer = self._answer(backend, work)
        if answer is not None:
            self._page(200, pages.node_page(iri, *answer))

    def _text_pages(self, url: urllib.parse.SplitResult) -> None:
        """The pages for a new member (graph.maps.pages): a forum's, a council's, an organisation's, a document's text
        with a quote highlighted, the glossary, and the pages' own style and script."""
        if url.path == "/ordliste":
            from ..maps.pages import glossary_body

            self._page(200, pages.side_page("Ordliste", glossary_body()))
        elif url.path.startswith("/sider/"):
            self._side_asset(url.path[len("/sider/") :])
        else:
            self._side(url.path[1:], urllib.parse.parse_qs(url.query).get("iri", [""])[0])

    def _side(self, route: str, iri: str) -> None:
        """A forum's page ('Mit forum'), a council's or an organisation's (whichever the node is, whatever the route
        says), or a document's text with a quote highlighted (/dokument?iri=…#char=a,b; the fragment is the page's
        own). Asked of the backend like everything else, rendered by graph.maps.pages."""
        from ..maps import pages as side

        try:
            if not iri or len(iri) > 4000:
                raise ValueError(iri)
            ox.NamedNode(iri)
            side.values("s", [iri])
        except ValueError:
            return self._page(
                HTTPStatus.BAD_REQUEST, pages.message_page("Ugyldig side", f"angiv en IRI: /{route}?iri=…")
            )
        backend = self.endpoint.backend
        store = BackendStore(self.endpoint, backend)

        def work():
            kinds = side.classify(store, [iri])
            kind = kinds.get(iri)
            if route == "dokument" or kind == "dokument":
                return "dokument", side.document_data(store, [iri]).get(iri), kinds
            if kind == "forum":
                data = side.forum_data(store, [iri], kinds).get(iri)
            elif kind == "sundhedsraad":
                data = side.council_data(store, [iri]).get(iri)
            elif kind in ("kommune", "region", "organisation"):
                data = side.organisation_data(store, [iri], kinds).get(iri)
            else:
                return kind, None, kinds
            if data is None:
                return kind, None, kinds
            kinds.update(side.classify(store, side._mentioned([data]) - set(kinds)))
            return kind, data, kinds

        answer = self._answer(backend, work)
        if answer is None:
            return
        kind, data, kinds = answer
        if data is None:
            what = {"dokument": "Grafen har ingen tekst for dette dokument."}.get(
                route, "Grafen har ingen side for denne knude (sider findes for fora, sundhedsråd og organisationer)."
            )
            return self._page(HTTPStatus.NOT_FOUND, pages.message_page("Ingen side", f"{what} Se /node?iri=…"))
        maps = self.endpoint.data_dir / "maps"
        links = side.Links(served=True, views=self.endpoint.map_views(), maps=(maps / "index.html").exists())
        render = side.Renderer(links, kinds)
        draw = {"dokument": render.document, "forum": render.forum, "sundhedsraad": render.council}.get(
            kind, render.organisation
        )
        title, body = draw(data)
        self._page(200, pages.side_page(title, body))

    def _side_asset(self, name: str) -> None:
        """The pages' own style and script (graph/maps/sider.css and sider.js), by their exact names."""
        from importlib import resources

        types = {"sider.css": "text/css; charset=utf-8", "sider.js": "text/javascript; charset=utf-8"}
        if name not in types:
            return self._error(HTTPStatus.NOT_FOUND, "ikke fundet")
        body = (resources.files("graph.maps") / name).read_bytes()
        self._send(200, body, types[name], {"Cache-Control": "no-cache"})

    def _vendored(self, name: str) -> None:
        """The page's own files (graph/serve/static/): only the files that are there, by their exact names."""
        files = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and p.suffix in STATIC_TYPES}
        path = files.get(name)
        if path is None:
            return self._error(HTTPStatus.NOT_FOUND, "ikke fundet")
        self._send(200, path.read_bytes(), STATIC_TYPES[path.suffix], {"Cache-Control": "no-cache"})

    def _static(self, relative: str) -> None:
        if not _PERCENT_ENCODED.fullmatch(relative):
            return self._error(HTTPStatus.BAD_REQUEST, "ugyldig procent-kodning i stien")
        try:
            name = urllib.parse.unquote_to_bytes(relative).decode("utf-8")
        except UnicodeDecodeError:
            return self._error(HTTPStatus.BAD_REQUEST, "stien er ikke UTF-8")
        root = (self.endpoint.data_dir / "maps").resolve()
        try:
            if "\x00" in name:
                raise ValueError("NUL i stien")
            path = (root / name).resolve()
            if root not in path.parents or not path.is_file():
                raise FileNotFoundError(name)
            data = path.read_bytes()
        except (OSError, ValueError):
            return self._error(HTTPStatus.NOT_FOUND, "ikke fundet")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        self._send(
            200,
            data,
            content_type,
            {"Content-Security-Policy": MAPS_CSP} if content_type.startswith("text/html") else None,
        )


def _known(params: dict[str, list[str]]) -> bool:
    """The page's `prefixes=known`: declare the prefixes the CLI knows (graph.query.QUERY_PREFIXES)."""
    return params.get("prefixes", [""])[0] == "known"
