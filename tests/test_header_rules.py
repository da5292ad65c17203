"""The meeting's header and its participants, family by family, on small invented minutes (graph/extract/header.py,
graph/lexicon/header.toml and participants.toml)."""

from __future__ import annotations

import pytest

from graph.extract import extract
from graph.pipeline import gazetteer
from graph.read import Document
from graph.segment import segment

ITEMS = "\n\n1. Godkendelse af dagsorden\n\nBeslutning\n\nGodkendt.\n\n2. Eventuelt\n\nBeslutning\n\nIntet.\n"


def run(text: str, registry):
    doc = Document(key="t", path="t.txt", text=text, sha256="0" * 64, format="txt")
    return extract(segment(doc), gazetteer(registry))


def meeting_of(text: str, registry) -> tuple:
    m = run(text, registry).meeting
    for slot, span in m.spans.items():  # every field quotes the text it was read from
        value = getattr(m, slot)
        if slot in ("forum", "body", "place"):
            assert value.lower() in text[span.start : span.end].lower()
    return m.forum, m.body, m.date, m.start, m.place


def people_of(text: str, registry) -> set[tuple]:
    ex = run(text, registry)
    for person in ex.participants:
        assert text[person.span.start : person.span.end] == person.name
    return {(p.name, p.present) for p in ex.participants}


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header,expected",
    [
        # a sentence on one line
        (
            "Referat til mødet i Ældrerådet den 5. marts 2024 kl. 10:00 i Mødelokale 3, Rådhuset",
            ("Ældrerådet", None, "2024-03-05", "10:00", "Mødelokale 3, Rådhuset"),
        ),
        # the same sentence split over lines
        (
            "Abonnér\n\nReferat\ntil\nmødet i Trafikudvalget\nden 2. maj 2022 kl. 15:00\n"
            "i Regionshuset Viborg, lokale 4",
            ("Trafikudvalget", None, "2022-05-02", "15:00", "Regionshuset Viborg, lokale 4"),
        ),
        # a cover page: forum, weekday date and room on separate lines
        (
            "Søg\n\nReferat\n\nMøde i Udvalget for trafik og miljø\n\ntirsdag den 3. september 2019 kl. 09:00\n\n"
            "Mødelokale 7",
            ("Udvalget for trafik og miljø", None, "2019-09-03", "09:00", "Mødelokale 7"),
        ),
        # "<Forum> - Referat - <dato>" with label/value fields and two time-slotted places
        (
            (
                "Gå til indhold\n\nTrafikudvalget - Referat - 03. oktober 2011\n\nMødedato\n"
                "03-10-2011 kl. 14:00 - 16:00\n\nMødested\n\n"
                "14:00 - 15:00 - Biblioteket, Torvet 2\n\n15:00 – 16:00 - Rådhuset, lokale 3"
            ),
            ("Trafikudvalget", None, "2011-10-03", "14:00", "Biblioteket, Torvet 2"),
        ),
        # "<Udvalg>s møde den <dato>" and "Ekstraordinært møde - <sted> kl. <tid>"
        (
            "Byens logo\n\nKultur- og Fritidsudvalgets møde den 17. april 2023\n\n"
            "Ekstraordinært møde - Mødelokale F2 kl. 12.00\n\nReferat",
            ("Kultur- og Fritidsudvalget", None, "2023-04-17", "12:00", "Mødelokale F2"),
        ),
        # "Referat <Forum> DD-MM-YYYY" and "<Forum> DD-MM-YYYY HH:MM"
        ("Referat Teknisk Udvalg 11-09-2019", ("Teknisk Udvalg", None, "2019-09-11", None, None)),
        ("Dagsorden\nTeknisk Udvalg 11-09-2019 16:00", ("Teknisk Udvalg", None, "2019-09-11", "16:00", None)),
        # "<Forum> <dato> (Referat)" with the election period stripped from a title
        ("Trafikstyregruppen 06. maj 2015 (Referat)", ("Trafikstyregruppen", None, "2015-05-06", None, None)),
        ("Miljøudvalget (2018-2021) – Referat – 12. januar 2021", ("Miljøudvalget", None, "2021-01-12", None, None)),
        # "<Udvalg> <ugedag> den <dato> kl. <tid>" then the room
        (
            "Referat\nTrafikudvalget mandag den 10. april 2017 kl. 16:30\n\nMødelokale 2 E",
            ("Trafikudvalget", None, "2017-04-10", "16:30", "Mødelokale 2 E"),
        ),
    ],
)
def test_titles_and_cover_pages(registry, header, expected):
    assert meeting_of(header + ITEMS, registry) == expected


@pytest.mark.parametrize(
    "header,expected",
    [
        # labels alone on a line, the value after a blank line; a time with seconds
        (
            (
                "UDVALG\n\nTrafikudvalget\n\nMØDE\n\nReferat\n\nSTED\n\nByrådssalen\n\nSTARTTIDSPUNKT\n\n"
                "23-03-2015 16:00:00\n\n"
                "SLUTTIDSPUNKT\n\n23-03-2015 18:00:00"
            ),
            ("Trafikudvalget", None, "2015-03-23", "16:00", "Byrådssalen"),
        ),
        # labels with a colon; the committee in a field is the forum, and no body is guessed
        (
            "Dagsorden\nUdvalg: Social- og Handicapudvalget\nMødedato: mandag den 7. februar 2022 kl. 17.00\n"
            "Mødested: Mødelokale 4+5",
            ("Social- og Handicapudvalget", None, "2022-02-07", "17:00", "Mødelokale 4+5"),
        ),
        # label and value on one line without a colon
        (
            "Referat\nmandag den 9. september 2019 kl. 15:00\nMødested Byrådssalen\nUdvalg Trafikudvalget",
            ("Trafikudvalget", None, "2019-09-09", "15:00", "Byrådssalen"),
        ),
        # a date-only 'Tid' field is no start time; a meeting number is not part of the forum
        (
            (
                "Referat : Projektgruppe for vejdata nr. 3 18. februar 2026\n\n"
                "Mødenavn: Projektgruppe for vejdata nr. 3\nTid: 18. februar 2026\n"
                "Sted: Online"
            ),
            ("Projektgruppe for vejdata", None, "2026-02-18", None, "Online"),
        ),
        # fields in table cells
        (
            "Beslutningsprotokol\ntorsdag den 6. februar 2014 kl. 15:00\nMødested: | Lokale 4, Vestergade |\n"
            "Udvalg: | Trafikudvalget |",
            ("Trafikudvalget", None, "2014-02-06", "15:00", "Lokale 4, Vestergade"),
        ),
        # a placeholder is not a place; the place and time in one field
        (
            "Trafikudvalget - Referat - 29. februar 2012\n\nMødested\nMødet afholdes",
            ("Trafikudvalget", None, "2012-02-29", None, None),
        ),
        (
            "Referat af møde i Ældrerådet i Vejle Kommune den 5. december 2023\n"
            "Tidspunkt og sted: Rådhuset, lokale 2 (13.00-15.00)",
            ("Ældrerådet", "Vejle Kommune", "2023-12-05", "13:00", "Rådhuset, lokale 2"),
        ),
    ],
)
def test_label_value_fields(registry, header, expected):
    assert meeting_of(header + ITEMS, registry) == expected


def test_a_sentence_in_a_case_is_not_a_header(registry):
    text = (
        "Administrationen indstiller overfor trafikudvalget:\nGodkendt.\n"
        "Regionsrådet besluttede på møde den 12. december 2023 at fremme et forslag.\n"
    )
    assert meeting_of(text, registry) == (None, None, None, None, None)


def test_a_list_of_items_is_not_a_forum(registry):
    text = "Dagsordenspunkter\n\n  åbent 1 Regnskab 2018 for Trafikudvalget\n  åbent 2 Meddelelser\n"
    assert meeting_of(text, registry)[0] is None


# --------------------------------------------------------------------------- participants


def test_bullets_with_party_letters_and_an_absence_sub_list(registry):
    text = (
        "Trafikudvalget - Referat - 25. oktober 2016\n\nMødedato\n25-10-2016 kl. 15:00 - 16:10\n\nDeltagere\n"
        " • Anna Holm, A\n • Bo Lind, V\n • Carl Berg (C)\n • Dorthe Mik, løsgænger\n\n • Afbud\n • Bo Lind, V\n"
        " • Dorthe Mik deltog ikke i punkterne 2 – 4\n\n • Luk alle punkter Referat" + ITEMS
    )
    assert people_of(text, registry) == {
        ("Anna Holm", True),
        ("Bo Lind", False),
        ("Carl Berg", True),
        ("Dorthe Mik", True),
    }


def test_flags_suffixes_and_roles(registry):
    text = (
        "Referat\n\nMøde i Trafikudvalget\n\nonsdag den 28. august 2019 kl. 08:00\n\nMødelokale 20\n\nDeltagere:\n\n"
        "Anna Holm (A)\n\nBo Lind (B)- deltog ikke i behandlingen af punkt: 2\n\nCarl Berg (A)- afbud\n\n"
        "Eva Nord- afbud\n" + ITEMS
    )
    assert people_of(text, registry) == {
        ("Anna Holm", True),
        ("Bo Lind", True),
        ("Carl Berg", False),
        ("Eva Nord", False),
    }
    ex = run("Tilstede:\n- Anna Holm - formand\n- Bo Lind\nMedlemmer\nFormand Carl Berg (A)\n" + ITEMS, registry)
    assert {(p.name, p.role) for p in ex.participants} == {
        ("Anna Holm", "formand"),
        ("Bo Lind", None),
        ("Carl Berg", "formand"),
    }


def test_one_name_a_line_with_absence_flags_repeated_in_the_decisions(registry):
    text = (
        "Dagsorden\nUdvalg: Trafikudvalget\nMødedato: mandag den 7. februar 2022 kl. 17.00\nMødedeltagere:\nAnna Holm\n"
        "Bo Lind (Afbud)\nCarl Berg (Fravær)\n\n\nPunkt 1: Godkendelse af dagsorden\nBeslutning\nGodkendt.\n"
        "Afbud: Bo Lind\n"
        "Ikke til stede: Carl Bergh (V)\n\nSagens forløb\n05-02-2022 Økonomiudvalget\nAnbefales.\nAfbud: Eva Nord\n\n"
        "Bilag\n"
        "Notat\n\nPunkt 2: Eventuelt\nBeslutning\nIntet.\nAfbud: Bo Lind\n"
    )
    assert people_of(text, registry) == {("Anna Holm", True), ("Bo Lind", False), ("Carl Berg", False)}


def test_absence_sentences(registry):
    text = (
        "Referat\ntil\nmødet i Trafikudvalget\nden 11. juni 2019 kl. 14:00\ni Regionshuset\n\n"
        "Alle medlemmer var mødt undtagen Anna Holm og Bo Lind, der havde meldt afbud.\n\n"
        "Carl Berg, Dorthe Mik og Eva Nord deltog via video.\n\n"
        "Frede Falk forlod mødet efter behandlingen af punkt 1.\n" + ITEMS
    )
    assert people_of(text, registry) == {
        ("Anna Holm", False),
        ("Bo Lind", False),
        ("Carl Berg", True),
        ("Dorthe Mik", True),
        ("Eva Nord", True),
        ("Frede Falk", True),
    }
    text = (
        "1. Godkendelse af dagsorden\n\nBeslutning\n\nDagsordenen blev godkendt.\n\nFremmøde:\n\n"
        "Anna Holm havde meldt afbud, og Bo Lind deltog i stedet.\n\n"
        "Carl Berg havde meldt afbud. 1. suppleant Dorthe Mik var indkaldt, men mødte ikke frem.\n\n"
        "Borgmesteren orienterede om, at Eva Nord (O) havde meldt afbud og at Frede Falk (O) deltog som "
        "stedfortræder.\n"
    )
    assert people_of(text, registry) == {
        ("Anna Holm", False),
        ("Bo Lind", True),
        ("Carl Berg", False),
        ("Dorthe Mik", False),
        ("Eva Nord", False),
        ("Frede Falk", True),
    }


def test_afbud_fra_and_lists_on_the_label_line(registry):
    text = (
        "Referat 11-10-2007 - Trafik og miljø\n\nDeltagere:\nAnna Holm, Bo Lind, Carl Berg\n\n"
        "Afbud fra: Dorthe Mik og Eva Nord.\n\nØvrige deltagere:\nTrafikdirektør Frede Falk, fuldmægtig Gitte Ulv og "
        "planlægger Hans Ravn.\n" + ITEMS
    )
    assert people_of(text, registry) == {
        ("Anna Holm", True),
        ("Bo Lind", True),
        ("Carl Berg", True),
        ("Dorthe Mik", False),
        ("Eva Nord", False),
        ("Frede Falk", True),
        ("Gitte Ulv", True),
        ("Hans Ravn", True),
    }
    assert meeting_of("Referat 11-10-2007 - Trafik og miljø" + ITEMS, registry)[0] == "Trafik og miljø"


def test_a_first_item_about_attendance_with_substitutes_in_its_decision(registry):
    text = (
        "Referat\n\nPunkt 1: Mødedeltagere\nAnna Holm, Vejle Kommune\nBo Lind, Region Syddanmark\nCarl Berg, PLO\n"
        "Beslutning\nDorthe Mik deltog for Bo Lind.\n\nPunkt 2: Budget\nBeslutning\nGodkendt.\n"
    )
    ex = run(text, registry)
    assert {(p.name, p.present, p.organisation) for p in ex.participants} == {
        ("Anna Holm", True, "Vejle Kommune"),
        ("Bo Lind", False, "Region Syddanmark"),
        ("Carl Berg", True, "PLO"),
        ("Dorthe Mik", True, None),
    }


def test_someone_absent_from_some_items_was_present(registry):
    body = (
        "Punkt 1: Budget\nBeslutning\nGodkendt.\nFraværende: Anna Holm (A)\n\n"
        "Punkt 2: Plan\nBeslutning\nGodkendt.\nFraværende: {second}\n"
    )
    assert people_of("Referat\n\n" + body.format(second="Bo Lind (V)"), registry) == {
        ("Anna Holm", True),
        ("Bo Lind", True),
    }
    # stated absent in every decided item (and listed nowhere else): absent from the meeting
    assert people_of("Referat\n\n" + body.format(second="Anna Holm (A)"), registry) == {("Anna Holm", False)}
    text = (
        "Referat\n\nPunkt 1: Budget\nBeslutning\nGodkendt.\nAnna Holm (A), Bo Lind (V) Carl Berg (F) og Dorthe Mik (Ø) "
        "deltog ikke i sagens behandling.\n\nPunkt 2: Plan\nBeslutning\nGodkendt.\n"
    )
    assert people_of(text, registry) == {
        ("Anna Holm", True),
        ("Bo Lind", True),
        ("Carl Berg", True),
        ("Dorthe Mik", True),
    }


def test_markdown_tables_of_participants_with_their_organisation(registry):
    text = (
        "# Referat : Projektgruppe for vejdata 18. februar 2026\n\nDeltagere:\n\n| Navn | Organisation | Init. |\n"
        "|---|---|---|\n| Anna Holm | Vejle Kommune, IT | AH |\n| Bo Lind (referent) | Vejdata-sekretariatet | BL |\n\n"
        "Afbud:\n\n| Navn | Organisation | Init. |\n|---|---|---|\n| Carl Berg | Aarhus Kommune | CB |\n\n"
        "Faciliteret af:\n\n- [ ] Bo Lind (referent)\n" + ITEMS
    )
    ex = run(text, registry)
    assert {(p.name, p.present, p.organisation, p.role) for p in ex.participants} == {
        ("Anna Holm", True, "Vejle Kommune", None),
        ("Bo Lind", True, "Vejdata-sekretariatet", "referent"),
        ("Carl Berg", False, "Aarhus Kommune", None),
    }


def test_organisations_only_from_the_line_that_states_them(registry):
    text = (
        "Trafikudvalget - Referat - 20. april 2018\n\nDeltagere\n  • Anna Holm, Vejle Kommune\n  • Bo Lind, Esbjerg\n"
        "  • Carl Berg, Ærø Kommune (for Dorthe Mik)\n\n  • Luk alle punkter" + ITEMS
    )
    ex = run(text, registry)
    assert {(p.name, p.present, p.organisation) for p in ex.participants} == {
        ("Anna Holm", True, "Vejle Kommune"),
        ("Bo Lind", True, None),
        ("Carl Berg", True, "Ærø Kommune"),
        ("Dorthe Mik", False, None),
    }


def test_a_bare_run_of_member_names_on_a_cover_page(registry):
    text = (
        "TRAFIKUDVALGET\nNr. 11\n25-09-2012 15:30:00 - 25-09-2012 16:00:00\nH2\nAnna Holm\nBo Lind\nCarl Berg\n\n\n"
        + ITEMS
    )
    assert people_of(text, registry) == {("Anna Holm", True), ("Bo Lind", True), ("Carl Berg", True)}
    assert meeting_of(text, registry)[:4] == ("Trafikudvalget", None, "2012-09-25", "15:30")


@pytest.mark.parametrize(
    "text",
    [
        # a guest named in a case text, a sentence after a bare label, a history section, an ambiguous flattened table
        (
            "Referat\n\nPunkt 1: Besøg\nSagsfremstilling\nTil stede ved besøget er leder for svømmehallen, Anna Holm.\n"
            "Beslutning\nTaget til efterretning.\n"
        ),
        "Mødet afholdt på Plejecentret\n\nAfbud Anna Holm , møder senere Bo Lind.\n" + ITEMS,
        (
            "Referat\n\nPunkt 1: Budget\nBeslutning\nGodkendt.\n\nSagens forløb\n12-09-2022 Økonomiudvalget\n"
            "Godkendt.\n"
            "Fraværende: Anna Holm 13-09-2022 Trafikudvalget\nAfbud: Bo Lind, Carl Berg\nBilag\nNotat\n"
        ),
        "1 Referat til mødet i Trafikudvalget Mødedato: Onsdag den 27. november 2013 Medlemmer: Fraværende: Formand: "
        "Anna Holm (O) Næstformand: Bo Lind (V) Carl Berg (A) Bo Lind" + ITEMS,
    ],
)
def test_no_participants_where_attendance_is_not_stated(registry, text):
    assert run(text, registry).participants == []


def test_colon_less_lists_must_be_names(registry):
    text = (
        "Referat\nmandag den 9. september 2019 kl. 15:00\nMødedeltagere Anna Holm, Bo Lind\nFraværende Carl Berg\n"
        + ITEMS
    )
    assert people_of(text, registry) == {("Anna Holm", True), ("Bo Lind", True), ("Carl Berg", False)}


def test_place_and_start_in_sentences(registry):
    assert meeting_of("Mødet afholdt på Plejecentret Solbakken\n" + ITEMS, registry)[4] == "Plejecentret Solbakken"
    text = (
        "1. Godkendelse af dagsorden\n\nBeslutning\n\n"
        "Mødet i Trafikudvalget begyndte kl. 14:30 og sluttede kl. 17:00.\n"
    )
    assert meeting_of(text, registry)[3] == "14:30"


def test_labels_whose_values_are_displaced_or_on_the_same_line(registry):
    # an empty label followed by another label has no value; a date field's weekday date with a comma before the year
    text = (
        "Trafikudvalget - 11-01-2021\n\nReferat\n\nUdvalg:\n\nDato:\n\nMandag, 11 januar, 2021 - 19:00\n\n"
        "Hent som fil:\n\n"
        "Lokation:" + ITEMS
    )
    assert meeting_of(text, registry) == ("Trafikudvalget", None, "2021-01-11", "19:00", None)
    assert meeting_of("UDVALG Trafikudvalget\nSTARTTIDSPUNKT 23-03-2015 16:00:00" + ITEMS, registry)[2:4] == (
        "2015-03-23",
        "16:00",
    )


def test_prevented_from_every_decided_item_is_absent(registry):
    line = "Rådmand Anna Holm og Bo Lind var forhindret i at deltage i sagens behandling."
    text = (
        f"Referat Magistraten 25-03-2019\n  Trafikplan\n  Beslutning\n  Drøftet.\n  {line}\n  Sagens forløb 18-03-2019 "
        f"Magistraten\n  {line}\n  Bilag\n  Notat\n  Cykelstier\n  Beslutning\n  Intet.\n  {line}\n"
    )
    assert people_of(text, registry) == {("Anna Holm", False), ("Bo Lind", False)}


def test_apologies_numbered_inside_the_first_decision(registry):
    text = (
        "Dagsorden\nRegionsrådet 24-11-2020 13:00\n\n1. Meddelelse fra formanden\nReferat\n1. Afbud. Der var afbud fra "
        "Anna Holm og Bo Lind. Carl Berg havde meddelt, at han var forsinket.\n2. Formandsbeslutning. Intet.\n\n"
        "2. Budget\nReferat\nGodkendt.\n"
    )
    assert people_of(text, registry) == {("Anna Holm", False), ("Bo Lind", False), ("Carl Berg", True)}
    assert meeting_of(text, registry)[:4] == ("Regionsrådet", None, "2020-11-24", "13:00")


def test_a_list_in_two_columns_is_not_read(registry):
    # where one name ends and the next begins is lost; a wrong name is worse than none
    text = "Referat\nTrafikudvalget\n\nMedlemmer:\nAnna Holm Bo Lind\nCarl Berg Dorthe Mik\nEva Nord\n" + ITEMS
    assert run(text, registry).participants == []
