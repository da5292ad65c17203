"""Segment stage: normalised text -> header, agenda items and their sections.

Built for the family of layouts Danish minutes use, not for particular files (the heading forms and section
names are in the lexicon: graph/lexicon/items.toml and sections.toml):
- items as `Punkt N: [type:] title (kl. hh:mm - hh:mm)`, `Pkt. N`, `Sag N`, `N. title`, `N.Title`, `NTitle`,
  `N<wide space>Title`, `### AD N: Title`, a title above `Sag nr. N`; items numbered from any number (a running
  yearly number: 24, 25 ...);
- an agenda list (or table of contents) at the top: the item is where its body stands; an entry whose body is
  not in the document (an opening cut short) is an item of its own, at its list line;
- a case number on the line before the heading (`Sagsnr. 16/34038`) or after it (`21-014477`, `Brevid: 123`);
- sections as headings alone on a line (`SAGSFREMSTILLING`, `Beslutning`, `fold dette punkt ind Resume`) or
  inline (`Indstilling: Orientering.`), including `Beslutning i <udvalg> den <dato>`, `Behandling i <forum> <dato>,
  pkt. N`, `<Udvalg>, DD-MM-YYYY, pkt. N`, `<Udvalg>s beslutning`; a history section (`Sagens forløb`) is marked;
- a document without item headings becomes one implicit item (an indstilling to an executive team), or several
  when its sections start over (`Resume` after a `Bilag`) or when it is a run of recommendation lead-ins each
  followed by its verdict;
- tables of contents with dotted leaders and page numbers are recognised and skipped.
An unknown layout yields fewer segments, never an exception.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import cast

from ..lexicon import lexicon, rules, rx
from ..profiles import GENERIC, Profile, profile_for
from ..read import Document
from ..span import Span


@dataclass
class Line:
    text: str  # stripped
    start: int  # offset of the stripped text in the document
    end: int


@dataclass
class Section:
    kind: str  # a key of SectionKindScheme (resume, sagsfremstilling, indstilling, beslutning, bilag, deltagere, andet)
    heading: str  # the heading as written ("" for the implicit first section)
    span: Span  # the section's content (after the heading)
    heading_span: Span | None = None
    subject: str | None = None  # "Beslutning i Økonomiudvalget den ...": the forum named in the heading
    history: bool = False  # "Sagens forløb": what happened to the case before, never this meeting's decision


@dataclass
class Item:
    number: str | None
    title: str
    title_span: Span
    span: Span  # the whole item, heading included
    kind_label: str | None = None  # "Beslutningspunkt", "Skriftlig orientering", ...
    time_slot: str | None = None  # "15:05-15:25"
    sections: list[Section] = field(default_factory=list)
    implicit: bool = False  # the document had no item headings
    case_number: str | None = None  # "16/34038", "21-014477"
    case_number_span: Span | None = None
    listed: bool = False  # only the agenda list's entry: the item's body is not in the document

    def sections_of(self, kind: str) -> list[Section]:
        return [s for s in self.sections if s.kind == kind]


@dataclass
class Segmented:
    """What the segment stage hands the extractors: the lines (with offsets), the header, the items and their
    sections, and the layout profile. Extractors read these; none splits the text again."""

    document: Document
    header: Span  # text before the first item (before the agenda list, when there is one)
    items: list[Item]
    toc: list[Span] = field(default_factory=list)
    layout: str = "unknown"
    lines: list[Line] = field(default_factory=list)
    profile: Profile = GENERIC

    def lines_in(self, span: Span) -> list[Line]:
        """The lines within `span` (empty lines included), in order."""
        return [line for line in self.lines if span.start <= line.start and line.end <= span.end]

    @property
    def text(self) -> str:
        return self.document.text

    def slice(self, span: Span) -> str:
        return self.document.text[span.start : span.end]


def _lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return lines


# --------------------------------------------------------------------------- section headings


@cache
def _section_patterns() -> list[tuple[str, re.Pattern]]:
    """The lexicon's [[section]] headings, each ending at a word boundary."""
    return [
        (cast(str, entry.key), re.compile(rf"^(?:{entry.pattern})(?![\wæøåÆØÅ])", entry.flags))  # a section kind
        for entry in lexicon().groups["section"]
    ]


def _longest_heading(text: str) -> tuple[str, int] | None:
    """The section kind of the longest heading the line starts with ('Sagen behandles i' before 'Sagen')."""
    best: tuple[str, int] | None = None
    for kind, pattern in _section_patterns():
        m = pattern.match(text)
        if m and (best is None or m.end() > best[1]):
            best = (kind, m.end())
    return best


_SEP = re.compile(r"[ \t]{0,20}(?P<sep>[:.]?)[ \t]{0,20}")


@dataclass(frozen=True)
class _Heading:
    kind: str
    heading: str
    rest: str
    subject: str | None
    offset: int  # where the heading starts in the stripped line (after 'fold dette punkt ind')
    history: bool = False


@lru_cache(maxsize=4096)  # asked ~2-3 times for most lines of a document, by several stages of the segmenter
def _heading(line: str) -> _Heading | None:
    text = line.strip()
    prefix = rx("section_prefix").match(text)
    offset = prefix.end() if prefix else 0
    text = text[offset:]
    if not text:
        return None
    for kind, pattern in rules("decided_in"):
        decided = pattern.match(text)
        if decided:  # "Beslutning i Sundheds- og Omsorgsudvalget den 12. marts 2024"
            return _Heading(kind, decided["heading"], "", decided["subject"], offset)
    found = _longest_heading(text[:4000])
    if not found:
        return None
    kind, end = found
    gap = _SEP.match(text, end)
    assert gap is not None  # every part of _SEP is optional
    heading, sep, rest = text[:end], gap["sep"], text[gap.end() :]
    if not sep and "\t" in gap.group():
        sep = "\t"  # a table cell exported as text: "Beslutning<TAB>Godkendt."
    if kind == "history" and len(text) <= 220:  # "Sagens forløb 11-09-2019 Byrådet": the history's first entry follows
        return _Heading("andet", heading, rest, None, offset, history=True)
    if (len(text) > 220 and not sep) or (rest and not sep):  # "Beslutningen blev ..." is prose, not a heading
        return None
    return _Heading(kind, heading, rest, None, offset)


def section_heading(line: str) -> tuple[str, str, str, str | None] | None:
    """('kind', 'heading', 'rest of line', subject) if the line opens a section, else None."""
    found = _heading(line)
    return (found.kind, found.heading, found.rest, found.subject) if found else None


def _is_toc_line(line: str) -> bool:
    return len(line) < 200 and bool(rx("item.toc_line").search(line))


def sentence_case(text: str) -> str:
    """'SUNDHEDSAFTALEN 2024-2027: STATUS' -> 'Sundhedsaftalen 2024-2027: status': text set in capitals (a style,
    not a spelling) is shown in Danish sentence case; anything with a lower-case letter is left as written."""
    if not any(c.isalpha() for c in text) or text != text.upper() or len(text) < 4:
        return text
    low = text.lower()
    return low[:1].upper() + low[1:]


def _parse_item_title(title: str) -> tuple[str | None, str, str | None]:
    """'Beslutningspunkt: X (kl. 15:05 – 15:25)' -> ('Beslutningspunkt', 'X', '15:05-15:25')."""
    time_slot = None
    m = rx("item.time_slot").search(title)
    if m:
        a, b = m["a"] or m["a2"], m["b"] or m["b2"]
        time_slot = a.replace(".", ":") + (f"-{b.replace('.', ':')}" if b else "")
        title = title[: m.start()].rstrip(" -–")
    m = rx("item.title_suffix").search(title)
    if m and m.start() > 0:
        title = title[: m.start()]
    kind_label = None
    m = rx("item.kind_prefix").match(title)
    if m:
        kind_label, title = m["label"], m["title"].strip()
    return kind_label, title.strip(), time_slot


# --------------------------------------------------------------------------- item headings


@dataclass
class _Plan:
    """Where an item's heading stands: its line, number and title as written."""

    line_index: int
    number: str | None
    title_raw: str
    title_start: int  # offset of the raw title in the document
    form: str = "punkt"  # punkt | dot | colon | wide | space | glued | title
    listed: bool = False  # an agenda list's entry with no body in the document
    glued_section: str | None = None  # "...formandenReferat": the section heading glued to the title

    @property
    def weak(self) -> bool:
        return self.form in ("space", "glued")

    @property
    def value(self) -> int:
        """The number of a numbered heading ('7' -> 7)."""
        return int(cast(str, self.number))


def _strip_lead(line: Line) -> tuple[str, int]:
    """The line without a bullet or Markdown mark and a glued list label, and how much was cut."""
    text, cut = line.text, 0
    for name in ("item.bullet", "item.glued_label"):
        m = rx(name).match(text)
        if m:
            text, cut = text[m.end() :], cut + m.end()
    return text, cut


def _title_like(text: str) -> bool:
    return (
        0 < len(text) <= 200
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", ":"))
        and not _heading(text)
        and not rx("item.punkt_alone").match(text)
    )


def _punkt_headings(lines: list[Line]) -> list[_Plan]:
    found: list[_Plan] = []
    last_number = 0
    for i, line in enumerate(lines):
        if not line.text or _is_toc_line(line.text):
            continue
        text, cut = _strip_lead(line)
        plan = _punkt_line(lines, i, text, cut)
        if plan is None:
            continue
        number = _leading_int(plan.number) if plan.number else None
        # numbers only go up: "punkt 7. Bilag ..." after item 7 is an attachment's file name
        if number is not None and number <= last_number:
            continue
        if found and plan.line_index <= found[-1].line_index:
            continue
        found.append(plan)
        last_number = number or last_number
    return found if any(h.number for h in found) else []


def _punkt_line(lines: list[Line], i: int, text: str, cut: int) -> _Plan | None:
    line = lines[i]
    m = rx("item.punkt_bare").match(text) or rx("item.punkt").match(text)  # bare first: "Pkt. 3 Budget" is item 3
    if m:
        if not text[:1].isupper():  # headings start with a capital; "punkt 7. bilag ..." is a file name
            return None
        return _Plan(i, m["num"], m["title"], line.start + cut + m.start("title"))
    m = rx("item.punkt_alone").match(text)
    if not m:
        return None
    # "Meddelelser" / "Sag nr. 11": the title on the line before; "Pkt. 15" / "Beslutninger om ...": after
    before = _neighbour(lines, i, -1)
    if before is not None and _title_like(lines[before].text) and not rx("item.numbered").match(lines[before].text):
        return _Plan(before, m["num"], lines[before].text, lines[before].start)
    after = _neighbour(lines, i, 1)
    if after is not None and _title_like(lines[after].text):
        return _Plan(i, m["num"], lines[after].text, lines[after].start)
    return None


def _leading_int(text: str) -> int:
    """'12' -> 12, '3a' -> 3: the number an item number starts with (the lexicon's item numbers start with one)."""
    return int(cast(re.Match[str], re.match(r"\d+", text)).group())


def _neighbour(lines: list[Line], i: int, step: int) -> int | None:
    """The nearest non-empty line before (step -1) or after (step 1) line i, at most three empty lines away."""
    j = i + step
    for _ in range(4):
        if not 0 <= j < len(lines):
            return None
        if lines[j].text:
            return j
        j += step
    return None


def _unwrap(lines: list[Line], candidates: list[_Plan]) -> set[int]:
    """A heading's title wrapped over two lines ('10 Orientering om status på' / 'handleplanen'): the lower-case line
    right under it is joined to the title. The indexes of the joined lines."""
    taken = {c.line_index for c in candidates}
    joined: set[int] = set()
    for cand in candidates:
        j = cand.line_index + 1
        if j in taken or j >= len(lines):
            continue
        text = lines[j].text
        if text and len(text) <= 200 and text[:1].islower() and not _heading(text) and len(cand.title_raw) >= 20:
            cand.title_raw = f"{cand.title_raw} {text}"
            joined.add(j)
    return joined


def _numbered_candidates(lines: list[Line]) -> list[_Plan]:
    candidates = []
    for i, line in enumerate(lines):
        if line.text and len(line.text) <= 300 and not _is_toc_line(line.text) and not _heading(line.text):
            plan = _numbered_line(line, i)
            if plan is not None:
                candidates.append(plan)
    return candidates


def _numbered_line(line: Line, i: int) -> _Plan | None:
    """A line that may head a numbered item: 'N. Title' and its variants (graph/lexicon/items.toml: item.numbered)."""
    text, cut = _strip_lead(line)
    m = rx("item.numbered").match(text)
    if not m:
        return None
    title = m["title"].rstrip()
    form = next(f for f in ("dot", "colon", "wide", "space", "glued") if m[f] is not None)
    if title.endswith((",", ";")) or (form == "glued" and not (len(title) > 1 and title[1].islower())):
        return None
    if form == "colon" and not (line.text.startswith("#") or text.startswith("AD")):
        return None  # 'AD 2: Title' is a Markdown heading; 'Ad 3: Anbefales.' answers a recommendation
    glued = rx("item.glued_section").search(title)
    plan = _Plan(i, m["num"], title[: glued.start()] if glued else title, line.start + cut + m.start("title"), form)
    plan.glued_section = glued["section"] if glued else None
    return plan


def _content_counts(lines: list[Line], candidate_lines: set[int]) -> list[int]:
    """counts[i]: how many non-empty lines before line i are not candidate headings (content); a group label
    between entries ('Åbne', 'Lukket') is no content."""
    counts, n = [], 0
    for i, line in enumerate(lines):
        counts.append(n)
        if line.text and i not in candidate_lines and not rx("item.group_label").match(line.text):
            n += 1
    counts.append(n)
    return counts


def _chain(candidates: list[_Plan], counts: list[int]) -> list[_Plan]:
    """The longest chain N, N+1, N+2 ... of headings of one kind (strong or weak forms) with content between.

    Numbered lists inside items (recommendations) and agenda lists at the top have no content between their
    lines, so they do not form the chain."""
    best_end: dict[tuple[bool, int], list[_Plan]] = {}
    best: list[_Plan] = []
    for cand in candidates:
        key = (cand.weak, cand.value)
        previous = best_end.get((cand.weak, cand.value - 1))
        if previous and counts[cand.line_index] - counts[previous[-1].line_index + 1] >= 1:
            chain = previous + [cand]
        else:
            chain = [cand]
        if len(chain) > len(best_end.get(key, [])):
            best_end[key] = chain
        if len(chain) > len(best):
            best = chain
    return best


def _agenda_list(candidates: list[_Plan], counts: list[int]) -> list[_Plan]:
    """The agenda list at the top: the first run of numbered lines N, N+1 ... with nothing between them, before any
    other numbered heading. Two entries make a list (three when written 'N Title' or glued)."""
    block: list[_Plan] = []
    for cand in candidates:
        if block and (
            cand.weak == block[-1].weak
            and cand.value == block[-1].value + 1
            and counts[cand.line_index] == counts[block[-1].line_index + 1]
        ):
            block.append(cand)
            continue
        if block and len(block) >= _LIST_MIN[block[0].weak]:
            break
        if block and (not block[0].weak or counts[cand.line_index] > counts[block[-1].line_index + 1]):
            return []  # a heading with content before the list: the list is inside an item (points, sub-points)
        block = [cand]
    return block if block and len(block) >= _LIST_MIN[block[0].weak] else []


_LIST_MIN = {False: 2, True: 3}  # entries that make an agenda list: 'N. Title' / 'N Title' or glued


def _norm_title(text: str) -> str:
    _, title, _ = _parse_item_title(text)
    return re.sub(r"\W+", " ", title.lower()).strip()


def _same_title(listed: str, body: str) -> bool:
    a, b = _norm_title(listed), _norm_title(body)
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 8 and (a.startswith(b) or b.startswith(a))):
        return True
    return SequenceMatcher(None, a[:120], b[:120]).ratio() >= 0.85


def _unglue_last(entries: list[_Plan]) -> None:
    """'... tandlægeoverenskomsten1. Meddelelse - ...': the last entry runs into the first item's heading."""
    last, first = entries[-1], entries[0]
    for m in rx("item.glued_next").finditer(last.title_raw):
        if m["num"] == first.number and _same_title(first.title_raw, last.title_raw[m.end() :]):
            last.title_raw = last.title_raw[: m.start()]
            return


def _bodies_for(entries: list[_Plan], candidates: list[_Plan], lines: list[Line]) -> list[_Plan]:
    """Each agenda entry where its body stands (a later heading with its number and title, or its title alone on a
    line), else the entry itself."""
    after = [c for c in candidates if c.line_index > entries[-1].line_index]
    plans: list[_Plan] = []
    floor = entries[-1].line_index
    titles = _line_titles(lines, floor)
    for entry in entries:
        body = next(
            (
                c
                for c in after
                if c.line_index > floor and c.number == entry.number and _same_title(entry.title_raw, c.title_raw)
            ),
            None,
        )
        if body is None:
            body = _title_line(entry, lines, floor, titles)
        if body is None:
            plans.append(
                _Plan(entry.line_index, entry.number, entry.title_raw, entry.title_start, entry.form, listed=True)
            )
            continue
        floor = body.line_index
        title, start = body.title_raw, body.title_start
        if len(entry.title_raw) > len(title) and _norm_title(entry.title_raw).startswith(_norm_title(title)):
            title, start = entry.title_raw, entry.title_start  # a body heading cut short: the list has it whole
        plans.append(_Plan(body.line_index, entry.number, title, start, body.form, glued_section=body.glued_section))
    return plans


def _title_line(entry: _Plan, lines: list[Line], floor: int, titles: dict[str, list[int]]) -> _Plan | None:
    """A body heading that repeats the entry's title without its number."""
    wanted = _norm_title(entry.title_raw)
    if len(wanted) < 4:
        return None
    i = next((i for i in titles.get(wanted, ()) if i > floor), None)
    return _Plan(i, entry.number, lines[i].text, lines[i].start, "title") if i is not None else None


def _line_titles(lines: list[Line], after: int) -> dict[str, list[int]]:
    """The lines after the agenda list by their normalised text, to find headings that repeat a listed title."""
    titles: dict[str, list[int]] = {}
    for i in range(after + 1, len(lines)):
        text = lines[i].text
        if text and len(text) <= 300:
            titles.setdefault(_norm_title(text), []).append(i)
    return titles


def _evident(plan: _Plan, lines: list[Line]) -> bool:
    """A lone numbered heading is an item when a section heading or a case number follows it closely."""
    seen = 0
    for i in range(plan.line_index + 1, min(len(lines), plan.line_index + 60)):
        text = lines[i].text
        if not text:
            continue
        if _heading(text) or rx("item.case_number").search(text):
            return True
        seen += 1
        if seen >= 15:
            return False
    return False


def _numbered_headings(lines: list[Line]) -> list[_Plan]:
    """`N. Title` items: an agenda list at the top matched to the bodies below it, or the longest chain of headings
    with content between them."""
    candidates = _numbered_candidates(lines)
    if not candidates:
        return []
    wrapped = _unwrap(lines, candidates)
    counts = _content_counts(lines, {c.line_index for c in candidates} | wrapped)
    entries = _agenda_list(candidates, counts)
    if entries:
        _unglue_last(entries)
        return _bodies_for(entries, candidates, lines)
    chain = _chain(candidates, counts)
    if len(chain) >= 2:
        return chain
    lone = next((c for c in candidates if not c.weak and _evident(c, lines)), None)
    return [lone] if lone else []


def _flat_agenda(lines: list[Line]) -> list[_Plan]:
    """An agenda list flattened onto one line by a PDF-to-text conversion: 'INDHOLDSLISTE 1. A 2. B 3. C' (numbers
    that follow each other from 1) or '1 (Åben) A (Åben) B' (each entry marked open or closed). Its entries are
    the items (their bodies, run together with the rest of the page, have no title boundary to go by)."""
    for i, line in enumerate(lines):
        label = rx("item.flat_agenda_label").search(line.text) if line.text else None
        if label is None:
            continue
        rest = line.text[label.end() :]
        starts = _flat_numbered(rest) or _flat_marked(rest)
        if len(starts) >= 3:
            return _flat_plans(lines, i, label.end(), rest, starts)
    return []


def _flat_numbered(rest: str) -> list[tuple[int, int, str | None]]:
    """(marker start, title start, number) of '1. A 2. B ...' with numbers 1, 2, 3 ..."""
    found, expected = [], 1
    for m in rx("item.flat_entry").finditer(rest):
        if int(m["num"]) == expected:
            found.append((m.start(), m.end(), m["num"]))
            expected += 1
    return found


def _flat_marked(rest: str) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m["num"]) for m in rx("item.flat_marker").finditer(rest)]


def _flat_plans(
    lines: list[Line], index: int, offset: int, rest: str, starts: list[tuple[int, int, str | None]]
) -> list[_Plan]:
    line = lines[index]
    base = line.start + offset
    plans = []
    for k, (_, title_start, number) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(rest)
        title = rest[title_start:end]
        if k + 1 == len(starts):
            tail = rx("item.flat_tail").search(title)
            title = title[: tail.start()] if tail else title
        title = title.strip()
        if title:
            plans.append(_Plan(index, number, title, base + title_start, "flat", listed=True))
    return plans


# --------------------------------------------------------------------------- sections and case numbers


def _sections(doc_text: str, lines: list[Line], first: int, last: int) -> list[Section]:
    """Split lines[first:last] of one item into sections."""
    sections: list[Section] = []
    current: Section | None = None
    for i in range(first, last):
        line = lines[i]
        if not line.text:
            continue
        found = _heading(line.text)
        if (
            found
            and current is not None
            and current.kind == "beslutning"
            and rx("section_absence").match(found.heading)
        ):
            found = None  # "Afbud: X", "Fraværende: Ingen" inside a decision belong to it
        if found:
            if current is not None:
                current.span = Span(current.span.start, _trim_end(doc_text, current.span.start, line.start))
                sections.append(current)
            content_start = line.end - len(found.rest) if found.rest else min(line.end + 1, len(doc_text))
            heading_start = line.start + found.offset
            current = Section(
                found.kind,
                found.heading,
                Span(content_start, content_start),
                Span(heading_start, heading_start + len(found.heading)),
                found.subject,
                found.history,
            )
        elif current is None:
            current = Section("andet", "", Span(line.start, line.start))
    if current is not None:
        end = lines[last - 1].end if last > 0 else current.span.start
        current.span = Span(current.span.start, max(current.span.start, _trim_end(doc_text, current.span.start, end)))
        sections.append(current)
    _proposal_first(doc_text, sections)
    return sections


def _proposal_first(doc_text: str, sections: list[Section]) -> None:
    """An indstilling document proposes ("Beslutninger: X beslutter") and then records ("Referat: X besluttede"):
    with two decision sections and no indstilling section, the first is the proposal."""
    decisions = [s for s in sections if s.kind == "beslutning"]
    if len(decisions) >= 2 and not any(s.kind == "indstilling" for s in sections):
        first_text = doc_text[decisions[0].span.start : decisions[0].span.end][:300].lower()
        later_is_record = any(s.heading.lower().startswith("referat") for s in decisions[1:])
        if later_is_record or re.search(r"\bbeslutter\b|\bindstilles\b", first_text):
            decisions[0].kind = "indstilling"


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \n\t":
        end -= 1
    return end


def _case_number(lines: list[Line], heading: int, first: int, last: int, number: str | None) -> tuple[str, Span] | None:
    """The case number in the item's head: on the line before the heading, or on the lines after it up to the first
    section ('Sagsnr.: 24/1234', 'Brevid: 3830997', a bare '21-014477', 'Sagsnr:' with the number below)."""
    head = [i for i in range(first, heading)] + [i for i in range(heading + 1, last)][:8]
    label_pending = False
    for i in head:
        text = lines[i].text
        if not text:
            continue
        if i > heading and _heading(text):
            break
        m = rx("item.case_number").search(text)
        if m and m["n"].rstrip(".") != (number or ""):
            value = m["n"].rstrip(".,")
            return value, Span(lines[i].start + m.start("n"), lines[i].start + m.start("n") + len(value))
        if label_pending or (i > heading and i == _first_after(lines, heading)):
            b = rx("item.case_number_bare").fullmatch(text)
            if b:
                return b["n"], Span(lines[i].start, lines[i].start + len(b["n"]))
        label_pending = bool(rx("item.case_number_label").match(text))
    return None


def _first_after(lines: list[Line], index: int) -> int | None:
    return next((j for j in range(index + 1, min(len(lines), index + 4)) if lines[j].text), None)


def _lead_line(lines: list[Line], heading: int, floor: int) -> int:
    """A case-number line just above the heading ('Sagsnr. 16/169' / '1. Godkendelse af dagsorden') belongs to it."""
    j = heading - 1
    while j > floor and not lines[j].text:
        j -= 1
    if j > floor and len(lines[j].text) <= 80 and rx("item.case_number").match(lines[j].text):
        return j
    return heading


# --------------------------------------------------------------------------- the stage


def segment(document: Document) -> Segmented:
    lines = _lines(document.text)
    segmented = _segment(document, lines)
    segmented.lines = lines
    segmented.profile = profile_for(document.text, document.source)
    return segmented


def _segment(document: Document, lines: list[Line]) -> Segmented:
    toc = [Span(line.start, line.end) for line in lines if line.text and _is_toc_line(line.text)]

    plans, layout = _punkt_headings(lines), "punkt"
    # "N. Title" items before the first "Punkt N:" heading: numbered minutes with an item appended in the other
    # style (or a stray "Punkt 28." inside a decision) keep their numbered items; numbered lists inside punkt items
    # come after the first of them and do not count.
    first_punkt = plans[0].line_index if plans else len(lines)
    numbered = _numbered_headings(lines[:first_punkt])
    if len(numbered) > len(plans):
        if plans:
            numbered = _numbered_headings(lines)
        last_body = max(p.line_index for p in numbered)
        plans, layout = numbered + [p for p in plans if p.line_index > last_body], "numbered"
    if not plans:
        plans = _flat_agenda(lines)
        layout = "flat"
    if not plans:
        return _single_item(document, lines, toc)
    items = _items_from(document.text, lines, plans)
    header_end = min(item.span.start for item in items)
    return Segmented(document, Span(0, _trim_end(document.text, 0, header_end)), items, toc, layout)


def _items_from(text: str, lines: list[Line], plans: list[_Plan]) -> list[Item]:
    bodies = sorted((p for p in plans if not p.listed), key=lambda p: p.line_index)
    starts: dict[int, int] = {}
    floor = -1
    for plan in bodies:
        starts[plan.line_index] = _lead_line(lines, plan.line_index, floor)
        floor = plan.line_index
    items = []
    for plan in plans:
        if plan.listed:
            items.append(_listed_item(lines, plan))
            continue
        position = bodies.index(plan)
        end_line = starts[bodies[position + 1].line_index] if position + 1 < len(bodies) else len(lines)
        items.append(_body_item(text, lines, plan, starts[plan.line_index], end_line))
    return items


def _titled(plan: _Plan) -> tuple[str | None, str, str | None, Span]:
    kind_label, title, time_slot = _parse_item_title(plan.title_raw)
    at = plan.title_raw.find(title) if title else -1
    title_start = plan.title_start + max(at, 0)
    return kind_label, title, time_slot, Span(title_start, title_start + (len(title) if at >= 0 else 0))


def _listed_item(lines: list[Line], plan: _Plan) -> Item:
    kind_label, title, time_slot, title_span = _titled(plan)
    line = lines[plan.line_index]
    return Item(
        number=plan.number,
        title=sentence_case(title),
        title_span=title_span,
        span=Span(line.start, line.end),
        kind_label=kind_label,
        time_slot=time_slot,
        listed=True,
    )


def _body_item(text: str, lines: list[Line], plan: _Plan, start_line: int, end_line: int) -> Item:
    kind_label, title, time_slot, title_span = _titled(plan)
    line = lines[plan.line_index]
    first_body = plan.line_index + 1
    if title_span.start > line.end:  # "Pkt. 15" / title on the next line
        first_body = next(i for i in range(plan.line_index + 1, len(lines)) if lines[i].start >= title_span.start) + 1
    end = _trim_end(text, line.start, lines[end_line - 1].end if end_line > 0 else line.end)
    item = Item(
        number=plan.number,
        title=sentence_case(title),
        title_span=title_span,
        span=Span(lines[start_line].start, max(end, line.end)),
        kind_label=kind_label,
        time_slot=time_slot,
    )
    item.sections = _sections(text, lines, first_body, end_line)
    if plan.glued_section and item.sections and not item.sections[0].heading:
        glued = _heading(plan.glued_section)
        if glued:  # the section that starts under "...formandenReferat"
            item.sections[0].kind, item.sections[0].heading = glued.kind, plan.glued_section
    found = _case_number(lines, plan.line_index, start_line, end_line, plan.number)
    if found:
        item.case_number, item.case_number_span = found
    return item


# --------------------------------------------------------------------------- documents without item headings


def _single_item(document: Document, lines: list[Line], toc: list[Span]) -> Segmented:
    """No item headings: the document is one case (e.g. an indstilling to an executive team), or a run of cases
    whose sections start over, or of recommendation lead-ins each followed by its verdict."""
    text = document.text
    nonempty = [i for i, line in enumerate(lines) if line.text]
    if not nonempty:
        return Segmented(document, Span(0, 0), [], toc, "empty")
    pairs = _lead_verdict_items(text, lines)
    if pairs:
        return Segmented(document, Span(0, 0), pairs, toc, "single")
    body_from = _body_start(lines, nonempty)
    sections = _sections(text, lines, body_from, len(lines))
    if not _holds_a_case(lines, sections):
        return Segmented(document, Span(0, len(text)), [], toc, "unstructured")
    numbered_cases = _case_lines(lines, body_from)
    if len(numbered_cases) >= 2:  # each case opens with its case number ('Sagsid.: 19/1234')
        starts = [body_from] + numbered_cases[1:]
        begins = [nonempty[0]] + numbered_cases[1:]
    else:
        starts = [
            _line_at(lines, cast(Span, s.heading_span).start) for s in _run_starts(sections)
        ]  # each has a heading
        begins = [nonempty[0]] + [_run_begin(lines, h, starts[k]) for k, h in enumerate(starts[1:])]
    items = []
    for k, begin in enumerate(begins):
        end_line = begins[k + 1] if k + 1 < len(begins) else len(lines)
        first_body = body_from if k == 0 else starts[k]
        item = _implicit_item(text, lines, begin, first_body, end_line)
        if k == 0:
            _title_first(item, lines, nonempty, first_body, starts[0] if starts else None)
        else:
            _title_run(item, lines, begin, starts[k])
        items.append(item)
    return Segmented(document, Span(0, 0), items, toc, "single")


def _holds_a_case(lines: list[Line], sections: list[Section]) -> bool:
    """A headingless document is a case when it has a recommendation or a decision, or a case number and a case
    presentation ('Sagsid.: 14/513' / 'Sagsfremstilling')."""
    kinds = {s.kind for s in sections}
    if kinds & {"indstilling", "beslutning"}:
        return True
    numbered = any(
        line.text and len(line.text) <= 120 and rx("item.case_number").search(line.text) for line in lines[:60]
    )
    return numbered and bool(kinds & {"resume", "sagsfremstilling"})


def _line_at(lines: list[Line], pos: int) -> int:
    """The index of the line that holds offset `pos`."""
    return max(0, bisect_right([line.start for line in lines], pos) - 1)


def _implicit_item(text: str, lines: list[Line], begin: int, first_body: int, end_line: int) -> Item:
    start = lines[begin].start
    end = _trim_end(text, start, lines[end_line - 1].end)
    item = Item(
        number=None,
        title="",
        title_span=Span(start, start),
        span=Span(start, max(start, end)),
        sections=_sections(text, lines, first_body, end_line),
        implicit=True,
    )
    opening = rx("item.case_number").match(lines[begin].text)
    found: tuple[str, Span] | None
    if opening and len(lines[begin].text) <= 80:  # the case opens with its number
        found = opening["n"], Span(lines[begin].start + opening.start("n"), lines[begin].start + opening.end("n"))
    else:
        found = _case_number(lines, first_body, max(begin, first_body - 4), end_line, None)
    if found:
        item.case_number, item.case_number_span = found
    return item


def _title_first(item: Item, lines: list[Line], nonempty: list[int], body_from: int, first_heading: int | None) -> None:
    """The first case's title: the document's first line when a section heading follows it directly, or, when
    the decision comes first, the line above the decision heading."""
    title_line = lines[nonempty[0]]
    if body_from > nonempty[0] and _titled_document(lines, nonempty):
        title, span = title_line.text, Span(title_line.start, title_line.end)
        m = re.match(
            r"^(?P<label>[\wæøåÆØÅ-]*indstilling|dagsordenspunkt|orientering)\s*:\s*(?P<t>.+)$", title, re.IGNORECASE
        )
        if m:
            item.kind_label, title = m["label"], m["t"]
            span = Span(span.start + title_line.text.find(m["t"]), span.end)
        item.title, item.title_span = title, span
    elif first_heading is not None:
        _title_run(item, lines, nonempty[0], first_heading)


def _title_run(item: Item, lines: list[Line], begin: int, heading: int) -> None:
    """A case that opens with its decision ('Beslutning' first) is titled by the line above that heading."""
    found = _heading(lines[heading].text)
    above = _neighbour(lines, heading, -1)
    if found is None or found.kind != "beslutning" or above is None or above < begin:
        return
    candidate = lines[above].text
    if _title_like(candidate) and not rx("item.case_number").search(candidate) and not _heading(candidate):
        item.title, item.title_span = candidate, Span(lines[above].start, lines[above].end)


def _run_begin(lines: list[Line], heading: int, floor: int) -> int:
    """Where a case of a headingless document begins: at its first heading, or at the title line or case-number
    line just above it ('Sagsid.: 19/1234' / 'Indstilling')."""
    begin = heading
    above = _neighbour(lines, heading, -1)
    if above is not None and above > floor:
        text = lines[above].text
        if rx("item.case_number").match(text) and len(text) <= 80:
            return above
        found = _heading(lines[heading].text)
        if found and found.kind == "beslutning" and _title_like(text) and not _heading(text):
            begin = above
    return begin


def _body_start(lines: list[Line], nonempty: list[int]) -> int:
    """Where the case begins: after a title line, and past a document title 'Referat' or 'Dagsorden' at the top
    (which the section vocabulary would otherwise read as a decision)."""
    first = nonempty[0]
    for i in nonempty[:3]:
        found = _heading(lines[i].text)
        if found and not (
            found.kind == "beslutning" and not found.rest and lines[i].text.lower() in ("referat", "dagsorden")
        ):
            return i
    heading = _heading(lines[first].text)
    return first if heading and heading.kind != "beslutning" else first + 1


def _titled_document(lines: list[Line], nonempty: list[int]) -> bool:
    """The first line is the case's title when a section heading follows it directly and it reads like a title."""
    first = lines[nonempty[0]]
    if len(first.text) > 250 or _heading(first.text) or len(nonempty) < 2:
        return False
    return _heading(lines[nonempty[1]].text) is not None


def _case_lines(lines: list[Line], first: int) -> list[int]:
    """Lines that hold only a case number ('Sagsid.: 19/1234', 'Sagsnr. 16/169'): where the cases of a headingless
    document begin."""
    return [
        i
        for i in range(first, len(lines))
        if lines[i].text and len(lines[i].text) <= 80 and rx("item.case_number").match(lines[i].text)
    ]


def _run_starts(sections: list[Section]) -> list[Section]:
    """A headingless document holds several cases when its sections start over: a case presentation after the
    decision or the attachments ('Bilag' / 'Sagsfremstilling', 'Beslutning' / 'Resume'), or a decision after the
    history or the attachments when the decision comes first ('Sagens forløb' / 'Beslutning'). The first section
    of each case; empty sections (a document title 'Referat') do not count."""
    starts: list[Section] = []
    seen: set[str] = set()
    after_decision = after_history = False
    for section in sections:
        if not section.heading or (section.span.end <= section.span.start and section.kind == "beslutning"):
            continue
        again = section.kind in seen
        if not starts or (
            again
            and (
                (section.kind in ("resume", "sagsfremstilling") and after_decision)
                or (section.kind == "beslutning" and after_history)
            )
        ):
            starts.append(section)
            seen, after_decision, after_history = set(), False, False
        seen.add(section.kind)
        after_decision = after_decision or section.kind in ("beslutning", "bilag")
        after_history = after_history or section.history or section.kind == "bilag"
    return starts


def _is_verdict(text: str) -> bool:
    low = re.sub(r"\s+", " ", text.lower()).strip()
    return any(pattern.match(low) for _, pattern in rules("lead_outcome"))


def _lead_verdict_items(text: str, lines: list[Line]) -> list[Item]:
    """'Administrationen indstiller overfor udvalget:' directly followed by 'Godkendt.': each such pair is a case
    whose recommendation text is not in the document (a publication of the decisions only)."""
    starts = []
    for i, line in enumerate(lines):
        lead = rx("recommendation.lead").match(line.text) if line.text.endswith(":") else None
        if not lead or (lead["rest"] or "").strip(" :"):
            continue
        verdict = _neighbour(lines, i, 1)
        if verdict is not None and len(lines[verdict].text) <= 300 and _is_verdict(lines[verdict].text):
            starts.append((i, verdict))
    if len(starts) < 2:
        return []
    items = []
    for index, (lead_index, verdict_index) in enumerate(starts):
        lead_line, verdict_line = lines[lead_index], lines[verdict_index]
        end = lines[starts[index + 1][0]].start if index + 1 < len(starts) else len(text)
        sections = [
            Section("indstilling", "", Span(lead_line.start, lead_line.end)),
            Section("beslutning", "", Span(verdict_line.start, verdict_line.end)),
        ]
        items.append(
            Item(
                number=None,
                title="",
                title_span=Span(lead_line.start, lead_line.start),
                span=Span(lead_line.start, _trim_end(text, lead_line.start, end)),
                sections=sections,
                implicit=True,
            )
        )
    return items
