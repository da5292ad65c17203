"""Compile the reference registry into RDF (the `reference` named graph)."""

from __future__ import annotations

from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, SKOS, TIME, XSD

from ..ontology import concept_iri
from ..registry import Entity, Registry
from ..vocab import ID, SG, bind_prefixes

CLASS_OF_KIND = {
    "region": SG.Region,
    "kommune": SG.Kommune,
    "organisation": SG.Organisation,
    "klynge": SG.Sundhedsklynge,
    "forum": SG.Forum,
    "sundhedsraad": SG.Sundhedsraad,
    "person": FOAF.Person,
}


def entity_iri(entity_id: str) -> URIRef:
    return ID[entity_id]


def _add_fact_metadata(graph: Graph, node: URIRef, source: str, confidence: str, note: str = "") -> None:
    if source:
        graph.add((node, DCTERMS.source, Literal(source)))
    graph.add((node, SG.confidence, concept_iri("ConfidenceScheme", confidence)))
    if note:
        graph.add((node, SG.note, Literal(note, lang="da")))


def _day(value: date) -> Literal:
    return Literal(value, datatype=XSD.date)


def _interval(graph: Graph, node: URIRef, start: date | None, end: date | None) -> None:
    """`node` as an OWL-Time interval; its instants are shared nodes (…/id/instant/<date>)."""
    graph.add((node, RDF.type, TIME.Interval))
    for prop, day in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
        if day is not None:
            instant = ID[f"instant/{day.isoformat()}"]
            graph.add((node, prop, instant))
            graph.add((instant, RDF.type, TIME.Instant))
            graph.add((instant, TIME.inXSDDate, _day(day)))


def _add_entity(graph: Graph, entity: Entity) -> None:
    node = entity_iri(entity.id)
    _add_classes(graph, node, entity)
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
        _add_cluster(graph, node, entity)
    if entity.kind in ("forum", "sundhedsraad"):
        _add_forum(graph, node, entity)
    if entity.kind == "region":
        for replaced in entity.succeeds:
            graph.add((node, SG.successorOf, entity_iri(replaced)))
    if entity.kind == "sundhedsraad":
        _add_council(graph, node, entity)


def _add_classes(graph: Graph, node: URIRef, entity: Entity) -> None:
    graph.add((node, RDF.type, CLASS_OF_KIND[entity.kind]))
    if entity.kind in ("region", "kommune", "organisation"):
        graph.add((node, RDF.type, SG.Organisation))
        graph.add((node, RDF.type, ORG.FormalOrganization))
    if entity.kind == "sundhedsraad":  # a council is a forum: meetings, decisions and routes treat it as one
        graph.add((node, RDF.type, SG.Forum))
        graph.add((node, RDF.type, ORG.OrganizationalUnit))
    if entity.kind == "person":
        graph.add((node, FOAF.name, Literal(entity.name)))


def _add_cluster(graph: Graph, node: URIRef, entity: Entity) -> None:
    """A health cluster: its acute hospital, and a membership per region and kommune."""
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


def _add_forum(graph: Graph, node: URIRef, entity: Entity) -> None:
    """A forum (or a council): its level, what it is part of and whom it reports to."""
    if entity.level:
        graph.add((node, SG.level, concept_iri("ForumLevelScheme", entity.level)))
    if entity.part_of:
        graph.add((node, SG.partOf, entity_iri(entity.part_of)))
        graph.add((node, ORG.unitOf, entity_iri(entity.part_of)))
    for target in (entity.reports_to, *entity.also_reports_to):
        if target:
            graph.add((node, SG.reportsTo, entity_iri(target)))


def _add_council(graph: Graph, node: URIRef, entity: Entity) -> None:
    """A sundhedsråd: its first meeting, composition, phases and competences."""
    if entity.first_meeting:
        graph.add((node, SG.firstMeeting, _day(entity.first_meeting)))
    if entity.composition:
        graph.add((node, SG.composition, Literal(entity.composition, lang="da")))
    for phase in entity.phases:
        p = URIRef(f"{node}#{phase.kind}")
        graph.add((node, SG.phase, p))
        graph.add((p, RDF.type, SG.Phase))
        graph.add((p, SKOS.prefLabel, Literal(f"{entity.name}: {phase.kind}", lang="da")))
        graph.add((p, SG.phaseKind, concept_iri("PhaseScheme", phase.kind)))
        graph.add((p, SG.validFrom, _day(phase.valid_from)))
        if phase.valid_to:
            graph.add((p, SG.validTo, _day(phase.valid_to)))
        _interval(graph, p, phase.valid_from, phase.valid_to)
        _add_fact_metadata(graph, p, phase.source, phase.confidence, phase.note)
    for competence in entity.competences:
        graph.add((node, SG.competence, entity_iri(competence)))


def _add_councils(graph: Graph, registry: Registry) -> None:
    """The sundhedsråd: kommuner (disputed ones under every reading), seats, transitions, competences."""
    _add_areas(graph, registry)
    _add_seats(graph, registry)
    _add_transitions(graph, registry)
    _add_competences(graph, registry)


def _add_areas(graph: Graph, registry: Registry) -> None:
    for area in registry.areas:
        council, kommune = entity_iri(area.council), entity_iri(area.kommune)
        m = ID[area.id]
        graph.add((m, RDF.type, ORG.Membership))
        graph.add((m, ORG.member, kommune))
        graph.add((m, ORG.organization, council))
        if area.valid_from:
            graph.add((m, SG.validFrom, _day(area.valid_from)))
        if area.disputed:  # never a plain org:hasMember: the readings are stored side by side
            graph.add((m, SG.disputed, Literal(True)))
            graph.add((m, SG.reading, Literal(area.reading)))
            graph.add((m, SG.primaryReading, Literal(area.primary)))
            for other in area.alternatives:
                graph.add((m, SG.alternative, ID[f"membership/{other}/{area.kommune}"]))
        else:
            graph.add((council, ORG.hasMember, kommune))
        _add_fact_metadata(graph, m, area.source, area.confidence, area.note)


def _add_seats(graph: Graph, registry: Registry) -> None:
    for seat in registry.seats:
        m = ID[seat.id]
        person = entity_iri(seat.person)
        graph.add((m, RDF.type, SG.CouncilSeat))
        graph.add((m, RDF.type, ORG.Membership))
        graph.add((m, ORG.member, person))
        graph.add((m, ORG.organization, entity_iri(seat.organisation)))
        graph.add((m, ORG.role, concept_iri("RoleScheme", seat.role)))
        graph.add((m, SG.seat, concept_iri("SeatScheme", seat.seat)))
        if seat.party:
            graph.add((m, SG.party, Literal(seat.party)))
        if seat.represents:
            graph.add((m, SG.represents, entity_iri(seat.represents)))
            graph.add((person, SG.represents, entity_iri(seat.represents)))
        if seat.valid_from:
            graph.add((m, SG.validFrom, _day(seat.valid_from)))
        if seat.valid_to:
            graph.add((m, SG.validTo, _day(seat.valid_to)))
        begins = seat.valid_from.isoformat() if seat.valid_from else "x"
        ends = seat.valid_to.isoformat() if seat.valid_to else ""
        period = ID[f"interval/{begins}--{ends}"]
        graph.add((m, ORG.memberDuring, period))
        _interval(graph, period, seat.valid_from, seat.valid_to)
        _add_fact_metadata(graph, m, seat.source, seat.confidence, seat.note)


def _add_transitions(graph: Graph, registry: Registry) -> None:
    for t in registry.transitions:
        node = ID[t.id]
        predecessor, council = entity_iri(t.predecessor), entity_iri(t.council)
        graph.add((node, RDF.type, SG.Transition))
        graph.add((node, RDF.type, ORG.ChangeEvent))
        graph.add(
            (
                node,
                SKOS.prefLabel,
                Literal(f"{registry.get(t.predecessor).name} → {registry.get(t.council).name}", lang="da"),
            )
        )
        graph.add((node, ORG.originalOrganization, predecessor))
        graph.add((node, ORG.resultingOrganization, council))
        graph.add((predecessor, ORG.changedBy, node))
        graph.add((council, ORG.resultedFrom, node))
        graph.add((node, DCTERMS.date, _day(t.date)))
        for kommune in t.municipalities:
            graph.add((node, SG.municipality, entity_iri(kommune)))
        for kommune in t.disputed:
            graph.add((node, SG.disputedMunicipality, entity_iri(kommune)))
        if t.certain:
            graph.add((council, SG.successorOf, predecessor))
        else:
            graph.add((node, SG.disputed, Literal(True)))
        sources = [registry.get(t.predecessor).source, registry.get(t.council).source]
        graph.add((node, PROV.wasDerivedFrom, entity_iri(t.predecessor)))
        graph.add((node, PROV.wasDerivedFrom, entity_iri(t.council)))
        _add_fact_metadata(graph, node, " ; ".join(dict.fromkeys(s for s in sources if s)), t.confidence, t.note)


def _add_competences(graph: Graph, registry: Registry) -> None:
    for c in registry.competences:
        node = entity_iri(c.id)
        graph.add((node, RDF.type, SG.Competence))
        graph.add((node, SKOS.prefLabel, Literal(c.task, lang="da")))
        graph.add((node, SG.councilRole, concept_iri("RouteRoleScheme", c.council_role)))
        if c.decider_level:
            graph.add((node, SG.decidedAtLevel, concept_iri("ForumLevelScheme", c.decider_level)))
        _add_fact_metadata(graph, node, c.source, c.confidence, c.note)


def registry_graph(registry: Registry) -> Graph:
    """All registry facts as one graph, with source and confidence on every fact."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("time", TIME)
    for entity in registry.entities.values():
        _add_entity(graph, entity)
    _add_councils(graph, registry)
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
