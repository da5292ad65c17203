"""Maps: built from the graph, offline, safe, and tested in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.build import build
from graph.cli import main
from graph.maps import load_graph, make_map, structure, write_html
from graph.pipeline import build_document
from graph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    build([FIXTURES / "hostile_referat.html"], out_dir=out, document_builder=build_document)
    return out


def test_structure_before_and_after_the_reform(built):
    g = load_graph(GraphStore.open_read_only(built.out_dir))
    now = {d["label"] for _, d in structure(g, "2026-06-01").nodes(data=True)}
    later = {d["label"] for _, d in structure(g, "2027-06-01").nodes(data=True)}
    assert "Sundhedsklynge Lillebælt" in now and "Region Hovedstaden" in now and "Region Østdanmark" not in now
    assert "Region Østdanmark" in later and "Region Hovedstaden" not in later
    assert not any(label.startswith("Sundhedsklynge") for label in later)
    assert "København" in later  # the kommuner now belong to Region Østdanmark


def test_maps_are_self_contained(built):
    store = GraphStore.open_read_only(built.out_dir)
    for kind, focus in (("structure", None), ("forum", "Direktørforum"), ("decisions", None), ("organisation", "Kolding Kommune")):
        _, html = make_map(store, kind, focus)
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html), kind
        assert "cdnjs" not in html and "bootstrap" not in html.lower()
        assert len(re.findall(r"^<script", html, re.M)) == 3  # data, vis-network, our code: nothing else


def test_hostile_text_is_data_not_markup(hostile):
    _, html = make_map(GraphStore.open_read_only(hostile), "decisions")
    data = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data and "\\u003cscript\\u003e" in data or "\\u003cimg" in data
    assert "onerror=" not in html.split('<script id="map-data"')[0]


def test_map_and_path_commands(built, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["map", "forum", "--focus", "Direktørforum", "--out", str(tmp_path / "f.html"), "--data", str(built.out_dir)])
    assert result.exit_code == 0, result.output and (tmp_path / "f.html").stat().st_size > 100_000
    result = runner.invoke(main, ["map", "forum", "--data", str(built.out_dir)])
    assert result.exit_code == 2 and "--focus" in result.output
    result = runner.invoke(main, ["map", "structure", "--at", "2027", "--data", str(built.out_dir)])
    assert result.exit_code == 2 and "ÅÅÅÅ-MM-DD" in result.output
    result = runner.invoke(main, ["path", "Implementeringsgruppen for forebyggelse og forløbsprogrammer", "Region Midtjylland",
                                  "--data", str(built.out_dir)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].strip().startswith("→ Region Midtjylland")


def test_build_writes_the_onboarding_pack(tmp_path):
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0
    index = (tmp_path / "maps" / "index.html").read_text(encoding="utf-8")
    assert "Sundhedssamarbejdet på kort" in index and "forum-forum/1083/lillebaelt/fagligt-strategisk-niveau" in index


# --------------------------------------------------------------------------- in a real browser

def _browser_available() -> bool:
    return Path(CHROMIUM).exists()


browser = pytest.mark.skipif(not _browser_available() and not os.environ.get("CI"),
                             reason="Debian's chromium is not installed (CI installs it)")


def open_map(path: Path, fragment: str = "", screenshot: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        errors, requests, dialogs = [], [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri() + fragment)
        page.wait_for_function("window.mapReady === true", timeout=20_000)
        state = page.evaluate("""() => ({
            canvas: !!document.querySelector('#mynetwork canvas'),
            nodes: network.body.data.nodes.length, edges: network.body.data.edges.length,
            expectedNodes: JSON.parse(document.getElementById('map-data').textContent).views[
                (location.hash.slice(1) && decodeURIComponent(location.hash.slice(1))) ||
                JSON.parse(document.getElementById('map-data').textContent).start].nodes.length,
            titlesAreElements: network.body.data.nodes.get().every(n => n.title instanceof HTMLElement),
        })""")
        # hover over every node so each tooltip is built and shown
        for node_id in page.evaluate("network.body.data.nodes.getIds()"):
            point = page.evaluate("(id) => network.canvasToDOM(network.getPosition(id))", node_id)
            box = page.locator("#mynetwork").bounding_box()
            page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
            page.wait_for_timeout(20)
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        state["pwned"] = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
        state["facts"] = page.locator("#facts").inner_text()
        if screenshot:
            page.screenshot(path=str(screenshot))
        chromium.close()
    state.update(errors=errors, dialogs=dialogs, requests=[r for r in requests if not r.startswith("file://")])
    return state


@pytest.mark.browser
@browser
@pytest.mark.parametrize("kind,focus", [("structure", None), ("forum", "Direktørforum"), ("decisions", None)])
def test_map_draws_offline_without_errors(built, tmp_path, kind, focus):
    _, html = make_map(GraphStore.open_read_only(built.out_dir), kind, focus)
    path = write_html(tmp_path / f"{kind}.html", html)
    state = open_map(path, screenshot=tmp_path / f"{kind}.png")
    assert state["canvas"] and state["nodes"] == state["expectedNodes"] > 10
    assert state["edges"] > 10 and state["titlesAreElements"]
    assert state["errors"] == [] and state["requests"] == [] and state["dialogs"] == []
    assert (tmp_path / f"{kind}.png").stat().st_size > 10_000


@pytest.mark.browser
@browser
def test_hostile_minutes_execute_nothing(hostile, tmp_path):
    for kind, focus in (("decisions", None), ("forum", "Sundhedsklynge Lillebælt, politisk niveau")):
        _, html = make_map(GraphStore.open_read_only(hostile), kind, focus)
        state = open_map(write_html(tmp_path / f"{kind}.html", html), screenshot=tmp_path / f"hostile-{kind}.png")
        assert state["pwned"] is None and state["dialogs"] == [] and state["errors"] == []
        assert state["requests"] == []  # <img src=x> was never loaded


@pytest.mark.browser
@browser
def test_onboarding_pack_views(built, tmp_path):
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    state = open_map(tmp_path / "out" / "maps" / "index.html", "#forum-forum/1083/lillebaelt/fagligt-strategisk-niveau")
    assert state["nodes"] == state["expectedNodes"] > 20 and state["errors"] == [] and state["requests"] == []


@pytest.mark.browser
@browser
def test_the_pack_ignores_fragments_that_are_no_view(built, tmp_path):
    from playwright.sync_api import sync_playwright

    from graph.maps import onboarding_pack

    index = onboarding_pack(GraphStore.open_read_only(built.out_dir), tmp_path)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = chromium.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for fragment in ("#__proto__", "#%", "#constructor", "#%E0%A4%A", "#toString"):
            page.goto(index.as_uri() + fragment)
            page.wait_for_function("window.mapReady === true", timeout=20_000)
            drawn = page.evaluate("network.body.data.nodes.length")
            start = page.evaluate("JSON.parse(document.getElementById('map-data').textContent).start")
            assert page.evaluate("document.getElementById('view').value") == start, fragment
            assert drawn > 10, fragment
        chromium.close()
    assert errors == []
