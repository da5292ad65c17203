"""The document pipeline, one call per file: read -> segment -> extract -> link -> emit.

Each stage is its own package and takes plain data from the one before; this module
only composes them, so that `build`, `extract` and `evaluate` run the same chain.
"""

from __future__ import annotations

from pathlib import Path

from .emit.document import document_triples
from .read import Document, read_document
from .registry import Registry


def build_document(path: Path, raw: bytes, key: str, registry: Registry) -> tuple[list[tuple], list[str]]:
    """Run the whole pipeline on one file; return its triples and warnings."""
    document = read_document(path, raw=raw, key=key)
    return document_triples(document), list(document.warnings)


__all__ = ["Document", "build_document", "read_document"]
