"""Issue 16: a page per forum ('Mit forum'), per sundhedsråd and per organisation, text first, in the onboarding pack
(static files opened from disk) and served by `serve`; every fact links to 'vis i referatet', the minutes' text with
the quoted span highlighted and scrolled to. The browser tests save a screenshot of each page they open
($SUNDHEDSGRAF_SCREENSHOTS, or a temporary folder) and the draw times they measured (maal-sider.json)."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import graph.serve as serve
from graph.build import build
from graph.maps import onboarding_pack, pages as side
from graph.pipeline import build_document
from graph.store import GraphStore, quotes
from tests.test_maps import BROWSER_ARGS, CHROMIUM, browser

FIXTURES = Path(__file__).parent / "fixtures"
ID = "https://w3id.org/sundhedsgraf/id/"
LILLEBAELT = ID + "forum/1083/lillebaelt/fagligt-strategisk-niveau"
COUNCIL = ID + "sundhedsraad/1083/lillebaelt"
MIDDELFART = ID + "kommune/0410"
DOC = ID + "doc/002-818f88c87e4c8c19-txt"
ABSENT = {"Sofie Plenge", "Else Zippor", "Anette Lund", "Irene Rossavik"}


@pytest.fixture(scope="module")
def store(built):
    return GraphStore.open_read_only(built.out_dir)


@pytest.fixture(scope="module")
def pack(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    return onboarding_pack(GraphStore.open_read_only(built.out_dir), out).parent


@pytest.fixture(scope="module")
def site(built, pack, tmp_path_factory):
    """`serve` over the sample database, with the pack as its maps."""
    folder = tmp_path_factory.mktemp("site") / "data"
    folder.mkdir()
    for name in ("store", "search.sqlite"):
        (folder / name).symlink_to(built.out_dir / name)
    (folder / "maps").symlink_to(pack)
    endpoint = serve.Endpoint(folder, port=0, timeout_s=10)
    endpoint.start_in_thread()
    yield endpoint.url
    endpoint.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    build([FIXTURES / "hostile_referat.html"], out_dir=out, document_builder=build_document)
    return out


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


# --------------------------------------------------------------------------- the data


def test_the_lillebaelt_forum_page_has_what_a_new_member_needs(store):
    page = side.forum_data(store, [LILLEBAELT])[LILLEBAELT]
    # where it sits: region -> cluster -> level -> reports to
    assert page["regionLabel"] == "Region Syddanmark" and page["level"] == "fagligt-strategisk-niveau"
    assert [(rel, label) for rel, _, label, _ in page["ancestors"]][:2] == [
        ("partOf", "Sundhedsklynge Lillebælt"),
        ("reportsTo", "Sundhedsklynge Lillebælt, politisk niveau"),
    ]
    # members with their attendance: those who sent apologies are not those who came
    members = {m["name"]: m for m in page["members"]}
    assert len(members) == 14 and {n for n, m in members.items() if not any(m["at"].values())} == ABSENT
    assert members["Rasmus Knudsen"]["role"] == "PLO-repræsentant"
    # the latest meeting item by item: agenda item -> recommendation -> decision, with outcome and date
    meeting = page["meetings"][0]
    assert meeting["date"] == "2025-02-26" and len(meeting["items"]) >= 15
    item = next(i for i in meeting["items"] if i["title"].startswith("Implementering af samarbejdsaftale for gravide"))
    assert len(item["recommendations"]) == 3 and all(r["decisions"] for r in item["recommendations"])
    assert {d["outcome"] for r in item["recommendations"] for d in r["decisions"]} >= {"approved"}
    assert page["next"][0]["date"] == "2025-05-15"  # the next meeting, as the minutes name it
    assert [w["title"] for w in page["waitingSent"]] == ["Punkter til næste møde i Politisk Niveau d. 4. april 2025"]
    assert sorted(int(a["dkk"]) for a in page["allocations"]) == [8576, 42881]
    assert {t["toLabel"] for t in page["transitions"]} == {
        "Sundhedsråd Lillebælt",
        "Sundhedsråd Sydvestjylland",
        "Sundhedsråd Fyn",
    }


def test_the_forum_page_links_every_fact_to_its_quote(store, pack):
    html = (pack / "forum" / "1083-lillebaelt-fagligt-strategisk-niveau.html").read_text(encoding="utf-8")
    assert "Mit forum" in html and "Hvad sker der 2027-01-01?" in html and "Sundhedsråd Sydvestjylland" in html
    assert html.count('class="tal afbud"') == 4 and "ikke oplyst" in html
    assert "Implementering af samarbejdsaftale for gravide" in html and "torsdag 15. maj 2025" in html
    shown = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)>.*?</\1>", "", html, flags=re.S))
    for code in ("fagligt-strategisk-niveau", " V ", "approved", "noted"):
        assert code not in shown  # words, not the graph's codes
    links = re.findall(
        r'<a class="kilde" href="\.\./referat/([^"#]+)\.html#char=(\d+),(\d+)">vis i referatet</a>', html
    )
    assert len(links) > 40 and {name for name, _, _ in links} == {"002-818f88c87e4c8c19-txt"}
    text = side.document_data(store, [DOC])[DOC]["text"]
    decision = ID + "decision/002-818f88c87e4c8c19-txt/4/1"
    quote = quotes(store, [decision])[decision]
    assert ("002-818f88c87e4c8c19-txt", str(quote.start), str(quote.end)) in links
    assert text[quote.start : quote.end] == quote.text and quote.text.startswith("Psykiatrien orienterede")
    referat = (pack / "referat" / "002-818f88c87e4c8c19-txt.html").read_text(encoding="utf-8")
    assert f'data-length="{len(text)}"' in referat and "Klyngemidler; status" in referat


def test_council_and_organisation_pages(store, pack):
    council = side.council_data(store, [COUNCIL])[COUNCIL]
    assert len(council["seats"]) == 13 and council["seats"][0]["role"] == "Formand"
    assert {k["label"]: k["reading"] for k in council["kommuner"]} == {
        "Fredericia": None,
        "Kolding": None,
        "Vejle": None,
        "Billund": "kommunelister",
        "Middelfart": "medlemslister",
    }
    assert "Sundhedsklynge Lillebælt" in {t["fromLabel"] for t in council["takesOver"]}
    html = (pack / "sundhedsraad" / "1083-lillebaelt.html").read_text(encoding="utf-8")
    assert "Medlemmer ifølge registret (13)" in html and "omstridt: ifølge medlemslister" in html
    kommune = side.organisation_data(store, [MIDDELFART])[MIDDELFART]
    assert {c["label"]: c["reading"] for c in kommune["councils"]} == {
        "Sundhedsråd Fyn": "kommunelister",
        "Sundhedsråd Lillebælt": "medlemslister",
    }
    html = (pack / "organisation" / "kommune-0410.html").read_text(encoding="utf-8")
    assert "Ingen læsning er valgt i stilhed" in html and "Sundhedsklynge Lillebælt" in html
    region = (pack / "organisation" / "region-1084.html").read_text(encoding="utf-8")
    assert "Region Østdanmark" in region


def test_the_pack_lists_its_pages_and_leaves_no_stale_ones(built, tmp_path):
    store = GraphStore.open_read_only(built.out_dir)
    onboarding_pack(store, tmp_path)
    maps = tmp_path / "maps"
    stale = maps / "forum" / "nedlagt-forum.html"
    stale.write_text("gammel", encoding="utf-8")
    onboarding_pack(store, tmp_path)
    assert not stale.exists() and not list(maps.glob(".sider-*"))
    listing = (maps / "sider.html").read_text(encoding="utf-8")
    assert (
        "Region Syddanmark: fora" in listing
        and 'href="forum/1083-lillebaelt-fagligt-strategisk-niveau.html"' in listing
    )
    assert "SSU" in (maps / "ordliste.html").read_text(encoding="utf-8")
    assert (
        json.loads((maps / "kort.json").read_text(encoding="utf-8"))["views"][LILLEBAELT]
        == "forum-forum/1083/lillebaelt/fagligt-strategisk-niveau"
    )


def test_hostile_minutes_are_text_on_the_pages(hostile, tmp_path):
    store = GraphStore.open_read_only(hostile)
    onboarding_pack(store, tmp_path)
    pages = list((tmp_path / "maps").rglob("*.html"))
    written = "\n".join(p.read_text(encoding="utf-8") for p in pages if p.name != "index.html")
    assert "&lt;script&gt;window.__pwned" in written and "&lt;img src=x onerror" in written
    assert "<script>window.__pwned" not in written and "<img src=x" not in written
    assert 'href="javascript:' not in written


# --------------------------------------------------------------------------- served


def test_serve_renders_the_pages(site):
    for route, iri, expected in (
        ("forum", LILLEBAELT, "Mit forum"),
        ("sundhedsraad", COUNCIL, "Hvad sker der 2027-01-01?"),
        ("organisation", MIDDELFART, "Sundhedsråd Fyn"),
        ("dokument", DOC, 'id="referat"'),
    ):
        status, headers, body = get(f"{site}/{route}?" + urllib.parse.urlencode({"iri": iri}))
        assert status == 200 and expected in body, route
        csp = headers["Content-Security-Policy"]
        assert (
            "default-src 'none'" in csp
            and "unsafe-inline" not in csp
            and "<style" not in body
            and "<script>" not in body
        )
    _, _, body = get(f"{site}/forum?" + urllib.parse.urlencode({"iri": LILLEBAELT}))
    assert "/dokument?iri=https%3A%2F%2Fw3id.org%2Fsundhedsgraf%2Fid%2Fdoc%2F002-818f88c87e4c8c19-txt#char=" in body
    assert 'href="/maps/index.html#forum-forum/1083/lillebaelt/fagligt-strategisk-niveau"' in body
    assert (
        'href="/sundhedsraad?iri=https%3A%2F%2Fw3id.org%2Fsundhedsgraf%2Fid%2Fsundhedsraad%2F1083%2Flillebaelt"' in body
    )
    # the route is a hint: a council asked for as a forum gets the council's page
    assert "Medlemmer ifølge registret" in get(f"{site}/forum?" + urllib.parse.urlencode({"iri": COUNCIL}))[2]
    assert get(f"{site}/forum?iri=ikke%20en%20iri")[0] == 400 and get(f"{site}/forum")[0] == 400
    assert get(f"{site}/forum?" + urllib.parse.urlencode({"iri": ID + "intet/her"}))[0] == 404
    assert get(f"{site}/forum?" + urllib.parse.urlencode({"iri": ID + "x> } SERVICE <http://x/"}))[0] == 400
    for name, kind in (("sider.css", "text/css"), ("sider.js", "text/javascript")):
        status, headers, _ = get(f"{site}/sider/{name}")
        assert status == 200 and headers["Content-Type"].startswith(kind)
    assert get(f"{site}/sider/../__init__.py")[0] == 404 and get(f"{site}/sider/x.js")[0] == 404
    status, _, body = get(f"{site}/ordliste")
    assert status == 200 and "Fagligt strategisk niveau" in body
    _, _, node = get(f"{site}/node?" + urllib.parse.urlencode({"iri": LILLEBAELT}))
    assert (
        'href="/forum?iri=https%3A%2F%2Fw3id.org%2Fsundhedsgraf%2Fid%2Fforum%2F1083%2Flillebaelt%2Ffagligt-strategisk-niveau"'
        in node
    )
    _, _, listing = get(f"{site}/maps/")
    assert 'href="/maps/sider.html"' in listing and "Mit forum" in listing


# --------------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = (
        Path(os.environ["SUNDHEDSGRAF_SCREENSHOTS"])
        if os.environ.get("SUNDHEDSGRAF_SCREENSHOTS")
        else tmp_path_factory.mktemp("screenshots")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _walk_to_the_quote(page, start: str, store, shots: Path, prefix: str) -> dict:
    """Open a forum page, check it, follow the first decision's 'vis i referatet' and check the highlighted quote."""
    started = time.perf_counter()
    page.goto(start)
    page.wait_for_function("() => window.pageReady === true", timeout=20_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    drawn = time.perf_counter() - started
    page.screenshot(path=str(shots / f"{prefix}forum.png"))
    members = page.locator("#medlemmer tbody tr")
    assert members.count() == 14 and page.locator("#medlemmer td.afbud").count() == 4
    last = page.locator("section.moede").first
    assert "onsdag 26. februar 2025" in last.locator("h3").inner_text()
    titles = last.locator(".punkt b").all_inner_texts()
    assert any(t.startswith("3. Implementering af samarbejdsaftale for gravide") for t in titles)
    decision = last.locator(".beslutning").filter(has=page.locator("a.kilde")).first
    assert decision.locator(".udfald").inner_text() and "26. februar 2025" in decision.locator(".dato").inner_text()
    href = decision.locator("a.kilde").get_attribute("href")
    assert "referat/002-818f88c87e4c8c19-txt.html#char=" in href or "dokument?iri=" in href
    a, b = map(int, re.search(r"#char=(\d+),(\d+)$", href).groups())
    decision.locator("a.kilde").click()
    page.wait_for_selector("mark#citat")
    expected = side.document_data(store, [DOC])[DOC]["text"][a:b]
    mark = page.locator("mark#citat")
    assert mark.inner_text().strip() == expected.strip() and expected.strip()
    box = mark.bounding_box()
    assert box["y"] >= 0 and box["y"] < 900 and "markeret" in page.inner_text("#citat-info")
    page.screenshot(path=str(shots / f"{prefix}referat.png"))
    return {"drawn_s": drawn}


@pytest.mark.browser
@browser
def test_the_forum_page_and_its_quotes_in_the_browser(pack, site, store, hostile, tmp_path, screenshots):
    """The Lillebælt forum's page from the pack (opened from disk) and from `serve`: members, the last meeting's
    decisions with their agenda items, and 'vis i referatet' landing on the highlighted quote; nothing leaves the
    machine and the minutes' text runs nothing."""
    from playwright.sync_api import sync_playwright

    onboarding_pack(GraphStore.open_read_only(hostile), tmp_path)
    measured = {}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = chromium.new_context(viewport={"width": 1400, "height": 900})
        requests, errors, dialogs = [], [], []
        context.on("request", lambda r: requests.append(r.url))
        context.on(
            "page",
            lambda pg: (
                pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None),
                pg.on("pageerror", lambda e: errors.append(str(e))),
                pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())),
            ),
        )
        page = context.new_page()
        static = (pack / "forum" / "1083-lillebaelt-fagligt-strategisk-niveau.html").as_uri()
        measured["pakke"] = _walk_to_the_quote(page, static, store, screenshots, "side-")
        served = f"{site}/forum?" + urllib.parse.urlencode({"iri": LILLEBAELT})
        measured["serve"] = _walk_to_the_quote(page, served, store, screenshots, "serve-")
        for name, url in (
            ("sundhedsraad", (pack / "sundhedsraad" / "1083-lillebaelt.html").as_uri()),
            ("organisation", f"{site}/organisation?" + urllib.parse.urlencode({"iri": MIDDELFART})),
        ):
            page.goto(url)
            page.wait_for_function("() => window.pageReady === true", timeout=20_000)
            page.screenshot(path=str(screenshots / f"side-{name}.png"), full_page=True)
        hostile_pages = [
            tmp_path / "maps" / "forum" / "1083-lillebaelt-politisk-niveau.html",
            *sorted((tmp_path / "maps" / "referat").glob("*.html")),
        ]
        assert len(hostile_pages) == 2 and hostile_pages[0].exists()
        for hostile_page in hostile_pages:  # the minutes with <script>, <img onerror> and a javascript: link
            page.goto(hostile_page.as_uri() + "#char=0,400")
            page.wait_for_function("() => window.pageReady === true", timeout=20_000)
            for link in page.locator("main a").all()[:40]:
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith(("javascript:", "data:")), href
            assert page.evaluate("window.__pwned === undefined ? null : window.__pwned") is None
        chromium.close()
    (screenshots / "maal-sider.json").write_text(json.dumps(measured, indent=2), encoding="utf-8")
    outside = [r for r in requests if not r.startswith(("file://", site + "/", "data:", "about:"))]
    assert outside == [] and errors == [] and dialogs == []
    for name in (
        "side-forum",
        "side-referat",
        "serve-forum",
        "serve-referat",
        "side-sundhedsraad",
        "side-organisation",
    ):
        assert (screenshots / f"{name}.png").stat().st_size > 10_000, name
