"""Emit one document's linked facts as triples for its own named graph.

Model (after LBLOD): the meeting (besluit:Zitting) held by a forum treats agenda items
(besluit:Agendapunt); each item's treatment (besluit:BehandelingVanAgendapunt) generated
decisions (besluit:Besluit) that answer recommendations (sg:Indstilling). Every fact is
prov:wasDerivedFrom its source document and has a prov:qualifiedDerivation (an sg:Quote, left untyped)
with the character span and the quoted text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import namespace as ns

from .. import vocab
from ..extract.model import Decision, Item
from ..link import Linked, LinkedForum
from ..ontology import concept_iri
from ..read import Document
from ..registry import normalise_name
from ..segment import Span
from ..vocab import OxNamespace, decimal, ox_term, slug

# The emitter writes pyoxigraph terms, the store's own, so that no rdflib term is made per fact
DCTERMS, FOAF, ORG, PROV, RDF, SKOS, XSD = (
    OxNamespace(n) for n in (ns.DCTERMS, ns.FOAF, ns.ORG, ns.PROV, ns.RDF, ns.SKOS, ns.XSD)
)
SG, BESLUIT = OxNamespace(vocab.SG), OxNamespace(vocab.BESLUIT)
ID = str(vocab.ID)


def quote_iri(doc_iri: ox.NamedNode, span: Span) -> ox.NamedNode:
    """The quote of a fact: characters `start` to `end` of the document's normalised text (RFC 5147)."""
    return ox.NamedNode(f"{doc_iri.value}#char={span.start},{span.end}")


def node(node_id: str) -> ox.NamedNode:
    return ox.NamedNode(ID + node_id)


def literal(value, lang: str | None = None, datatype: ox.NamedNode | None = None) -> ox.Literal:
    """A literal as rdflib's Literal(value, lang=, datatype=) would write it."""
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype is not None:
        return ox.Literal(str(value), datatype=datatype)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD.integer)
    return ox.Literal(str(value))


def concept(scheme: str, key: str) -> ox.NamedNode:
    return ox_term(concept_iri(scheme, key))


def document_iri(document: Document) -> ox.NamedNode:
    return node(f"doc/{document.key}")


class _Emitter:
    def __init__(self, document: Document, linked: Linked):
        self.doc = document
        self.linked = linked
        self.triples: list[tuple] = []
        # descriptions of nodes that many documents share (a local forum, a person, an initiative) go to a
        # graph per node, not into every document's graph: Oxigraph's union default graph repeats a triple
        # once per graph that holds it, and joins on a label repeated in 1,000 documents multiply 1,000-fold
        self.shared: dict[ox.NamedNode, list[tuple]] = {}
        self.doc_iri = document_iri(document)
        self.rejected = {node(i) for i in linked.corrections.rejects}

    def add(self, s, p, o) -> None:
        self.triples.append((s, p, o))

    def describe(self, s, p, o) -> None:
        triples = self.shared.setdefault(s, [])
        if (s, p, o) not in triples:
            triples.append((s, p, o))

    def lit(self, s, p, value, **kw) -> None:
        if value is not None and value != "":
            self.add(s, p, literal(value, **kw))

    def provenance(self, subject: ox.NamedNode, span: Span | None) -> None:
        """Two quads: the fact was derived from the document, and its quote is the span of the document's text
        named by an RFC 5147 fragment (`<doc>#char=120,180`). The quote needs no triples of its own: the IRI
        says which document and which characters, and the text is stored once per document (`sg:text`), so
        the quoted words are a SUBSTR away (graph.store.quotes, the named question citat-bag-faktum)."""
        self.add(subject, PROV.wasDerivedFrom, self.doc_iri)
        if span is not None:
            self.add(subject, PROV.qualifiedDerivation, quote_iri(self.doc_iri, span))

    def forum(self, forum: LinkedForum) -> ox.NamedNode:
        iri = node(forum.id)
        if not forum.in_registry:
            self.describe(iri, RDF.type, SG.Forum)
            self.describe(iri, RDF.type, ORG.OrganizationalUnit)
            self.describe(iri, SKOS.prefLabel, literal(forum.name, lang="da"))
            if forum.level:
                self.describe(iri, SG.level, concept("ForumLevelScheme", forum.level))
            if forum.part_of:
                self.describe(iri, SG.partOf, node(forum.part_of))
                self.describe(iri, ORG.unitOf, node(forum.part_of))
            if forum.reports_to:
                self.describe(iri, SG.reportsTo, node(forum.reports_to))
            self.add(iri, PROV.wasDerivedFrom, self.doc_iri)
        return iri

    def organisation(self, org_id: str, name: str, kind: str | None, in_registry: bool) -> ox.NamedNode:
        iri = node(org_id)
        if not in_registry:
            self.describe(iri, RDF.type, SG.Organisation)
            self.describe(iri, RDF.type, ORG.FormalOrganization)
            self.describe(iri, SKOS.prefLabel, literal(name, lang="da"))
            self.describe(iri, SG.organisationKind, concept("OrganisationKindScheme", kind or "andet"))
            self.add(iri, PROV.wasDerivedFrom, self.doc_iri)
        return iri


def document_triples(document: Document, linked: Linked) -> tuple[list[tuple], dict[ox.NamedNode, list[tuple]]]:
    """The document's own triples, and the descriptions of the shared nodes it names (node -> triples)."""
    e = _Emitter(document, linked)
    _emit_document(e)
    _emit_all(e)
    # corrections: rejected facts and everything hanging only on them are dropped
    if e.rejected:
        e.triples = [
            t
            for t in e.triples
            if t[0] not in e.rejected
            and t[2] not in e.rejected
            and not any(t[0].value.startswith(r.value + "#") for r in e.rejected)
        ]
        e.shared = {k: v for k, v in e.shared.items() if k not in e.rejected}
    _emit_summary(e)
    return e.triples, e.shared


def _recipient(allocation, named: list[tuple[Span | None, ox.NamedNode, str]]) -> ox.NamedNode | None:
    """The organisation or initiative an allocation goes to: one named in the allocation's own recipient, right
    after the amount; never merely the next name in the text (an honorarium "til en praktiserende læge" is not
    paid to the municipality named in the following sentence)."""
    wanted = normalise_name(allocation.recipient or "")
    if not wanted or allocation.span is None:
        return None
    window = Span(allocation.span.start, allocation.span.end + len(allocation.recipient) + 40)
    for span, iri, name in named:
        if span is not None and window.start <= span.start < window.end and normalise_name(name) in wanted:
            return iri
    return None


def _emit_summary(e: _Emitter) -> None:
    """What whole-corpus questions count, counted once per document from its own triples (after corrections):
    the meeting's items, recommendations and decisions, its decisions per outcome, and whether each
    recommendation is answered. A question over 5,000 meetings then reads 5,000 numbers instead of joining
    hundreds of thousands of facts, and a changed document brings its own counts."""
    meetings = [s for s, p, o in e.triples if p == RDF.type and o == BESLUIT.Zitting]
    if not meetings:
        return
    meeting = meetings[0]
    items = {o for s, p, o in e.triples if s == meeting and p == SG.hasAgendaItem}
    recommendations = {o for s, p, o in e.triples if p == SG.hasIndstilling and s in items}
    treatments = {s for s, p, o in e.triples if p == DCTERMS.subject and o in items}
    decisions = {o for s, p, o in e.triples if p == PROV.generated and s in treatments}
    answered = {o for s, p, o in e.triples if p == SG.answers and s in decisions}
    outcomes = Counter(o for s, p, o in e.triples if p == SG.outcome and s in decisions)
    generating = {s for s, p, o in e.triples if p == PROV.generated and s in treatments}
    decided = {o for s, p, o in e.triples if p == DCTERMS.subject and s in generating}  # items with a decision
    involved = Counter(o for s, p, o in e.triples if p == SG.mentions and s in decided)
    e.add(meeting, SG.itemCount, literal(len(items), datatype=XSD.integer))
    e.add(meeting, SG.recommendationCount, literal(len(recommendations), datatype=XSD.integer))
    e.add(meeting, SG.decisionCount, literal(len(decisions), datatype=XSD.integer))
    for recommendation in sorted(recommendations, key=lambda r: r.value):
        e.add(recommendation, SG.answered, literal(recommendation in answered))
    for outcome, count in sorted(outcomes.items(), key=lambda kv: kv[0].value):
        tally = ox.NamedNode(f"{meeting.value}#udfald-{outcome.value.rsplit('/', 1)[-1]}")
        e.add(meeting, SG.outcomeCount, tally)
        e.add(tally, SG.outcome, outcome)
        e.add(tally, SG.count, literal(count, datatype=XSD.integer))
    for organisation, count in sorted(involved.items(), key=lambda kv: kv[0].value):  # items decided that name it
        tally = ox.NamedNode(f"{meeting.value}#involverer-{slug(organisation.value.removeprefix(ID), max_len=120)}")
        e.add(meeting, SG.involvementCount, tally)
        e.add(tally, SG.involves, organisation)
        e.add(tally, SG.count, literal(count, datatype=XSD.integer))
    _emit_money_tallies(e, meeting)


def _emit_money_tallies(e: _Emitter, meeting) -> None:
    """Per thing the document's items and decisions concern (an initiative): the amounts the items concerning it
    mention, and the kroner the decisions concerning it allocate, with how many allocations."""
    concerns: dict[ox.NamedNode, set] = {}
    for s, p, o in e.triples:
        if p == SG.concerns:
            concerns.setdefault(o, set()).add(s)
    if not concerns:
        return
    amounts: dict[ox.NamedNode, set] = {}
    allocates: dict[ox.NamedNode, set] = {}
    kroner: dict[ox.NamedNode, set] = {}
    for s, p, o in e.triples:
        if p == SG.amount:
            amounts.setdefault(s, set()).add(o)
        elif p == SG.allocates:
            allocates.setdefault(s, set()).add(o)
        elif p == SG.amountDKK:
            kroner.setdefault(s, set()).add(o)
    for thing, subjects in sorted(concerns.items(), key=lambda kv: kv[0].value):
        mentioned = {b for s in subjects for b in amounts.get(s, ())}
        allocated = {(a, k) for s in subjects for a in allocates.get(s, ()) for k in kroner.get(a, ())}
        if not mentioned and not allocated:
            continue
        tally = ox.NamedNode(f"{meeting.value}#penge-{slug(thing.value.removeprefix(ID), max_len=120)}")
        e.add(meeting, SG.moneyTally, tally)
        e.add(tally, SG.tallyOf, thing)
        e.add(tally, SG.amountsMentioned, literal(len(mentioned), datatype=XSD.integer))
        e.add(tally, SG.allocationCount, literal(len(allocated), datatype=XSD.integer))
        if allocated:
            e.add(tally, SG.allocatedDKK, decimal(float(sum(Decimal(k.value) for _, k in allocated))))


def _emit_document(e: _Emitter) -> None:
    d = e.doc
    e.add(e.doc_iri, RDF.type, SG.SourceDocument)
    e.lit(e.doc_iri, SG.sha256, d.sha256)
    e.lit(e.doc_iri, SG.fileName, Path(d.path).name)
    e.lit(e.doc_iri, DCTERMS["format"], d.format)
    e.lit(e.doc_iri, DCTERMS.title, Path(d.path).name)
    e.lit(e.doc_iri, SG.text, d.text)  # what every quote's span points into, once
    if d.source and re.match(r"https?://[^\s<>\"{}|\\^`]+$", d.source):  # where the minutes were published
        e.add(e.doc_iri, DCTERMS.source, ox.NamedNode(d.source))


def _emit_all(e: _Emitter) -> None:
    ex, key = e.linked.extraction, e.doc.key
    meeting, forum_iri = _emit_meeting(e)
    _emit_participants(e, meeting, forum_iri)
    mentions = _emit_mentions(e)

    amounts_by_item: dict[str | None, list] = {}
    consumed: set[str | None] = set()
    for amount in ex.amounts:
        amounts_by_item.setdefault(amount.item, []).append(amount)

    for i, item in enumerate(ex.items):
        number = item.number or f"x{i + 1}"
        it = _emit_item(e, i, item, number, meeting, forum_iri, mentions)
        amount_key = item.number if item.number else (item.title or None)
        if amount_key in consumed:  # an item with the number or title of one before: its amounts went there
            amounts = []
        else:
            consumed.add(amount_key)
            amounts = amounts_by_item.get(amount_key, [])
        for n, amount in enumerate(amounts):
            _emit_amount(e, node(f"amount/{key}/{number}/{n + 1}"), it, amount)
    # amounts outside any item (header, single-case documents)
    for n, amount in enumerate([] if None in consumed else amounts_by_item.get(None, [])):
        _emit_amount(e, node(f"amount/{key}/doc/{n + 1}"), e.doc_iri, amount)


def _emit_meeting(e: _Emitter) -> tuple[ox.NamedNode, ox.NamedNode | None]:
    """The meeting and the forum that held it (None when the forum is not known); the forums the minutes
    establish or refer to."""
    linked, m = e.linked, e.linked.extraction.meeting
    meeting = node(f"meeting/{e.doc.key}")
    e.add(meeting, RDF.type, BESLUIT.Zitting)
    e.add(meeting, RDF.type, PROV.Activity)
    e.add(e.doc_iri, FOAF.primaryTopic, meeting)
    label = " ".join(x for x in (m.forum, m.body, m.date) if x) or Path(e.doc.path).name
    e.add(meeting, SKOS.prefLabel, literal(f"Møde: {label}", lang="da"))
    e.lit(meeting, DCTERMS.date, m.date, datatype=XSD.date)
    e.lit(meeting, SG.startTime, m.start)
    e.lit(meeting, SG.place, m.place)
    e.provenance(meeting, m.span)
    forum_iri = None
    if linked.forum is not None:
        forum_iri = e.forum(linked.forum)
        if linked.forum.in_registry and m.forum and m.forum != linked.forum.name:
            e.describe(forum_iri, SKOS.altLabel, literal(m.forum, lang="da"))  # the local name: "Direktørforum"
        e.add(meeting, SG.heldBy, forum_iri)
        e.add(meeting, BESLUIT.isGehoudenDoor, forum_iri)
    for forum in linked.new_forums.values():
        e.forum(forum)
    return meeting, forum_iri


def _emit_participants(e: _Emitter, meeting: ox.NamedNode, forum_iri: ox.NamedNode | None) -> None:
    """Persons, their presence, and a membership in the forum as seen on the meeting day."""
    ex, linked, key = e.linked.extraction, e.linked, e.doc.key
    for person, person_id, org_id in zip(ex.participants, linked.persons, linked.person_orgs, strict=True):
        p = node(person_id)
        e.describe(p, RDF.type, FOAF.Person)
        e.describe(p, FOAF.name, literal(person.name))
        e.describe(p, SKOS.prefLabel, literal(person.name, lang="da"))
        e.add(meeting, SG.participant if person.present else SG.absent, p)
        if org_id is not None:
            org_iri = node(org_id)
            e.add(p, SG.represents, org_iri)
            if not org_id.startswith(("kommune/", "region/")) and org_id.startswith("organisation/"):
                e.organisation(org_id, person.organisation or org_id, None, org_id in _registry_ids(linked))
        if forum_iri is not None:
            membership = node(f"membership/{key}/{slug(person.name)}")
            e.add(membership, RDF.type, ORG.Membership)
            e.add(membership, ORG.member, p)
            e.add(membership, ORG.organization, forum_iri)
            e.add(membership, ORG.role, concept("RoleScheme", person.role or "medlem"))
            e.lit(membership, SG.jobTitle, person.title)
            e.lit(membership, SG.role, person.group)
            e.lit(membership, DCTERMS.date, e.linked.extraction.meeting.date, datatype=XSD.date)
            e.provenance(membership, person.span)
        e.provenance(p, person.span)


@dataclass
class _Mentions:
    """The organisations and initiatives the document names, where (span) it names them."""

    organisations: list[tuple[Span | None, ox.NamedNode]] = field(default_factory=list)
    initiatives: list[tuple[Span | None, ox.NamedNode]] = field(default_factory=list)
    named: list[tuple[Span | None, ox.NamedNode, str]] = field(default_factory=list)  # both, with their names


def _emit_mentions(e: _Emitter) -> _Mentions:
    """The organisations and initiatives mentioned."""
    ex, linked = e.linked.extraction, e.linked
    out = _Mentions()
    for mention, linked_org in zip(ex.organisations, linked.organisations, strict=True):
        iri = e.organisation(linked_org.id, linked_org.name, linked_org.kind, linked_org.in_registry)
        e.add(e.doc_iri, SG.mentions, iri)
        out.organisations.append((mention.span, iri))
        out.named.append((mention.span, iri, mention.name))
        if linked_org.curated:
            quote = ox.NamedNode(f"{e.doc_iri.value}#alias-{slug(mention.name)}")
            e.add(quote, PROV.entity, e.doc_iri)
            e.add(quote, SG.curated, literal(True))
            e.lit(quote, SG.quote, mention.name)
            e.add(iri, PROV.qualifiedDerivation, quote)
    for initiative, initiative_id in zip(ex.initiatives, linked.initiatives, strict=True):
        iri = node(initiative_id)
        e.describe(iri, RDF.type, SG.Initiative)
        e.describe(iri, RDF.type, PROV.Entity)
        if not any(t[1] == SKOS.prefLabel for t in e.shared.get(iri, [])):  # one name per initiative
            e.describe(iri, SKOS.prefLabel, literal(initiative.name, lang="da"))
        e.describe(iri, SG.initiativeKind, concept("InitiativeKindScheme", initiative.kind))
        e.add(e.doc_iri, SG.mentions, iri)
        e.provenance(iri, initiative.span)
        out.initiatives.append((initiative.span, iri))
        out.named.append((initiative.span, iri, initiative.name))
    return out


def _within(span: Span | None, pairs: list[tuple[Span | None, ox.NamedNode]]) -> list[ox.NamedNode]:
    """The nodes of `pairs` named inside `span`, each once, in order."""
    if span is None:
        return []
    return list(dict.fromkeys(iri for s, iri in pairs if s is not None and span.start <= s.start < span.end))


def _emit_item(
    e: _Emitter,
    i: int,
    item: Item,
    number: str,
    meeting: ox.NamedNode,
    forum_iri: ox.NamedNode | None,
    mentions: _Mentions,
) -> ox.NamedNode:
    """Agenda item `i` (numbered `number` in IRIs), its sections, treatment, case, recommendations, decisions,
    attachments and references; returns the item's node."""
    key = e.doc.key
    it = node(f"item/{key}/{number}")
    e.add(it, RDF.type, BESLUIT.Agendapunt)
    e.add(meeting, SG.hasAgendaItem, it)
    e.add(meeting, BESLUIT.behandelt, it)
    e.add(it, DCTERMS.title, literal(item.title or "(uden titel)", lang="da"))
    e.add(
        it,
        SKOS.prefLabel,
        literal(f"{item.number + '. ' if item.number else ''}{item.title or '(uden titel)'}", lang="da"),
    )
    e.lit(it, SG.itemNumber, item.number)
    e.add(it, SG.itemKind, concept("ItemKindScheme", item.kind))
    e.lit(it, SG.timeSlot, item.time_slot)
    e.provenance(it, item.title_span or item.span)
    for concerned in _within(item.span, mentions.initiatives):
        e.add(it, SG.concerns, concerned)
    for mentioned in _within(item.span, mentions.organisations):
        e.add(it, SG.mentions, mentioned)
    for k, section in enumerate(item.sections):
        sec = node(f"section/{key}/{number}/{k + 1}")
        e.add(sec, RDF.type, SG.Section)
        e.add(it, SG.hasSection, sec)
        e.add(sec, SG.sectionKind, concept("SectionKindScheme", section.kind))
        e.lit(sec, DCTERMS.title, section.heading)
        e.provenance(sec, section.span)

    treatment = node(f"treatment/{key}/{number}")
    e.add(treatment, RDF.type, BESLUIT.BehandelingVanAgendapunt)
    e.add(treatment, DCTERMS.subject, it)
    if i in e.linked.cases:
        _emit_case(e, i, item, number, it, treatment)
    if forum_iri is not None:
        e.add(treatment, PROV.wasAssociatedWith, forum_iri)

    rec_iris = _emit_recommendations(e, i, item, number, it, mentions)
    for k, decision in enumerate(item.decisions):
        _emit_decision(e, i, k, item, decision, number, treatment, forum_iri, rec_iris, mentions)
    _emit_attachments(e, item, number, it)
    _emit_references(e, i, item, number, it)
    return it


def _emit_case(e: _Emitter, i: int, item: Item, number: str, it: ox.NamedNode, treatment: ox.NamedNode) -> None:
    """A case recurs in the minutes of every forum on its route: described once, in its own graph; the steps of
    its route as these minutes give them."""
    linked, key = e.linked, e.doc.key
    case = node(linked.cases[i])
    e.describe(case, RDF.type, SG.Case)
    if not any(t[1] == SKOS.prefLabel for t in e.shared.get(case, [])):
        e.describe(case, SKOS.prefLabel, literal(item.title or "(uden titel)", lang="da"))
    if item.case_number:
        e.describe(case, SG.caseNumber, literal(item.case_number))
    e.add(it, SG.case, case)
    e.add(treatment, SG.case, case)
    deciders = []
    for k, step in enumerate(item.route):
        forum_id = linked.route_forums.get((i, k))
        if forum_id is None:
            continue
        s_iri = ox.NamedNode(f"{case.value}#trin-{key}-{number}-{k + 1}")
        e.add(case, SG.routeStep, s_iri)
        e.add(s_iri, RDF.type, SG.RouteStep)
        e.add(s_iri, SG.position, literal(k + 1, datatype=XSD.integer))
        e.add(s_iri, SG.stepForum, node(forum_id))
        e.add(s_iri, SG.stepRole, concept("RouteRoleScheme", step.role))
        e.lit(s_iri, SG.stepName, step.forum)
        e.add(s_iri, PROV.wasDerivedFrom, e.doc_iri)
        if step.role == "decides":
            deciders.append(forum_id)
    if deciders:
        e.add(case, SG.decidedIn, node(deciders[-1]))


def _emit_recommendations(
    e: _Emitter, i: int, item: Item, number: str, it: ox.NamedNode, mentions: _Mentions
) -> dict[int, ox.NamedNode]:
    """The item's recommendations (indstillinger); returns their nodes by number."""
    key = e.doc.key
    rec_iris: dict[int, ox.NamedNode] = {}
    for k, rec in enumerate(item.recommendations):
        r = node(f"indstilling/{key}/{number}/{rec.number}")
        rec_iris[rec.number] = r
        e.add(r, RDF.type, SG.Indstilling)
        e.add(it, SG.hasIndstilling, r)
        e.add(r, SKOS.prefLabel, literal(f"Indstilling {rec.number}: {rec.text[:120]}", lang="da"))
        e.add(r, PROV.value, literal(rec.text, lang="da"))
        e.add(r, SG.number, literal(rec.number, datatype=XSD.integer))
        e.lit(r, SG.proposerName, rec.proposed_by)
        proposer = e.linked.proposers.get((i, k))
        if proposer:
            e.add(r, SG.proposedBy, node(proposer))
        for concerned in _within(rec.span, mentions.initiatives):
            e.add(r, SG.concerns, concerned)
        e.provenance(r, rec.span)
    return rec_iris


def _emit_decision(
    e: _Emitter,
    i: int,
    k: int,
    item: Item,
    decision: Decision,
    number: str,
    treatment: ox.NamedNode,
    forum_iri: ox.NamedNode | None,
    rec_iris: dict[int, ox.NamedNode],
    mentions: _Mentions,
) -> None:
    """Decision `k` of item `i`: what it answers, who made it, what it establishes, ends and allocates."""
    linked, key = e.linked, e.doc.key
    d = node(f"decision/{key}/{number}/{k + 1}")
    e.add(d, RDF.type, BESLUIT.Besluit)
    e.add(treatment, PROV.generated, d)
    e.add(d, SKOS.prefLabel, literal(f"Beslutning {number}.{k + 1}: {decision.text[:120]}", lang="da"))
    e.add(d, PROV.value, literal(decision.text, lang="da"))
    e.add(d, SG.outcome, concept("OutcomeScheme", decision.outcome))
    e.lit(d, SG.note, decision.remark, lang="da")
    if decision.recommendation in rec_iris:
        e.add(d, SG.answers, rec_iris[decision.recommendation])
    if forum_iri is not None:
        e.add(d, SG.decidedBy, forum_iri)
    e.lit(d, DCTERMS.date, linked.extraction.meeting.date, datatype=XSD.date)
    for concerned in _within(decision.span, mentions.initiatives) or _within(item.title_span, mentions.initiatives):
        e.add(d, SG.concerns, concerned)
    for made in linked.established.get((i, k), []):
        e.add(d, SG.establishes, node(made))
        if made.startswith("initiative/"):
            e.describe(node(made), RDF.type, SG.Initiative)
    for ended in linked.dissolved.get((i, k), []):
        e.add(d, SG.dissolves, node(ended))
    for n, allocation in enumerate(decision.allocations):
        a = node(f"allocation/{key}/{number}/{k + 1}/{n + 1}")
        e.add(a, RDF.type, SG.Allocation)
        e.add(d, SG.allocates, a)
        e.add(a, SG.amountDKK, decimal(allocation.dkk))
        e.lit(a, SG.recipientName, allocation.recipient)
        e.lit(a, SG.purpose, allocation.purpose, lang="da")
        recipient = _recipient(allocation, mentions.named)
        if recipient is not None:
            e.add(a, SG.allocatedTo, recipient)
        e.provenance(a, allocation.span)
    e.provenance(d, decision.span)


def _emit_attachments(e: _Emitter, item: Item, number: str, it: ox.NamedNode) -> None:
    for k, attachment in enumerate(item.attachments):
        b = node(f"attachment/{e.doc.key}/{number}/{k + 1}")
        e.add(b, RDF.type, SG.Attachment)
        e.add(it, SG.hasAttachment, b)
        e.add(b, DCTERMS.title, literal(attachment.title))
        if attachment.url and re.match(r"https?://[^\s<>\"{}|\\^`]+$", attachment.url):
            e.add(b, DCTERMS.source, ox.NamedNode(attachment.url))
        e.provenance(b, attachment.span)


def _emit_references(e: _Emitter, i: int, item: Item, number: str, it: ox.NamedNode) -> None:
    """The item's references to earlier (or later) treatments of the case, with the forum they name."""
    for k, reference in enumerate(item.references):
        ref = node(f"reference/{e.doc.key}/{number}/{k + 1}")
        e.add(ref, RDF.type, SG.Reference)
        e.add(it, SG.hasReference, ref)
        e.lit(ref, SKOS.prefLabel, f"{reference.relation}: {reference.forum or ''} {reference.date or ''}".strip())
        e.lit(ref, SG.referenceDate, reference.date, datatype=XSD.date)
        e.lit(ref, SG.note, reference.relation)
        target = e.linked.references.get((i, k))
        if target:
            e.add(ref, SG.refersToForum, node(target))
        e.provenance(ref, reference.span)


def _emit_amount(e: _Emitter, a: ox.NamedNode, parent: ox.NamedNode, amount) -> None:
    e.add(a, RDF.type, SG.MoneyAmount)
    e.add(parent, SG.amount, a)
    e.add(a, SG.amountDKK, decimal(amount.dkk))
    e.lit(a, SKOS.prefLabel, amount.text)
    e.lit(a, SG.purpose, amount.label, lang="da")
    e.provenance(a, amount.span)


def _registry_ids(linked: Linked) -> set[str]:
    return {o.id for o in linked.organisations if o.in_registry}
