"""Who decides and who only recommends: the route of a case through forums."""

from __future__ import annotations

from pathlib import Path

from graph.evaluate import evaluate
from graph.pipeline import extract_document
from graph.query import load_queries, run
from graph.store import GraphStore

from .conftest import MINUTES, REFERENCE

FIXTURES = Path(__file__).parent / "fixtures"


def route_of(item):
    return [(s.forum, s.role) for s in item.route]


def test_a_committee_recommends_on_and_the_next_body_decides(registry):
    _, ex = extract_document(FIXTURES / "udvalg_referat.txt", registry)
    item = next(i for i in ex.items if i.number == "2")
    assert [(d.outcome, d.recommendation) for d in item.decisions] == [
        ("approved", 1),
        ("approved", 2),
        ("recommended", 3),
    ]
    assert route_of(item) == [
        ("Administrationen", "prepares"),
        ("Sundheds- og Omsorgsudvalget", "recommends"),
        ("Økonomiudvalget", "decides"),
    ]


def test_an_explicit_route_and_a_case_number(registry, tmp_path):
    path = tmp_path / "sag.txt"
    path.write_text(
        "Referat\nUDVALG: Sundhedsudvalget\nDATO: 3. maj 2024\n\n"
        "1. Ny sundhedspolitik\nSagsnr.: 24/1234\nSagsgang: Sundhedsudvalget, Økonomiudvalget og Byrådet\n"
        "Administrationen indstiller, at:\n1. politikken godkendes\nBeslutning i Sundhedsudvalget den 3. maj 2024\n"
        "1-2 anbefales\n\n2. Eventuelt\nBeslutning\nIntet.\n",
        encoding="utf-8",
    )
    _, ex = extract_document(path, registry)
    item = ex.items[0]
    assert item.case_number == "24/1234"
    assert route_of(item) == [
        ("Sundhedsudvalget", "recommends"),
        ("Økonomiudvalget", "recommends"),
        ("Byrådet", "decides"),
    ]
    assert [d.outcome for d in item.decisions] == ["recommended", "recommended"]


def test_the_forum_a_case_is_sent_to_is_named_without_what_for(registry, tmp_path):
    path = tmp_path / "sag.txt"
    path.write_text(
        "Referat\nUDVALG: Styregruppen\nDATO: 3. maj 2024\n\n1. Fælles plan\nBeslutning\nAnbefales.\n"
        "Sagen sendes videre til Politisk Niveau til endelig godkendelse.\n\n2. Eventuelt\nBeslutning\nIntet.\n",
        encoding="utf-8",
    )
    _, ex = extract_document(path, registry)
    assert route_of(ex.items[0])[-1] == ("Politisk Niveau", "decides")


def test_a_case_forwarded_in_the_past_tense(registry, tmp_path):
    path = tmp_path / "sag.txt"
    path.write_text(
        "Referat\nUDVALG: Styregruppen\nDATO: 3. maj 2024\n\n1. Fælles plan\nBeslutning\n"
        "Oversendt til Politisk Niveau.\n\n2. Eventuelt\nBeslutning\nIntet.\n",
        encoding="utf-8",
    )
    _, ex = extract_document(path, registry)
    assert [d.outcome for d in ex.items[0].decisions] == ["recommended"]
    assert route_of(ex.items[0])[-1] == ("Politisk Niveau", "decides")


def test_a_municipal_committee_whose_director_proposes_and_which_recommends_on(registry):
    _, ex = extract_document(FIXTURES / "udvalg_medlemmer_referat.txt", registry)
    assert ex.meeting.body is None  # naming a health cluster in an item does not put the committee in it
    assert [(p.name, p.present) for p in ex.participants] == [
        ("Anne Hansen", True),
        ("Ole Berg", True),
        ("Per Lund", True),
        ("Lise Mikkelsen", False),
    ]
    item = next(i for i in ex.items if i.number == "2")
    assert route_of(item) == [
        ("Direktøren for Sundhed & Omsorg", "prepares"),
        ("Sundheds- og Forebyggelsesudvalget", "recommends"),
        ("Økonomiudvalget", "decides"),
    ]


def test_preparing_another_forums_agenda(registry):
    _, ex = extract_document(sorted(MINUTES.glob("002*"))[0], registry)
    item = next(i for i in ex.items if i.number == "11")
    assert route_of(item) == [("Fagligt strategisk niveau", "prepares"), ("Politisk Niveau", "decides")]


def test_route_accuracy_on_the_samples(registry):
    result = evaluate(REFERENCE.parent / "gold", MINUTES, registry)
    assert result.accuracy("route") >= 0.9


def test_cases_and_routes_in_the_graph(built):
    store = GraphStore.open_read_only(built.out_dir)
    queries = load_queries()
    waiting = run(store, queries["sager-der-venter"])
    titles = {row[0].value for row in waiting.rows}
    assert "Punkter til næste møde i Politisk Niveau d. 4. april 2025" in titles
    decided = run(store, queries["hvor-afgoeres-sagen"], {"tekst": "evalueringsplan"})
    roles = {(row[3].value, row[4].value) for row in decided.rows}
    assert ("Styregruppen for projekt Træning og Trivsel for seniorer", "Anbefaler") in roles
    assert ("Sundhedsklynge Lillebælt, fagligt strategisk niveau", "Beslutter") in roles
    assert run(store, queries["kun-anbefalet"], {"forum": "Chefforum"}).rows
