"""Namespaces and IRI minting shared by every stage that writes or reads RDF.

One place decides what an IRI looks like, so that the registry, the emitter,
the queries and the maps agree, and a rebuild gives the same IRIs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

BASE = "https://w3id.org/sundhedsgraf/"
SG = Namespace(BASE + "ont#")  # our own terms, only where no standard vocabulary fits
ID = Namespace(BASE + "id/")  # instances
CONCEPT = Namespace(BASE + "concept/")  # SKOS concepts of our schemes
GRAPH = Namespace(BASE + "graph/")  # named graphs
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")  # LBLOD decisions
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES = {
    "sg": SG,
    "sgid": ID,
    "sgc": CONCEPT,
    "sgg": GRAPH,
    "besluit": BESLUIT,
    "org": ORG,
    "prov": PROV,
    "dct": DCTERMS,
    "skos": SKOS,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "time": TIME,
}

REGISTRY_GRAPH = GRAPH["reference"]
ONTOLOGY_GRAPH = GRAPH["ontology"]
CORRECTIONS_GRAPH = GRAPH["corrections"]

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "ß": "ss"})


def slug(text: str, max_len: int = 80) -> str:
    """A stable, readable IRI segment: 'Sygehus Lillebælt' -> 'sygehus-lillebaelt'."""
    text = text.translate(_TRANSLIT).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return (text[:max_len].rstrip("-")) or "x"


def concept(scheme: str, key: str) -> URIRef:
    return CONCEPT[f"{scheme}/{key}"]


def iri(kind: str, *parts: str) -> URIRef:
    """Mint an instance IRI: iri('kommune', '0101') -> .../id/kommune/0101."""
    return ID["/".join([kind, *parts])]


def document_graph(doc_id: str) -> URIRef:
    return GRAPH[f"doc/{doc_id}"]


def bind_prefixes(graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)


class OxNamespace:
    """The same namespace, giving pyoxigraph terms: the emit stage builds quads for the store directly,
    because making rdflib terms and converting them cost about a third of a build (see bench/)."""

    def __init__(self, namespace: str | type[DefinedNamespace]):
        self.base = str(namespace)

    def __getattr__(self, name: str) -> ox.NamedNode:  # only called once per name: the term is then kept
        if name.startswith("__"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> ox.NamedNode:
        return _named_node(self.base + name)


@lru_cache(maxsize=4096)
def _named_node(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def ox_term(term) -> ox.NamedNode:
    """An rdflib IRI (a vocabulary term, a concept) as a pyoxigraph one."""
    return _named_node(str(term))


def decimal(value: float) -> ox.Literal:
    """Kroner to two decimals as xsd:decimal, in the canonical form the store gives back ("4300000", "12.5")."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return ox.Literal(text if text not in ("", "-0") else "0", datatype=ox.NamedNode(str(XSD.decimal)))
