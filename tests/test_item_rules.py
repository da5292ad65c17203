"""Agenda items, recommendations and decisions in the layouts real minutes use (invented texts in each family's
style): agenda lists with bodies below or cut off, running item numbers, glued numbers, case numbers before and
after the heading, decisions before the case text, history sections, numbered and ranged answers, absence lines."""

from __future__ import annotations

import pytest

from graph.extract import classify_outcome, extract
from graph.pipeline import gazetteer
from graph.read import Document
from graph.segment import segment


def run(text: str, registry):
    doc = Document(key="t", path="t.txt", text=text, sha256="0" * 64, format="txt")
    return extract(segment(doc), gazetteer(registry))


def items_of(ex):
    return [(i.number, i.title) for i in ex.items]


def decisions_of(item):
    return [(d.outcome, d.recommendation) for d in item.decisions]


def test_agenda_list_with_one_body_and_the_rest_cut_off(registry):
    ex = run(
        """Sundhedsudvalget - Referat - 3. maj 2016

Deltagere
 • Anne Hansen, A

  Luk alle punkter Referat

  1. Godkendelse af dagsorden
  2. Orientering om status for planen
  3. LUKKET PUNKT - Salg af arealer

  Sagsnr. 16/1234
  1. Godkendelse af dagsorden
  fold dette punkt ind Resume
  Dagsordenen forelægges.
  fold dette punkt ind Beslutning i Sundhedsudvalget den 03-05-2016

  Godkendt.


  Sagsnr. 16/2345
  2. Orientering om sta""",
        registry,
    )
    assert items_of(ex) == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Orientering om status for planen"),
        ("3", "Salg af arealer"),
    ]
    first, second, third = ex.items
    assert first.case_number == "16/1234" and second.case_number == "16/2345"
    assert decisions_of(first) == [("approved", None)]
    assert (first.kind, second.kind) == ("decision", "information")
    assert ex.text_length and third.span.end - third.span.start < 60  # a list entry: the item is its line


def test_running_numbers_and_a_stray_punkt_reference_in_a_decision(registry):
    ex = run(
        """PUNKTER

24. Godkendelse af dagsorden
25. Orientering om rundvisning
26. Beslutning af beredskabsplan

24. Godkendelse af dagsorden

Indstilling
Direktøren indstiller at:
  1. Dagsordenen godkendes.

Beslutning i Udvalget for Voksne den 23-03-2015
Punkt 26. Beslutning af beredskabsplan udsat.
Dagsordenen blev herefter godkendt.

25. Orientering om rundvisning

Indstilling
Direktøren indstiller, at udvalget:
  1. tager orienteringen til efterretning
""",
        registry,
    )
    assert items_of(ex) == [
        ("24", "Godkendelse af dagsorden"),
        ("25", "Orientering om rundvisning"),
        ("26", "Beslutning af beredskabsplan"),
    ]
    assert decisions_of(ex.items[0]) == [("approved-with-remarks", 1)]
    assert [r.text for r in ex.items[1].recommendations] == ["tager orienteringen til efterretning"]


@pytest.mark.parametrize("heading", ["38{t}", "38.{t}", "38   {t}"])
def test_numbers_glued_to_the_title(registry, heading):
    body = "\n\nBeslutning\n\nGodkendt\n\n"
    ex = run(
        "Referat\n\n"
        + heading.format(t="Godkendelse af dagsorden")
        + body
        + heading.format(t="Beslutning om flytning af klinikken").replace("38", "39")
        + body,
        registry,
    )
    assert items_of(ex) == [("38", "Godkendelse af dagsorden"), ("39", "Beslutning om flytning af klinikken")]
    assert [d.outcome for i in ex.items for d in i.decisions] == ["approved", "approved"]


def test_decision_first_with_case_number_history_and_absence(registry):
    ex = run(
        """Dagsorden
Udvalg: Kultur- og Fritidsudvalget
Mødedato: mandag den 12. september 2022 kl. 16.30

Punkt 1: Tiltag på energi
22-011409
Beslutning
1.-3. Anbefales
Udvalget ønsker, at svømmehallen friholdes.
Afbud: Anne Hansen

Fremstilling

Sagsprocedure
Alle fagudvalg og Byrådet.

Indstilling
Center for Teknik indstiller,
1. at kataloget godkendes
2. at reguleringen tages til efterretning
3. at tiltagene besluttes politisk

Sagens forløb
12-09-2022 Økonomiudvalget
1.-3. Godkendt
Fraværende: Ole Berg

Punkt 2: Underskriftsark
""",
        registry,
    )
    item = ex.items[0]
    assert (item.number, item.case_number) == ("1", "22-011409")
    assert [r.number for r in item.recommendations] == [1, 2, 3]
    assert decisions_of(item) == [("recommended", 1), ("recommended", 2), ("recommended", 3)]
    assert ex.items[1].decisions == []


def test_a_decision_of_only_an_absence_line_is_no_verdict(registry):
    ex = run(
        "Referat\n\nPunkt 1: Godkendelse af dagsorden\nBeslutning\nGodkendt.\nAfbud: Anne Hansen\n\n"
        "Punkt 2: Underskriftsark\nBeslutning\nAfbud: Anne Hansen\n",
        registry,
    )
    assert decisions_of(ex.items[0]) == [("approved", None)]
    assert ex.items[1].decisions == []


def test_lead_ins_that_continue_the_numbering_and_a_nested_list(registry):
    ex = run(
        """Punkt 1: Handicappris
Indstilling
Administrationen indstiller,
1. at rammerne drøftes
2. at det besluttes, om der skal indstiftes en pris.
Administrationen indstiller endvidere, at såfremt der indstiftes en pris:
3. at der anvendes 6.000 kr. årligt fra rådets budget, herunder til følgende:
1. en individuel pris
2. en gruppepris
4. at administrationen arbejder videre med rammerne.
Sagsbeskrivelse
Administrationen indstiller, at sagen drøftes.
Beslutning
1.-2. Godkendt.
3. Godkendt med bemærkning om, at beløbet deles ligeligt.
4. Kan ikke godkendes.
""",
        registry,
    )
    item = ex.items[0]
    assert [r.number for r in item.recommendations] == [1, 2, 3, 4]
    assert decisions_of(item) == [("approved", 1), ("approved", 2), ("approved-with-remarks", 3), ("rejected", 4)]


@pytest.mark.parametrize(
    "indstilling,texts",
    [
        (
            "Direktionen indstiller,\n\nat orienteringen tages til efterretning, og\n\n\nat regionen genoptager sagen.",
            ["at orienteringen tages til efterretning, og", "at regionen genoptager sagen."],
        ),
        ("Det indstilles,\nat | udvalget godkender dagsorden. |", ["at udvalget godkender dagsorden."]),
        (
            "Det indstilles:\nAt 1) cykelstien etableres.\nAt 2) der afsættes midler.",
            ["cykelstien etableres.", "der afsættes midler."],
        ),
        (
            "Forslag til beslutning:\nUdvalget godkender\nafrapporteringen om ældrelivet.",
            ["Udvalget godkender afrapporteringen om ældrelivet."],
        ),
    ],
)
def test_recommendation_forms(registry, indstilling, texts):
    ex = run(
        f"Referat\n\n1. Sagen om planen\n\nIndstilling\n\n{indstilling}\n\nBeslutning\n\nGodkendt.\n\n"
        "2. Eventuelt\n\nBeslutning\n\nIntet.\n",
        registry,
    )
    assert [r.text for r in ex.items[0].recommendations] == texts


@pytest.mark.parametrize(
    "heading",
    [
        "Behandling i Udvalget for sundhed onsdag den 28. august 2019, pkt. 1",
        "Sundheds- og Omsorgsudvalget, 03-03-2016, pkt. 1",
        "Sundheds- og Omsorgsudvalgets beslutning den 03.03.2016 Punkt 1",
        "Beslutning i Sundheds- og Omsorgsudvalget den 3. marts 2016:",
        "fold dette punkt ind Beslutning i Sundheds- og Omsorgsudvalget den 03-03-2016",
    ],
)
def test_decision_headings_that_name_the_forum(registry, heading):
    ex = run(
        f"Referat\n\n1. Godkendelse af dagsorden\n\nÅbent\n\n{heading}\n\nGodkendt.\n\nFraværende: Ingen\n\n"
        "2. Status på planen\n\nResume\n\nKort om planen.\n\nBeslutning\n\nDrøftet.\n",
        registry,
    )
    assert decisions_of(ex.items[0]) == [("approved", None)]


@pytest.mark.parametrize(
    "text,outcome",
    [
        ("Kan ikke anbefales med bemærkning om, at der ønskes flere pladser.", "rejected"),
        ("Udvalget anbefaler ikke indstillingspunkt 2b.", "rejected"),
        ("Godkendt med de faldne bemærkninger.", "approved-with-remarks"),
        ("Godkendt med den ændring, at punkt 7 udsættes til næste møde.", "approved-with-remarks"),
        ("Punkt 4 udsat. Dagsordenen blev herefter godkendt.", "approved-with-remarks"),
        ("Fremsendes til Teknisk Udvalg til behandling.", "other"),
        ("Indstillingen anbefales.", "recommended"),
        (
            "Social- og Handicapudvalget anbefaler overfor Økonomiudvalget, at indstillingen godkendes med "
            "bemærkninger.",
            "recommended",
        ),
        ("Tages til efterretning og anbefales.", "recommended"),
        ("Drøftedes.", "discussed"),
        ("Til orientering", "noted"),
        ("Taget til efterretning", "noted"),
    ],
)
def test_verdicts(text, outcome):
    assert classify_outcome(text) == outcome


def test_an_earlier_meetings_entry_in_a_decision_section_is_not_this_meetings(registry):
    ex = run(
        """FORRETNINGSUDVALGET
25-09-2012 15:30:00

1. Ny styrelsesvedtægt
ADMINISTRATIONENS INDSTILLING
at vedtægten godkendes.
FORRETNINGSUDVALGETS BESLUTNING
18. september 2012: Sagen udsat til næste møde.
Anne Hansen (F) deltog ikke i sagens behandling.
25. september 2012:
REGIONSRÅDETS BESLUTNING
Tomt indhold

2. Budget
ADMINISTRATIONENS INDSTILLING
at budgettet godkendes.
FORRETNINGSUDVALGETS BESLUTNING
Tomt indhold
""",
        registry,
    )
    assert [i.title for i in ex.items] == ["Ny styrelsesvedtægt", "Budget"]
    assert [len(i.recommendations) for i in ex.items] == [1, 1]
    assert [i.decisions for i in ex.items] == [[], []]


def test_recommendation_lead_ins_each_followed_by_its_verdict(registry):
    ex = run(
        "Administrationen indstiller overfor udvalget for sundhed:\nGodkendt, idet punkt 6 behandles først.\n"
        "Anne Hansen (A) deltog ikke i sagens behandling.\n24077452\nDet indstilles til udvalget for sundhed:\n"
        "Godkendt.\nUdvalget har mulighed for at igangsætte indsatser.\n",
        registry,
    )
    assert [(i.number, i.title) for i in ex.items] == [(None, ""), (None, "")]
    assert [decisions_of(i) for i in ex.items] == [[("approved-with-remarks", None)], [("approved", None)]]


def test_decision_first_cases_without_numbers_are_titled_by_the_line_above(registry):
    ex = run(
        """Vælg
Referat Byrådet 11-09-2019

    Forslag om ny cykelsti



    Beslutning

    Fremsendes til Teknisk Udvalg til behandling.

    Indstilling

    Det indstilles:

    At 1) cykelstien etableres.

    Sagens forløb 28-08-2019 Byrådet
    Godkendt.

    Budget for kulturhuset

    Beslutning

    Godkendt.

    Bilag

    Bilag 1: Budget.pdf

    Plan for ældreområdet

    Beslutning

    Drøftet.
""",
        registry,
    )
    assert items_of(ex) == [
        (None, "Forslag om ny cykelsti"),
        (None, "Budget for kulturhuset"),
        (None, "Plan for ældreområdet"),
    ]
    assert [decisions_of(i) for i in ex.items] == [[("other", 1)], [("approved", None)], [("discussed", None)]]


def test_cases_that_open_with_their_case_number(registry):
    ex = run(
        """Referat
torsdag den 19. september 2019 kl. 15:00

Sagsid.: 19/1234

Indstilling
Direktøren indstiller til udvalget,
1. at orienteringen tages til efterretning.

Beslutning i Social- og Sundhedsudvalget den 19-09-2019
Udvalget tog orienteringen til efterretning.

Sagsfremstilling
Historik
Intet.

Sagsid.: 19/2345

Indstilling
Direktøren indstiller til udvalget,
1. at planen godkendes.

Beslutning i Social- og Sundhedsudvalget den 19-09-2019
Udvalget godkendte planen.
""",
        registry,
    )
    assert [i.case_number for i in ex.items] == ["19/1234", "19/2345"]
    assert [decisions_of(i) for i in ex.items] == [[("noted", 1)], [("approved", 1)]]


def test_markdown_minutes_with_an_agenda_and_ad_items(registry):
    ex = run(
        """# Referat : Projektmøde nr. 2

### Dagsorden

1. Bemærkninger til seneste referat
2. Plan for dialog med markedet

## Møde referat

### AD 1: Bemærkninger til seneste referat

#### 1.1.

Ingen bemærkninger.

### AD 2: Plan for dialog med markedet

#### 2.1.

#### 1) Datafundamentet

Der laves en plan.
""",
        registry,
    )
    assert items_of(ex) == [("1", "Bemærkninger til seneste referat"), ("2", "Plan for dialog med markedet")]


def test_a_title_and_a_number_on_separate_lines(registry):
    ex = run(
        "Sager 11 - 12\n\nMeddelelser\nSag nr. 11\n\nIndstilling\n\nMeddelelsespunktet forelægges til orientering.\n\n"
        "Beslutning\n\nTaget til efterretning.\n\nGodkendelse af kvalitetsstandarder\nSag nr. 12\n\nBeslutning\n\n"
        "Anbefales.\n",
        registry,
    )
    assert items_of(ex) == [("11", "Meddelelser"), ("12", "Godkendelse af kvalitetsstandarder")]
    assert [i.case_number for i in ex.items] == [None, None]
    assert [decisions_of(i) for i in ex.items] == [[("noted", 1)], [("recommended", None)]]


def test_a_wrapped_agenda_entry_and_group_labels(registry):
    ex = run(
        "Indholdsfortegnelse:\nÅbne\n10 Godkendelse af dagsorden\n11 Orientering om status på handleplanen for\n"
        "bostederne i kommunen\nLukkede\n12 Salg af grund\n\n10. Godkendelse af dagsorden\n29.09G00 - 2015/41657\n"
        "Beslutning\nGodkendt\n",
        registry,
    )
    assert items_of(ex) == [
        ("10", "Godkendelse af dagsorden"),
        ("11", "Orientering om status på handleplanen for bostederne i kommunen"),
        ("12", "Salg af grund"),
    ]
    assert ex.items[0].case_number == "29.09G00 - 2015/41657"


def test_an_agenda_list_flattened_onto_one_line(registry):
    ex = run(
        "1 DAGSORDEN Udvalget for forebyggelse MØDESTED Regionsgården\n\n"
        "2 INDHOLDSLISTE 1. Beslutning: Valg af formand "
        "2. Beslutning: Mødeplan 3. Drøftelse: Prioritering af opgaver 4. Orientering: Overenskomst Side 2 af 21\n\n"
        "3 1. BESLUTNING: VALG AF FORMAND BAGGRUND Partierne har indgået en aftale.\n",
        registry,
    )
    assert items_of(ex) == [
        ("1", "Valg af formand"),
        ("2", "Mødeplan"),
        ("3", "Prioritering af opgaver"),
        ("4", "Overenskomst"),
    ]
    assert [i.kind for i in ex.items] == ["decision", "decision", "discussion", "information"]


def test_numbered_prose_without_recommendations_is_not_an_answer(registry):
    ex = run(
        "2. Godkendelse af dagsordnen\n\nMødet sluttede kl.21.33\n\nBeslutning\n\n"
        "1. Formanden havde modtaget en anmodning "
        "om at tage punkt 9, hvilket der dog ikke var enighed om.\n\nDagsorden blev godkendt som udsendt.\n",
        registry,
    )
    assert [(i.number, i.title) for i in ex.items] == [("2", "Godkendelse af dagsordnen")]
    assert decisions_of(ex.items[0]) == [("approved", None)]
