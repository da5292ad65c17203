"""The command line, as a user runs it."""

from __future__ import annotations

from click.testing import CliRunner
from rdflib import Literal
from rdflib.namespace import RDF

from graph.cli import main
from graph.store import open_for_update
from graph.vocab import GRAPH, ID, SG


def test_build_then_validate(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Kommune" in result.output and "98" in result.output
    result = runner.invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "overholder" in result.output


def test_validate_exits_non_zero_on_a_violation(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--out", str(tmp_path)]).exit_code == 0
    with open_for_update(tmp_path) as store:
        store.replace_graph(GRAPH["doc/x"], [(ID["kommune/x"], RDF.type, SG.Kommune), (ID["kommune/x"], SG.code, Literal("1"))])
    result = runner.invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "firecifret kommunekode" in result.output


def test_validate_without_a_store_says_so(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--data", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "sundhedsgraf build" in result.output


def test_broken_registry_fails_the_build_naming_file_and_line(tmp_path, reference_copy):
    path = reference_copy / "reference" / "kommuner.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[2]  # duplicate code
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "o"), "--reference", str(reference_copy)])
    assert result.exit_code == 2
    assert "kommuner.csv:4: id 'kommune/0147' findes allerede" in result.output
    assert "intet er ændret" in result.output
