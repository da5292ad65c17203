"""FirstAgenda meetings read as JSON: recognised by content, rendered as the portal shows them, with what the
JSON states as data taken from it. Real meetings from ../shared/corpus/firstagenda."""

from __future__ import annotations

import glob
import json
import shutil
from pathlib import Path

import pytest

from graph.evaluate import CORPUS_DIR, compare
from graph.link import link
from graph.pipeline import extract_document
from graph.read import normalise_text, read_document

FIRSTAGENDA = CORPUS_DIR / "firstagenda"
GOLD = Path(__file__).resolve().parent.parent / "data" / "gold" / "corpus"
MEETINGS = sorted(FIRSTAGENDA.glob("*.json")) if FIRSTAGENDA.is_dir() else []
# the same meeting as JSON and as the text the portal renders (corpus/text)
PAIRS = {
    "greve-social-og-handicapudvalget_2022-02-07": "01",
    "greve-social-og-handicapudvalget_2023-04-24": "05",
    "greve-social-og-handicapudvalget_2025-10-20": "08",
    "greve-kultur-og-fritidsudvalget_2022-09-14": "26",
    "greve-kultur-og-fritidsudvalget_2025-09-10": "28",
    "greve-plan-og-tryghedsudvalget_2022-05-23": "29",
    "greve-plan-og-tryghedsudvalget_2023-09-12": "30",
}
needs_corpus = pytest.mark.skipif(not MEETINGS, reason="../shared/corpus/firstagenda is not beside the project")


@needs_corpus
@pytest.mark.parametrize("path", MEETINGS, ids=[p.stem for p in MEETINGS])
def test_a_meeting_is_read_with_its_facts_at_their_spans(path):
    document = read_document(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    meeting = document.portal
    assert document.format == "firstagenda" and normalise_text(document.text) == document.text
    assert meeting.forum == data["Udvalg"]["Navn"] and meeting.date == data["Moede"]["Dato"][:10]
    assert document.text[meeting.spans["forum"].start : meeting.spans["forum"].end] == meeting.forum
    assert len(meeting.participants) == len(data["Moede"]["Moededeltagere"])
    for person in meeting.participants:
        assert document.text[person.span.start : person.span.end] == person.name
    assert [i.number for i in meeting.items] == [
        i["Number"] for i in sorted(data["Dagsordenpunkter"], key=lambda i: i["Sorting"])
    ]
    for item in meeting.items:
        assert document.text[item.caption_span.start : item.caption_span.end] == item.caption
        if item.case_span:
            assert document.text[item.case_span.start : item.case_span.end] == item.case_number
        for attachment in item.attachments:
            assert attachment.url.startswith("https://") and "/Vis/Pdf/bilag/" in attachment.url


@needs_corpus
def test_a_meeting_is_recognised_by_content_not_by_its_name(tmp_path):
    renamed = tmp_path / "moede-uden-endelse"
    shutil.copy(MEETINGS[0], renamed)
    assert read_document(renamed).format == "firstagenda"
    other = tmp_path / "andet.json"
    other.write_text('{"title": "ikke et møde", "items": []}', encoding="utf-8")
    assert read_document(other).format != "firstagenda"


def _scores(registry, path: Path, gold: dict):
    _, extraction = extract_document(path, registry)
    link(extraction, registry)
    return compare(gold, extraction.to_json()).scores


FACTS = ("meeting", "participants", "items", "recommendations", "decisions", "organisations", "amounts")


@needs_corpus
def test_the_seven_meetings_give_the_same_share_of_facts_from_json_as_from_text_or_more(registry):
    from graph.evaluate import Score

    totals = {"text": {k: Score() for k in FACTS}, "json": {k: Score() for k in FACTS}}
    for stem, number in PAIRS.items():
        text = next((CORPUS_DIR / "text").glob(f"{number}_*.txt"))
        gold = json.loads(next((GOLD / "text").glob(f"{number}_*.json")).read_text(encoding="utf-8"))
        for kind, path in (("text", text), ("json", FIRSTAGENDA / f"{stem}.json")):
            scores = _scores(registry, path, gold)
            for fact in FACTS:
                totals[kind][fact].add(scores[fact])
        from_json = _scores(registry, FIRSTAGENDA / f"{stem}.json", gold)
        assert all(from_json[k].f1 == 1.0 for k in ("meeting", "participants", "items")), stem  # stated as data
    worse = {
        k: (round(totals["text"][k].f1, 3), round(totals["json"][k].f1, 3))
        for k in FACTS
        if totals["json"][k].f1 < totals["text"][k].f1 - 0.01
    }
    assert not worse, worse


@needs_corpus
def test_the_source_and_the_attachments_addresses_reach_the_graph(tmp_path, registry):
    from graph.emit.document import document_triples
    from graph.link import link as link_facts

    data = json.loads(MEETINGS[0].read_text(encoding="utf-8"))
    data["_source"] = "https://dagsordener.greve.dk/api/agenda/dagsorden/" + data["Id"]
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    document, extraction = extract_document(path, registry)
    triples, _ = document_triples(document, link_facts(extraction, registry))
    sources = {o.value for s, p, o in triples if p.value == "http://purl.org/dc/terms/source"}
    assert data["_source"] in sources
    assert any("/Vis/Pdf/bilag/" in value for value in sources) == any(i["Bilag"] for i in data["Dagsordenpunkter"])


def test_json_that_is_not_a_meeting_is_text(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"Dagsordenpunkter": "not a list"}', encoding="utf-8")
    assert read_document(path).format == "txt"
    assert not glob.glob(str(tmp_path / "*.pending"))
