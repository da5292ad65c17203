"""The persistent store: an on-disk Oxigraph database with one named graph per source.

Why Oxigraph: measured on this machine it loads ~13x faster than rdflib's memory
store and answers joins across named graphs in milliseconds instead of seconds
(see ../shared/TECH-NOTES.md and bench/).

A build never edits the live store in place. `open_for_update` makes a cheap
hard-link backup of it, the build writes to the copy, and only a completed build
swaps the copy in. A build that fails or is killed leaves the previous store as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..vocab import GRAPH, SG

META_GRAPH = GRAPH["meta"]  # which document graph was built from which content hash
STORE_DIR = "store"


_OX_TERMS = (ox.NamedNode, ox.Literal, ox.BlankNode)


class StoreError(Exception):
    pass


def to_ox(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """rdflib term -> pyoxigraph term (a pyoxigraph term is returned as it is)."""
    if isinstance(term, _OX_TERMS):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and term.datatype != XSD.string:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def rdf_bytes(
    statements: Iterable[ox.Quad] | Iterable[ox.Triple], format: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """`statements` serialized in `format` (ox.serialize without an output returns the bytes)."""
    data = ox.serialize(statements, format=format, prefixes=prefixes)
    assert data is not None
    return data


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The value of a term the build wrote (the meta graph holds no quoted triples)."""
    assert not isinstance(term, ox.Triple)
    return term.value


def to_quads(triples: Iterable[tuple], graph_iri: URIRef | str) -> list[ox.Quad]:
    """Triples of rdflib or pyoxigraph terms -> pyoxigraph quads in one named graph."""
    g = ox.NamedNode(str(graph_iri))
    triples = list(triples)
    try:  # the emitter's triples are pyoxigraph terms already
        return [ox.Quad(s, p, o, g) for s, p, o in triples]
    except TypeError:
        # a literal as subject or predicate is refused by ox.Quad itself (TypeError), as it is in the emitter's terms
        return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]  # type: ignore[arg-type]


class GraphStore:
    """A thin wrapper over pyoxigraph.Store that knows our named-graph conventions."""

    def __init__(self, store: ox.Store, path: Path | None = None, started_empty: bool = False):
        self.ox = store
        self.path = path
        # `started_empty`: a store a build starts from nothing, where only the graphs written since can be (a look-up
        # before each of 5,000 new graphs, while bulk loads add files to the database, cost seconds)
        self._started_empty = started_empty
        self._written: set[str] = set()

    def may_hold(self, graph_iri: str) -> bool:
        """False when the named graph cannot be in the store: it started empty and the graph was not written since
        by `replace_quads` or `stage_nquads`."""
        return not self._started_empty or graph_iri in self._written

    # ---- reading
    @classmethod
    def open_read_only(cls, data_dir: str | Path) -> GraphStore:
        path = Path(data_dir) / STORE_DIR
        _recover(Path(data_dir))
        if not path.exists():
            raise StoreError(f"ingen database i {path} - kør 'sundhedsgraf build' først")
        return cls(ox.Store.read_only(str(path)), path)

    @classmethod
    def in_memory(cls) -> GraphStore:
        return cls(ox.Store())

    def search_index(self):
        """The full-text index beside this store (graph.store.search), when it comes from the same build."""
        if "_search" not in self.__dict__:
            from .search import SearchIndex

            self._search = SearchIndex.open(self.path.parent, self.build_id()) if self.path is not None else None
        return self._search

    def graph_hashes(self) -> dict[str, str]:
        """Named graph IRI -> content hash it was built from."""
        rows = self.ox.quads_for_pattern(None, ox.NamedNode(str(SG.builtFrom)), None, ox.NamedNode(str(META_GRAPH)))
        return {_value(q.subject): _value(q.object) for q in rows}

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self.ox)

    def graph_size(self, graph_iri: str) -> int:
        """The number of quads in one named graph (counted by SPARQL, which does not decode each quad's terms: the
        registry's 10,000 quads in 4 ms instead of 120)."""
        solutions = self.ox.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph_iri)} {{ ?s ?p ?o }} }}")
        assert isinstance(solutions, ox.QuerySolutions)
        count = next(solutions)["n"]
        assert isinstance(count, ox.Literal)
        return int(count.value)

    def query(self, sparql: str, union: bool = True, **kwargs):
        """Run SPARQL; by default the default graph is the union of all named graphs,
        so a query need not know which document a fact came from (GRAPH ?g still works)."""
        return self.ox.query(sparql, use_default_graph_as_union=union, **kwargs)

    # ---- writing
    def replace_graph(self, graph_iri: URIRef, triples: Iterable[tuple], content_hash: str | None = None) -> int:
        """Replace one named graph with `triples`; record the hash it was built from."""
        return self.replace_quads(str(graph_iri), to_quads(triples, graph_iri), content_hash)

    def replace_quads(self, graph_iri: str, quads: list[ox.Quad], content_hash: str | None = None) -> int:
        self.replace_graphs({str(graph_iri): quads})
        if content_hash is not None:
            self.ox.add(self._hash_quad(ox.NamedNode(str(graph_iri)), content_hash))
            self._added += 1
        return len(quads)

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]]) -> None:
        """Replace each named graph with its quads, all added in one transaction (thousands of small graphs, such
        as the cases' states, cost a transaction each otherwise)."""
        for graph_iri in graphs:
            if self.may_hold(graph_iri):
                self._drop_graph(ox.NamedNode(graph_iri))
            self._written.add(graph_iri)
        quads = [quad for graph_quads in graphs.values() for quad in graph_quads]
        self.ox.extend(quads)  # one transaction: all or nothing
        self._added += len(set(quads))

    # ---- staged writing: for a whole build into the private copy. Documents arrive as N-Quads text (the
    # workers serialize them: pickling pyoxigraph quads between processes costs ~15 s per million quads), and
    # are bulk-loaded in batches of about BULK_BATCH quads; atomicity comes from swapping the copy in at the end.
    # Each load leaves files the database merges in the background: at 5,000 documents, batches of 50,000 quads
    # made the build write 12 GB to disk and stall on it, batches of 250,000 write 8 GB (peak RSS 640 MB; 1 million:
    # 1.7 GB and no faster). 500,000 quads cut the database's background merging from 28-30 to 17-21 CPU-s on one
    # machine (2026-12-01) but not the build: on another (2026-12-02, four pairs of builds taken in turn) 250,000
    # was 1-19 s faster each time, with the same user CPU and 300 MB less peak RSS.
    BULK_BATCH = 250_000
    # Each bulk load leaves its own files in the database, and reads then look in all of them: after a large
    # load, compacting them makes the named queries 3-7x faster (1.3 s -> 0.2-0.4 s at 5,000 documents)
    OPTIMIZE_FROM = 200_000
    bulk_loaded = 0  # quads bulk-loaded by this process
    _staged_count = 0

    def stage_nquads(self, graph_iri: str, nquads: bytes, count: int, content_hash: str | None = None) -> int:
        """Replace the named graph `graph_iri` with `nquads` (N-Quads, every quad in that graph) at the next commit."""
        g = ox.NamedNode(str(graph_iri))
        if self.may_hold(g.value):
            self._drop_graph(g)
        self._written.add(g.value)
        staged: list[bytes] = self.__dict__.setdefault("_staged", [])
        staged.append(nquads)
        self._added += count
        if content_hash is not None:
            staged.append(rdf_bytes([self._hash_quad(g, content_hash)], ox.RdfFormat.N_QUADS))
            self._added += 1
        self._staged_count += count
        if self._staged_count >= self.BULK_BATCH:
            self._load_staged()
        return count

    # A full batch is loaded in a thread of its own (Oxigraph lets go of the GIL while it loads): the build goes on
    # handing documents to the workers meanwhile, instead of leaving them idle for the ~0.3 s of each load. One
    # load at a time, and at most one more batch waiting: memory stays bounded.
    _loading: Future | None = None

    def _load_staged(self) -> None:
        staged = self.__dict__.pop("_staged", None)
        self._wait_for_load()
        if staged:
            # lenient: the quads were serialized by pyoxigraph itself, so their IRIs need no second validation
            # (~10% of the load's CPU: 2.85 -> 2.5 CPU-s for 370,000 quads)
            self._loading = self._loader().submit(
                self.ox.bulk_load, b"".join(staged), format=ox.RdfFormat.N_QUADS, lenient=True
            )
            self.bulk_loaded += self._staged_count
        self._staged_count = 0

    def _loader(self) -> ThreadPoolExecutor:
        if "_loader_pool" not in self.__dict__:
            self._loader_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-load")
        return self._loader_pool

    compacted_at = 0  # bulk_loaded when the database was last compacted

    def compact_in_background(self) -> None:
        """After large loads (OPTIMIZE_FROM quads since the last compaction), compact the database in the loading
        thread while the build goes on with smaller changes (case states, totals); the next commit waits for it."""
        self.commit_staged()
        if self.bulk_loaded - self.compacted_at >= self.OPTIMIZE_FROM:
            self._loading = self._loader().submit(self.ox.optimize)
            self.compacted_at = self.bulk_loaded

    def _wait_for_load(self) -> None:
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.result()  # a failed load is raised here

    def commit_staged(self) -> None:
        """Load what is staged and wait until every load has finished: the store then holds every staged graph."""
        self._load_staged()
        self._wait_for_load()

    def stop_loading(self) -> None:
        """Wait for a load in flight and end the loading thread, its outcome ignored (the build failed anyway); an
        interrupt during the wait still waits for the thread, which writes into the database until it is done."""
        try:
            with contextlib.suppress(Exception):
                self._wait_for_load()
        finally:
            pool = self.__dict__.pop("_loader_pool", None)
            if pool is not None:
                pool.shutdown(wait=True)

    @staticmethod
    def _hash_quad(g: ox.NamedNode, content_hash: str) -> ox.Quad:
        return ox.Quad(g, ox.NamedNode(str(SG.builtFrom)), ox.Literal(content_hash), ox.NamedNode(str(META_GRAPH)))

    def remove_graph(self, graph_iri: str) -> None:
        self._drop_graph(ox.NamedNode(str(graph_iri)))

    def _drop_graph(self, g: ox.NamedNode) -> None:
        """Remove a named graph and what the build graph says of it (its hash, the nodes it describes), counting
        what goes."""
        if self.ox.contains_named_graph(g):
            self._added -= sum(1 for _ in self.ox.quads_for_pattern(None, None, None, g))
            self.ox.remove_graph(g)
        for quad in list(self.ox.quads_for_pattern(g, None, None, ox.NamedNode(str(META_GRAPH)))):
            self.ox.remove(quad)
            self._added -= 1

    # ---- shared nodes: which documents describe which node graphs (one literal per document)
    def described_nodes(self) -> dict[str, set[str]]:
        """Document graph -> the node graphs it describes, as recorded by the builds."""
        rows = self.ox.quads_for_pattern(
            None, ox.NamedNode(str(SG.describesNodes)), None, ox.NamedNode(str(META_GRAPH))
        )
        return {_value(q.subject): set(_value(q.object).split()) for q in rows}

    def set_described_nodes(self, graph_iri: str, node_graphs: Iterable[str]) -> None:
        g, p, meta = ox.NamedNode(str(graph_iri)), ox.NamedNode(str(SG.describesNodes)), ox.NamedNode(str(META_GRAPH))
        for quad in list(self.ox.quads_for_pattern(g, p, None, meta)):
            self.ox.remove(quad)
            self._added -= 1
        nodes = " ".join(sorted(node_graphs))
        if nodes:
            self.ox.add(ox.Quad(g, p, ox.Literal(nodes), meta))
            self._added += 1

    # ---- the build the store comes from: the exports carry the same id, or they are written again
    def build_id(self) -> str | None:
        meta = ox.NamedNode(str(META_GRAPH))
        for quad in self.ox.quads_for_pattern(meta, ox.NamedNode(str(SG.buildId)), None, meta):
            return _value(quad.object)
        return None

    def set_build_id(self, build_id: str) -> None:
        meta, p = ox.NamedNode(str(META_GRAPH)), ox.NamedNode(str(SG.buildId))
        for quad in list(self.ox.quads_for_pattern(meta, p, None, meta)):
            self.ox.remove(quad)
            self._added -= 1
        self.ox.add(ox.Quad(meta, p, ox.Literal(build_id), meta))
        self._added += 1

    # ---- counting: len() walks every quad (0.9 s at 4.5 million), which would be half of a one-document
    # rebuild. The count is kept in the meta graph and carried forward by the changes made through this object.
    _added = 0  # quads added minus quads removed since the count was last recorded

    def record_count(self) -> int:
        """The number of quads in the store (the count quad included), recorded in the meta graph."""
        self.commit_staged()
        meta, predicate = ox.NamedNode(str(META_GRAPH)), ox.NamedNode(str(SG.quadCount))
        recorded = list(self.ox.quads_for_pattern(meta, predicate, None, meta))
        if recorded:
            total = int(_value(recorded[0].object)) + self._added  # the count quad is replaced, not added
            for quad in recorded:
                self.ox.remove(quad)
        else:
            total = len(self.ox) + 1  # counted once, by walking every quad
        self.ox.add(ox.Quad(meta, predicate, ox.Literal(str(total), datatype=ox.NamedNode(str(XSD.integer))), meta))
        self._added = 0
        return total


# ---- quotes: a fact's quote is <document#char=start,end> (RFC 5147), its text a slice of the document's sg:text

_CHAR_FRAGMENT = re.compile(r"^(?P<doc>[^#]+)#char=(?P<start>\d+),(?P<end>\d+)$")


@dataclass(frozen=True)
class Quote:
    document: str  # the document node's IRI
    file: str  # its file name
    start: int
    end: int
    text: str  # the quoted characters of the document's normalised text


def parse_quote(iri: str) -> tuple[str, int, int] | None:
    """<…/id/doc/x#char=10,20> -> ('…/id/doc/x', 10, 20); None for anything else."""
    m = _CHAR_FRAGMENT.match(iri)
    return (m["doc"], int(m["start"]), int(m["end"])) if m else None


def quotes(store: GraphStore, subjects: Iterable[str], batch: int = 300) -> dict[str, Quote]:
    """The first quote of each fact in `subjects` (a shared node quoted by many documents: one of them), with its
    document's file name and the quoted text, read from each document's text once."""
    wanted = list(dict.fromkeys(subjects))
    spans: dict[str, tuple[str, int, int]] = {}
    for first in range(0, len(wanted), batch):
        values = " ".join(f"<{s}>" for s in wanted[first : first + batch])
        for row in store.query(
            f"SELECT ?s ?q WHERE {{ VALUES ?s {{ {values} }} ?s <http://www.w3.org/ns/prov#qualifiedDerivation> ?q }}"
        ):
            parsed = parse_quote(row["q"].value) if isinstance(row["q"], ox.NamedNode) else None
            if parsed and (row["s"].value not in spans or parsed < spans[row["s"].value]):
                spans[row["s"].value] = parsed
    documents: dict[str, tuple[str, str]] = {}
    for doc in {span[0] for span in spans.values()}:
        node = ox.NamedNode(doc)
        text = next(store.ox.quads_for_pattern(node, ox.NamedNode(str(SG.text)), None), None)
        name = next(store.ox.quads_for_pattern(node, ox.NamedNode(str(SG.fileName)), None), None)
        documents[doc] = (_value(name.object) if name else "", _value(text.object) if text else "")
    return {
        s: Quote(doc, documents[doc][0], start, end, documents[doc][1][start:end])
        for s, (doc, start, end) in spans.items()
    }


def _recover(data_dir: Path) -> None:
    """Finish or undo a swap that was interrupted between its two renames."""
    live, old = data_dir / STORE_DIR, data_dir / (STORE_DIR + ".old")
    if old.exists() and not live.exists():
        os.replace(old, live)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


def stored_hashes(data_dir: str | Path) -> dict[str, str]:
    """Named graph -> content hash in the store in `data_dir` (empty when there is none yet)."""
    return stored_state(data_dir)[0]


def stored_state(data_dir: str | Path) -> tuple[dict[str, str], str | None]:
    """What the store in `data_dir` was built from (named graph -> content hash) and the id of that build."""
    try:
        store = GraphStore.open_read_only(data_dir)
    except StoreError:
        return {}, None
    return store.graph_hashes(), store.build_id()


LOCK_FILE = "build.lock"


class BuildLocked(StoreError):
    """Another build is writing to the same data folder."""


@contextlib.contextmanager
def build_lock(data_dir: str | Path) -> Iterator[None]:
    """One build at a time per data folder: a second one stops at once instead of deleting the first's working
    copy. The lock is the kernel's (flock): it goes with the process, also when the process is killed."""
    import fcntl

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / LOCK_FILE, "a+", encoding="ascii")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise BuildLocked(
                f"en anden build kører allerede i {data_dir} (proces {holder}); vent til den er færdig"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


@contextlib.contextmanager
def open_for_update(data_dir: str | Path, fresh: bool = False) -> Iterator[GraphStore]:
    """Yield a writable copy of the store in `data_dir`; swap it in only if the block succeeds.
    `fresh`: start from an empty store instead, when (nearly) every graph will be replaced anyway: removing
    5,000 graphs one by one from a copy takes longer than loading them all again."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    _recover(data_dir)
    live = data_dir / STORE_DIR
    work = data_dir / f"{STORE_DIR}.building-{os.getpid()}"
    for stale in data_dir.glob(f"{STORE_DIR}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left behind by a killed build
    if live.exists() and not fresh:
        ox.Store.read_only(str(live)).backup(str(work))  # hard links: cheap
    store = GraphStore(ox.Store(str(work)), work, started_empty=not live.exists() or fresh)
    try:
        yield store
        store.compact_in_background()  # loads since the last compaction: compacted now
        store.commit_staged()  # which waits for it
        store.ox.flush()
        store.stop_loading()
    except BaseException:
        store.stop_loading()
        del store.ox  # release the database before removing the copy
        shutil.rmtree(work, ignore_errors=True)
        raise
    del store.ox  # release the database lock before moving the folder
    old = data_dir / (STORE_DIR + ".old")
    if live.exists():
        os.replace(live, old)
    os.replace(work, live)
    shutil.rmtree(old, ignore_errors=True)
