"""The benchmark keeps working: its quick mode runs in CI. Figures are reported, never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_writes_its_report(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--docs", "12", "--out", str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    for heading in ("## Mål", "## Navngivne forespørgsler", "## Kort", "## Hvad begrænser"):
        assert heading in text
    assert "fuld build fra ingenting" in text and "endpoint" in text and "beslutninger-i-forum" in text


def test_corpus_generator_is_reproducible(tmp_path):
    from bench.corpus import generate

    a = [p.read_text(encoding="utf-8") for p in generate(12, tmp_path / "a", seed=5)]
    b = [p.read_text(encoding="utf-8") for p in generate(12, tmp_path / "b", seed=5)]
    assert a == b and len({p.split("\n", 1)[0] for p in a}) > 3
