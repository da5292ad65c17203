"""The whole chain on the sample corpus: link, emit, provenance, corrections, incremental builds, evaluation."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from graph.build import build
from graph.cli import main
from graph.evaluate import evaluate
from graph.pipeline import build_document
from graph.read import read_document
from graph.store import GraphStore, parse_quote, quotes

from .conftest import MINUTES, REFERENCE

PREFIXES = """
PREFIX sg: <https://w3id.org/sundhedsgraf/ont#>
PREFIX sgid: <https://w3id.org/sundhedsgraf/id/>
PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""


def rows(store, query):
    return list(store.query(PREFIXES + query))


def test_meetings_are_held_by_the_registry_forum_of_the_right_cluster(built):
    store = GraphStore.open_read_only(built.out_dir)
    held = {
        r["file"].value[:3]: r["forum"].value.rsplit("/id/", 1)[1]
        for r in rows(
            store,
            """
        SELECT ?file ?forum
        WHERE { ?m a besluit:Zitting ; sg:heldBy ?forum ; prov:wasDerivedFrom ?d . ?d sg:fileName ?file }""",
        )
    }
    assert held["002"] == "forum/1083/lillebaelt/fagligt-strategisk-niveau"
    assert held["003"] == "forum/1081/midt/fagligt-strategisk-niveau"  # Klynge Midt in Nordjylland, not Region H's
    assert held["004"] == "forum/1082/goedstrup/implementeringsgruppe-for-forebyggelse-og-forloebsprogrammer"
    assert held["000"] == held["001"]  # the same executive team in both documents


def test_every_decision_quotes_its_source_span(built):
    store = GraphStore.open_read_only(built.out_dir)
    texts = {p.name: read_document(p).text for p in MINUTES.iterdir()}
    found = rows(
        store,
        """
        SELECT ?d ?q ?doc ?file ?text WHERE {
          ?d a besluit:Besluit ; prov:qualifiedDerivation ?q ; prov:wasDerivedFrom ?doc .
          ?doc sg:fileName ?file ; sg:text ?text }""",
    )
    assert len(found) == 43
    quoted = quotes(store, [r["d"].value for r in found])
    for r in found:
        document, start, end = parse_quote(r["q"].value)  # <document#char=start,end>
        assert document == r["doc"].value and r["text"].value == texts[r["file"].value]
        assert quoted[r["d"].value].text == texts[r["file"].value][start:end] and end > start


def test_decisions_answer_recommendations_and_allocate_money(built):
    store = GraphStore.open_read_only(built.out_dir)
    answered = rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?d sg:answers ?r . ?r a sg:Indstilling }")
    assert int(answered[0]["n"].value) >= 35
    money = {
        (float(r["dkk"].value), r["who"].value)
        for r in rows(
            store,
            """
        SELECT ?dkk ?who WHERE { ?d sg:allocates ?a . ?a sg:amountDKK ?dkk ; sg:recipientName ?who }""",
        )
    }
    assert (1_200_000, "Træningsklyngen") in money
    assert (5_000_000, "Sundhedsstaben") in money


def test_initiatives_are_merged_across_documents(built):
    store = GraphStore.open_read_only(built.out_dir)
    docs = rows(
        store,
        """SELECT (COUNT(DISTINCT ?doc) AS ?n)
           WHERE { ?doc sg:mentions <https://w3id.org/sundhedsgraf/id/initiative/traening-og-rehabilitering> }""",
    )
    assert int(docs[0]["n"].value) == 2


def test_same_input_gives_the_same_triples_and_iris(tmp_path):
    a = build(out_dir=tmp_path / "a", document_builder=build_document)
    b = build(out_dir=tmp_path / "b", document_builder=build_document)
    lines_a = {line for p in a.files["export"].glob("*.nq") for line in p.read_text(encoding="utf-8").splitlines()}
    lines_b = {line for p in b.files["export"].glob("*.nq") for line in p.read_text(encoding="utf-8").splitlines()}
    assert lines_a == lines_b and len(lines_a) > 5000


def test_changed_and_removed_documents_touch_only_their_own_graph(tmp_path):
    corpus = tmp_path / "minutes"
    shutil.copytree(MINUTES, corpus)
    out = tmp_path / "out"
    build([corpus], out_dir=out, document_builder=build_document)
    before = GraphStore.open_read_only(out).graph_hashes()
    changed = sorted(corpus.glob("004*"))[0]
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Dagsorden godkendt.", "Dagsorden ikke godkendt."), encoding="utf-8"
    )
    sorted(corpus.glob("000*"))[0].unlink()
    report = build([corpus], out_dir=out, document_builder=build_document)
    status = {d.path.rsplit("/", 1)[-1][:3]: d.status for d in report.documents}
    assert status["004"] == "built" and status["001"] == "unchanged"
    assert [d.status for d in report.documents if d.status == "removed"] == ["removed"]
    after = GraphStore.open_read_only(out).graph_hashes()
    assert {g for g in before if "doc/000" in g} and not {g for g in after if "doc/000" in g}
    assert not list((out / "export").glob("doc-000*"))  # its export files went with it
    assert (out / "export" / "doc-001-e0d72669acf2e809-txt.nq").exists()
    for graph in before:
        if "doc/00" in graph and "doc/000" not in graph and "doc/004" not in graph:
            assert after[graph] == before[graph]


def test_a_shared_node_no_document_names_any_more_is_removed(tmp_path):
    corpus = tmp_path / "minutes"
    shutil.copytree(MINUTES, corpus)
    out = tmp_path / "out"
    build([corpus], out_dir=out, document_builder=build_document)
    store = GraphStore.open_read_only(out)
    named_by = {}  # person node graph -> the documents that name the person
    for row in rows(
        store,
        """SELECT ?g (GROUP_CONCAT(DISTINCT STR(?d)) AS ?docs) WHERE {
            GRAPH ?g { ?p a foaf:Person } GRAPH ?d { ?m sg:participant|sg:absent ?p }
            FILTER(STRSTARTS(STR(?d), "https://w3id.org/sundhedsgraf/graph/doc/")) } GROUP BY ?g""",
    ):
        named_by[row["g"].value] = row["docs"].value.split()
    only_in_000 = [g for g, docs in named_by.items() if all("doc/000" in d for d in docs)]
    also_elsewhere = [g for g, docs in named_by.items() if any("doc/000" in d for d in docs) and len(docs) > 1]
    assert only_in_000 and also_elsewhere
    del store
    sorted(corpus.glob("000*"))[0].unlink()
    report = build([corpus], out_dir=out, document_builder=build_document)
    graphs = set(GraphStore.open_read_only(out).named_graphs())
    assert set(only_in_000) <= set(report.dropped_node_graphs) and not set(only_in_000) & graphs
    assert set(also_elsewhere) <= graphs
    exported = {p.name for p in (out / "export").iterdir()}
    assert not any(g.rsplit("/", 1)[-1] in name for g in only_in_000 for name in exported)


def test_a_bad_file_fails_alone_and_keeps_what_was_stored(tmp_path):
    corpus = tmp_path / "minutes"
    shutil.copytree(MINUTES, corpus)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--out", str(out)]).exit_code == 0
    stored = GraphStore.open_read_only(out).graph_hashes()
    victim = sorted(corpus.glob("002*"))[0]
    victim.write_bytes(b"")  # the secretariat's export went wrong
    (corpus / "garbage.txt").write_bytes(bytes(range(256)) * 100)
    result = runner.invoke(main, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{victim}: filen er tom" in result.output
    assert "garbage.txt: binære data" in result.output
    after = GraphStore.open_read_only(out).graph_hashes()
    graph_002 = next(g for g in stored if "doc/002" in g)
    assert after[graph_002] == stored[graph_002]  # nothing already stored is lost


def test_a_bad_file_keeps_what_was_stored_when_everything_else_is_rebuilt(tmp_path):
    """A new corrections file makes every graph stale, so the build starts from an empty store; the graph of a
    file that fails now is carried over from the previous one."""
    corpus, data, out = tmp_path / "minutes", tmp_path / "data", tmp_path / "out"
    shutil.copytree(MINUTES, corpus)
    shutil.copytree(REFERENCE, data / "reference")
    build([corpus], out_dir=out, data_dir=data, document_builder=build_document)
    victim = sorted(corpus.glob("002*"))[0]
    graph = next(g for g in GraphStore.open_read_only(out).graph_hashes() if "doc/002" in g)
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    before = int(rows(GraphStore.open_read_only(out), count)[0]["n"].value)
    victim.write_bytes(b"")
    (data / "corrections.toml").write_text('[[reject]]\nid = "decision/x/1/1"\nreason = "test"\n', encoding="utf-8")
    report = build([corpus], out_dir=out, data_dir=data, document_builder=build_document)
    assert [d.path for d in report.failed] == [str(victim)]
    assert sum(d.status == "built" for d in report.documents) == 4
    assert int(rows(GraphStore.open_read_only(out), count)[0]["n"].value) == before > 100


def test_corrections_are_applied_and_marked_curated(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REFERENCE, data / "reference")
    (data / "corrections.toml").write_text(
        """
[[alias]]
name = "Nord-KAP"
id = "organisation/plo"

[[merge]]
from = "initiative/plan-traening"
into = "initiative/plan-traening-aktive-seniorer"

[[reject]]
id = "decision/002-818f88c87e4c8c19-txt/5/2"
reason = "ikke en beslutning"
""",
        encoding="utf-8",
    )
    build([MINUTES], out_dir=tmp_path / "out", data_dir=data, document_builder=build_document)
    store = GraphStore.open_read_only(tmp_path / "out")
    assert not store.query(
        PREFIXES + "ASK { <https://w3id.org/sundhedsgraf/id/decision/002-818f88c87e4c8c19-txt/5/2> a ?t }"
    )
    assert store.query(
        PREFIXES + "ASK { <https://w3id.org/sundhedsgraf/id/decision/002-818f88c87e4c8c19-txt/5/1> a besluit:Besluit }"
    )
    assert not store.query(
        PREFIXES + "ASK { ?doc sg:mentions <https://w3id.org/sundhedsgraf/id/initiative/plan-traening> }"
    )
    assert store.query(
        PREFIXES
        + "ASK { ?doc sg:mentions <https://w3id.org/sundhedsgraf/id/initiative/plan-traening-aktive-seniorer> }"
    )
    assert store.query(
        PREFIXES
        + """ASK { ?doc sg:mentions <https://w3id.org/sundhedsgraf/id/organisation/plo> .
                 <https://w3id.org/sundhedsgraf/id/organisation/plo> prov:qualifiedDerivation ?q .
                 ?q sg:curated true }"""
    )
    assert store.query(
        PREFIXES + "ASK { GRAPH <https://w3id.org/sundhedsgraf/graph/corrections> { ?s sg:curated true } }"
    )


def test_extraction_meets_the_quality_targets_on_the_samples(registry):
    result = evaluate(REFERENCE.parent / "gold", MINUTES, registry).where("samples")
    assert len(result.documents) == 5
    for fact_type, met in result.meets_targets().items():
        assert met, (fact_type, [e for d in result.documents for e in d.errors])


def test_evaluate_command(tmp_path):
    result = CliRunner().invoke(main, ["evaluate", "--errors"])
    assert result.exit_code == 0
    assert "decisions" in result.output and "F1" in result.output
