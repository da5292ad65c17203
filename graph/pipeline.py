"""The document pipeline, one call per file: read -> segment -> extract -> link -> emit.

Each stage is its own package and takes plain data from the one before; this module
only composes them, so that `build`, `extract` and `evaluate` run the same chain.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .emit.document import document_triples
from .extract import Gazetteer, extract
from .extract.model import Extraction
from .link import link
from .read import Document, ReadError, read_document
from .registry import Registry
from .segment import segment
from .workers import TaskFailed

if TYPE_CHECKING:
    from .build import BuildContext, DocumentOutput

ORGANISATION_KINDS = ("region", "kommune", "organisation")
# A bare place name ("Vejle", "Syddanmark") is a town or an area as often as an organisation:
# only names with an organisation word, abbreviations and multi-word names are looked for.
_ORG_WORD = re.compile(
    r"kommune|region|hospital|sygehus|psykiatri|universitet|styrelse|ministeri|regioner|forening|praksis", re.I
)


def _detectable(label: str) -> bool:
    return " " in label.strip() or bool(_ORG_WORD.search(label)) or (label.isupper() and len(label) >= 2)


@lru_cache(maxsize=4)
def gazetteer(registry: Registry) -> Gazetteer:
    """The registry's names the extractor looks for: organisations (name -> kind) and health clusters."""
    organisations: dict[str, str | None] = {}
    for entity in registry.entities.values():
        if entity.kind in ORGANISATION_KINDS:
            for label in entity.labels:
                if _detectable(label):
                    organisations.setdefault(label, entity.org_kind)
    clusters = frozenset(label for e in registry.by_kind("klynge") for label in e.labels)
    return Gazetteer(organisations=organisations, clusters=clusters)


def extract_document(
    path: str | Path, registry: Registry, raw: bytes | None = None, key: str | None = None
) -> tuple[Document, Extraction]:
    document = read_document(path, raw=raw, key=key)
    extraction = extract(segment(document), gazetteer(registry))
    return document, extraction


def extract_linked(path: str | Path, registry: Registry) -> Extraction:
    """`extract`: a file's facts with their registry ids, and every warning; a ReadError says why not."""
    try:
        _, extraction = extract_document(path, registry)
    except ReadError as exc:
        raise TaskFailed(str(exc)) from exc
    linked = link(extraction, registry)
    extraction.warnings.extend(linked.warnings)
    extraction.gazetteer = Gazetteer()  # the registry's names need not travel back from a worker
    return extraction


def build_document(path: Path, raw: bytes, key: str, context: BuildContext) -> DocumentOutput:
    """Run the whole pipeline on one file (context: registry and corrections); return its triples, its
    warnings, and the descriptions of the shared nodes it names (node -> triples)."""
    document, extraction = extract_document(path, context.registry, raw=raw, key=key)
    linked = link(extraction, context.registry, context.corrections)
    triples, shared = document_triples(document, linked)
    return triples, list(extraction.warnings) + linked.warnings, shared
