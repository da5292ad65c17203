"""Components for agenda items: kind, recommendations (indstillinger), decisions with outcome,
what decisions establish, dissolve or allocate, attachments and references to other meetings.

The Danish phrases are in the lexicon: graph/lexicon/outcomes.toml (verdicts, lines that are no verdict),
recommendations.toml (lead-ins and their points) and items.toml (item kinds)."""

from __future__ import annotations

import re
from typing import TypeGuard, cast

from ..lexicon import rules, rx
from ..segment import Item as ItemSegment, Section, Segmented, Span
from .model import (
    Allocation,
    Attachment,
    Decision,
    Extraction,
    Item,
    MeetingReference,
    Recommendation,
    SectionFact,
    start_of,
)
from .parse import find_dates, find_money

# --------------------------------------------------------------------------- outcomes

# Explicit verdicts count anywhere in a decision; other cues only in a short text or its first sentence,
# because long minutes also report what other bodies approved or will take up later.
SHORT_DECISION = 250


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def classify_outcome(text: str) -> str:
    """The verdict of a decision's text: a verdict that opens it decides (lead_outcome); then the lexicon's
    ordered verdict phrases (outcome), in a long text only its first sentence or an explicit verdict anywhere."""
    low = _normal(text)
    for key, pattern in rules("lead_outcome"):
        if pattern.match(low):
            return key
    if len(low) > SHORT_DECISION:
        first = re.split(r"(?<=[.!?])\s", low, maxsplit=1)[0]
        for key, pattern in rules("outcome"):
            if key in ("approved-with-remarks", "rejected", "recommended") and pattern.search(first):
                return key
        for key, pattern in rules("strong_outcome"):
            if pattern.search(low):
                return key
        low = first
    for key, pattern in rules("outcome"):
        if pattern.search(low):
            return key
    return "other"


def recommendation_intent(text: str) -> str | None:
    """What a recommendation asks the forum to do (lexicon: recommendation_intent): approved, noted or discussed."""
    low = text.lower()
    for key, pattern in rules("recommendation_intent"):
        if pattern.search(low):
            return key
    return None


# --------------------------------------------------------------------------- item kinds


def item_kind(segment: ItemSegment, recommendations: list[Recommendation], decisions: list[Decision]) -> str:
    if segment.kind_label:
        for key, pattern in rules("item_kind_label"):
            if pattern.search(segment.kind_label):
                return key
    title = segment.title.strip()
    for key, pattern in rules("item_kind_title"):
        if pattern.search(title):
            return key
    # what the forum is asked to do says more than a title like "Status på ..."
    intents = {recommendation_intent(r.text) for r in recommendations} - {None}
    for intent, kind in (("approved", "decision"), ("discussed", "discussion"), ("noted", "information")):
        if intent in intents:
            return kind
    for key, pattern in rules("item_kind_title_weak"):
        if pattern.search(title):
            return key
    outcomes = {d.outcome for d in decisions}
    if outcomes & {"approved", "approved-with-remarks", "rejected", "postponed", "recommended"}:
        return "decision"
    if "discussed" in outcomes:
        return "discussion"
    if "noted" in outcomes:
        return "information"
    return "other"


# --------------------------------------------------------------------------- lines of a section


def _span_lines(seg: Segmented, span: Span) -> list[tuple[str, int]]:
    """The stripped lines of a section with their offsets, the first one cut where the section starts (after an
    inline heading: 'Beslutning: Godkendt')."""
    text = seg.text
    result = []
    for line in seg.lines:
        if line.end < span.start:
            continue
        if line.start >= span.end:
            break
        start, end = max(line.start, span.start), min(line.end, span.end)
        piece = text[start:end]
        stripped = piece.strip()
        result.append((stripped, start + (len(piece) - len(piece.lstrip())) if stripped else start))
    return result


def _letter_position(letter: str) -> int:
    """'a' -> 1, 'B' -> 2: lettered lists and the decisions that answer them count by position."""
    return ord(letter.lower()) - ord("a") + 1


# --------------------------------------------------------------------------- recommendations

Entry = tuple[int | None, str, int]  # (number as written or None, text, offset)


def _entries_after(lines: list[tuple[str, int]], index: int) -> list[Entry]:
    """The points that follow a lead-in: numbered, lettered or bulleted lines, 'at ...' paragraphs, table rows
    ('at | ... |'); a lettered or restarted list inside a point belongs to that point; a wrapped line continues it."""
    entries: list[Entry] = []
    last_number = 0  # the number of the last numbered point
    for text, start in lines[index:]:
        if not text:
            continue
        taken = None if _is_lead(text) else _take_point(entries, last_number, text, start)
        if taken is None:
            break
        last_number = taken
    return entries


def _take_point(entries: list[Entry], last_number: int, text: str, start: int) -> int | None:
    """Add the line to the points, as a new point or the continuation of the last one, and return the number of the
    last numbered point; None when the line ends the points."""
    row = rx("recommendation.table_row").match(text)
    if row:
        entries.append((None, "at " + row["text"].strip(), start))
        return last_number
    m = rx("recommendation.entry").match(text)
    if m:
        return _take_entry(entries, last_number, m, text, start)
    flat = _flat_points(text, start)
    if flat:
        entries.extend(flat)  # an 'at ...' paragraph, or several points run together on one line
        return last_number
    if entries and text[:1].islower() and len(entries[-1][1]) < 600:
        entries[-1] = _continued(entries[-1], text)  # a wrapped line of the point
        return last_number
    return None


def _take_entry(entries: list[Entry], last_number: int, m: re.Match, text: str, start: int) -> int:
    """A numbered, lettered or bulleted point; inside a numbered point (a restarted list, 'a. ...', '- ...') it
    continues that point."""
    number = int(m["num"] or m["atnum"]) if (m["num"] or m["atnum"]) else None
    nested = entries and (number <= last_number if number is not None else bool(last_number and entries[-1][0]))
    if nested:  # "til følgende: 1. ... 2. ...", "ved, a. ... b. ...", "godkendes: - ..."
        entries[-1] = _continued(entries[-1], text)
        return last_number
    position = number if number is not None else (_letter_position(m["letter"]) if m["letter"] else None)
    entries.append((position, m["text"].strip(), start + m.start("text")))
    return number if number is not None else last_number


def _continued(entry: Entry, text: str) -> Entry:
    number, previous, start = entry
    return number, previous + " " + text, start


def _flat_points(text: str, start: int) -> list[Entry]:
    """'At godkende ... At der ...' run together by an HTML export: one point each."""
    pieces = rx("recommendation.flat_at").split(text)
    if len(pieces) < 2 and not rx("recommendation.at_paragraph").match(text):
        return []
    found: list[Entry] = []
    pos = 0
    for piece in pieces:
        at = text.find(piece, pos)
        found.append((None, piece.strip(), start + at))
        pos = at + len(piece)
    return found


def _is_lead(text: str) -> bool:
    return "indstill" in text.lower() and rx("recommendation.lead").match(text) is not None


def _clean_party(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip(" ,:;-–")
    return text or None


def _numbering(entries: list[Entry]) -> list[tuple[int, bool, str, int]]:
    numbered = all(n is not None for n, _, _ in entries) and len({n for n, _, _ in entries}) == len(entries)
    return [
        ((cast(int, number) if numbered else position), numbered, text, start)  # numbered: no number is None
        for position, (number, text, start) in enumerate(entries, start=1)
    ]


class _Found:
    """The recommendations of one item as they are read, in order."""

    def __init__(self) -> None:
        self.items: list[Recommendation] = []
        self.anbefaler: list[Recommendation] = []  # "X anbefaler ..." statements, background beside a formal one

    def add(self, entries: list[Entry], proposed_by: str | None, addressed_to: str | None) -> None:
        for number, numbered, body, start in _numbering(entries):
            body = body.rstrip()
            self.items.append(
                Recommendation(
                    span=Span(start, start + len(body)),
                    number=number,
                    numbered=numbered,
                    text=body,
                    proposed_by=proposed_by,
                    addressed_to=addressed_to,
                )
            )


def _read_lead(lines: list[tuple[str, int]], index: int, m: re.Match, found: _Found) -> None:
    """A lead-in and its points: 'X indstiller(, til Y), at: 1. ... 2. ...' or 'Det indstilles, at <clause>'."""
    text, start = lines[index]
    who = m["who"]
    proposer = None if rx("recommendation.not_proposer").match(who) else _clean_party(who)
    addressee = _clean_party(m["to"])
    rest = (m["rest"] or "").strip()
    entries = _entries_after(lines, index + 1)
    if rest.endswith(":") or (entries and rest and len(rest) <= 80):
        # an introduction to the points ("at udvalget:", "at Fagligt Strategisk Niveau:"): it names the addressee
        clause = rest.rstrip(": ")
        if clause and not re.search(r"\bat\b|,", clause) and len(clause) <= 80:
            addressee = addressee or clause
        rest = ""
    if not entries and rest:
        at = start + (m.start("at") if m["at"] else m.start("rest"))
        entries = [(None, text[at - start :].strip(), at)]
    found.add(entries, proposer, addressee)


def _read_anbefaler(lines: list[tuple[str, int]], index: int, a: re.Match, found: _Found) -> None:
    """'Chefforum anbefaler til Direktørforum, at ...': a body's recommendation to another."""
    line, start = lines[index]
    rest = (a["rest"] or "").strip(" ,:")
    if rest.lower().startswith("at "):
        rest = rest[3:]
    entries = _entries_after(lines, index + 1) if line.rstrip().endswith(":") else []
    statement = rest
    if entries:
        statement = (rest + ": " if rest else "") + "; ".join(e[1] for e in entries)
    if statement:
        begin = start + (line.find(rest) if rest and rest in line else 0)
        rec = Recommendation(
            span=Span(begin, begin + len(rest or line)),
            number=0,
            numbered=False,
            text=statement,
            proposed_by=_clean_party(a["who"]),
            addressed_to=_clean_party(a["to"]),
        )
        found.items.append(rec)
        found.anbefaler.append(rec)


def _is_anbefaler(a: re.Match | None) -> TypeGuard[re.Match]:
    if a is None:
        return False
    who = a["who"].lower()
    return not rx("recommendation.not_proposer").match(who) or who.startswith(("det koordinerende", "den "))


def _read_section(lines: list[tuple[str, int]], found: _Found, proposals: bool) -> bool:
    """Lead-ins in one section; `proposals`: the section is an indstilling (so 'X foreslår,' counts too)."""
    handled = False
    for index, (line, _) in enumerate(lines):
        m = rx("recommendation.lead").match(line) if line else None
        if m and ("indstill" in line.lower() or proposals):
            handled = True
            _read_lead(lines, index, m, found)
            continue
        a = rx("recommendation.anbefaler").match(line) if line else None
        if _is_anbefaler(a):
            handled = True
            _read_anbefaler(lines, index, a, found)
    return handled


def _read_plain(lines: list[tuple[str, int]], found: _Found) -> None:
    """An indstilling section without a lead-in: 'X beslutter:' + points, the points alone, or its first paragraph."""
    first_index = next((i for i, (t, _) in enumerate(lines) if t), None)
    if first_index is None:
        return
    first, p_start = lines[first_index]
    entries: list[Entry] = []
    addressee = None
    if first.endswith(":"):
        entries = _entries_after(lines, first_index + 1)
        lead = rx("recommendation.lead_to_list").match(first)
        addressee = lead["who"] if lead else None
    elif any(
        rx(name).match(first)
        for name in ("recommendation.entry", "recommendation.at_paragraph", "recommendation.table_row")
    ):
        entries = _entries_after(lines, first_index)
    if entries:
        found.add(entries, None, addressee)
        return
    paragraph, end = _paragraph(lines, first_index)
    found.items.append(
        Recommendation(
            span=Span(p_start, end),
            number=0,
            numbered=False,
            text=paragraph.rstrip(),
            proposed_by=None,
            addressed_to=None,
        )
    )


def _paragraph(lines: list[tuple[str, int]], first_index: int) -> tuple[str, int]:
    """The first paragraph of a section (a sentence wrapped over lines is joined), with the points it introduces
    ('..., herunder' / '...:'); and where it ends."""
    first, p_start = lines[first_index]
    paragraph, end = first, p_start + len(first)
    for text, start in lines[first_index + 1 :]:
        if not text or not text[:1].islower() or len(paragraph) > 600:
            break
        paragraph, end = paragraph + " " + text, start + len(text)
    if paragraph.endswith(("herunder", ":")):
        tail = _entries_after(lines, first_index + 1)
        if tail:
            paragraph = paragraph + " " + "; ".join(e[1] for e in tail)
    return paragraph, end


def recommendations_of(seg: Segmented, item: ItemSegment) -> list[Recommendation]:
    """The item's recommendations: from its indstilling sections when it has any (a case text that repeats the
    indstilling in prose is no second one), else from the lead-ins of its other sections; never from a decision
    or a history section."""
    found = _Found()
    formal = _indstilling_sections(item)
    decided = _decision_sections(seg, item)
    regions = formal or [s for s in item.sections if s.kind != "beslutning" and not s.history and s not in decided]
    for section in regions:
        lines = _span_lines(seg, section.span)
        handled = _read_section(lines, found, section.kind == "indstilling")
        if not handled and section.kind == "indstilling":
            _read_plain(lines, found)
    recs = found.items
    formal_recs = [r for r in recs if r not in found.anbefaler]
    if formal_recs and len(formal_recs) < len(recs):
        recs = formal_recs  # "X anbefaler ..." in the case presentation is background when a formal indstilling exists
    recs = _swapped_labels(seg, item, recs)
    return _positions(recs)


def _indstilling_sections(item: ItemSegment) -> list[Section]:
    """The item's indstilling: its first indstilling section and those right after it. 'Indstilling' headings
    further down, inside the case presentation, are the presentation's own sub-headings."""
    run: list[Section] = []
    for section in item.sections:
        if section.kind == "indstilling" and not section.history:
            run.append(section)
        elif run:
            break
    return run


def _swapped_labels(seg: Segmented, item: ItemSegment, recs: list[Recommendation]) -> list[Recommendation]:
    """A non-recommendation in the indstilling section while another section opens with 'At <forum> drøfter ...'."""
    if len(recs) != 1 or recs[0].numbered or recommendation_intent(recs[0].text) is not None:
        return recs
    for section in item.sections:
        if section.kind == "beslutning" or section.history:
            continue
        opening = next((t for t, _ in _span_lines(seg, section.span) if t), "")
        if opening.startswith("At ") and recommendation_intent(opening):
            start = seg.text.find(opening, section.span.start)
            return [
                Recommendation(
                    span=Span(start, start + len(opening)),
                    number=1,
                    numbered=False,
                    text=opening,
                    proposed_by=None,
                    addressed_to=None,
                )
            ]
    return recs


def _positions(recs: list[Recommendation]) -> list[Recommendation]:
    """Unnumbered recommendations are numbered by their position in the item, in document order."""
    recs.sort(key=start_of)
    position = 0
    used = {r.number for r in recs if r.numbered}
    for rec in recs:
        if not rec.numbered:
            position += 1
            while position in used:
                position += 1
            rec.number = position
    return recs


# --------------------------------------------------------------------------- decisions

Unit = tuple[list[int], str, int]  # (answered recommendation numbers, text, offset)


def _verdict_lines(lines: list[tuple[str, int]], meeting_date: str | None) -> list[tuple[str, int]]:
    """The lines of a decision that can carry a verdict: without absence and vote lines ('Afbud: X', 'X (A) stemte
    imod.'), a case number, and an earlier meeting's entry ('18. september 2012: Sagen udsat ...')."""
    kept: list[tuple[str, int]] = []
    skipping = skip_names = False
    for text, start in lines:
        dated = rx("decision.dated_entry").match(text) if text else None
        if dated:  # an entry of a meeting: this one's is kept, without its date
            skipping = not _this_meeting(dated.group(), meeting_date)
            kept.extend([] if skipping else _after(text, start, dated.end()))
            continue
        if text and (skipping or rx("item.case_number_bare").fullmatch(text)):
            continue
        if text and skip_names and classify_outcome(text) == "other":
            skip_names = False
            continue  # the names under an absence label ("Afbud:" / "Anne Hansen")
        if text and rx("decision.not_verdict").search(text):
            label = text.split(":", 1)
            skip_names = len(label) == 2 and not label[1].strip()
            continue
        skip_names = skip_names and not text
        kept.append((text, start))
    return kept


def _after(text: str, start: int, at: int) -> list[tuple[str, int]]:
    rest = text[at:].strip()
    return [(rest, start + text.find(rest, at))] if rest else []


def _this_meeting(dated: str, meeting_date: str | None) -> bool:
    dates = find_dates(dated)
    return bool(dates and meeting_date and dates[0].iso(int(meeting_date[:4])) == meeting_date)


def _is_verdict(text: str) -> bool:
    low = _normal(text)
    return any(pattern.match(low) for _, pattern in rules("lead_outcome"))


def _decision_units(
    seg: Segmented, section: Section, meeting_date: str | None, answers: bool = True
) -> tuple[list[Unit], str | None]:
    """Split a decision section into (answered numbers, text, start) units, and how they were marked:
    'numbered' ("2. Godkendt", "1.-4. Anbefales", "Ad 1"), 'resolved' (bullets after "X besluttede:"),
    'bulleted' (a verdict per bullet) or None."""
    lines = _verdict_lines(_span_lines(seg, section.span), meeting_date)
    units = _numbered_units(lines)
    if units and (answers or 2 * sum(1 for _, text, _ in units if _is_verdict(text)) > len(units)):
        return units, "numbered"  # numbered prose ("1. Afbud. Der var afbud fra ...") with nothing to answer is prose
    body_lines = [(t, s) for t, s in lines if t]
    if not body_lines:
        return [], None
    body = seg.text[body_lines[0][1] : body_lines[-1][1] + len(body_lines[-1][0])]
    return _listed_units(body, body_lines) or ([([], "\n".join(t for t, _ in body_lines), body_lines[0][1])], None)


def _listed_units(body: str, body_lines: list[tuple[str, int]]) -> tuple[list[Unit], str] | None:
    """Bullets after 'X besluttede:' (each resolves a point), or only bullets that are each a verdict ('- Godkendt',
    '- Taget til efterretning': by position, one per recommendation), or 'At ...' points run together."""
    bullets = [
        (m["text"], start + m.start("text")) for line, start in body_lines if (m := rx("decision.bullet").match(line))
    ]
    if bullets and rx("decision.resolves").search(body[:400]):
        return [([], text, start) for text, start in bullets], "resolved"
    if (
        len(bullets) >= 2
        and len(bullets) == len(body_lines)
        and all(classify_outcome(t) != "other" for t, _ in bullets)
    ):
        return [([position], text, start) for position, (text, start) in enumerate(bullets, start=1)], "bulleted"
    flat = rx("recommendation.flat_at").split(body)
    if len(flat) > 1 and rx("decision.resolves").search(flat[0]):
        start = body_lines[0][1]
        return [([], piece.strip(), start + body.find(piece)) for piece in flat[1:]], "resolved"
    return None


def _marker_numbers(m: re.Match) -> list[int] | None:
    """The recommendations a unit marker answers: '2.' -> [2], '1.-4.' -> [1, 2, 3, 4], 'b)' -> [2]."""
    letter = m["l"] or m["l2"]
    if not (letter or m["a"] or m["n"] or m["n3"]):
        return None
    low = _letter_position(letter) if letter else int(m["a"] or m["n"] or m["n3"])
    high = int(m["a2"] or m["n2"] or low)
    return list(range(low, high + 1)) if 0 < high - low < 20 else [low]


def _numbered_units(lines: list[tuple[str, int]]) -> list[Unit]:
    units: list[Unit] = []
    for line, start in lines:
        if not line:
            continue
        m = rx("decision.unit_marker").match(line)
        numbers = _marker_numbers(m) if m else None
        if m and numbers:
            rest = line[m.end() :].strip()
            units.append((numbers, rest, start + line.find(rest, m.end()) if rest else start + m.end()))
        elif units:
            numbers, previous, p_start = units[-1]
            units[-1] = (numbers, (previous + "\n" + line).strip(), p_start if previous else start)
    return units


def _establishes(text: str) -> tuple[list[str], list[str]]:
    """The bodies a decision establishes ('der nedsættes en arbejdsgruppe') and dissolves ('X nedlægges')."""
    made = [
        m["name"] for name in ("decision.establishes", "decision.establishes_other") for m in rx(name).finditer(text)
    ]
    ended = []
    for m in rx("decision.dissolves").finditer(text):
        name = rx("decision.dissolves_lead").sub("", m["name"])
        before = text[max(0, m.start() - 40) : m.start()].lower()
        if rx("decision.dissolves_not").match(name) or rx("decision.dissolves_hedged").search(before):
            continue
        ended.append(name)
    return list(dict.fromkeys(made)), list(dict.fromkeys(ended))


def _allocations(text: str, start: int) -> list[Allocation]:
    """'... 4,3 mio. kr. ... opdeles i 1,2 mio. kr. til X og 3,1 mio. kr. til Y' -> allocations with recipient and
    purpose."""
    result = []
    for money in find_money(text, bare_in_context=False):
        recipient, purpose = _recipient(text, money.start, money.end)
        if recipient is None and purpose is None:
            continue
        result.append(
            Allocation(
                span=Span(start + money.start, start + money.end),
                dkk=money.dkk,
                recipient=recipient,
                purpose=purpose,
                text=money.text,
            )
        )
    return result


def _recipient(text: str, money_start: int, money_end: int) -> tuple[str | None, str | None]:
    """Who gets a sum and what for: '<sum> til <purpose>' (the recipient named in it: '... i Vejle Kommune'),
    '<sum> overføres til <recipient>', 'honorering af <purpose> på <sum>'."""
    recipient = purpose = None
    m = rx("allocation.purpose_after").match(text[money_end : money_end + 200])
    if m:
        purpose = m["what"].strip()
        r = rx("allocation.recipient_in").search(purpose)
        recipient = r["r"] if r else purpose
    t = rx("allocation.transferred_to").search(text[money_end : money_end + 120])
    if t:
        recipient = t["r"]
    if purpose is None:
        h = rx("allocation.purpose_before").search(text[max(0, money_start - 160) : money_start])
        if h:
            purpose = h["p"].strip()
            recipient = recipient or purpose
    return recipient, purpose


def _decision_sections(seg: Segmented, item: ItemSegment) -> list[Section]:
    sections = [s for s in item.sections_of("beslutning") if not s.history]
    if sections or not item.sections or item.implicit:
        return sections
    first = item.sections[0]
    if first.heading == "":
        # "1. Godkendelse af dagsorden / Dagsorden godkendt.": a short verdict right under the title, or numbered
        # verdicts only (a closed item: "1.-2. Anbefales.")
        lines = [(t, p) for t, p in _verdict_lines(_span_lines(seg, first.span), None) if t]
        body = " ".join(t for t, _ in lines)
        if body and len(body) <= SHORT_DECISION and classify_outcome(body) != "other":
            return [first]
        units = _numbered_units(lines)
        if units and all(_is_verdict(text) for _, text, _ in units):
            return [first]
    return []


def decisions_of(
    seg: Segmented, item: ItemSegment, recommendations: list[Recommendation], meeting_date: str | None = None
) -> list[Decision]:
    parsed = [
        (section, *_decision_units(seg, section, meeting_date, bool(recommendations)))
        for section in _decision_sections(seg, item)
    ]
    any_marked = any(marked == "numbered" for _, _, marked in parsed)
    decisions: list[Decision] = []
    for _section, units, marked in parsed:
        if any_marked and marked != "numbered":
            continue  # prose next to numbered decisions is the discussion; the numbered ones are the decisions
        for numbers, body, start in _by_position(units, marked, len(recommendations)):
            decisions.extend(_decisions_of_unit(numbers, body.strip(), start, marked))
    _align(decisions, recommendations)
    for decision in decisions:
        _asked_or_reported(decision, recommendations)
        _granted(decision, recommendations)
    return decisions


def _by_position(units: list[Unit], marked: str | None, recommendations: int) -> list[Unit]:
    """Bulleted verdicts answer the recommendations by position only when there are as many; resolved points
    ('X besluttede: - at ...') do when there are as many."""
    if marked == "bulleted" and len(units) != recommendations:
        return [([], body, start) for _, body, start in units]
    if marked == "resolved" and len(units) >= 2 and len(units) == recommendations:
        return [([position], body, start) for position, (_, body, start) in enumerate(units, start=1)]
    return units


def _granted(decision: Decision, recommendations: list[Recommendation]) -> None:
    """What an approval establishes and allocates: from its own text, else from the recommendation it answers."""
    if decision.outcome not in ("approved", "approved-with-remarks"):
        return
    rec = next((r for r in recommendations if r.number == decision.recommendation), None)
    allocations = _allocations(decision.text, start_of(decision))
    if not allocations and rec is not None:
        allocations = _allocations(rec.text, start_of(rec))
    decision.allocations = allocations
    if rec is not None and not decision.establishes:
        decision.establishes, _ = _establishes(rec.text)


def _decisions_of_unit(numbers: list[int], body: str, start: int, marked: str | None) -> list[Decision]:
    if (not body and not numbers) or rx("decision.empty").match(body):
        return []
    outcome = classify_outcome(body) if body else "other"
    if marked == "resolved" and outcome in ("other", "discussed"):
        outcome = "approved"  # "X besluttede: - at ..." resolves every point listed
    result = []
    answers: list[int | None] = list(numbers) if numbers else [None]
    for number in answers:
        decision = Decision(span=Span(start, start + len(body)), text=body, outcome=outcome, recommendation=number)
        decision.establishes, decision.dissolves = _establishes(body)
        if outcome == "approved-with-remarks":
            remark = rx("decision.remark").search(body)
            decision.remark = (remark["r"] or remark["r2"]).strip() if remark else None
        result.append(decision)
    return result


def _asked_or_reported(decision: Decision, recommendations: list[Recommendation]) -> None:
    """Minutes that only record what happened: the forum did what it was asked to (discuss, take note); a report
    ('X orienterede om ...') is taken to notice. A decision that says nothing happened stays 'other'."""
    if decision.outcome != "other" or rx("decision.nothing").match(_normal(decision.text)):
        return
    intents = (recommendation_intent(r.text) for r in recommendations if decision.recommendation in (None, r.number))
    asked = {intent for intent in intents if intent is not None}
    if len(asked) == 1 and asked <= {"noted", "discussed"}:
        decision.outcome = asked.pop()
    elif rx("decision.reported").search(_normal(decision.text)):
        decision.outcome = "noted"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-zæøå]{4,}", text.lower())}


def _align(decisions: list[Decision], recommendations: list[Recommendation]) -> None:
    """Decisions without a number answer a recommendation when one clearly fits."""
    unnumbered = [d for d in decisions if d.recommendation is None]
    if not unnumbered or not recommendations:
        return
    if len(unnumbered) == 1 and all(d.recommendation is None for d in decisions):
        # one unnumbered decision answers a one-point indstilling; against several points it answers them all
        if len(recommendations) == 1:
            unnumbered[0].recommendation = recommendations[0].number
        return
    taken: set[int] = {d.recommendation for d in decisions if d.recommendation is not None}
    for d in unnumbered:
        fit = _by_words(d, recommendations, taken) or (
            _by_intent(d, recommendations, taken) if len(unnumbered) == 1 else None
        )
        if fit is not None:
            d.recommendation = fit.number
            taken.add(fit.number)


def _by_words(decision: Decision, recommendations: list[Recommendation], taken: set[int]) -> Recommendation | None:
    """The one free recommendation whose words the decision repeats (60 % of them, clearly more than the next)."""
    words = _words(decision.text)
    scored = sorted(
        (
            (len(words & _words(r.text)) / max(1, len(_words(r.text))), r)
            for r in recommendations
            if r.number not in taken
        ),
        key=lambda x: -x[0],
    )
    if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.2):
        return scored[0][1]
    return None


def _by_intent(decision: Decision, recommendations: list[Recommendation], taken: set[int]) -> Recommendation | None:
    """The one free recommendation that asks for what the decision did."""
    intent = {"approved-with-remarks": "approved"}.get(decision.outcome, decision.outcome)
    fitting = [r for r in recommendations if r.number not in taken and recommendation_intent(r.text) == intent]
    return fitting[0] if len(fitting) == 1 else None


# --------------------------------------------------------------------------- attachments and references


def attachments_of(seg: Segmented, item: ItemSegment) -> list[Attachment]:
    found: list[Attachment] = []
    seen: set[str] = set()
    for section in item.sections_of("bilag"):
        for line, start in _span_lines(seg, section.span):
            title = re.sub(r"^[-•*]\s*", "", line).strip()
            if len(title) < 3 or len(title) > 300:
                continue
            key = re.sub(r"\W+", " ", title.lower())
            if key in seen:
                continue
            seen.add(key)
            offset = line.find(title)
            found.append(Attachment(span=Span(start + offset, start + offset + len(title)), title=title))
    return found


def references_of(seg: Segmented, item: ItemSegment, meeting_date: str | None) -> list[MeetingReference]:
    """Other meetings the item refers to ('næste møde i Politisk Niveau d. 4. april'), whether next or earlier."""
    body = seg.text[item.span.start : item.span.end]
    found: list[MeetingReference] = []
    for m in rx("item.reference").finditer(body):
        forum = rx("item.reference_verb").sub("", (m["forum"] or m["forum2"] or "").strip(" -"))
        dates = find_dates(m["date"] or m["date2"])
        iso = dates[0].iso(int(meeting_date[:4]) if meeting_date else None) if dates else None
        if any(r.date == iso and r.forum and forum and (r.forum in forum or forum in r.forum) for r in found):
            continue
        found.append(
            MeetingReference(
                span=Span(item.span.start + m.start(), item.span.start + m.end()),
                forum=forum or None,
                date=iso,
                relation=_relation(m["rel"], iso, meeting_date),
            )
        )
    return found


def _relation(word: str | None, iso: str | None, meeting_date: str | None) -> str:
    rel = (word or "").lower()
    if rel in ("næste", "kommende"):
        return "next"
    if rel in ("forrige", "sidste", "seneste"):
        return "earlier"
    if iso and meeting_date:
        return "next" if iso > meeting_date else "earlier"
    return "other"


# --------------------------------------------------------------------------- the component


def items(seg: Segmented, ex: Extraction) -> None:
    for segment in seg.items:
        recommendations = recommendations_of(seg, segment)
        decisions = decisions_of(seg, segment, recommendations, ex.meeting.date)
        ex.items.append(
            Item(
                span=segment.span,
                number=segment.number,
                title=segment.title,
                kind=item_kind(segment, recommendations, decisions),
                kind_label=segment.kind_label,
                time_slot=segment.time_slot,
                title_span=segment.title_span,
                sections=[SectionFact(span=s.span, kind=s.kind, heading=s.heading) for s in segment.sections],
                recommendations=recommendations,
                decisions=decisions,
                attachments=attachments_of(seg, segment),
                references=references_of(seg, segment, ex.meeting.date),
                case_number=segment.case_number,
            )
        )
