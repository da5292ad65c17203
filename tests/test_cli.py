"""The command line, as a user runs it."""

from __future__ import annotations

import re

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
    types = result.output[result.output.index("Knuder pr. type") :]
    assert "http" not in types  # every type has a Danish name and a short IRI
    result = runner.invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "overholder" in result.output


def test_the_maps_are_drawn_again_only_when_what_they_show_changed(tmp_path):
    from pathlib import Path

    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    sample = sorted((Path(__file__).resolve().parent.parent / "data" / "minutes").iterdir())[0]
    (minutes / sample.name).write_bytes(sample.read_bytes())
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(minutes), "--out", str(out)]).exit_code == 0
    index = out / "maps" / "index.html"
    drawn = index.stat().st_mtime_ns
    again = runner.invoke(main, ["build", str(minutes), "--out", str(out)])
    assert again.exit_code == 0 and "ikke tegnet igen" in again.output
    assert index.stat().st_mtime_ns == drawn
    (minutes / sample.name).write_text(sample.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = runner.invoke(main, ["build", str(minutes), "--out", str(out)])
    assert changed.exit_code == 0 and "ikke tegnet igen" not in changed.output
    assert index.stat().st_mtime_ns != drawn


def test_validate_exits_non_zero_on_a_violation(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--out", str(tmp_path)]).exit_code == 0
    with open_for_update(tmp_path) as store:
        store.replace_graph(
            GRAPH["doc/x"], [(ID["kommune/x"], RDF.type, SG.Kommune), (ID["kommune/x"], SG.code, Literal("1"))]
        )
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


# --------------------------------------------------------------------------------------------- help, tables, path

COMMANDS = ["build", "validate", "queries", "query", "serve", "push", "map", "path", "extract", "harvest", "evaluate"]
ENGLISH = [
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message",
    "Show the version",
    "[default",
    "required]",
    " TEXT",
    " INTEGER",
    " DIRECTORY",
    " FLOAT",
    " PATH",
    " FILE",
    "[OPTIONS]",
    "COMMAND",
    "%Y-%m-%d",
]


def test_help_is_entirely_danish():
    runner = CliRunner()
    assert set(COMMANDS) == set(main.commands)  # a new command gets its help checked too
    for args in ([], *([command] for command in COMMANDS)):
        result = runner.invoke(main, [*args, "--help"], prog_name="sundhedsgraf")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Brug: sundhedsgraf") and "Tilvalg:" in result.output
        assert "-h, --help" in result.output and "Vis denne hjælp og afslut." in result.output
        for word in ENGLISH:
            assert word not in result.output, (args, word, result.output)
    assert "Kommandoer:" in runner.invoke(main, ["--help"], prog_name="sundhedsgraf").output
    assert "Vis versionen og afslut." in runner.invoke(main, ["-h"]).output


def test_usage_errors_are_danish():
    result = CliRunner().invoke(main, ["query"], prog_name="sundhedsgraf")
    assert result.exit_code == 2
    assert "Brug: sundhedsgraf query [TILVALG] NAVN|FIL.rq" in result.output
    assert (
        "Prøv 'sundhedsgraf query --help' for hjælp." in result.output
        and "Fejl: argumentet NAVN|FIL.rq mangler." in result.output
    )
    result = CliRunner().invoke(main, ["bild"], prog_name="sundhedsgraf")
    assert result.exit_code == 2 and "ukendt kommando 'bild'. Mente du 'build'?" in result.output


def test_tables_fit_eighty_columns_without_cutting_dates(built):
    runner = CliRunner(env={"COLUMNS": "80"})
    data = ["--data", str(built.out_dir)]
    for args in (
        ["query", "beslutninger-i-forum", *data],
        ["query", "klynger-og-kommuner", *data],
        ["queries"],
        ["query", "moeder", *data],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert max(len(line) for line in lines) <= 80, (args, max(lines, key=len))
        assert "…" not in result.output, args  # wrapped, never cut
    csv_dates = set(
        re.findall(r"\d{4}-\d{2}-\d{2}", runner.invoke(main, ["query", "moeder", "--format", "csv", *data]).output)
    )
    table = runner.invoke(main, ["query", "moeder", *data]).output
    assert csv_dates and csv_dates <= set(re.findall(r"\d{4}-\d{2}-\d{2}", table))
    wide = CliRunner().invoke(main, ["query", "beslutninger-i-forum", *data]).output  # piped: 160 columns as before
    assert max(len(line) for line in wide.splitlines()) > 80


def test_path_names_the_relation_of_each_step(built):
    result = CliRunner().invoke(
        main,
        [
            "path",
            "Implementeringsgruppen for forebyggelse og forløbsprogrammer",
            "Region Midtjylland",
            "--data",
            str(built.out_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    steps = [line for line in lines if line.strip().startswith("→ ")]
    relations = [line.strip() for line in lines if line.strip()[:1] in "↓↑"]
    assert len(steps) == len(relations) >= 2 and lines[0].startswith(f"{len(steps)} trin")
    assert all(re.fullmatch(r"[↓↑] \w[\w ,()-]*", relation) for relation in relations), relations  # arrow and name
    assert lines[-1].strip().startswith("→ Region Midtjylland")


def test_ambiguous_names_are_listed_with_names_and_regions(built):
    result = CliRunner().invoke(
        main, ["query", "beslutninger-i-forum", "-p", "forum=SSU", "--data", str(built.out_dir)]
    )
    assert result.exit_code == 2
    assert "'SSU' er flertydigt (5 knuder)" in result.output
    assert "Sundhedssamarbejdsudvalget i Region Syddanmark (Region Syddanmark): forum/ssu-1083" in result.output
    result = CliRunner().invoke(
        main,
        [
            "query",
            "beslutninger-i-forum",
            "-p",
            "forum=Sundhedsklynge Nord - politisk niveau",
            "--data",
            str(built.out_dir),
        ],
    )
    assert "(Region Nordjylland): forum/1081/nord/politisk-niveau" in result.output
    assert "(Region Hovedstaden): forum/1084/nord/politisk-niveau" in result.output
