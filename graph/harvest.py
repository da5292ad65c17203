"""`harvest`: keep a folder of minutes current from FirstAgenda publication portals (../shared/FIRSTAGENDA.md).

A portal lists its committees and their meetings (`/api/agenda/udvalgsliste`) and serves each meeting as JSON
(`/api/agenda/dagsorden/<id>`), which `build` reads natively (graph.read.portal). Meetings are saved as
`<minutes>/<portal host>/<committee>/<date>_<meeting id>.json`, with the address they came from in the file
(`_source`, which becomes dct:source in the graph) and the time they were fetched in the folder's state file
(`<minutes>/<portal host>/.harvest.json`).

Incremental and polite: a meeting already fetched whose minutes are final (`Afsluttet`) is not fetched again; an
agenda is fetched again until it is final. One request at a time, a pause between requests to the same host,
timeouts, retries with growing pauses on 429, 5xx and dropped connections. Files are written under a temporary
name and renamed, and the state after every meeting, so an interrupted harvest resumes where it stopped and
never leaves a partial file; nothing local is ever deleted because a portal is down. What a portal answers that
is not what is expected (an HTML page, cut-off JSON, a redirect to another host) is said plainly.

Verified against the JSON of one municipal portal (Greve, 2022-2025, in ../shared/corpus/firstagenda); the
regional portals' answers have not been seen by anyone here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .read.portal import is_portal_meeting
from .registry import Registry, normalise_name
from .vocab import slug

COMMITTEES_PATH = "/api/agenda/udvalgsliste"
MEETING_PATH = "/api/agenda/dagsorden/{id}"
STATE_FILE = ".harvest.json"
PORTALS_FILE = "portaler.csv"  # in the reference folder: organisation -> portal, with source and confidence
USER_AGENT = "sundhedsgraf-harvest (+https://w3id.org/sundhedsgraf)"


class HarvestError(Exception):
    """What went wrong, in words for the user; `retry` when trying again may help."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.retry = retry
        self.after: float | None = None  # seconds the server asked to wait (Retry-After)


@dataclass(frozen=True)
class Committee:
    id: str
    name: str
    group: str | None = None
    meetings: tuple[tuple[str, str | None], ...] = ()  # (meeting id, date) as the list gives them


@dataclass
class HarvestReport:
    portal: str
    fetched: list[Path] = field(default_factory=list)  # new or changed meeting files
    unchanged: int = 0  # fetched again (not final before) and the same
    skipped: int = 0  # final and already here: not fetched
    failed: list[tuple[str, str]] = field(default_factory=list)  # (meeting or committee, message)

    @property
    def ok(self) -> bool:
        return not self.failed


# --------------------------------------------------------------------------- polite HTTP


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect to another host is not followed for data: the portal's address may be wrong or taken over."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).netloc != urllib.parse.urlsplit(req.full_url).netloc:
            raise HarvestError(f"{req.full_url} sender videre til en anden vært ({newurl}); det følges ikke")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class Client:
    """One request at a time, `delay` seconds between requests to a host, `retries` tries with a pause that
    doubles from `backoff` seconds (or what Retry-After asks, up to a minute)."""

    delay: float = 1.0
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_SameHostRedirects())

    def _wait_turn(self, host: str) -> None:
        pause = self._last.get(host, -1e9) + self.delay - time.monotonic()
        if pause > 0:
            self.sleep(pause)
        self._last[host] = time.monotonic()

    def get_json(self, url: str) -> Any:
        for attempt in range(self.retries + 1):
            try:
                return self._get_once(url)
            except HarvestError as exc:
                if not exc.retry or attempt == self.retries:
                    raise
                self.sleep(min(60.0, getattr(exc, "after", None) or self.backoff * 2**attempt))
        raise AssertionError("unreachable")

    def _get_once(self, url: str) -> Any:
        self._wait_turn(urllib.parse.urlsplit(url).netloc)
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(64 * 1024 * 1024 + 1)
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            error = HarvestError(f"{url} svarede HTTP {exc.code}", retry=exc.code == 429 or exc.code >= 500)
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            if retry_after and retry_after.strip().isdigit():
                error.after = float(retry_after)
            raise error from exc
        except HarvestError:
            raise
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HarvestError(f"{url} svarer ikke ({reason})", retry=True) from exc
        if len(body) > 64 * 1024 * 1024:
            raise HarvestError(f"{url} svarede med mere end 64 MB; det er ikke et møde")
        text = body.decode("utf-8-sig", errors="replace")
        if "json" not in content_type.lower() and text.lstrip()[:1] not in ("{", "["):
            raise HarvestError(
                f"{url} svarede med {content_type or 'ukendt indhold'} ({text.strip()[:60]!r}), "
                "ikke JSON: portalen har måske ikke dette endpoint"
            )
        try:
            return json.loads(text)
        except ValueError as exc:
            raise HarvestError(f"{url} svarede med ufuldstændig eller ugyldig JSON ({exc})", retry=True) from exc


# --------------------------------------------------------------------------- portals and committees


def portal_base(url: str) -> str:
    """https://dagsordener.greve.dk/?request.kriterie.udvalgId=... -> https://dagsordener.greve.dk"""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HarvestError(f"'{url}' er ikke en portaladresse (https://dagsordener.<kommune>.dk)")
    return f"{parts.scheme}://{parts.netloc}"


def _committee_dicts(value: Any) -> Iterator[tuple[str | None, dict]]:
    """Committees wherever the list puts them: {"Udvalg": {"<group>": [{Navn, Id, Moeder}]}} or a flat list."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, list):
                for entry in inner:
                    if isinstance(entry, dict) and entry.get("Id") and entry.get("Navn"):
                        yield key if key != "Udvalg" else None, entry
                    else:
                        yield from _committee_dicts(entry)
            else:
                yield from _committee_dicts(inner)
    elif isinstance(value, list):
        for entry in value:
            yield from _committee_dicts(entry)


def list_committees(client: Client, portal: str) -> list[Committee]:
    url = portal_base(portal) + COMMITTEES_PATH
    data = client.get_json(url)
    found: dict[str, Committee] = {}
    for group, entry in _committee_dicts(data):
        meetings = tuple(
            (str(m["Id"]), str(m.get("Dato") or "")[:10] or None)
            for m in entry.get("Moeder") or []
            if isinstance(m, dict) and m.get("Id")
        )
        found.setdefault(str(entry["Id"]), Committee(str(entry["Id"]), str(entry["Navn"]).strip(), group, meetings))
    if not found:
        raise HarvestError(f"{url} svarede, men uden udvalg i det kendte format ({json.dumps(data)[:80]}...)")
    return sorted(found.values(), key=lambda c: (c.group or "", c.name.lower()))


def choose_committees(committees: list[Committee], wanted: list[str]) -> list[Committee]:
    """By id or by name (case, spacing and dashes do not matter); an unknown one is an error listing the names."""
    if not wanted:
        return committees
    chosen: list[Committee] = []
    for want in wanted:
        key = normalise_name(want)
        hits = [c for c in committees if c.id.lower() == want.strip().lower() or normalise_name(c.name) == key]
        if not hits:
            names = ", ".join(sorted({c.name for c in committees}))
            raise HarvestError(f"portalen har intet udvalg '{want}'. Udvalgene: {names}")
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


# --------------------------------------------------------------------------- organisations -> portals


@dataclass(frozen=True)
class PortalEntry:
    organisation: str
    portal: str | None
    committee_id: str | None  # a sundhedsråd is one committee on its region's portal
    source: str
    confidence: str


def load_portals(reference_dir: Path) -> list[PortalEntry]:
    path = reference_dir / PORTALS_FILE
    entries = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            example = row.get("eksempel_udvalg_url") or ""
            committee = urllib.parse.parse_qs(urllib.parse.urlsplit(example).query).get(
                "request.kriterie.udvalgId", [None]
            )[0]
            entries.append(
                PortalEntry(
                    row["organisation"].strip(),
                    (row.get("portal") or "").strip() or None,
                    committee if normalise_name(row["organisation"]).startswith("sundhedsråd") else None,
                    row.get("kilde", ""),
                    row.get("sikkerhed", ""),
                )
            )
    return entries


def resolve_organisation(name: str, registry: Registry, reference_dir: Path) -> PortalEntry:
    """A municipality (by name, "X Kommune" or code), a region or a sundhedsråd -> its portal (and committee).
    An organisation the list knows without a portal is an error saying so, never a guess."""
    entries = load_portals(reference_dir)
    by_name = {normalise_name(e.organisation): e for e in entries}
    key = normalise_name(name)
    if key in by_name:
        return _usable(by_name[key])
    bare = re.sub(r"s?\s+kommune$", "", name.strip(), flags=re.I)
    candidates = (
        registry.lookup(name)
        or registry.lookup(bare)
        or ([registry.entities[f"kommune/{name.strip()}"]] if f"kommune/{name.strip()}" in registry.entities else [])
    )
    entity = next((e for e in candidates if e.kind in ("kommune", "region")), None)
    if entity is not None:
        for label in [entity.name, *entity.labels]:
            hit = by_name.get(normalise_name(label)) or by_name.get(
                normalise_name(re.sub(r"\s+kommune$", "", label, flags=re.I))
            )
            if hit:
                return _usable(hit)
        if entity.kind == "kommune":
            shown = next(
                (label for label in entity.labels if label.lower().endswith("kommune")), f"{entity.name} Kommune"
            )
            raise HarvestError(
                f"{shown} har ingen kendt FirstAgenda-portal (den udgiver andetsteds, "
                f"eller adressen er ikke kendt); angiv --portal, hvis du kender den"
            )
    raise HarvestError(f"'{name}' er ikke en kendt kommune, region eller et kendt sundhedsråd med portal")


def _usable(entry: PortalEntry) -> PortalEntry:
    if not entry.portal:
        raise HarvestError(f"{entry.organisation} har ingen kendt portaladresse ({entry.source})")
    if normalise_name(entry.organisation).startswith("sundhedsråd") and not entry.committee_id:
        raise HarvestError(
            f"{entry.organisation}s udvalgsadresse på {entry.portal} er ikke kendt ({entry.source}); "
            f"brug --portal {entry.portal} --list og vælg udvalget med --committee"
        )
    return entry


# --------------------------------------------------------------------------- fetching


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _State:
    """What was fetched from one portal: meeting id -> {path, final, fetched, source}."""

    def __init__(self, folder: Path):
        self.path = folder / STATE_FILE
        try:
            self.meetings: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8")).get("meetings", {})
        except (OSError, ValueError, AttributeError):
            self.meetings = {}

    def done(self, meeting_id: str, folder: Path) -> bool:
        entry = self.meetings.get(meeting_id)
        return bool(entry and entry.get("final") and (folder / entry.get("path", "")).is_file())

    def record(self, meeting_id: str, **values: Any) -> None:
        self.meetings[meeting_id] = values
        _write_atomic(
            self.path, json.dumps({"format": 1, "meetings": self.meetings}, ensure_ascii=False, indent=1).encode()
        )


def _since(meetings: tuple[tuple[str, str | None], ...], since: dt.date | None) -> list[tuple[str, str | None]]:
    return [(m, d) for m, d in meetings if since is None or not d or d >= since.isoformat()]


def harvest(
    portal: str,
    minutes_dir: Path,
    committees: list[str] | None = None,
    since: dt.date | None = None,
    client: Client | None = None,
    progress: Callable[[str], None] | None = None,
) -> HarvestReport:
    """Fetch the chosen committees' meetings (default: all) from `portal` into `minutes_dir`."""
    client = client or Client()
    base = portal_base(portal)
    folder = Path(minutes_dir) / urllib.parse.urlsplit(base).netloc
    report = HarvestReport(base)
    chosen = choose_committees(list_committees(client, base), committees or [])
    state = _State(folder)
    for committee in chosen:
        for meeting_id, date in _since(committee.meetings, since):
            if state.done(meeting_id, folder):
                report.skipped += 1
                continue
            if progress:
                progress(f"{committee.name} {date or ''} ({meeting_id})")
            try:
                _fetch_meeting(client, base, folder, committee, meeting_id, date, state, report)
            except HarvestError as exc:
                report.failed.append((f"{committee.name} {date or ''} ({meeting_id})", str(exc)))
    return report


def _fetch_meeting(
    client: Client,
    base: str,
    folder: Path,
    committee: Committee,
    meeting_id: str,
    date: str | None,
    state: _State,
    report: HarvestReport,
) -> None:
    url = base + MEETING_PATH.format(id=urllib.parse.quote(meeting_id, safe=""))
    data = client.get_json(url)
    if not is_portal_meeting(data):
        raise HarvestError(f"{url} svarede med JSON, men ikke et møde i FirstAgendas format")
    data["_source"] = url
    moede = data.get("Moede") if isinstance(data.get("Moede"), dict) else {}
    day = str(moede.get("Dato") or date or "")[:10] or "udateret"
    relative = Path(slug(committee.name)) / f"{slug(day)}_{slug(meeting_id, max_len=64)}.json"
    body = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    target = folder / relative
    if target.is_file() and target.read_bytes() == body:
        report.unchanged += 1
    else:
        _write_atomic(target, body)
        report.fetched.append(target)
    state.record(
        meeting_id,
        path=str(relative),
        final=moede.get("Afsluttet") is True,
        source=url,
        fetched=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
