"""The national reference registry: the facts every other stage links to."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from graph.registry import RegistryError, load_registry


def test_98_kommuner_with_unique_four_digit_codes(registry):
    kommuner = registry.by_kind("kommune")
    assert len(kommuner) == 98
    codes = [k.code for k in kommuner]
    assert len(set(codes)) == 98
    assert all(len(c) == 4 and c.isdigit() for c in codes)


def test_every_kommune_is_in_one_of_the_five_regions(registry):
    per_region = Counter(registry.get(k.region).name for k in registry.by_kind("kommune"))
    assert per_region == {
        "Region Hovedstaden": 29,
        "Region Sjælland": 17,
        "Region Syddanmark": 22,
        "Region Midtjylland": 19,
        "Region Nordjylland": 11,
    }


def test_every_cluster_kommune_lies_in_the_clusters_region(registry):
    for cluster in registry.by_kind("klynge"):
        assert cluster.members, cluster.name
        for member in cluster.members:
            assert registry.get(member).region == cluster.region, (cluster.name, member)


def test_each_kommune_in_exactly_one_cluster_except_koebenhavn(registry):
    clusters_of = Counter(m for c in registry.by_kind("klynge") for m in c.members)
    assert set(clusters_of) == {k.id for k in registry.by_kind("kommune")}
    assert {k: n for k, n in clusters_of.items() if n > 1} == {"kommune/0101": 2}
    partial = [c.name for c in registry.by_kind("klynge") if "kommune/0101" in c.partial_members]
    assert sorted(partial) == ["Sundhedsklynge Byen", "Sundhedsklynge Syd"]


def test_clusters_are_keyed_by_region_and_name(registry):
    midt = registry.lookup("Sundhedsklynge Midt")
    assert {registry.get(c.region).name for c in midt} == {"Region Hovedstaden", "Region Nordjylland"}
    assert len({c.id for c in midt}) == 2


def test_every_cluster_has_its_two_statutory_levels(registry):
    for cluster in registry.by_kind("klynge"):
        political = registry.cluster_forum(cluster.id, "politisk-niveau")
        professional = registry.cluster_forum(cluster.id, "fagligt-strategisk-niveau")
        assert political and professional
        assert professional.reports_to == political.id
        assert political.valid_to == cluster.valid_to


def test_aliases_and_abbreviations_resolve(registry):
    assert [e.id for e in registry.lookup("Vejle Kommune")] == ["kommune/0630"]
    assert [e.id for e in registry.lookup("SLB")] == ["organisation/sygehus-lillebaelt"]
    assert [e.id for e in registry.lookup("Region Syddanmark")] == ["region/1083"]
    assert [e.id for e in registry.lookup("HEV")] == ["organisation/hospitalsenheden-vest"]


def test_every_fact_keeps_source_and_confidence(registry):
    for entity in registry.entities.values():
        assert entity.confidence in ("V", "P", "U"), entity.id
        assert entity.source, entity.id
    confidence = {c.name: c.confidence for c in registry.by_kind("klynge")}
    assert confidence["Sundhedsklynge Lillebælt"] == "V"
    assert confidence["Sundhedsklynge Nord"] == "U"
    assert confidence["Sundhedsklynge Midt"] == "P"


def test_reform_timeline_ends_clusters_and_merges_two_regions(registry):
    reform = next(e for e in registry.events if e.date.isoformat() == "2027-01-01")
    assert {c.id for c in registry.by_kind("klynge")} <= set(reform.dissolves)
    assert {"region/1084", "region/1085"} <= set(reform.dissolves)
    assert reform.establishes == ("region/oestdanmark",)
    for ssu in [f for f in registry.by_kind("forum") if f.id.startswith("forum/ssu-")]:
        assert ssu.valid_to.isoformat() == "2026-12-31"


def _rewrite(path, mutate):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    mutate(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_unknown_region_names_file_and_line(reference_copy):
    path = reference_copy / "reference" / "kommuner.csv"
    _rewrite(path, lambda rows: rows[5].__setitem__(2, "Region Atlantis"))
    with pytest.raises(RegistryError) as caught:
        load_registry(reference_copy / "reference")
    assert f"{path}:6: ukendt region 'Region Atlantis'" in str(caught.value)


def test_duplicate_code_names_both_lines(reference_copy):
    path = reference_copy / "reference" / "kommuner.csv"
    _rewrite(path, lambda rows: rows[3].__setitem__(0, rows[2][0]))
    with pytest.raises(RegistryError) as caught:
        load_registry(reference_copy / "reference")
    message = str(caught.value)
    assert f"{path}:4: id 'kommune/0147' findes allerede ({path}:3)" in message


def test_cluster_with_kommune_from_another_region_is_refused(reference_copy):
    path = reference_copy / "reference" / "sundhedsklynger.csv"

    def move_aalborg_into_lillebaelt(rows):
        row = next(r for r in rows if r[0] == "lillebaelt")
        row[4] += ";Aalborg"

    _rewrite(path, move_aalborg_into_lillebaelt)
    with pytest.raises(RegistryError, match=r"sundhedsklynger.csv:\d+: kommunen Aalborg ligger i region/1081"):
        load_registry(reference_copy / "reference")


def test_all_problems_are_reported_at_once(reference_copy):
    path = reference_copy / "reference" / "kommuner.csv"

    def two_errors(rows):
        rows[1][0] = "12"
        rows[2][5] = "X"

    _rewrite(path, two_errors)
    with pytest.raises(RegistryError) as caught:
        load_registry(reference_copy / "reference")
    assert len(caught.value.problems) >= 2
