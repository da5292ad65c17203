"""Components for mentions: organisations, initiatives and amounts of money (also in tables)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..lexicon import rx
from ..segment import Segmented, Span
from .model import Amount, Extraction, InitiativeMention, OrganisationMention, start_of
from .parse import BARE_RE, MONEY_CONTEXT_RE, find_money, parse_number

# --------------------------------------------------------------------------- organisations

# Names built the way Danish public bodies are named; the kind is guessed from the name.
ORG_PATTERNS: list[tuple[str, str]] = [
    (r"(?:Region|Regionshospital(?:et)?|Regionspsykiatrien) [A-ZÆØÅ][\wæøå-]+", "region"),
    (r"[A-ZÆØÅ][\wæøå]*(?:-[\wæøå]+)*s? [Kk]ommune(?!r)", "kommune"),
    (r"(?:Sygehus|Hospital(?:senheden)?) [A-ZÆØÅ][\wæøå-]+(?: [A-ZÆØÅ][\wæøå-]+)?", "sygehus"),
    (r"[A-ZÆØÅ][\wæøå-]+(?: og [A-ZÆØÅ][\wæøå-]+)? (?:Universitets)?Hospital(?!s)", "sygehus"),
    (r"[A-ZÆØÅ][\wæøå-]*(?:universitetshospital|sygehus)(?:et)?\b", "sygehus"),
    (r"Psykiatrien i Region [A-ZÆØÅ][\wæøå-]+", "psykiatri"),
    (r"[A-ZÆØÅ][\wæøå-]+ Universitet\b", "universitet"),
    (
        r"Landsforeningen[\wæøå ]{0,40}?(?=[,.;)\n]|$)|[A-ZÆØÅ][\wæøå]+foreningen\b"
        r"|Danske Patienter|Ældre Sagen|Kræftens Bekæmpelse",
        "patientorganisation",
    ),
    (r"(?:Tværsektorielt )?Forskningscenter(?: (?:for )?[A-ZÆØÅ][\wæøå-]+){1,3}", "universitet"),
    (r"PLO-[A-ZÆØÅ][\wæøå]+|Nord-?KAP", "almen-praksis"),
]
_ORG_RES = [(re.compile(rf"(?<![\wæøå-])(?:{p})"), kind) for p, kind in ORG_PATTERNS]
# "Vejle, Kolding og Fredericia Kommune(r)": every name in the list is a kommune
_KOMMUNE_LIST_RE = re.compile(
    r"(?<![\wæøå-])(?P<list>(?:[A-ZÆØÅ][\wæøå-]+,\s+){0,12}[A-ZÆØÅ][\wæøå-]+\s+og\s+[A-ZÆØÅ][\wæøå-]+)\s+[Kk]ommune(?:r|rne)?\b"
)


def _trie_alternation(names: list[str]) -> str:
    """One regex alternative for many names, as a trie ("Region (?:Hovedstaden|Sjælland)"): Python's regex
    engine tries a flat alternation of hundreds of names one by one at every position of the text (~2 ms per
    document); the trie shares the prefixes. Greedy optional tails keep the longest name first."""
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) == 1 else body + "?"
        return body

    return pattern(trie)


def _gazetteer_re(names: Mapping[str, str | None]):
    if not names:
        return None
    # upper-case abbreviations must match case-sensitively; other names case-insensitively
    caps = sorted((n for n in names if " " not in n.strip()), key=len, reverse=True)
    words = sorted((n for n in names if " " in n.strip() and len(n) >= 4), key=len, reverse=True)
    parts = []
    if caps:
        parts.append(re.compile(r"(?<![\wæøå-])(?:" + _trie_alternation(caps) + r")(?:s(?=\W))?(?![\wæøå-])"))
    if words:  # an optional genitive s: "Sundhedsklynge Lillebælts", "Region Syddanmarks"
        lowered = sorted({n.lower() for n in words})
        parts.append(
            re.compile(r"(?<![\wæøå-])(?:" + _trie_alternation(lowered) + r")(?:s(?=\W))?(?![\wæøå])", re.IGNORECASE)
        )
    return parts


_GAZETTEER_CACHE: dict[int, tuple[object, list, dict]] = {}


def _patterns_for(gazetteer) -> tuple[list, dict[str, str | None]]:
    """The gazetteer's patterns and its names in lower case (also in the genitive) -> kind, made once."""
    cached = _GAZETTEER_CACHE.get(id(gazetteer))
    if cached is None or cached[0] is not gazetteer:
        lowered = {n.lower(): k for n, k in gazetteer.organisations.items()}
        lowered.update({n.lower() + "s": k for n, k in gazetteer.organisations.items()})
        cached = (gazetteer, _gazetteer_re(gazetteer.organisations) or [], lowered)
        _GAZETTEER_CACHE[id(gazetteer)] = cached
    return cached[1], cached[2]


def organisations(seg: Segmented, ex: Extraction) -> None:
    """Organisations: the registry's names and abbreviations, and names built like public bodies'."""
    gazetteer, lowered = _patterns_for(ex.gazetteer)
    text = seg.text
    candidates: list[tuple[int, int, str, str | None]] = []
    for pattern in gazetteer:
        for m in pattern.finditer(text):
            candidates.append((m.start(), m.end(), m.group(), lowered.get(m.group().lower())))
    for pattern, kind in _ORG_RES:
        for m in pattern.finditer(text):
            name = m.group().strip()
            candidates.append((m.start(), m.start() + len(name), name, kind))
    for m in _KOMMUNE_LIST_RE.finditer(text):
        for name in re.split(r",\s+|\s+og\s+", m["list"]):
            at = text.find(name, m.start(), m.end())
            if at >= 0:
                candidates.append((at, at + len(name), f"{name} Kommune", "kommune"))
    # the longest name wins where names overlap ("Forskningscenter Region Syddanmark" over "Region Syddanmark")
    chosen: list[tuple[int, int, str, str | None]] = []
    for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if not any(cand[0] < e and s < cand[1] for s, e, _, _ in chosen):
            chosen.append(cand)
    for start, end, name, org_kind in sorted(chosen):
        ex.organisations.append(OrganisationMention(span=Span(start, end), name=name, kind=org_kind))


# --------------------------------------------------------------------------- initiatives

_QUOTED = r"[\"”“»]([^\"”“«»\n]{3,80})[\"”“«]"
INITIATIVE_PATTERNS: list[tuple[str, str]] = [
    (
        rf"\b(?:[Pp]rojekt(?:et)?|klyngemiddelprojekt(?:et)?|klyngemiddelinitiativ(?:et)?|[Ii]nitiativ(?:et)?|[Ii]ndsats(?:en)?)\s+{_QUOTED}",
        "project",
    ),
    (
        r"\b[Pp]rogram(?:met)?\s+(?P<name>[A-ZÆØÅ][\wæøå-]+(?:\s+(?:og|for|i|af|til)\s+[A-ZÆØÅ][\wæøå-]+|\s+[A-ZÆØÅ][\wæøå-]+){0,4})",
        "programme",
    ),
    (r"\b(?P<name>[Ff]orløbsprogram(?:met)?\s+for\s+[\wæøå-]+(?:\s+(?:med|og)\s+[\wæøå-]+){0,2})", "programme"),
    (r"\b(?P<name>(?:Det\s+)?[Nn]ationale\s+[Ll]edelsesprogram)", "programme"),
    (r"\b(?P<name>Sundhedsaftale(?:n)?\s+\d{4}\s*[-–]\s*\d{4})", "agreement"),
    (r"\b(?P<name>[A-ZÆØÅ][\wæøå:]*(?:-[A-ZÆØÅa-zæøå]+)?-aftale(?:n)?)\b", "agreement"),
    (
        r"\b(?P<name>[Ss]amarbejdsaftale(?:n)?\s+for\s+[\wæøå, -]{3,60}?)(?=\s+(?:trådte|er|skal|mellem)\b|[.\n])",
        "agreement",
    ),
    (r"\b(?P<name>Plan\s+[a-zæøå]+(?:\s+[-–]\s+[\"”“][^\"”“\n]{3,40}[\"”“])?)", "plan"),
    (r"\b(?P<name>[A-ZÆØÅ][\wæøå]+plan(?:en)?\s+\d{4}\s*[-–]\s*\d{4})", "plan"),
    (r"\b(?P<name>[Hh]andleplan(?:en)?)\b", "plan"),
]
_INIT_RES = [(re.compile(p), k) for p, k in INITIATIVE_PATTERNS]


def initiatives(seg: Segmented, ex: Extraction) -> None:
    text = seg.text
    taken: list[tuple[int, int]] = []
    for pattern, kind in _INIT_RES:
        for m in pattern.finditer(text):
            group = "name" if "name" in pattern.groupindex else 1
            name = (m.group(group) or "").strip(" -–,")
            if len(name) < 3 or "\n" in name:
                continue
            start = m.start(group)
            if any(start < b and a < start + len(name) for a, b in taken):
                continue
            taken.append((start, start + len(name)))
            ex.initiatives.append(InitiativeMention(span=Span(start, start + len(name)), name=name, kind=kind))
    # rows of a table whose first column is headed Initiativ / Indsats / Projekt
    for table in _tables(text):
        header = table[0][0]
        if not header or not re.match(r"^(initiativ|indsats|projekt)", header[0].strip(), re.I):
            continue
        for cells, start in table[1:]:
            name = re.sub(r"^\d+[a-z]?\.\s*", "", cells[0].strip())
            if len(name) < 3 or re.match(r"^(i alt|total|klyngemidler|balance)", name, re.I):
                continue
            at = text.find(name, start)
            ex.initiatives.append(InitiativeMention(span=Span(at, at + len(name)), name=name, kind="intervention"))
    ex.initiatives.sort(key=start_of)


# --------------------------------------------------------------------------- amounts


def _tables(text: str) -> list[list[tuple[list[str], int]]]:
    """Runs of tab-separated lines (blank lines inside allowed) as [(cells, line start)]."""
    tables, current, pos = [], [], 0
    for raw in text.split("\n"):
        if raw.count("\t") >= 1 and raw.strip():
            current.append((raw.split("\t"), pos))
        elif raw.strip():
            if len(current) >= 2:
                tables.append(current)
            current = []
        pos += len(raw) + 1
    if len(current) >= 2:
        tables.append(current)
    return tables


_CELL_NUMBER_RE = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d{1,4}(?:,\d+)?")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_KRONER_RE = re.compile(r"kr", re.IGNORECASE)
_CELL_RE = re.compile(r"[^|\t]+")  # the cells of a line written as 'a | b | c' or with tabs
_TABLE_ENDS_RE = re.compile(r"\d{1,3}\.\s+\S|[^\s:]+(?:\s+[^\s:]+)?:$")
TABLE_UNIT_LINES = 80  # how far below its unit line a table's cells are read


def _cell_amount(cell: str) -> float | None:
    """The number in a table's cell ('51.700', '-500', '172,1'); None for other text, zero and a year ('2023')."""
    if not _CELL_NUMBER_RE.fullmatch(cell) or _YEAR_RE.fullmatch(cell):
        return None
    return parse_number(cell) or None


def _unit_factor(line: str, entry: str) -> float | None:
    m = (rx(entry).match if entry == "money.table_unit" else rx(entry).search)(line.strip())
    if not m:
        return None
    unit = next((g for g in m.groups() if g), "").lower()
    return 1e6 if unit.startswith(("mio", "mill")) else 1e3


Cell = tuple[int, str, float, str | None]  # (start, cell text, DKK, the row's label)


def _unit_tables(text: str) -> tuple[list[Cell], list[tuple[int, int]]]:
    """Cells of tables whose amounts are given in a unit, and the unit lines' spans (their '1.000 kr.' is no
    amount). A unit line of its own ('Scenarie (1.000 kr.)', 'Beløb i 1.000 kr.') holds for the run of short lines
    below it up to the first line of prose; a row's label ('Gennemsnitspris i 1.000 kr.') for the numbers right
    below it or beside it ('Gennemsnitspris i 1.000 kr. | 401 | 642'). A year in a heading ('2023') is no amount."""
    found: list[Cell] = []
    unit_lines: list[tuple[int, int]] = []
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    for i, (line_start, line) in enumerate(lines):
        if not _KRONER_RE.search(line):  # every unit names kroner: most lines are passed over here
            continue
        if _row_on_one_line(line_start, line, found, unit_lines) or len(line) > 90:
            continue
        table = _unit_factor(line, "money.table_unit")
        row = None if table else _unit_factor(line, "money.row_unit")
        if table is None and row is None:
            continue
        unit_lines.append((line_start, line_start + len(line)))
        found += _cells_below(lines[i + 1 : i + 1 + TABLE_UNIT_LINES], table, row, None if table else line.strip())
    return found, unit_lines


def _row_on_one_line(line_start: int, line: str, found: list[Cell], unit_lines: list[tuple[int, int]]) -> bool:
    """A row of a table with its cells on one line: 'Gennemsnitspris i 1.000 kr. | 401 | 642 | 60%'."""
    cells = list(_CELL_RE.finditer(line))
    first = cells[0].group() if cells else ""
    factor = _unit_factor(first, "money.row_unit") if len(cells) > 1 and len(first) <= 90 else None
    if factor is None:
        return False
    unit_lines.append((line_start, line_start + cells[0].end()))
    for cell in cells[1:]:
        value_text = cell.group().strip()
        value = _cell_amount(value_text)
        if value:
            at = line_start + cell.start() + cell.group().find(value_text)
            found.append((at, value_text, round(value * factor, 2), first.strip()))
    return True


def _cells_below(lines: list[tuple[int, str]], table: float | None, row: float | None, label: str | None) -> list[Cell]:
    """The amounts in the lines below a unit line, one cell per line (a row's unit: up to its next label)."""
    found: list[Cell] = []
    factor = table or row
    cells_read = 0
    for start, cell_line in lines:
        text_of_cell = cell_line.strip()
        if not text_of_cell:
            if cells_read:  # a blank line after the cells: the table has ended
                break
            continue
        if len(text_of_cell) <= 20 and _CELL_NUMBER_RE.fullmatch(text_of_cell):
            value = _cell_amount(text_of_cell)
            if value and factor:
                found.append((start + cell_line.find(text_of_cell), text_of_cell, round(value * factor, 2), label))
            cells_read += 1
            continue
        if row is not None or len(text_of_cell) > 90 or len(text_of_cell.split()) > 10:  # the row or table ended
            break
        if _TABLE_ENDS_RE.match(text_of_cell):  # an agenda heading ('2. Eventuelt') or a list of names
            break
        label = text_of_cell
        # a row with a unit of its own ('Gennemsnitspris i 1.000 kr.') or of counts ('Antal pladser') decides for
        # the numbers below it; other rows take the table's unit
        own = _unit_factor(label, "money.row_unit")
        factor = own if own else (None if rx("money.not_money_row").search(label) else table or row)
    return found


def amounts(seg: Segmented, ex: Extraction) -> None:
    text = seg.text
    item_at = [(i.span.start, i.span.end, i.number or (None if i.implicit else i.title)) for i in seg.items]

    def item_of(pos: int) -> str | None:
        for start, end, key in item_at:
            if start <= pos <= end:
                return key
        return None

    seen: set[int] = set()
    unit_cells, unit_lines = _unit_tables(text)
    for at, cell_text, dkk, row_label in unit_cells:
        if at in seen:  # a cell below both a table's unit and a row's
            continue
        seen.add(at)
        ex.amounts.append(
            Amount(span=Span(at, at + len(cell_text)), dkk=dkk, text=cell_text, item=item_of(at), label=row_label)
        )
    for money in find_money(text):
        if money.start in seen or any(a <= money.start < b for a, b in unit_lines):  # read in the table's unit
            continue
        seen.add(money.start)
        ex.amounts.append(
            Amount(span=Span(money.start, money.end), dkk=money.dkk, text=money.text, item=item_of(money.start))
        )
    # tables of amounts per organisation: cells without 'kr.' count when the table is about money
    for table in _tables(text):
        first_start = table[0][1]
        context = text[max(0, first_start - 400) : first_start] + " ".join(" ".join(c) for c, _ in table[:2])
        if not MONEY_CONTEXT_RE.search(context):
            continue
        header = [c.strip() for c in table[0][0]]
        for cells, start in table[1:]:
            pos = start
            for column, cell in enumerate(cells):
                cell_start = pos
                pos += len(cell) + 1
                value_text = cell.strip()
                m = BARE_RE.fullmatch(value_text)
                if not m or cell_start + cell.find(value_text) in seen:
                    continue
                value = parse_number(value_text)
                if not value:
                    continue
                at = cell_start + cell.find(value_text)
                seen.add(at)
                row = cells[0].strip()
                col = header[column] if column < len(header) else None
                label = " / ".join(x for x in (row, col) if x)
                ex.amounts.append(
                    Amount(
                        span=Span(at, at + len(value_text)),
                        dkk=value,
                        text=value_text,
                        item=item_of(at),
                        label=label or None,
                    )
                )
    ex.amounts.sort(key=start_of)
