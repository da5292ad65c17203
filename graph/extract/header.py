"""Components for the meeting (forum, body, date, start, place) and its participants."""

from __future__ import annotations

import re

from ..segment import Segmented, Span, sentence_case
from .model import Extraction, Participant
from .parse import parse_date, parse_time

# --------------------------------------------------------------------------- meeting

# "REFERAT <forum> d. 26-02-2025", "Referat fra mødet i <forum> den 3. maj 2024", "Dagsorden for <forum>"
_TITLE_RE = re.compile(
    r"^(?:referat|beslutningsprotokol|dagsorden|mødereferat)\b\s*(?:fra|for|af)?\s*(?:(?:det |ordinært |ekstraordinært )?møde(?:t)?\s*(?:i|fra)?\s*)?"
    r"(?P<forum>[^\n]*?)\s*(?:,?\s*(?:d\.|den)\s*(?P<date>[^\n]+))?$",
    re.IGNORECASE,
)
_FIELD_RE = re.compile(
    r"^(?P<field>mødedato|dato|mødetidspunkt|mødetid|tidspunkt|tid|mødested|sted|lokale|udvalg|forum|møde|mødeforum"
    r"|deltagere|afbud|fraværende|bemærkninger|mødeleder|referent|ordstyrer)\s*[:.]?(?:\s+(?P<value>.*))?$",
    re.IGNORECASE,
)
_CLUSTER_WORDS = r"(?:[Ss]undhedsklynge|[Kk]lynge)\s+[A-ZÆØÅ][\wæøåÆØÅ.-]*|(?<![\wæøå-])[A-ZÆØÅ][\wæøå-]*klyngen"
_WEEKDAYS = r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)"
_LEVEL_RE = re.compile(
    r"(politisk(?:e)? niveau|fagligt?[ -]strategisk(?:e)? niveau|koordinerende niveau|direktørforum|chefforum"
    r"|driftsforum[\wæøå -]*|klyngestyregruppe(?:n)?|styregruppe[\wæøå -]*)", re.IGNORECASE)


def _split_forum_body(text: str) -> tuple[str | None, str | None]:
    """'Sundhedsklynge Lillebælt - Fagligt strategisk niveau' -> ('Fagligt strategisk niveau', 'Sundhedsklynge Lillebælt');
    'Direktørforum Sundhedsklynge Midt' -> ('Direktørforum', 'Sundhedsklynge Midt')."""
    text = text.strip(" -–:,")
    if not text:
        return None, None
    parts = [p.strip() for p in re.split(r"(?<!\s)\s+[-–—]\s+|,\s+", text) if p.strip()]
    if len(parts) == 2:
        first_is_body = bool(re.match(_CLUSTER_WORDS, parts[0], re.IGNORECASE)) or re.search(r"\b(kommune|region)\b", parts[0], re.I)
        return (parts[1], parts[0]) if first_is_body else (parts[0], parts[1])
    m = re.search(rf"\b(?P<body>{_CLUSTER_WORDS})\s*$", text)
    if m and m.start() > 0:  # "Styregruppen for Sundhedsklynge Nord": the forum is "Styregruppen"
        return re.sub(r"(?<!\s)\s+(?:i|for|under)$", "", text[: m.start()].strip(" -–,")), m["body"]
    m = re.search(r"\s(?:i|for|under)\s+(?P<body>(?:Sundhedsklynge|Klynge|Region|[A-ZÆØÅ][\wæøå-]+ Kommune)[^\n]*)$", text)
    if m:
        return text[: m.start()].strip(), m["body"].strip()
    return text, None


_DATE_FIELDS = ("mødedato", "dato")
_TIME_FIELDS = ("mødetid", "mødetidspunkt", "tidspunkt", "tid")


def _start_time(value: str, bare_hours: bool) -> str | None:
    """The time after "kl." in a field's value; a time field may give it without ("Mødetid: 13-15")."""
    if bare_hours and not re.search(r"\bkl\b", value, re.IGNORECASE):
        value = "kl. " + value
    return parse_time(value)


def _value_after(lines: list[tuple[str, int]], index: int) -> tuple[str, int] | None:
    """The next non-empty line (for 'Mødedato' with its value on the line below)."""
    for text, start in lines[index + 1: index + 3]:
        if text.strip():
            return text.strip(), start + (len(text) - len(text.lstrip()))
    return None


def meeting(seg: Segmented, ex: Extraction) -> None:
    text = seg.text
    header_end = seg.header.end if seg.items and not seg.items[0].implicit else min(len(text), 3000)
    region = text[:header_end] if header_end else text[:3000]
    raw_lines, pos = [], 0
    for raw in region.split("\n"):
        raw_lines.append((raw, pos))
        pos += len(raw) + 1
    m = ex.meeting
    field_labels = {"deltagere", "afbud", "fraværende", "bemærkninger"}

    for i, (raw, start) in enumerate(raw_lines):
        line = raw.strip()
        if not line:
            continue
        offset = start + (len(raw) - len(raw.lstrip()))
        title = _TITLE_RE.match(line)
        if title and title["forum"] and re.match(r"^(?:og|&)\s+(?:referat|beslutningsprotokol|dagsorden)\b", title["forum"], re.I):
            continue  # "DAGSORDEN OG REFERAT": a title without a forum
        if title and m.forum is None and title["forum"]:
            forum, body = _split_forum_body(title["forum"])
            if forum and len(forum) < 150 and not _FIELD_RE.match(forum):
                f_start = offset + line.find(title["forum"])
                m.forum, m.body = forum, body
                m.spans["forum"] = Span(f_start, f_start + len(title["forum"]))
                if title["date"] and m.date is None:
                    m.date = parse_date(title["date"])
                    if m.date:
                        m.spans["date"] = Span(offset + line.find(title["date"]), offset + len(line))
                    if m.start is None and parse_time(title["date"]):  # "... den 3. marts 2025 kl. 13.00-15.00"
                        m.start = parse_time(title["date"])
                        m.spans["start"] = m.spans.get("date") or Span(offset, offset + len(line))
            continue
        if title and not title["forum"]:
            # "Referat fra møde" with the forum on the next line (only in the header: "Referat" later is a section)
            nxt = _value_after(raw_lines, i)
            if (nxt and m.forum is None and i < 15 and not _FIELD_RE.match(nxt[0]) and not _TITLE_RE.match(nxt[0]) and len(nxt[0]) < 150
                    and not nxt[0].endswith(":") and not re.search(r"\b(?:besluttede|beslutter|drøftede|godkendte)\b", nxt[0])):
                m.forum, m.body = _split_forum_body(nxt[0])
                m.spans["forum"] = Span(nxt[1], nxt[1] + len(nxt[0]))
            continue
        fm = _FIELD_RE.match(line)
        if not fm:
            continue
        name = fm["field"].lower()
        if name in field_labels:
            continue
        value, v_start = fm["value"], offset + (fm.start("value") if fm["value"] else len(line))
        if not value:
            nxt = _value_after(raw_lines, i)
            if not nxt or _FIELD_RE.match(nxt[0]):
                continue
            value, v_start = nxt
        value = value.strip()
        if name in _DATE_FIELDS or name in _TIME_FIELDS or (name == "møde" and parse_date(value)):
            # "Dato: 26/2-2025 kl. 9-11", "Mødetidspunkt: 14.05.2024 kl. 13:00 - 15:00", and "Møde: 12. dec. 2024
            # kl. 14-16", which says when, not who
            if m.date is None and parse_date(value):
                m.date = parse_date(value)
                m.spans["date"] = Span(v_start, v_start + len(value))
            start = _start_time(value, bare_hours=name in _TIME_FIELDS)
            if m.start is None and start:
                m.start = start
                m.spans["start"] = Span(v_start, v_start + len(value))
        elif name in ("mødested", "sted", "lokale") and m.place is None:
            m.place = value
            m.spans["place"] = Span(v_start, v_start + len(value))
        elif name in ("udvalg", "forum", "mødeforum", "møde") and (m.forum is None or "forum" not in m.spans or name == "udvalg"):
            if name == "møde" and m.forum is not None and "forum" in m.spans:
                continue
            value = re.sub(r"^(?:ordinært|ekstraordinært)\s+møde$", "", value, flags=re.I).strip()
            value = re.sub(r"(?<=[a-zæøå])s\s+(?:ordinære\s+|ekstraordinære\s+)?møde$", "", value)  # "Regionsrådets møde"
            if not value:
                continue
            forum, body = _split_forum_body(value)
            if forum:
                m.forum, m.body = forum, body or m.body
                m.spans["forum"] = Span(v_start, v_start + len(value))

    # A document without a header (an indstilling): the forum is the one that "besluttede"/"beslutter".
    if m.forum is None:  # a header line that is a level of a cluster ("Fagligt strategisk niveau")
        for raw, start in raw_lines[:8]:
            if raw.strip() and _LEVEL_RE.fullmatch(raw.strip()):
                m.forum = raw.strip()
                m.spans["forum"] = Span(start + len(raw) - len(raw.lstrip()), start + len(raw.rstrip()))
                break
    if m.forum is None:
        mm = re.search(r"(?m)^[^\S\n]*(?P<forum>[A-ZÆØÅ][\wæøå-]+(?: [A-ZÆØÅ][\wæøå-]+)?)\s+(?:besluttede|beslutter|godkendte|drøftede)\b", text)
        if mm:
            m.forum = mm["forum"]
            m.spans["forum"] = Span(mm.start("forum"), mm.end("forum"))
    if m.date is None:
        # a dated line at the very top: "D. 15. maj 2018, Sundhed", "Tirsdag den 4. juni 2024, kl. 10.00 – 12.00"
        for raw, start in raw_lines[:12]:
            dm = re.match(rf"^\s*(?P<lead>(?:{_WEEKDAYS}\s*)?(?:(?:d\.|den)\s*)?)(?P<date>\d.{{5,30}}?\d{{4}})", raw, re.IGNORECASE)
            if dm and (dm["lead"] or len(raw.strip()) < 60) and parse_date(dm["date"]):
                m.date = parse_date(dm["date"])
                m.spans["date"] = Span(start + dm.start("date"), start + dm.end("date"))
                if m.start is None and parse_time(raw):
                    m.start = parse_time(raw)
                    m.spans["start"] = Span(start, start + len(raw))
                break
    if m.body is None and m.forum:
        m.body = _body_from_text(text, m.forum, ex.gazetteer.clusters)
    if m.body is None and m.forum:
        # an organisation named alone on one of the first lines ("Region Nordjylland" above "Regionsrådet")
        for raw, start in raw_lines[:4]:
            if raw.strip() and raw.strip() in ex.gazetteer.organisations and raw.strip() != m.forum:
                m.body = raw.strip()
                m.spans["body"] = Span(start, start + len(raw.strip()))
                break
    if m.forum:
        m.forum = sentence_case(m.forum)  # "SUNDHEDSSAMARBEJDSUDVALGET" -> "Sundhedssamarbejdsudvalget"
    if m.spans:
        m.span = Span(min(s.start for s in m.spans.values()), max(s.end for s in m.spans.values()))


def _body_from_text(text: str, forum: str, clusters: frozenset[str]) -> str | None:
    """The health cluster the forum belongs to when the header does not say: the one the text names most.
    Only real health clusters count: "klynge" alone (an internal team) does not make one."""
    if re.search(rf"\b({_CLUSTER_WORDS})", forum) or not clusters:
        return None
    if re.search(r"udvalg(?:et)?$|rådet$|bestyrelsen?$", forum, re.IGNORECASE):
        return None  # a municipal or regional committee or council belongs to no cluster, however often it names one
    names = sorted(clusters, key=len, reverse=True)
    pattern = re.compile(r"(?<![\wæøå-])(" + "|".join(map(re.escape, names)) + r")(?![\wæøå])", re.IGNORECASE)
    counts: dict[str, int] = {}
    for mm in pattern.finditer(text):
        name = mm.group(1)
        counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    best, n = max(counts.items(), key=lambda kv: kv[1])
    return best if n >= 2 else None


# --------------------------------------------------------------------------- participants

ROLE_WORDS = [
    (r"medformand|co-?formand", "medformand"),
    (r"næstformand", "naestformand"),
    (r"formand(?:skab)?", "formand"),
    (r"ordstyrer", "ordstyrer"),
    (r"mødeleder", "moedeleder"),
    (r"referent", "referent"),
    (r"sekretariat\w*", "sekretariat"),
    (r"plo-r\b|plo-r\(egional\)", "plo-r"),
    (r"plo-k\b", "plo-k"),
    (r"plo-repræsentant|plo\b", "plo"),
    (r"patient- og pårørenderepræsentant|patientrepræsentant|pårørenderepræsentant", "patientrepraesentant"),
    (r"praksiskonsulent|praksiskoordinator", "praksiskonsulent"),
    (r"tovholder", "tovholder"),
]
ORG_HINT = re.compile(r"kommune\b|region\b|hospital|sygehus|psykiatri|universitet|forening|\b(?:plo|kl|hev|slb|ouh|auh)\b", re.I)
ROLE_ONLY = re.compile(r"^(plo|plo-[rk]|patient|pårørende|praksis)[\w -]*repræsentant$|^(med|næst)?formand$|^sekretariat$", re.I)
_NAME_TOKEN = r"(?:[A-ZÆØÅ][a-zæøåéüö]+(?:-[A-ZÆØÅa-zæøå][a-zæøåéüö]+)?|[A-ZÆØÅ]\.)"
NAME_RE = re.compile(rf"^{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|de|la|von|van|af))" + r"{1,4}$")
NOT_NAME_WORDS = re.compile(
    r"\b(Kommune|Region|Hospital|Sygehus|Psykiatri\w*|Forum|Niveau|Gruppe|Udvalg|Sekretariat|Direktør\w*|Chef\w*|Sundhed\w*"
    r"|Klynge\w*|Praksis|Afbud|Deltagere|Referat|Dagsorden|Bilag|Møde\w*|Punkt|Orientering|Godkendelse|Status|Velkommen)\b")


# Job titles before a name ("Rådmand Søren Hansen", "Sundhedschef Anne Mortensen"): the common endings of Danish titles.
TITLE_WORD = re.compile(
    r"^(?:[\wæøå-]*(?:chef|direktør|medlem|rådmand|formand|læge|konsulent|leder|sygeplejerske|koordinator|borgmester"
    r"|sekretær|rådgiver|specialist|fuldmægtig|jordemoder|terapeut)|dr\.?|professor|overlæge|borgmester)$", re.IGNORECASE)


def split_title(text: str) -> tuple[str | None, str]:
    """'Rådmand Søren Hansen' -> ('Rådmand', 'Søren Hansen')."""
    tokens = text.split()
    cut = 0
    while cut < len(tokens) - 2 and TITLE_WORD.match(tokens[cut]):
        cut += 1
    return (" ".join(tokens[:cut]) or None), " ".join(tokens[cut:])


def looks_like_name(text: str) -> bool:
    text = text.strip()
    return bool(NAME_RE.match(text)) and not NOT_NAME_WORDS.search(text) and len(text) <= 60


def role_of(text: str) -> str | None:
    low = text.lower()
    for pattern, key in ROLE_WORDS:
        if re.search(pattern, low):
            return key
    return None


_NAME_SEP_RE = re.compile(r";|,|(?<!\s)\s+(?:og|&)\s+")


def _name_pieces(value: str) -> list[tuple[str, int]]:
    """'A, B og C (Region X, Viborg)' -> [(piece, offset)], split at separators outside brackets (one pass:
    a lookahead for the closing bracket would rescan the rest of the line at every comma)."""
    pieces, start, depth, scanned = [], 0, 0, 0
    for m in _NAME_SEP_RE.finditer(value):
        depth += value.count("(", scanned, m.start()) - value.count(")", scanned, m.start())
        scanned = m.start()
        if depth <= 0:
            pieces.append((value[start:m.start()], start))
            start = m.end()
    pieces.append((value[start:], start))
    return pieces


def _split_names(value: str) -> list[tuple[str, int, str | None]]:
    """'A, B og C' / 'A; B; C' / 'A (Region Midtjylland), B (Randers Kommune)' -> [(name, offset, organisation)]
    (only the parts that look like names; the organisation in brackets when it reads like one)."""
    parts = []
    for piece, pos in _name_pieces(value):
        if piece:
            bracket = re.search(r"\(([^()]{1,80})\)\s*$", piece)  # "(Region Midtjylland)", or a party's letter "(A)"
            organisation = bracket.group(1).strip() if bracket and ORG_HINT.search(bracket.group(1)) else None
            name = split_title((piece[: bracket.start()] if bracket else piece).strip(" ."))[1]
            if looks_like_name(name):
                parts.append((name, pos + piece.find(name), organisation))
    return parts


PERSON_LINE_MAX = 300


def _person_line(line: str) -> tuple[str, str | None, str | None, str | None] | None:
    """'Eva Knudsen, Direktør i Region Nordjylland (medformand)' -> (name, title, organisation, role);
    'Borgmester Jens Hansen, Vejle Kommune' -> (name, 'Borgmester', 'Vejle Kommune', None)."""
    if len(line) > PERSON_LINE_MAX:  # a paragraph, not a person: and the patterns below need not see it
        return None
    role = None
    paren = re.search(r"\(([^()]{2,60})\)\s*$", line)
    if paren and role_of(paren.group(1)):
        role = role_of(paren.group(1))
        line = line[: paren.start()].strip()
    head, _, rest = line.partition(",")
    head, rest = head.strip(), rest.strip().rstrip(",.")
    title, head = split_title(head)
    if not looks_like_name(head):
        # leading title words: "Borgmester Jens Hansen", "Sundhedschef Torben Krogh"
        tokens = head.split()
        for cut in range(1, min(4, len(tokens))):
            if looks_like_name(" ".join(tokens[cut:])):
                title, head = " ".join(tokens[:cut]), " ".join(tokens[cut:])
                break
        else:
            return None
    organisation = None
    if rest:
        m = re.match(r"^(?P<title>.*?)\s+(?:i|ved|fra|for)\s+(?P<org>[A-ZÆØÅ].*)$", rest)
        if m and ORG_HINT.search(m["org"]):
            title, organisation = (title or m["title"]).strip() or None, m["org"].strip()
        elif ORG_HINT.search(rest) and not re.search(r"(chef|direktør|konsulent|læge|leder|sygeplejerske|jordemoder|koordinator)\b", rest.split(",")[0], re.I):
            organisation = rest
        else:
            parts = [p.strip() for p in rest.split(",")]
            title = title or parts[0]
            if len(parts) > 1 and ORG_HINT.search(parts[-1]):
                organisation = parts[-1]
        if role is None and re.match(r"(?:plo|patient|pårørende|praksis|formand|medformand|næstformand|sekretariat\b)|.*repræsentant", rest, re.I):
            role = role_of(rest)
        if ROLE_ONLY.match(rest):
            title, organisation = rest, None
    return head, title, organisation, role


def participants(seg: Segmented, ex: Extraction) -> None:
    text = seg.text
    people: dict[str, Participant] = {}

    def add(name: str, start: int, present: bool, **attrs) -> None:
        key = re.sub(r"\s+", " ", name).lower()
        person = people.get(key)
        if person is None:
            person = Participant(span=Span(start, start + len(name)), name=name, present=present)
            people[key] = person
            ex.participants.append(person)
        for attr, value in attrs.items():
            if value and not getattr(person, attr):
                setattr(person, attr, value)

    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append((raw.strip(), pos + len(raw) - len(raw.lstrip())))
        pos += len(raw) + 1

    # Text converted from PDF is often double-spaced (a blank line after every line): there, three blank lines
    # are one paragraph break, not the end of a list. Double-spaced: hardly two non-empty lines in a row.
    nonempty = [i for i, (line, _) in enumerate(lines) if line]
    adjacent = sum(1 for a, b in zip(nonempty, nonempty[1:]) if b == a + 1)
    list_end = 7 if len(nonempty) >= 10 and adjacent <= len(nonempty) // 50 else 3
    mode: bool | None = None  # True: in a list of participants, False: in a list of absentees
    group: str | None = None
    blank_run = 0
    for i, (line, start) in enumerate(lines):
        if not line:
            blank_run += 1
            continue
        if re.match(r"^(?:ad\.?\s*)?(?:punkt|pkt\.?|sag)\s*\d+\s*[:.]?\s*(?:møde)?(?:deltagere|til stede)\s*$", line, re.I):
            mode, group, blank_run = True, None, 0
            continue
        label = re.match(r"^(?P<label>(?:møde)?deltagere|medlemmer|til stede|fremmødte|deltager på mødet|afbud|fraværende|bemærkninger)\s*:?\s*(?P<value>.*)$", line, re.I)
        if label:
            kind = label["label"].lower()
            value = label["value"]
            present = not kind.startswith(("afbud", "fravær"))
            inner = re.match(r"^(afbud|fraværende)\s*:\s*(.*)$", value, re.I)
            if kind == "bemærkninger" and not inner:
                continue
            if inner:
                present, value = False, inner.group(2)
            if value:
                v_start = start + line.find(value)
                for name, off, organisation in _split_names(value):
                    add(name, v_start + off, present, organisation=organisation)
                mode = None
            else:
                mode, group, blank_run = present, None, 0
            continue
        # inline "Deltager på mødet: A og B" inside table cells
        for cell in re.finditer(r"(?P<label>Deltager(?:e)? på mødet|Afbud)\s*:\s*(?P<value>[^\t\n]+)", line):
            v_start = start + cell.start("value")
            for name, off, organisation in _split_names(cell["value"]):
                add(name, v_start + off, not cell["label"].lower().startswith("afbud"), organisation=organisation)
        role_line = re.match(r"^(?P<role>ordstyrer|mødeleder|referent|formand|medformand)\s*:\s*(?P<name>.+)$", line, re.I)
        if role_line and looks_like_name(role_line["name"].strip()):
            add(role_line["name"].strip(), start + role_line.start("name"), True, role=role_of(role_line["role"]))
            existing = people.get(role_line["name"].strip().lower())
            if existing and existing.role in (None, "medlem"):
                existing.role = role_of(role_line["role"])
            continue
        if mode is None:
            continue
        # inside a list: forum group headings ("Chefforum", "Sekretariat:") or people, until the list ends
        if blank_run >= list_end or seg_heading(line):
            mode = None
            continue
        blank_run = 0
        if re.match(r"^[A-ZÆØÅ][\wæøå -]{2,40}:?$", line) and not looks_like_name(line.rstrip(":")):
            group = line.rstrip(":").strip()
            continue
        parts = [p for p, _ in _name_pieces(line) if p.strip()]
        names = _split_names(line)
        if len(parts) >= 2 and len(names) == len(parts):
            for name, off, organisation in names:
                add(name, start + off, mode, group=group, organisation=organisation)
            continue
        person = _person_line(line.lstrip("-• "))
        if person:
            name, title, organisation, role = person
            if role is None and group and role_of(group) == "sekretariat":
                role = "sekretariat"
            add(name, start + line.find(name), mode, title=title, organisation=organisation, role=role, group=group)
            continue
        mode = None

    # a committee whose members all come from one organisation belongs to it
    orgs = {p.organisation for p in ex.participants if p.organisation}
    if ex.meeting.forum and ex.meeting.body is None and len(orgs) == 1 and sum(1 for p in ex.participants if p.organisation) >= 2:
        ex.meeting.body = orgs.pop()

    # representatives introduced in the text: "- Rasmus Knudsen, PLO-repræsentant"
    for m in re.finditer(r"(?m)^[^\S\n]*[-•][^\S\n]*(?P<line>[^\n]{5,200})$", text):
        person = _person_line(m["line"])
        if person:
            name, title, organisation, role = person
            key = name.lower()
            if key in people:
                p = people[key]
                p.title = p.title or title
                p.organisation = p.organisation or organisation
                p.role = p.role or role or role_of(m["line"])


def seg_heading(line: str) -> bool:
    from ..segment import section_heading

    return bool(section_heading(line)) or bool(re.match(r"^(punkt|pkt\.?)\s*\d", line, re.I))
