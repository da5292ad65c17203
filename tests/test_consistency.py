"""The store and its exports stay one unit, and an incremental build gives what a clean build gives."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bench.corpus import generate
from graph.build import EXPORT_DIR, build
from graph.cli import main
from graph.pipeline import build_document
from graph.store import META_GRAPH, BuildLocked, GraphStore, build_lock
from graph.validate import check_exports

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "minutes"


def store_quads(out: Path) -> set:
    store = GraphStore.open_read_only(out)
    return {q for q in store.ox if q.graph_name != ox.NamedNode(str(META_GRAPH))}


def export_quads(out: Path) -> set:
    quads = set()
    for path in (out / EXPORT_DIR).glob("*.nq"):
        quads.update(ox.parse(path.read_bytes(), format=ox.RdfFormat.N_QUADS))
    return quads


def export_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (out / EXPORT_DIR).iterdir() if p.name != "BUILD"}


def run_cli(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    code = f"{prelude}\nfrom graph.cli import main\nmain({list(args)!r})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.slow
def test_a_build_killed_between_the_store_swap_and_the_exports_is_repaired_by_the_next(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    paths = generate(6, corpus, seed=5)
    assert run_cli("build", str(corpus), "--out", str(out), "--no-maps").returncode == 0
    paths[0].unlink()  # one removed, one changed, more added
    paths[1].write_text(
        paths[1].read_text(encoding="utf-8") + "\nPunkt 99: Eventuelt\nBeslutning\nDrøftet.\n", encoding="utf-8"
    )
    generate(9, corpus, seed=6)
    killed = run_cli(
        "build",
        str(corpus),
        "--out",
        str(out),
        "--no-maps",
        prelude=(
            "import os, signal, graph.build\n"
            "graph.build.ExportFiles.commit = lambda self, build_id: os.kill(os.getpid(), signal.SIGKILL)"
        ),
    )
    assert killed.returncode == -signal.SIGKILL
    assert store_quads(out) != export_quads(out)  # the store is new, the exports are not
    assert any("ikke fra samme build" in v.message for v in check_exports(out, GraphStore.open_read_only(out)))
    # the next build sees no changed document, but repairs the exports from the store
    report = build([corpus], out_dir=out, document_builder=build_document)
    assert report.repaired_exports and all(d.status == "unchanged" for d in report.documents)
    assert store_quads(out) == export_quads(out)
    assert not check_exports(out, GraphStore.open_read_only(out))
    again = build([corpus], out_dir=out, document_builder=build_document)
    assert not again.repaired_exports


def test_a_failed_build_keeps_the_exports_of_removed_documents(tmp_path, monkeypatch):
    minutes, out = tmp_path / "minutes", tmp_path / "out"
    minutes.mkdir()
    for source in sorted(SAMPLES.iterdir())[:2]:
        shutil.copy(source, minutes / source.name)
    build([minutes], out_dir=out, document_builder=build_document)
    before = export_files(out)
    sorted(minutes.iterdir())[0].unlink()
    monkeypatch.setattr(
        GraphStore, "set_build_id", lambda self, build_id: (_ for _ in ()).throw(OSError(28, "No space left"))
    )
    with pytest.raises(OSError):
        build([minutes], out_dir=out, document_builder=build_document)
    assert export_files(out) == before


def _mutate(rng: random.Random, corpus: Path, pool: list[Path], step: int) -> str:
    files = sorted(corpus.iterdir())
    action = rng.choice(["add", "change", "rename", "delete"] if len(files) > 3 else ["add", "change"])
    if action == "add":
        source = rng.choice(pool)
        shutil.copy(source, corpus / f"{step:02d}-{source.name}")
    elif action == "change":  # another document's text under this name: other people, forums, amounts
        rng.choice(files).write_bytes(rng.choice(pool).read_bytes())
    elif action == "rename":
        victim = rng.choice(files)
        victim.rename(corpus / f"{step:02d}-omdoebt-{victim.name}")
    else:
        rng.choice(files).unlink()
    return action


def _variants(folder: Path) -> list[Path]:
    """Minutes that name the same nodes in other words: one forum by three local names, one person spelled two
    ways. Which document describes a node then shows in its labels."""
    folder.mkdir()
    headers = [
        ("Direktørforum, Sundhedsklynge Lillebælt", "Anne-Marie Hansen, Bo Jensen"),
        ("Faglig strategisk gruppe, Sundhedsklynge Lillebælt", "Bo Jensen"),
        ("Fagligt strategisk niveau, Sundhedsklynge Lillebælt", "Anne-marie Hansen"),
    ]
    paths = []
    for number, (forum, people) in enumerate(headers, start=1):
        path = folder / f"v{number}.txt"
        path.write_text(
            f"Referat\n{forum}\nDato: 1. marts 2024\nDeltagere: {people}\n\n1. Godkendelse af dagsorden\n"
            "Beslutning\nGodkendt.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


@pytest.mark.slow
@pytest.mark.parametrize("seed", [14, 15])  # sequences in which the old build kept a stale label
def test_incremental_builds_equal_a_clean_build_quad_for_quad(tmp_path, seed):
    rng = random.Random(seed)
    pool = generate(14, tmp_path / "pool", seed=seed) + sorted(SAMPLES.iterdir())[2:4] + _variants(tmp_path / "var") * 3
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for source in rng.sample(pool, 5):
        shutil.copy(source, corpus / source.name)
    incremental = tmp_path / "incremental"
    build([corpus], out_dir=incremental, document_builder=build_document)
    actions = []
    for step in range(7):
        actions.append(_mutate(rng, corpus, pool, step))
        build([corpus], out_dir=incremental, document_builder=build_document)
        if step % 3 == 2 or step == 6:
            clean = tmp_path / f"clean-{step}"
            build([corpus], out_dir=clean, document_builder=build_document)
            assert store_quads(incremental) == store_quads(clean), actions
            assert export_files(incremental) == export_files(clean), actions
            assert store_quads(incremental) == export_quads(incremental)


def test_a_second_build_in_the_same_folder_stops_at_once(tmp_path):
    out = tmp_path / "out"
    with build_lock(out):
        with pytest.raises(BuildLocked, match="en anden build kører allerede"):
            build(out_dir=out)
        result = CliRunner().invoke(main, ["build", "--out", str(out), "--no-maps"])
        assert result.exit_code == 3 and "en anden build kører allerede" in result.output
    assert build(out_dir=out).ok  # the lock went with its holder


def test_a_full_disk_is_a_message_and_an_exit_code_not_a_traceback(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(out_dir=out)
    before = store_quads(out)
    monkeypatch.setattr(
        GraphStore,
        "set_build_id",
        lambda self, build_id: (_ for _ in ()).throw(OSError(28, "No space left on device", str(out))),
    )
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--no-maps"])
    assert result.exit_code == 3
    assert "disken er fuld" in result.output and "intet er ændret" in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert store_quads(out) == before


def test_an_unwritable_data_folder_is_a_message(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("ikke en mappe", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--out", str(blocker / "data"), "--no-maps"])
    assert result.exit_code == 3 and "kan ikke skrive i" in result.output and "Traceback" not in result.output


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_a_killed_build_leaves_no_worker_processes(tmp_path):
    corpus = tmp_path / "corpus"
    generate(60, corpus, seed=8)
    marker = f"SUNDHEDSGRAF_TEST_MARKER={os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "build", str(corpus), "--out", str(tmp_path / "out"), "--no-maps"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while len(_processes_with(marker)) < 2 and time.monotonic() < deadline:  # the build and its workers
        time.sleep(0.05)
    assert len(_processes_with(marker)) >= 2
    process.send_signal(signal.SIGKILL)  # the build only, not its process group
    process.wait()
    deadline = time.monotonic() + 10
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []
