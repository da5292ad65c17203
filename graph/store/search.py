"""A full-text index beside the store, for the named questions' text parameters.

`CONTAINS(LCASE(?text), "klyngemidler")` makes the engine read every decision's text; at national scale that is
seconds. The index is SQLite FTS5 with the trigram tokenizer (any substring of three or more characters, so a
match means what CONTAINS means), over the lower-cased values of the properties that carry the minutes' words:
decisions' and recommendations' text (prov:value), titles (dct:title) and names (skos labels, foaf:name); the
names also let a node parameter given by name be found without reading every label.

The query layer asks the index for the nodes whose text contains the term and gives them to the SPARQL as
VALUES; the question keeps its own FILTER, so the answers are exactly those without the index (the index only
narrows where the engine looks). The build keeps the index in step with the store: the graphs a build changed
are re-indexed in a copy that is renamed into place with the store, and the index carries the build's id, so an
index from another build is not used (and the next build writes it again).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

SEARCH_FILE = "search.sqlite"
PENDING = ".pending"
INDEXED = (
    "http://www.w3.org/ns/prov#value",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#hiddenLabel",
    "http://xmlns.com/foaf/0.1/name",
)
MIN_TERM = 3  # the trigram tokenizer needs three characters; shorter terms are looked up by a scan


def _schema(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5("
        "node UNINDEXED, graph UNINDEXED, text, tokenize = 'trigram', detail = none)"
    )
    # the rows of each graph: an FTS5 column cannot be indexed, and finding a graph's rows by scanning every text
    # took 0.1 s per changed graph at 5,000 documents
    db.execute("CREATE TABLE IF NOT EXISTS rows_of_graph (id INTEGER PRIMARY KEY, graph TEXT NOT NULL)")


Row = tuple[str, str, str]  # (node, graph, lower-cased text)
CHUNK = 20_000


def _insert(db: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """Add `rows` to the index, each with a row id that rows_of_graph records under its graph."""
    (last,) = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM texts").fetchone()
    chunk: list[tuple[int, str, str, str]] = []
    for row in rows:
        last += 1
        chunk.append((last, *row))
        if len(chunk) >= CHUNK:
            _insert_chunk(db, chunk)
            chunk = []
    _insert_chunk(db, chunk)


# SQLite's JSON functions are built in from 3.38 (before, an extension most builds include but need not)
JSON_BUILT_IN = sqlite3.sqlite_version_info >= (3, 38, 0)


def _insert_chunk(db: sqlite3.Connection, chunk: list[tuple[int, str, str, str]]) -> None:
    if not JSON_BUILT_IN:
        db.executemany("INSERT INTO texts (rowid, node, graph, text) VALUES (?, ?, ?, ?)", chunk)
        db.executemany("INSERT INTO rows_of_graph (id, graph) VALUES (?, ?)", [(r[0], r[2]) for r in chunk])
        return
    # one statement per chunk, its rows as one JSON array: a build writes the index in a thread beside its main
    # work, and a statement per row waited for the GIL after every row (8 -> 14 s at 5,000 documents)
    rows = json.dumps(chunk, ensure_ascii=False)
    db.execute(
        "INSERT INTO texts (rowid, node, graph, text) SELECT json_extract(value, '$[0]'), "
        "json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?)",
        (rows,),
    )
    db.execute(
        "INSERT INTO rows_of_graph (id, graph) SELECT json_extract(value, '$[0]'), json_extract(value, '$[2]') "
        "FROM json_each(?)",
        (rows,),
    )


def _row(quad: ox.Quad) -> Row | None:
    if isinstance(quad.object, ox.Literal) and isinstance(quad.subject, ox.NamedNode):
        if isinstance(quad.graph_name, ox.NamedNode):
            return quad.subject.value, quad.graph_name.value, _indexed(quad.object.value)
    return None


_INDEXED_SET = frozenset(INDEXED)


def _indexed(text: str) -> str:
    """A text as the index holds it: lower-cased, a NUL as a space (SQLite would end the text there, and the words
    after it could not be found)."""
    return text.lower().replace("\x00", " ")


def index_texts(quads: Iterable[ox.Quad]) -> list[tuple[str, str]]:
    """The indexed texts among one graph's quads, (node, lower-cased text): what a build's worker sends with the
    graph, so that the index need not read them back from the store."""
    return [
        (quad.subject.value, _indexed(quad.object.value))
        for quad in quads
        if quad.predicate.value in _INDEXED_SET
        and isinstance(quad.object, ox.Literal)
        and isinstance(quad.subject, ox.NamedNode)
    ]


def _rows_of(store, graphs: Iterable[str], known: dict[str, list[tuple[str, str]]]) -> Iterator[Row]:
    """The indexed texts of `graphs`: from `known` (graph -> texts) where it has them, else from the store."""
    unknown = []
    for graph in graphs:
        if graph in known:
            yield from ((node, graph, text) for node, text in known[graph])
        else:
            unknown.append(graph)
    yield from _rows(store, unknown)


def _rows(store, graphs: Iterable[str] | None) -> Iterator[Row]:
    """The indexed texts of `graphs`, or of every named graph (one pass per property)."""
    patterns: list[tuple[ox.NamedNode, ox.NamedNode | None]]
    if graphs is None:
        patterns = [(ox.NamedNode(p), None) for p in INDEXED]
    else:
        patterns = [(ox.NamedNode(p), ox.NamedNode(g)) for g in graphs for p in INDEXED]
    for predicate, graph in patterns:
        for quad in store.ox.quads_for_pattern(None, predicate, None, graph):
            row = _row(quad)
            if row is not None:
                yield row


@dataclass
class PendingIndex:
    """The index as this build leaves it, not yet in place: either a new file (`pending`) to rename over the old
    one, or the changes to the old one held in an open transaction (`db`); `commit` after the store's swap."""

    final: Path
    pending: Path | None = None
    db: sqlite3.Connection | None = None

    def commit(self) -> None:
        if self.db is not None:
            self.db.commit()
            self.db.close()
        if self.pending is not None:
            os.replace(self.pending, self.final)

    def discard(self) -> None:
        if self.db is not None:
            self.db.rollback()
            self.db.close()
        if self.pending is not None:
            self.pending.unlink(missing_ok=True)


IN_PLACE_GRAPHS = 2000  # more changed graphs than this: a new index is written beside the old one and renamed in


def _tables(path: Path) -> set[str]:
    """The tables and indexes of the index at `path` (none when it cannot be read). It is opened for writing, so
    that SQLite first rolls back into it a transaction a killed build left in its journal (a journal left beside a
    renamed-in new index would later be played into that)."""
    if not path.exists():
        return set()
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        return set()  # not an index we can read: it is written again
    finally:
        db.close()


# an index without these cannot be changed graph by graph (one written before `rows_of_graph` existed), and is
# written again
UPDATABLE = {"meta", "texts", "rows_of_graph", "rows_of_graph_by_graph"}


def must_rebuild(data_dir: Path, changed: int, removed: int) -> bool:
    """Whether a build that changed and removed this many graphs writes a new index rather than changing the
    present one in place (too many graphs, or no index that can be changed graph by graph)."""
    return changed + removed > IN_PLACE_GRAPHS or not UPDATABLE <= _tables(Path(data_dir) / SEARCH_FILE)


def prepare(
    data_dir: Path,
    store,
    changed: Iterable[str],
    removed: Iterable[str],
    build_id: str,
    rebuild: bool,
    known: dict[str, list[tuple[str, str]]] | None = None,
    every_graph: Iterable[str] | None = None,
) -> PendingIndex:
    """The index for the store as this build leaves it: the changed and removed graphs' rows replaced in the index
    in place, in a transaction left open until `commit` (copying a 160 MB index to change a few rows took longer
    than the change); or, with `rebuild` (see must_rebuild), a new index in a pending file. `known`: the texts
    of graphs that need not be read from the store (graph -> texts, see index_texts); `every_graph`: the store's
    named graphs, for a new index (without it every graph is read from the store)."""
    final = Path(data_dir) / SEARCH_FILE
    pending = final.with_name(final.name + PENDING)
    pending.unlink(missing_ok=True)
    graphs = list(changed)
    removed = list(removed)
    known = known or {}
    if not rebuild and not must_rebuild(data_dir, len(graphs), len(removed)):
        db = sqlite3.connect(final, check_same_thread=False)  # prepared in the build's index thread
        # the changes stay in memory until commit (a build changes few graphs in place): readers keep the old index
        db.execute("PRAGMA cache_size = -256000")
        db.execute("PRAGMA cache_spill = OFF")
        try:
            for graph in [*graphs, *removed]:
                db.execute("DELETE FROM texts WHERE rowid IN (SELECT id FROM rows_of_graph WHERE graph = ?)", (graph,))
                db.execute("DELETE FROM rows_of_graph WHERE graph = ?", (graph,))
            _insert(db, _rows_of(store, graphs, known))
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('build', ?)", (build_id,))
        except BaseException:
            db.rollback()
            db.close()
            raise
        return PendingIndex(final, db=db)
    db = sqlite3.connect(pending)
    try:
        _schema(db)
        _insert(db, _rows(store, None) if every_graph is None else _rows_of(store, every_graph, known))
        db.execute("CREATE INDEX rows_of_graph_by_graph ON rows_of_graph (graph)")  # once, after the rows
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('build', ?)", (build_id,))
        db.commit()
    finally:
        db.close()
    return PendingIndex(final, pending=pending)


def discard(data_dir: Path) -> None:
    """Remove a pending index file a build left behind."""
    (Path(data_dir) / (SEARCH_FILE + PENDING)).unlink(missing_ok=True)


def index_build_id(data_dir: Path) -> str | None:
    path = Path(data_dir) / SEARCH_FILE
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _every_trigram(term: str) -> str:
    """The FTS5 query for the texts that hold every trigram of `term`; `instr` then keeps those where they stand
    together. The index keeps no positions (detail = none), so it cannot match the trigrams as a phrase; without
    them it is written 40 % faster and a third smaller, and asks as fast (426,000 texts at 5,000 documents). An
    index written with positions answers the same query."""
    trigrams = dict.fromkeys(term[i : i + MIN_TERM] for i in range(len(term) - MIN_TERM + 1))
    return " AND ".join('"' + trigram.replace('"', '""') + '"' for trigram in trigrams)


class SearchIndex:
    """The index of one data folder, read-only; `open` gives None when it is missing or from another build."""

    def __init__(self, path: Path, build_id: str | None = None):
        # autocommit, with an explicit read transaction per look-up (nodes)
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
        self.build_id = build_id

    @classmethod
    def open(cls, data_dir: Path, build_id: str | None) -> SearchIndex | None:
        if build_id is None or index_build_id(data_dir) != build_id:
            return None
        return cls(Path(data_dir) / SEARCH_FILE, build_id)

    def nodes(self, term: str, limit: int = -1, whole: bool = False) -> list[str] | None:
        """The nodes one of whose indexed texts contains `term` (case-insensitively), as CONTAINS(LCASE(...)), or
        with `whole` is `term`, as LCASE(...) = term; at most `limit` of them (-1: all), so a common word is not
        read to the end only to be found too common. None when a later build has changed the index since it was
        opened (a running server still answers from the store it opened: the index must not narrow it)."""
        term = term.lower()
        test = "text = ?" if whole else "instr(text, ?) > 0"
        self.db.execute("BEGIN")  # the build id and the look-up from one state of the index
        try:
            if self.build_id is not None:
                row = self.db.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
                if row is None or row[0] != self.build_id:
                    return None
            if len(term) >= MIN_TERM:
                rows = self.db.execute(
                    f"SELECT DISTINCT node FROM texts WHERE texts MATCH ? AND {test} LIMIT ?",
                    (_every_trigram(term), term, limit),
                )
            else:
                rows = self.db.execute(f"SELECT DISTINCT node FROM texts WHERE {test} LIMIT ?", (term, limit))
            return [node for (node,) in rows]
        finally:
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()
