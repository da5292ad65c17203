"""Every entry of the Danish lexicon (graph/lexicon/*.toml) matches its examples, not its counter-examples, and
stays linear on long hostile input."""

from __future__ import annotations

import time

import pytest

from graph.lexicon import Entry, LexiconError, lexicon, load
from graph.profiles import GENERIC, load as load_profiles, profile_for, profiles

ENTRIES = lexicon().all()
HOSTILE = [
    ".",
    "…",
    "a",
    "A",
    "Æ",
    "Aa-",
    "a ",
    " ",
    "\n",
    "\n ",
    "\t",
    "1",
    "1.",
    "(",
    "[",
    "a, ",
    "A og ",
    "-",
    ":",
    "kl. ",
    "den ",
    "at ",
    "Godkendt. ",
    "Punkt 1: ",
    "- ",
    "•",
]


def _time(entry: Entry, text: str) -> float:
    started = time.perf_counter()
    for _ in entry.regex.finditer(text):
        pass
    entry.regex.match(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_entry_matches_its_examples_and_not_its_counter_examples(entry):
    assert entry.examples, f"{entry.source}: {entry.name} har intet eksempel"
    assert entry.counter, f"{entry.source}: {entry.name} har intet modeksempel"
    for example in entry.examples:
        assert entry.test(example), f"{entry.name} ({entry.match}) skal ramme {example!r}"
    for counter in entry.counter:
        assert not entry.test(counter), f"{entry.name} ({entry.match}) må ikke ramme {counter!r}"


def test_every_entry_is_linear_on_long_hostile_input():
    slow = []
    for entry in ENTRIES:
        for unit in HOSTILE:
            short = (unit * (4000 // len(unit) + 1))[:4000]
            long = (unit * (8000 // len(unit) + 1))[:8000]
            t1, t2 = min(_time(entry, short) for _ in range(2)), min(_time(entry, long) for _ in range(2))
            if t2 > 0.02 and t2 > 3 * t1 or t2 > 0.2:  # doubling the input must not quadruple the time
                slow.append(f"{entry.name} on {unit!r}: {t1 * 1000:.1f} ms -> {t2 * 1000:.1f} ms")
    assert not slow, "\n".join(slow)


def test_broken_entries_are_refused_with_file_and_name(tmp_path):
    (tmp_path / "a.toml").write_text(
        "[x]\npattern = '(unclosed'\nexamples = ['x']\ncounter = ['y']\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"a\.toml: x: ugyldigt mønster"):
        load(tmp_path)
    (tmp_path / "a.toml").write_text("[x]\npattern = '{=y}'\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="ukendt opslag 'y'"):
        load(tmp_path)


def test_references_put_a_shared_part_in_once(tmp_path):
    (tmp_path / "a.toml").write_text(
        "[weekday]\npattern = 'mandag|tirsdag'\n\n[dated]\npattern = '^{=weekday} den \\d'\n", encoding="utf-8"
    )
    assert load(tmp_path)["dated"].regex.match("tirsdag den 4")


def test_each_profile_recognises_its_examples_and_not_its_counter_examples():
    # none is shipped yet (the generic rules read every layout in the gold); one added must pass this
    for profile in profiles():
        assert profile.examples and profile.counter, f"{profile.name}: eksempel og modeksempel mangler"
        for example in profile.examples:
            assert profile_for(example) is profile, f"{profile.name} skal genkende {example[:60]!r}"
        for counter in profile.counter:
            assert profile_for(counter) is not profile, f"{profile.name} må ikke genkende {counter[:60]!r}"


def test_a_profile_is_a_file_of_detection_and_settings(tmp_path):
    (tmp_path / "x.toml").write_text(
        'name = "x"\n[detect]\nall = ["^Udvalg:"]\nexamples = ["Udvalg: A"]\ncounter = ["B"]\n'
        "[settings]\ndecision_first = true\n",
        encoding="utf-8",
    )
    [profile] = load_profiles(tmp_path)
    assert profile.detects("Referat\nUdvalg: Socialudvalget") and not profile.detects("Udvalg i teksten")
    assert profile.setting("decision_first") is True and GENERIC.setting("decision_first", False) is False
