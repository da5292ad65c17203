"""Extraction: the family of layouts Danish minutes use, read as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from graph.extract import classify_outcome, extract
from graph.extract.parse import find_dates, find_money, parse_date, parse_number, parse_time
from graph.pipeline import extract_document, gazetteer
from graph.read import Document
from graph.segment import segment

FIXTURES = Path(__file__).parent / "fixtures"


def run(text: str, registry):
    doc = Document(key="t", path="t.txt", text=text, sha256="0" * 64, format="txt")
    return extract(segment(doc), gazetteer(registry))


@pytest.mark.parametrize(
    "text,dkk",
    [
        ("4,3 mio. kr.", 4_300_000),
        ("42.881,00 kr.", 42_881),
        ("91.494kr.", 91_494),
        ("8576,00 kr.", 8_576),
        ("2.454.500 kr.", 2_454_500),
        ("2-3 mio. kr.", 2_000_000),
        ("1,3 mio. kr. årligt", 1_300_000),
        ("5 mia. kr.", 5e9),
        ("Der afsættes kr. 500.000 til projektet.", 500_000),
        ("DKK 250.000,00", 250_000),
        ("kr. 1,2 mio.", 1_200_000),
        ("en udgift på omkring seks mio. kr.", 6_000_000),
        ("Foreningen kan rejse tre mio.kr. fra en investor", 3_000_000),
        ("en halv mio. kr.", 500_000),
    ],
)
def test_danish_money_notation(text, dkk):
    assert [m.dkk for m in find_money(text)] == [dkk]


def test_bare_numbers_are_money_only_in_a_money_context():
    assert [m.dkk for m in find_money("de 750.000 som er disponeret")] == [750_000]
    assert find_money("4500 genoptræningsplaner og 185 deltagere") == []
    assert find_money("55,4 % borgere") == []


def test_a_number_word_is_money_only_before_a_scale_and_the_currency():
    assert find_money("seks mio. borgere og tre millioner mennesker") == []
    assert find_money("fem kr.") == []  # a bare word and kroner: too easily a mere word


@pytest.mark.parametrize(
    "text", ["tre og en halv mio. kr.", "hundrede og tyve mio. kr.", "fem til seks mio. kr.", "2-tre mio. kr."]
)
def test_a_number_word_that_ends_a_longer_number_or_a_range_is_not_read_in_part(text):
    assert find_money(text) == []


TABLE_IN_THOUSANDS = """I nedenstående skema ses budgetdifferencen:
Scenarie (1.000 kr.)
Budget
Scenarie A. Nybyg
2023
Oprindeligt budget
51.700
Afholdte rådgiverudgifter
-500
Administrationen anbefaler scenarie A, da de andre scenarier vil medføre en forlængelse af projektet med et år.
Der er afsat 750.000 kr. til rådgivning.
"""

ROWS_WITH_UNITS = """Botilbud, udvikling | R-2022 | 2025 | Stigning i %
Helårspersoner | 5,7 | 9,0 | 58%
Gennemsnitspris i 1.000 kr. | 401 | 1072 | 60%
Botilbud i alt, udgift i mio. kr.
172,1
210,5
22%
"""


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Udgifter (mio. kr.)\nDrift\n4,5\nGennemsnitspris i 1.000 kr.\n401\n", [4_500_000, 401_000]),
        ("Budget (1.000 kr.)\nDrift\n4.500\n\n2. Eventuelt\nIntet.\nDeltagere:\nAnne Hansen\n3\n", [4_500_000]),
        ("Budget (1.000 kr.)\nAntal pladser\n12\nUdgift\n1.200\n", [1_200_000]),
    ],
)
def test_a_tables_unit_yields_to_a_rows_own_and_ends_with_the_table(registry, text, expected):
    assert [a.dkk for a in run(text, registry).amounts] == expected


def test_a_tables_cells_are_read_in_its_unit_and_a_rows_in_the_rows(registry):
    amounts = run(TABLE_IN_THOUSANDS, registry).amounts
    assert [(a.text, a.dkk) for a in amounts] == [("51.700", 51_700_000), ("-500", -500_000), ("750.000 kr.", 750_000)]
    assert amounts[0].label == "Oprindeligt budget"
    rows = run(ROWS_WITH_UNITS, registry).amounts
    assert [a.dkk for a in rows] == [401_000, 1_072_000, 172_100_000, 210_500_000]  # not the persons, not the %


def test_dates_and_times():
    assert parse_date("Onsdag d. 26. februar 2025 kl. 14:30") == "2025-02-26"
    assert parse_date("REFERAT Direktørforum d. 08-02-2024") == "2024-02-08"
    assert parse_date("Start pr. 1/10-2016") == "2016-10-01"
    assert parse_time("kl. 14.30") == "14:30" and parse_time("Kl. 13-15") == "13:00"
    assert find_dates("d. 31. februar 2024") == []  # no such day
    assert parse_number("42.881,00") == 42881.0


@pytest.mark.parametrize(
    "text,outcome",
    [
        ("Godkendt.", "approved"),
        ("Godkendes.", "approved"),
        ("Tiltrådt.", "approved"),
        ("Godkendt (PLO har forbehold for arbejdsmængden).", "approved-with-remarks"),
        ("Godkendt med den bemærkning, at tidsplanen forlænges.", "approved-with-remarks"),
        ("Orienteringen blev taget til efterretning.", "noted"),
        ("Drøftet.", "discussed"),
        ("Udsat til næste møde.", "postponed"),
        ("Ikke godkendt.", "rejected"),
        ("Anbefales.", "recommended"),
        ("1-2 anbefales", "recommended"),
        ("Sekretariatet undersøger muligheder.", "other"),
        # phrasings of other regions
        ("Indstillingen anbefales godkendt.", "recommended"),
        ("Anbefalet over for Politisk niveau.", "recommended"),
        ("Oversendt til Politisk niveau.", "recommended"),
        ("Godkendt med enkelte ændringer.", "approved-with-remarks"),
        ("Godkendt, idet tidsplanen forlænges.", "approved-with-remarks"),
        ("Bifaldt.", "approved"),
        ("Styregruppen kunne ikke godkende budgettet.", "rejected"),
        ("Godkendt. Det anbefales at følge op.", "approved"),
    ],
)
def test_outcomes_from_the_controlled_list(text, outcome):
    assert classify_outcome(text) == outcome


def test_punkt_layout_with_numbered_recommendations_and_answers(registry):
    ex = run(
        """REFERAT Sundhedsklynge Lillebælt - Politisk niveau d. 4. april 2025

Punkt 1: Beslutningspunkt: Klyngemidler (kl. 10:00 – 10:20)
INDSTILLING
Det indstilles, at Politisk niveau
1. Godkender fordelingen af 1,2 mio. kr. til Vejle Kommune
2. Tager status til efterretning
Beslutning
1. Godkendt.
2. Taget til efterretning.
""",
        registry,
    )
    assert (ex.meeting.forum, ex.meeting.body, ex.meeting.date) == (
        "Politisk niveau",
        "Sundhedsklynge Lillebælt",
        "2025-04-04",
    )
    item = ex.items[0]
    assert (item.number, item.title, item.kind, item.time_slot) == ("1", "Klyngemidler", "decision", "10:00-10:20")
    assert [(r.number, r.addressed_to) for r in item.recommendations] == [
        (1, "Politisk niveau"),
        (2, "Politisk niveau"),
    ]
    assert [(d.outcome, d.recommendation) for d in item.decisions] == [("approved", 1), ("noted", 2)]
    assert item.decisions[0].allocations[0].dkk == 1_200_000
    assert "kommune/0630" in {o.id for o in ex.organisations} or "Vejle Kommune" in {o.name for o in ex.organisations}


def test_prose_next_to_numbered_decisions_is_discussion_not_a_decision(registry):
    ex = run(
        """Punkt 1: Sag et
INDSTILLING
Det indstilles, at forummet
1. Godkender planen
Beslutning
Der var en god drøftelse af planen.
Beslutning
1. Godkendt.
Punkt 2: Sag to
Beslutning
Drøftet.
""",
        registry,
    )
    assert [(d.outcome, d.recommendation) for d in ex.items[0].decisions] == [("approved", 1)]


def test_one_stray_punkt_heading_does_not_hide_numbered_items(registry):
    # Minutes in the "N. Title" layout with an item appended as "Punkt 9:" keep their numbered items.
    items = "".join(
        f"{n}. Sag nummer {n}\n\nIndstilling: At gruppen drøfter sagen.\n\nReferat:\n\nDrøftet.\n\n" for n in (1, 2, 3)
    )
    ex = run(
        "Referat af møde i arbejdsgruppen\n\n" + items + "Punkt 9: Eventuelt\nBeslutning\nTaget til efterretning.\n",
        registry,
    )
    assert [i.number for i in ex.items] == ["1", "2", "3", "9"]
    assert [d.outcome for i in ex.items for d in i.decisions] == ["discussed"] * 3 + ["noted"]


@pytest.mark.parametrize(
    "heading,decision_heading",
    [
        ("Punkt {n}: {title}", "Beslutning"),
        ("Pkt. {n} {title}", "Beslutning:"),
        ("Ad punkt {n}: {title}", "Konklusion"),
        ("Ad pkt. {n} {title}", "Beslutning/referat:"),
        ("Ad {n}. {title}", "Referat og beslutning"),
        ("Sag {n} - {title}", "Drøftelse og beslutning:"),
        ("{n}) {title}", "BESLUTNING"),
    ],
)
def test_heading_styles_of_other_regions(registry, heading, decision_heading):
    body = "".join(
        f"{heading.format(n=n, title=title)}\n\nSagsfremstilling: Kort om sagen.\n\n{decision_heading}\n{outcome}\n\n"
        for n, title, outcome in [
            (1, "Godkendelse af dagsorden", "Godkendt."),
            (2, "Status på forløbsprogrammer", "Taget til efterretning."),
            (3, "Budget for 2025", "Udsat til næste møde."),
        ]
    )
    ex = run("Referat af møde i styregruppen\n\nMødedeltagere:\nAnne Hansen, Ole Berg\n\n" + body, registry)
    assert [(i.number, i.title) for i in ex.items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Status på forløbsprogrammer"),
        ("3", "Budget for 2025"),
    ]
    assert [d.outcome for i in ex.items for d in i.decisions] == ["approved", "noted", "postponed"]
    assert {p.name for p in ex.participants} == {"Anne Hansen", "Ole Berg"}


def test_a_numbered_attachment_name_is_not_an_item(registry):
    ex = run(
        "Punkt 1: Budget\nBeslutning\nGodkendt.\nPunkt 2 Bilag Budgetnotat 2025.pdf\nPunkt 2: Status\nBeslutning\n"
        "Drøftet.\n"
        "Punkt 3 blev udsat.\n",
        registry,
    )
    assert [(i.number, i.title) for i in ex.items] == [("1", "Budget"), ("2", "Status")]


@pytest.mark.parametrize(
    "header,expected",
    [
        (
            "Referat af møde i Styregruppen for Sundhedsklynge Nord den 3. marts 2025 kl. 13.00-15.00 i Aalborg",
            ("Styregruppen", "Sundhedsklynge Nord", "2025-03-03", "13:00"),
        ),
        (
            "Referat fra møde i Sundhedssamarbejdsudvalget\n\nTirsdag den 4. juni 2024, kl. 10.00 – 12.00\n"
            "Regionsgården, Hillerød",
            ("Sundhedssamarbejdsudvalget", None, "2024-06-04", "10:00"),
        ),
        (
            "Sundhedsklynge Byen\nFagligt strategisk niveau\n\nMøde: 12. dec. 2024 kl. 14-16",
            ("Fagligt strategisk niveau", None, "2024-12-12", "14:00"),
        ),
    ],
)
def test_meeting_headers_of_other_regions(registry, header, expected):
    text = header + "\n\nPunkt 1: Godkendelse af dagsorden\nBeslutning\nGodkendt.\n"
    m = run(text, registry).meeting
    assert (m.forum, m.body, m.date, m.start) == expected
    # provenance: the quoted spans say what was read
    assert parse_date(text[m.spans["date"].start : m.spans["date"].end]) == m.date
    assert m.forum in text[m.spans["forum"].start : m.spans["forum"].end]


def test_inline_participants_with_their_organisation_in_brackets(registry):
    ex = run(
        "REFERAT\nDirektørforum\nDato: 26/2-2025 kl. 9-11\n"
        "Deltagere: Anne Hansen (Region Midtjylland), Ole Berg (Randers Kommune, Sundhed og Omsorg) og Per Lund\n"
        "Afbud: Lise Mikkelsen\n\nPunkt 1: Status\nBeslutning\nDrøftet.\n",
        registry,
    )
    people = {(p.name, p.present, p.organisation) for p in ex.participants}
    assert people == {
        ("Anne Hansen", True, "Region Midtjylland"),
        ("Ole Berg", True, "Randers Kommune, Sundhed og Omsorg"),
        ("Per Lund", True, None),
        ("Lise Mikkelsen", False, None),
    }


@pytest.mark.parametrize(
    "recommendations,decisions",
    [
        ("- at budgettet godkendes\n- at status tages til efterretning", "- Godkendt\n- Taget til efterretning"),
        (
            "a) at budgettet godkendes\nb) at status tages til efterretning",
            "Ad a) Godkendt.\nAd b) Taget til efterretning.",
        ),
        ("a) at budgettet godkendes\nb) at status tages til efterretning", "a) Godkendt.\nb) Taget til efterretning."),
    ],
)
def test_bulleted_and_lettered_verdicts_answer_their_recommendations(registry, recommendations, decisions):
    ex = run(f"Referat\n\nPunkt 1: Budget\nIndstilling:\n{recommendations}\nBeslutning:\n{decisions}\n", registry)
    (item,) = ex.items
    assert [r.text for r in item.recommendations] == ["at budgettet godkendes", "at status tages til efterretning"]
    assert [(d.outcome, d.recommendation) for d in item.decisions] == [("approved", 1), ("noted", 2)]


def test_bullets_that_do_not_match_the_recommendations_answer_none_in_particular(registry):
    ex = run(
        "Referat\n\nPunkt 1: Budget\nIndstilling:\nAt budgettet godkendes.\nBeslutning:\n- Godkendt\n- Drøftet\n",
        registry,
    )
    assert [d.recommendation for d in ex.items[0].decisions] != [1, 2]


def test_table_cells_exported_with_tabs(registry):
    ex = run("Referat\n\nPunkt 1: Budget\nIndstilling\tAt budgettet godkendes.\nBeslutning\tGodkendt.\n", registry)
    assert [r.text for r in ex.items[0].recommendations] == ["At budgettet godkendes."]
    assert [(d.outcome, d.recommendation) for d in ex.items[0].decisions] == [("approved", 1)]


def test_executive_team_indstilling_without_items(registry):
    ex = run(
        """Chefteamindstilling: Ny træningsindsats

Baggrund:
Der foreslås en ny indsats.

Beslutninger:
Chefteamet beslutter:
- At godkende indsatsen
- At der nedsættes en styregruppe for indsatsen

Referat
Chefteamet besluttede:
- At godkende indsatsen
- At der nedsættes en styregruppe for indsatsen
""",
        registry,
    )
    assert ex.meeting.forum == "Chefteamet"
    (item,) = ex.items
    assert item.title == "Ny træningsindsats" and item.number is None
    assert [r.text for r in item.recommendations] == [
        "At godkende indsatsen",
        "At der nedsættes en styregruppe for indsatsen",
    ]
    assert [(d.outcome, d.recommendation) for d in item.decisions] == [("approved", 1), ("approved", 2)]
    assert item.decisions[1].establishes == ["styregruppe"]


def test_klynge_alone_is_not_a_health_cluster(registry):
    ex = run(
        "Referat\nChefteamet besluttede at oprette Træningsklyngen. Træningsklyngen og Træningsklyngen.\n", registry
    )
    assert ex.meeting.body is None


def test_municipal_committee_layout(registry):
    _, ex = extract_document(FIXTURES / "udvalg_referat.txt", registry)
    m = ex.meeting
    assert (m.forum, m.body, m.date, m.start) == (
        "Sundheds- og Omsorgsudvalget",
        "Kolding Kommune",
        "2024-03-12",
        "16:00",
    )
    people = {(p.name, p.title, p.role, p.present) for p in ex.participants}
    assert ("Søren Hansen", "Rådmand", "formand", True) in people
    assert ("Anne Mortensen", "Sundhedschef", "referent", True) in people
    assert ("Karsten Bang", "Byrådsmedlem", None, False) in people
    by_number = {i.number: i for i in ex.items}
    assert [(d.outcome, d.recommendation) for d in by_number["2"].decisions] == [
        ("approved", 1),
        ("approved", 2),
        ("recommended", 3),
    ]
    assert by_number["2"].recommendations[0].proposed_by == "Administrationen"
    assert [(d.outcome, d.recommendation) for d in by_number["4"].decisions] == [("postponed", 1)]
    assert sorted(a.dkk for a in ex.amounts) == [1_000_000, 1_500_000, 2_500_000]


@pytest.mark.parametrize(
    "path",
    [FIXTURES / "udvalg_referat.txt", *sorted((FIXTURES.parent.parent / "data" / "minutes").glob("*.txt"))],
    ids=lambda p: p.name,
)
def test_double_spaced_text_keeps_its_participants(registry, path):
    # PDF-to-text conversion often leaves a blank line after every line: a list then has blank lines inside it
    text = path.read_text(encoding="utf-8")
    single, double = run(text, registry), run(text.replace("\n", "\n\n"), registry)
    assert [(p.name, p.present, p.role) for p in double.participants] == [
        (p.name, p.present, p.role) for p in single.participants
    ]
    assert [len(i.decisions) for i in double.items] == [len(i.decisions) for i in single.items]


def test_headings_in_capitals_and_a_date_with_time_field(registry):
    _, ex = extract_document(FIXTURES / "ssu_versaler_referat.txt", registry)
    m = ex.meeting
    assert (m.forum, m.date, m.start) == ("Sundhedssamarbejdsudvalget", "2024-05-14", "13:00")
    assert [(p.name, p.organisation, p.role, p.present) for p in ex.participants] == [
        ("Anne Hansen", "Region Hovedstaden", "formand", True),
        ("Ole Berg", "Gribskov Kommune", "naestformand", True),
        ("Per Lund", "PLO-Hovedstaden", "plo", True),
        ("Lise Mikkelsen", "Halsnæs Kommune", None, False),
    ]
    assert [i.title for i in ex.items] == [
        "Godkendelse af dagsorden",
        "Sundhedsaftalen 2024-2027: status",
        "Fælles akutfunktion - økonomi",
    ]
    assert [(d.outcome, d.recommendation) for d in ex.items[2].decisions] == [("approved", 1), ("recommended", 2)]
    assert [(s.forum, s.role) for s in ex.items[2].route][-1] == ("Regionsrådet", "decides")


def test_regional_politisk_behandling_layout_in_cp1252(registry):
    _, ex = extract_document(FIXTURES / "region_referat_cp1252.txt", registry)
    assert (ex.meeting.forum, ex.meeting.body, ex.meeting.date) == ("Regionsrådet", "Region Nordjylland", "2023-10-24")
    assert [(d.outcome, d.recommendation) for d in ex.items[0].decisions] == [("approved-with-remarks", 1)]
    assert [(d.outcome, d.recommendation) for d in ex.items[1].decisions] == [("postponed", 1)]
    assert "tegnsæt genkendt som cp1252" in ex.warnings


def test_html_and_docx_minutes(registry):
    _, html = extract_document(FIXTURES / "klynge_referat.html", registry)
    assert (html.meeting.forum, html.meeting.body) == ("Politisk niveau", "Sundhedsklynge Sønderjylland")
    assert [(d.outcome, d.recommendation) for d in html.items[0].decisions] == [("approved", 1), ("noted", 2)]
    _, docx = extract_document(FIXTURES / "styregruppe_referat.docx", registry)
    assert docx.meeting.forum == "Styregruppen for demensindsatsen" and docx.meeting.date == "2024-04-03"
    assert [(d.outcome, d.recommendation) for d in docx.items[1].decisions] == [("approved-with-remarks", 1)]


def test_every_fact_has_a_span_that_quotes_the_source(registry):
    document, ex = extract_document(
        sorted((Path(__file__).parent.parent / "data" / "minutes").glob("002*"))[0], registry
    )
    facts = [*ex.participants, *ex.organisations, *ex.amounts, *ex.initiatives]
    for item in ex.items:
        facts += [item, *item.recommendations, *item.decisions, *item.attachments]
    assert facts and all(f.span is not None for f in facts)
    for rec in (r for i in ex.items for r in i.recommendations):
        assert document.text[rec.span.start : rec.span.end].strip().startswith(rec.text[:20])
    for amount in ex.amounts:
        assert document.text[amount.span.start : amount.span.end] == amount.text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_arbitrary_text_never_crashes_the_extractor(registry, text):
    ex = run(text, registry)
    assert ex.items is not None
    assert not [w for w in ex.warnings if "fejlede" in w]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parsers_never_raise(text):
    find_money(text), find_dates(text), parse_date(text), parse_time(text), parse_number(text), classify_outcome(text)


def test_a_second_title_line_is_not_the_forum(registry):
    ex = run(
        "REFERAT\n\nReferat fra møde\nArbejdsgruppen for demens\nMødedato\n3. april 2024\n\n"
        "1. Godkendelse af dagsorden\n"
        "Dagsorden godkendt.\n\n2. Status\nReferat: Drøftet.\n",
        registry,
    )
    assert ex.meeting.forum == "Arbejdsgruppen for demens" and ex.meeting.date == "2024-04-03"
