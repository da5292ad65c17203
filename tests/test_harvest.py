"""`harvest` against a local portal that answers like a FirstAgenda portal (built from the corpus's real meetings),
including its failures: 500s, timeouts, cut-off JSON, an HTML page with status 200, a redirect to another host,
and a meeting that goes from agenda to minutes. No internet."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.build import DEFAULT_DATA, build
from graph.cli import main
from graph.evaluate import CORPUS_DIR
from graph.harvest import Client, HarvestError, harvest, list_committees, load_portals, resolve_organisation
from graph.pipeline import build_document
from graph.registry import load_registry

MEETINGS = sorted((CORPUS_DIR / "firstagenda").glob("*.json")) if (CORPUS_DIR / "firstagenda").is_dir() else []
ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not MEETINGS, reason="../shared/corpus/firstagenda is not beside the project")


class Portal:
    """A FirstAgenda portal on loopback. `faults[path]` is a list of what the next requests to that path get:
    "500", "429", "timeout", "truncated", "html", "redirect"; then the real answer."""

    def __init__(self, meetings: list[dict], redirect_to: str | None = None):
        self.meetings = {m["Id"]: m for m in meetings}
        self.faults: dict[str, list[str]] = {}
        self.requests: list[str] = []
        self.redirect_to = redirect_to
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                portal.requests.append(self.path)
                fault = portal.faults.get(self.path, [None]).pop(0) if portal.faults.get(self.path) else None
                if fault in ("500", "429"):
                    return self._send(int(fault), b"fejl", "text/plain")
                if fault == "timeout":
                    time.sleep(1.5)
                if fault == "html":
                    return self._send(200, b"<html><body>Siden findes ikke</body></html>", "text/html")
                if fault == "redirect":
                    self.send_response(302)
                    self.send_header("Location", portal.redirect_to + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = portal.answer(self.path)
                if body is None:
                    return self._send(404, b"ikke fundet", "text/plain")
                if fault == "truncated":
                    body = body[: len(body) // 2]
                self._send(200, body, "application/json; charset=utf-8")

            def _send(self, status, body, content_type):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str) -> bytes | None:
        if path == "/api/agenda/udvalgsliste":
            committees: dict[str, dict] = {}
            for meeting in self.meetings.values():
                entry = committees.setdefault(
                    meeting["Udvalg"]["Id"],
                    {"Navn": meeting["Udvalg"]["Navn"], "Id": meeting["Udvalg"]["Id"], "Moeder": []},
                )
                entry["Moeder"].append({"Id": meeting["Id"], "Dato": meeting["Moede"]["Dato"]})
            return json.dumps({"Udvalg": {"Aktuelle politiske udvalg": list(committees.values())}}).encode()
        meeting_id = path.rsplit("/", 1)[-1]
        if path.startswith("/api/agenda/dagsorden/") and meeting_id in self.meetings:
            return json.dumps(self.meetings[meeting_id], ensure_ascii=False).encode("utf-8")
        return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal():
    served = Portal([json.loads(p.read_text(encoding="utf-8")) for p in MEETINGS])
    yield served
    served.close()


def fast() -> Client:
    return Client(delay=0, timeout=1.0, retries=3, backoff=0.01)


def meeting_requests(portal: Portal) -> list[str]:
    return [r for r in portal.requests if "/dagsorden/" in r]


def test_harvest_fetches_every_meeting_once_and_build_reads_them(portal, tmp_path):
    minutes = tmp_path / "referater"
    report = harvest(portal.url, minutes, client=fast())
    assert report.ok and len(report.fetched) == len(MEETINGS) and report.skipped == 0
    files = sorted(minutes.glob("*/*/*.json"))
    assert len(files) == len(MEETINGS)
    for path in files:  # <portal>/<committee>/<date>_<meeting id>.json, with the address it came from
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.parent.parent.name == portal.url.split("//")[1]
        assert path.name == f"{data['Moede']['Dato'][:10]}_{data['Id']}.json"
        assert data["_source"] == f"{portal.url}/api/agenda/dagsorden/{data['Id']}"
    state = json.loads((minutes / portal.url.split("//")[1] / ".harvest.json").read_text(encoding="utf-8"))
    assert all(entry["fetched"] and entry["final"] for entry in state["meetings"].values())

    again = harvest(portal.url, minutes, client=fast())  # final minutes are not fetched again
    assert again.skipped == len(MEETINGS) and not again.fetched
    assert len(meeting_requests(portal)) == len(MEETINGS)

    built = build([minutes], out_dir=tmp_path / "data", document_builder=build_document)
    assert built.ok and sum(d.status == "built" for d in built.documents) == len(MEETINGS)
    rebuilt = build([minutes], out_dir=tmp_path / "data", document_builder=build_document)
    assert all(d.status == "unchanged" for d in rebuilt.documents)  # build after harvest: only what changed


def test_an_agenda_is_fetched_again_until_it_is_final(portal, tmp_path):
    meeting = next(iter(portal.meetings.values()))
    final = copy.deepcopy(meeting)
    meeting["Moede"]["Afsluttet"] = False
    meeting["Moede"]["Navn"] = "Dagsorden"
    minutes = tmp_path / "referater"
    harvest(portal.url, minutes, client=fast())
    second = harvest(portal.url, minutes, client=fast())
    assert second.unchanged == 1 and second.skipped == len(MEETINGS) - 1  # the agenda is asked for again
    final["Moede"]["Navn"] = "Referat"
    portal.meetings[meeting["Id"]] = final  # the minutes are published
    third = harvest(portal.url, minutes, client=fast())
    assert [p.name for p in third.fetched] == [f"{final['Moede']['Dato'][:10]}_{final['Id']}.json"]
    assert json.loads(third.fetched[0].read_text(encoding="utf-8"))["Moede"]["Navn"] == "Referat"
    assert harvest(portal.url, minutes, client=fast()).skipped == len(MEETINGS)


def test_transient_failures_are_retried(portal, tmp_path):
    ids = list(portal.meetings)
    portal.faults = {
        "/api/agenda/udvalgsliste": ["500", "429"],
        f"/api/agenda/dagsorden/{ids[0]}": ["500", "500"],
        f"/api/agenda/dagsorden/{ids[1]}": ["timeout"],
        f"/api/agenda/dagsorden/{ids[2]}": ["truncated"],
    }
    report = harvest(portal.url, tmp_path / "referater", client=fast())
    assert report.ok and len(report.fetched) == len(MEETINGS)


def test_what_is_not_a_meeting_is_said_plainly_and_the_rest_is_fetched(portal, tmp_path):
    other = Portal([])  # another host: a redirect there must not be followed
    portal.redirect_to = other.url
    ids = list(portal.meetings)
    portal.faults = {
        f"/api/agenda/dagsorden/{ids[0]}": ["html"] * 5,
        f"/api/agenda/dagsorden/{ids[1]}": ["redirect"] * 5,
        f"/api/agenda/dagsorden/{ids[2]}": ["truncated"] * 5,
    }
    try:
        report = harvest(portal.url, tmp_path / "referater", client=fast())
    finally:
        other.close()
    messages = dict((where.rsplit("(", 1)[-1].rstrip(")"), message) for where, message in report.failed)
    assert "ikke JSON" in messages[ids[0]] and "text/html" in messages[ids[0]]
    assert "anden vært" in messages[ids[1]] and other.requests == []
    assert "ufuldstændig eller ugyldig JSON" in messages[ids[2]]
    assert len(report.fetched) == len(MEETINGS) - 3
    assert not list((tmp_path / "referater").rglob("*.tmp"))  # never a partial file
    portal.faults = {}
    rerun = harvest(portal.url, tmp_path / "referater", client=fast())  # the portal mends: the rest comes
    assert rerun.ok and len(rerun.fetched) == 3


def test_a_portal_that_is_down_costs_no_local_minutes(portal, tmp_path):
    minutes = tmp_path / "referater"
    harvest(portal.url, minutes, client=fast())
    before = {p: p.read_bytes() for p in minutes.glob("*/*/*.json")}
    portal.faults = {"/api/agenda/udvalgsliste": ["500"] * 10}
    with pytest.raises(HarvestError, match="HTTP 500"):
        harvest(portal.url, minutes, client=fast())
    assert {p: p.read_bytes() for p in minutes.glob("*/*/*.json")} == before


@pytest.mark.slow
def test_a_killed_harvest_resumes_where_it_stopped(portal, tmp_path):
    minutes = tmp_path / "referater"
    command = [
        sys.executable,
        "-m",
        "graph.cli",
        "harvest",
        "--portal",
        portal.url,
        "--minutes",
        str(minutes),
        "--delay",
        "0.4",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(list(minutes.glob("*/*/*.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = len(list(minutes.glob("*/*/*.json")))
    assert 3 <= partial < len(MEETINGS)
    served_before = len(meeting_requests(portal))
    result = subprocess.run(command[:-2] + ["--delay", "0"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(list(minutes.glob("*/*/*.json"))) == len(MEETINGS) and not list(minutes.rglob("*.tmp"))
    assert (
        len(meeting_requests(portal)) - served_before <= len(MEETINGS) - partial + 1
    )  # what it had is not fetched again


def test_list_and_committee_choice(portal, tmp_path):
    committees = list_committees(fast(), portal.url)
    assert {c.name for c in committees} == {
        json.loads(p.read_text(encoding="utf-8"))["Udvalg"]["Navn"] for p in MEETINGS
    }
    result = CliRunner().invoke(main, ["harvest", "--portal", portal.url, "--list", "--delay", "0"])
    assert result.exit_code == 0 and "Kultur- og Fritidsudvalget" in result.output
    result = CliRunner().invoke(
        main,
        [
            "harvest",
            "--portal",
            portal.url,
            "--committee",
            "plan- og tryghedsudvalget",
            "--minutes",
            str(tmp_path / "r"),
            "--delay",
            "0",
        ],
    )
    assert result.exit_code == 0 and len(list((tmp_path / "r").glob("*/*/*.json"))) == 2
    result = CliRunner().invoke(
        main,
        [
            "harvest",
            "--portal",
            portal.url,
            "--committee",
            "Findes ikke",
            "--delay",
            "0",
            "--minutes",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 1 and "intet udvalg 'Findes ikke'" in result.output


def test_since_leaves_out_older_meetings(portal, tmp_path):
    import datetime as dt

    report = harvest(portal.url, tmp_path / "r", since=dt.date(2024, 1, 1), client=fast())
    dates = [json.loads(p.read_text(encoding="utf-8"))["Moede"]["Dato"][:10] for p in report.fetched]
    assert dates and all(d >= "2024-01-01" for d in dates)


def test_every_municipality_and_the_known_councils_resolve(registry):
    reference = DEFAULT_DATA / "reference"
    found, unknown = 0, []
    for municipality in registry.by_kind("kommune"):
        try:
            assert resolve_organisation(municipality.name, registry, reference).portal.startswith("https://")
            found += 1
        except HarvestError as exc:
            assert "ingen kendt FirstAgenda-portal" in str(exc)
            unknown.append(municipality.name)
    assert found == 89 and len(unknown) == 9 and "Aalborg" in unknown
    councils = [e for e in load_portals(reference) if e.organisation.startswith("Sundhedsråd")]
    resolved = [e for e in councils if e.committee_id]
    assert len(resolved) == 16
    for council in resolved:
        entry = resolve_organisation(council.organisation, registry, reference)
        assert entry.committee_id and entry.confidence in ("V", "P", "U")
    with pytest.raises(HarvestError, match="udvalgsadresse .* er ikke kendt"):
        resolve_organisation("Sundhedsråd Lillebælt", registry, reference)
    assert (
        resolve_organisation("Vejle Kommune", load_registry(reference), reference).portal
        == "https://dagsordener.vejle.dk"
    )
