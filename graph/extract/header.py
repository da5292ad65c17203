"""Components for the meeting (forum, body, date, start, place) and its participants.

The meeting is read from the header (the text before the first agenda item) by small rules that each offer what they
find with a priority; the best offer per field wins (a `Mødedato` field beats a date in the title, which beats a bare
date line). The families of headers: label/value fields (`Udvalg:`, `Mødedato`, `STARTTIDSPUNKT`, `Mødested X`, the
value on the same line or the next), titles (`Referat fra mødet i <forum> den <dato> kl. <tid> i <sted>`, also split
over lines; `<Forum> - Referat - <dato>`; `<Forum>s møde den <dato>`; `<Forum> <dato> (Referat)`), and cover pages
(forum, weekday date and room on separate lines).

Participants come from lists (`Deltagere:`, `Mødedeltagere`, `Afbud`, `• Afbud` inside a list, Markdown tables), list
entries (`Navn (A)`, `Navn, A`, `Navn, X Kommune`, `Formand Navn`, `Navn - formand`, `Navn (Afbud)`, `Navn- afbud`) and
attendance sentences (`Afbud fra X og Y`, `Alle var mødt undtagen X, der havde meldt afbud`, `X havde meldt afbud, og Y
deltog i stedet`). They are read in the header, in a first agenda item about attendance, and in the decisions; never in
a history section (`Sagens forløb`), which tells other meetings. Someone who missed only some items was present.

Every word pattern is in the lexicon (graph/lexicon/header.toml, participants.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from itertools import pairwise

from ..lexicon import lexicon, pattern, rules, rx
from ..segment import Line, Segmented, Span, section_heading, sentence_case
from .model import Extraction, Participant
from .parse import MONTHS, TIME_RE, find_dates

HEADER_CHARS = 3000  # without item headings, the header is looked for in the document's first characters
TITLE_LINES = 25  # title and cover-page lines are among the header's first non-empty lines

# --------------------------------------------------------------------------- the header's lines


def _header_end(seg: Segmented) -> int:
    if seg.items and not seg.items[0].implicit and seg.header.end > 0:
        return seg.header.end
    return min(len(seg.text), HEADER_CHARS)


def header_lines(seg: Segmented) -> list[Line]:
    """The header's lines. Without explicit item headings (one implicit item, or none found), the header is the top of
    the document up to the first line that opens a section or looks like an item heading."""
    end = _header_end(seg)
    if seg.items and not seg.items[0].implicit and seg.header.end > 0:
        return [line for line in seg.lines if line.end <= end]
    # a long first line (a PDF page as one line) is cut at the header's end, not left out
    lines = [
        line if line.end <= end else Line(line.text[: end - line.start], line.start, end)
        for line in seg.lines
        if line.start < end
    ]
    for index, line in enumerate(lines):
        if line.text and (rx("header.item_start").match(line.text) or _opens_section(line.text)):
            return lines[:index]
    return lines


def _opens_section(text: str) -> bool:
    """A section heading ends a header without item headings; 'Referat' alone at the top is the title, and a list of
    participants belongs to the header."""
    found = section_heading(text)
    return found is not None and found[0] != "deltagere" and not rx("header.title_word").fullmatch(text.strip())


def _nonempty(lines: list[Line]) -> list[Line]:
    return [line for line in lines if line.text]


# --------------------------------------------------------------------------- dates and times in a value


def _date_of(text: str) -> tuple[str, int, int] | None:
    """The first complete date in `text` as (YYYY-MM-DD, start, end); also 'Marts 3, 2016'."""
    for found in find_dates(text):
        if found.value:
            return found.value.isoformat(), found.start, found.end
    for name in ("header.comma_year_date", "header.month_first_date"):
        m = rx(name).search(text)
        if m:
            try:
                return date(int(m["y"]), MONTHS[m["m"].lower()], int(m["d"])).isoformat(), m.start(), m.end()
            except ValueError:
                return None
    return None


def _time_of(text: str, bare_hours: bool = False) -> tuple[str, int, int] | None:
    """The start time in `text`: after 'kl.', else a clock 'hh:mm' that is not part of a date; with `bare_hours`, a
    time field's '13-15' is 13:00."""
    m = TIME_RE.search(text)
    if m and int(m["h"]) <= 23:
        return f"{int(m['h']):02d}:{int(m['min'] or 0):02d}", m.start(), m.end()
    m = rx("header.clock").search(text)
    if m:
        return f"{int(m['h']):02d}:{m['min']}", m.start(), m.end()
    m = rx("header.bare_hours").match(text)
    if bare_hours and m:
        return f"{int(m['h']):02d}:00", m.start("h"), m.end("h")
    return None


# --------------------------------------------------------------------------- offers


@dataclass
class _Offer:
    value: str
    span: Span
    priority: int


@dataclass
class _Board:
    """What the rules found for each field of the meeting; the lowest priority (then the first) wins."""

    slots: dict[str, _Offer] = field(default_factory=dict)

    def offer(self, slot: str, value: str | None, span: Span, priority: int) -> None:
        if not value:
            return
        current = self.slots.get(slot)
        if current is None or priority < current.priority:
            self.slots[slot] = _Offer(value, span, priority)


def _offer_date(board: _Board, text: str, start: int, priority: int, bare_hours: bool = False) -> bool:
    found = _date_of(text)
    if found:
        board.offer("date", found[0], Span(start + found[1], start + found[2]), priority)
    when = _time_of(text[found[2] :] if found else text, bare_hours and not found)
    if when:
        shift = start + (found[2] if found else 0)
        board.offer("start", when[0], Span(shift + when[1], shift + when[2]), priority)
    return bool(found or when)


# --------------------------------------------------------------------------- forum names


def _strip_tail(text: str) -> str:
    for _ in range(6):
        before = text
        text = text.rstrip(" \t")
        for name in (
            "header.date_lead",
            "header.bracket_tail",
            "header.word_tail",
            "header.sequence",
            "header.genitive_meeting",
            "header.kind_tail",
        ):
            m = rx(name).search(text)
            if m:
                text = text[: m.start()].rstrip(" \t")
        text = text.rstrip(" \t-–—:,.;|")
        if text == before:
            break
    return text


def _clean_forum(raw: str, start: int) -> tuple[str, int]:
    """A forum name as written, without the title's words around it ('- Referat -', '(Referat)', weekday, 'nr. 2')."""
    text = _strip_tail(raw)
    lead = len(text) - len(text.lstrip(" \t-–—:,.;|\"'"))
    text = text[lead:].strip()
    if len(text) >= 2 and text[0] == "(" and text[-1] == ")":
        return "", start
    return text, start + lead


def _forum_ok(text: str, strong: bool) -> bool:
    """Does `text` read as a forum's name? A title's word ('Referat fra mødet i X') vouches for any noun phrase; a bare
    line must be capitalised and have a forum word ('udvalg', 'råd', 'styregruppe' ...) before its first preposition
    ('Udvalget for sundhed for alle', not 'Regnskab 2018 for Sundhedsudvalget')."""
    if not 2 <= len(text) <= 90 or not text[0].isalpha() or _something_else(text):
        return False
    if strong:
        return True
    preposition = rx("header.preposition").search(text)
    head = text[: preposition.start()] if preposition else text
    return (
        text[0].isupper()
        and not re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
        and bool(rx("header.forum_word").search(head))
    )


def _something_else(text: str) -> bool:
    """A sentence, site chrome, a person (or a party letter), a title word, a date, or pages glued together."""
    checks = (
        rx("header.glued").search(text),
        rx("header.sentence_verb").search(text),
        rx("header.chrome").match(text),
        re.search(r"\([A-ZÆØÅ]{1,2}\)", text),
        looks_like_name(text),
        rx("header.title_word").fullmatch(text),
        rx("header.weekday_word").search(text),
        find_dates(text),
        rx("header.caps_run").search(text) and re.search(r"[a-zæøå]", text),
    )
    return any(checks)


def _offer_forum(board: _Board, raw: str, start: int, priority: int, strong: bool) -> bool:
    forum, at = _clean_forum(raw, start)
    if not forum:
        return False
    name, body = split_forum_body(forum)
    if (
        not name
        or not _forum_ok(name, strong)
        or (body is None and rx("header.organisation_word").match(name) and not rx("header.forum_word").search(name))
    ):
        return False  # a cluster, a region or a municipality alone is a body, not a forum
    offset = at + forum.find(name) if name in forum else at
    board.offer("forum", name, Span(offset, offset + len(name)), priority)
    if body:
        b = at + forum.find(body)
        board.offer("body", body, Span(b, b + len(body)), priority)
    return True


def split_forum_body(text: str) -> tuple[str | None, str | None]:
    """'Sundhedsklynge Lillebælt - Fagligt strategisk niveau' ->
    ('Fagligt strategisk niveau', 'Sundhedsklynge Lillebælt');
    'Direktørforum Sundhedsklynge Midt' -> ('Direktørforum', 'Sundhedsklynge Midt'); 'Handicaprådet i Odense Kommune' ->
    ('Handicaprådet', 'Odense Kommune'). A name whose parts are none of them an organisation stays whole
    ('Klinisk Farmakologi - Uddannelsesudvalg')."""
    text = text.strip(" -–:,")
    if not text:
        return None, None
    parts = [p.strip() for p in re.split(r"(?<!\s)\s+[-–—]\s+|,\s+", text) if p.strip()]
    if len(parts) == 2:
        first, second = (rx("header.organisation_word").match(p) for p in parts)
        if first and not second:
            return parts[1], parts[0]
        if second and not first:
            return parts[0], parts[1]
    m = re.search(r"(?:" + pattern("header.cluster") + r")\s*$", text)
    if m and m.start() > 0:  # "Styregruppen for Sundhedsklynge Nord": the forum is "Styregruppen"
        return rx("header.trailing_connector").sub("", text[: m.start()].strip(" -–,")), m.group().strip()
    m = rx("header.body_words").search(text)
    if m and m.start() > 0:
        return text[: m.start()].strip(), m["body"].strip()
    return text, None


# --------------------------------------------------------------------------- meeting rules: fields


def _field_value(lines: list[Line], index: int) -> tuple[str, int] | None:
    """The value of a label that stands alone: the next non-empty line (within three), unless it is a label, an item
    heading or a title word."""
    for line in lines[index + 1 : index + 4]:
        if not line.text:
            continue
        if rx("header.field_line").match(line.text) or rx("participants.label_line").match(line.text):
            return None
        if rx("header.item_start").match(line.text) or rx("header.title_word").fullmatch(line.text):
            return None
        return line.text, line.start
    return None


def _segments(text: str, start: int) -> list[tuple[str, str, int]]:
    """A line with several labels ('Mødedato: X Mødested: Y Mødetidspunkt: Z') as (label, value, offset) parts."""
    marks = list(rx("header.inline_field").finditer(text))
    parts = []
    for index, m in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        value = text[m.end() : end]
        lead = len(value) - len(value.lstrip(" \t|"))
        parts.append((m["label"], value.strip(" \t|"), start + m.end() + lead))
    return parts


def _fields_of(lines: list[Line]) -> list[tuple[str, str, int]]:
    """Every (label, value, offset) in the header."""
    found = []
    for index, line in enumerate(lines):
        if not line.text:
            continue
        m = rx("header.field_line").match(line.text)
        if m and m["label"] and not (m["value"] or "").strip(" \t|"):
            nxt = _field_value(lines, index)
            if nxt:
                found.append((m["label"], nxt[0], nxt[1]))
            continue
        parts = _segments(line.text, line.start)
        if len(parts) >= 2 or (parts and not m):
            found.extend(parts)
        elif m:
            group = "value" if m["label"] else "bare"
            value, lead = m[group], len(m[group]) - len(m[group].lstrip(" \t|"))
            found.append((m["label"] or m["blabel"], value.strip(" \t|"), line.start + m.start(group) + lead))
    return found


def _field_kind(label: str) -> tuple[str, int]:
    label = re.sub(r"\s+", " ", label.strip())
    for entry in lexicon().groups["header_field"]:
        if entry.regex.fullmatch(label):
            return entry.key or "skip", int(entry.extra.get("priority", 50))
    return "skip", 99


def _place_value(value: str) -> str | None:
    value = value.strip(" \t|")
    m = rx("header.time_slot_prefix").match(value)
    if m:
        value = value[m.end() :]
    value = value.rstrip(" .;,")
    if not value or rx("header.placeholder_place").fullmatch(value) or len(value) > 200:
        return None
    return value


def _offer_place(board: _Board, value: str, start: int, priority: int) -> None:
    place = _place_value(value)
    if place:
        at = start + value.find(place)
        board.offer("place", place, Span(at, at + len(place)), priority)


def _meeting_field(board: _Board, value: str, start: int, priority: int) -> None:
    """'Møde: Regionsrådets møde' names the forum; 'Møde: 12. dec. 2024 kl. 14-16' says when."""
    if _date_of(value):
        _offer_date(board, value, start, priority)
        return
    if rx("header.title_word").fullmatch(value.strip()) or rx("header.meeting_kind").fullmatch(value.strip()):
        return
    _offer_forum(board, value, start, priority, strong=True)


def _time_place_field(board: _Board, value: str, start: int, priority: int) -> None:
    """'Tidspunkt og sted: Rådhuset (13.00-15.00)'."""
    when = _time_of(value)
    if when:
        board.offer("start", when[0], Span(start + when[1], start + when[2]), priority)
    place = rx("header.time_in_place").sub("", value).strip(" ,.")
    if place:
        _offer_place(board, place, start + value.find(place), priority)


def _rule_fields(seg: Segmented, lines: list[Line], board: _Board) -> None:
    for label, value, start in _fields_of(lines):
        if not value:
            continue
        kind, priority = _field_kind(label)
        if kind == "forum":
            _offer_forum(board, value, start, priority, strong=True)
        elif kind == "meeting":
            _meeting_field(board, value, start, priority)
        elif kind == "date":
            time_like = not rx("header.date_label").search(label)
            _offer_date(board, value, start, priority, bare_hours=time_like)
        elif kind == "time_place":
            _time_place_field(board, value, start, priority)
        elif kind == "place":
            _offer_place(board, value, start, priority)


# --------------------------------------------------------------------------- meeting rules: titles and cover pages


@dataclass
class _TitleParse:
    forum: tuple[str, int] | None = None
    date: tuple[str, int, int] | None = None
    time: tuple[str, int, int] | None = None
    place: tuple[str, int] | None = None


def _parse_title(text: str, start: int, strong: bool) -> _TitleParse:
    """'<forum> [weekday] [den] <date> [kl. <time>] [i <place>]' (the title's lead words already taken off)."""
    found = _TitleParse()
    date = _date_of(text)
    before, after, after_at = (text[: date[1]], text[date[2] :], date[2]) if date else (text, "", len(text))
    if date:
        found.date = (date[0], start + date[1], start + date[2])
    forum, at = _clean_forum(before, start)
    if not forum and strong and date:
        dash = rx("header.dash_forum").match(after)  # "Referat 11-10-2007 - <forum>"
        if dash:
            forum, at = _clean_forum(dash["forum"], start + after_at + dash.start("forum"))
            after = ""
    if forum:
        found.forum = (forum, at)
    when = _time_of(after) if after else None
    if date and when and not rx("header.time_word").sub("", after[: when[1]]).strip(" \t,.-–"):
        found.time = (when[0], start + after_at + when[1], start + after_at + when[2])
        rest = after[when[2] :]
        m = rx("header.place_after_time").match(rest)
        if strong and m:
            found.place = (m["place"].rstrip(" ."), start + after_at + when[2] + m.start("place"))
    return found


def _apply_title(board: _Board, parsed: _TitleParse, strong: bool, priorities: tuple[int, int]) -> bool:
    forum_priority, date_priority = priorities
    used = False
    if parsed.forum:
        used = _offer_forum(board, parsed.forum[0], parsed.forum[1], forum_priority, strong)
    if parsed.date:
        board.offer("date", parsed.date[0], Span(parsed.date[1], parsed.date[2]), date_priority)
        used = True
    if parsed.time:
        board.offer("start", parsed.time[0], Span(parsed.time[1], parsed.time[2]), date_priority)
    if parsed.place:
        _offer_place(board, parsed.place[0], parsed.place[1], 20)
    return used


def _title_text(line: Line) -> tuple[str, int]:
    """The part of a line before any inline field label (a docplayer line holds the title and all the fields)."""
    marks = list(rx("header.inline_field").finditer(line.text))
    text = line.text[: marks[0].start()] if marks else line.text
    return text.rstrip(), line.start


def _is_label(text: str) -> bool:
    m = rx("header.field_line").match(text)
    return bool(m) or bool(rx("participants.label_line").match(text))


@dataclass
class _Cover:
    """What the cover-page rules remember from one line to the next."""

    after_title: bool = False  # the line before was a bare title ('Referat', 'Referat fra møde')
    dated_at: int = -1  # index (among the non-empty lines) of the last line that gave a date
    dated_with_time: bool = False


def _title_line(board: _Board, text: str, start: int, cover: _Cover) -> bool:
    """One title-like line; True when it said something. After a bare title ('Referat fra møde'), the next line is
    the forum whatever its words."""
    after_title, cover.after_title = cover.after_title, False
    body = rx("header.body_lead").match(text)
    if body:  # "GENTOFTE KOMMUNE Referat af møde i Socialudvalget"
        board.offer("body", body["body"], Span(start + body.start("body"), start + body.end("body")), 20)
        text, start = text[body.end() :], start + body.end()
    meeting_lead = rx("header.meeting_lead").match(text)
    if meeting_lead:  # "Møde i <forum>", "mødet i <forum>"
        parsed = _parse_title(meeting_lead["forum"] or "", start + meeting_lead.start("forum"), strong=True)
        return _apply_title(board, parsed, True, (20, 15)) or True
    lead = rx("header.title_lead").match(text) or rx("header.sources_lead").match(text)
    if lead:  # "Referat fra mødet i <forum> den <dato>", "Dagsordener og referater fra <forum>"
        rest = text[lead.end() :]
        if not rest.strip():
            cover.after_title = True
            return True
        return _apply_title(board, _parse_title(rest, start + lead.end(), strong=True), True, (20, 15))
    return _plain_title_line(board, text, start, after_title)


def _plain_title_line(board: _Board, text: str, start: int, after_title: bool) -> bool:
    """A line without a title's words: '<Forum> - Referat - <dato>', '<Forum>s møde den <dato>', '<Forum> <dato>'."""
    if not after_title and rx("header.sentence_verb").search(text):
        return False  # a sentence ('Regionsrådet besluttede på møde den 12. december ...') is no title
    page = re.match(r"\d{1,3}[ \t]+(?=[A-ZÆØÅ])", text)
    if page and not after_title:  # a page number glued before a docplayer page's first line
        text, start = text[page.end() :], start + page.end()
    parsed = _parse_title(text, start, strong=after_title)
    before = text[: parsed.date[1] - start] if parsed.date else text
    strong = (
        after_title
        or bool(rx("header.genitive_meeting").search(_strip_date_lead(before)))
        or bool(parsed.forum and rx("header.dash_title").search(text))
    )
    return _apply_title(board, parsed, strong, (22 if after_title else (20 if strong else 40), 30))


def _strip_date_lead(text: str) -> str:
    text = text.rstrip(" \t,")
    m = rx("header.date_lead").search(text)
    return text[: m.start()].rstrip() if m else text


def _cover_place(board: _Board, line: Line, index: int, cover: _Cover) -> bool:
    """The room on the line after a cover page's date ('onsdag den 28. august 2019 kl. 08:00' / 'Mødelokale 20'), or
    'i <sted>' after 'den <dato> kl. <tid>'."""
    if cover.dated_at < 0 or index - cover.dated_at > 2:
        return False
    m = rx("header.place_lead").match(line.text)
    if m and index - cover.dated_at == 1:
        _offer_place(board, m["place"], line.start + m.start("place"), 20)
        return True
    text = line.text
    if (
        cover.dated_with_time
        and len(text) <= 100
        and rx("header.place_word").search(text)
        and not _is_label(text)
        and not rx("header.forum_word").search(text)
        and not rx("header.sentence_verb").search(text)
    ):
        _offer_place(board, text, line.start, 30)
        return True
    return False


def _rule_titles(seg: Segmented, lines: list[Line], board: _Board) -> None:
    cover = _Cover()
    for index, line in enumerate(_nonempty(lines)[:TITLE_LINES]):
        text, start = _title_text(line)
        if (
            not text
            or any(rx(name).search(text) for name in ("header.glued", "header.toc_line"))
            or rx("header.chrome").match(text)
        ):
            continue
        if _cover_place(board, line, index, cover):
            continue
        m = rx("header.kind_place_time").match(text)
        if m:
            _offer_place(board, m["place"], start + m.start("place"), 25)
            at = Span(start + m.start("time"), start + m.end("time"))
            # an hour above 23 reads as no time: TypeError, and extract() reports the component as failed
            board.offer("start", _time_of("kl. " + m["time"])[0], at, 25)  # type: ignore[index]
            continue
        if _is_label(text) or rx("header.connector").fullmatch(text) or rx("header.held_at").match(text):
            cover.after_title = cover.after_title and rx("header.connector").fullmatch(text) is not None
            continue
        _title_line(board, text, start, cover)
        date = _date_of(text)
        if date and not rx("header.sentence_verb").search(text):
            cover.dated_at, cover.dated_with_time = index, bool(_time_of(text[date[2] :]))


def _rule_places_in_prose(seg: Segmented, lines: list[Line], board: _Board) -> None:
    for line in _nonempty(lines):
        m = rx("header.held_at").match(line.text)
        if m:
            _offer_place(board, m["place"], line.start + m.start("place"), 35)
    m = rx("header.began").search(seg.text[: 2 * HEADER_CHARS])
    if m:
        when = _time_of("kl. " + m["time"])
        # an hour above 23 reads as no time: TypeError, and extract() reports the component as failed
        board.offer("start", when[0], Span(m.start("time"), m.end("time")), 45)  # type: ignore[index]


def _rule_levels(seg: Segmented, lines: list[Line], board: _Board) -> None:
    """A header line that is a level of a cluster ('Fagligt strategisk niveau')."""
    for line in _nonempty(lines)[:8]:
        if rx("header.level").fullmatch(line.text):
            board.offer("forum", line.text, Span(line.start, line.end), 35)
            return


def _rule_dated_top_line(seg: Segmented, lines: list[Line], board: _Board) -> None:
    """A dated line at the very top: 'D. 15. maj 2018, Sundhed', 'Tirsdag den 4. juni 2024, kl. 10.00 – 12.00'."""
    for line in seg.lines[:12]:
        m = rx("header.dated_top_line").match(line.text)
        if m and (m["lead"] or len(line.text) < 60) and _date_of(m["date"]):
            _offer_date(board, line.text, line.start, 40)
            return


def _rule_decider(seg: Segmented, lines: list[Line], board: _Board) -> None:
    """A document without a header (an indstilling): the forum is the one that 'besluttede:'."""
    for line in seg.lines:
        m = rx("header.decider").match(line.text)
        if m:
            board.offer("forum", m["forum"], Span(line.start + m.start("forum"), line.start + m.end("forum")), 60)
            return


_MEETING_RULES = (_rule_fields, _rule_titles, _rule_places_in_prose, _rule_levels, _rule_dated_top_line, _rule_decider)


def meeting(seg: Segmented, ex: Extraction) -> None:
    lines = header_lines(seg)
    board = _Board()
    for rule in _MEETING_RULES:
        rule(seg, lines, board)
    m = ex.meeting
    for slot in ("forum", "body", "date", "start", "place"):
        offer = board.slots.get(slot)
        if offer is not None:
            setattr(m, slot, offer.value)
            m.spans[slot] = offer.span
    if m.body is None and m.forum:
        _body_of(seg, ex, m.forum)
    if m.forum:
        m.forum = sentence_case(m.forum)  # "SUNDHEDSSAMARBEJDSUDVALGET" -> "Sundhedssamarbejdsudvalget"
    if m.spans:
        m.span = Span(min(s.start for s in m.spans.values()), max(s.end for s in m.spans.values()))


def _body_of(seg: Segmented, ex: Extraction, forum: str) -> None:
    m = ex.meeting
    m.body = _body_from_text(seg.text, forum, ex.gazetteer.clusters)
    if m.body is not None:
        return
    # an organisation named alone on one of the first lines ("Region Nordjylland" above "Regionsrådet")
    for line in _nonempty(seg.lines[:6])[:4]:
        if line.text in ex.gazetteer.organisations and line.text != m.forum:
            m.body = line.text
            m.spans["body"] = Span(line.start, line.end)
            return


def _body_from_text(text: str, forum: str, clusters: frozenset[str]) -> str | None:
    """The health cluster the forum belongs to when the header does not say: the one the text names most.
    Only real health clusters count: "klynge" alone (an internal team) does not make one."""
    if rx("header.cluster").search(forum) or not clusters:
        return None
    if rx("header.committee").search(forum):
        return None  # a municipal or regional committee or council belongs to no cluster, however often it names one
    names = sorted(clusters, key=len, reverse=True)
    found = re.compile(r"(?<![\wæøå-])(" + "|".join(map(re.escape, names)) + r")(?![\wæøå])", re.IGNORECASE)
    counts: dict[str, int] = {}
    for mm in found.finditer(text):
        counts[mm.group(1)] = counts.get(mm.group(1), 0) + 1
    if not counts:
        return None
    best, n = max(counts.items(), key=lambda kv: kv[1])
    return best if n >= 2 else None


# --------------------------------------------------------------------------- names, titles, roles


def looks_like_name(text: str) -> bool:
    text = text.strip()
    return (
        len(text) <= 60
        and bool(rx("participants.name").fullmatch(text))
        and not rx("participants.not_name").search(text)
    )


def role_of(text: str) -> str | None:
    low = text.lower()
    for key, pattern_ in rules("participant_role"):
        if pattern_.search(low):
            return key
    return None


def split_title(text: str) -> tuple[str | None, str]:
    """'Rådmand Søren Hansen' -> ('Rådmand', 'Søren Hansen');
    'socialdirektør Anders Jensen' -> ('socialdirektør', ...)."""
    tokens = text.split()
    cut = 0
    while cut < len(tokens) - 2 and rx("participants.title_word").fullmatch(tokens[cut]):
        cut += 1
    return (" ".join(tokens[:cut]) or None), " ".join(tokens[cut:])


def _name_pieces(value: str) -> list[tuple[str, int]]:
    """'A, B og C (Region X, Viborg)' -> [(piece, offset)], split at separators outside brackets (one pass:
    a lookahead for the closing bracket would rescan the rest of the line at every comma). A bracket followed by a
    capitalised word ends a piece: 'Maria Gudme (A) Anja Hansen (F)' is two names."""
    pieces, start, depth, scanned = [], 0, 0, 0
    for m in rx("participants.name_sep").finditer(value):
        depth += value.count("(", scanned, m.start()) - value.count(")", scanned, m.start())
        scanned = m.start()
        if depth <= 0:
            pieces.append((value[start : m.start()], start))
            start = m.end()
    pieces.append((value[start:], start))
    return pieces


# --------------------------------------------------------------------------- list entries


@dataclass
class _Entry:
    name: str
    offset: int  # of the name within the entry's text
    title: str | None = None
    organisation: str | None = None
    role: str | None = None
    state: str | None = None  # absent | partial | present (a flag on the entry), or None
    substitute_for: tuple[str, int] | None = None  # the absent person this one stands in for
    stand_in: tuple[str, int] | None = None  # the person standing in for this (absent) one


_FLAGS = (
    ("participants.flag_absent", "absent"),
    ("participants.flag_partial", "partial"),
    ("participants.flag_present", "present"),
)


def _strip_flags(text: str, entry: _Entry) -> str:
    """Flags, parties and roles after the name, from the end: '(Afbud)', '- afbud', ', A', '(A)', '- formand',
    '(for X)'."""
    for _ in range(6):
        before = text
        text = _strip_others(_strip_states(text.rstrip(" \t.,;"), entry), entry)
        m = rx("participants.role_tail").search(text)
        if m and m.start() > 0:
            entry.role, text = entry.role or role_of(m["role"].replace("ref.", "referent")), text[: m.start()]
        m = rx("participants.party_tail").search(text)
        if m and m.start() > 0:
            text = text[: m.start()]
        if text == before:
            break
    return text.rstrip(" \t.,;")


def _strip_states(text: str, entry: _Entry) -> str:
    for name, state in _FLAGS:
        m = rx(name).search(text)
        if m and m.start() > 0:
            entry.state, text = entry.state or state, text[: m.start()]
    return text


def _strip_others(text: str, entry: _Entry) -> str:
    """'(for Ole Petersen)': the one this person stands in for; '- Ole Berg stedfortræder': the one standing in."""
    m = rx("participants.substitute_for").search(text)
    if m and m.start() > 0:
        entry.substitute_for, text = (m["name"].strip(), m.start("name")), text[: m.start()]
    m = rx("participants.stand_in").search(text)
    if m and m.start() > 0:
        entry.stand_in, text = (m["name"].strip(), m.start("name")), text[: m.start()]
    return text


def _shift_others(entry: _Entry, shift: int) -> None:
    """Offsets of the other persons an entry names, from its stripped text to the entry's text."""
    if entry.substitute_for:
        entry.substitute_for = (entry.substitute_for[0], entry.substitute_for[1] + shift)
    if entry.stand_in:
        entry.stand_in = (entry.stand_in[0], entry.stand_in[1] + shift)


def _organisation_in(rest: str) -> tuple[str | None, str | None]:
    """(title, organisation) from what follows the name: 'Direktør i Region Nordjylland', 'Kolding Kommune'."""
    m = rx("participants.org_after").match(rest)
    if m and rx("participants.org_hint").search(m["org"]):
        return m["title"].strip() or None, m["org"].strip()
    first = rest.split(",")[0]
    if rx("participants.org_hint").search(rest) and not rx("participants.job_word").search(first):
        return None, rest
    parts = [p.strip() for p in rest.split(",")]
    if len(parts) > 1 and rx("participants.org_hint").search(parts[-1]):
        return parts[0], parts[-1]
    return parts[0] or None, None


def _entry(text: str) -> _Entry | None:
    """One list entry: 'Eva Knudsen, Direktør i Region Nordjylland (medformand)',
    'Borgmester Jens Hansen, Vejle Kommune', '• Poul Hansen, A', 'Per Lund Sørensen (Afbud)',
    'Lars Søe (B)- deltog ikke i behandlingen af punkt: 6'."""
    if len(text) > 300:  # a paragraph, not a person
        return None
    bullet = rx("participants.bullet").match(text)
    skip = bullet.end() if bullet else 0
    entry = _Entry("", 0)
    line = _strip_flags(text[skip:], entry)
    _shift_others(entry, skip)
    paren = re.search(r"\(([^()]{2,60})\)\s*$", line)
    if paren and role_of(paren.group(1)):
        entry.role, line = entry.role or role_of(paren.group(1)), line[: paren.start()].rstrip()
    elif paren and rx("participants.org_hint").search(paren.group(1)):
        entry.organisation, line = paren.group(1).strip(), line[: paren.start()].rstrip()
    head, _, rest = line.partition(",")
    title, name = _person_of(head.strip())
    if name is None:
        return None
    entry.name, entry.title = name, title
    entry.offset = skip + text[skip:].find(name)
    rest = rest.strip().rstrip(",.")
    if rest:
        _rest_of_entry(rest, entry)
    if entry.role is None and entry.title and role_of(entry.title) in ("formand", "naestformand", "medformand"):
        entry.role = role_of(entry.title)
    return entry


def _person_of(head: str) -> tuple[str | None, str | None]:
    title, name = split_title(head)
    if looks_like_name(name):
        return title, name
    tokens = head.split()  # leading title words ending in a title: "Sundheds- og Seniorchef Torben Krogh"
    for cut in range(1, min(4, len(tokens))):
        if looks_like_name(" ".join(tokens[cut:])) and rx("participants.title_word").fullmatch(tokens[cut - 1]):
            return " ".join(tokens[:cut]), " ".join(tokens[cut:])
    return None, None


def _rest_of_entry(rest: str, entry: _Entry) -> None:
    if rx("participants.role_only").match(rest):
        entry.title = entry.title or rest
        entry.role = entry.role or role_of(rest)
        return
    title, organisation = _organisation_in(rest)
    entry.title = entry.title or title
    entry.organisation = entry.organisation or organisation
    if entry.role is None and rx("participants.role_rest").match(rest):
        entry.role = role_of(rest)


def _names_in(value: str, strict: bool) -> list[_Entry] | None:
    """'A, B og C (Region X)' -> entries (name, offset, organisation in brackets). Strict: every piece must be a person,
    or nothing is (a sentence is not a list)."""
    found = []
    for piece, at in _name_pieces(value):
        if not piece.strip():
            continue
        entry = _Entry("", 0)
        cleaned = _strip_flags(piece, entry)
        _shift_others(entry, at)
        bracket = re.search(r"\(([^()]{1,80})\)\s*$", cleaned)
        if bracket:
            if rx("participants.org_hint").search(bracket.group(1)):
                entry.organisation = bracket.group(1).strip()
            elif role_of(bracket.group(1)):
                entry.role = entry.role or role_of(bracket.group(1))
            cleaned = cleaned[: bracket.start()]
        title, name = _person_of(cleaned.strip(" ."))
        if name is None:
            if strict:
                return None
            continue
        entry.name, entry.title, entry.offset = name, title, at + piece.find(name)
        found.append(entry)
    return found


# --------------------------------------------------------------------------- the people of a meeting


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


class _People:
    """The participants found so far, by name; a second mention of a person (also misspelt: 'Hansn') is the same."""

    def __init__(self, ex: Extraction):
        self.ex = ex
        self.by_key: dict[str, Participant] = {}

    def find(self, name: str, fuzzy: bool = True) -> Participant | None:
        """The person by name; `fuzzy`: also a name that differs in one slightly misspelt word ('Hansn', 'Ronnie')."""
        key = _key(name)
        if key in self.by_key or not fuzzy:
            return self.by_key.get(key)
        tokens = key.split()
        for known, person in self.by_key.items():
            other = known.split()
            if len(other) != len(tokens):
                continue
            differ = [(a, b) for a, b in zip(tokens, other, strict=True) if a != b]
            if len(differ) == 1 and SequenceMatcher(None, *differ[0]).ratio() >= 0.8:
                return person
        return None

    def add(self, name: str, start: int, state: str, **attrs) -> Participant:
        """`state`: present, absent (apologies: overrides a listing) or partial (missed some items: present)."""
        person = self.find(name, fuzzy=state != "present")
        if person is None:
            person = Participant(span=Span(start, start + len(name)), name=name, present=state != "absent")
            self.by_key[_key(name)] = person
            self.ex.participants.append(person)
        elif state == "absent":
            person.present = False
        for attr, value in attrs.items():
            if value and not getattr(person, attr):
                setattr(person, attr, value)
        return person

    def add_entry(self, entry: _Entry, base: int, state: str, group: str | None = None) -> None:
        if entry.state:
            state = "partial" if entry.state == "partial" else ("present" if entry.state == "present" else "absent")
        self.add(
            entry.name,
            base + entry.offset,
            state,
            title=entry.title,
            organisation=entry.organisation,
            role=entry.role,
            group=group,
        )
        if entry.substitute_for and looks_like_name(entry.substitute_for[0]):
            self.add(entry.substitute_for[0], base + entry.substitute_for[1], "absent")
        if entry.stand_in and looks_like_name(entry.stand_in[0]):
            self.add(entry.stand_in[0], base + entry.stand_in[1], "present")


# --------------------------------------------------------------------------- zones of the document


def history_spans(seg: Segmented) -> list[Span]:
    """History sections ('Sagens forløb', 'Sagsforløb'): from the heading to the next section heading or item end."""
    spans: list[Span] = []
    item_ends = sorted(item.span.end for item in seg.items)
    open_at: int | None = None
    for line in seg.lines:
        heading = _heading_of(line) if open_at is not None else None
        if open_at is not None and (
            heading and heading[0] != "deltagere" or any(open_at < e <= line.start for e in item_ends)
        ):
            spans.append(Span(open_at, line.start))
            open_at = None
        if open_at is None and line.text and rx("participants.history_heading").fullmatch(line.text):
            open_at = line.start
    if open_at is not None:
        spans.append(Span(open_at, len(seg.text)))
    return spans


@dataclass
class _Zone:
    lines: list[Line]
    labels: frozenset[str]  # the label kinds read here (present, absent, partial, prose, note)
    item: int | None = None  # the decision this is, counted (absences there may concern that item only)
    mode: str | None = None  # a list that is open from the start (an item about attendance)
    header: bool = False  # the document's header (where a bare run of names is the members)


_ALL_LABELS = frozenset({"present", "absent", "partial", "prose", "note"})
_DECISION_LABELS = frozenset({"absent", "partial", "prose", "note"})


def _zones(seg: Segmented, history: list[Span]) -> list[_Zone]:
    """Where attendance is stated: the header, a first item about attendance (or the first item's opening lines),
    sections of participants, and the decisions."""
    head = header_lines(seg)
    zones = [_Zone(head, _ALL_LABELS, header=True)] + _item_zones(seg)
    after = max((line.end for line in head), default=0)
    zones += [_Zone(lines, _DECISION_LABELS, item=number) for number, lines in enumerate(_decisions(seg, after))]
    for zone in zones:
        zone.lines = [line for line in zone.lines if not _inside(line.start, history)]
    return [zone for zone in zones if zone.item is None or any(line.text for line in zone.lines)]


def _inside(offset: int, spans: list[Span]) -> bool:
    return any(span.start <= offset < span.end for span in spans)


def _item_zones(seg: Segmented) -> list[_Zone]:
    """An item about attendance ('Punkt 1: Mødedeltagere'), sections of participants, and the first item's opening
    lines before its first heading."""
    zones = []
    for index, item in enumerate(seg.items):
        if rx("participants.attendance_title").fullmatch(item.title.strip(" .:")):
            absent = rx("participants.absent_title").match(item.title.strip())
            zones.append(
                _Zone(
                    seg.lines_in(Span(item.title_span.end, item.span.end)),
                    _ALL_LABELS,
                    mode="absent" if absent else "present",
                )
            )
            continue
        for number, section in enumerate(item.sections):
            span = Span(section.heading_span.start if section.heading_span else section.span.start, section.span.end)
            if section.kind == "deltagere" or (index == 0 and number == 0 and section.heading == ""):
                zones.append(_Zone(seg.lines_in(span), _ALL_LABELS))
    return zones


def _decision_lines(seg: Segmented, after: int) -> list[list[Line]]:
    """The lines of each decision: from a decision heading ('Beslutning', 'Beslutning i <udvalg> den <dato>', 'Referat')
    to the next other heading or item. Read from the lines, so that a decision counts also where the items were not
    recognised."""
    found: list[list[Line]] = []
    current: list[Line] | None = None
    item_starts = {item.span.start for item in seg.items}
    for line in seg.lines[_first_at(seg.lines, after) :]:
        heading = _heading_of(line)
        ends = line.start in item_starts or (heading is not None and heading[0] != "deltagere")
        if ends and current is not None:
            found.append(current)
            current = None
        if heading is not None and heading[0] == "beslutning":
            current = [line] if heading[2] else []  # 'Beslutning: Godkendt.' has its verdict on the heading's line
        elif current is not None and not ends:
            current.append(line)
    return found + ([current] if current is not None else [])


def _decisions(seg: Segmented, after: int) -> list[list[Line]]:
    """The decisions the segmenter found in the items, and those found from the lines where it found none."""
    found = [
        seg.lines_in(section.span) for item in seg.items for section in item.sections if section.kind == "beslutning"
    ]
    taken = {line.start for lines in found for line in lines}
    found += [lines for lines in _decision_lines(seg, after) if not any(line.start in taken for line in lines)]
    return found


def _first_at(lines: list[Line], offset: int) -> int:
    return next((index for index, line in enumerate(lines) if line.start >= offset), len(lines))


def _heading_of(line: Line) -> tuple | None:
    """The section heading a line opens (headings begin with a letter: the cheap test first)."""
    return section_heading(line.text) if line.text[:1].isalpha() and len(line.text) < 300 else None


# --------------------------------------------------------------------------- reading a zone


@dataclass
class _Reader:
    people: _People
    list_end: int = 3  # blank lines that end a list
    item_absences: dict[str, list] = field(default_factory=dict)  # name key -> [(name, start, item)]
    loose_absences: dict[str, list] = field(default_factory=dict)  # the same outside recognised items
    decision_items: set[int] = field(default_factory=set)

    def state_of(self, kind: str, label: str, zone: _Zone) -> str:
        """What a label says of the persons after it, where it stands."""
        if kind == "absent" and zone.item is not None and not label.lower().startswith("afbud"):
            return "item"  # 'Fraværende: X' in one item's decision: absent from that item
        return {"present": "present", "absent": "absent", "partial": "partial"}.get(kind, "present")

    def add(self, entry: _Entry, base: int, state: str, zone: _Zone, group: str | None = None) -> None:
        if state == "item" and entry.state is None:
            self.item_absence(entry.name, base + entry.offset, zone.item)
            return
        self.people.add_entry(entry, base, state, group)

    def item_absence(self, name: str, start: int, item: int | None) -> None:
        if self.people.find(name) is not None:
            self.people.add(name, start, "partial")
            return
        book = self.item_absences if item is not None else self.loose_absences
        book.setdefault(_key(name), []).append((name, start, item))


def _label_kind(label: str) -> str:
    label = re.sub(r"\s+", " ", label.strip())
    for key, pattern_ in rules("participant_label"):
        if pattern_.fullmatch(label):
            return key
    return "present"


def _read_value(reader: _Reader, value: str, base: int, state: str, zone: _Zone, colon: bool) -> bool:
    """A list on the label's own line: 'Deltagere: A, B og C'. Without a colon, every piece must be a name."""
    stripped = value.strip(" \t|")
    if not stripped:
        return False
    base += value.find(stripped)
    if _read_prose(reader, stripped, base, zone):
        return True
    entries = _names_in(stripped, strict=not colon)
    if not entries:
        return False
    for entry in entries:
        reader.add(entry, base, state, zone)
    return True


@dataclass
class _List:
    """An open list: its state (present/absent/partial/item), its group heading and its table columns."""

    state: str
    group: str | None = None
    columns: dict[str, int] | None = None
    blank_run: int = 0


def _table_row(reader: _Reader, line: Line, lst: _List, zone: _Zone) -> bool:
    """A Markdown table row '| Navn | Organisation | Init. |' (header, rule or person)."""
    cells = [c.strip() for c in line.text.strip().strip("|").split("|")]
    lows = [c.lower() for c in cells]
    if "navn" in lows:
        lst.columns = {name: lows.index(name) for name in ("navn", "organisation") if name in lows}
        return True
    if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
        return True
    columns = lst.columns or {"navn": 0}
    cell = cells[columns["navn"]] if columns["navn"] < len(cells) else ""
    entry = _entry(cell) if cell else None
    if entry is None:
        return False
    if "organisation" in columns and columns["organisation"] < len(cells) and not entry.organisation:
        entry.organisation = _organisation_cell(cells[columns["organisation"]])
    reader.add(entry, line.start + line.text.find(cell), lst.state, zone, lst.group)
    return True


def _organisation_cell(text: str) -> str | None:
    """'Silkeborg Kommune, EJD' -> 'Silkeborg Kommune' (a unit's abbreviation after the organisation)."""
    m = rx("participants.unit_suffix").search(text)
    return (text[: m.start()] if m else text).strip() or None


def _two_columns(lines: list[Line], index: int) -> bool:
    """A list set in two columns ('Anne Hansen Ole Berg' on one line): where one name ends is lost, so it is not
    read."""
    wide = total = 0
    for line in lines[index : index + 30]:
        if not line.text:
            if total:
                break
            continue
        if rx("participants.label_line").match(line.text) or section_heading(line.text):
            break
        total += 1
        tokens = line.text.split()
        if len(tokens) >= 4 and not re.search(r"[,;()&]", line.text) and all(t[:1].isupper() for t in tokens):
            wide += 1
    return wide >= 2 and wide * 2 >= total


def _list_line(reader: _Reader, line: Line, lst: _List, zone: _Zone) -> bool:
    """One line inside an open list; False ends the list."""
    text = line.text
    if lst.state == "skip":
        return bool(_names_in(text, strict=False)) or bool(re.fullmatch(r"[A-ZÆØÅ][\wæøå. -]{2,80}", text))
    if text.startswith("|"):
        return _table_row(reader, line, lst, zone)
    bare = rx("participants.bullet").sub("", text, count=1).strip()
    if rx("participants.sub_list").fullmatch(bare):  # '• Afbud' inside a list: the absent follow
        lst.state = reader.state_of("absent", bare, zone)
        return True
    if _names_line(reader, line, lst, zone):
        return True
    if re.match(r"^[A-ZÆØÅ][\wæøå -]{2,40}:?$", text) and not looks_like_name(text.rstrip(":")) and not _entry(text):
        lst.group = text.rstrip(":").strip()  # a group heading: "Chefforum", "Sekretariat:"
        return True
    entry = _entry(text)
    if entry is None:
        return False
    if entry.role is None and lst.group and role_of(lst.group) == "sekretariat":
        entry.role = "sekretariat"
    reader.add(entry, line.start, lst.state, zone, lst.group)
    return True


def _names_line(reader: _Reader, line: Line, lst: _List, zone: _Zone) -> bool:
    """A line of several names ('Anne Hansen, Ole Berg og Per Lund'): every piece a name."""
    pieces = [p for p, _ in _name_pieces(line.text) if p.strip()]
    if len(pieces) < 2:
        return False
    names = _names_in(line.text, strict=True)
    if not names or len(names) != len(pieces):
        return False
    for entry in names:
        reader.add(entry, line.start, lst.state, zone, lst.group)
    return True


def _list_end(lines: list[Line]) -> int:
    """Blank lines that end a list: text converted from PDF is often double-spaced (a blank line after every line)."""
    nonempty = [i for i, line in enumerate(lines) if line.text]
    adjacent = sum(1 for a, b in pairwise(nonempty) if b == a + 1)
    return 7 if len(nonempty) >= 10 and adjacent <= len(nonempty) // 50 else 3


def _read_label(reader: _Reader, line: Line, zone: _Zone) -> _List | None:
    """A label line: its inline value is read; with no value, a list is opened."""
    m = rx("participants.label_line").match(line.text)
    if not m:
        return None
    kind = _label_kind(m["label"])
    if kind not in zone.labels:
        return None
    value = m["value"] if m["value"] is not None else m["bare"]
    at = m.start("value") if m["value"] is not None else (m.start("bare") if m["bare"] is not None else len(line.text))
    if kind == "prose":
        if value:
            _read_prose(reader, value, line.start + at, zone)
        return _List("prose")
    if kind == "note":
        inner = rx("participants.label_line").match((value or "").strip())
        if inner:
            return _read_label(reader, Line(value.strip(), line.start + at + value.find(value.strip()), line.end), zone)
        return _List("none")
    state = reader.state_of(kind, m["label"], zone)
    if value and value.strip(" |"):
        _read_value(reader, value, line.start + at, state, zone, colon=m["value"] is not None)
        return _List("none")
    return _List(state)


def _read_inline_labels(reader: _Reader, line: Line, zone: _Zone) -> None:
    """Labels inside a line (a table row or a docplayer page): '... Til stede: A, B Fraværende: C'."""
    marks = list(rx("participants.inline_label").finditer(line.text))
    if any(not line.text[m.end() : marks[i + 1].start()].strip(" \t|") for i, m in enumerate(marks[:-1])):
        return  # 'Medlemmer: Fraværende: Formand: ...': columns flattened into one line, who is where is lost
    for index, m in enumerate(marks):
        kind = _label_kind(m["label"])
        if kind not in zone.labels or (m.start() == 0 and len(marks) == 1):
            continue
        end = marks[index + 1].start() if index + 1 < len(marks) else len(line.text)
        cut = re.search(r"\t|\s{3,}", line.text[m.end() : end])
        end = m.end() + cut.start() if cut else end
        value = line.text[m.end() : end]
        _read_value(reader, value, line.start + m.end(), reader.state_of(kind, m["label"], zone), zone, colon=True)


def _read_role_line(reader: _Reader, line: Line, zone: _Zone) -> bool:
    """'Referent: Leon Hansen, Regionssekretariatet (LHI).', 'Ordstyrer: Eva Knudsen'."""
    m = rx("participants.role_line").match(line.text)
    if not m or zone.item is not None:
        return False
    entry = _entry(m["name"].strip())
    if entry is None:
        return False
    role = role_of(m["role"])
    entry.role = role
    person = reader.people.find(entry.name)
    reader.people.add_entry(entry, line.start + m.start("name"), "present")
    person = reader.people.find(entry.name)
    if person is not None and person.role in (None, "medlem"):
        person.role = role
    return True


def _name_run(lines: list[Line], index: int) -> int:
    """How many lines from `index` are bare names (one per line, with a party letter at most)."""
    count = 0
    for line in lines[index:]:
        if not line.text:
            break
        entry = _entry(line.text)
        if entry is None or entry.name != _strip_flags(line.text, _Entry("", 0)).strip():
            break
        count += 1
    return count


def _read_zone(reader: _Reader, zone: _Zone) -> None:
    """The zone's lines in order: labels open lists, lists run until a blank stretch or a line that is no entry; other
    lines may hold inline labels or attendance sentences."""
    lines = zone.lines
    lst = _List(zone.mode) if zone.mode else None
    index = 0
    while index < len(lines):
        line, index = lines[index], index + 1
        if not line.text:
            lst = _blank(lst, reader.list_end)
            continue
        opened = _read_label(reader, line, zone)
        if opened is not None:
            lst = _opened(opened, lines, index)
            continue
        if _read_role_line(reader, line, zone):
            lst = None
            continue
        if lst is not None and not section_heading(line.text) and _list_line(reader, line, lst, zone):
            lst.blank_run = 0
            continue
        lst = None
        if zone.header and _name_run(lines, index - 1) >= 3:
            lst, index = _List("present"), index - 1  # a bare run of names on a cover page: the members
            continue
        _read_inline_labels(reader, line, zone)
        _read_prose(reader, line.text, line.start, zone)


def _blank(lst: _List | None, list_end: int) -> _List | None:
    if lst is not None:
        lst.blank_run += 1
        if lst.blank_run >= list_end:
            return None
    return lst


def _opened(opened: _List, lines: list[Line], index: int) -> _List | None:
    if opened.state not in ("present", "absent", "partial", "item"):
        return None
    if _two_columns(lines, index):
        opened.state = "skip"
    return opened


# --------------------------------------------------------------------------- attendance sentences


def _phrases() -> list[tuple[str, str, re.Pattern]]:
    return [
        (entry.key or "", entry.extra.get("form", "subject"), entry.regex)
        for entry in lexicon().groups["attendance_phrase"]
    ]


def _subject(text: str, start: int, end: int) -> tuple[str, int]:
    """The names before an attendance phrase: from the last clause break ('at', 'undtagen', ':') to the phrase."""
    region = text[start:end]
    breaks = list(rx("participants.clause_break").finditer(region))
    if breaks:
        start, region = start + breaks[-1].end(), region[breaks[-1].end() :]
    for _ in range(6):
        m = rx("participants.subject_lead").match(region)
        if not m or not m.end():
            break
        start, region = start + m.end(), region[m.end() :]
    region = region.rstrip(" \t,")
    m = rx("participants.subject_tail").search(region)
    if m:
        region = region[: m.start()].rstrip(" \t,")
    return region, start


def _object(text: str, start: int) -> tuple[str, int]:
    """The names after an attendance phrase, to the end of the sentence."""
    m = re.search(r"\.(?:\s+[A-ZÆØÅ0-9]|\s*$)|\n", text[start:])
    return text[start : start + m.start()] if m else text[start:], start


def _read_prose(reader: _Reader, text: str, base: int, zone: _Zone) -> bool:
    """Attendance sentences in `text` ('X havde meldt afbud, og Y deltog i stedet.'); True when one was read."""
    if "prose" not in zone.labels and zone.item is None:
        return False
    found = sorted(
        ((m.start(), m.end(), key, form) for key, form, pattern_ in _phrases() for m in pattern_.finditer(text))
    )
    previous, read = 0, False
    for start, end, key, form in found:
        names, at = _subject(text, previous, start) if form == "subject" else _object(text, end)
        entries = _names_in(names, strict=True) if names.strip() else None
        previous = end
        if not entries:
            continue
        read = True
        for entry in entries:
            if key == "item":
                reader.item_absence(entry.name, base + at + entry.offset, zone.item)
                continue
            reader.people.add(entry.name, base + at + entry.offset, key, title=entry.title)
    read = _read_deltog_for(reader, text, base) or read
    return read


def _read_deltog_for(reader: _Reader, text: str, base: int) -> bool:
    """'X deltog for Y': X was present in Y's place."""
    read = False
    for m in rx("participants.deltog_for").finditer(text):
        names, at = _subject(text, 0, m.start())
        subs = _names_in(names, strict=True) if names.strip() else None
        other = _names_in(m["other"].strip(), strict=True)
        if not subs or not other or len(other) != 1:
            continue
        for entry in subs:
            reader.people.add(entry.name, base + at + entry.offset, "present", title=entry.title)
        reader.people.add(other[0].name, base + m.start("other") + other[0].offset, "absent")
        read = True
    return read


# --------------------------------------------------------------------------- the component


def participants(seg: Segmented, ex: Extraction) -> None:
    history = history_spans(seg)
    reader = _Reader(_People(ex), _list_end(seg.lines))
    for zone in _zones(seg, history):
        if zone.item is not None:
            reader.decision_items.add(zone.item)
        _read_zone(reader, zone)
    _read_cells(seg, reader, history)
    _resolve_item_absences(reader, len(reader.decision_items))
    _body_from_members(ex)
    _enrich_from_bullets(seg, reader.people, history)


def _read_cells(seg: Segmented, reader: _Reader, history: list[Span]) -> None:
    """'Deltager på mødet: A og B' in a table cell anywhere (an executive team's indstilling has no header)."""
    zone = _Zone([], _ALL_LABELS)
    for line in seg.lines:
        if "på mødet" not in line.text or _inside(line.start, history):
            continue
        for m in rx("participants.cell_label").finditer(line.text):
            cut = re.search(r"\t|\s{3,}", line.text[m.end() :])
            value = line.text[m.end() : m.end() + cut.start()] if cut else line.text[m.end() :]
            _read_value(reader, value, line.start + m.end(), "present", zone, colon=True)


def _resolve_item_absences(reader: _Reader, decisions: int) -> None:
    """Someone stated absent in the decisions ('Fraværende: X', 'X deltog ikke i sagens behandling') and listed nowhere
    else: absent from the meeting when absent from every decided item (two or more), otherwise present (missed some
    items). Where the items were not recognised, the document's decision headings are counted instead."""
    every = len(reader.decision_items)
    for mentions in reader.item_absences.values():
        name, start, _ = mentions[0]
        items = {item for _, _, item in mentions}
        reader.people.add(name, start, "absent" if every >= 2 and len(items) == every else "partial")
    for mentions in reader.loose_absences.values():
        name, start, _ = mentions[0]
        reader.people.add(name, start, "absent" if decisions >= 2 and len(mentions) >= decisions else "partial")


def _body_from_members(ex: Extraction) -> None:
    """A committee whose members all come from one organisation belongs to it."""
    orgs = {p.organisation for p in ex.participants if p.organisation}
    if (
        ex.meeting.forum
        and ex.meeting.body is None
        and len(orgs) == 1
        and sum(1 for p in ex.participants if p.organisation) >= 2
    ):
        ex.meeting.body = orgs.pop()


def _enrich_from_bullets(seg: Segmented, people: _People, history: list[Span]) -> None:
    """Representatives introduced in the text ('- Rasmus Knudsen, PLO-repræsentant'): their title, organisation,
    role."""
    names = [person.name for person in people.by_key.values()]
    for line in seg.lines:
        if (
            line.text[:1] not in ("-", "•")
            or not any(name in line.text for name in names)
            or _inside(line.start, history)
        ):
            continue
        entry = _entry(line.text)
        if entry is None:
            continue
        person = people.by_key.get(_key(entry.name))
        if person is not None:
            person.title = person.title or entry.title
            person.organisation = person.organisation or entry.organisation
            person.role = person.role or entry.role or role_of(line.text)
