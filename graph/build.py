"""`build`: registry + minutes -> named graphs in the store -> TriG / N-Quads exports.

The pipeline for one document is read -> segment -> extract -> link -> emit; this
module only wires the stages together, keeps the store in step with the input
(changed documents replaced, unchanged skipped, removed ones dropped) and reports.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .emit.registry import corrections_graph, registry_graph
from .link import Corrections, load_corrections
from .ontology import ontology_graph, ontology_turtle, shapes_graph
from .read import ReadError, check_size, display_path, document_key, read_bytes
from .registry import Registry, load_registry
from .resources import CHECKOUT_DATA, reference_dir
from .store import META_GRAPH, GraphStore, build_lock, open_for_update, rdf_bytes, search, stored_state, to_quads
from .store.summary import SUMMARY_GRAPH, Contributions, contributions, update_case_states, update_corpus_summary
from .vocab import CORRECTIONS_GRAPH, GRAPH, ID, ONTOLOGY_GRAPH, REGISTRY_GRAPH, SG, document_graph, slug
from .workers import Limits, TaskFailed, run_limited

DEFAULT_DATA = CHECKOUT_DATA  # reference/, minutes/ and corrections.toml of the checkout (not in a wheel)
DATA_ENV = "SUNDHEDSGRAF_DATA"  # the output/data folder (store, exports, maps)
DEFAULT_OUT = "sundhedsgraf-data"
MINUTE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".json")


def reference_folder(data_dir: str | Path | None = None) -> Path:
    """The reference registry: `data_dir/reference` when the user's data folder has one, else the one shipped with
    the tool (graph.resources)."""
    if data_dir is not None and (Path(data_dir) / "reference").is_dir():
        return Path(data_dir) / "reference"
    return reference_dir()


def default_out_dir() -> Path:
    return Path(os.environ.get(DATA_ENV, DEFAULT_OUT))


@dataclass
class DocumentResult:
    path: str
    graph: str | None = None
    status: str = "pending"  # built | unchanged | failed | removed
    triples: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    out_dir: Path
    documents: list[DocumentResult] = field(default_factory=list)
    registry_triples: int = 0
    total_quads: int = 0
    type_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    files: dict[str, Path] = field(default_factory=dict)
    node_graphs: list[str] = field(default_factory=list)  # shared-node graphs written by this build
    dropped_node_graphs: list[str] = field(default_factory=list)  # shared-node graphs no document describes any more
    repaired_exports: bool = False  # the exports were out of step with the store and were written again

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


def find_minutes(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: given files as they are, folders searched for minutes (hidden files and folders, such as
    harvest's state file, are not minutes)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in MINUTE_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return found


def _hash_texts(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def hash_file(path: Path) -> bytes:
    """The SHA-256 of the file's bytes, read in chunks after the size check, so that a batch of large files is
    never held in memory."""
    check_size(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise ReadError(path, f"kan ikke læses ({exc.strerror or exc})") from exc
    return digest.digest()


# What decides the content of a document's graph: the stages from reading to emitting, their data (lexicon,
# layout profiles, ontology) and how a build lays the graphs out. A change elsewhere (maps, named questions,
# serve, push, harvest, the command line) does not make the stored graphs stale.
CONTENT_STAGES = (
    "read",
    "segment",
    "extract",
    "lexicon",
    "profiles",
    "link",
    "emit",
    "registry",
    "ontology",
    "vocab.py",
    "danish.py",
    "span.py",
    "pipeline.py",
    "build.py",
    "store/summary.py",
)


def _code_fingerprint() -> bytes:
    """The content stages' own source: a new extractor rebuilds every document, a new map does not."""
    package = Path(__file__).resolve().parent
    files: list[Path] = []
    for stage in CONTENT_STAGES:
        path = package / stage
        files.extend(
            [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".py", ".ttl", ".toml"))
        )
    return b"".join(p.relative_to(package).as_posix().encode() + p.read_bytes() for p in files)


def _registry_fingerprint(folder: Path) -> bytes:
    return b"".join(p.name.encode() + p.read_bytes() for p in sorted(folder.glob("*.csv")))


@dataclass(frozen=True, eq=False)
class BuildContext:
    """The reference data every document is linked against."""

    registry: Registry
    corrections: Corrections


# The document pipeline (graph.pipeline.build_document): (path, raw bytes, document key, context) -> (triples,
# warnings, the descriptions of the shared nodes it names: node -> triples).
DocumentOutput = tuple[list[tuple], list[str], dict[ox.NamedNode, list[tuple]]]
DocumentBuilder = Callable[[Path, bytes, str, BuildContext], DocumentOutput]
CORRECTIONS_FILE = "corrections.toml"


def build(
    paths: Iterable[str | Path] | None = None,
    out_dir: str | Path | None = None,
    data_dir: str | Path = DEFAULT_DATA,
    document_builder: DocumentBuilder | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
) -> BuildReport:
    """Compile the registry and the minutes in `paths` (default: `data_dir/minutes`) into `out_dir`.
    `jobs` processes extract documents in parallel (default: one per core; small batches use one), each
    document within `limits` (time and memory; see graph.workers)."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    report = BuildReport(out_dir=out_dir)
    registry_dir = reference_folder(data_dir)
    registry = load_registry(registry_dir)  # RegistryError stops the build before the store is touched
    corrections = load_corrections(data_dir / CORRECTIONS_FILE)  # so does a broken corrections file
    context = BuildContext(registry, corrections)

    # without paths: the data folder's minutes (the checkout's samples), none when there are none (a wheel)
    minutes = find_minutes(paths if paths is not None else [p for p in [data_dir / "minutes"] if p.is_dir()])
    fingerprint = _hash_texts(
        __version__.encode(), _code_fingerprint(), _registry_fingerprint(registry_dir), corrections.raw
    )

    with build_lock(out_dir):  # one build at a time in a data folder
        exports = ExportFiles(out_dir / EXPORT_DIR)
        hashes, stored_build = stored_state(out_dir)
        # a new extractor, registry or corrections file makes every stored graph stale: rebuild from an empty store
        fresh = bool(hashes) and hashes.get(str(REGISTRY_GRAPH)) != fingerprint
        # exports that another build left unfinished (killed after the store's swap) are written again from the store
        report.repaired_exports = repair = bool(hashes) and (stored_build is None or exports.build_id() != stored_build)
        build_id = uuid.uuid4().hex
        index: search.PendingIndex | None = None
        try:
            # the same fingerprint: the registry, corrections and ontology graphs are as stored (they come from
            # the registry, the corrections file and the content stages' code), and are not written again
            reference_unchanged = bool(hashes) and hashes.get(str(REGISTRY_GRAPH)) == fingerprint
            with open_for_update(out_dir, fresh=fresh) as store:
                if reference_unchanged:
                    report.registry_triples = store.graph_size(str(REGISTRY_GRAPH))
                else:
                    report.registry_triples = store.replace_graph(REGISTRY_GRAPH, registry_graph(registry), fingerprint)
                    store.replace_graph(ONTOLOGY_GRAPH, ontology_graph())
                    store.replace_graph(CORRECTIONS_GRAPH, corrections_graph(corrections), fingerprint)
                states: list[str] = []
                before = Contributions()  # what the documents this build replaces or removes brought to the totals
                affected: set[str] = set()
                texts: dict[str, list[tuple[str, str]]] = {}  # graph -> its index texts, as the workers sent them
                if document_builder is not None:
                    affected = _build_documents(
                        store,
                        exports,
                        minutes,
                        context,
                        fingerprint,
                        document_builder,
                        report,
                        progress,
                        jobs,
                        hashes,
                        out_dir if fresh else None,
                        limits or Limits(),
                        before,
                        texts,
                    )
                store.compact_in_background()  # the documents are loaded: what follows changes little
                removed = [
                    d.graph for d in report.documents if d.status == "removed" and d.graph
                ] + report.dropped_node_graphs
                reference = (
                    [] if reference_unchanged else [str(REGISTRY_GRAPH), str(ONTOLOGY_GRAPH), str(CORRECTIONS_GRAPH)]
                )
                changed = (
                    [d.graph for d in report.documents if d.status == "built" and d.graph]
                    + report.node_graphs
                    + reference
                )
                # the text index needs only the graphs written by now (documents, nodes, reference), and mostly the
                # texts the workers sent: it is written in a thread while the case states, totals and exports are
                # worked out (SQLite lets go of the GIL)
                rebuild_index = (
                    fresh
                    or repair
                    or search.index_build_id(out_dir) != stored_build
                    or search.must_rebuild(out_dir, len(changed), len(removed))
                )
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="text-index") as indexer:
                    indexing = indexer.submit(
                        search.prepare,
                        out_dir,
                        store,
                        changed,
                        removed,
                        build_id,
                        rebuild=rebuild_index,
                        known=texts,
                        every_graph=store.named_graphs() if rebuild_index else None,
                    )
                    try:
                        if document_builder is not None:
                            written, dropped = update_case_states(store, affected)  # where each touched case waits
                            states = written + dropped + _update_totals(store, report, before, fresh)
                        store.set_build_id(build_id)
                        report.total_quads = store.record_count()
                        report.type_counts = count_types(store)
                        report.files = _export(store, out_dir, exports, removed + reference + states, repair)
                        index = indexing.result()
                    except BaseException:
                        # neither the store nor the index is kept: the index is discarded once it is ready (the pool
                        # waits for it on leaving the block), also when a second interrupt stops a wait here
                        indexing.add_done_callback(_discard_index)
                        raise
        except BaseException:
            exports.discard()
            if index is not None:
                index.discard()
            search.discard(out_dir)
            raise
        try:
            exports.commit(build_id)  # the store is in place: its exports follow, BUILD last
        except BaseException:
            index.discard()  # the next build finds exports and index from another build, and writes them again
            raise
        index.commit()  # and the text index (a kill before this: the next build writes it again)

    report.seconds = time.perf_counter() - started
    return report


def _discard_index(indexing: Future[search.PendingIndex]) -> None:
    if not indexing.cancelled() and indexing.exception() is None:
        indexing.result().discard()


PARALLEL_FROM = 24  # below this many changed documents more than one worker costs more than it saves

_worker: tuple[DocumentBuilder, BuildContext] | None = None  # set before the workers fork: they inherit it


def _init_worker(document_builder: DocumentBuilder, context: BuildContext) -> None:
    global _worker
    _worker = (document_builder, context)


def _run_one(task: tuple[Path, str, str]):
    """In a worker: read the file and run the whole document pipeline, returned serialized as N-Quads (for the
    store and the export) and TriG (the export) per named graph: text crosses the process boundary far cheaper
    than quad objects. The file is read here, not in the parent, so that a batch never holds all its files."""
    path, key, graph_iri = task
    assert _worker is not None
    document_builder, context = _worker
    try:
        raw = read_bytes(path)
        result = document_builder(path, raw, key, context)
    except MemoryError:
        raise
    except Exception as exc:  # one bad file must not stop the batch, nor cost what is stored
        raise TaskFailed(str(exc) or type(exc).__name__) from exc
    triples, warnings = result[0], result[1]
    shared = result[2] if len(result) > 2 else {}  # a builder that names no shared nodes may return two values
    graphs = [(graph_iri, triples)] + [(node_graph(_iri_value(s)), t) for s, t in shared.items()]
    return [_serialized(g, to_quads(t, g), texts=True) for g, t in graphs], warnings


def _iri_value(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


@dataclass(frozen=True)
class SerializedGraph:
    """One named graph as a worker sends it: N-Quads (for the store and the export), TriG (the export), the number
    of quads and, for the text index, its indexed texts (node, lower-cased text; None: not worked out)."""

    graph: str
    nquads: bytes
    trig: bytes
    count: int
    texts: list[tuple[str, str]] | None = None


def _serialized(graph_iri: str, quads: list[ox.Quad], texts: bool = False) -> SerializedGraph:
    quads = list(dict.fromkeys(quads))  # a graph is a set: the emitter may state a fact twice
    return SerializedGraph(
        graph_iri,
        rdf_bytes(quads, ox.RdfFormat.N_QUADS),
        rdf_bytes(quads, ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES),
        len(quads),
        search.index_texts(quads) if texts else None,
    )


def _store_graph(
    store: GraphStore,
    exports: ExportFiles,
    graph: SerializedGraph,
    texts: dict[str, list[tuple[str, str]]],
    content_hash: str | None = None,
) -> int:
    """Stage one graph in the store and the export, and keep its index texts for the text index."""
    count = store.stage_nquads(graph.graph, graph.nquads, graph.count, content_hash)
    exports.write(graph.graph, graph.nquads, graph.trig)
    if graph.texts is not None:
        texts[graph.graph] = graph.texts
    return count


def node_graph(node_iri: str) -> str:
    """The graph that describes one shared node: …/id/person/anne-hansen -> …/graph/node/person-anne-hansen."""
    return str(GRAPH["node/" + slug(node_iri.removeprefix(str(ID)), max_len=200)])


def _build_documents(
    store,
    exports,
    minutes,
    context,
    fingerprint,
    document_builder,
    report,
    progress,
    jobs,
    hashes,
    carry_from: Path | None,
    limits: Limits,
    before: Contributions,
    texts: dict[str, list[tuple[str, str]]],
) -> set[str]:
    """`hashes`: what the stored graphs were built from; `carry_from`: the data folder whose store a fresh build
    replaces, from which a document that fails now keeps its previous graph; `before` collects what the replaced
    and removed documents had added to the corpus totals, `texts` the index texts of the graphs written (graph ->
    texts). Returns the shared-node graphs whose documents changed."""
    previous = {g for g in hashes if g.startswith(str(GRAPH["doc/"]))}
    seen, todo = _changed_documents(minutes, fingerprint, hashes, report)

    jobs = jobs or os.cpu_count() or 1
    _init_worker(document_builder, context)
    outcomes = run_limited(_run_one, [task for _, task, _ in todo], jobs if len(todo) >= PARALLEL_FROM else 1, limits)
    gone = sorted(previous - set(seen))
    described_before = store.described_nodes() if todo or gone else {}
    described = dict(described_before)  # document graph -> the node graphs it describes, after this build
    offers: dict[str, tuple[str, SerializedGraph]] = {}  # node graph -> its first rebuilt describer and description
    affected: set[str] = set()  # node graphs whose describer may have changed
    built_now: list[str] = []
    for (result, (path, _key, graph_iri), content_hash), (ok, outcome) in zip(todo, outcomes, strict=True):
        if progress:
            progress(display_path(path))
        if not ok:
            result.status, result.error = "failed", outcome
            if carry_from is not None:
                described[graph_iri] = _carry_over(store, carry_from, graph_iri, hashes.get(graph_iri))
                affected |= described[graph_iri]
            continue
        built, warnings = outcome
        document, *nodes = built
        result.warnings = warnings
        if store.may_hold(graph_iri):
            before += contributions(store, [graph_iri])  # the old version's, before it is replaced
        result.triples = _store_graph(store, exports, document, texts, content_hash)
        mine = {node.graph for node in nodes}
        affected |= described.get(graph_iri, set()) | mine
        described[graph_iri] = mine
        built_now.append(graph_iri)
        for node in nodes:
            if node.graph not in offers or graph_iri < offers[node.graph][0]:
                offers[node.graph] = (graph_iri, node)
        result.status = "built"
    store.commit_staged()
    for graph in gone:
        affected |= described.pop(graph, set())
        before += contributions(store, [graph])
        store.remove_graph(graph)
        report.documents.append(DocumentResult(path=graph, graph=graph, status="removed"))
    for graph in built_now:
        store.set_described_nodes(graph, described[graph])
    refetch = _settle_nodes(store, exports, report, affected, described, described_before, offers, texts)
    if refetch:  # a node whose first describer is a document not rebuilt now: take its description from it
        _refetch_nodes(store, exports, report, refetch, seen, limits, texts)
    return affected


def _update_totals(store: GraphStore, report: BuildReport, before: Contributions, fresh: bool) -> list[str]:
    """The corpus totals: what the changed documents bring now in place of what they brought, or, in a fresh
    store or one without totals yet, summed over every document."""
    if fresh or not store.ox.contains_named_graph(ox.NamedNode(SUMMARY_GRAPH)):
        documents = [g for g in store.named_graphs() if g.startswith(str(GRAPH["doc/"]))]
        return [update_corpus_summary(store, None, contributions(store, documents))]
    changed = [d.graph for d in report.documents if d.status == "built" and d.graph]
    if not changed and not any(d.status == "removed" for d in report.documents):
        return []
    return [update_corpus_summary(store, before, contributions(store, changed))]


def _changed_documents(
    minutes: list[Path],
    fingerprint: str,
    hashes: dict[str, str],
    report: BuildReport,
) -> tuple[dict[str, str], list[tuple[DocumentResult, tuple[Path, str, str], str]]]:
    """A result per file in `report`; returns the document graphs seen (graph -> file) and the files to build
    (result, task, content hash): not the ones whose stored graph was built from the same content, nor the ones
    that fail before (a name twice, a file that cannot be read)."""
    seen: dict[str, str] = {}
    todo: list[tuple[DocumentResult, tuple[Path, str, str], str]] = []
    for path in minutes:
        key = document_key(path)
        graph_iri = document_graph(key)
        result = DocumentResult(path=display_path(path), graph=str(graph_iri))
        report.documents.append(result)
        if str(graph_iri) in seen:
            result.status, result.error = (
                "failed",
                f"samme dokumentnavn som {seen[str(graph_iri)]}; omdøb en af filerne",
            )
            continue
        seen[str(graph_iri)] = str(path)  # also keeps the stored graph of a file that fails below
        try:
            file_hash = hash_file(path)
        except ReadError as exc:
            result.status, result.error = "failed", exc.reason
            continue
        content_hash = _hash_texts(fingerprint.encode(), file_hash)
        if hashes.get(str(graph_iri)) == content_hash:
            result.status = "unchanged"
            continue
        todo.append((result, (path, key, str(graph_iri)), content_hash))
    return seen, todo


def _refetch_nodes(
    store: GraphStore,
    exports: ExportFiles,
    report: BuildReport,
    refetch: dict[str, set[str]],
    seen: dict[str, str],
    limits: Limits,
    texts: dict[str, list[tuple[str, str]]],
) -> None:
    """Build the unchanged documents in `refetch` again for the descriptions of the shared nodes they are now the
    first describer of (document -> node graphs), and store those."""
    tasks = [(Path(seen[doc]), document_key(Path(seen[doc])), doc) for doc in refetch]
    for wanted, (ok, outcome) in zip(refetch.values(), run_limited(_run_one, tasks, 1, limits), strict=True):
        for node in outcome[0][1:] if ok else []:
            if node.graph in wanted:
                _store_graph(store, exports, node, texts)
                report.node_graphs.append(node.graph)
    store.commit_staged()


def _settle_nodes(
    store: GraphStore,
    exports: ExportFiles,
    report: BuildReport,
    affected: set[str],
    described: dict[str, set[str]],
    described_before: dict[str, set[str]],
    offers: dict[str, tuple[str, SerializedGraph]],
    texts: dict[str, list[tuple[str, str]]],
) -> dict[str, set[str]]:
    """A shared node (a person, a local forum, an initiative) is described once, in a graph of its own, by the
    first of the documents that describe it, in the order of their graphs' names: an order that does not depend
    on which documents a build happens to rebuild, so an incremental build writes what a clean one would. For
    every node whose describers changed: write the first describer's description, keep the graph if its
    describer is the same unchanged document as before, drop it if no document describes it any more (a person
    who left every forum does not linger in the maps). Returns the unchanged documents whose description is
    needed (document -> node graphs)."""

    def first(index: dict[str, set[str]]) -> dict[str, str]:
        winners: dict[str, str] = {}
        for doc, nodes in index.items():
            for node in nodes & affected:
                if node not in winners or doc < winners[node]:
                    winners[node] = doc
        return winners

    now, before = first(described), first(described_before)
    refetch: dict[str, set[str]] = {}
    for node in sorted(affected):
        describer = now.get(node)
        if describer is None:
            if store.ox.contains_named_graph(ox.NamedNode(node)):
                store.remove_graph(node)
                report.dropped_node_graphs.append(node)
        elif node in offers and offers[node][0] == describer:
            _store_graph(store, exports, offers[node][1], texts)
            report.node_graphs.append(node)
        elif before.get(node) != describer:
            refetch.setdefault(describer, set()).add(node)
    store.commit_staged()
    return refetch


def _carry_over(store: GraphStore, data_dir: Path, graph_iri: str, content_hash: str | None) -> set[str]:
    """Into a fresh store: a failed document's graph as the previous build left it, with the descriptions of
    the shared nodes it described there (they are not rebuilt); returns those nodes' graphs."""
    if content_hash is None:
        return set()
    previous = GraphStore.open_read_only(data_dir)
    quads = list(previous.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))
    store.stage_nquads(graph_iri, rdf_bytes(quads, ox.RdfFormat.N_QUADS), len(quads), content_hash)
    nodes = previous.described_nodes().get(graph_iri, set())
    for node in nodes:
        if not store.ox.contains_named_graph(ox.NamedNode(node)):
            node_quads = list(previous.ox.quads_for_pattern(None, None, None, ox.NamedNode(node)))
            store.stage_nquads(node, rdf_bytes(node_quads, ox.RdfFormat.N_QUADS), len(node_quads))
    store.commit_staged()
    store.set_described_nodes(graph_iri, nodes)
    return nodes


def count_types(store: GraphStore) -> dict[str, int]:
    query = f"""
        SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          GRAPH ?g {{ ?s a ?type }}
          FILTER(?g != <{ONTOLOGY_GRAPH}>)
        }} GROUP BY ?type ORDER BY DESC(?n)
    """
    return {row["type"].value: int(row["n"].value) for row in store.query(query)}


EXPORT_DIR = "export"


def export_name(graph_iri: str) -> str:
    """…/graph/doc/002-x-txt -> doc-002-x-txt: one file name per named graph."""
    return slug(graph_iri.removeprefix(str(GRAPH)))


EXPORT_PREFIXES = {"sg": str(SG), "sgid": str(ID), "prov": "http://www.w3.org/ns/prov#"}
PENDING = ".pending"


BUILD_FILE = "BUILD"  # in export/: the id of the build the files come from, written last


class ExportFiles:
    """The export folder, written as the build goes: each file first under a pending name beside its final
    one; once the store is committed, all are renamed into place, removals carried out, and the build's id
    written to BUILD. A build that fails changes nothing here. A build killed between the store's swap and the
    end of that leaves BUILD naming an older build than the store: the next build sees it and writes every
    export again from the store (`repair`)."""

    def __init__(self, folder: Path, writing: bool = True):
        self.folder = folder
        if writing:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob("*" + PENDING):  # left behind by a killed build
                stale.unlink(missing_ok=True)
        self.pending: dict[Path, Path] = {}
        self.removed: set[Path] = set()

    def path(self, graph_iri: str, suffix: str) -> Path:
        return self.folder / (export_name(graph_iri) + suffix)

    def build_id(self) -> str | None:
        try:
            return (self.folder / BUILD_FILE).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def write(self, graph_iri: str, nquads: bytes, trig: bytes) -> None:
        for suffix, data in ((".nq", nquads), (".trig", trig)):
            final = self.path(graph_iri, suffix)
            pending = final.with_name(final.name + PENDING)
            pending.write_bytes(data)
            self.pending[final] = pending
            self.removed.discard(final)

    def remove(self, graph_iri: str) -> None:
        for suffix in (".nq", ".trig"):
            final = self.path(graph_iri, suffix)
            pending = self.pending.pop(final, None)
            if pending is not None:
                pending.unlink(missing_ok=True)
            self.removed.add(final)

    def files(self) -> set[Path]:
        return {p for p in self.folder.iterdir() if p.suffix in (".nq", ".trig")}

    def commit(self, build_id: str) -> None:
        for final, pending in self.pending.items():
            os.replace(pending, final)
        for final in self.removed:
            final.unlink(missing_ok=True)
        self.pending.clear()
        self.removed.clear()
        _write_atomic(self.folder / BUILD_FILE, build_id + "\n")

    def discard(self) -> None:
        for pending in self.pending.values():
            pending.unlink(missing_ok=True)
        self.pending.clear()
        self.removed.clear()


def _export(store: GraphStore, out_dir: Path, exports: ExportFiles, graphs: list[str], repair: bool) -> dict[str, Path]:
    """One TriG and one N-Quads file per named graph in export/; documents and shared nodes were written as
    they were built, here come the reference graphs and the removals (a file per graph keeps a weekly
    one-document update from rewriting the whole dataset); `cat export/*.nq` is the whole dataset.
    `repair`: the exports are not known to match the store: write every graph and remove every other file."""
    if repair:
        present = set(store.named_graphs()) - {str(META_GRAPH)}
        expected = {exports.path(g, suffix) for g in present for suffix in (".nq", ".trig")}
        for stray in exports.files() - expected:
            stray.unlink(missing_ok=True)
        written = {final for final in exports.pending}
        graphs = [g for g in present if exports.path(g, ".nq") not in written] + list(graphs)
    for graph in sorted(set(graphs)):
        if graph != str(META_GRAPH) and store.ox.contains_named_graph(ox.NamedNode(graph)):
            quads = list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
            serialized = _serialized(graph, quads)
            exports.write(graph, serialized.nquads, serialized.trig)
        else:
            exports.remove(graph)  # a removed document takes its export with it (once the build succeeds)
    _write_atomic(out_dir / "ontology.ttl", ontology_turtle())
    _write_atomic(out_dir / "shapes.ttl", shapes_graph().serialize(format="turtle"))
    return {"export": exports.folder, "ontology": out_dir / "ontology.ttl", "shapes": out_dir / "shapes.ttl"}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
