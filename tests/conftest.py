from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.build import DEFAULT_DATA, build
from graph.pipeline import build_document
from graph.registry import load_registry

REFERENCE = DEFAULT_DATA / "reference"
MINUTES = DEFAULT_DATA / "minutes"


@pytest.fixture(scope="session")
def registry():
    return load_registry(REFERENCE)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The sample corpus built once for the whole session (read-only for tests)."""
    out = tmp_path_factory.mktemp("built")
    report = build(out_dir=out, document_builder=build_document)
    return report


@pytest.fixture
def reference_copy(tmp_path) -> Path:
    """A writable copy of data/ (reference only) that a test may break."""
    root = tmp_path / "data"
    shutil.copytree(REFERENCE, root / "reference")
    (root / "minutes").mkdir()
    return root


@pytest.fixture(autouse=True)
def _piped_output_width(monkeypatch):
    """Command output as when piped (160 columns), whatever terminal width the test runner passes on in COLUMNS;
    a test that wants a narrow terminal sets COLUMNS itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
