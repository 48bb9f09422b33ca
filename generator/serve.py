"""``dossier serve``: rebuild on every change (see ``watch.py``), serve ``output/`` over HTTP,
and reload open pages after each rebuild.

- Binds 127.0.0.1 unless told otherwise; one thread per request (``ThreadingHTTPServer``).
- Serves only regular files inside ``output/``: ``..`` (also percent-encoded), hidden files
  (the builder's ``.tmp-*`` files while it writes) and symlinks leading outside are 404.
- Never a half-written page: the builder writes each file to a temp file and renames it
  over the old one, so a request reads the old file or the new one, whole; a failed build
  writes nothing, so the last good site keeps being served.
- Live reload by Server-Sent Events from a small script the server adds to each HTML
  response (never to the files in ``output/``). A failed build shows an overlay with
  ``path:line: message`` (escaped) in open pages; the next good build reloads them.
"""

from __future__ import annotations

import html
import json
import posixpath
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Config
from .errors import Problem
from .watch import Watcher, stop_on_terminate

PREFIX = "/__dossier__/"
EVENTS = PREFIX + "events"
KEEPALIVE = 15.0  # seconds between SSE comments, so proxies and browsers keep the stream

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".pagefind": "application/wasm",
}


def content_type(name: str) -> str:
    suffix = posixpath.splitext(name)[1].lower()
    if suffix.startswith(".pf_"):
        return "application/octet-stream"
    return TYPES.get(suffix, "application/octet-stream")


RELOAD_SCRIPT = """<script data-dossier-reload>
(function () {
  var generation = %(generation)d;
  var box = null;
  function overlay(errors) {
    if (!box) {
      box = document.createElement("div");
      box.id = "dossier-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,0,0,.92);color:#fff;font:14px/1.5 monospace;padding:2em;";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var h = document.createElement("h2");
    h.textContent = "Build failed: the last good site is shown underneath";
    box.appendChild(h);
    errors.forEach(function (line) {
      var p = document.createElement("pre");
      p.style.whiteSpace = "pre-wrap";
      p.textContent = line;
      box.appendChild(p);
    });
  }
  function state(data) {
    if (data.errors.length) { overlay(data.errors); return; }
    if (box) { box.remove(); box = null; }
    if (data.generation !== generation) { location.reload(); }
  }
  if (!window.EventSource) return;
  var source = new EventSource("%(events)s");
  source.addEventListener("state", function (e) { state(JSON.parse(e.data)); });
})();
</script>
"""

OVERLAY = (
    '<div id="dossier-errors" role="alert" style="position:fixed;inset:0;z-index:2147483647;'
    "overflow:auto;background:rgba(20,0,0,.92);color:#fff;font:14px/1.5 monospace;"
    'padding:2em"><h2>Build failed: the last good site is shown underneath</h2>%s</div>\n'
)


class LiveState:
    """The build generation and the current errors, with a condition to wait on."""

    def __init__(self):
        self.generation = 0
        self.errors: list[str] = []
        self.changed = threading.Condition()
        self.closing = False

    def built(self, _result=None) -> None:
        with self.changed:
            self.generation += 1
            self.errors = []
            self.changed.notify_all()

    def failed(self, problems: list[Problem]) -> None:
        with self.changed:
            self.errors = [str(p) for p in problems]
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {"generation": self.generation, "errors": list(self.errors)}


def resolve(out: Path, url_path: str) -> Path | None:
    """The file under ``out`` a URL path names, or None if it names nothing we may serve."""
    path = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if "\0" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    root = out.resolve()
    target = root.joinpath(*parts)
    try:
        real = target.resolve()
    except (OSError, RuntimeError):
        return None
    if real != root and root not in real.parents:
        return None  # a symlink leading outside the site
    if real.is_dir():
        real = real / "index.html"
    return real if real.is_file() else None


def inject(body: bytes, state: dict) -> bytes:
    """Add the reload script (and the error overlay, escaped) to an HTML page."""
    extra = RELOAD_SCRIPT % {"generation": state["generation"], "events": EVENTS}
    if state["errors"]:
        lines = "".join(f"<pre>{html.escape(line)}</pre>" for line in state["errors"])
        extra = OVERLAY % lines + extra
    data = extra.encode("utf-8")
    at = body.rfind(b"</body>")
    return body[:at] + data + body[at:] if at >= 0 else body + data


def make_handler(out: Path, live: LiveState):
    class Handler(BaseHTTPRequestHandler):
        server_version = "dossier"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # quiet: the terminal is for build messages

        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head: bool = False):
            try:
                path = urlsplit(self.path).path
            except ValueError:
                return self.send_error(HTTPStatus.BAD_REQUEST)
            if path == EVENTS:
                return self.events()
            try:
                file = resolve(out, path)
            except UnicodeDecodeError:
                file = None
            if file is not None and file.name == "index.html" and not path.endswith(("/", ".html")):
                return self.redirect(path + "/")
            status = HTTPStatus.OK
            if file is None:
                status = HTTPStatus.NOT_FOUND
                file = resolve(out, "/404.html")
            try:
                body = file.read_bytes() if file is not None else b"Not found\n"
            except OSError:
                status, body = HTTPStatus.NOT_FOUND, b"Not found\n"
                file = None
            kind = content_type(file.name) if file is not None else "text/plain; charset=utf-8"
            if kind.startswith("text/html"):
                body = inject(body, live.snapshot())
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = None
            try:
                while True:
                    with live.changed:
                        current = live.snapshot()
                        if current == seen and not live.closing:
                            live.changed.wait(KEEPALIVE)
                            current = live.snapshot()
                        if live.closing:
                            return
                    if current != seen:
                        payload = json.dumps(current)
                        self.wfile.write(f"event: state\ndata: {payload}\n\n".encode())
                        seen = current
                    else:
                        self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that goes elsewhere while a page is sent (a reload, a click on a long
        page) closes the connection: nothing is wrong, and no traceback is printed."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Server:
    """The HTTP server and its thread."""

    def __init__(self, config: Config, host: str, port: int, live: LiveState):
        self.live = live
        self.httpd = _HTTPServer((host, port), make_handler(config.output, live))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True, name="http")

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.live.close()
        if self.thread.is_alive():  # shutdown() waits for serve_forever, so only if running
            self.httpd.shutdown()
        self.httpd.server_close()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve(
    config: Config,
    host: str = "127.0.0.1",
    port: int = 8000,
    ingest: bool = True,
    stop: threading.Event | None = None,
) -> int:
    """``dossier serve``: build, serve with live reload, rebuild on change; until Ctrl-C."""
    stop = stop or threading.Event()
    stop_on_terminate()
    live = LiveState()
    try:
        server = Server(config, host, port, live)  # bind now: a busy port fails fast
    except OSError as exc:
        _log(f"{host}:{port}: error: cannot listen there: {exc.strerror or exc}")
        return 1
    watcher = Watcher(config, ingest=ingest, on_build=live.built, on_error=live.failed)

    def started() -> None:
        server.start()
        shown = f"[{host}]" if ":" in host else host
        _log(f"serving {config.output} at http://{shown}:{server.address[1]}/ (Ctrl-C to stop)")

    try:
        watcher.run(stop, started=started)
    except KeyboardInterrupt:
        watcher.stop()
    finally:
        server.stop()
    return 0
