"""The full-text index beside the store narrows the named questions' text search, and changes no answer."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.build import build
from graph.pipeline import build_document
from graph.query import load_queries, run
from graph.store import GraphStore, search
from graph.store.search import SEARCH_FILE, SearchIndex

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "minutes"


def _rows(result) -> list:
    return sorted(tuple("" if t is None else str(t) for t in row) for row in result.rows)


@pytest.mark.parametrize("name", [q.name for q in load_queries().values() if q.index])
@pytest.mark.parametrize("word", ["klyngemidler", "godkend", "PLO", "af", "findes-ikke-nogen-steder"])
def test_a_question_answers_the_same_with_and_without_the_index(built, name, word):
    query = load_queries()[name]
    with_index = GraphStore.open_read_only(built.out_dir)
    assert with_index.search_index() is not None
    without = GraphStore.open_read_only(built.out_dir)
    without._search = None  # as a store whose index is missing or from another build
    given = {next(iter(query.index)): word}
    assert _rows(run(with_index, query, given)) == _rows(run(without, query, given))


def _indexed(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute("SELECT t.node, r.graph, t.text FROM texts t JOIN rows_of_graph r ON r.id = t.rowid"))
    finally:
        db.close()


@pytest.mark.parametrize("json_built_in", [True, False])  # SQLite before 3.38: one statement per row
def test_the_texts_the_workers_send_index_what_the_store_holds(built, tmp_path, monkeypatch, json_built_in):
    # a build indexes the texts its workers sent with the graphs; an index read back from the store is the same
    monkeypatch.setattr(search, "JSON_BUILT_IN", json_built_in and search.JSON_BUILT_IN)
    out = tmp_path / "from-store"
    out.mkdir()
    store = GraphStore.open_read_only(built.out_dir)
    search.prepare(out, store, [], [], "x", rebuild=True).commit()
    assert len(_indexed(out / SEARCH_FILE)) > 1000
    assert _indexed(out / SEARCH_FILE) == _indexed(built.out_dir / SEARCH_FILE)


def test_the_index_follows_the_store_build_by_build(tmp_path):
    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    shutil.copy(sorted(SAMPLES.iterdir())[2], minutes / "a.txt")
    build([minutes], out_dir=out, document_builder=build_document)
    store = GraphStore.open_read_only(out)
    assert store.search_index().nodes("klyngemidler")
    (minutes / "a.txt").write_text("Referat\n\n1. Nyt punkt om zebrastriber\nBeslutning\nGodkendt.\n", encoding="utf-8")
    build([minutes], out_dir=out, document_builder=build_document)
    store = GraphStore.open_read_only(out)
    assert store.search_index().nodes("zebrastriber") and not store.search_index().nodes("klyngemidler")
    (minutes / "a.txt").unlink()
    build([minutes], out_dir=out, document_builder=build_document)
    assert not GraphStore.open_read_only(out).search_index().nodes("zebrastriber")


def test_an_index_from_another_build_is_not_used_and_is_written_again(tmp_path):
    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    shutil.copy(sorted(SAMPLES.iterdir())[2], minutes / "a.txt")
    build([minutes], out_dir=out, document_builder=build_document)
    stale = tmp_path / "old.sqlite"
    shutil.copy(out / SEARCH_FILE, stale)
    (minutes / "b.txt").write_text("Referat\n\n1. Punkt om zebrastriber\nBeslutning\nGodkendt.\n", encoding="utf-8")
    build([minutes], out_dir=out, document_builder=build_document)
    shutil.copy(stale, out / SEARCH_FILE)  # as if the build had been killed before the index was renamed in
    assert GraphStore.open_read_only(out).search_index() is None
    build([minutes], out_dir=out, document_builder=build_document)  # nothing changed, but the index is rewritten
    index = GraphStore.open_read_only(out).search_index()
    assert isinstance(index, SearchIndex) and index.nodes("zebrastriber")


def test_a_name_is_looked_up_whole_and_a_word_as_part(built):
    index = GraphStore.open_read_only(built.out_dir).search_index()
    whole = index.nodes("vejen kommune", whole=True)
    assert whole and set(whole) < set(index.nodes("vejen"))
    assert not index.nodes("vejen kommun", whole=True)
    assert len(index.nodes("vejen", limit=1)) == 1


@pytest.mark.parametrize("name", ["Vejen", "vejen kommune", "Sundhedsråd Lillebælt", "Kolding"])
def test_a_node_given_by_name_is_found_with_and_without_the_index(built, name):
    from graph.query import _find_by_label

    with_index = GraphStore.open_read_only(built.out_dir)
    without = GraphStore.open_read_only(built.out_dir)
    without._search = None
    assert sorted(_find_by_label(with_index, name)) == sorted(_find_by_label(without, name))
    assert _find_by_label(with_index, name)


def test_an_index_written_before_rows_were_kept_per_graph_is_written_again(tmp_path):
    import sqlite3

    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    shutil.copy(sorted(SAMPLES.iterdir())[2], minutes / "a.txt")
    build([minutes], out_dir=out, document_builder=build_document)
    db = sqlite3.connect(out / SEARCH_FILE)
    db.execute("DROP TABLE rows_of_graph")
    db.commit()
    db.close()
    (minutes / "a.txt").write_text("Referat\n\n1. Nyt punkt om zebrastriber\nBeslutning\nGodkendt.\n", encoding="utf-8")
    build([minutes], out_dir=out, document_builder=build_document)
    index = GraphStore.open_read_only(out).search_index()
    assert index.nodes("zebrastriber") and not index.nodes("klyngemidler")


def test_an_index_opened_for_one_build_does_not_narrow_after_the_next(tmp_path):
    """The index changes in place; a server that opened it for the store it serves must not narrow by the next."""
    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    shutil.copy(sorted(SAMPLES.iterdir())[2], minutes / "a.txt")
    build([minutes], out_dir=out, document_builder=build_document)
    opened = GraphStore.open_read_only(out).search_index()
    assert opened.nodes("klyngemidler")
    (minutes / "b.txt").write_text("Referat\n\n1. Punkt om zebrastriber\nBeslutning\nGodkendt.\n", encoding="utf-8")
    build([minutes], out_dir=out, document_builder=build_document)
    assert opened.nodes("klyngemidler") is None
    assert GraphStore.open_read_only(out).search_index().nodes("zebrastriber")


def test_a_transaction_a_killed_build_left_is_rolled_back_before_the_index_is_used(tmp_path):
    import sqlite3

    from graph.store import search

    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    shutil.copy(sorted(SAMPLES.iterdir())[2], minutes / "a.txt")
    build([minutes], out_dir=out, document_builder=build_document)
    journal = out / (SEARCH_FILE + "-journal")
    db = sqlite3.connect(out / SEARCH_FILE)  # a build's in-place change, spilled to the file, then killed
    db.execute("PRAGMA cache_size = 1")
    db.execute("DELETE FROM texts")
    assert journal.exists()
    shutil.copy(out / SEARCH_FILE, tmp_path / "half.sqlite")
    shutil.copy(journal, tmp_path / "half.sqlite-journal")
    db.rollback()
    db.close()
    shutil.copy(tmp_path / "half.sqlite", out / SEARCH_FILE)
    shutil.copy(tmp_path / "half.sqlite-journal", journal)
    assert search.UPDATABLE <= search._tables(out / SEARCH_FILE)
    assert not journal.exists()
    check = sqlite3.connect(out / SEARCH_FILE)
    assert check.execute("SELECT count(*) FROM texts").fetchone()[0] > 0
    check.close()


def test_an_interrupt_after_the_index_is_prepared_leaves_it_unlocked_and_as_it_was(tmp_path, monkeypatch):
    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    shutil.copy(sorted(SAMPLES.iterdir())[2], minutes / "a.txt")
    build([minutes], out_dir=out, document_builder=build_document)
    before = _indexed(out / SEARCH_FILE)
    (minutes / "a.txt").write_text("Referat\n\n1. Punkt om zebrastriber\nBeslutning\nGodkendt.\n", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # as Ctrl-C while the exports are written, the index changed in place beside

    monkeypatch.setattr("graph.build._export", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build([minutes], out_dir=out, document_builder=build_document)
    db = sqlite3.connect(out / SEARCH_FILE, timeout=0)
    try:
        db.execute("BEGIN IMMEDIATE")  # no transaction of the failed build holds the index
        db.rollback()
    finally:
        db.close()
    assert _indexed(out / SEARCH_FILE) == before
    assert not list(out.glob("store.building-*"))


def test_the_words_after_a_nul_character_are_found(tmp_path):
    store = GraphStore.in_memory()
    node, graph = ox.NamedNode("https://example.org/d"), ox.NamedNode("https://example.org/g")
    value = ox.NamedNode("http://www.w3.org/ns/prov#value")
    store.ox.add(ox.Quad(node, value, ox.Literal("Godkendt\x00 med zebrastriber"), graph))
    search.prepare(tmp_path, store, [], [], "b", rebuild=True).commit()
    assert SearchIndex(tmp_path / SEARCH_FILE).nodes("zebrastriber") == [node.value]


def test_a_word_is_found_where_its_trigrams_stand_together_not_where_they_are_scattered(tmp_path):
    store = GraphStore.in_memory()
    graph, value = ox.NamedNode("https://example.org/g"), ox.NamedNode("http://www.w3.org/ns/prov#value")
    texts = {"together": "Tilskud til zebrastriber", "scattered": "zeb og bra og ras og str og tri og rib og ber"}
    for name, text in texts.items():
        store.ox.add(ox.Quad(ox.NamedNode(f"https://example.org/{name}"), value, ox.Literal(text), graph))
    search.prepare(tmp_path, store, [], [], "b", rebuild=True).commit()
    index = SearchIndex(tmp_path / SEARCH_FILE)
    assert index.nodes("zebrastriber") == ["https://example.org/together"]
    assert index.nodes("og ") == ["https://example.org/scattered"]
    assert index.nodes('og "') == []  # a quote in the word is a character to find, not FTS5 syntax


def test_an_index_written_with_positions_answers_as_before(built, tmp_path):
    """Indexes written before detail = none keep their positions; the query for every trigram works on them too."""
    rows = sqlite3.connect(built.out_dir / SEARCH_FILE).execute("SELECT rowid, node, graph, text FROM texts").fetchall()
    old = sqlite3.connect(tmp_path / SEARCH_FILE)
    old.execute("CREATE VIRTUAL TABLE texts USING fts5(node UNINDEXED, graph UNINDEXED, text, tokenize = 'trigram')")
    old.executemany("INSERT INTO texts (rowid, node, graph, text) VALUES (?, ?, ?, ?)", rows)
    old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    old.commit()
    new = GraphStore.open_read_only(built.out_dir).search_index()
    for word in ("godkend", "vejen kommune", "sundhedsklynge", "plo"):
        assert sorted(SearchIndex(tmp_path / SEARCH_FILE).nodes(word)) == sorted(new.nodes(word)), word
    assert new.nodes("godkend")
