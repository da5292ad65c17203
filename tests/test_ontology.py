"""The ontology, its controlled lists and the SHACL shapes."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.ontology import concept_iri, concept_keys, ontology_graph, shapes_graph
from graph.vocab import SG


def _labels(graph, term, prop):
    return {getattr(label, "language", None) for label in graph.objects(term, prop)}


def test_every_own_term_has_danish_and_english_label_and_comment():
    graph = ontology_graph()
    terms = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(SG))}
    assert len(terms) > 60
    for term in terms:
        is_scheme = (term, RDF.type, SKOS.ConceptScheme) in graph
        label = SKOS.prefLabel if is_scheme else RDFS.label
        assert {"da", "en"} <= _labels(graph, term, label), term
        assert {"da", "en"} <= _labels(graph, term, RDFS.comment), term


def test_every_concept_has_labels_definitions_and_a_scheme():
    graph = ontology_graph()
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 50
    for c in concepts:
        assert {"da", "en"} <= _labels(graph, c, SKOS.prefLabel), c
        assert {"da", "en"} <= _labels(graph, c, SKOS.definition), c
        assert graph.value(c, SKOS.inScheme) is not None


def test_outcomes_are_the_controlled_list():
    assert set(concept_keys("OutcomeScheme")) == {
        "approved",
        "approved-with-remarks",
        "noted",
        "discussed",
        "rejected",
        "postponed",
        "recommended",
        "other",
    }
    assert concept_iri("ItemKindScheme", "decision").endswith("/item-kind/decision")


def test_reuses_standard_vocabularies():
    graph = ontology_graph()
    parents = {str(o) for o in graph.objects(None, RDFS.subClassOf)} | {
        str(o) for o in graph.objects(None, RDFS.subPropertyOf)
    }
    assert "http://www.w3.org/ns/org#FormalOrganization" in parents
    assert "http://data.vlaanderen.be/ns/besluit#Bestuursorgaan" in parents
    assert "http://data.vlaanderen.be/ns/besluit#isGehoudenDoor" in parents
    assert "http://www.w3.org/ns/prov#Derivation" in parents
    assert (URIRef("https://w3id.org/sundhedsgraf/ont"), RDF.type, OWL.Ontology) in graph


def test_shapes_parse_and_every_shape_has_messages():
    from graph.vocab import SH

    shapes = shapes_graph()
    properties = list(shapes.objects(None, SH.property))
    assert len(properties) > 25
    for prop in properties:
        assert shapes.value(prop, SH.message) is not None
