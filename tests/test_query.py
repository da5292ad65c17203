"""Named questions and the query command: analysts ask 'who decides what' against the built store."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.query import (
    QUERY_PREFIXES,
    QueryError,
    bind_params,
    lateral_optionals,
    lateral_union,
    load_queries,
    parse_named_query,
    prepare,
    resolve_query,
    run,
    sort_keys_in_memory,
    with_values,
)
from graph.store import GraphStore

ALL = load_queries()
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_at_least_fifteen_documented_questions():
    assert len(ALL) >= 15
    for q in ALL.values():
        assert q.title_da and q.title_en and q.description, q.name
        for p in q.params:
            assert p.default is not None and p.description, (q.name, p.name)


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_named_query_runs_on_the_sample_data(built, name):
    result = run(GraphStore.open_read_only(built.out_dir), ALL[name])
    assert result.kind == "select"
    if name != "udsatte-og-videresendte":  # nothing in the samples is postponed or sent on
        assert result.rows, f"{name} returned no rows on the sample data"


def test_what_a_forum_decided(built):
    store = GraphStore.open_read_only(built.out_dir)
    result = run(
        store,
        ALL["beslutninger-i-forum"],
        {"forum": "Sundhedsklynge Lillebælt, fagligt strategisk niveau", "fra": "2025-01-01", "til": "2025-12-31"},
    )
    outcomes = [str(row[result.variables.index("udfald")].value) for row in result.rows]
    assert len(outcomes) == 18 and outcomes.count("Godkendt") == 9  # as in data/gold for 002
    none = run(store, ALL["beslutninger-i-forum"], {"fra": "2026-01-01"})
    assert none.rows == []


def test_escalation_chain_reaches_the_political_level(built):
    result = run(GraphStore.open_read_only(built.out_dir), ALL["eskaleringskaede"])
    names = [row[1].value for row in result.rows]
    assert names[-1] == "Gødstrupklyngen, politisk niveau" and len(names) == 3


def test_parameters_cannot_change_the_query(built):
    store = GraphStore.open_read_only(built.out_dir)
    hostile = '"} } SELECT * WHERE { ?s ?p ?o } #'
    assert run(store, ALL["soeg-beslutninger"], {"tekst": hostile}).rows == []
    with pytest.raises(QueryError, match="intet hedder"):
        run(store, ALL["personens-fora"], {"person": "> } DROP ALL"})


def test_values_go_into_the_outer_where_group_only():
    text = 'PREFIX a: <http://x/where#> # where {\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p "where {" }'
    import pyoxigraph as ox

    out = with_values(text, {ox.Variable("s"): ox.NamedNode("http://e/1")})
    assert out.endswith('WHERE { VALUES (?s) { (<http://e/1>) }  ?s ?p "where {" }')


@pytest.mark.parametrize(
    "text,expected",
    [
        (  # no WHERE in the query, one in its subquery
            "SELECT * { { SELECT ?i WHERE { ?i :p 1 } } ?i :q ?x }",
            "SELECT * { VALUES (?s) { (<http://e/1>) }  { SELECT ?i WHERE { ?i :p 1 } } ?i :q ?x }",
        ),
        (  # an EXISTS in the SELECT clause
            "SELECT ?a (EXISTS { ?a :p 1 } AS ?e) WHERE { ?a :q ?s }",
            "SELECT ?a (EXISTS { ?a :p 1 } AS ?e) WHERE { VALUES (?s) { (<http://e/1>) }  ?a :q ?s }",
        ),
        ("CONSTRUCT WHERE { ?s :p ?o }", "CONSTRUCT WHERE { VALUES (?s) { (<http://e/1>) }  ?s :p ?o }"),
    ],
)
def test_values_go_into_the_outer_group_of_every_form(text, expected):
    import pyoxigraph as ox

    assert with_values(text, {ox.Variable("s"): ox.NamedNode("http://e/1")}) == expected


def test_an_optional_of_plain_patterns_is_looked_up_per_row():
    text = 'SELECT * WHERE { ?m a :M . OPTIONAL { ?m :by ?f . ?f :label ?l FILTER(LANG(?l) = "da") } }'
    assert lateral_optionals(text) == (
        'SELECT * WHERE { ?m a :M . LATERAL { OPTIONAL { ?m :by ?f . ?f :label ?l FILTER(LANG(?l) = "da") } } }'
    )


def test_an_optional_reading_one_graph_of_plain_patterns_is_looked_up_per_row():
    text = (
        'SELECT * WHERE { ?i :in ?g ; :c ?f . OPTIONAL { GRAPH ?g { ?f :quote ?q } FILTER(STRSTARTS(STR(?q), "x")) } }'
    )
    assert lateral_optionals(text) == (
        "SELECT * WHERE { ?i :in ?g ; :c ?f . LATERAL { OPTIONAL { GRAPH ?g { ?f :quote ?q } "
        'FILTER(STRSTARTS(STR(?q), "x")) } } }'
    )


def test_of_nested_optionals_only_the_innermost_plain_one_is_looked_up_per_row():
    text = "SELECT * WHERE { ?m a :M . OPTIONAL { ?m :p ?d OPTIONAL { ?d :q ?e } } }"
    assert lateral_optionals(text) == (
        "SELECT * WHERE { ?m a :M . OPTIONAL { ?m :p ?d LATERAL { OPTIONAL { ?d :q ?e } } } }"
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?m a :M . OPTIONAL { ?m :p ?d BIND(1 AS ?x) } }",  # a BIND
        "SELECT * WHERE { ?m a :M . OPTIONAL { ?m :p ?d FILTER NOT EXISTS { ?d :q 1 } } }",
        "SELECT * WHERE { ?m a :M . OPTIONAL { ?x :p ?d } }",  # nothing shared with what comes before
        "SELECT * WHERE { ?m a :M . OPTIONAL { GRAPH ?g { ?m :p ?d FILTER NOT EXISTS { ?d :q 1 } } } }",
        "SELECT * WHERE { ?m a :M . OPTIONAL { GRAPH ?g { ?m :p ?d } BIND(1 AS ?x) } }",
        "SELECT * WHERE { ?m a :M ; :n ?n . OPTIONAL { GRAPH ?g { ?m :p ?d FILTER(?d > ?n) } } }",  # sees ?n per row
        'SELECT * WHERE { ?m :p "OPTIONAL { ?m :q ?x }" } # OPTIONAL { ?m :q ?x }',  # words in a string, a comment
    ],
)
def test_other_optionals_are_left_as_written(text):
    assert lateral_optionals(text) == text


def test_the_first_union_in_the_where_group_is_looked_up_per_row_when_the_query_asks():
    text = (
        "SELECT * WHERE { ?i a :I . { ?i :p ?x } UNION { ?i :q ?x . ?x :r 1 } UNION { ?i :s ?x } "
        "OPTIONAL { ?x :t ?y } { ?i :u ?z } UNION { ?i :v ?z } }"
    )
    assert lateral_union(text) == (
        "SELECT * WHERE { ?i a :I . LATERAL { { ?i :p ?x } UNION { ?i :q ?x . ?x :r 1 } UNION { ?i :s ?x } } "
        "OPTIONAL { ?x :t ?y } { ?i :u ?z } UNION { ?i :v ?z } }"
    )
    nested = "SELECT * WHERE { ?i a :I . { SELECT ?i WHERE { { ?i :p 1 } UNION { ?i :q 1 } } } } # UNION"
    assert lateral_union(nested) == nested  # a UNION inside a subquery, or in a comment, is not the query's
    assert [q.name for q in ALL.values() if q.lateral_union] == ["sundhedsraadets-arv"]


def test_a_lateral_header_names_what_it_looks_up_per_row(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# title: T | T\n# lateral: optional\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="lateral: union"):
        parse_named_query(path)


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_named_query_answers_the_same_looked_up_per_row(built, name):
    """The rewrite only changes how Oxigraph evaluates: the answers are those of the text as written."""
    store = GraphStore.open_read_only(built.out_dir)
    bindings = bind_params(ALL[name], {}, store)
    rows = []
    for lateral in (False, True):
        answer = store.query(prepare(store, ALL[name], bindings, lateral=lateral), prefixes=QUERY_PREFIXES)
        values = [[s[v] for v in answer.variables] for s in answer]
        rows.append(sorted(tuple("" if t is None else t.value for t in row) for row in values))
    assert rows[0] == rows[1]


def test_clear_messages_for_unknown_names_parameters_and_syntax(built, tmp_path):
    runner = CliRunner()
    data = ["--data", str(built.out_dir)]
    result = runner.invoke(main, ["query", "beslutninger", *data])
    assert (
        result.exit_code == 2
        and "ukendt forespørgsel 'beslutninger'" in result.output
        and "beslutninger-i-forum" in result.output
    )
    result = runner.invoke(main, ["query", "moeder", "-p", "forum=x", *data])
    assert result.exit_code == 2 and "ukendt parameter forum" in result.output
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }\n", encoding="utf-8")
    result = runner.invoke(main, ["query", str(bad), *data])
    assert result.exit_code == 2 and re.search(rf"syntaksfejl i {re.escape(str(bad))}:\d+:\d+: expected", result.output)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_output_formats(built, fmt):
    result = CliRunner().invoke(main, ["query", "klynger-og-kommuner", "--format", fmt, "--data", str(built.out_dir)])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.output)
        assert len(data["results"]["bindings"]) == 22 and "klynge" in data["head"]["vars"]
    elif fmt in ("csv", "tsv"):
        assert len(result.output.strip().splitlines()) == 23
    else:
        assert "Sundhedsklynge Lillebælt" in result.output


def test_queries_command_lists_titles_and_parameters():
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0
    assert "beslutninger-i-forum" in result.output and "Hvad besluttede et forum" in result.output


def test_resolve_accepts_a_file(tmp_path):
    path = tmp_path / "own.rq"
    path.write_text("SELECT ?s WHERE { ?s a sg:Region }", encoding="utf-8")
    assert resolve_query(str(path)).sparql.startswith("SELECT")


def test_counts_are_not_inflated_by_labels_repeated_across_documents(built):
    # Oxigraph's union default graph repeats a triple once per named graph that holds it
    result = run(GraphStore.open_read_only(built.out_dir), ALL["udfald-pr-forum"])
    by_forum: dict[str, int] = {}
    for row in result.rows:
        by_forum[row[1].value] = by_forum.get(row[1].value, 0) + int(row[3].value)
    assert by_forum["Sundhedsklynge Lillebælt, fagligt strategisk niveau"] == 18  # the decisions in data/gold for 002
    rows = run(GraphStore.open_read_only(built.out_dir), ALL["beslutninger-i-forum"]).rows
    assert len(rows) == len({tuple(str(t) for t in r) for r in rows})


def test_sort_keys_are_written_for_variables_only():
    def key(v: str) -> str:
        return f'COALESCE(CONCAT(?{v}, IF(LANG(?{v}) = "", "\\u0002", CONCAT("\\u0001", LANG(?{v})))), ?{v})'

    text = "SELECT ?k (COUNT(?x) AS ?n) WHERE { ?k ?p ?x } GROUP BY ?k ORDER BY ?k DESC(?n) DESC(COUNT(?x)) LIMIT 3"
    assert sort_keys_in_memory(text).endswith(f"ORDER BY {key('k')} DESC({key('n')}) DESC(COUNT(?x)) LIMIT 3")
    inner = 'SELECT * WHERE { { SELECT ?x WHERE { ?x ?p "ORDER BY ?x" } ORDER BY ASC(?x) LIMIT 1 } } # ORDER BY ?z'
    assert sort_keys_in_memory(inner) == inner.replace("ASC(?x)", f"ASC({key('x')})")
    unchanged = "SELECT * WHERE { ?s ?p ?o } ORDER BY (?s) STR(?o)"
    assert sort_keys_in_memory(unchanged) == unchanged


def test_sort_keys_order_every_kind_of_value_as_the_values_do():
    """Texts that are prefixes of each other, Danish letters, case and language tags, beside IRIs, blank nodes
    and unbound values; numbers and dates: sorted by the in-memory keys exactly as by the values themselves."""
    texts = [
        '"a"', '""', '"ab"', '"a b"', '"aa"', '"Aa"', '"æble"', '"øre"', '"åen"', '"Zebra"', '"z"', '"a"@da', '"a"@en',
        '"b"@da', '"b"@en', '"b"', '"10"', '"9"', '"x\\ty"', '"tekst med et langt ord i sig"', '"a"^^xsd:string',
        "<http://example.org/a>", "<http://example.org/b>", "_:b1",
    ]  # fmt: skip
    others = ["9", "10", "2.5", "-1", '"2024-01-02"^^xsd:date', '"2023-12-31"^^xsd:date', "true"]
    for values in (texts, others):
        store = ox.Store()
        data = " ".join(f"<http://example.org/r{n}> <http://example.org/v> {v} ." for n, v in enumerate(values))
        store.update(f"PREFIX xsd: <{XSD}> INSERT DATA {{ {data} <http://example.org/u> a 1 . }}")
        for order in ("?v", "DESC(?v)", "?v ?r", "DESC(?v) ?r"):
            text = f"SELECT ?r ?v WHERE {{ ?r ?p ?o OPTIONAL {{ ?r <http://example.org/v> ?v }} }} ORDER BY {order}"
            plain = [tuple(s) for s in store.query(text)]
            keyed = [tuple(s) for s in store.query(sort_keys_in_memory(text))]
            assert sort_keys_in_memory(text) != text and keyed == plain, (order, values[0])
