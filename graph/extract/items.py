"""Components for agenda items: kind, recommendations (indstillinger), decisions with outcome,
what decisions establish, dissolve or allocate, attachments and references to other meetings."""

from __future__ import annotations

import re

from ..segment import Item as ItemSegment
from ..segment import Segmented, Span
from .model import Allocation, Attachment, Decision, Extraction, Item, MeetingReference, Recommendation, SectionFact
from ..lexicon import rules
from .parse import find_dates, find_money

# --------------------------------------------------------------------------- outcomes

# Verdict phrases are in the lexicon (graph/lexicon/outcomes.toml): ordered, the first that matches decides.
_OUTCOME_RES = rules("outcome")
# Explicit verdicts count anywhere in a decision; other cues only in a short text or its first sentence,
# because long minutes also report what other bodies approved or will take up later.
_STRONG_RES = rules("strong_outcome")
SHORT_DECISION = 250


def classify_outcome(text: str) -> str:
    low = re.sub(r"\s+", " ", text.lower()).strip()
    if len(low) > SHORT_DECISION:
        first = re.split(r"(?<=[.!?])\s", low, maxsplit=1)[0]
        for key, pattern in _OUTCOME_RES:
            if key in ("approved-with-remarks", "rejected", "recommended") and pattern.search(first):
                return key
        for key, pattern in _STRONG_RES:
            if pattern.search(low):
                return key
        low = first
    for key, pattern in _OUTCOME_RES:
        if pattern.search(low):
            return key
    return "other"


# Verbs in a recommendation that say what the forum is asked to do (lexicon: recommendation_intent)
_VERB_OUTCOME = rules("recommendation_intent")


def recommendation_intent(text: str) -> str | None:
    low = text.lower()
    for key, pattern in _VERB_OUTCOME:
        if pattern.search(low):
            return key
    return None


# --------------------------------------------------------------------------- item kinds

_KIND_FROM_LABEL = [
    ("information", r"orient|meddelelse"),
    ("discussion", r"drøft|tema"),
    ("decision", r"beslut"),
]
# Strong title cues decide before the recommendations do; weak ones ("Status på ...") only after.
_KIND_FROM_TITLE = [
    ("other", r"^(?:eventuelt|evt\.?|pause|velkomst|deltagere|mødets åbning|frokost|næste møde|afslutning)\b"),
    ("decision", r"^godkendelse\b|^valg af\b|^udpegning\b|^beslutning om\b"),
    ("information", r"^orientering\b|^meddelelser\b|^gensidig orientering"),
]
_WEAK_KIND_FROM_TITLE = [
    ("information", r"^status\b"),
    ("discussion", r"^drøftelse\b|^temadrøftelse\b|^tema\b"),
]


def item_kind(segment: ItemSegment, recommendations: list[Recommendation], decisions: list[Decision]) -> str:
    if segment.kind_label:
        low = segment.kind_label.lower()
        for key, pattern in _KIND_FROM_LABEL:
            if re.search(pattern, low):
                return key
    title = segment.title.lower().strip()
    for key, pattern in _KIND_FROM_TITLE:
        if re.search(pattern, title):
            return key
    # what the forum is asked to do says more than a title like "Status på ..."
    intents = {recommendation_intent(r.text) for r in recommendations} - {None}
    if "approved" in intents:
        return "decision"
    if "discussed" in intents:
        return "discussion"
    if "noted" in intents:
        return "information"
    for key, pattern in _WEAK_KIND_FROM_TITLE:
        if re.search(pattern, title):
            return key
    outcomes = {d.outcome for d in decisions}
    if outcomes & {"approved", "approved-with-remarks", "rejected", "postponed", "recommended"}:
        return "decision"
    if "discussed" in outcomes:
        return "discussion"
    if "noted" in outcomes:
        return "information"
    return "other"


# --------------------------------------------------------------------------- recommendations

# "Det indstilles, at <addressee>", "<X> indstiller(, til <Y>), at", "<X> anbefaler (til <Y>)(, at)"
_INDSTILLES_RE = re.compile(
    r"(?P<intro>(?:(?:det|administrationen|direktionen|forvaltningen|sekretariatet|formandskabet)\s*)?indstilles?,?\s+(?:det\s+)?(?:til\s+(?P<to1>[^,\n]{3,120}?),?\s+)?at\s*(?P<addr>[^\n:]{0,160}?)\s*:?\s*$"
    r"|(?P<who>[A-ZÆØÅ][^\n.]{1,120}?)\s+indstiller\s*(?:til\s+(?P<to2>[^,\n]{3,160}?))?(?:,\s*|\s+)at\b\s*:?\s*(?P<rest>[^\n]*)$)",
    re.IGNORECASE | re.MULTILINE,
)
_ANBEFALER_RE = re.compile(
    r"^(?P<who>(?:Det |Den )?[A-ZÆØÅ][\wæøå-]*(?: [a-zæøå]+)?(?: [A-ZÆØÅ][\wæøå-]+)?)\s+anbefaler\b\s*(?:til\s+(?P<to>[A-ZÆØÅ][^,:\n]{2,80}?))?\s*(?P<rest>[^\n]*)$",
    re.MULTILINE,
)
# "1. at ...", "2) at ...", "a) at ..." (letters count as positions: a = 1), "- at ...", "• at ..."
_LIST_ITEM_RE = re.compile(r"^\s*(?:(?P<num>\d{1,2})\s*[.)]\s*|(?P<letter>[a-h])\)\s*|(?P<bullet>[-•*–]|\u2022)\s+)(?P<text>\S.*)$")
def _letter_position(letter: str) -> int:
    """'a' -> 1, 'B' -> 2: lettered lists and the decisions that answer them count by position."""
    return ord(letter.lower()) - ord("a") + 1


_FLAT_AT_SPLIT = re.compile(r"(?<=[\w).”\"])\s+(?=At\s+[a-zæøå])")


def _paragraph_lines(text: str, offset: int) -> list[tuple[str, int]]:
    lines, pos = [], offset
    for raw in text.split("\n"):
        stripped = raw.strip()
        lines.append((stripped, pos + (len(raw) - len(raw.lstrip()))))
        pos += len(raw) + 1
    return lines


def _list_after(lines: list[tuple[str, int]], start_index: int) -> list[tuple[int | None, str, int]]:
    """Numbered or bulleted entries that follow lines[start_index] (blank lines allowed before the first)."""
    entries: list[tuple[int | None, str, int]] = []
    seen_entry = False
    for text, start in lines[start_index:]:
        if not text:
            continue
        m = _LIST_ITEM_RE.match(text)
        if m:
            seen_entry = True
            number = int(m["num"]) if m["num"] else (_letter_position(m["letter"]) if m["letter"] else None)
            entries.append((number, m["text"].strip(), start + m.start("text")))
            continue
        if seen_entry:
            if entries and re.match(r"^[a-zæøå(]", text) and len(entries[-1][1]) < 600:
                number, previous, p_start = entries[-1]
                entries[-1] = (number, previous + " " + text, p_start)  # a wrapped line of the entry
                continue
            break
        # text before any entry: an inline form ("At godkende ... At der ..." flattened by an HTML export)
        pieces = _FLAT_AT_SPLIT.split(text)
        if len(pieces) > 1 or text.startswith(("At ", "at ")):
            pos = 0
            for piece in pieces:
                at = text.find(piece, pos)
                entries.append((None, piece.strip(), start + at))
                pos = at + len(piece)
            seen_entry = True
            continue
        break
    return entries


def _numbering(entries: list[tuple[int | None, str, int]]) -> list[tuple[int, bool, str, int]]:
    numbered = all(n is not None for n, _, _ in entries)
    result = []
    for position, (number, text, start) in enumerate(entries, start=1):
        if numbered and len({n for n, _, _ in entries}) == len(entries):
            result.append((number, True, text, start))
        else:
            result.append((position, False, text, start))
    return result


def _clean_party(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip(" ,:-–")
    return text or None


def recommendations_of(seg: Segmented, item: ItemSegment) -> list[Recommendation]:
    text = seg.text
    found: list[Recommendation] = []
    regions = [s for s in item.sections if s.kind != "beslutning"]
    indstilling_sections = [s for s in item.sections if s.kind == "indstilling"]

    def add_entries(entries, proposed_by, addressed_to):
        for number, numbered, body, start in _numbering(entries):
            body = body.rstrip()
            found.append(Recommendation(span=Span(start, start + len(body)), number=number, numbered=numbered,
                                        text=body, proposed_by=proposed_by, addressed_to=addressed_to))

    for section in regions:
        body = text[section.span.start:section.span.end]
        lines = _paragraph_lines(body, section.span.start)
        handled = False
        for index, (line, start) in enumerate(lines):
            m = _INDSTILLES_RE.match(line)
            if m and ("indstill" in line.lower()):
                handled = True
                proposer = _clean_party(m["who"])
                addressee = _clean_party(m["to1"] or m["to2"] or m["addr"])
                rest = (m["rest"] or "").strip()
                entries = _list_after(lines, index + 1)
                if rest and not entries:
                    entries = [(None, rest, start + line.find(rest))]
                elif not entries and m["addr"] and len(m["addr"]) > 40 and m["intro"]:
                    # "Det indstilles, at direktionen godkender X." on one line: the whole clause is the recommendation
                    entries = [(None, m["addr"], start + line.find(m["addr"]))]
                    addressee = None
                add_entries(entries, proposer, addressee)
                continue
            a = _ANBEFALER_RE.match(line)
            if a and not re.match(r"^(det|der|den|som|man)\b", a["who"], re.I) or (a and a["who"].lower().startswith(("det koordinerende", "den "))):
                handled = True
                rest = (a["rest"] or "").strip(" ,:")
                if rest.lower().startswith("at "):
                    rest = rest[3:]
                entries = _list_after(lines, index + 1) if line.rstrip().endswith(":") else []
                statement = rest if rest else ""
                if entries and statement:
                    statement = statement + ": " + "; ".join(e[1] for e in entries)
                elif entries:
                    statement = "; ".join(e[1] for e in entries)
                if statement:
                    begin = start + (line.find(rest) if rest and rest in line else 0)
                    found.append(Recommendation(span=Span(begin, begin + len(rest or line)), number=0, numbered=False,
                                                text=statement, proposed_by=_clean_party(a["who"]), addressed_to=_clean_party(a["to"])))
        if not handled and section.kind == "indstilling" and section in indstilling_sections:
            # an indstilling section without "Det indstilles": "X beslutter:" + list, a list, or its first paragraph
            first_index = next((i for i, (t, _) in enumerate(lines) if t), None)
            if first_index is None:
                continue
            first, p_start = lines[first_index]
            entries: list = []
            addressee = None
            if first.endswith(":"):
                entries = _list_after(lines, first_index + 1)
                lead = re.match(r"^(?P<who>[A-ZÆØÅ][^:]{1,80}?)\s+(?:beslutter|godkender|bedes|anmodes om)\b", first)
                addressee = lead["who"] if lead else None
            elif _LIST_ITEM_RE.match(first) or first.startswith(("At ", "at ")):
                entries = _list_after(lines, first_index)
            if entries:
                add_entries(entries, None, addressee)
                continue
            paragraph = first
            if paragraph.endswith("herunder") or paragraph.endswith(":"):
                tail = _list_after(lines, first_index + 1)
                if tail:
                    paragraph = paragraph + " " + "; ".join(e[1] for e in tail)
            found.append(Recommendation(span=Span(p_start, p_start + len(first)), number=0, numbered=False,
                                        text=paragraph.rstrip(), proposed_by=None, addressed_to=None))
    formal = [r for r in found if not r.proposed_by or "anbefal" not in seg.text[max(0, r.span.start - 200):r.span.start].lower()
              or r.numbered]
    anbefaler = [r for r in found if r not in formal]
    if formal and anbefaler:
        found = formal  # "X anbefaler ..." in the case presentation is background when a formal indstilling exists
    # a non-recommendation in the indstilling section while another section opens with "At <forum> drøfter ...": swapped labels
    if len(found) == 1 and not found[0].numbered and recommendation_intent(found[0].text) is None:
        for section in regions:
            opening = text[section.span.start:section.span.end].strip().split("\n", 1)[0]
            if opening.startswith("At ") and recommendation_intent(opening):
                start = text.find(opening, section.span.start)
                found = [Recommendation(span=Span(start, start + len(opening)), number=1, numbered=False,
                                        text=opening, proposed_by=None, addressed_to=None)]
                break
    # positions for the unnumbered ones, in document order
    found.sort(key=lambda r: r.span.start)
    position = 0
    used = {r.number for r in found if r.numbered}
    for rec in found:
        if not rec.numbered:
            position += 1
            while position in used:
                position += 1
            rec.number = position
    return found


# --------------------------------------------------------------------------- decisions

_UNIT_MARK_RE = re.compile(
    r"^\s*(?:(?:ad\s*)?(?P<l>[a-h])\)\s*"  # "a) Godkendt", "Ad b) Taget til efterretning"
    r"|(?:ad|indstilling|pkt\.?|punkt)\s*(?P<a>\d{1,2})(?:\s*(?:-|og|,)\s*(?P<a2>\d{1,2}))?\s*[:.)]?"
    r"|(?P<n>\d{1,2})(?:\s*-\s*(?P<n2>\d{1,2}))?\s*[.)]\s*"
    r"|(?P<n3>\d{1,2})(?:\s*-\s*(?P<n4>\d{1,2}))\s+)(?=\s*\S|\s*$)",
    re.IGNORECASE,
)


def _decision_units(text: str, span: Span) -> tuple[list[tuple[list[int], str, int]], str | None]:
    """Split a decision section into (answered numbers, text, start) units, and how they were marked:
    'numbered' ("2. Godkendt", "Ad 1", "Indstilling 1:"), 'resolved' (bullets after "X besluttede:") or None."""
    body = text[span.start:span.end]
    lines = _paragraph_lines(body, span.start)
    units: list[tuple[list[int], str, int]] = []
    marked = False
    for line, start in lines:
        if not line:
            continue
        m = _UNIT_MARK_RE.match(line)
        if m and (m["a"] or m["n"] or m["n3"] or m["l"]):
            low = int(m["a"] or m["n"] or m["n3"]) if not m["l"] else _letter_position(m["l"])
            high = int(m["a2"] or m["n2"] or m["n4"] or low)
            numbers = list(range(low, high + 1)) if 0 < high - low < 20 else [low]
            rest = line[m.end():].strip()
            units.append((numbers, rest, start + m.end() + (len(line[m.end():]) - len(line[m.end():].lstrip()))))
            marked = True
        elif marked and units:
            numbers, previous, p_start = units[-1]
            units[-1] = (numbers, (previous + "\n" + line).strip(), p_start if previous else start)
    if marked:
        return units, "numbered"
    # bullets after "X besluttede:"
    # (text after the bullet, where it starts)
    bullets = [(m["text"], start + m.start("text"))
               for line, start in lines if (m := re.match(r"^[-•*]\s+(?P<text>\S.*)$", line))]
    if bullets and re.search(r"\bbesluttede\b|\bbeslutter\b|\bvedtog\b", body[:400], re.I):
        return [([], text, start) for text, start in bullets], "resolved"
    # only bullets, each a verdict ("- Godkendt", "- Taget til efterretning"): by position, one per recommendation
    # (decisions_of keeps the positions only when there are as many recommendations)
    if len(bullets) >= 2 and len(bullets) == sum(1 for line, _ in lines if line) and \
            all(classify_outcome(text) != "other" for text, _ in bullets):
        return [([position], text, start) for position, (text, start) in enumerate(bullets, start=1)], "bulleted"
    flat = _FLAT_AT_SPLIT.split(body.strip())
    if len(flat) > 1 and re.search(r"\bbesluttede\b|\bbeslutter\b", flat[0], re.I):
        for piece in flat[1:]:
            units.append(([], piece.strip(), span.start + body.find(piece)))
        return units, "resolved"
    content = body.strip()
    if content:
        units.append(([], content, span.start + body.find(content)))
    return units, None


def _establishes(text: str) -> tuple[list[str], list[str]]:
    made, ended = [], []
    for m in re.finditer(r"\bnedsættes\s+(?:der\s+)?(?:en|et)\s+(?:ny\s+)?(?P<name>[\wæøåÆØÅ-]+(?:\s+[A-ZÆØÅ][\wæøå-]+)*)", text):
        made.append(m["name"])
    for m in re.finditer(r"\b(?:etableres|oprettes)\s+(?:en|et)\s+(?:ny\s+)?(?P<name>[\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+)*)", text):
        made.append(m["name"])
    for m in re.finditer(r"(?<![\wæøå-])(?P<name>[A-ZÆØÅa-zæøå][\wæøå-]+(?:\s+[\wæøå-]+){0,3}?)\s+(?:nedlægges|lukkes ned|ophører)\b", text):
        name = re.sub(r"^(?:at|og|at de|de|den|det)\s+", "", m["name"], flags=re.I)
        before = text[max(0, m.start() - 40):m.start()].lower()
        if re.match(r"^(?:forventes|det)\b", name, re.I) or re.search(r"forvent|hensigt|overvej|foreslå|muligt|kan ", before):
            continue
        ended.append(name)
    return list(dict.fromkeys(made)), list(dict.fromkeys(ended))


def _allocations(text: str, start: int) -> list[Allocation]:
    """'... 4,3 mio. kr. ... opdeles i 1,2 mio. kr. til X og 3,1 mio. kr. til Y' -> allocations with recipient and purpose."""
    result = []
    for money in find_money(text, bare_in_context=False):
        after = text[money.end: money.end + 200]
        recipient = purpose = None
        m = re.match(r"\s*(?:årligt\s+)?(?:til|for)\s+(?P<what>[^,;.()]+?)(?=\s+og\s+\d|\s+i henhold|\s+jf\.|\s+(?:opdeles|fordeles|sker|skal|overføres|finansieres)\b|[,;.(]|$)", after)
        if m:
            purpose = m["what"].strip()
            r = re.search(r"\bi\s+(?:de\s+)?(?P<r>[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅa-zæøå][\wæøå-]+)*)$", purpose)
            recipient = r["r"] if r else purpose
        before = text[max(0, money.start - 160): money.start]
        t = re.search(r"\b(?:overføres|tildeles|gives|udbetales)\s+til\s+(?P<r>[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+)*)", text[money.end:money.end + 120])
        if t:
            recipient = t["r"]
        if purpose is None:
            h = re.search(r"\b(?:honorering af|til|for)\s+(?P<p>[^,;.]{3,80})\s+(?:på|med)\s*$", before)
            if h:
                purpose = h["p"].strip()
                recipient = recipient or purpose
        if recipient is None and purpose is None:
            continue
        result.append(Allocation(span=Span(start + money.start, start + money.end), dkk=money.dkk,
                                 recipient=recipient, purpose=purpose, text=money.text))
    return result


def decisions_of(seg: Segmented, item: ItemSegment, recommendations: list[Recommendation]) -> list[Decision]:
    text = seg.text
    sections = item.sections_of("beslutning")
    if not sections and item.sections and item.sections[0].heading == "" and not item.implicit:
        # "1. Godkendelse af dagsorden / Dagsorden godkendt.": a short verdict right under the title
        first = item.sections[0]
        body = text[first.span.start:first.span.end].strip()
        if body and len(body) <= SHORT_DECISION and classify_outcome(body) != "other":
            sections = [first]
    parsed = [(section, *_decision_units(text, section.span)) for section in sections]
    any_marked = any(marked == "numbered" for _, _, marked in parsed)
    decisions: list[Decision] = []
    for section, units, marked in parsed:
        if any_marked and marked != "numbered":
            continue  # prose next to numbered decisions is the discussion; the numbered ones are the decisions
        if marked == "bulleted" and len(units) != len(recommendations):
            units = [([], body, start) for _, body, start in units]
        for numbers, body, start in units:
            body = body.strip()
            if not body and not numbers:
                continue
            outcome = classify_outcome(body) if body else "other"
            if marked == "resolved" and outcome in ("other", "discussed"):
                outcome = "approved"  # "X besluttede: - at ..." resolves every point listed
            targets = numbers or [None]
            for number in targets:
                decision = Decision(span=Span(start, start + len(body)), text=body, outcome=outcome, recommendation=number)
                decision.establishes, decision.dissolves = _establishes(body)
                if outcome == "approved-with-remarks":
                    remark = re.search(r"\((?P<r>[^()]{5,})\)|(?:med (?:den )?bemærkning(?:en)?(?: om)?,?\s*|dog\s+|men\s+)(?P<r2>.+)", body, re.I | re.S)
                    decision.remark = (remark["r"] or remark["r2"]).strip() if remark else None
                decisions.append(decision)
    _align(decisions, recommendations)
    for decision in decisions:
        if decision.outcome == "other":
            # minutes that only record the discussion: the forum did what it was asked to (discuss, take note)
            asked = {recommendation_intent(r.text) for r in recommendations
                     if decision.recommendation in (None, r.number)} - {None}
            if len(asked) == 1 and asked <= {"noted", "discussed"}:
                decision.outcome = asked.pop()
    for decision in decisions:
        if decision.outcome in ("approved", "approved-with-remarks"):
            source = decision.text
            rec = next((r for r in recommendations if r.number == decision.recommendation), None)
            allocations = _allocations(source, decision.span.start)
            if not allocations and rec is not None:
                allocations = _allocations(rec.text, rec.span.start)
            decision.allocations = allocations
            if rec is not None and not decision.establishes:
                decision.establishes, _ = _establishes(rec.text)
    return decisions


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
        words = _words(d.text)
        scored = []
        for r in recommendations:
            if r.number in taken:
                continue
            overlap = len(words & _words(r.text)) / max(1, len(_words(r.text)))
            scored.append((overlap, r))
        scored.sort(key=lambda x: -x[0])
        if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.2):
            d.recommendation = scored[0][1].number
            taken.add(scored[0][1].number)
            continue
        # one recommendation whose intent matches the outcome
        intent = {"approved-with-remarks": "approved"}.get(d.outcome, d.outcome)
        fitting = [r for r in recommendations if r.number not in taken and recommendation_intent(r.text) == intent]
        if len(fitting) == 1 and len(unnumbered) == 1:
            d.recommendation = fitting[0].number
            taken.add(fitting[0].number)


# --------------------------------------------------------------------------- attachments and references

def attachments_of(seg: Segmented, item: ItemSegment) -> list[Attachment]:
    found: list[Attachment] = []
    seen: set[str] = set()
    for section in item.sections_of("bilag"):
        body = seg.text[section.span.start:section.span.end]
        for line, start in _paragraph_lines(body, section.span.start):
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


_REFERENCE_RE = re.compile(
    r"(?:(?P<rel>næste|kommende|forrige|sidste|seneste)\s*)?møde(?:t)?\s+i\s+(?:det\s+)?(?P<forum>[A-ZÆØÅa-zæøå][^.,\n]{2,80}?)\s+(?:d\.|den)\s+(?P<date>\d{1,2}\.?\s*[a-zæøå]+\.?(?:\s+\d{4})?|\d{1,2}[-/.]\d{1,2}[-/. ]\d{4})"
    r"|(?<![\w-])(?P<forum2>[A-ZÆØÅ][\w-]*-?)møde(?:t)?\s+(?:d\.|den)\s+(?P<date2>\d{1,2}\.?\s*[a-zæøå]+\.?(?:\s+\d{4})?)",
)


def references_of(seg: Segmented, item: ItemSegment, meeting_date: str | None) -> list[MeetingReference]:
    body = seg.text[item.span.start:item.span.end]
    year = int(meeting_date[:4]) if meeting_date else None
    found = []
    for m in _REFERENCE_RE.finditer(body):
        forum = re.sub(r"(?<!\s)\s+(?:afholdes|holdes|finder sted|er|blev)$", "", (m["forum"] or m["forum2"] or "").strip(" -"))
        raw_date = m["date"] or m["date2"]
        dates = find_dates(raw_date)
        iso = dates[0].iso(year) if dates else None
        rel = (m["rel"] or "").lower()
        relation = "next" if rel in ("næste", "kommende") else "earlier" if rel in ("forrige", "sidste", "seneste") else "other"
        if relation == "other" and iso and meeting_date:
            relation = "next" if iso > meeting_date else "earlier"
        if any(r.date == iso and r.forum and forum and (r.forum in forum or forum in r.forum) for r in found):
            continue
        found.append(MeetingReference(span=Span(item.span.start + m.start(), item.span.start + m.end()),
                                      forum=forum or None, date=iso, relation=relation))
    return found


# --------------------------------------------------------------------------- the component

def items(seg: Segmented, ex: Extraction) -> None:
    for segment in seg.items:
        recommendations = recommendations_of(seg, segment)
        decisions = decisions_of(seg, segment, recommendations)
        ex.items.append(Item(
            span=segment.span, number=segment.number, title=segment.title,
            kind=item_kind(segment, recommendations, decisions), kind_label=segment.kind_label,
            time_slot=segment.time_slot, title_span=segment.title_span,
            sections=[SectionFact(span=s.span, kind=s.kind, heading=s.heading) for s in segment.sections],
            recommendations=recommendations, decisions=decisions,
            attachments=attachments_of(seg, segment),
            references=references_of(seg, segment, ex.meeting.date),
        ))
