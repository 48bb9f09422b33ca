"""``dossier serve`` in a subprocess on a free port, with real HTTP requests."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.serve import content_type

FIXTURE = Path(__file__).parent / "fixtures" / "site"
REPO = Path(__file__).parents[1]
WAIT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("output", ".dossier-cache"))
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    # the server takes Ctrl-C as at a terminal, also when the tests run as a shell's
    # background job: that starts with SIGINT ignored, which a started program inherits
    # (a handler it does not: the server starts with the default)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port)]
            + ["--no-ingest"],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:  # the port is bound before the first build ends
        try:
            if get(port, "/")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    yield root, port
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGUSR1)  # every thread's stack into the log, then stop it
        time.sleep(1)
        proc.kill()
        proc.wait()
        log.close()
        raise AssertionError(
            "serve did not stop on Ctrl-C:\n" + (tmp_path / "serve.log").read_text(errors="replace")
        ) from None
    finally:
        log.close()
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text(errors="replace")


def get(port: int, path: str) -> tuple[int, str, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Type", ""), body, dict(resp.getheaders())


def wait_for(check, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def test_pages_types_and_reload_script(server):
    root, port = server
    status, kind, body, _ = get(port, "/")
    assert status == 200 and kind.startswith("text/html")
    assert b"data-dossier-reload" in body and b"/__dossier__/events" in body
    assert b"data-dossier-reload" not in (root / "output" / "index.html").read_bytes()
    for path, expected in [
        ("/assets/style.css", "text/css"),
        ("/assets/site.js", "text/javascript"),
        ("/timeline.json", "application/json"),
        ("/events.ics", "text/calendar"),
        ("/events.csv", "text/csv"),
        ("/feed.xml", "application/xml"),
    ]:
        status, kind, _, _ = get(port, path)
        assert status == 200 and kind.startswith(expected), path
    status, _, body, _ = get(port, "/actors/")
    assert status == 200 and b"data-dossier-reload" in body
    status, _, _, headers = get(port, "/actors")
    assert status == 301 and headers["Location"] == "/actors/"


def test_not_found_and_traversal(server):
    root, port = server
    (root.parent / "secret.txt").write_text("secret")
    (root / "output" / "link").symlink_to(root.parent)
    for path in [
        "/nope",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/link/secret.txt",
        "/..%5csecret.txt",
        "/%00",
    ]:
        status, kind, body, _ = get(port, path)
        assert status == 404, path
        assert b"secret" not in body
    status, kind, body, _ = get(port, "/nope")
    assert kind.startswith("text/html") and body.startswith(b"<!doctype html>")


def test_error_overlay_and_recovery(server):
    root, port = server
    dossier = root / "content" / "dossiers" / "invasion.md"
    good = dossier.read_text()
    dossier.write_text(good.replace("title: ", "title: [<script>x</script>", 1))

    def overlay() -> bool:
        return b'id="dossier-errors"' in get(port, "/")[2]

    wait_for(overlay)
    body = get(port, "/")[2]
    assert b"content/dossiers/invasion.md:" in body
    assert b"<script>x</script>" not in body.split(b'id="dossier-errors"')[1].split(b"</div>")[0]
    status, _, page, _ = get(port, "/dossiers/invasion/")
    assert status == 200  # the last good site is still served
    dossier.write_text(good + "\nRecovered.\n")
    wait_for(lambda: not overlay())
    wait_for(lambda: b"Recovered." in get(port, "/dossiers/invasion/")[2])


def test_events_stream_reports_state(server):
    _, port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    conn.request("GET", "/__dossier__/events")
    resp = conn.getresponse()
    assert resp.getheader("Content-Type") == "text/event-stream"
    assert resp.readline() == b"event: state\n"
    assert resp.readline().startswith(b"data: {")
    conn.close()


def test_concurrent_requests(server):
    from concurrent.futures import ThreadPoolExecutor

    _, port = server
    stream = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    stream.request("GET", "/__dossier__/events")  # an open stream does not block others
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: get(port, "/timeline/")[0], range(32)))
    assert statuses == [200] * 32
    stream.close()


@pytest.mark.parametrize(
    "name,expected",
    [
        ("a.html", "text/html"),
        ("a.ics", "text/calendar"),
        ("a.csv", "text/csv"),
        ("pagefind/wasm.en.pagefind", "application/wasm"),
        ("x.wasm", "application/wasm"),
        ("fragment/en_1.pf_fragment", "application/octet-stream"),
        ("index/en_1.pf_index", "application/octet-stream"),
    ],
)
def test_content_types(name: str, expected: str):
    assert content_type(name).startswith(expected)


def test_a_browser_leaving_mid_page_prints_no_traceback(server, tmp_path: Path):
    """A connection closed while a long file is being sent (a reload, a click elsewhere) is
    no error: the terminal stays quiet and the server goes on serving."""
    import struct

    root, port = server
    (root / "output" / "big.json").write_bytes(b"[" + b"0," * 8_000_000 + b"0]")
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        s.sendall(b"GET /big.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
        s.recv(1024)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # a reset, mid-file
    time.sleep(1.0)
    assert get(port, "/")[0] == 200
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in log, log
