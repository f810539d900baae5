"""Test set-up: an isolated Prefect and ASSAY_HOME, one Prefect test server for the session,
and a real HTTP server on loopback that tests script per path."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Before anything imports Prefect: its home, telemetry and logging stay out of the way.
# Model files stay where `make setup` put them (the user's cache, the default), whatever home a test uses.
_ROOT = Path(tempfile.mkdtemp(prefix="assay-tests-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)
os.environ["PREFECT_HOME"] = str(_ROOT / "prefect")
os.environ["ASSAY_HOME"] = str(_ROOT / "home")
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("ASSAY_CHROMA_URL", None)
os.environ.pop("ASSAY_DATABASE_URL", None)

REPO = Path(__file__).resolve().parents[1]
from assay.articles import SAMPLE_FEED  # noqa: E402,F401  (tests import it from here; after the environment above is set)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need the Prefect test server are marked `prefect`: the fast lane (`make test-fast`) leaves them out."""
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.prefect)


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (each costs about 10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def assay_home(tmp_path, monkeypatch):
    """A fresh ASSAY_HOME with fast retries and short timeouts; returns the settings."""
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSAY_FETCH_RETRIES", "2")
    monkeypatch.setenv("ASSAY_FETCH_BACKOFF_S", "0.05")
    monkeypatch.setenv("ASSAY_FETCH_TIMEOUT_S", "1.5")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def ingest(prefect_harness, assay_home):
    """Run the real ingest flow (real Prefect, Chroma, SQLite) in this ASSAY_HOME."""
    from assay.flows.ingest import ingest as ingest_flow

    return ingest_flow


# --- a scriptable HTTP server on loopback -----------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    delay_s: float = 0.0
    fail_first: int = 0  # answer 500 to this many requests first


@dataclass
class LoopbackServer:
    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    request_headers: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    in_flight: int = 0  # GETs being answered now, and the most at once (for concurrency limits)
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    posts: dict[str, list[bytes | tuple[int, bytes]]] = field(default_factory=dict)  # answers to POSTs (status 200, or (status, body)), in order
    post_bodies: dict[str, list[bytes]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def set(self, path: str, body: bytes | str, **options) -> str:
        self.routes[path] = Route(body=body.encode() if isinstance(body, str) else body, **options)
        return self.url(path)


@pytest.fixture(scope="session")
def http_server():
    state: dict[str, LoopbackServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            server = state["server"]
            server.hits[self.path] = server.hits.get(self.path, 0) + 1
            server.request_headers.setdefault(self.path, []).append(dict(self.headers))
            route = server.routes.get(self.path)
            if route is None:
                return self._send(404, b"not found", "text/plain")
            if route.delay_s:
                with server.lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                time.sleep(route.delay_s)
                with server.lock:
                    server.in_flight -= 1
            if server.hits[self.path] <= route.fail_first:
                return self._send(500, b"try again", "text/plain")
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                return self._send(304, b"", None, etag=route.etag)
            self._send(route.status, route.body, route.content_type, etag=route.etag)

        def do_POST(self) -> None:  # noqa: N802
            server = state["server"]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            server.post_bodies.setdefault(self.path, []).append(body)
            queue = server.posts.get(self.path)
            if not queue:
                return self._send(404, b"{}", "application/json")
            answer = queue.pop(0)
            status, answer = answer if isinstance(answer, tuple) else (200, answer)
            self._send(status, answer, "application/json")

        def _send(self, status: int, body: bytes, content_type: str | None, etag: str | None = None) -> None:
            try:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state["server"] = LoopbackServer(base=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state["server"]
    httpd.shutdown()


def rss(items: list[dict], title: str = "Test Feed") -> str:
    """A small RSS 2.0 feed; each item: title, link, guid, date, html (content:encoded), description."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f"<channel><title>{title}</title><link>https://example.com</link><description>t</description>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{item['title']}</title><link>{item['link']}</link>")
        parts.append(f"<guid isPermaLink=\"false\">{item.get('guid', item['link'])}</guid>")
        parts.append(f"<pubDate>{item.get('date', 'Tue, 03 Feb 2026 18:29:32 +0000')}</pubDate>")
        if "author" in item:
            parts.append(f"<dc:creator>{item['author']}</dc:creator>")
        for category in item.get("categories", []):
            parts.append(f"<category><![CDATA[{category}]]></category>")
        if "description" in item:
            parts.append(f"<description><![CDATA[{item['description']}]]></description>")
        if "html" in item:
            parts.append(f"<content:encoded><![CDATA[{item['html']}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def article_html(n: int, extra: str = "") -> str:
    """Feed-item HTML long enough to be kept as full text."""
    paragraphs = "".join(
        f"<p>Paragraph {i} of article {n}: Lynas Rare Earths shipped {100 + i} tonnes of NdPr oxide from its Kalgoorlie plant, "
        f"and MP Materials said separation at Mountain Pass reached {20 + i}% of design capacity.</p>"
        for i in range(6)
    )
    return f"<h2>Highlights</h2><ul><li>Point one of {n}.</li><li>Point two of {n}.</li></ul>{paragraphs}<h2>Outlook</h2><p>{extra or 'The outlook is uncertain.'}</p>"
