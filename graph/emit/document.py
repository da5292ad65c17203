"""Emit one document's facts as triples for its own named graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF

from ..read import Document
from ..vocab import SG, iri


def document_iri(document: Document):
    return iri("doc", document.key)


def document_triples(document: Document) -> list[tuple]:
    node = document_iri(document)
    return [
        (node, RDF.type, SG.SourceDocument),
        (node, SG.sha256, Literal(document.sha256)),
        (node, SG.fileName, Literal(Path(document.path).name)),
        (node, DCTERMS["format"], Literal(document.format)),
    ]
