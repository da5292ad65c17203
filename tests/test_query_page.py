"""The query page of `serve`: named queries bound by the server as the CLI binds them, downloads, the known prefixes,
Danish errors, node pages, the list of maps, the vendored editor, and the page itself in Debian's headless Chromium
(no request leaves the machine; screenshots of each page are saved)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import graph.serve as serve
from graph.build import build
from graph.cli import main
from graph.pipeline import build_document
from graph.query import QUERIES_DIR
from graph.store import GraphStore
from tests.test_maps import BROWSER_ARGS, CHROMIUM

FIXTURES = Path(__file__).parent / "fixtures"
FORUM = "Sundhedsklynge Lillebælt, fagligt strategisk niveau"
ID = "https://w3id.org/sundhedsgraf/id/"

MISSING = """# title: Uden standard | Without default
# description: Et spørgsmål med en parameter uden standardværdi.
# param: forum (node) -- forummet
SELECT ?navn WHERE { ?forum skos:prefLabel ?navn }
"""


def data_folder(built, root: Path, maps: bool = True) -> Path:
    """A data folder that shares the built database (links) and has maps of its own."""
    folder = root / "data"
    folder.mkdir()
    for name in ("store", "search.sqlite"):
        (folder / name).symlink_to(built.out_dir / name)
    if maps:
        from graph.maps import onboarding_pack

        onboarding_pack(GraphStore.open_read_only(built.out_dir), folder)
        (folder / "maps" / "noter.txt").write_text("<b>ikke html</b>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    queries = root / "queries"
    shutil.copytree(QUERIES_DIR, queries)
    (queries / "uden-standard.rq").write_text(MISSING, encoding="utf-8")
    endpoint = serve.Endpoint(data_folder(built, root), port=0, timeout_s=10, queries_dir=queries)
    endpoint.start_in_thread()
    yield endpoint.url
    endpoint.close()


def get(url: str, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


# --------------------------------------------------------------------------------------------- named queries


def test_a_named_query_downloads_as_the_cli_writes_it(site, built):
    params = {"forum": FORUM, "fra": "2025-01-01"}
    for fmt in ("csv", "tsv"):
        status, headers, body = get(
            f"{site}/named/beslutninger-i-forum?" + urllib.parse.urlencode({**params, "format": fmt})
        )
        assert status == 200, body
        assert headers["Content-Disposition"] == f'attachment; filename="beslutninger-i-forum.{fmt}"'
        assert headers["Content-Type"].startswith("text/csv" if fmt == "csv" else "text/tab-separated-values")
        expected = cli(
            "query",
            "beslutninger-i-forum",
            "-p",
            f"forum={FORUM}",
            "-p",
            "fra=2025-01-01",
            "--format",
            fmt,
            "--data",
            str(built.out_dir),
        )
        assert body == expected and len(body.splitlines()) > 5
    status, headers, body = get(f"{site}/named/beslutninger-i-forum?" + urllib.parse.urlencode(params))
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert "Content-Disposition" not in headers
    cli_json = json.loads(
        cli(
            "query",
            "beslutninger-i-forum",
            "-p",
            f"forum={FORUM}",
            "-p",
            "fra=2025-01-01",
            "--format",
            "json",
            "--data",
            str(built.out_dir),
        )
    )
    assert json.loads(body)["results"]["bindings"] == cli_json["results"]["bindings"]


def test_text_parameters_use_the_index_through_the_backend(site, built):
    status, _, body = get(f"{site}/named/soeg-beslutninger?tekst=klyngemidler&format=csv")
    assert status == 200, body
    assert body == cli(
        "query", "soeg-beslutninger", "-p", "tekst=klyngemidler", "--format", "csv", "--data", str(built.out_dir)
    )
    assert len(body.splitlines()) > 1


def test_an_empty_field_means_the_default_and_an_edited_query_keeps_its_parameters(site):
    _, _, default = get(f"{site}/named/beslutninger-i-forum?forum=&fra=")
    _, _, plain = get(f"{site}/named/beslutninger-i-forum")
    assert json.loads(default) == json.loads(plain)
    edited = (
        open(QUERIES_DIR / "beslutninger-i-forum.rq", encoding="utf-8")
        .read()
        .replace("SELECT DISTINCT", "SELECT DISTINCT ?forum", 1)
    )
    body = urllib.parse.urlencode({"sparql": edited, "forum": FORUM, "format": "json"}).encode()
    status, _, answer = get(f"{site}/named/beslutninger-i-forum", body, "application/x-www-form-urlencoded")
    assert status == 200, answer
    rows = json.loads(answer)["results"]["bindings"]
    assert rows and {row["forum"]["value"] for row in rows} == {ID + "forum/1083/lillebaelt/fagligt-strategisk-niveau"}


def test_named_query_errors_say_what_is_wrong_in_danish(site):
    status, _, body = get(f"{site}/named/beslutninger-i-forum?x=1")
    assert status == 400 and "ukendt parameter x" in body and "forum, fra, til" in body
    status, _, body = get(f"{site}/named/uden-standard")
    assert status == 400 and "mangler parameteren forum" in body
    status, _, body = get(f"{site}/named/beslutninger-i-forum?fra=1.1.2025")
    assert status == 400 and "parameteren fra skal være en dato ÅÅÅÅ-MM-DD" in body
    status, _, body = get(f"{site}/named/beslutninger-i-forum?forum=SSU")
    assert status == 400 and "flertydigt" in body
    assert "Sundhedssamarbejdsudvalget i Region Syddanmark (Region Syddanmark): forum/ssu-1083" in body
    status, _, body = get(f"{site}/named/beslutninger")
    assert status == 404 and "Mente du: beslutninger-i-forum" in body
    status, _, body = get(f"{site}/named/moeder?format=xml")
    assert status == 406
    body = urllib.parse.urlencode({"sparql": "SELECT * WHERE {\n  ?s ?p ?o . SERVICE <http://x/> { } }"}).encode()
    status, _, answer = get(f"{site}/named/moeder", body, "application/x-www-form-urlencoded")
    assert status == 403  # an edited query is checked as any other


# --------------------------------------------------------------------------------------------- own SPARQL


def test_the_page_may_leave_out_the_known_prefixes_and_sparql_stays_plain(site):
    query = "SELECT (COUNT(?k) AS ?n) WHERE {\n  ?k a sg:Kommune ; skos:prefLabel ?navn }"
    status, _, body = get(f"{site}/sparql?prefixes=known&format=json", query.encode(), "application/sparql-query")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "98"
    status, _, body = get(f"{site}/sparql?format=json", query.encode(), "application/sparql-query")
    assert status == 400  # /sparql itself is the SPARQL protocol: no prefixes the query does not declare
    assert "Syntaksfejl på linje 2, kolonne 8: præfikset sg: er ikke erklæret" in body
    assert "  ?k a sg:Kommune ; skos:prefLabel ?navn }\n         ^" in body


@pytest.mark.parametrize(
    "query,message",
    [
        ("SELECT * WHERE {\n  ?s a sg:Kommune } LIMT 2", "linje 2, kolonne 21: ukendt ord 'LIMT' (mente du LIMIT?)"),
        (
            "SELECT * WHERE {\n  ?s a ?o . FILTER(?o = 1 }",
            "linje 2, kolonne 27: '}' kommer, før '(' fra linje 2, kolonne 19",
        ),
        ("SELECT * WHERE {\n  ?s a ?o .\n", "linje 1, kolonne 16: '{' her lukkes aldrig (mangler der en '}'?)"),
        ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", "SELECT nævner en variabel, der hverken står i GROUP BY"),
        ("SELECT * WHERE { ?s nope:x ?o }", "linje 1, kolonne 21: præfikset nope: er ikke erklæret"),
    ],
)
def test_syntax_errors_point_at_line_and_column_in_danish(site, query, message):
    status, _, body = get(f"{site}/sparql?prefixes=known", query.encode(), "application/sparql-query")
    assert status == 400 and body.startswith("Syntaksfejl på ") and message in body


# --------------------------------------------------------------------------------------------- pages and files


def test_the_page_and_its_files_come_from_this_machine(site):
    status, headers, body = get(f"{site}/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    references = re.findall(r'(?:src|href)="([^"]*)"', body)
    assert references and all(ref.startswith(("/", "data:")) for ref in references), references
    assert "<script>" not in body and "style=" not in body  # nothing inline: the policy forbids it
    for name, kind in (
        ("yasqe.min.js", "text/javascript"),
        ("yasqe.min.css", "text/css"),
        ("page.js", "text/javascript"),
        ("page.css", "text/css"),
        ("LICENSES.txt", "text/plain"),
    ):
        status, headers, text = get(f"{site}/static/{name}")
        assert status == 200 and headers["Content-Type"].startswith(kind), name
        assert "sourceMappingURL" not in text and "//cdn" not in text
    for bad in ("../__init__.py", "%2e%2e/__init__.py", "nope.js", "README"):
        assert get(f"{site}/static/{bad}")[0] == 404, bad
    queries = json.loads(get(f"{site}/queries.json")[2])
    named = {q["name"]: q for q in queries}
    assert named["beslutninger-i-forum"]["params"][0] == {
        "name": "forum",
        "type": "node",
        "default": "forum/1083/lillebaelt/fagligt-strategisk-niveau",
        "description": "forummet (navn, id eller IRI)",
    }
    assert named["beslutninger-i-forum"]["sparql"].startswith("# title:")
    terms = json.loads(get(f"{site}/terms.json")[2])
    assert "https://w3id.org/sundhedsgraf/ont#Kommune" in terms["classes"]
    assert "http://www.w3.org/2004/02/skos/core#prefLabel" in terms["properties"]


def test_maps_are_listed(site):
    status, headers, body = get(f"{site}/maps/")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert 'href="/maps/index.html"' in body and "Introduktionspakken" in body and 'href="/maps/noter.txt"' in body
    status, headers, body = get(f"{site}/maps/index.html")
    assert status == 200 and "default-src 'self' 'unsafe-inline'" in headers["Content-Security-Policy"]
    status, headers, _ = get(f"{site}/maps/noter.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")


def test_maps_listing_without_maps(built, tmp_path):
    endpoint = serve.Endpoint(data_folder(built, tmp_path, maps=False), port=0, timeout_s=10)
    endpoint.start_in_thread()
    try:
        status, _, body = get(f"{endpoint.url}/maps/")
        assert status == 200 and "ingen kort i datamappen endnu" in body
        assert get(f"{endpoint.url}/maps")[0] == 200  # redirected to /maps/
    finally:
        endpoint.close()


def test_a_node_page_lists_names_and_triples(site):
    forum = ID + "forum/1083/lillebaelt/fagligt-strategisk-niveau"
    status, headers, body = get(f"{site}/node?" + urllib.parse.urlencode({"iri": forum}))
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<h1>" in body and "Egenskaber" in body and "Henvisninger hertil" in body
    assert "sgid:forum/1083/lillebaelt/fagligt-strategisk-niveau" in body
    assert 'href="/node?iri=https%3A%2F%2Fw3id.org%2Fsundhedsgraf%2Fid%2F' in body
    quote = re.search(
        r'/node\?iri=(https%3A%2F%2Fw3id\.org%2Fsundhedsgraf%2Fid%2Fdoc%2F[^"]*%23char%3D\d+%2C\d+)"', body
    )
    if quote:  # a fact quoted in a document: its page shows the sentence
        _, _, page = get(f"{site}/node?iri={quote.group(1)}")
        assert "Citat" in page
    assert get(f"{site}/node?iri=not%20an%20iri")[0] == 400
    status, _, body = get(f"{site}/node?" + urllib.parse.urlencode({"iri": ID + "intet/her"}))
    assert status == 200 and "Grafen har intet om denne knude" in body


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile-site")
    build([FIXTURES / "hostile_referat.html"], out_dir=out, document_builder=build_document)
    endpoint = serve.Endpoint(out, port=0, timeout_s=10)
    endpoint.start_in_thread()
    yield endpoint.url
    endpoint.close()


HOSTILE = (
    'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "__pwned") && '
    "STRLEN(STR(?o)) < 500) } ORDER BY ?s"
)


def test_hostile_text_on_a_node_page_is_text(hostile_site):
    status, _, body = get(
        f"{hostile_site}/sparql?prefixes=known&format=json", HOSTILE.encode(), "application/sparql-query"
    )
    rows = json.loads(body)["results"]["bindings"]
    assert rows
    for row in rows[:5]:
        _, _, page = get(f"{hostile_site}/node?" + urllib.parse.urlencode({"iri": row["s"]["value"]}))
        assert "pwned" in page and "<script>window" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window" in page or "&lt;img src=x" in page


# --------------------------------------------------------------------------------------------- in a real browser

browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (CI installs it)",
)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser test saves a screenshot of each page ($SUNDHEDSGRAF_SCREENSHOTS to choose)."""
    folder = (
        Path(os.environ["SUNDHEDSGRAF_SCREENSHOTS"])
        if os.environ.get("SUNDHEDSGRAF_SCREENSHOTS")
        else tmp_path_factory.mktemp("screenshots")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Browser:
    """One headless Chromium page that records every request, console error, page error and dialog."""

    def __init__(self, playwright, base: str):
        self.base = base
        self.chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        self.context = self.chromium.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        return page

    def elsewhere(self) -> list[str]:
        return [url for url in self.requests if not url.startswith((self.base + "/", "blob:" + self.base, "data:"))]

    def close(self):
        self.chromium.close()


def rows_shown(page) -> int:
    return page.locator("table.resultater tbody tr").count()


@pytest.mark.browser
@browser
def test_the_query_page_runs_a_named_query_from_its_form_and_downloads_csv(site, built, screenshots):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = Browser(p, site)
        page = b.page
        page.goto(site + "/")
        page.wait_for_function("() => window.sgReady === true", timeout=20_000)
        assert page.locator(".CodeMirror").count() == 1  # the vendored editor is there
        page.screenshot(path=str(screenshots / "1-forespoergselsside.png"))

        # a named query: its form is built from the # param: lines; Ctrl+Enter in a field runs it
        page.select_option("#named", "beslutninger-i-forum")
        assert page.input_value("#p-forum") == "forum/1083/lillebaelt/fagligt-strategisk-niveau"
        assert page.get_attribute("#p-fra", "type") == "date" and page.input_value("#p-til") == "2100-12-31"
        assert "# param: forum (node)" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
        page.fill("#p-forum", FORUM)
        page.fill("#p-fra", "2025-01-01")
        page.press("#p-forum", "Control+Enter")
        page.wait_for_selector("table.resultater")
        expected = list(
            csv.reader(
                io.StringIO(
                    cli(
                        "query",
                        "beslutninger-i-forum",
                        "-p",
                        f"forum={FORUM}",
                        "-p",
                        "fra=2025-01-01",
                        "--format",
                        "csv",
                        "--data",
                        str(built.out_dir),
                    )
                )
            )
        )
        assert rows_shown(page) == min(50, len(expected) - 1) > 5
        assert "forum=" in page.url and "q=beslutninger-i-forum" in page.url and "fra=2025-01-01" in page.url

        # sorting by a column, both ways
        header = page.locator("table.resultater th button", has_text="titel")
        header.click()
        header = page.locator("table.resultater th button", has_text="titel")
        header.click()
        assert page.get_attribute("table.resultater th:nth-child(3)", "aria-sort") == "descending"
        titles = page.locator("table.resultater tbody tr td:nth-child(3)").all_inner_texts()
        assert titles == sorted(titles, key=str.lower, reverse=True) or titles[0] >= titles[-1]
        assert "sort=-titel" in page.url
        page.screenshot(path=str(screenshots / "2-navngivet-spoergsmaal.png"))

        # the CSV download is the CLI's CSV
        with page.expect_download() as download:
            page.click(".hent button[data-format=csv]")
        assert download.value.suggested_filename == "beslutninger-i-forum.csv"
        assert list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))) == expected

        # the URL reproduces the page: form, results and sorting
        shared = page.url
        other = b.new_page()
        other.goto(shared)
        other.wait_for_selector("table.resultater")
        assert other.input_value("#p-forum") == FORUM and other.input_value("#p-fra") == "2025-01-01"
        assert rows_shown(other) == rows_shown(page)
        assert other.get_attribute("table.resultater th:nth-child(3)", "aria-sort") == "descending"
        other.close()

        # own SPARQL without PREFIX for sg: and skos:, paged 50 rows at a time, IRIs short and linked
        page.select_option("#named", "")
        page.click(".CodeMirror")
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.evaluate(
            "document.querySelector('.CodeMirror').CodeMirror.setValue("
            "'SELECT ?kommune ?navn WHERE {\\n  ?kommune a sg:Kommune ; skos:prefLabel ?navn\\n}')"
        )
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("text=Række 1–50 af 98")
        assert rows_shown(page) == 50
        page.click("text=Næste ›")
        page.wait_for_selector("text=Række 51–98 af 98")
        assert rows_shown(page) == 48 and "side=2" in page.url
        link = page.locator("table.resultater tbody a").first
        assert link.inner_text().startswith("sgid:kommune/")
        page.screenshot(path=str(screenshots / "3-egen-sparql.png"))

        # a syntax error names line and column, in Danish
        page.evaluate(
            "document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT * WHERE {\\n  ?s a sg:Kommune } LIMT 2')"
        )
        page.click("#koer")
        page.wait_for_selector("#fejl:not([hidden])")
        assert "linje 2, kolonne 21: ukendt ord 'LIMT' (mente du LIMIT?)" in page.inner_text("#fejl")
        page.screenshot(path=str(screenshots / "4-syntaksfejl.png"))

        # a node's page, from a link in the results
        page.goto(
            site
            + "/?"
            + urllib.parse.urlencode({"query": "SELECT ?forum WHERE { ?forum a sg:Forum } ORDER BY ?forum LIMIT 3"})
        )
        page.wait_for_selector("table.resultater tbody a")
        page.locator("table.resultater tbody a").first.click()
        page.wait_for_selector("h2:has-text('Egenskaber')")
        assert "/node?iri=" in page.url
        page.screenshot(path=str(screenshots / "5-knude.png"), full_page=True)

        # the list of maps, and a map served from it
        page.goto(site + "/maps/")
        page.screenshot(path=str(screenshots / "6-kort-liste.png"))
        page.click("a[href='/maps/index.html']")
        page.wait_for_function("() => window.mapReady === true", timeout=20_000)
        page.screenshot(path=str(screenshots / "7-kort.png"))
        b.close()

    assert b.elsewhere() == [], b.elsewhere()
    assert not [e for e in b.errors if "Content Security Policy" in e or "Refused" in e], b.errors
    assert [e for e in b.errors if "status of 400" not in e] == [], b.errors  # the syntax error's 400 is expected
    assert b.dialogs == []
    for name in (
        "1-forespoergselsside",
        "2-navngivet-spoergsmaal",
        "3-egen-sparql",
        "4-syntaksfejl",
        "5-knude",
        "6-kort-liste",
        "7-kort",
    ):
        assert (screenshots / f"{name}.png").stat().st_size > 10_000, name


@pytest.mark.browser
@browser
def test_hostile_text_in_results_and_node_pages_executes_nothing(hostile_site, screenshots):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = Browser(p, hostile_site)
        page = b.page
        page.goto(hostile_site + "/?" + urllib.parse.urlencode({"query": HOSTILE}))
        page.wait_for_selector("table.resultater tbody tr")
        assert "<script>window.__pwned" in page.inner_text("table.resultater") or "onerror" in page.inner_text(
            "table.resultater"
        )
        page.hover("table.resultater tbody tr td:nth-child(2)")
        page.screenshot(path=str(screenshots / "8-fjendtlig-tekst.png"), full_page=True)
        page.locator("table.resultater tbody a").first.click()
        page.wait_for_selector("h1")
        pwned = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
        b.close()
    assert pwned is None and b.dialogs == [] and b.elsewhere() == []
