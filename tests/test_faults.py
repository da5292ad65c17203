"""Bad input, faults and hostile content: clear errors, nothing lost, nothing injected."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.corpus import generate
from graph.cli import main
from graph.read import ReadError, read_document
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent


def blank_pdf(path: Path) -> Path:
    """A PDF with one page and no text layer, like a scan."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=300, height=300)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def test_pdf_without_a_text_layer_is_named_with_its_reason(tmp_path):
    path = blank_pdf(tmp_path / "scannet.pdf")
    with pytest.raises(ReadError, match=r"scannet\.pdf: PDF'en har intet tekstlag"):
        read_document(path)


def test_truncated_pdf_is_named_with_its_reason(tmp_path):
    full = blank_pdf(tmp_path / "full.pdf")
    cut = tmp_path / "afbrudt.pdf"
    cut.write_bytes(full.read_bytes()[: len(full.read_bytes()) // 3])
    with pytest.raises(ReadError, match=r"afbrudt\.pdf: "):
        read_document(cut)


def test_text_without_structure_is_a_warning_not_an_error(tmp_path):
    path = tmp_path / "notat.txt"
    path.write_text(
        "Dette er et notat uden overskrifter.\nDet nævner Vejle Kommune og 2,5 mio. kr.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0
    assert "ingen dagsordenspunkter genkendt" in result.output


def test_broken_html_still_yields_text(tmp_path):
    path = tmp_path / "brudt.html"
    path.write_text(
        "<html><body><p>Punkt 1: Godkendelse<div><p>Beslutning<p>Godkendt.<table><tr><td>", encoding="utf-8"
    )
    assert "Godkendt" in read_document(path).text
    result = CliRunner().invoke(main, ["extract", "--json", str(path)])
    assert result.exit_code == 0 and '"outcome": "approved"' in result.output


@pytest.mark.slow
def test_a_build_killed_midway_leaves_the_previous_store_and_a_rerun_completes(tmp_path):
    corpus = tmp_path / "corpus"
    generate(10, corpus, seed=3)
    out = tmp_path / "out"
    first = subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", str(corpus), "--out", str(out)], cwd=ROOT, capture_output=True
    )
    assert first.returncode == 0, first.stderr.decode()
    before = len(GraphStore.open_read_only(out))
    generate(150, corpus, seed=4)  # a bigger batch, so the next build takes a while
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "build", str(corpus), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob("store.building-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its worker processes
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert len(GraphStore.open_read_only(out)) == before  # the previous store, readable and unchanged
    rerun = subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", str(corpus), "--out", str(out)], cwd=ROOT, capture_output=True
    )
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert len(GraphStore.open_read_only(out)) > before
    assert not list(out.glob("store.building-*")) and not list(out.glob("store.old"))


def test_endpoint_binds_loopback_unless_told_otherwise():
    from graph.cli import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_endpoint_caps_result_size(built, monkeypatch):
    import urllib.parse
    import urllib.request

    import graph.serve as serve

    monkeypatch.setattr(serve, "MAX_RESULT_BYTES", 2000)
    endpoint = serve.Endpoint(built.out_dir, port=serve.free_port(), timeout_s=10)
    endpoint.start_in_thread()
    try:
        url = endpoint.url + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=30)
        assert caught.value.code == 413 and "LIMIT" in caught.value.read().decode()
    finally:
        endpoint.close()


def test_push_to_a_server_that_fails_midway_reports_how_far_it_got(built):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from graph.push import PushError, push
    from graph.serve import free_port

    class FlakyStore(BaseHTTPRequestHandler):
        calls = 0

        def do_PUT(self):
            FlakyStore.calls += 1
            self.rfile.read(int(self.headers["Content-Length"]))
            if FlakyStore.calls >= 3:
                self.send_response(503)
                self.end_headers()
                self.wfile.write(b"nede")
                return
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = HTTPServer(("127.0.0.1", port), FlakyStore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(PushError, match=r"afviste graf 3 af \d+ .* HTTP 503"):
            push(GraphStore.open_read_only(built.out_dir), f"http://127.0.0.1:{port}/store")
    finally:
        server.shutdown()
