"""Compile the reference registry into RDF (the `reference` named graph)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD

from ..ontology import concept_iri
from ..registry import Entity, Registry
from ..vocab import ID, SG, bind_prefixes

CLASS_OF_KIND = {
    "region": SG.Region,
    "kommune": SG.Kommune,
    "organisation": SG.Organisation,
    "klynge": SG.Sundhedsklynge,
    "forum": SG.Forum,
}


def entity_iri(entity_id: str) -> URIRef:
    return ID[entity_id]


def _add_fact_metadata(graph: Graph, node: URIRef, source: str, confidence: str, note: str = "") -> None:
    if source:
        graph.add((node, DCTERMS.source, Literal(source)))
    graph.add((node, SG.confidence, concept_iri("ConfidenceScheme", confidence)))
    if note:
        graph.add((node, SG.note, Literal(note, lang="da")))


def _add_entity(graph: Graph, entity: Entity) -> None:
    node = entity_iri(entity.id)
    graph.add((node, RDF.type, CLASS_OF_KIND[entity.kind]))
    if entity.kind in ("region", "kommune", "organisation"):
        graph.add((node, RDF.type, SG.Organisation))
        graph.add((node, RDF.type, ORG.FormalOrganization))
    graph.add((node, SKOS.prefLabel, Literal(entity.name, lang="da")))
    for alias in entity.aliases:
        graph.add((node, SKOS.altLabel, Literal(alias, lang="da")))
    if entity.code:
        graph.add((node, SG.code, Literal(entity.code)))
    if entity.org_kind:
        graph.add((node, SG.organisationKind, concept_iri("OrganisationKindScheme", entity.org_kind)))
    if entity.region:
        graph.add((node, SG.inRegion, entity_iri(entity.region)))
    if entity.valid_from:
        graph.add((node, SG.validFrom, Literal(entity.valid_from, datatype=XSD.date)))
    if entity.valid_to:
        graph.add((node, SG.validTo, Literal(entity.valid_to, datatype=XSD.date)))
    _add_fact_metadata(graph, node, entity.source, entity.confidence, entity.note)

    if entity.kind == "klynge":
        if entity.acute_hospital:
            graph.add((node, SG.acuteHospital, entity_iri(entity.acute_hospital)))
        members = [entity.region, *entity.members] if entity.region else list(entity.members)
        for member in members:
            membership = ID[f"membership/{entity.id}/{member}"]
            graph.add((node, ORG.hasMember, entity_iri(member)))
            graph.add((membership, RDF.type, ORG.Membership))
            graph.add((membership, ORG.member, entity_iri(member)))
            graph.add((membership, ORG.organization, node))
            if member in entity.partial_members:
                graph.add((membership, SG.partial, Literal(True)))
            if entity.valid_from:
                graph.add((membership, SG.validFrom, Literal(entity.valid_from, datatype=XSD.date)))
            if entity.valid_to:
                graph.add((membership, SG.validTo, Literal(entity.valid_to, datatype=XSD.date)))
            _add_fact_metadata(graph, membership, entity.source, entity.confidence)

    if entity.kind == "forum":
        if entity.level:
            graph.add((node, SG.level, concept_iri("ForumLevelScheme", entity.level)))
        if entity.part_of:
            graph.add((node, SG.partOf, entity_iri(entity.part_of)))
            graph.add((node, ORG.unitOf, entity_iri(entity.part_of)))
        if entity.reports_to:
            graph.add((node, SG.reportsTo, entity_iri(entity.reports_to)))


def registry_graph(registry: Registry) -> Graph:
    """All registry facts as one graph, with source and confidence on every fact."""
    graph = Graph()
    bind_prefixes(graph)
    for entity in registry.entities.values():
        _add_entity(graph, entity)
    for event in registry.events:
        node = ID[f"reform/{event.id}"]
        graph.add((node, RDF.type, SG.ReformEvent))
        graph.add((node, SKOS.prefLabel, Literal(event.name, lang="da")))
        graph.add((node, DCTERMS.date, Literal(event.date, datatype=XSD.date)))
        for target in event.establishes:
            graph.add((node, ORG.resultingOrganization, entity_iri(target)))
            graph.add((entity_iri(target), ORG.resultedFrom, node))
        for target in event.dissolves:
            graph.add((node, ORG.originalOrganization, entity_iri(target)))
            graph.add((node, SG.dissolves, entity_iri(target)))
            graph.add((entity_iri(target), ORG.changedBy, node))
        _add_fact_metadata(graph, node, event.source, event.confidence, event.note)
    return graph


def corrections_graph(corrections) -> Graph:
    """The human corrections themselves, so the store says what was curated and why."""
    from rdflib.namespace import OWL, PROV

    graph = Graph()
    bind_prefixes(graph)
    source = Literal(corrections.path) if corrections.path else None
    for name, target in sorted(corrections.aliases.items()):
        node = ID[target]
        graph.add((node, SKOS.hiddenLabel, Literal(name, lang="da")))
    for old, new in sorted(corrections.merges.items()):
        graph.add((ID[old], OWL.sameAs, ID[new]))
    for rejected, reason in sorted(corrections.rejects.items()):
        graph.add((ID[rejected], SG.note, Literal(f"afvist ved rettelse: {reason}", lang="da")))
    for subject in set(graph.subjects()):
        graph.add((subject, SG.curated, Literal(True)))
        if source is not None:
            graph.add((subject, PROV.wasDerivedFrom, source))
    return graph
