"""The structure that takes over on 2027-01-01: the 17 sundhedsråd, Region Østdanmark and what each council inherits
from the clusters (issue 14). Registry, linking of council minutes, the named questions, SHACL and the maps."""

from __future__ import annotations

import csv
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.link import Linker, link
from graph.maps import load_graph, structure, transition_view, write_html
from graph.query import QUERY_PREFIXES, load_queries, run
from graph.registry import RegistryError, load_registry
from graph.store import GraphStore
from graph.vocab import ID
from tests.test_maps import BROWSER_ARGS, CHROMIUM

ALL = load_queries()
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
LILLEBAELT_CLUSTER = "klynge/1083/lillebaelt"


def council(registry, name):
    return next(e for e in registry.by_kind("sundhedsraad") if e.name == name)


# --------------------------------------------------------------------------- the registry


def test_seventeen_councils_in_four_regions(registry):
    councils = registry.by_kind("sundhedsraad")
    assert len(councils) == 17
    per_region = Counter(registry.get(c.region).name for c in councils)
    assert per_region == {
        "Region Østdanmark": 6,
        "Region Midtjylland": 5,
        "Region Syddanmark": 4,
        "Region Nordjylland": 2,
    }
    assert registry.get("region/oestdanmark").succeeds == ("region/1084", "region/1085")


def test_all_98_kommuner_exactly_once_under_each_reading(registry):
    kommuner = {k.id for k in registry.by_kind("kommune")}
    assert registry.readings == ("kommunelister", "medlemslister")
    for reading in registry.readings:
        places = registry.council_areas(reading)
        assert set(places) == kommuner, reading
        assert all(len(p) == 1 for p in places.values()), reading
    # the two readings differ exactly in Middelfart and Billund
    a, b = ({k: p[0].council for k, p in registry.council_areas(r).items()} for r in registry.readings)
    assert {registry.get(k).name for k in kommuner if a[k] != b[k]} == {"Middelfart", "Billund"}


def test_a_disputed_kommune_keeps_both_readings_with_confidence_and_alternatives(registry):
    middelfart = sorted(registry.councils_of("kommune/0410"), key=lambda a: a.reading)
    assert [(registry.get(a.council).name, a.reading, a.primary) for a in middelfart] == [
        ("Sundhedsråd Fyn", "kommunelister", False),
        ("Sundhedsråd Lillebælt", "medlemslister", True),
    ]
    assert all(a.disputed and a.confidence == "U" and a.source and a.note for a in middelfart)
    assert middelfart[0].alternatives == (middelfart[1].council,) and middelfart[1].alternatives == (
        middelfart[0].council,
    )
    billund = {registry.get(a.council).name: a.reading for a in registry.councils_of("kommune/0530")}
    assert billund == {"Sundhedsråd Sydvestjylland": "medlemslister", "Sundhedsråd Lillebælt": "kommunelister"}
    vejen = registry.councils_of("kommune/0575")
    assert [(registry.get(a.council).name, a.disputed) for a in vejen] == [("Sundhedsråd Sydvestjylland", False)]


def test_dates_preparatory_from_the_first_meeting_formal_from_2027(registry):
    av = council(registry, "Sundhedsråd Amager og Vestegnen")
    assert av.first_meeting == av.valid_from == date(2026, 1, 19) and av.phases[0].confidence == "V"
    kon = council(registry, "Sundhedsråd Københavns Omegn Nord")
    assert kon.valid_from == date(2026, 1, 14) and kon.phases[0].confidence == "P"
    fyn = council(registry, "Sundhedsråd Fyn")
    assert fyn.first_meeting is None and fyn.valid_from == date(2026, 1, 1) and fyn.phases[0].confidence == "U"
    for c in registry.by_kind("sundhedsraad"):
        preparatory, formal = c.phases
        assert (
            preparatory.valid_to == date(2026, 12, 31)
            and formal.valid_from == date(2027, 1, 1)
            and formal.confidence == "V"
        )
    prep = registry.get("forum/forberedende-regionsraad-oestdanmark")
    assert (prep.valid_from, prep.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert av.reports_to == prep.id and av.also_reports_to == ("forum/regionsraad-oestdanmark",)
    assert council(registry, "Sundhedsråd Fyn").reports_to == "forum/regionsraad-1083"


def test_region_midtjylland_publishes_each_council_as_two_committees(registry):
    forms = sorted(f.name for f in registry.by_kind("forum") if f.level == "sundhedsraad")
    assert (
        len(forms) == 10
        and "Sundhedsråd Aarhus (forberedende)" in forms
        and "Sundhedsråd Aarhus (særligt udvalg)" in forms
    )
    assert all(
        registry.get(f.part_of).region == "region/1082" for f in registry.by_kind("forum") if f.level == "sundhedsraad"
    )


def test_members_with_role_seat_and_the_kommune_a_seat_represents(registry):
    av = council(registry, "Sundhedsråd Amager og Vestegnen")
    seats = registry.seats_in(av.id)
    assert len(seats) == 19
    assert Counter(s.seat for s in seats) == {"regionalt": 10, "kommunalt": 9}
    chair = next(s for s in seats if s.role == "formand")
    assert (chair.name, chair.party, chair.confidence, chair.represents) == (
        "Tormod Olsen",
        "Ø",
        "V",
        "region/oestdanmark",
    )
    assert next(s for s in seats if s.name == "Pia Mols").represents == "kommune/0167"  # Hvidovre
    for c in registry.by_kind("sundhedsraad"):  # one chair, one vice-chair, one more regional than municipal seat
        seats = registry.seats_in(c.id)
        assert Counter(s.role for s in seats)["formand"] == 1 and Counter(s.role for s in seats)["naestformand"] == 1, (
            c.name
        )
        count = Counter(s.seat for s in seats)
        if c.name != "Sundhedsråd Limfjorden":  # the source lists a deputy among Limfjorden's regional members
            assert count["regionalt"] == count["kommunalt"] + 1, c.name


def test_persons_are_the_ids_the_extractor_mints_and_homonyms_are_told_apart(registry):
    assert registry.get("person/stinus-lindgreen").kind == "person"
    assert {s.organisation for s in registry.seats if s.person == "person/stinus-lindgreen"} == {
        "sundhedsraad/oestdanmark/koebenhavns-omegn-nord",
        "sundhedsraad/oestdanmark/nordsjaelland",
    }
    assert "person/peter-larsen" not in registry.entities  # two different people in Limfjorden
    assert {registry.get(s.represents).name for s in registry.seats if s.name == "Peter Larsen"} == {
        "Aalborg",
        "Thisted",
    }
    assert [e.id for e in registry.lookup("Torben Hollmann")] == ["person/torben-klitmoeller-hollmann"]


def test_the_transition_from_sundhedsklynge_lillebaelt(registry):
    moves = {registry.get(t.council).name: t for t in registry.transitions if t.predecessor == LILLEBAELT_CLUSTER}

    def names(ids):
        return sorted(registry.get(k).name for k in ids)

    assert set(moves) == {"Sundhedsråd Lillebælt", "Sundhedsråd Sydvestjylland", "Sundhedsråd Fyn"}
    assert names(moves["Sundhedsråd Lillebælt"].certain) == ["Fredericia", "Kolding", "Vejle"]
    assert names(moves["Sundhedsråd Lillebælt"].disputed) == ["Billund", "Middelfart"]
    assert names(moves["Sundhedsråd Sydvestjylland"].certain) == ["Vejen"]
    assert moves["Sundhedsråd Fyn"].certain == () and moves["Sundhedsråd Fyn"].confidence == "U"
    assert all(t.date == date(2027, 1, 1) for t in moves.values())
    # every cluster's kommuner go somewhere; the SSUs are predecessors too
    for cluster in registry.by_kind("klynge"):
        moved = {k for t in registry.transitions if t.predecessor == cluster.id for k in t.municipalities}
        assert moved == set(cluster.members), cluster.name
    assert {t.council for t in registry.transitions if t.predecessor == "forum/ssu-1085"} == {
        "sundhedsraad/oestdanmark/oestsjaelland-og-oeerne",
        "sundhedsraad/oestdanmark/midt-og-vestsjaelland",
    }


def _rewrite(path, mutate):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    mutate(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_a_kommune_in_two_councils_or_none_is_refused_with_file_and_line(reference_copy):
    path = reference_copy / "reference" / "sundhedsraad.csv"

    def vejle_also_in_fyn_and_vejen_nowhere(rows):
        fyn = next(r for r in rows if r[0] == "fyn")
        fyn[3] += ";Vejle"
        sydvest = next(r for r in rows if r[0] == "sydvestjylland")
        sydvest[3] = sydvest[3].replace(";Vejen", "")

    _rewrite(path, vejle_also_in_fyn_and_vejen_nowhere)
    with pytest.raises(RegistryError) as caught:
        load_registry(reference_copy / "reference")
    message = str(caught.value)
    assert (
        "kommunen Vejle står i flere sundhedsråd" in message
        and "kommunen Vejen (kommune/0575) er ikke i noget sundhedsråd" in message
    )
    assert f"{path}:" in message


def test_a_dispute_must_name_the_council_the_council_file_lists(reference_copy):
    path = reference_copy / "reference" / "sundhedsraad-omstridte.csv"
    _rewrite(path, lambda rows: rows[1].__setitem__(2, "vendsyssel"))  # Middelfart's member-list reading
    with pytest.raises(
        RegistryError,
        match=r"sundhedsraad-omstridte.csv:2: kommunen Middelfart ligger ikke i Sundhedsråd Vendsyssels region",
    ):
        load_registry(reference_copy / "reference")


def test_a_registry_without_councils_still_loads(reference_copy):
    for name in (
        "sundhedsraad.csv",
        "sundhedsraad-medlemmer.csv",
        "sundhedsraad-omstridte.csv",
        "sundhedsraad-kompetencer.csv",
    ):
        (reference_copy / "reference" / name).unlink()
    path = reference_copy / "reference" / "reform.csv"
    _rewrite(path, lambda rows: rows.__delitem__(slice(4, None)))  # the councils' own reform events
    registry = load_registry(reference_copy / "reference")
    assert registry.by_kind("sundhedsraad") == [] and registry.transitions == []


# --------------------------------------------------------------------------- council minutes are linked to the registry

COUNCIL_MINUTES = """Referat

{forum}

Mødedato: {day} kl. 15:00
Mødested: Regionshuset

Deltagere:
Joachim Hoffmann (formand), Karin Riishede, Torben Hollmann, Peter Larsen

Punkt 1: Fordeling af sundheds- og omsorgspladser

Sagsfremstilling
Sundhedsrådet giver sin indstilling om placeringen af pladserne.

Indstilling
Administrationen indstiller, at sundhedsrådet anbefaler pladserne fordelt som beskrevet.

Beslutning
Anbefales over for {decider}.
"""


def _linked(tmp_path, registry, forum, day="2026-03-10", decider="Regionsrådet"):
    from graph.pipeline import extract_document

    path = tmp_path / "raad.txt"
    path.write_text(COUNCIL_MINUTES.format(forum=forum, day=day, decider=decider), encoding="utf-8")
    _, extraction = extract_document(path, registry)
    return extraction, link(extraction, registry)


def test_council_names_link_to_the_registry(registry):
    linker = Linker(registry)
    assert linker.council_forum("Sundhedsråd Aarhus (forberedende)").id == "forum/sundhedsraad/1082/aarhus/forberedende"
    assert (
        linker.council_forum("Sundhedsråd Aarhus (særligt udvalg)").id
        == "forum/sundhedsraad/1082/aarhus/saerligt-udvalg"
    )
    assert (
        linker.council_forum("Sundhedsråd Fyn (forberedende)").id == "sundhedsraad/1083/fyn"
    )  # no such committee: the council
    assert linker.council_forum("Sundhedsrådet for Fyn").id == "sundhedsraad/1083/fyn"
    assert linker.council_forum("Sundhedsklynge Lillebælt") is None
    prep, _ = linker.lookup("Det forberedende regionsråd i Region Østdanmark", ("forum",))
    assert prep.id == "forum/forberedende-regionsraad-oestdanmark"


def test_a_council_recommends_and_the_regional_council_decides(tmp_path, registry):
    extraction, linked = _linked(tmp_path, registry, "Sundhedsråd Lillebælt (forberedende)")
    assert linked.forum.id == "sundhedsraad/1083/lillebaelt" and linked.body_id == "sundhedsraad/1083/lillebaelt"
    route = {step.role: linked.route_forums[(0, k)] for k, step in enumerate(extraction.items[0].route)}
    assert route["recommends"] == "sundhedsraad/1083/lillebaelt" and route["decides"] == "forum/regionsraad-1083"
    assert linked.cases[0].startswith(
        "case/sundhedsraad/1083/lillebaelt/"
    )  # never the cluster's case of the same title
    # the registry's persons: an alias is the same node; a homonym is the one with a seat in this council (none here)
    assert linked.persons[:3] == [
        "person/joachim-hoffmann",
        "person/karin-riishede",
        "person/torben-klitmoeller-hollmann",
    ]
    assert linked.persons[3] == "person/peter-larsen"


def test_regionsraadet_in_the_east_is_the_preparatory_council_in_2026_and_region_oestdanmark_from_2027(
    tmp_path, registry
):
    for day, expected in (
        ("2026-03-02", "forum/forberedende-regionsraad-oestdanmark"),
        ("2027-03-02", "forum/regionsraad-oestdanmark"),
    ):
        extraction, linked = _linked(tmp_path, registry, "Sundhedsråd Østsjælland og Øerne", day=day)
        decides = [linked.route_forums[(0, k)] for k, s in enumerate(extraction.items[0].route) if s.role == "decides"]
        assert decides == [expected], day


def test_a_decision_naming_the_regional_council_in_lower_case_still_gives_its_route(tmp_path, registry):
    extraction, linked = _linked(tmp_path, registry, "Sundhedsråd Fyn", decider="regionsrådet")
    steps = [(s.role, linked.route_forums[(0, k)]) for k, s in enumerate(extraction.items[0].route)]
    assert ("recommends", "sundhedsraad/1083/fyn") in steps and ("decides", "forum/regionsraad-1083") in steps


# --------------------------------------------------------------------------- the named questions (issue 14, done when)


def _rows(result):
    return [
        {v: (row[i].value if row[i] is not None else "") for i, v in enumerate(result.variables)} for row in result.rows
    ]


@pytest.mark.parametrize(
    "kommune,expected",
    [
        ("Vejen", {("Sundhedsråd Sydvestjylland", "nej")}),
        ("Middelfart", {("Sundhedsråd Lillebælt", "ja"), ("Sundhedsråd Fyn", "ja")}),
        ("Billund", {("Sundhedsråd Sydvestjylland", "ja"), ("Sundhedsråd Lillebælt", "ja")}),
        ("København", {("Sundhedsråd Hovedstaden", "nej")}),
    ],
)
def test_which_council_a_kommune_belongs_to(built, kommune, expected):
    store = GraphStore.open_read_only(built.out_dir)
    rows = _rows(run(store, ALL["sundhedsraad-for-kommune"], {"kommune": kommune, "dato": "2026-06-01"}))
    assert {(r["sundhedsraad"], r["omstridt"]) for r in rows} == expected
    assert all(r["sikkerhed"] in ("V", "P", "U") and r["kilde"] and r["pr_dato"] == "2026-06-01" for r in rows)
    assert all(r["fase"] == "Forberedende" for r in rows)
    if len(rows) == 2:  # both readings, the reference notes' one first, neither chosen silently
        assert (
            rows[0]["laesning"] == "medlemslister (referencenoternes valg)" and rows[1]["laesning"] == "kommunelister"
        )


def test_the_date_of_a_question_is_the_day_it_is_asked(built):
    store = GraphStore.open_read_only(built.out_dir)
    rows = _rows(run(store, ALL["sundhedsraad-for-kommune"], {"kommune": "København"}))
    assert rows[0]["pr_dato"] == date.today().isoformat()
    before = run(store, ALL["sundhedsraad-for-kommune"], {"kommune": "København", "dato": "2025-06-01"})
    assert before.rows == []  # no council yet
    later = _rows(run(store, ALL["sundhedsraad-for-kommune"], {"kommune": "København", "dato": "2027-02-01"}))
    assert later[0]["fase"] == "Formel" and later[0]["anbefaler_til"] == "Regionsrådet i Region Østdanmark"
    assert later[0]["klynge_paa_datoen"] == ""
    now = _rows(run(store, ALL["sundhedsraad-for-kommune"], {"kommune": "København", "dato": "2026-06-01"}))
    assert now[0]["anbefaler_til"] == "Det forberedende regionsråd for Region Østdanmark"
    assert set(now[0]["klynge_paa_datoen"].split(", ")) == {"Sundhedsklynge Byen", "Sundhedsklynge Syd"}


def test_who_sits_in_sundhedsraad_amager_og_vestegnen(built):
    store = GraphStore.open_read_only(built.out_dir)
    rows = _rows(
        run(store, ALL["medlemmer-af-sundhedsraad"], {"raad": "Sundhedsråd Amager og Vestegnen", "dato": "2026-06-01"})
    )
    assert len(rows) == 19
    assert (rows[0]["navn"], rows[0]["rolle"], rows[0]["sikkerhed"]) == ("Tormod Olsen", "Formand", "V")
    assert rows[1]["rolle"] == "Næstformand"
    assert {r["repraesenterer"] for r in rows if r["mandat"] == "Kommunalt mandat"} == {
        "Albertslund",
        "Brøndby",
        "Dragør",
        "Glostrup",
        "Hvidovre",
        "Høje-Taastrup",
        "Ishøj",
        "Tårnby",
        "Vallensbæk",
    }
    assert all(r["kilde"] and r["pr_dato"] == "2026-06-01" for r in rows)
    assert (
        run(
            store, ALL["medlemmer-af-sundhedsraad"], {"raad": "Sundhedsråd Amager og Vestegnen", "dato": "2026-01-18"}
        ).rows
        == []
    )


def test_what_sundhedsraad_lillebaelt_inherits_from_sundhedsklynge_lillebaelt(built):
    store = GraphStore.open_read_only(built.out_dir)
    rows = [
        r
        for r in _rows(run(store, ALL["sundhedsraadets-arv"], {"raad": "Sundhedsråd Lillebælt"}))
        if r["arvet_fra"] == "Sundhedsklynge Lillebælt"
    ]
    kinds = Counter(r["hvad"] for r in rows)
    assert kinds["sag der venter på Sundhedsklynge Lillebælt, politisk niveau"] == 1
    assert kinds["initiativ"] >= 5 and kinds["bevilling"] >= 1 and kinds["indstilling uden beslutning"] >= 1
    waiting = next(r for r in rows if r["hvad"].startswith("sag der venter"))
    assert waiting["titel"].startswith("Punkter til næste møde i Politisk Niveau") and waiting["udfald"] == "Godkendt"
    training = next(r for r in rows if r["titel"] == "Træning og Trivsel for seniorer")
    assert training["seneste_dato"] == "2025-02-26" and training["udfald"] == "Godkendt" and training["citat"]
    assert all(r["kilde"] == "002_818f88c87e4c8c19.txt" and r["sikkerhed"] == "P" for r in rows)
    assert all("Fredericia, Kolding, Vejle" in r["overgang"] and "Middelfart" in r["overgang"] for r in rows)
    # Sydvestjylland takes Vejen (and perhaps Billund) from the same cluster: it inherits the cluster's work as well
    west = _rows(run(store, ALL["sundhedsraadets-arv"], {"raad": "Sundhedsråd Sydvestjylland"}))
    assert any(r["arvet_fra"] == "Sundhedsklynge Lillebælt" and r["overgang"].startswith("Vejen") for r in west)


def test_the_transition_question_lists_every_cluster(built):
    rows = _rows(run(GraphStore.open_read_only(built.out_dir), ALL["klynger-til-sundhedsraad"]))
    assert {r["fra"] for r in rows} >= {"Sundhedsklynge Lillebælt", "Klynge Midt", "Sundhedsklynge Midt"}
    lillebaelt = {r["til"]: r for r in rows if r["fra"] == "Sundhedsklynge Lillebælt"}
    assert set(lillebaelt) == {"Sundhedsråd Lillebælt", "Sundhedsråd Sydvestjylland", "Sundhedsråd Fyn"}
    assert (
        lillebaelt["Sundhedsråd Fyn"]["sikkerhed"] == "U" and lillebaelt["Sundhedsråd Fyn"]["omstridte"] == "Middelfart"
    )


# --------------------------------------------------------------------------- SHACL


def test_shacl_reports_a_dispute_without_alternatives_and_a_seat_that_represents_the_wrong_thing(registry):
    from rdflib import Graph, Literal, URIRef

    from graph.emit.registry import registry_graph
    from graph.ontology import ontology_graph
    from graph.validate import validate_graph
    from graph.vocab import ID, SG

    full = registry_graph(registry)
    wanted = [
        ID["membership/sundhedsraad/1083/lillebaelt/kommune/0410"],
        ID["membership/sundhedsraad/1083/lillebaelt/person/karin-riishede"],
        ID["sundhedsraad/1083/lillebaelt#forberedende"],
    ]
    nodes = set(wanted)
    for _ in range(3):  # what they point to, and what that points to: enough for the shapes' sh:class to see types
        nodes |= {o for n in list(nodes) for _, _, o in full.triples((n, None, None)) if isinstance(o, URIRef)}
    graph = Graph()
    for node in nodes:
        for triple in full.triples((node, None, None)):
            graph.add(triple)
    graph += ontology_graph()
    before = {
        (v.focus, v.message) for v in validate_graph(graph)
    }  # a cut-out of the registry: types at its edge are missing
    graph.remove((wanted[0], SG.alternative, None))
    graph.remove((wanted[1], SG.represents, None))
    graph.add((wanted[1], SG.represents, ID["region/1083"]))
    graph.remove((wanted[2], SG.validTo, None))
    graph.add((wanted[2], SG.validTo, Literal(date(2025, 1, 1))))
    new = {(v.focus.rsplit("/id/", 1)[-1], v.message) for v in validate_graph(graph)} - {
        (f.rsplit("/id/", 1)[-1], m) for f, m in before
    }
    assert new == {
        (
            "membership/sundhedsraad/1083/lillebaelt/kommune/0410",
            "Et omstridt medlemskab skal pege på de andre læsningers medlemskaber (sg:alternative).",
        ),
        (
            "membership/sundhedsraad/1083/lillebaelt/person/karin-riishede",
            "Et kommunalt mandat repræsenterer en kommune, et regionalt mandat en region.",
        ),
        (
            "sundhedsraad/1083/lillebaelt#forberedende",
            "En fase skal have én første dag, der ikke ligger efter den sidste.",
        ),
    }


# --------------------------------------------------------------------------- maps


def test_structure_of_2026_has_clusters_and_councils_and_2027_only_councils_and_four_regions(built):
    g = load_graph(GraphStore.open_read_only(built.out_dir))
    june = structure(g, "2026-06-01")
    kinds = Counter(d["type"] for _, d in june.nodes(data=True))
    assert kinds["klynge"] == 22 and kinds["sundhedsraad"] == 17 and kinds["kommune"] == 98
    labels = {d["label"] for _, d in june.nodes(data=True)}
    assert "Det forberedende regionsråd for Region Østdanmark" in labels and "Region Østdanmark" not in labels
    new_year = structure(g, "2027-01-01")
    kinds = Counter(d["type"] for _, d in new_year.nodes(data=True))
    assert dict(kinds) == {"region": 4, "sundhedsraad": 17, "kommune": 98}
    dashed = [
        (new_year.nodes[s]["label"], new_year.nodes[o]["label"])
        for s, o, e in new_year.edges(data=True)
        if e.get("dashes")
    ]
    assert sorted(dashed) == [
        ("Sundhedsråd Fyn", "Middelfart"),
        ("Sundhedsråd Lillebælt", "Billund"),
        ("Sundhedsråd Lillebælt", "Middelfart"),
        ("Sundhedsråd Sydvestjylland", "Billund"),
    ]
    assert structure(g, "2025-06-01").number_of_nodes() and not any(
        d["type"] == "sundhedsraad" for _, d in structure(g, "2025-06-01").nodes(data=True)
    )


def test_transition_map_shows_where_each_clusters_kommuner_go(built):
    g = load_graph(GraphStore.open_read_only(built.out_dir))
    view, positions = transition_view(g)
    label = {n: d["label"] for n, d in view.nodes(data=True)}
    lillebaelt = next(n for n in view if label[n] == "Sundhedsklynge Lillebælt")
    assert sorted(label[k] for _, k in view.out_edges(lillebaelt)) == [
        "Billund",
        "Fredericia",
        "Kolding",
        "Middelfart",
        "Vejen",
        "Vejle",
    ]
    middelfart = next(n for n in view if label[n] == "Middelfart")
    goes = {label[c]: bool(e.get("dashes")) for _, c, e in view.out_edges(middelfart, data=True)}
    assert goes == {"Sundhedsråd Lillebælt": True, "Sundhedsråd Fyn": True}
    assert set(positions) == set(view)


browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (CI installs it)",
)


def _drawn(path: Path, fragments: list[str]) -> list[dict]:
    """Open the page at each fragment in one headless Chromium; what is drawn, the heading and the date shown."""
    from playwright.sync_api import sync_playwright

    states = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file://") else None)
        for fragment in fragments:
            page.goto(path.as_uri() + fragment)
            page.wait_for_function("window.mapReady === true", timeout=20_000)
            state = page.evaluate("""() => {
                const shown = network.body.data.nodes.get({ filter: n => !n.hidden });
                const count = {};
                for (const n of shown) count[n._n.type] = (count[n._n.type] || 0) + 1;
                const ids = new Set(shown.map(n => n.id));
                const inView = shown.filter(n => { const p = network.getPosition(n.id), d = network.canvasToDOM(p);
                    return d.x >= 0 && d.y >= 0 && d.x <= 1400 && d.y <= 900; }).length;
                return { count, labels: shown.map(n => n._n.label), inView, total: shown.length,
                         heading: document.querySelector('h1').textContent, at: document.getElementById('at').value,
                         note: document.getElementById('dated-note').textContent, scale: network.getScale(),
                         edgesShown: network.body.data.edges.get({
                             filter: e => !e.hidden && ids.has(e.from) && ids.has(e.to) }).length };
            }""")
            state["png"] = len(page.screenshot())
            states.append(state)
        chromium.close()
    assert errors == [] and requests == []
    return states


@pytest.mark.browser
@browser
def test_structure_maps_of_2026_06_01_and_2027_01_01_in_the_browser(built, tmp_path):
    from graph.maps import make_map

    _, html = make_map(GraphStore.open_read_only(built.out_dir), "structure")
    page = write_html(tmp_path / "structure.html", html)
    june, new_year, today = _drawn(page, ["#2026-06-01", "#struktur@2027-01-01", ""])
    assert june["count"]["klynge"] == 22 and june["count"]["sundhedsraad"] == 17 and june["count"]["kommune"] == 98
    assert june["heading"].endswith("pr. 2026-06-01") and june["at"] == "2026-06-01"
    assert new_year["count"] == {"region": 4, "sundhedsraad": 17, "kommune": 98}
    assert new_year["heading"].endswith("pr. 2027-01-01") and "Region Østdanmark" in new_year["labels"]
    assert today["at"] == date.today().isoformat() and "(i dag)" in today["note"]
    for state in (june, new_year):  # readable: the whole picture on the screen at a scale where the big labels show
        assert state["inView"] == state["total"] and state["scale"] > 0.25 and state["edgesShown"] > 100
        assert state["png"] > 50_000


@pytest.mark.browser
@browser
def test_the_pack_has_the_transition_map_and_a_page_per_council(built, tmp_path):
    from graph.maps import onboarding_pack

    index = onboarding_pack(GraphStore.open_read_only(built.out_dir), tmp_path)
    transition, lillebaelt, later = _drawn(
        index, ["#overgang", "#sundhedsraad-sundhedsraad/1083/lillebaelt", "#struktur-2027"]
    )
    assert transition["count"] == {"klynge": 22, "kommune": 98, "sundhedsraad": 17} and transition["scale"] > 0.3
    assert lillebaelt["count"]["person"] == 13 and lillebaelt["count"]["kommune"] == 5
    assert {"Sundhedsklynge Lillebælt", "Regionsrådet i Region Syddanmark"} <= set(lillebaelt["labels"])
    assert later["at"] == "2027-01-01" and "klynge" not in later["count"]


def test_an_allocation_to_a_kommune_is_inherited_by_the_council_that_takes_the_kommune_over(built):
    # two allocations made by a decision of Sundhedsklynge Lillebælt: to Kolding (goes to Sundhedsråd Lillebælt)
    # and to Vejen (goes to Sundhedsråd Sydvestjylland); each council inherits only its own
    store = GraphStore.in_memory()
    store.ox.bulk_extend(GraphStore.open_read_only(built.out_dir).ox)
    decision = next(
        iter(
            store.query(
                """SELECT ?d WHERE {
                     ?k skos:prefLabel "Sundhedsklynge Lillebælt"@da . ?forum sg:partOf* ?k . ?m sg:heldBy ?forum ;
                        sg:hasAgendaItem ?item . ?tr dct:subject ?item ; prov:generated ?d } LIMIT 1""",
                prefixes=QUERY_PREFIXES,
            )
        )
    )["d"]
    sg, graph = "https://w3id.org/sundhedsgraf/ont#", ox.NamedNode("https://example.org/test")
    for node, kroner, kommune in (("kolding", "1234567", "0621"), ("vejen", "7654321", "0575")):
        allocation, to = ox.NamedNode(f"https://example.org/{node}"), ox.NamedNode(str(ID[f"kommune/{kommune}"]))
        store.ox.extend(
            [
                ox.Quad(decision, ox.NamedNode(sg + "allocates"), allocation, graph),
                ox.Quad(allocation, ox.NamedNode(sg + "amountDKK"), ox.Literal(kroner, datatype=XSD_DECIMAL), graph),
                ox.Quad(allocation, ox.NamedNode(sg + "allocatedTo"), to, graph),
            ]
        )

    def allocations(raad: str) -> set[str]:
        rows = _rows(run(store, ALL["sundhedsraadets-arv"], {"raad": raad}))
        return {r["titel"] for r in rows if r["hvad"] == "bevilling" and r["arvet_fra"] == "Sundhedsklynge Lillebælt"}

    assert any(t.startswith("1234567") for t in allocations("Sundhedsråd Lillebælt"))
    assert not any(t.startswith("7654321") for t in allocations("Sundhedsråd Lillebælt"))
    assert any(t.startswith("7654321") for t in allocations("Sundhedsråd Sydvestjylland"))
