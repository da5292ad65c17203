"""The named questions rewritten for speed (counts kept per meeting, the text index, state kept per case) give
exactly the answers of their first, plain formulations, kept in tests/fixtures/reference-queries/."""

from __future__ import annotations

from pathlib import Path

import pytest

import graph.query
from bench.corpus import generate
from graph.build import build
from graph.pipeline import build_document
from graph.query import load_queries, parse_named_query, run
from graph.store import GraphStore

from .conftest import MINUTES

REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference-queries"
NAMES = sorted(p.stem for p in REFERENCE.glob("*.rq"))


def _rows(result) -> list[tuple[str, ...]]:
    return sorted(tuple("" if t is None else t.value for t in row) for row in result.rows)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The samples and 40 synthetic minutes (bench/corpus.py), which postpone, forward and approve with remarks
    where the samples do not."""
    corpus = tmp_path_factory.mktemp("corpus")
    generate(40, corpus, seed=11)
    out = tmp_path_factory.mktemp("synthetic")
    build([corpus, MINUTES], out_dir=out, document_builder=build_document)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_the_fast_question_answers_as_the_plain_one(built, synthetic, name):
    fast, plain = load_queries()[name], parse_named_query(REFERENCE / f"{name}.rq")
    answered = False
    for store in (GraphStore.open_read_only(built.out_dir), GraphStore.open_read_only(synthetic)):
        for given in (
            {},
            *({p.name: word} for p in fast.params if p.type == "text" for word in ("godkend", "plo", "zebra")),
        ):
            a, b = run(store, fast, given), run(store, plain, given)
            assert a.variables == b.variables
            assert _rows(a) == _rows(b), (name, given)
            answered = answered or bool(a.rows)
    assert answered, f"{name} answered nothing on the samples and the synthetic minutes"


@pytest.mark.parametrize(
    "hostile", ['") } } SELECT * WHERE { ?s ?p ?o } #', 'x\\" || true || \\"', "'\n} LIMIT 1 #", "?tekst"]
)
def test_an_inlined_value_is_a_literal_and_cannot_change_the_query(built, hostile):
    store = GraphStore.open_read_only(built.out_dir)
    query = load_queries()["hvor-afgoeres-sagen"]
    assert "tekst" in query.inline
    assert run(store, query, {"tekst": hostile}).rows == []


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_sort_keys_held_in_memory_keep_the_order(built, synthetic, name, monkeypatch):
    """prepare() sorts by keys Oxigraph holds in memory (graph.query.sort_keys_in_memory): the rows come in the
    same order as sorted by the stored values, on the samples and the synthetic minutes."""
    query = load_queries()[name]
    for store in (GraphStore.open_read_only(built.out_dir), GraphStore.open_read_only(synthetic)):
        rows = []
        for rewrite in (True, False):
            if not rewrite:
                monkeypatch.setattr(graph.query, "sort_keys_in_memory", lambda sparql: sparql)
            rows.append([tuple(row) for row in run(store, query).rows])
        monkeypatch.undo()
        assert rows[0] == rows[1], name
