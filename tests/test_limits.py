"""Hostile input costs only itself: extraction is linear in the input, and each document has a time and a
memory limit in a worker of its own, so one bad file is reported by name while the batch goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.build import build
from graph.pipeline import build_document, extract_document
from graph.read import MAX_BYTES, ReadError, document_key, read_document
from graph.workers import Limits, run_limited

# Runs that made patterns backtrack over a whole line before they were bounded: a line of dots (a table of
# contents' leader), one long word, capitals, brackets, separators, whitespace, markup, list-like text.
HOSTILE_UNITS = [
    ".",
    "…",
    "a",
    "A",
    "Æ",
    "Aa-",
    "a-a ",
    "A og ",
    "A, ",
    "a,",
    " ",
    "  \n",
    "\n ",
    "\t",
    "(",
    "[",
    "*a ",
    "1.",
    "1 ",
    "- a\n",
    "møde ",
    "Afbud: A, ",
    "1. A\n",
    "kr. ",
    "Godkendt. ",
    ".\t1\n",
]


def _extract_seconds(registry, body: str) -> float:
    raw = ("Referat\n\n" + body + "\n").encode("utf-8")
    best = float("inf")
    for _ in range(3):  # the best of three runs: the machine may be busy
        started = time.perf_counter()
        extract_document("hostile.txt", registry, raw=raw)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.slow
def test_extraction_time_is_linear_in_hostile_input(registry):
    size = 8_000
    slow = []
    for unit in HOSTILE_UNITS:
        once = (unit * (size // len(unit) + 1))[:size]
        four_times = (unit * (4 * size // len(unit) + 1))[: 4 * size]
        t1, t4 = _extract_seconds(registry, once), _extract_seconds(registry, four_times)
        # four times the input must take about four times as long (quadratic: sixteen); the margin up to eight
        # absorbs a busy machine (CI beside other jobs measured 3.8x for a linear 2x); small times are noise
        if t4 > 0.25 and t4 > 8 * t1 or t4 > 2.0:
            slow.append(f"{unit!r}: {t1:.2f} s -> {t4:.2f} s")
    assert not slow, "not linear: " + "; ".join(slow)


def test_a_64k_line_of_dots_is_read_in_a_second(registry):
    started = time.perf_counter()
    extract_document("dots.txt", registry, raw=("Referat\n\n" + "." * 64_000 + "\n").encode())
    assert time.perf_counter() - started < 5  # was 195 s


# ----------------------------------------------------------------------------- workers with limits


def _sleep_or_echo(task):
    if task == "sleep":
        time.sleep(30)
    if task == "memory":
        return bytearray(4 * 1024**3)
    if task == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "raise":
        raise ValueError("ødelagt")
    return task.upper()


def test_a_task_over_its_time_is_stopped_and_the_others_go_on():
    started = time.perf_counter()
    results = list(run_limited(_sleep_or_echo, ["a", "sleep", "b", "c"], jobs=2, limits=Limits(seconds=1.5)))
    assert time.perf_counter() - started < 10
    assert results[0] == (True, "A") and results[2] == (True, "B") and results[3] == (True, "C")
    assert results[1][0] is False and "tog mere end 2 s" in results[1][1]


def test_memory_killed_and_failing_tasks_are_named_not_fatal():
    results = list(
        run_limited(
            _sleep_or_echo, ["memory", "kill", "raise", "d"], jobs=1, limits=Limits(seconds=20, memory=512 * 1024**2)
        )
    )
    assert results[0][0] is False and "hukommelse" in results[0][1]
    assert results[1][0] is False and "SIGKILL" in results[1][1]
    assert results[2] == (False, "ValueError: ødelagt")
    assert results[3] == (True, "D")


def _stalling_builder(path, raw, key, context):
    if b"STALL" in raw:
        time.sleep(60)
    return build_document(path, raw, key, context)


def test_build_stops_a_stalling_document_and_builds_the_rest(tmp_path, reference_copy):
    minutes = reference_copy / "minutes"
    (minutes / "ok.txt").write_text("Referat\n\n1. Godkendelse af dagsorden\nBeslutning\nGodkendt.\n", encoding="utf-8")
    (minutes / "stall.txt").write_text("Referat\n\nSTALL\n", encoding="utf-8")
    report = build(
        out_dir=tmp_path / "out", data_dir=reference_copy, document_builder=_stalling_builder, limits=Limits(seconds=2)
    )
    status = {Path(d.path).name: d for d in report.documents}
    assert status["ok.txt"].status == "built"
    assert status["stall.txt"].status == "failed" and "tog mere end 2 s" in status["stall.txt"].error


def test_the_size_limit_is_checked_before_reading(tmp_path):
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as handle:  # 2 GB on paper, nothing on disk: refused without being read
        handle.truncate(2 * 1024**3)
    with pytest.raises(ReadError, match=r"for stor \(2048 MB; grænsen er 50 MB\)"):
        read_document(sparse)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(ReadError, match="grænsen er 50 MB"):
        read_document(big)


def test_long_file_names_that_differ_at_the_end_are_two_documents():
    stem = "Referat af møde i Sundhedsklynge Lillebælt fagligt strategisk niveau med bilag og tilføjelser "
    first, second = document_key(Path(stem + "2024-05-01.txt")), document_key(Path(stem + "2024-06-01.txt"))
    assert first != second and len(first) <= 80 and len(second) <= 80
    assert first == document_key(Path(stem + "2024-05-01.txt"))  # stable
    assert document_key(Path("002_818f88c87e4c8c19.txt")) == "002-818f88c87e4c8c19-txt"  # short names as before


def test_a_file_name_that_is_not_utf8_is_read(tmp_path):
    name = os.fsdecode(b"referat-\xe6\xf8\xe5.txt")  # latin-1 bytes in a file name
    path = tmp_path / name
    path.write_text("Referat\n\n1. Punkt\nBeslutning\nGodkendt.\n", encoding="utf-8")
    document = read_document(path)
    assert "\ufffd" in document.path and document.key.startswith("referat")
    report = build([path], out_dir=tmp_path / "out", document_builder=build_document)
    assert report.ok and report.documents[0].status == "built"


# ----------------------------------------------------------------------------- Word files

_DOCX_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)


def _docx(path: Path, body_chunks, repeat: int = 1) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(_DOCX_HEAD)
            for _ in range(repeat):
                for chunk in body_chunks:
                    part.write(chunk)
            part.write(b"</w:body></w:document>")
    return path


def test_a_docx_bomb_is_refused_without_unpacking(tmp_path):
    paragraph = b"<w:p><w:r><w:t>" + b"x" * 4000 + b"</w:t></w:r></w:p>"
    bomb = _docx(tmp_path / "bomb.docx", [paragraph], repeat=60_000)  # ~240 MB of XML in a small file
    assert bomb.stat().st_size < 5 * 1024**2
    started = time.perf_counter()
    with pytest.raises(ReadError, match=r"udpakket; grænsen er 200 MB"):
        read_document(bomb)
    assert time.perf_counter() - started < 2


def _read_text_length(path):
    return len(read_document(path).text)


@pytest.mark.slow
def test_a_large_docx_is_read_as_a_stream_within_a_small_memory_limit(tmp_path):
    paragraph = b"<w:p><w:r><w:t>Punkt om sundhed og samarbejde. </w:t></w:r></w:p>"
    big = _docx(tmp_path / "big.docx", [paragraph], repeat=600_000)  # ~40 MB of XML
    [(ok, length)] = run_limited(_read_text_length, [big], limits=Limits(seconds=60, memory=400 * 1024**2))
    assert ok, length
    assert length > 15_000_000


def test_a_docx_with_comments_and_processing_instructions_is_read(tmp_path):
    path = _docx(
        tmp_path / "c.docx",
        [
            b"<!-- en kommentar --><?pi data?>",
            b"<w:p><w:r><w:t>Referat</w:t></w:r></w:p><!-- mere -->",
            b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Dato</w:t></w:r></w:p></w:tc><!-- c -->"
            b"<w:tc><w:p><w:r><w:t>1. maj 2024</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        ],
    )
    assert read_document(path).text == "Referat\nDato\t1. maj 2024\n"


def test_broken_xml_in_a_docx_is_a_read_error(tmp_path):
    path = _docx(tmp_path / "broken.docx", [b"<w:p><w:r><w:t>Referat</w:t></w:r>"])
    with pytest.raises(ReadError, match="ødelagt Word-fil"):
        read_document(path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.4])
def test_workers_die_with_their_parent_however_early_it_is_killed(tmp_path, delay):
    marker = f"SUNDHEDSGRAF_WORKER_TEST={os.getpid()}-{delay}-{time.monotonic_ns()}"
    code = "import time\nfrom graph.workers import run_limited\nlist(run_limited(time.sleep, [30] * 4, jobs=2))\n"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, env=env)
    time.sleep(delay)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _with_marker(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _with_marker(marker) == []


def _with_marker(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found
