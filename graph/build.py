"""`build`: registry + minutes -> named graphs in the store -> TriG / N-Quads exports.

The pipeline for one document is read -> segment -> extract -> link -> emit; this
module only wires the stages together, keeps the store in step with the input
(changed documents replaced, unchanged skipped, removed ones dropped) and reports.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .emit.registry import corrections_graph, registry_graph
from .link import Corrections, load_corrections
from .ontology import ontology_graph, ontology_turtle, shapes_graph
from .registry import Registry, load_registry
from .store import GraphStore, open_for_update, stored_hashes, to_quads
from .vocab import CORRECTIONS_GRAPH, GRAPH, ID, ONTOLOGY_GRAPH, REGISTRY_GRAPH, SG, document_graph, slug

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT_ROOT / "data"
DATA_ENV = "SUNDHEDSGRAF_DATA"  # the output/data folder (store, exports, maps)
DEFAULT_OUT = "sundhedsgraf-data"
MINUTE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


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
    dropped_node_graphs: list[str] = field(default_factory=list)  # shared-node graphs no document names any more

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


def find_minutes(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: given files as they are, folders searched for minutes."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MINUTE_SUFFIXES))
        else:
            found.append(path)
    return found


def _hash_texts(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _code_fingerprint() -> bytes:
    """The pipeline's own source: a new extractor rebuilds every document, an unchanged one skips them."""
    package = Path(__file__).resolve().parent
    return b"".join(p.read_bytes() for p in sorted(package.rglob("*.py")) + sorted(package.rglob("*.ttl")))


def _registry_fingerprint(folder: Path) -> bytes:
    return b"".join(p.name.encode() + p.read_bytes() for p in sorted(folder.glob("*.csv")))


@dataclass(frozen=True, eq=False)
class BuildContext:
    """The reference data every document is linked against."""

    registry: Registry
    corrections: Corrections


# The document pipeline: (path, raw bytes, document key, context) -> (triples, warnings).
DocumentBuilder = Callable[[Path, bytes, str, BuildContext], tuple[list[tuple], list[str]]]
CORRECTIONS_FILE = "corrections.toml"


def document_key(path: Path) -> str:
    """Documents are identified by file name, so a changed file replaces its own graph."""
    return slug(path.name)


def build(
    paths: Iterable[str | Path] | None = None,
    out_dir: str | Path | None = None,
    data_dir: str | Path = DEFAULT_DATA,
    document_builder: DocumentBuilder | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
) -> BuildReport:
    """Compile the registry and the minutes in `paths` (default: `data_dir/minutes`) into `out_dir`.
    `jobs` processes extract documents in parallel (default: one per core; small batches run in-process)."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir()
    report = BuildReport(out_dir=out_dir)
    registry_dir = data_dir / "reference"
    registry = load_registry(registry_dir)  # RegistryError stops the build before the store is touched
    corrections = load_corrections(data_dir / CORRECTIONS_FILE)  # so does a broken corrections file
    context = BuildContext(registry, corrections)

    minutes = find_minutes(paths if paths is not None else [data_dir / "minutes"])
    fingerprint = _hash_texts(__version__.encode(), _code_fingerprint(), _registry_fingerprint(registry_dir), corrections.raw)

    exports = ExportFiles(out_dir / EXPORT_DIR)
    hashes = stored_hashes(out_dir)
    # a new extractor, registry or corrections file makes every stored graph stale: rebuild from an empty store
    fresh = bool(hashes) and hashes.get(str(REGISTRY_GRAPH)) != fingerprint
    try:
        with open_for_update(out_dir, fresh=fresh) as store:
            report.registry_triples = store.replace_graph(REGISTRY_GRAPH, registry_graph(registry), fingerprint)
            store.replace_graph(ONTOLOGY_GRAPH, ontology_graph())
            store.replace_graph(CORRECTIONS_GRAPH, corrections_graph(corrections), fingerprint)
            if document_builder is not None:
                _build_documents(store, exports, minutes, context, fingerprint, document_builder, report, progress, jobs,
                                 hashes, out_dir if fresh else None)
            report.total_quads = store.record_count()
            report.type_counts = count_types(store)
            removed = [d.graph for d in report.documents if d.status == "removed" and d.graph] + report.dropped_node_graphs
            report.files = _export(store, out_dir, exports, removed + [str(REGISTRY_GRAPH), str(ONTOLOGY_GRAPH), str(CORRECTIONS_GRAPH)])
    except BaseException:
        exports.discard()
        raise
    exports.commit()  # the store is in place: its exports follow

    report.seconds = time.perf_counter() - started
    return report


PARALLEL_FROM = 24  # below this many changed documents a process pool costs more than it saves

_worker: tuple[DocumentBuilder, BuildContext] | None = None


def _init_worker(document_builder: DocumentBuilder, context: BuildContext) -> None:
    global _worker
    _worker = (document_builder, context)


def _run_one(task: tuple[Path, bytes, str, str]):
    """In a worker: the whole document pipeline, returned serialized as N-Quads (for the store and the export)
    and TriG (the export) per named graph: text crosses the process boundary far cheaper than quad objects."""
    path, raw, key, graph_iri = task
    document_builder, context = _worker
    try:
        result = document_builder(path, raw, key, context)
        triples, warnings = result[0], result[1]
        shared = result[2] if len(result) > 2 else {}
        graphs = [(graph_iri, triples)] + [(node_graph(_iri_value(s)), t) for s, t in shared.items()]
        return [_serialized(g, to_quads(t, g)) for g, t in graphs], warnings, None
    except Exception as exc:  # one bad file must not stop the batch, nor cost what is stored
        return None, [], str(exc) or type(exc).__name__


def _iri_value(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _serialized(graph_iri: str, quads: list[ox.Quad]) -> tuple[str, bytes, bytes, int]:
    quads = list(dict.fromkeys(quads))  # a graph is a set: the emitter may state a fact twice
    return (graph_iri, ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
            ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=EXPORT_PREFIXES), len(quads))


def node_graph(node_iri: str) -> str:
    """The graph that describes one shared node: …/id/person/anne-hansen -> …/graph/node/person-anne-hansen."""
    return str(GRAPH["node/" + slug(node_iri.removeprefix(str(ID)), max_len=200)])


def _build_documents(store, exports, minutes, context, fingerprint, document_builder, report, progress, jobs, hashes,
                     carry_from: Path | None) -> None:
    """`hashes`: what the stored graphs were built from; `carry_from`: the data folder whose store a fresh build
    replaces, from which a document that fails now keeps its previous graph."""
    previous = {g for g in hashes if g.startswith(str(GRAPH["doc/"]))}
    seen: dict[str, str] = {}
    todo: list[tuple[DocumentResult, tuple[Path, bytes, str, str], str]] = []
    for path in minutes:
        key = document_key(path)
        graph_iri = document_graph(key)
        result = DocumentResult(path=str(path), graph=str(graph_iri))
        report.documents.append(result)
        if str(graph_iri) in seen:
            result.status, result.error = "failed", f"samme dokumentnavn som {seen[str(graph_iri)]}; omdøb en af filerne"
            continue
        seen[str(graph_iri)] = str(path)  # also keeps the stored graph of a file that fails below
        try:
            raw = path.read_bytes()
        except OSError as exc:
            result.status, result.error = "failed", f"kan ikke læses: {exc.strerror or exc}"
            continue
        content_hash = _hash_texts(fingerprint.encode(), raw)
        if hashes.get(str(graph_iri)) == content_hash:
            result.status = "unchanged"
            continue
        todo.append((result, (path, raw, key, str(graph_iri)), content_hash))

    jobs = jobs or os.cpu_count() or 1
    tasks = [task for _, task, _ in todo]
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        pool = concurrent.futures.ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(document_builder, context))
        outcomes = pool.map(_run_one, tasks, chunksize=8)
    else:
        pool = None
        _init_worker(document_builder, context)
        outcomes = map(_run_one, tasks)
    written_nodes: set[str] = set()
    named_before: set[str] = set()  # shared nodes the replaced and removed graphs named: candidates for removal
    gone = sorted(previous - set(seen))
    kinds = _shared_kinds(store) if todo or gone else ()  # lists every graph: not when nothing changed
    try:
        for (result, (path, _raw, _key, graph_iri), content_hash), (built, warnings, error) in zip(todo, outcomes):
            if progress:
                progress(str(path))
            if error is not None:
                result.status, result.error = "failed", error
                if carry_from is not None:
                    _carry_over(store, carry_from, graph_iri, hashes.get(graph_iri))
                continue
            (_, nquads, trig, count), *nodes = built
            result.warnings = warnings
            named_before.update(_named_nodes(store, graph_iri, kinds))
            result.triples = store.stage_nquads(graph_iri, nquads, count, content_hash)
            exports.write(graph_iri, nquads, trig)
            for node_graph_iri, node_nquads, node_trig, node_count in nodes:
                if node_graph_iri not in written_nodes:  # the first document (in file order) describes the node
                    written_nodes.add(node_graph_iri)
                    store.stage_nquads(node_graph_iri, node_nquads, node_count)
                    exports.write(node_graph_iri, node_nquads, node_trig)
                    report.node_graphs.append(node_graph_iri)
            result.status = "built"
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    store.commit_staged()
    for graph in gone:
        named_before.update(_named_nodes(store, graph, kinds))
        store.remove_graph(graph)
        report.documents.append(DocumentResult(path=graph, graph=graph, status="removed"))
    report.dropped_node_graphs = _drop_unnamed_nodes(store, named_before - written_nodes)


def _named_nodes(store: GraphStore, graph_iri: str, kinds: tuple[str, ...]) -> set[str]:
    """The graphs of the shared nodes a stored graph names (as subject or object); `kinds`: the id prefixes
    shared nodes have ("person/", "case/" ...), so that a meeting's items and quotes are not looked at."""
    iris = set()
    for quad in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(kinds) and "#" not in term.value:
                iris.add(term.value)
    return {node_graph(iri) for iri in iris}


def _shared_kinds(store: GraphStore) -> tuple[str, ...]:
    """The id prefixes of the shared nodes in the store, from their graphs' names (…/graph/node/person-x -> …/id/person/)."""
    prefix = str(GRAPH["node/"])
    return tuple({str(ID) + g.removeprefix(prefix).split("-", 1)[0] + "/" for g in store.named_graphs() if g.startswith(prefix)})


def _drop_unnamed_nodes(store: GraphStore, node_graphs: set[str]) -> list[str]:
    """Remove the description of every shared node in `node_graphs` that no document names any more (its last
    document was removed or no longer mentions it): a person who left every forum should not linger in the maps."""
    present = {g for g in node_graphs if store.ox.contains_named_graph(ox.NamedNode(g))}
    dropped = []
    for graph in sorted(present):
        node = next(iter(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))).subject
        if not any(_in_document(q) for q in store.ox.quads_for_pattern(None, None, node, None)) and \
                not any(_in_document(q) for q in store.ox.quads_for_pattern(node, None, None, None)):
            store.remove_graph(graph)
            dropped.append(graph)
    return dropped


def _in_document(quad: ox.Quad) -> bool:
    return isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(str(GRAPH["doc/"]))


def _carry_over(store: GraphStore, data_dir: Path, graph_iri: str, content_hash: str | None) -> None:
    """Into a fresh store: a failed document's graph as the previous build left it."""
    if content_hash is None:
        return
    previous = GraphStore.open_read_only(data_dir)
    quads = list(previous.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))
    store.stage_nquads(graph_iri, ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(quads), content_hash)


def count_types(store: GraphStore) -> dict[str, int]:
    query = """
        SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
          GRAPH ?g { ?s a ?type }
          FILTER(?g != <%s>)
        } GROUP BY ?type ORDER BY DESC(?n)
    """ % ONTOLOGY_GRAPH
    return {row["type"].value: int(row["n"].value) for row in store.query(query)}


EXPORT_DIR = "export"


def export_name(graph_iri: str) -> str:
    """…/graph/doc/002-x-txt -> doc-002-x-txt: one file name per named graph."""
    return slug(graph_iri.removeprefix(str(GRAPH)))


EXPORT_PREFIXES = {"sg": str(SG), "sgid": str(ID), "prov": "http://www.w3.org/ns/prov#"}
PENDING = ".pending"


class ExportFiles:
    """The export folder, written as the build goes: each file first under a pending name beside its final
    one, all renamed into place once the store is committed, or removed if the build fails."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*" + PENDING):  # left behind by a killed build
            stale.unlink(missing_ok=True)
        self.pending: dict[Path, Path] = {}

    def path(self, graph_iri: str, suffix: str) -> Path:
        return self.folder / (export_name(graph_iri) + suffix)

    def write(self, graph_iri: str, nquads: bytes, trig: bytes) -> None:
        for suffix, data in ((".nq", nquads), (".trig", trig)):
            final = self.path(graph_iri, suffix)
            pending = final.with_name(final.name + PENDING)
            pending.write_bytes(data)
            self.pending[final] = pending

    def commit(self) -> None:
        for final, pending in self.pending.items():
            os.replace(pending, final)
        self.pending.clear()

    def discard(self) -> None:
        for pending in self.pending.values():
            pending.unlink(missing_ok=True)
        self.pending.clear()


def _export(store: GraphStore, out_dir: Path, exports: ExportFiles, graphs: list[str]) -> dict[str, Path]:
    """One TriG and one N-Quads file per named graph in export/; documents and shared nodes were written as
    they were built, here come the reference graphs and the removals (a file per graph keeps a weekly
    one-document update from rewriting the whole dataset); `cat export/*.nq` is the whole dataset."""
    present = set(store.named_graphs())
    for graph in sorted(set(graphs)):
        if graph in present:
            quads = list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
            exports.write(graph, *_serialized(graph, quads)[1:3])
        else:
            for suffix in (".trig", ".nq"):
                exports.path(graph, suffix).unlink(missing_ok=True)  # a removed document takes its export with it
    _write_atomic(out_dir / "ontology.ttl", ontology_turtle())
    _write_atomic(out_dir / "shapes.ttl", shapes_graph().serialize(format="turtle"))
    return {"export": exports.folder, "ontology": out_dir / "ontology.ttl", "shapes": out_dir / "shapes.ttl"}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
