"""The HTML pages `serve` writes itself: the query page's frame, the list of maps and a node's page, and the
Danish wording of the engine's syntax errors.

Every text from the data (labels, literals, IRIs) is escaped with html.escape; the pages hold no inline script or
style, so the Content-Security-Policy can forbid both (the query page's code is static/page.js)."""

from __future__ import annotations

import difflib
import html
import json
import re
import urllib.parse
from datetime import datetime
from pathlib import Path

from ..query import QUERY_PREFIXES, NamedQuery

ID = QUERY_PREFIXES["sgid"]
OWN = "https://w3id.org/sundhedsgraf/"  # IRIs under here get a node page
# every known prefix on the first line, so the user's line numbers stay as they wrote them
KNOWN_PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}> " for prefix, iri in QUERY_PREFIXES.items())
LITERAL_CUT = 600  # a document's text is one literal of many pages: the node page shows its start


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def short(iri: str) -> str:
    """`sgid:kommune/0101` for the known namespaces (the longest match), the IRI itself otherwise."""
    best = max((ns for ns in QUERY_PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in QUERY_PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def node_href(iri: str) -> str:
    return "/node?" + urllib.parse.urlencode({"iri": iri})


def _json_for_html(value) -> str:
    """JSON inside <script type="application/json">: no '<', so no '</script>' can end it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


HEAD = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="data:,">
{css}<link rel="stylesheet" href="/static/page.css">
</head>
<body>
<header><a class="brand" href="/">sundhedsgraf</a>
<nav><a href="/">Forespørgsler</a> <a href="/maps/">Kort</a> <a href="/queries.json">queries.json</a></nav></header>
<main>
"""
FOOT = "</main>\n</body></html>\n"


def query_page(queries: dict[str, NamedQuery], has_maps: bool) -> bytes:
    options = "\n".join(f'<option value="{esc(q.name)}">{esc(q.title_da)}</option>' for q in queries.values())
    maps = (
        '<p>Se også <a href="/maps/index.html">kortene over sundhedssamarbejdet</a> og <a href="/maps/sider.html">en '
        "side pr. forum, sundhedsråd og organisation</a>.</p>"
        if has_maps
        else ""
    )
    body = f"""<h1>Hvem beslutter hvad?</h1>
<p class="intro">Vælg et af {len(queries)} spørgsmål og udfyld felterne, eller skriv din egen SPARQL. Kør med
<kbd>Ctrl</kbd>+<kbd>Enter</kbd>. Præfikserne <code>sg:</code>, <code>sgid:</code>, <code>skos:</code> osv. er kendte
uden <code>PREFIX</code>, som på kommandolinjen. Værktøjer (Excel, Power BI, SPARQLWrapper) bruger
<code>/sparql</code>.</p>
{maps}
<noscript><p class="fejl">Siden kræver JavaScript. Uden: brug <code>/sparql?query=…</code> eller
<code>/named/&lt;navn&gt;?format=csv</code>.</p></noscript>
<section id="vaelg">
<label for="named">Spørgsmål</label>
<select id="named"><option value="">— egen SPARQL —</option>
{options}
</select>
<p id="beskrivelse"></p>
<form id="params" autocomplete="off"></form>
</section>
<section id="editor-omraade">
<div id="editor-bar"><span id="aendret" hidden>Ændret i forhold til spørgsmålet <button type="button"
id="gendan">Gendan</button></span></div>
<div id="editor"></div>
<textarea id="query-fallback" spellcheck="false" hidden></textarea>
</section>
<div id="handlinger">
<button type="button" id="koer" class="primaer" title="Ctrl+Enter">Kør</button>
<span class="hent">Hent: <button type="button" data-format="csv">CSV</button><button type="button"
data-format="tsv">TSV</button><button type="button" data-format="json">JSON</button></span>
<button type="button" id="del">Kopiér link</button>
<input id="link" type="text" readonly hidden aria-label="Link til forespørgslen">
<span id="status" role="status"></span>
</div>
<div id="fejl" class="fejl" role="alert" hidden></div>
<div id="resultat"></div>
<script type="application/json" id="sg-prefixes">{_json_for_html(QUERY_PREFIXES)}</script>
<script src="/static/yasqe.min.js"></script>
<script src="/static/page.js"></script>
"""
    css = '<link rel="stylesheet" href="/static/yasqe.min.css">\n'
    return (HEAD.format(title="sundhedsgraf: forespørgsler", css=css) + body + FOOT).encode("utf-8")


def maps_page(root: Path) -> bytes:
    folders = ("forum", "sundhedsraad", "organisation", "referat")  # the pack's pages: counted, not listed one by one
    files = (
        sorted(
            (
                p
                for p in root.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
                and p.relative_to(root).parts[0] not in folders
            ),
            key=lambda p: (p.name != "index.html", p.name != "sider.html", str(p.relative_to(root))),
        )[:2000]
        if root.is_dir()
        else []
    )
    counts = {name: sum(1 for _ in (root / name).glob("*.html")) for name in folders if (root / name).is_dir()}
    rows = []
    for path in files:
        relative = path.relative_to(root).as_posix()
        stat = path.stat()
        changed = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M")
        what = {
            "index.html": "Introduktionspakken: strukturen, reformen, hvem der beslutter hvad, og et kort pr. klynge, "
            "forum og organisation",
            "sider.html": "Mit forum: en side pr. forum ({forum}), sundhedsråd ({sundhedsraad}) og organisation "
            "({organisation}), og referaterne de citerer ({referat})".format(**{k: counts.get(k, 0) for k in folders}),
            "ordliste.html": "Ordliste: forkortelser, niveauer og koder",
        }.get(relative, "")
        rows.append(
            f'<tr><td><a href="/maps/{esc(urllib.parse.quote(relative))}">{esc(relative)}</a></td>'
            f'<td>{esc(what)}</td><td class="tal">{stat.st_size // 1024 or 1} KB</td><td>{esc(changed)}</td></tr>'
        )
    if rows:
        body = (
            "<h1>Kort</h1><p>Kortene i datamappens <code>maps/</code>. De virker også uden netværk, åbnet direkte fra "
            'disken. Flere kort: <code>sundhedsgraf map</code>.</p>\n<table class="liste"><thead><tr><th>Fil</th>'
            "<th>Indhold</th><th>Størrelse</th><th>Ændret</th></tr></thead><tbody>\n"
            + "\n".join(rows)
            + "\n</tbody></table>\n"
        )
    else:
        body = (
            "<h1>Kort</h1><p>Der er ingen kort i datamappen endnu. <code>sundhedsgraf build</code> skriver "
            "introduktionspakken (<code>maps/index.html</code>), og <code>sundhedsgraf map</code> tegner flere.</p>\n"
        )
    return (HEAD.format(title="sundhedsgraf: kort", css="") + body + FOOT).encode("utf-8")


LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
)
NAMES = LABELS + ("http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#hiddenLabel")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _term_html(term: dict | None, label: dict | None = None) -> str:
    """A SPARQL JSON term as HTML: own IRIs link to their node page, literals are text (cut when long)."""
    if term is None:
        return ""
    if term["type"] == "uri":
        iri = term["value"]
        text = esc(short(iri))
        if label is not None:
            text = f'{esc(label["value"])} <span class="iri">{text}</span>'
        return f'<a href="{esc(node_href(iri))}">{text}</a>' if iri.startswith(OWN) else text
    if term["type"] == "bnode":
        return esc("_:" + term["value"])
    value = term["value"]
    extra = ""
    if len(value) > LITERAL_CUT:
        value, extra = value[:LITERAL_CUT], f' <span class="note">… ({len(term["value"])} tegn i alt)</span>'
    kind = term.get("xml:lang") or (short(term["datatype"]) if term.get("datatype") else "")
    return f'<span class="literal">{esc(value)}</span>{extra}' + (
        f' <span class="note">{esc(kind)}</span>' if kind else ""
    )


def node_page(iri: str, outgoing: list[dict], incoming: list[dict], quote: tuple[str, str, int, int] | None) -> bytes:
    """A node: its names, its types, what it says (outgoing) and what points at it (incoming). Rows are SPARQL JSON
    bindings: outgoing {p, o, ol?}, incoming {s, p, sl?}; `quote`: (document IRI, cited text, start, end)."""
    names = [row["o"]["value"] for row in outgoing if row["p"]["value"] in NAMES and row["o"]["type"] == "literal"]
    label = next(
        (
            row["o"]["value"]
            for wanted in LABELS
            for row in outgoing
            if row["p"]["value"] == wanted and row["o"]["type"] == "literal"
        ),
        None,
    )
    types = [row["o"] for row in outgoing if row["p"]["value"] == RDF_TYPE]
    title = label or short(iri)
    parts = [
        f'<h1>{esc(title)}</h1>\n<p class="iri-linje"><code>{esc(short(iri))}</code> &nbsp; <span '
        f'class="iri">{esc(iri)}</span></p>'
    ]
    if types:
        parts.append("<p>Type: " + ", ".join(_term_html(t) for t in types) + "</p>")
    own_page = _own_page(iri, {t["value"] for t in types})
    if own_page:
        parts.append(f'<p><a href="{esc(own_page[0])}">{esc(own_page[1])}</a></p>')
    if len(set(names)) > 1:
        parts.append(
            "<p>Navne: " + "; ".join(f'<span class="literal">{esc(n)}</span>' for n in dict.fromkeys(names)) + "</p>"
        )
    if quote is not None:
        document, text, start, end = quote
        place = "/dokument?" + urllib.parse.urlencode({"iri": document}) + f"#char={start},{end}"
        parts.append(
            f'<h2>Citat</h2>\n<blockquote class="citat">{esc(text)}</blockquote>\n<p>Fra '
            f"{_term_html({'type': 'uri', 'value': document})}, tegn {start}–{end}: "
            f'<a href="{esc(place)}">vis i referatet</a>.</p>'
        )
    if not outgoing and not incoming and quote is None:
        parts.append("<p>Grafen har intet om denne knude.</p>")
    if outgoing:
        rows = "\n".join(
            f"<tr><td>{_term_html(r['p'])}</td><td>{_term_html(r['o'], r.get('ol'))}</td></tr>"
            for r in outgoing
            if r["p"]["value"] != RDF_TYPE
        )
        parts.append(
            f'<h2>Egenskaber ({len(outgoing)})</h2>\n<table class="liste"><thead><tr><th>Egenskab</th>'
            f"<th>Værdi</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
        )
    if incoming:
        rows = "\n".join(
            f"<tr><td>{_term_html(r['s'], r.get('sl'))}</td><td>{_term_html(r['p'])}</td></tr>" for r in incoming
        )
        parts.append(
            f'<h2>Henvisninger hertil ({len(incoming)})</h2>\n<table class="liste"><thead><tr><th>Knude</th>'
            f"<th>Egenskab</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
        )
    query = f"SELECT ?p ?o WHERE {{\n  <{iri}> ?p ?o\n}}"
    parts.append(
        f'<p class="note"><a href="/?{esc(urllib.parse.urlencode({"query": query}))}">Åbn i forespørgselssiden</a></p>'
    )
    return (HEAD.format(title=f"sundhedsgraf: {esc(title)}", css="") + "\n".join(parts) + "\n" + FOOT).encode("utf-8")


def side_page(title: str, body: str) -> bytes:
    """A forum's, council's or organisation's page, or the minutes with a quote (graph.maps.pages renders the body):
    the site's frame, the pages' own style and the one script that highlights a quote, all from this server."""
    css = '<link rel="stylesheet" href="/sider/sider.css">\n'
    main = f'<div class="side-indhold">\n{body}\n</div>\n<script src="/sider/sider.js"></script>\n'
    return (
        HEAD.format(title=f"sundhedsgraf: {esc(title)}", css=css).replace("<main>", '<main class="side">') + main + FOOT
    ).encode("utf-8")


SIDES = (
    (QUERY_PREFIXES["sg"] + "Sundhedsraad", "sundhedsraad", "Sundhedsrådets side"),
    (QUERY_PREFIXES["sg"] + "Forum", "forum", "Forummets side (Mit forum)"),
    (QUERY_PREFIXES["sg"] + "Organisation", "organisation", "Organisationens side"),
    (QUERY_PREFIXES["sg"] + "Kommune", "organisation", "Kommunens side"),
    (QUERY_PREFIXES["sg"] + "Region", "organisation", "Regionens side"),
    (QUERY_PREFIXES["sg"] + "SourceDocument", "dokument", "Referatets tekst"),
)


def _own_page(iri: str, types: set[str]) -> tuple[str, str] | None:
    """The text page a node has (a forum's, a council's, an organisation's, a document's), as (address, link text)."""
    for kind, route, text in SIDES:
        if kind in types:
            return f"/{route}?" + urllib.parse.urlencode({"iri": iri}), text
    return None


def message_page(title: str, message: str) -> bytes:
    return (
        HEAD.format(title=f"sundhedsgraf: {esc(title)}", css="")
        + f"<h1>{esc(title)}</h1>\n<p>{esc(message)}</p>\n"
        + FOOT
    ).encode("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# The engine's syntax errors, in Danish and pointing at the place

_POSITION = re.compile(r"error at (\d+):(\d+)\s*:?\s*(.*)", re.IGNORECASE | re.DOTALL)
_CHAR_CLASS = re.compile(r"\[[^\]]*\]")


SPARQL_WORDS = sorted(
    set(
        """
SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED AS GROUP BY HAVING ORDER ASC DESC LIMIT
OFFSET VALUES OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND UNDEF EXISTS NOT IN A TRUE FALSE STR LANG
LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS
STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256
SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM
MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR LATERAL TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE ADJUST LANGDIR HASLANG
HASLANGDIR ISLITERAL STRLANGDIR""".split()
    )
)
_NOT_WORDS = re.compile(
    r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s]*>|#.*|[?$]\w+|[\w.-]*:[\w.\-%]*|@[\w-]+|\d[\w.]*'
)


def unknown_word(line: str) -> tuple[str, int] | None:
    """A bare word on the line that is no SPARQL keyword or function (a typo such as LIMT), and where it starts."""
    blanked = _NOT_WORDS.sub(lambda m: " " * len(m.group(0)), line)
    for match in re.finditer(r"[A-Za-z_]\w*", blanked):
        if match.group(0).upper() not in SPARQL_WORDS:
            return match.group(0), match.start()
    return None


_PAIRS = {")": "(", "}": "{", "]": "["}


def bracket_problem(query: str) -> tuple[int, int, str] | None:
    """The first bracket that does not match, as (line, column, Danish hint): an opener never closed, or a closer
    that comes while another bracket is open (strings, IRIs and comments skipped)."""
    stack: list[tuple[str, int, int]] = []
    closer = {v: k for k, v in _PAIRS.items()}
    for number, text in enumerate(query.split("\n"), start=1):
        text = _NOT_WORDS.sub(lambda m: " " * len(m.group(0)), text)
        for column, char in enumerate(text, start=1):
            if char in "({[":
                stack.append((char, number, column))
            elif char in _PAIRS:
                if not stack:
                    return number, column, f"'{char}' lukker intet (der er ingen åben '{_PAIRS[char]}')"
                if stack[-1][0] != _PAIRS[char]:
                    opener, line, col = stack[-1]
                    return (
                        number,
                        column,
                        (
                            f"'{char}' kommer, før '{opener}' fra linje {line}, kolonne {col} er lukket "
                            f"(mangler der en '{closer[opener]}'?)"
                        ),
                    )
                stack.pop()
    if stack:
        char, number, column = stack[-1]
        return number, column, f"'{char}' her lukkes aldrig (mangler der en '{closer[char]}'?)"
    return None


def danish_error(detail: str, query: str | None, line_one_offset: int = 0) -> str:
    """Oxigraph's 'error at L:C: expected one of ...' as a Danish sentence with line, column and, when it helps,
    the line with a mark under the place. `line_one_offset`: characters put before the user's first line."""
    m = _POSITION.search(detail)
    if not m:
        return detail
    line, column, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    if line == 1:
        column = max(1, column - line_one_offset)
    lines = (query or "").split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    before = text[: column - 1]
    at_end = not (text[column - 1 :] + "".join(lines[line:])).strip()
    expected = rest.split("expected", 1)[1] if "expected" in rest else ""
    words = list(
        dict.fromkeys(a or b for a, b in re.findall(r'"([^"]+)"|\b([A-Z][A-Z_]+)\b', _CHAR_CLASS.sub(" ", expected)))
    )
    expecting = "; forventede en af: " + ", ".join(f"'{w}'" for w in words) if 0 < len(words) <= 8 else ""
    if "Prefix not found" in rest:
        name = re.search(r"([A-Za-z][\w.-]*)?:[^\s:]*$", before)
        prefix = (name.group(1) or "") + ":" if name else "præfikset"
        if name:
            column, before = name.start() + 1, before[: name.start()]
        known = ", ".join(f"{p}:" for p in QUERY_PREFIXES)
        hint = f"præfikset {prefix} er ikke erklæret; skriv PREFIX {prefix} <…> øverst (kendte præfikser: {known})"
    elif "unbound" in rest:
        hint = "SELECT nævner en variabel, der hverken står i GROUP BY eller i et aggregat (COUNT, SAMPLE …)"
    elif (unknown := unknown_word(text)) is not None:
        word, start = unknown
        near = difflib.get_close_matches(word.upper(), SPARQL_WORDS, n=1, cutoff=0.7)
        hint = f"ukendt ord '{word}'" + (f" (mente du {near[0]}?)" if near else "")
        column, before = start + 1, text[:start]
    elif (problem := bracket_problem(query or "")) is not None and (at_end or problem[0] >= line):
        line, column, hint = problem
        text = lines[line - 1]
        before = text[: column - 1]
    elif at_end and ("}" in words or ")" in words):
        hint = "forespørgslen slutter for tidligt (mangler der en '}' eller ')'?)"
    elif at_end:
        hint = "forespørgslen slutter for tidligt" + expecting
    else:
        found = text[column - 1 :].split()[0] if text[column - 1 :].split() else ""
        hint = (f"uventet '{found[:30]}'" if found else "uventet tekst") + expecting
    where = f"Syntaksfejl på linje {line}, kolonne {column}: {hint}."
    if text.strip():
        shown = text[:200]
        where += f"\n  {shown}\n  {' ' * min(len(before), 200)}^"
    return where
