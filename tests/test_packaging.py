"""Installable anywhere: the wheel carries everything the tool needs at run time, and the tool runs from it in an
empty folder outside the checkout (reference registry, named questions, map template, ontology, lexicon, the query
page's scripts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    [built] = out.glob("sundhedsgraf-*.whl")
    return built


def test_the_wheel_carries_the_run_time_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "graph/resources/reference/kommuner.csv",
        "graph/resources/reference/sundhedsraad.csv",
        "graph/resources/queries/moeder.rq",
        "graph/maps/template.html",
        "graph/ontology/shapes.ttl",
        "graph/lexicon/outcomes.toml",
        "graph/serve/static/yasqe.min.js",
        "graph/py.typed",
    ):
        assert needed in names, needed
    assert not any(name.startswith(("tests/", "data/minutes", "data/gold")) for name in names)


@pytest.mark.slow
def test_the_tool_runs_from_the_wheel_in_an_empty_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # the dependencies from this environment, the package only from the wheel
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True
    )
    work = tmp_path / "tom-mappe"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SUNDHEDSGRAF_DATA")}
    # the wheel's own script first; the dependencies' programs (the oxigraph server) from this environment
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")])

    def tool(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(venv / "bin" / "sundhedsgraf"), *args], cwd=work, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [str(python), "-c", "import graph; print(graph.__file__)"], cwd=work, env=env, capture_output=True, text=True
    ).stdout
    assert str(venv) in where and str(ROOT) not in where  # the wheel's code, not the checkout's
    version = tool("--version")
    assert version.returncode == 0 and "sundhedsgraf" in version.stdout
    built = tool("build")
    assert built.returncode == 0, built.stderr + built.stdout
    assert (work / "sundhedsgraf-data" / "store").is_dir() and (
        work / "sundhedsgraf-data" / "maps" / "index.html"
    ).is_file()
    assert tool("validate").returncode == 0
    listed = tool("queries")
    assert listed.returncode == 0 and "klynger-og-kommuner" in listed.stdout
    answered = tool("query", "klynger-og-kommuner", "--format", "json")
    assert answered.returncode == 0 and len(json.loads(answered.stdout)["results"]["bindings"]) >= 22
    drawn = tool("map", "structure", "--out", str(work / "struktur.html"))
    assert drawn.returncode == 0 and (work / "struktur.html").stat().st_size > 10_000
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "sundhedsgraf"), "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        body = _get(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", server)
        assert json.loads(body)["boolean"] is True
        assert b"yasqe" in _get(f"http://127.0.0.1:{port}/", server).lower()
    finally:
        server.terminate()
        server.wait(10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, server: subprocess.Popen) -> bytes:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    server.stderr.read().decode() if server.poll() is not None else f"no answer: {url}"
                ) from None
            time.sleep(0.2)
