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

import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
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
        "node UNINDEXED, graph UNINDEXED, text, tokenize = 'trigram')"
    )


Row = tuple[str, str, str]  # (node, graph, lower-cased text)
INSERT = "INSERT INTO texts (node, graph, text) VALUES (?, ?, ?)"


def _row(quad: ox.Quad) -> Row | None:
    if isinstance(quad.object, ox.Literal) and isinstance(quad.subject, ox.NamedNode):
        if isinstance(quad.graph_name, ox.NamedNode):
            return quad.subject.value, quad.graph_name.value, quad.object.value.lower()
    return None


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


def prepare(
    data_dir: Path, store, changed: Iterable[str], removed: Iterable[str], build_id: str, rebuild: bool
) -> Path:
    """Write the index for the store as this build leaves it into a pending copy: only the changed and removed
    graphs are touched, unless `rebuild` (or there is no index from the store's previous build)."""
    final = Path(data_dir) / SEARCH_FILE
    pending = final.with_name(final.name + PENDING)
    pending.unlink(missing_ok=True)
    if final.exists() and not rebuild:
        shutil.copyfile(final, pending)
    db = sqlite3.connect(pending)
    try:
        _schema(db)
        graphs: list[str] | None = None  # every graph
        if rebuild or not final.exists():
            db.execute("DELETE FROM texts")
        else:
            graphs = list(changed)
            for graph in [*graphs, *removed]:
                db.execute("DELETE FROM texts WHERE graph = ?", (graph,))
        db.executemany(INSERT, _rows(store, graphs))
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('build', ?)", (build_id,))
        db.commit()
    finally:
        db.close()
    return pending


def commit(pending: Path) -> None:
    os.replace(pending, pending.with_name(pending.name.removesuffix(PENDING)))


def discard(data_dir: Path) -> None:
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


class SearchIndex:
    """The index of one data folder, read-only; `open` gives None when it is missing or from another build."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    @classmethod
    def open(cls, data_dir: Path, build_id: str | None) -> SearchIndex | None:
        if build_id is None or index_build_id(data_dir) != build_id:
            return None
        return cls(Path(data_dir) / SEARCH_FILE)

    def nodes(self, term: str, limit: int = -1, whole: bool = False) -> list[str]:
        """The nodes one of whose indexed texts contains `term` (case-insensitively), as CONTAINS(LCASE(...)), or
        with `whole` is `term`, as LCASE(...) = term; at most `limit` of them (-1: all), so a common word is not
        read to the end only to be found too common."""
        term = term.lower()
        test = "text = ?" if whole else "instr(text, ?) > 0"
        if len(term) >= MIN_TERM:
            quoted = '"' + term.replace('"', '""') + '"'  # a phrase of trigrams: the substring itself
            rows = self.db.execute(
                f"SELECT DISTINCT node FROM texts WHERE texts MATCH ? AND {test} LIMIT ?", (quoted, term, limit)
            )
        else:
            rows = self.db.execute(f"SELECT DISTINCT node FROM texts WHERE {test} LIMIT ?", (term, limit))
        return [node for (node,) in rows]

    def close(self) -> None:
        self.db.close()
