"""Segment stage: normalised text -> header, agenda items and their sections.

Built for the family of layouts Danish minutes use, not for particular files:
- items as `Punkt N: [type:] title (kl. hh:mm - hh:mm)`, `Pkt. N`, `Sag N`, or `N. title`;
  a document without item headings (a single recommendation to an executive team)
  becomes one implicit item;
- sections as headings alone on a line (`SAGSFREMSTILLING`, `Beslutning`) or inline
  (`Indstilling: Orientering.`), including `Beslutning i <udvalg> den <dato>` and
  `POLITISK BEHANDLING`;
- tables of contents (dotted leaders and page numbers) are recognised and skipped.
An unknown layout yields fewer segments, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..profiles import GENERIC, Profile, profile_for
from ..read import Document


@dataclass(frozen=True)
class Span:
    start: int
    end: int


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

    def sections_of(self, kind: str) -> list[Section]:
        return [s for s in self.sections if s.kind == kind]


@dataclass
class Segmented:
    """What the segment stage hands the extractors: the lines (with offsets), the header, the items and their
    sections, and the layout profile. Extractors read these; none splits the text again."""

    document: Document
    header: Span  # text before the first item
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
        return self.document.text[span.start:span.end]


# --------------------------------------------------------------------------- vocabulary of headings

# Section headings, normalised (lower case, no accents on e). Order matters: longer first.
SECTION_HEADINGS: list[tuple[str, str]] = [
    (r"resum[eé]", "resume"),
    (r"sammenfatning", "resume"),
    (r"sagsfremst[a-z]*ll?ing|sagsfremstlling|sagsbeskrivelse|sagen", "sagsfremstilling"),
    (r"baggrund", "sagsfremstilling"),
    (r"indstilling(?:er)?(?: og proces)?|forslag til beslutning|beslutningsforslag|administrationen indstiller", "indstilling"),
    # combined headings first: "Beslutning/referat", "Drøftelse og beslutning", "Referat og konklusion"
    (r"(?:drøftelse|referat|beslutning)\s*(?:/|og|&)\s*(?:beslutning|referat|konklusion)", "beslutning"),
    (r"beslutning(?:er)?|politisk behandling|referat|afg[oø]relse|konklusion", "beslutning"),
    (r"bilag(?:sliste)?", "bilag"),
    (r"(?:m[oø]de)?deltagere|til stede|fremm[oø]dte|afbud|fraværende", "deltagere"),
    (r"effekt|opf[oø]lgning|kommunikation|direkte udgifter|proces|[oø]konomi|drøftelser|sagsgang|sagsprocedure"
     r"|lovgrundlag|tidsplan|finansiering(?: af [a-zæøå ]+)?|videre proces|kort uddybning af indsatser", "andet"),
]
_SECTION_RE = re.compile(
    r"^(?P<heading>" + "|".join(f"(?:{p})" for p, _ in SECTION_HEADINGS) + r")\s*(?P<sep>[:.]?)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)

ITEM_KIND_LABELS = (
    r"gensidigt orienteringspunkt|skriftlig orientering|orienteringspunkt|orienteringssag|orientering|meddelelser"
    r"|beslutningspunkt|beslutnings ?sag|beslutningssag|beslutning"
    r"|drøftelses?punkt|drøftelses?sag|temadrøftelse|drøftelse|temapunkt|tema"
)
_KIND_PREFIX_RE = re.compile(rf"^(?P<label>{ITEM_KIND_LABELS})\s*:\s*(?P<title>.+)$", re.IGNORECASE)
_TIME_SLOT_RE = re.compile(
    r"\(\s*kl\.?\s*(?P<a>\d{1,2}[.:]\d{2})\s*(?:[-–—]\s*(?P<b>\d{1,2}[.:]\d{2})?)?\s*\)?\s*$", re.IGNORECASE)
# "Punkt 3:", "Pkt. 3.", "Sag 3 -", "Ad punkt 3:" ("ad" = concerning, as in "Ad 3. Budget"); without a separator
# ("Pkt. 3 Budget") only before a capital, so that "Punkt 3 blev udsat" in prose is no heading.
_PUNKT_PREFIX = r"^(?:ad\.?\s*)?(?:punkt|pkt\.?|dagsordenspunkt|sag nr\.?|sag)\s*"
_PUNKT_RE = re.compile(_PUNKT_PREFIX + r"(?P<num>\d{1,3}[a-z]?)?\s*[:.)-]\s*(?P<title>\S.*)$", re.IGNORECASE)
_PUNKT_BARE_RE = re.compile(_PUNKT_PREFIX + r"(?P<num>\d{1,3}[a-z]?)\s+(?!bilag)(?P<title>(?-i:[A-ZÆØÅ]).*)$", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"^(?:[Aa]d\.?\s*)?(?P<num>\d{1,2})\s*[.)]\s*(?P<title>[A-ZÆØÅ\"”“].{1,160})$")
_TOC_RE = re.compile(r"(?:(?<!\.)\.{4,}|(?<!…)…{2,}|(?<!\s)\s{2,}\.{2,})\s*\d{1,3}\s*$|\t\d{1,3}\s*$")


def _lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return lines


_DECIDED_IN_RE = re.compile(
    r"^(?P<heading>(?:beslutning(?:er)?|behandling|indstilling) i (?P<subject>[^:\n]{2,80}?)(?: den \d{1,2}\.? ?\w+\.? ?\d{4}| d\. ?\d{1,2}[-./]\d{1,2}[-./]\d{2,4})?)\s*:?\s*$",
    re.IGNORECASE)


def section_heading(line: str) -> tuple[str, str, str, str | None] | None:
    """('kind', 'heading', 'rest of line', subject) if the line opens a section, else None."""
    decided = _DECIDED_IN_RE.match(line.strip())
    if decided:  # "Beslutning i Sundheds- og Omsorgsudvalget den 12. marts 2024"
        kind = "indstilling" if decided["heading"].lower().startswith("indstilling") else "beslutning"
        return kind, decided["heading"], "", decided["subject"]
    match = _SECTION_RE.match(line[:4000])
    if not match:
        return None
    heading, sep, rest = match["heading"], match["sep"], match["rest"]
    if not sep and "\t" in line[match.end("heading"):match.start("rest")]:
        sep = "\t"  # a table cell exported as text: "Beslutning<TAB>Godkendt."
    if len(line) > 220 and not sep:
        return None
    if rest and not sep:  # "Beslutningen blev ..." or "Baggrund for ..." is prose, not a heading
        return None
    if re.match(r"^\s*\d", rest) and not sep:
        return None
    low = heading.lower()
    kind = next(k for p, k in SECTION_HEADINGS if re.fullmatch(p, low, re.IGNORECASE))
    return kind, heading, rest, None


def _is_toc_line(line: str) -> bool:
    return len(line) < 200 and bool(_TOC_RE.search(line))


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
    m = _TIME_SLOT_RE.search(title)
    if m:
        a = m["a"].replace(".", ":")
        b = m["b"].replace(".", ":") if m["b"] else None
        time_slot = f"{a}-{b}" if b else a
        title = title[: m.start()].rstrip(" -–")
    kind_label = None
    m = _KIND_PREFIX_RE.match(title)
    if m:
        kind_label, title = m["label"], m["title"].strip()
    return kind_label, title.strip(), time_slot


@dataclass
class _Heading:
    line_index: int
    number: str | None
    title_raw: str


def _punkt_headings(lines: list[Line]) -> list[_Heading]:
    found: list[_Heading] = []
    last_number = 0
    for i, line in enumerate(lines):
        if not line.text or _is_toc_line(line.text):
            continue
        m = _PUNKT_BARE_RE.match(line.text) or _PUNKT_RE.match(line.text)  # bare first: "Pkt. 3 Budget" is item 3
        if not m:
            continue
        number = int(re.match(r"\d+", m["num"]).group()) if m["num"] else None
        # numbers only go up: "punkt 7. Bilag ..." after item 7 is an attachment's file name
        if number is not None and number <= last_number:
            continue
        if not line.text[:1].isupper():  # headings start with a capital; "punkt 7. bilag ..." is a file name
            continue
        found.append(_Heading(i, m["num"], m["title"]))
        last_number = number or last_number
    return found if any(h.number for h in found) else []


def _numbered_headings(lines: list[Line]) -> list[_Heading]:
    """`N. Title` item headings: the longest chain 1, 2, 3 ... with content between headings.

    Numbered lists inside items (recommendations) and agenda lists at the top have
    no content between their lines, so they do not form the chain."""
    candidates = []
    for i, line in enumerate(lines):
        if not line.text or _is_toc_line(line.text) or section_heading(line.text):
            continue
        m = _NUMBERED_RE.match(line.text)
        if m and not line.text.rstrip().endswith((",", ";")):
            candidates.append(_Heading(i, m["num"], m["title"]))
    candidate_lines = {c.line_index for c in candidates}

    def content_between(a: int, b: int) -> int:
        return sum(1 for j in range(a + 1, b) if lines[j].text and j not in candidate_lines)

    best: list[_Heading] = []
    for start in [c for c in candidates if c.number == "1"]:
        chain = [start]
        for cand in candidates:
            if cand.line_index <= chain[-1].line_index:
                continue
            if int(cand.number) == int(chain[-1].number) + 1 and content_between(chain[-1].line_index, cand.line_index) >= 1:
                chain.append(cand)
        if len(chain) > len(best):
            best = chain
    return best if len(best) >= 2 else []


def _sections(doc_text: str, lines: list[Line], first: int, last: int) -> list[Section]:
    """Split lines[first:last] of one item into sections."""
    sections: list[Section] = []
    current: Section | None = None
    for i in range(first, last):
        line = lines[i]
        if not line.text:
            continue
        found = section_heading(line.text)
        if found:
            kind, heading, rest, subject = found
            if current is not None:
                current.span = Span(current.span.start, _trim_end(doc_text, current.span.start, line.start))
                sections.append(current)
            content_start = line.end - len(rest) if rest else min(line.end + 1, len(doc_text))
            current = Section(kind, heading, Span(content_start, content_start),
                              Span(line.start, line.start + len(heading)), subject)
        elif current is None:
            current = Section("andet", "", Span(line.start, line.start))
    if current is not None:
        end = lines[last - 1].end if last > 0 else current.span.start
        current.span = Span(current.span.start, max(current.span.start, _trim_end(doc_text, current.span.start, end)))
        sections.append(current)
    # An indstilling document proposes ("Beslutninger: X beslutter") and then records ("Referat: X besluttede"):
    # with two decision sections and no indstilling section, the first is the proposal.
    decisions = [s for s in sections if s.kind == "beslutning"]
    if len(decisions) >= 2 and not any(s.kind == "indstilling" for s in sections):
        first_text = doc_text[decisions[0].span.start:decisions[0].span.end][:300].lower()
        later_is_record = any(s.heading.lower().startswith("referat") for s in decisions[1:])
        if later_is_record or re.search(r"\bbeslutter\b|\bindstilles\b", first_text):
            decisions[0].kind = "indstilling"
    return sections


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \n\t":
        end -= 1
    return end


def segment(document: Document) -> Segmented:
    lines = _lines(document.text)
    segmented = _segment(document, lines)
    segmented.lines = lines
    segmented.profile = profile_for(document.text, document.source)
    return segmented


def _segment(document: Document, lines: list[Line]) -> Segmented:
    text = document.text
    toc = [Span(l.start, l.end) for l in lines if l.text and _is_toc_line(l.text)]

    headings, layout = _punkt_headings(lines), "punkt"
    # "N. Title" items before the first "Punkt N:" heading: numbered minutes with an item appended in the other
    # style keep their numbered items (numbered lists inside punkt items come after it and do not count).
    first_punkt = headings[0].line_index if headings else len(lines)
    numbered = _numbered_headings(lines[:first_punkt])
    if len(numbered) > len(headings):
        headings, layout = numbered + headings, "numbered"
    if not headings:
        return _single_item(document, lines, toc)

    items: list[Item] = []
    for index, heading in enumerate(headings):
        line = lines[heading.line_index]
        end_line = headings[index + 1].line_index if index + 1 < len(headings) else len(lines)
        kind_label, title, time_slot = _parse_item_title(heading.title_raw)
        title_start = line.start + line.text.find(title) if title in line.text else line.start
        end = _trim_end(text, line.start, lines[end_line - 1].end if end_line > 0 else line.end)
        item = Item(
            number=heading.number, title=sentence_case(title), title_span=Span(title_start, title_start + len(title)),
            span=Span(line.start, max(end, line.end)), kind_label=kind_label, time_slot=time_slot,
        )
        item.sections = _sections(text, lines, heading.line_index + 1, end_line)
        items.append(item)
    header_end = lines[headings[0].line_index].start
    return Segmented(document, Span(0, _trim_end(text, 0, header_end)), items, toc, layout)


def _single_item(document: Document, lines: list[Line], toc: list[Span]) -> Segmented:
    """No item headings: the document is one case (e.g. an indstilling to an executive team)."""
    text = document.text
    nonempty = [i for i, l in enumerate(lines) if l.text]
    if not nonempty:
        return Segmented(document, Span(0, 0), [], toc, "empty")
    first = nonempty[0]
    # A title line: the first line when it is not itself a section heading and reads like a title.
    title_line = lines[first]
    body_from = first
    if not section_heading(title_line.text) and len(title_line.text) <= 250:
        title, body_from = title_line.text, first + 1
        title_span = Span(title_line.start, title_line.end)
    else:
        title, title_span = "", Span(title_line.start, title_line.start)
    kind_label = None
    m = re.match(r"^(?P<label>[\wæøåÆØÅ-]*indstilling|dagsordenspunkt|orientering)\s*:\s*(?P<t>.+)$", title, re.IGNORECASE)
    if m:
        kind_label, title = m["label"], m["t"]
        title_span = Span(title_span.start + title_line.text.find(m["t"]), title_span.end)
    sections = _sections(text, lines, body_from, len(lines))
    if not any(s.kind in ("indstilling", "beslutning") for s in sections):
        return Segmented(document, Span(0, len(text)), [], toc, "unstructured")
    item = Item(number=None, title=title, title_span=title_span,
                span=Span(title_line.start, _trim_end(text, 0, len(text))), kind_label=kind_label,
                sections=sections, implicit=True)
    return Segmented(document, Span(0, 0), [item], toc, "single")
