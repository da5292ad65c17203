"""Maps: built from the graph, offline, safe, readable, and tested in a real headless Chromium.

The browser tests share one Chromium per module and save a screenshot of each map they open (in
$SUNDHEDSGRAF_SCREENSHOTS, or a temporary folder), with the label sizes and draw times they measured
(maal-kort.json)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.build import build
from graph.cli import main
from graph.maps import (
    COMPACT_STYLES,
    TARGET,
    _box,
    dated_structure,
    load_graph,
    make_map,
    onboarding_pack,
    structure,
    write_html,
)
from graph.pipeline import build_document
from graph.store import GraphStore
from graph.vocab import SG

FIXTURES = Path(__file__).parent / "fixtures"
SKOS_NS, XSD_DATE = "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/2001/XMLSchema#date"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ID = "https://w3id.org/sundhedsgraf/id/"
LILLEBAELT = ID + "forum/1083/lillebaelt/fagligt-strategisk-niveau"
READABLE_PX = 11


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    build([FIXTURES / "hostile_referat.html"], out_dir=out, document_builder=build_document)
    return out


@pytest.fixture(scope="module")
def pack(built, tmp_path_factory) -> Path:
    """The onboarding pack of the sample corpus (maps/index.html and the pages beside it)."""
    out = tmp_path_factory.mktemp("pack")
    return onboarding_pack(GraphStore.open_read_only(built.out_dir), out)


@pytest.fixture(scope="module")
def graph(built):
    return load_graph(GraphStore.open_read_only(built.out_dir))


def test_structure_before_and_after_the_reform(graph):
    now = {d["label"] for _, d in structure(graph, "2026-06-01").nodes(data=True)}
    later = {d["label"] for _, d in structure(graph, "2027-06-01").nodes(data=True)}
    assert "Sundhedsklynge Lillebælt" in now and "Region Hovedstaden" in now and "Region Østdanmark" not in now
    assert "Region Østdanmark" in later and "Region Hovedstaden" not in later
    assert not any(label.startswith("Sundhedsklynge") for label in later)
    assert "København" in later  # the kommuner now belong to Region Østdanmark


def test_decisions_say_their_agenda_item_and_date_and_codes_are_words(graph):
    decisions = [
        d
        for n, d in graph.nodes(data=True)
        if d["type"] == "decision" and LILLEBAELT in {o for _, o in graph.out_edges(n)}
    ]
    assert len(decisions) >= 15
    labels = [d["label"] for d in decisions]
    assert not any(re.fullmatch(r"\w+: \w+\.?", label) for label in labels), labels  # never 'Godkendt: Godkendt.'
    assert any(
        label.startswith("Implementering af samarbejdsaftale for gravide") and label.endswith("(26. februar 2025)")
        for label in labels
    )
    assert all(any(key == "Punkt" for key, _ in d["facts"]) for d in decisions)
    # a person's role is said once per forum, never twice
    for n, d in graph.nodes(data=True):
        if d["type"] == "person":
            keys = [key for key, _ in d["facts"]]
            assert len(keys) == len(set(keys)), (n, d["facts"])
    # the page's words, not the graph's codes
    facts = [f for _, d in graph.nodes(data=True) for f in d["facts"]]
    assert not any(
        "centralitet" in value or re.search(r"\b(sikkerhed|Sikkerhed):? [VPU]\b", value) for _, value in facts
    )
    assert not any(value in ("fagligt-strategisk-niveau", "politisk-niveau", "approved", "noted") for _, value in facts)


def test_the_structure_opens_as_a_tree_that_fits_and_does_not_overlap(graph):
    _, periods = dated_structure(graph)
    for period in periods:
        if not period["compact"]:
            continue
        pos = period["compact"]
        boxes = []
        for n, (x, y, limit) in pos.items():
            kind = graph.nodes[n]["type"]
            w, h, _ = _box(graph.nodes[n]["label"], kind if kind in COMPACT_STYLES else "klynge", limit)
            boxes.append((n, x - w / 2, x + w / 2, y - h / 2, y + h / 2))
        clashes = [
            (a[0], b[0])
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if a[1] < b[2] - 1 and b[1] < a[2] - 1 and a[3] < b[4] - 1 and b[3] < a[4] - 1
        ]
        assert clashes == [], (period["from"], clashes[:5])
        width = max(b[2] for b in boxes) - min(b[1] for b in boxes)
        height = max(b[4] for b in boxes) - min(b[3] for b in boxes)
        # at the scale the window allows, a 13 px label is still at least 11 px
        assert 13 * min(TARGET[0] / width, TARGET[1] / height, 1.0) >= READABLE_PX, (period["from"], width, height)
    june = next(p for p in periods if (p["from"] or "") <= "2026-06-01" <= (p["to"] or "9999"))
    kinds = {n: graph.nodes[n]["type"] for n in june["compact"]}
    assert (
        sum(1 for k in kinds.values() if k == "kommune") == 98 and sum(1 for k in kinds.values() if k == "klynge") == 22
    )
    for n, kind in kinds.items():  # each kommune sits in the column under its cluster
        if kind == "kommune":
            heads = [
                s
                for s, _, e in graph.in_edges(n, data=True)
                if graph.nodes[s]["type"] == "klynge" and s in june["compact"]
            ]
            assert any(
                abs(june["compact"][h][0] - june["compact"][n][0]) < 100
                and june["compact"][h][1] < june["compact"][n][1]
                for h in heads
            ), graph.nodes[n]["label"]


def test_maps_are_self_contained(built):
    store = GraphStore.open_read_only(built.out_dir)
    for kind, focus in (
        ("structure", None),
        ("forum", "Direktørforum"),
        ("decisions", None),
        ("organisation", "Kolding Kommune"),
    ):
        _, html = make_map(store, kind, focus)
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html), kind
        assert "cdnjs" not in html and "bootstrap" not in html.lower()
        assert len(re.findall(r"^<script", html, re.M)) == 3  # data, vis-network, our code: nothing else


def test_hostile_text_is_data_not_markup(hostile):
    _, html = make_map(GraphStore.open_read_only(hostile), "decisions")
    data = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data and "\\u003cscript\\u003e" in data or "\\u003cimg" in data
    assert "onerror=" not in html.split('<script id="map-data"')[0]


def test_the_pack_groups_its_maps_by_region_and_kind(pack):
    html = pack.read_text(encoding="utf-8")
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert (
        groups[0] == "Overblik"
        and "Region Syddanmark: klynger" in groups
        and "Region Syddanmark: sundhedsråd" in groups
    )
    assert "Region Syddanmark: fora" in groups
    options = re.findall(r'<option value="[^"]+">([^<]+)</option>', html)
    assert {
        "Klynge Midt (Region Nordjylland)",
        "Sundhedsklynge Midt (Region Hovedstaden)",
        "Midtklyngen (Region Midtjylland)",
    } <= set(options)  # three clusters called 'Midt', each with its region
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    forum = data["views"]["forum-forum/1083/lillebaelt/fagligt-strategisk-niveau"]
    assert "nodes" not in forum  # only the first map is read when the page opens; the others when they are shown
    forum.update(
        json.loads(
            re.search(rf'<script id="{forum["block"]}" type="application/json">(.*?)</script>', html, re.S).group(1)
        )
    )
    node = next(n for n in forum["nodes"] if n["id"] == LILLEBAELT)
    assert node["page"] == "forum/1083-lillebaelt-fagligt-strategisk-niveau.html" and node.get("open")
    assert (pack.parent / node["page"]).exists()
    quoted = [n for n in forum["nodes"] if n.get("quoteHref")]
    assert quoted and all((pack.parent / n["quoteHref"].split("#")[0]).exists() for n in quoted)
    absent = {n["label"] for n in forum["nodes"] if n.get("absent")}
    assert absent == {"Sofie Plenge", "Else Zippor", "Anette Lund", "Irene Rossavik"}  # apologies are not attendance
    assert not any(n["type"] == "decision" and n.get("open") for n in forum["nodes"])  # they hang on their meeting


def test_map_and_path_commands(built, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["map", "forum", "--focus", "Direktørforum", "--out", str(tmp_path / "f.html"), "--data", str(built.out_dir)],
    )
    assert result.exit_code == 0, result.output and (tmp_path / "f.html").stat().st_size > 100_000
    result = runner.invoke(main, ["map", "forum", "--data", str(built.out_dir)])
    assert result.exit_code == 2 and "--focus" in result.output
    result = runner.invoke(main, ["map", "structure", "--at", "2027", "--data", str(built.out_dir)])
    assert result.exit_code == 2 and "ÅÅÅÅ-MM-DD" in result.output
    result = runner.invoke(
        main,
        [
            "path",
            "Implementeringsgruppen for forebyggelse og forløbsprogrammer",
            "Region Midtjylland",
            "--data",
            str(built.out_dir),
        ],
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].strip().startswith("→ Region Midtjylland")


def test_build_writes_the_onboarding_pack(tmp_path):
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0
    index = (tmp_path / "maps" / "index.html").read_text(encoding="utf-8")
    assert "Sundhedssamarbejdet på kort" in index and "forum-forum/1083/lillebaelt/fagligt-strategisk-niveau" in index
    assert (tmp_path / "maps" / "forum" / "1083-lillebaelt-fagligt-strategisk-niveau.html").exists()
    assert (tmp_path / "maps" / "sider.html").exists() and (tmp_path / "maps" / "ordliste.html").exists()


# --------------------------------------------------------------------------- in a real browser


def _browser_available() -> bool:
    return Path(CHROMIUM).exists()


browser = pytest.mark.skipif(
    not _browser_available() and not os.environ.get("CI"), reason="Debian's chromium is not installed (CI installs it)"
)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests save a screenshot of each map ($SUNDHEDSGRAF_SCREENSHOTS to choose)."""
    folder = (
        Path(os.environ["SUNDHEDSGRAF_SCREENSHOTS"])
        if os.environ.get("SUNDHEDSGRAF_SCREENSHOTS")
        else tmp_path_factory.mktemp("screenshots")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
    yield launched
    launched.close()
    playwright.stop()


class Tab:
    """A page in the shared Chromium that records console errors, page errors, dialogs and every request."""

    def __init__(self, chromium):
        self.page = chromium.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, url: str, fresh: bool = True) -> float:
        """Go to a map; seconds until it has drawn (two frames after the page says it is ready). `fresh`: load the
        document again even when only the fragment differs (a real first draw)."""
        if fresh:
            self.page.goto("about:blank")
        started = time.perf_counter()
        self.page.goto(url)
        self.page.wait_for_function("() => window.mapReady === true", timeout=20_000)
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return time.perf_counter() - started

    def outside(self) -> list[str]:
        return [r for r in self.requests if not r.startswith(("file://", "data:"))]

    def close(self) -> None:
        self.page.close()


# What the reader sees: every visible label's size in pixels, the boxes the labels and shapes take on the canvas (do
# any two overlap?), and whether each node is inside the map's area.
MEASURE = """() => {
  const scale = network.getScale();
  const shown = network.body.data.nodes.get({ filter: n => !n.hidden });
  const box = id => { const n = network.body.nodes[id], s = n.shape, l = n.labelModule.size;
    let b = { left: n.x - s.width / 2, right: n.x + s.width / 2, top: n.y - s.height / 2, bottom: n.y + s.height / 2 };
    if (l && l.width) b = { left: Math.min(b.left, l.left), right: Math.max(b.right, l.left + l.width),
                            top: Math.min(b.top, l.top), bottom: Math.max(b.bottom, l.top + l.height) };
    return b; };
  const boxes = shown.map(n => [n._n.label, box(n.id)]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i][1], b = boxes[j][1];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
    overlaps.push([boxes[i][0], boxes[j][0]]);
  }
  const area = document.getElementById('mynetwork');
  const inView = shown.filter(n => { const d = network.canvasToDOM(network.getPosition(n.id));
    return d.x >= 0 && d.y >= 0 && d.x <= area.clientWidth && d.y <= area.clientHeight; }).length;
  const px = shown.map(n => ((n.font && n.font.size) || 14) * scale);
  const count = {};
  for (const n of shown) count[n._n.type] = (count[n._n.type] || 0) + 1;
  return { scale, shown: shown.length, inDataset: network.body.data.nodes.length, minPx: Math.min(...px), overlaps,
  inView, count,
           titlesAreElements: network.body.data.nodes.get().every(n =>
             n.title === undefined || n.title instanceof HTMLElement) };
}"""


def _click_node(tab: Tab, node_id: str) -> dict:
    """Click a node where it is drawn; where the profile panel is, and what it says."""
    page = tab.page
    page.keyboard.press("Escape")  # a panel already open is closed first: it may lie over the node
    point = page.evaluate("(id) => network.canvasToDOM(network.getPosition(id))", node_id)
    area = page.locator("#mynetwork").bounding_box()
    page.mouse.click(area["x"] + point["x"], area["y"] + point["y"])
    page.wait_for_selector("#panel:not([hidden])")
    return {
        "box": page.locator("#panel").bounding_box(),
        "text": page.locator("#facts").inner_text(),
        "links": page.eval_on_selector_all("#facts a", "as => as.map(a => a.getAttribute('href'))"),
    }


def _inside(box: dict, width: int = 1400, height: int = 900) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


@pytest.mark.browser
@browser
def test_maps_draw_offline_without_errors(built, tmp_path, chromium, screenshots):
    store = GraphStore.open_read_only(built.out_dir)
    tab = Tab(chromium)
    for kind, focus in (("structure", None), ("forum", "Direktørforum"), ("decisions", None)):
        _, html = make_map(store, kind, focus)
        path = write_html(tmp_path / f"{kind}.html", html)
        tab.open(path.as_uri())
        state = tab.page.evaluate(MEASURE)
        expected = len(
            json.loads(re.search(r'type="application/json">(.*?)</script>', html, re.S).group(1))["views"][
                tab.page.evaluate("Object.keys(JSON.parse(document.getElementById('map-data').textContent).views)[0]")
            ]["nodes"]
        )
        assert tab.page.evaluate("!!document.querySelector('#mynetwork canvas')")
        assert state["inDataset"] == expected > 10 and 10 < state["shown"] <= expected and state["titlesAreElements"], (
            kind
        )
        assert state["minPx"] >= READABLE_PX, (kind, state["minPx"])
        area = tab.page.locator("#mynetwork").bounding_box()
        hovered = tab.page.evaluate("network.body.data.nodes.getIds({ filter: n => !n.hidden })")[:12]
        for node_id in hovered:  # a tooltip is made when the pointer first reaches its node, and shown
            point = tab.page.evaluate("(id) => network.canvasToDOM(network.getPosition(id))", node_id)
            tab.page.mouse.move(area["x"] + point["x"], area["y"] + point["y"])
        # nodes the pointer reached got their tooltip, headed by their own label, and vis shows a tooltip
        made = tab.page.evaluate(
            """(ids) => ids.map(id => network.body.data.nodes.get(id))
                 .filter(n => n.title !== undefined)
                 .map(n => [n.title instanceof HTMLElement && n.title.innerText.startsWith(n._n.label), n._n.label])""",
            hovered,
        )
        assert made and all(ok for ok, _ in made), (kind, made)
        tab.page.wait_for_selector("div.vis-tooltip", state="visible")
        tab.page.screenshot(path=str(screenshots / f"kort-{kind}.png"))
    tab.close()
    assert tab.errors == [] and tab.outside() == [] and tab.dialogs == []
    for kind in ("structure", "forum", "decisions"):
        assert (screenshots / f"kort-{kind}.png").stat().st_size > 10_000


@pytest.mark.browser
@browser
def test_hostile_minutes_execute_nothing(hostile, tmp_path, chromium):
    tab = Tab(chromium)
    for kind, focus in (("decisions", None), ("forum", "Sundhedsklynge Lillebælt, politisk niveau")):
        _, html = make_map(GraphStore.open_read_only(hostile), kind, focus)
        tab.open(write_html(tmp_path / f"{kind}.html", html).as_uri())
        tab.page.click("#show-all")
        area = tab.page.locator("#mynetwork").bounding_box()
        for node_id in tab.page.evaluate("network.body.data.nodes.getIds({ filter: n => !n.hidden })"):
            point = tab.page.evaluate("(id) => network.canvasToDOM(network.getPosition(id))", node_id)
            tab.page.mouse.move(area["x"] + point["x"], area["y"] + point["y"])
            tab.page.mouse.click(area["x"] + point["x"], area["y"] + point["y"])  # the panel shows its facts
        tab.page.fill("#search", "script")  # the result list too
        assert tab.page.evaluate("window.__pwned === undefined ? null : window.__pwned") is None
    tab.close()
    assert tab.dialogs == [] and tab.errors == [] and tab.outside() == []  # <img src=x> was never loaded


@pytest.mark.browser
@browser
def test_the_lillebaelt_forum_and_the_structure_are_readable(pack, chromium, screenshots):
    """Issue 16: labels >= 11 px at the opening zoom, nothing overlapping, a click opens the profile panel inside the
    window, search across all maps with a list of results, a map selector grouped and searchable."""
    tab = Tab(chromium)
    page = tab.page
    measured = {}
    # the forum's own map: the forum and its direct neighbours, readable
    seconds = tab.open(pack.as_uri() + "#forum-forum/1083/lillebaelt/fagligt-strategisk-niveau")
    forum = page.evaluate(MEASURE)
    measured["forum"] = {"minPx": forum["minPx"], "drawn_s": seconds, "shown": forum["shown"], "of": forum["inDataset"]}
    assert forum["minPx"] >= READABLE_PX and forum["overlaps"] == [] and forum["inView"] == forum["shown"]
    assert (
        forum["count"].get("person") == 14 and forum["count"].get("meeting") == 1 and "decision" not in forum["count"]
    )
    page.screenshot(path=str(screenshots / "kort-lillebaelt.png"))
    panel = _click_node(tab, LILLEBAELT)
    assert _inside(panel["box"]) and "Forbindelser" in panel["text"] and "Fagligt strategisk niveau" in panel["text"]
    assert "forum/1083-lillebaelt-fagligt-strategisk-niveau.html" in panel["links"]
    assert "fagligt-strategisk-niveau" not in panel["text"] and "Sikkerhed\nverificeret (V)" in panel["text"]
    page.screenshot(path=str(screenshots / "kort-lillebaelt-panel.png"))
    meeting = ID + "meeting/002-818f88c87e4c8c19-txt"
    panel = _click_node(tab, meeting)
    page.click("#facts >> text=Vis forbindelserne på kortet")  # more on demand: the meeting's decisions
    expanded = page.evaluate(MEASURE)
    assert expanded["count"].get("decision", 0) >= 15 and expanded["minPx"] >= READABLE_PX
    labels = page.evaluate(
        "network.body.data.nodes.get({ filter: n => !n.hidden && n._n.type === 'decision' }).map(n => n._n.label)"
    )
    assert any(
        label.startswith("Implementering af samarbejdsaftale for gravide") and "26. februar 2025" in label
        for label in labels
    )
    page.screenshot(path=str(screenshots / "kort-lillebaelt-moede.png"))
    page.click("#show-all")
    assert page.evaluate(MEASURE)["shown"] == forum["inDataset"]
    # absent members look absent: a dashed border
    assert page.evaluate(f"network.body.data.nodes.get('{ID}person/sofie-plenge').shapeProperties.borderDashes") == [
        4,
        3,
    ]

    # search across all maps: a list of results; one on another map opens that map with the node's panel
    page.fill("#search", "Middelfart")
    page.wait_for_selector("#hits li")
    assert page.locator("#hits li").count() >= 1 and "fundet" in page.inner_text("#hits-count")
    page.fill("#search", "Sundhedsråd Fyn")
    page.locator("#hits button", has_text="Sundhedsråd Fyn").first.click()
    page.wait_for_function("() => location.hash.indexOf('sundhedsraad-sundhedsraad/1083/fyn') >= 0")
    page.wait_for_selector("#panel:not([hidden])")
    assert page.inner_text("#facts h2") == "Sundhedsråd Fyn" and _inside(page.locator("#panel").bounding_box())
    page.screenshot(path=str(screenshots / "kort-soegning.png"))
    # the map selector: grouped by region and kind, filtered by typing
    page.fill("#view-filter", "midt")
    shown = page.eval_on_selector_all("#view option", "os => os.filter(o => !o.hidden).map(o => o.textContent)")
    assert "Klynge Midt (Region Nordjylland)" in shown and "Sundhedsklynge Midt (Region Hovedstaden)" in shown
    assert not any("Lillebælt" in s for s in shown)

    # the structure: a tree with each cluster's kommuner under it, the whole country readable and nothing overlapping
    for fragment, name in (("#struktur@2026-06-01", "structure"), ("#struktur-2027", "structure-2027")):
        seconds = tab.open(pack.as_uri() + fragment)
        state = page.evaluate(MEASURE)
        measured[name] = {"minPx": state["minPx"], "drawn_s": seconds, "shown": state["shown"]}
        assert state["minPx"] >= READABLE_PX and state["overlaps"] == [] and state["inView"] == state["shown"], (
            name,
            state["overlaps"][:3],
        )
        assert state["count"]["kommune"] == 98
        page.screenshot(path=str(screenshots / f"kort-{name}.png"))
    panel = _click_node(tab, ID + "sundhedsraad/1083/lillebaelt")
    assert _inside(panel["box"]) and "sundhedsraad/1083-lillebaelt.html" in panel["links"]
    tab.close()
    (screenshots / "maal-kort.json").write_text(json.dumps(measured, indent=2), encoding="utf-8")
    assert tab.errors == [] and tab.outside() == [] and tab.dialogs == []


@pytest.mark.browser
@browser
def test_the_pack_ignores_fragments_that_are_no_view(pack, chromium):
    tab = Tab(chromium)
    for fragment in ("#__proto__", "#%", "#constructor", "#%E0%A4%A", "#toString"):
        tab.open(pack.as_uri() + fragment, fresh=fragment == "#__proto__")
        drawn = tab.page.evaluate("network.body.data.nodes.get({ filter: n => !n.hidden }).length")
        start = tab.page.evaluate("JSON.parse(document.getElementById('map-data').textContent).start")
        assert tab.page.evaluate("document.getElementById('view').value") == start, fragment
        assert drawn > 10, fragment
    tab.close()
    assert tab.errors == []


def test_a_members_job_title_is_the_one_of_their_latest_membership_that_names_one():
    """The same role in the same forum seen in three minutes: two titles, and lately none."""

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    rdf_type, org, skos = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), "http://www.w3.org/ns/org#", SKOS_NS
    forum, person = iri(f"{ID}forum/x/udvalg"), iri(f"{ID}person/anne-hansen")
    role, graph = iri("https://w3id.org/sundhedsgraf/concept/role/medlem"), iri("https://example.org/g")
    quads = [
        ox.Quad(forum, rdf_type, iri(str(SG.Forum)), graph),
        ox.Quad(forum, iri(skos + "prefLabel"), ox.Literal("Udvalget", language="da"), graph),
        ox.Quad(role, iri(skos + "notation"), ox.Literal("medlem"), graph),
        ox.Quad(person, rdf_type, iri("http://xmlns.com/foaf/0.1/Person"), graph),
        ox.Quad(person, iri("http://xmlns.com/foaf/0.1/name"), ox.Literal("Anne Hansen"), graph),
    ]
    for number, (day, title) in enumerate(
        [("2024-01-01", "Direktør"), ("2025-01-01", "Kommunaldirektør"), ("2026-01-01", None)]
    ):
        membership = iri(f"https://example.org/ms{number}")
        quads += [
            ox.Quad(membership, iri(org + "member"), person, graph),
            ox.Quad(membership, iri(org + "organization"), forum, graph),
            ox.Quad(membership, iri(org + "role"), role, graph),
            ox.Quad(membership, iri("http://purl.org/dc/terms/date"), ox.Literal(day, datatype=iri(XSD_DATE)), graph),
        ]
        if title:
            quads.append(ox.Quad(membership, iri(str(SG.jobTitle)), ox.Literal(title), graph))
    store = GraphStore.in_memory()
    store.ox.extend(quads)
    g = load_graph(store)
    assert g.nodes[person.value]["facts"] == [("Rolle i Udvalget", "Medlem, Kommunaldirektør")]
    assert [e["last"] for e in g.get_edge_data(person.value, forum.value).values()] == ["2026-01-01"]
