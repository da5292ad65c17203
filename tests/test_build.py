"""`build`: registry and minutes into the store, one named graph per source, exported as TriG and N-Quads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import RDF

from graph.build import DEFAULT_DATA as DATA, build
from graph.pipeline import build_document
from graph.registry import RegistryError
from graph.store import GraphStore, open_for_update
from graph.validate import union_graph, validate_graph
from graph.vocab import GRAPH, ID, REGISTRY_GRAPH, SG


def test_build_writes_dataset_ontology_and_shapes(built):
    for name in ("ontology", "shapes"):
        assert built.files[name].stat().st_size > 0
    dataset = Dataset()
    for path in sorted(built.files["export"].glob("*.trig")):
        dataset.parse(path, format="trig")
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert str(REGISTRY_GRAPH) in graphs
    assert sum(1 for g in graphs if g.startswith(str(GRAPH["doc/"]))) == 5  # one named graph per document
    nq = [p.name for p in built.files["export"].glob("*.nq")]
    assert (
        len([n for n in nq if not n.startswith(("node-", "state-"))]) == 9
    )  # registry, ontology, corrections, summary, 5 documents
    assert 0 < len([n for n in nq if n.startswith("state-case-")]) < len([n for n in nq if n.startswith("node-case-")])
    assert any(n.startswith("node-person-") for n in nq)  # shared nodes are described in graphs of their own


def test_nquads_and_trig_hold_the_same_quads_as_the_store(built):
    trig, nq = ox.Store(), ox.Store()
    for path in built.files["export"].glob("*.trig"):
        trig.load(path=str(path), format=ox.RdfFormat.TRIG)
    for path in built.files["export"].glob("*.nq"):
        nq.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store = GraphStore.open_read_only(built.out_dir)
    assert (
        len(trig)
        == len(nq)
        == len(store) - len(list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH["meta"])))))
        > 3000
    )


def test_a_shared_node_is_described_once(built):
    # Oxigraph's union default graph repeats a triple once per graph holding it: a shared node's label
    # must live in one graph, not in every document that names it
    store = GraphStore.open_read_only(built.out_dir)
    rows = list(
        store.query(
            """SELECT ?s (COUNT(DISTINCT ?g) AS ?n)
               WHERE { GRAPH ?g { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }
               GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1)""",
            union=False,
        )
    )
    assert rows == []


def test_summary_counts_nodes_per_type(built):
    assert built.type_counts[str(SG.Kommune)] == 98
    assert built.type_counts[str(SG.Sundhedsklynge)] == 22
    assert built.type_counts[str(SG.SourceDocument)] == 5
    assert built.seconds > 0


def test_built_dataset_validates_clean(built):
    store = GraphStore.open_read_only(built.out_dir)
    assert validate_graph(union_graph(store)) == []


def test_registry_facts_carry_source_and_confidence_in_rdf(built):
    store = GraphStore.open_read_only(built.out_dir)
    rows = list(
        store.query("""
        PREFIX sg: <https://w3id.org/sundhedsgraf/ont#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?name ?conf ?source WHERE {
          ?k a sg:Sundhedsklynge ; skos:prefLabel ?name ; sg:confidence ?c ; dct:source ?source .
          ?c skos:notation ?conf }""")
    )
    assert len(rows) == 22
    assert {r["conf"].value for r in rows} == {"V", "P", "U"}


def test_rebuild_skips_unchanged_documents(tmp_path):
    first = build(out_dir=tmp_path, document_builder=build_document)
    assert {d.status for d in first.documents} == {"built"}
    second = build(out_dir=tmp_path, document_builder=build_document)
    assert {d.status for d in second.documents} == {"unchanged"}
    assert second.total_quads == first.total_quads
    assert second.registry_triples == first.registry_triples > 1000  # counted again, not written again


def test_the_quad_count_carried_between_builds_matches_the_store(tmp_path):
    minutes = tmp_path / "minutes"
    minutes.mkdir()
    for source in sorted((DATA / "minutes").iterdir()):
        (minutes / source.name).write_bytes(source.read_bytes())
    out = tmp_path / "out"
    reports = [build([minutes], out_dir=out, document_builder=build_document)]
    first, second, *_ = sorted(minutes.iterdir())
    first.write_bytes(first.read_bytes() + "\nPunkt 99: Eventuelt\nBeslutning\nDrøftet.\n".encode())  # changed
    second.unlink()  # removed
    reports.append(build([minutes], out_dir=out, document_builder=build_document))
    assert [d.status for d in reports[1].documents].count("removed") == 1
    for report in reports[1:]:
        assert report.total_quads == len(GraphStore.open_read_only(out)) != reports[0].total_quads


def _quads_outside_meta(store: GraphStore) -> set[ox.Quad]:
    meta = str(GRAPH["meta"])  # the build's id differs from build to build
    return {q for q in store.ox if q.graph_name.value != meta}


def test_batches_loaded_and_compacted_in_the_background_give_the_same_store(tmp_path, built, monkeypatch):
    monkeypatch.setattr(GraphStore, "BULK_BATCH", 300)  # every document or two its own load, in the loading thread
    monkeypatch.setattr(GraphStore, "OPTIMIZE_FROM", 1000)  # and compacted there while the case states are written
    report = build(out_dir=tmp_path, document_builder=build_document)
    store, reference = GraphStore.open_read_only(tmp_path), GraphStore.open_read_only(built.out_dir)
    assert _quads_outside_meta(store) == _quads_outside_meta(reference)
    assert report.total_quads == len(store) == built.total_quads


def test_a_load_that_fails_in_the_background_is_raised_when_the_store_is_committed(monkeypatch):
    monkeypatch.setattr(GraphStore, "BULK_BATCH", 1)
    store = GraphStore(ox.Store())
    store.stage_nquads("https://example.org/g", b"<https://example.org/a> <https://example.org/b> broken .\n", 1)
    with pytest.raises(SyntaxError):
        store.commit_staged()
    store.stop_loading()


def test_a_broken_registry_leaves_the_previous_store_intact(tmp_path, reference_copy):
    out = tmp_path / "out"
    good = build(out_dir=out, data_dir=reference_copy)
    (reference_copy / "reference" / "regioner.csv").write_text(
        "kode,id,navn,kilde,sikkerhed\n1081,,,x,V\n", encoding="utf-8"
    )
    with pytest.raises(RegistryError, match="regioner.csv:2: id og navn skal udfyldes"):
        build(out_dir=out, data_dir=reference_copy)
    assert len(GraphStore.open_read_only(out)) == good.total_quads


def test_an_exception_during_the_update_keeps_the_old_store(tmp_path):
    good = build(out_dir=tmp_path)
    with pytest.raises(RuntimeError):
        with open_for_update(tmp_path) as store:
            store.remove_graph(str(REGISTRY_GRAPH))
            raise RuntimeError("killed midway")
    assert len(GraphStore.open_read_only(tmp_path)) == good.total_quads
    assert not list(tmp_path.glob("store.building-*"))


def test_a_build_that_fails_midway_leaves_the_exports_as_they_were(tmp_path):
    minutes = tmp_path / "minutes"
    minutes.mkdir()
    for source in sorted((DATA / "minutes").iterdir())[:2]:
        (minutes / source.name).write_bytes(source.read_bytes())
    out = tmp_path / "out"
    build([minutes], out_dir=out, document_builder=build_document)
    before = {p.name: p.read_bytes() for p in (out / "export").iterdir()}
    for path in minutes.iterdir():  # both documents change ...
        path.write_bytes(path.read_bytes() + "\nPunkt 99: Eventuelt\nBeslutning\nDrøftet.\n".encode())

    def stop_at_the_second(path):  # ... and the build dies after the first has been written
        if path.endswith(sorted(p.name for p in minutes.iterdir())[1]):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build([minutes], out_dir=out, document_builder=build_document, progress=stop_at_the_second)
    assert {p.name: p.read_bytes() for p in (out / "export").iterdir()} == before  # no half-new export, nothing pending


def test_validate_reports_a_violation_in_plain_words(tmp_path):
    build(out_dir=tmp_path)
    with open_for_update(tmp_path) as store:
        bad = ID["kommune/9999"]
        store.replace_graph(
            GRAPH["doc/broken"],
            [
                (bad, RDF.type, SG.Kommune),
                (bad, SG.code, Literal("99")),
            ],
        )
    violations = validate_graph(union_graph(GraphStore.open_read_only(tmp_path)))
    messages = {(v.focus, v.path, v.message) for v in violations}
    assert (str(bad), "sg:code", "En kommune skal have præcis én firecifret kommunekode.") in messages
    assert (str(bad), "sg:inRegion", "En kommune skal ligge i en region.") in messages
    assert all(v.focus == str(bad) for v in violations)


def test_only_the_content_stages_make_stored_graphs_stale():
    from graph.build import CONTENT_STAGES, _code_fingerprint

    package = Path(__file__).resolve().parent.parent / "graph"
    assert all((package / stage).exists() for stage in CONTENT_STAGES)
    assert {"maps", "serve", "query", "cli.py", "push.py", "harvest.py"}.isdisjoint(CONTENT_STAGES)
    lexicon = (package / "lexicon" / "outcomes.toml").read_bytes()
    assert lexicon in _code_fingerprint()  # the lexicon is data of the extractor: a change rebuilds
    assert (package / "maps" / "template.html").read_bytes() not in _code_fingerprint()
