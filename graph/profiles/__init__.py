"""Layout profiles: what sets one publisher's family of minutes apart, as data.

Most of the vocabulary of minutes is shared and lives in the lexicon (graph/lexicon/). Where a family of layouts
differs in a way that would be wrong for the others (the decision written before the case text, a history
section, a header built as a sentence), the difference is a profile: one `*.toml` file in this folder with how
to recognise the family and the settings the components read. A new layout is a change to one file plus its
gold (data/gold/).

    name = "firstagenda-tekst"
    doc = "Kommunale FirstAgenda-publikationer som tekst: Beslutning først i hvert punkt."
    [detect]                       # in the document's first DETECT_CHARS characters (MULTILINE, IGNORECASE)
    all = ['^Udvalg:', '^Mødedato:']   # every one must be found ...
    any = []                       # ... and at least one of these, if any are given
    source = 'dagsorden'           # or: a pattern on the address the minutes were published at
    examples = ["Udvalg: Social- og Handicapudvalget\\nMødedato: mandag den 7. februar 2022"]
    counter = ["Referat\\nDeltagere: A, B"]
    [settings]
    decision_first = true

The first profile (in file-name order) whose detection matches is the document's; none matching is the
generic profile with no settings. tests/test_lexicon.py checks every profile's examples and counter-examples.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent
DETECT_CHARS = 3000


class ProfileError(Exception):
    pass


@dataclass(frozen=True)
class Profile:
    name: str = "generisk"
    doc: str = "Ingen særlige træk: kun leksikonets fælles regler."
    all: tuple[re.Pattern, ...] = ()
    any: tuple[re.Pattern, ...] = ()
    source: re.Pattern | None = None
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def detects(self, text: str, source: str | None = None) -> bool:
        if self.source is not None and source and self.source.search(source):
            return True
        if not self.all and not self.any:
            return False
        head = text[:DETECT_CHARS]
        return all(p.search(head) for p in self.all) and (not self.any or any(p.search(head) for p in self.any))

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


GENERIC = Profile()


def _compile(path: Path, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.MULTILINE | re.IGNORECASE)
    except re.error as exc:
        raise ProfileError(f"{path.name}: ugyldigt mønster {pattern!r}: {exc}") from exc


def load(folder: Path = FOLDER) -> list[Profile]:
    profiles = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        detect = data.get("detect", {})
        if "name" not in data:
            raise ProfileError(f"{path.name}: mangler name")
        profiles.append(
            Profile(
                name=data["name"],
                doc=data.get("doc", ""),
                all=tuple(_compile(path, p) for p in detect.get("all", [])),
                any=tuple(_compile(path, p) for p in detect.get("any", [])),
                source=_compile(path, detect["source"]) if detect.get("source") else None,
                examples=tuple(detect.get("examples", ())),
                counter=tuple(detect.get("counter", ())),
                settings=dict(data.get("settings", {})),
            )
        )
    return profiles


@cache
def profiles() -> list[Profile]:
    return load()


def profile_for(text: str, source: str | None = None) -> Profile:
    """The profile of the family a document belongs to, or the generic one."""
    return next((p for p in profiles() if p.detects(text, source)), GENERIC)
