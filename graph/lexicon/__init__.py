"""One Danish lexicon of minutes, kept as data: section headings, participant and absence labels, header field
labels, item heading forms, list markers, verdict phrases, role words.

Every entry lives in a `*.toml` file in this folder (one file per concern), with a pattern, an example it must
match and a counter-example it must not; one generic test (tests/test_lexicon.py) checks every entry, and checks
that it stays linear on long hostile input. The extractors ask for entries by name:

    from graph.lexicon import rx, rules
    rx("decision_heading").match(line)
    for outcome, pattern in rules("outcome"): ...

An entry:

    [section.beslutning]            # name: "section.beslutning"
    doc = "Beslutningen: hvad mødet besluttede."
    pattern = '''beslutning(?:er)?|referat'''
    flags = ["IGNORECASE"]          # any of IGNORECASE, MULTILINE, DOTALL, VERBOSE
    match = "fullmatch"             # how the examples are tried: search (default), match or fullmatch
    examples = ["Beslutning"]
    counter = ["Beslutningsgrundlaget"]
    key = "beslutning"              # optional: what the entry stands for (a section kind, an outcome ...)

Entries under one table with a `[[group]]` array (`[[outcome]]`) are an ordered group: `rules("outcome")`.
A pattern may use another entry's pattern as `{=name}` (put in a non-capturing group), so a shared part such
as the weekdays is written once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE, "DOTALL": re.DOTALL, "VERBOSE": re.VERBOSE}
_REFERENCE = re.compile(r"\{=([a-z0-9_.-]+)\}")


class LexiconError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    name: str
    pattern: str  # with references resolved
    flags: int = 0
    match: str = "search"
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    key: str | None = None
    doc: str = ""
    source: str = ""  # file it comes from
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def regex(self) -> re.Pattern:
        return _compiled(self.pattern, self.flags)

    def test(self, text: str) -> re.Match | None:
        """Try the entry on `text` the way its examples are meant: search, match or fullmatch."""
        return getattr(self.regex, self.match)(text)


@cache
def _compiled(pattern: str, flags: int) -> re.Pattern:
    return re.compile(pattern, flags)


def _entries_of(source: str, data: dict, prefix: str = "") -> tuple[dict[str, dict], dict[str, list[dict]]]:
    singles: dict[str, dict] = {}
    groups: dict[str, list[dict]] = {}
    for name, value in data.items():
        full = f"{prefix}{name}"
        if isinstance(value, list):
            groups[full] = [{**v, "_source": source} for v in value]
        elif isinstance(value, dict) and "pattern" in value:
            singles[full] = {**value, "_source": source}
        elif isinstance(value, dict):
            inner_singles, inner_groups = _entries_of(source, value, full + ".")
            singles.update(inner_singles)
            groups.update(inner_groups)
    return singles, groups


@dataclass
class Lexicon:
    entries: dict[str, Entry]
    groups: dict[str, list[Entry]]

    def __getitem__(self, name: str) -> Entry:
        try:
            return self.entries[name]
        except KeyError:
            raise LexiconError(f"leksikonet har intet opslag '{name}'") from None

    def all(self) -> list[Entry]:
        return list(self.entries.values()) + [e for group in self.groups.values() for e in group]


def _make(name: str, raw: dict, resolve) -> Entry:
    unknown = set(raw) - {"pattern", "flags", "match", "examples", "counter", "key", "doc", "_source"}
    flags = 0
    for flag in raw.get("flags", []):
        if flag not in _FLAGS:
            raise LexiconError(f"{raw['_source']}: {name}: ukendt flag {flag}")
        flags |= _FLAGS[flag]
    if raw.get("match", "search") not in ("search", "match", "fullmatch"):
        raise LexiconError(f"{raw['_source']}: {name}: match skal være search, match eller fullmatch")
    entry = Entry(
        name=name,
        pattern=resolve(raw["pattern"], name),
        flags=flags,
        match=raw.get("match", "search"),
        examples=tuple(raw.get("examples", ())),
        counter=tuple(raw.get("counter", ())),
        key=raw.get("key"),
        doc=raw.get("doc", ""),
        source=raw["_source"],
        extra={k: raw[k] for k in unknown},
    )
    try:
        _ = entry.regex  # compiles the pattern now, so a bad one is reported with its source
    except re.error as exc:
        raise LexiconError(f"{raw['_source']}: {name}: ugyldigt mønster: {exc}") from exc
    return entry


def load(folder: Path = FOLDER) -> Lexicon:
    singles: dict[str, dict] = {}
    groups: dict[str, list[dict]] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        s, g = _entries_of(path.name, data)
        for name in set(s) & set(singles) | set(g) & set(groups):
            raise LexiconError(f"{path.name}: '{name}' findes allerede")
        singles.update(s)
        groups.update(g)

    resolving: list[str] = []

    def resolve(pattern: str, name: str) -> str:
        def one(m: re.Match) -> str:
            ref = m.group(1)
            if ref not in singles:
                raise LexiconError(f"{name}: henviser til ukendt opslag '{ref}'")
            if ref in resolving:
                raise LexiconError(f"{name}: henvisningerne går i ring ({' -> '.join(resolving + [ref])})")
            resolving.append(ref)
            try:
                return "(?:" + resolve(singles[ref]["pattern"], ref) + ")"
            finally:
                resolving.pop()

        return _REFERENCE.sub(one, pattern)

    entries = {name: _make(name, raw, resolve) for name, raw in singles.items()}
    grouped = {
        name: [_make(f"{name}[{i}]", raw, resolve) for i, raw in enumerate(items)] for name, items in groups.items()
    }
    return Lexicon(entries, grouped)


@cache
def lexicon() -> Lexicon:
    return load()


@cache  # asked for ~1,700 times per document: one dictionary look-up, not three
def rx(name: str) -> re.Pattern:
    """The compiled pattern of a lexicon entry."""
    return lexicon()[name].regex


def pattern(name: str) -> str:
    """The pattern text of an entry, to build a larger pattern in code."""
    return lexicon()[name].pattern


@cache  # asked for ~170 times per document: made once, not a new list each time
def rules(group: str) -> tuple[tuple[str, re.Pattern], ...]:
    """An ordered group of entries as (key, compiled pattern): the first that matches decides."""
    try:
        return tuple((entry.key or entry.name, entry.regex) for entry in lexicon().groups[group])
    except KeyError:
        raise LexiconError(f"leksikonet har ingen gruppe '{group}'") from None
