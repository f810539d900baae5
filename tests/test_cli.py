"""The `assay` CLI: in-process for the read commands, and as a real subprocess for `demo` and `serve`."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli import app, parse_interval
from tests.conftest import REPO, article_html, rss
from tests.test_formats_html_pdf import PDF

ASSAY = str(Path(sys.executable).with_name("assay"))
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.slow
def test_ingest_articles_show_status_as_json(prefect_harness, assay_home, http_server, tmp_path):
    items = [{"title": f"CLI {n}", "link": f"https://example.com/cli/{n}", "html": article_html(n)} for n in (1, 2)]
    feed = http_server.set("/cli.xml", rss(items), content_type="application/xml")
    (tmp_path / "empty.txt").write_text("")

    result = invoke("ingest", feed, str(tmp_path / "empty.txt"), "--no-analyse", "--json")
    assert result.exit_code == 1  # one item failed
    report = json.loads(result.stdout)
    assert report["counts"]["new"] == 2 and report["counts"]["failed"] == 1
    assert {r["status"] for r in report["results"]} == {"new", "failed"}
    assert next(r for r in report["results"] if r["status"] == "failed")["error"].endswith("empty")

    listed = json.loads(invoke("articles", "--json").stdout)
    assert sorted(a["title"] for a in listed) == ["CLI 1", "CLI 2"]
    none = invoke("articles", "--since", "2099-01-01")  # had printed an empty table and nothing of why
    assert none.exit_code == 0 and "no article of the corpus (2 in all) passes --since 2099-01-01: widen the filters" in none.output
    assert json.loads(invoke("articles", "--since", "2099-01-01", "--json").stdout) == []
    shown = json.loads(invoke("show", listed[0]["id"][:8], "--json").stdout)
    assert shown["highlights"] == [f"Point one of {shown['title'][-1]}.", f"Point two of {shown['title'][-1]}."]
    assert "Highlights" not in shown["body"] and shown["url"].startswith("https://example.com/cli/")
    # An article named as it was ingested, by its address: `assay show URL` had said "no article with id 'https://…'".
    assert json.loads(invoke("show", shown["url"], "--json").stdout)["id"] == shown["id"]
    assert json.loads(invoke("show", shown["url"] + "?utm_source=newsletter", "--json").stdout)["id"] == shown["id"]
    missing = invoke("show", "https://example.com/cli/9")
    assert missing.exit_code == 1 and "no article read from 'https://example.com/cli/9'" in missing.stderr
    status = json.loads(invoke("status", "--json").stdout)
    assert status["articles"] == 2 and status["chunks"] == status["chunks_in_chroma"] > 0

    text = invoke("ingest", feed, "--no-analyse")
    assert text.exit_code == 0 and "0 new, 0 updated, 2 unchanged, 0 duplicate, 0 failed; 0 chunks embedded" in text.stdout
    # The feed named as it was ingested names its items, whose own addresses are their pages': show and
    # remove had said "no article read from" the feed.
    several = invoke("show", feed)
    assert several.exit_code == 1 and f"{feed} holds 2 articles: name one by its id" in " ".join(several.stderr.split())
    removed = json.loads(invoke("remove", feed, "--yes", "--json").stdout)
    assert sorted(r["title"] for r in removed["removed"]) == ["CLI 1", "CLI 2"] and invoke("articles", "--json").stdout.strip() == "[]"
    # Run again, it says when each item went: it had said "no article read from" the feed.
    again = invoke("remove", feed, "--yes")
    assert again.exit_code == 0 and again.stdout.count(" was removed on ") == 2 and "0 removed" in again.stdout
    assert sorted(r["title"] for r in json.loads(invoke("remove", feed, "--yes", "--json").stdout)["already"]) == ["CLI 1", "CLI 2"]


def test_a_file_of_several_articles_named_to_show_asks_for_one_of_them(prefect_harness, assay_home, tmp_path):
    from tests.test_formats_exports import FACTIVA

    export = tmp_path / "factiva.txt"
    export.write_text(FACTIVA)
    assert json.loads(invoke("ingest", str(export), "--no-analyse", "--json").stdout)["counts"]["new"] == 3
    several = invoke("show", str(export))
    assert several.exit_code == 1 and f"{export} holds 3 articles: name one by its id (`assay articles` lists them)" in " ".join(
        several.stderr.split())


def test_an_article_piped_in_is_kept_and_read_as_a_file(prefect_harness, assay_home):
    """`pbpaste | assay ingest -`: the text kept in the data folder, read as a file of its kind, and the
    same text piped again unchanged. Nothing piped in: one line, and no file."""
    article = ("Lynas lifts NdPr output\n\nSYDNEY, Oct 28 (Reuters) - Lynas Rare Earths produced 2,204 tonnes of NdPr in the "
               "September quarter, up 12% on the previous quarter, as its Kalgoorlie plant ramped up.\n")
    first = runner.invoke(app, ["ingest", "-", "--no-analyse", "--json"], input=article)
    assert first.exit_code == 0, first.output
    [result] = json.loads(first.stdout)["results"]
    assert (result["status"], result["title"]) == ("new", "Lynas lifts NdPr output")
    kept = Path(result["location"])
    assert kept.parent == assay_home.home / "pasted" and kept.suffix == ".txt" and kept.read_text() == article
    again = runner.invoke(app, ["ingest", "-", "--no-analyse", "--json"], input=article)
    assert json.loads(again.stdout)["counts"]["unchanged"] == 1
    empty = runner.invoke(app, ["ingest", "-"], input="")
    assert empty.exit_code == 1 and "standard input is empty: pipe an article in" in empty.output
    assert sorted(p.name for p in kept.parent.iterdir()) == [kept.name]
    # Copied from a page the analyst names: known by that address, published by its site (the opening names none).
    copied = "Lynas lifts NdPr output\n\nLynas Rare Earths produced 2,205 tonnes of NdPr in the September quarter, up 12% on the quarter before.\n"
    named = runner.invoke(app, ["ingest", "-", "--url", "https://www.ft.com/content/lynas-ndpr", "--no-analyse", "--json"], input=copied)
    [result] = json.loads(named.stdout)["results"]
    assert (result["status"], result["url"]) == ("new", "https://www.ft.com/content/lynas-ndpr")
    [row] = [a for a in json.loads(invoke("articles", "--json").stdout) if a["url"]]
    assert row["source"] == "www.ft.com"
    assert json.loads(invoke("show", str(kept), "--json").stdout)["title"] == "Lynas lifts NdPr output"  # by the file it was read from
    refused = runner.invoke(app, ["ingest", "-", "--url", "https://x.example/a"], input=(PDF / "press_release.pdf").read_bytes())
    assert refused.exit_code == 1 and "standard input holds a PDF, which says so itself" in " ".join(refused.output.split())


def test_show_unknown_id_is_a_clear_error(assay_home):
    result = runner.invoke(app, ["show", "nope"])
    assert result.exit_code == 1 and "no article with id 'nope'" in result.output


def _record(settings, title: str) -> str:
    from assay.services import services
    from assay.types import Article, Section

    body = "Lynas Rare Earths said it shipped 1,000 tonnes of NdPr oxide from Kalgoorlie this quarter."
    article = Article(id="ab" * 8, title=title, source="[bold]Feed[/bold]", source_url="test", body=body,
                      sections=[Section(heading=None, start=0, end=len(body))])
    services(settings).registry.record_article(article, chunk_count=0)
    return article.id


@pytest.mark.parametrize("wildcard", ["%", "_", "a%", "__"])
def test_prefix_lookups_treat_like_wildcards_as_text(assay_home, wildcard):
    _record(assay_home, "Anything")
    result = runner.invoke(app, ["show", wildcard])
    assert result.exit_code == 1 and "no article with id" in result.output


def test_article_text_is_inert_in_the_terminal(assay_home):
    hostile = "Lynas [/] [link=https://evil.example]click[/link] [bold red]output"
    article_id = _record(assay_home, hostile)
    listed = runner.invoke(app, ["articles"], env={"COLUMNS": "300"})
    assert listed.exit_code == 0, listed.output
    assert "[/]" in listed.output and "[link=https://evil.example]" in listed.output and "[bold]Feed[/bold]" in listed.output
    again = runner.invoke(app, ["articles"])  # a title with markup does not break later listings
    assert again.exit_code == 0
    shown = runner.invoke(app, ["show", article_id[:6]], env={"COLUMNS": "300"})
    assert shown.exit_code == 0 and hostile in shown.output and "\x1b]8;" not in shown.output  # no live hyperlink


def test_a_fault_is_one_line_naming_the_cause_and_the_fix(assay_home, monkeypatch, capsys):
    import errno

    from assay.cli import fault_line, main
    from assay.models import ModelMissing
    from assay.settings import get_settings

    assert fault_line(OSError(errno.ENOSPC, "No space left on device", "/data/registry.sqlite")).startswith(
        "no space left on the device holding /data/registry.sqlite: free some space"
    )
    assert "cannot be written (Read-only file system)" in fault_line(OSError(errno.EROFS, "Read-only file system", "/data/x"))
    # Outside the data folder (`report --out`, `release` in an installed package), ASSAY_HOME is not the thing to change.
    home = get_settings().home
    assert fault_line(OSError(errno.EACCES, "Permission denied", "/srv/www/report")) == (
        "/srv/www/report cannot be written (Permission denied): check its permissions, or choose another place")
    assert fault_line(OSError(errno.EACCES, "Permission denied", str(home / "registry.sqlite"))).endswith(
        "check the permissions of ASSAY_HOME or point ASSAY_HOME elsewhere")
    assert fault_line(ModelMissing("the model is missing; run `assay models install`")) == "the model is missing; run `assay models install`"
    assert fault_line(KeyError("x")).endswith("(run with --debug for the traceback)")
    # A full disk, seen: Prefect's local server cannot start and only times out; the line names the disk.
    import shutil

    prefect_down = RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")
    real_disk_usage = shutil.disk_usage
    monkeypatch.setattr("shutil.disk_usage", lambda path: type("Usage", (), {"free": 200 * 1024})())
    assert fault_line(prefect_down).startswith("no space left on the device holding ")
    assert fault_line(prefect_down).endswith("(200 KiB free): free some space and run the command again")
    monkeypatch.setattr("shutil.disk_usage", lambda path: type("Usage", (), {"free": 10**10})())
    assert "Prefect's local server did not start" in fault_line(prefect_down) and "PREFECT_API_URL" in fault_line(prefect_down)
    # A home another user owns, seen running as that user: the server cannot write its database there.
    (get_settings().home / "prefect").mkdir(parents=True, exist_ok=True)
    import os

    real_access = os.access
    monkeypatch.setattr("assay.cli.os.access", lambda path, mode: False)
    assert fault_line(prefect_down).startswith("Prefect's local server cannot write its database in ")
    assert "(read-only for this user): give this user write access to ASSAY_HOME" in fault_line(prefect_down)
    monkeypatch.setattr("assay.cli.os.access", real_access)
    monkeypatch.setattr("shutil.disk_usage", lambda path: type("Usage", (), {"free": 10**10})())
    # Seen here: Prefect's local database with zeros over half of it; the server does not start, and the line names the file.
    database = get_settings().home / "prefect" / "prefect.db"
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    import sqlite3

    with sqlite3.connect(database) as made:
        made.executescript("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT);" + "INSERT INTO runs (name) VALUES (hex(randomblob(500)));" * 200)
    made.close()
    assert "Prefect's local server did not start" in fault_line(prefect_down)  # sound: told as before
    with open(database, "r+b") as file:
        file.seek(4096)
        file.write(b"\0" * (database.stat().st_size // 2))
    assert fault_line(prefect_down) == (f"Prefect's local database {database} is damaged (database disk image is malformed): move it "
                                        "away and run the command again (it holds Prefect's run history only; the corpus is in the registry)")
    database.unlink()
    # Seen filling a disk with `assay ingest`: Prefect's local server answered "500 Internal Server Error" as its database
    # could not grow; with nothing left on the disk, any such fault is the disk's, with room to spare it is told as it is.
    server_error = RuntimeError("Server error '500 Internal Server Error' for url 'http://127.0.0.1:8337/api/flow_runs/1/set_state'")
    assert fault_line(server_error).startswith("RuntimeError: Server error '500")
    monkeypatch.setattr("shutil.disk_usage", lambda path: type("Usage", (), {"free": 0})())
    assert fault_line(server_error).startswith("no space left on the device holding ")
    monkeypatch.setattr("shutil.disk_usage", real_disk_usage)
    assert fault_line(FileNotFoundError(errno.ENOENT, "No such file or directory", "/proc/report")) == (
        "/proc/report: No such file or directory: check the path (its folder must exist, or be one Assay can create)")
    # `assay ask` on an OpenAI-compatible server that is down says where, as `assay analyse` does.
    import httpx
    import openai

    monkeypatch.setenv("ASSAY_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    down = openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    assert fault_line(down) == "cannot reach the LLM server at http://127.0.0.1:9/v1 (APIConnectionError): is it running? (ASSAY_LLM_BASE_URL)"
    monkeypatch.delenv("ASSAY_LLM_BASE_URL")
    get_settings.cache_clear()

    monkeypatch.setenv("ASSAY_CHROMA_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as exited:
        main(["status"])
    assert exited.value.code == 1
    printed = capsys.readouterr().err.strip()
    assert printed.startswith("error:") and "Traceback" not in printed and len(printed.splitlines()) == 1
    assert "cannot reach the Chroma server at http://127.0.0.1:9" in printed and "ASSAY_CHROMA_URL" in printed
    with pytest.raises(Exception, match="Chroma"):
        main(["--debug", "status"])  # --debug lets the traceback through


def test_parse_interval():
    assert parse_interval("15m").total_seconds() == 900
    assert parse_interval("1h30m").total_seconds() == 5400
    assert parse_interval("90").total_seconds() == 90
    with pytest.raises(Exception, match="not a duration"):
        parse_interval("soon")


def subprocess_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ASSAY_"))}
    env.update(ASSAY_HOME=str(home), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env


def test_prefect_logs_nothing_to_the_console_unless_debugging(tmp_path, monkeypatch):
    """Seen 1 run in 4 of `assay ingest` with a missing file: at exit, a traceback from SQLAlchemy's pool
    (a cancelled rollback of the temporary server) under the one-line report, through Prefect's root
    logger; and on every run its events worker's "Still processing items". Assay's own warnings stay."""
    import logging

    from assay.runtime import configure_prefect
    from assay.settings import Settings

    noisy = [logging.getLogger(name) for name in ("EventsWorker", "sqlalchemy.pool.impl.AsyncAdaptedQueuePool")]
    for debug in (False, True):
        for logger in [*noisy, logging.getLogger("sqlalchemy.pool"), logging.getLogger("EventsWorker")]:
            monkeypatch.setattr(logger, "level", logging.NOTSET)
        # A copy of the environment, so that nothing configure_prefect sets outlives the test.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ASSAY_"))} | ({"ASSAY_DEBUG": "1"} if debug else {})
        monkeypatch.setattr(os, "environ", env)
        configure_prefect(Settings(home=tmp_path / "home"))
        levels = [os.environ.get(f"PREFECT_LOGGING_{part}LEVEL") for part in ("", "SERVER_")]
        assert levels == ([None] * 2 if debug else ["CRITICAL"] * 2)
        assert all(logger.getEffectiveLevel() == logging.CRITICAL for logger in noisy) is not debug
        assert logging.getLogger("assay.store.maintenance").getEffectiveLevel() <= logging.WARNING
        # The temporary server runs in a subprocess that reads Prefect's logging file alone: seen after a
        # successful `assay ingest`, 1 run in 5, its pool's traceback. The process Prefect starts reads ours.
        server = subprocess.run(
            [sys.executable, "-c", "import logging; from prefect.logging.configuration import setup_logging; setup_logging(); "
             "print(logging.getLogger('sqlalchemy.pool.impl.AsyncAdaptedQueuePool').getEffectiveLevel())"],
            env=dict(os.environ), capture_output=True, text=True, timeout=120, check=True)
        assert (server.stdout.strip() == str(logging.CRITICAL)) is not debug, server.stdout + server.stderr


def test_loopback_is_added_to_no_proxy_only_where_a_proxy_is_named(monkeypatch):
    from assay.runtime import loopback_without_proxy

    def after(**env: str) -> tuple[str | None, str | None]:
        for key in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        loopback_without_proxy()
        return os.environ.get("NO_PROXY"), os.environ.get("no_proxy")

    assert after() == (None, None)  # no proxy: nothing to bypass
    assert after(HTTPS_PROXY="http://proxy:3128") == ("127.0.0.1,localhost,::1",) * 2
    assert after(http_proxy="proxy:3128", NO_PROXY="example.com, localhost") == ("example.com,localhost,127.0.0.1,::1",) * 2
    assert after(ALL_PROXY="socks5://proxy:1080", no_proxy="*") == (None, "*")  # nothing goes through it anyway
    assert after(HTTP_PROXY="http://proxy:3128", NO_PROXY="::1,127.0.0.1,localhost") == ("::1,127.0.0.1,localhost", None)


@pytest.mark.slow
def test_a_proxy_in_the_environment_carries_feeds_not_this_machines_servers(tmp_path):
    """Seen here with HTTP_PROXY and HTTPS_PROXY set and no NO_PROXY, as on many office machines: `assay ingest`
    waited 97 s for Prefect's temporary server on 127.0.0.1, through the proxy, then said it "did not start"."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    feed = rss([{"title": "Proxied 1", "link": "http://news.example.test/a/1", "html": article_html(1)}])
    asked: list[str] = []

    class Proxy(BaseHTTPRequestHandler):  # a forward proxy that knows one feed of the outside world
        def do_GET(self) -> None:  # noqa: N802
            asked.append(self.path)  # absolute form: what the client asked the proxy to fetch
            found = self.path == "http://news.example.test/feed.xml"
            body = feed.encode() if found else b"the proxy cannot reach this"
            self.send_response(200 if found else 502)
            self.send_header("Content-Type", "application/rss+xml" if found else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PATCH = do_PUT = do_DELETE = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        address = f"http://127.0.0.1:{proxy.server_address[1]}"
        env = {k: v for k, v in subprocess_env(tmp_path / "home").items() if not k.lower().endswith("_proxy")}
        env |= {"HTTP_PROXY": address, "HTTPS_PROXY": address, "http_proxy": address, "https_proxy": address}
        done = subprocess.run([ASSAY, "ingest", "--no-analyse", "--json", "http://news.example.test/feed.xml"],
                              env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    finally:
        proxy.shutdown()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)["counts"]["new"] == 1
    assert asked == ["http://news.example.test/feed.xml"]  # the feed through the proxy, Prefect's server not


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_the_temporary_prefect_server_dies_with_a_killed_process(tmp_path):
    """Seen here: `assay ingest` killed by SIGKILL (no exit hook runs) left Prefect's temporary server
    serving, one more each time. Started by Assay from the main thread, it goes with the process."""
    import signal
    import time

    script = ("from assay.runtime import configure_prefect, in_process_flow_settings\n"
              "from assay.settings import Settings\n"
              "configure_prefect(Settings())\n"
              "with in_process_flow_settings():\n"
              "    from prefect.server.api.server import SubprocessASGIServer\n"
              "    print(SubprocessASGIServer().server_process.pid, flush=True)\n"
              "    import time; time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-c", script], env=subprocess_env(tmp_path / "home"), stdout=subprocess.PIPE, text=True)
    try:
        server = int(process.stdout.readline())
        os.kill(server, 0)  # serving
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(server, 0)
        except ProcessLookupError:
            return  # gone with the process that started it (and reaped by init)
        with open(f"/proc/{server}/stat") as stat:
            if stat.read().split(") ")[1].startswith("Z"):
                return  # exited, not yet reaped
        time.sleep(0.5)
    os.kill(server, signal.SIGKILL)
    raise AssertionError("the temporary Prefect server outlived the killed process")


@pytest.mark.slow
def test_demo_ingests_the_sample_corpus_with_its_own_prefect(tmp_path):
    env = subprocess_env(tmp_path / "home")
    done = subprocess.run([ASSAY, "demo", "--analyse", "1"], env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "25 new, 0 updated, 0 unchanged, 0 duplicate, 0 failed" in done.stdout
    assert "analysis: 1 analysed, 0 unchanged, 0 failed" in done.stdout and "Real vs. rhetoric" in done.stdout
    status = json.loads(subprocess.run([ASSAY, "status", "--json"], env=env, capture_output=True, text=True, check=True).stdout)
    assert status["articles"] == 25 and status["chunks"] == status["chunks_in_chroma"]
    assert status["analyses"] == 1 and status["llm_calls"] >= 1
    index = Path(re.search(r"Report: (\S+index\.html)", done.stdout.replace("\n", "")).group(1))
    assert index.is_file() and index.parent == tmp_path / "home" / "report"
    assert len(list((index.parent / "articles").glob("*.html"))) == 25


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and process ids as Linux has them")
def test_ctrl_c_finishes_the_article_in_hand_a_second_stops_at_once_and_the_next_run_goes_on(tmp_path):
    """Seen here: Ctrl-C on `assay analyse --all` with the local model said nothing for a minute, then went on to
    analyse every article already waiting for the model; a second Ctrl-C still waited for the one in hand, and a
    kill -9 left it "being analysed by another worker" for the rest of its five-minute lease."""
    import signal
    import sqlite3

    from assay.cli import INTERRUPTED, STOPPED_AT_ONCE, STOPPING, TERMINATED
    from tests.conftest import ExtractiveLLM

    llm = ExtractiveLLM(delay_s=3.0)  # each model call: time to press Ctrl-C in
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(4):
        (folder / f"story{n}.txt").write_text(
            f"Lynas Rare Earths to expand plant number {n}\n\n" + " ".join(
                f"Lynas Rare Earths said on Monday that plant {n} would process {100 + m} tonnes of NdPr oxide in year {m}."
                for m in range(6)))
    env = subprocess_env(tmp_path / "home") | {
        "ASSAY_LLM": "openai", "ASSAY_LLM_BASE_URL": llm.url, "ASSAY_LLM_MODEL": "extractive", "OPENAI_API_KEY": "test-key",
        "ASSAY_LLM_CONCURRENCY": "1"}
    registry = tmp_path / "home" / "registry.sqlite"

    def rows(query: str) -> list[tuple]:
        with sqlite3.connect(registry) as db:
            return db.execute(query).fetchall()

    def interrupt(command: str, times: int, sent: int = signal.SIGINT) -> subprocess.CompletedProcess:
        """Run `assay analyse COMMAND`, press Ctrl-C `times` once the model is being asked, and wait for the end."""
        process = subprocess.Popen([ASSAY, "analyse", command], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        calls = llm.calls
        deadline = time.monotonic() + 120
        while llm.calls == calls and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        for _ in range(times):
            process.send_signal(sent)
            time.sleep(0.3)
        stdout, stderr = process.communicate(timeout=120)
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    try:
        ingested = subprocess.run([ASSAY, "ingest", "--no-analyse", str(folder)], env=env, capture_output=True, text=True, timeout=300)
        assert "4 new" in ingested.stdout, ingested.stdout + ingested.stderr

        once = interrupt("--all", 1)
        assert once.returncode == 130 and once.stderr.splitlines() == [STOPPING, INTERRUPTED]
        assert len(rows("SELECT article_id FROM analyses")) == 1  # the one in hand, finished; the others not begun
        assert rows("SELECT * FROM analysis_claims") == []

        twice = interrupt("--pending", 2)
        assert twice.returncode == 130 and twice.stderr.splitlines() == [STOPPING, STOPPED_AT_ONCE]
        assert len(rows("SELECT article_id FROM analyses")) == 1  # the one in hand not waited for
        assert len(rows("SELECT * FROM analysis_claims")) == 1  # its process gone, its claim left (the others were waiting)

        # SIGTERM (`timeout`, `docker stop`): Prefect hands it on only once the article in hand is finished; none
        # waiting is begun (all had been analysed, in silence).
        terminated = interrupt("--pending", 1, signal.SIGTERM)
        assert terminated.returncode == 128 + signal.SIGTERM and terminated.stderr.splitlines() == [TERMINATED]
        assert len(rows("SELECT article_id FROM analyses")) == 2
        # At most the claim the process killed at once left: none, where this run took its article (and finished it).
        assert len(rows("SELECT * FROM analysis_claims")) <= 1

        again = subprocess.run([ASSAY, "analyse", "--pending"], env=env, capture_output=True, text=True, timeout=300)
        assert "analysis: 2 analysed, 0 unchanged, 0 failed" in again.stdout, again.stdout + again.stderr
        assert rows("SELECT * FROM analysis_claims") == []
    finally:
        llm.httpd.shutdown()


@pytest.mark.slow
def test_serve_polls_a_feed_and_a_folder_on_a_schedule_and_analyses_what_they_bring(tmp_path, http_server):
    from tests.test_llms import completion

    items = [{"title": "Served", "link": "https://example.com/served", "html": article_html(9)}]
    feed = http_server.set("/served.xml", rss(items), content_type="application/xml")
    # The analysis goes to an OpenAI-compatible server on loopback: a summary grounded in the article.
    reply = {
        "companies": ["Lynas Rare Earths", "MP Materials"], "governments": [], "countries": [], "materials": ["NdPr oxide"],
        "projects": ["Mountain Pass"], "figures": [{"value": "100", "unit": "tonnes", "measures": "NdPr oxide shipped"}],
        "summary": "Lynas Rare Earths shipped NdPr oxide from its Kalgoorlie plant while MP Materials ramped up Mountain Pass.",
        "highlights": ["Lynas shipped NdPr oxide from Kalgoorlie", "MP Materials ramped up separation", "The outlook is uncertain"],
    }
    http_server.posts["/serve/v1/chat/completions"] = [completion(json.dumps(reply))] * 3
    env = subprocess_env(tmp_path / "home") | {
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2", "ASSAY_LLM": "openai", "ASSAY_LLM_MODEL": "gpt-4o-mini",
        "ASSAY_LLM_BASE_URL": http_server.url("/serve/v1"), "OPENAI_API_KEY": "test-key",
    }
    # Polled through the analyst's subscription list (OPML), which each poll reads again.
    (tmp_path / "subscriptions.opml").write_text(f'<opml version="2.0"><body><outline type="rss" text="Served" xmlUrl="{feed}"/></body></opml>')
    # And a drop folder, as a wire service delivers files: one there from the start, one dropped later.
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "first.html").write_text(f"<html><head><title>Dropped first</title></head><body>{article_html(10)}</body></html>")
    server = subprocess.Popen(
        [ASSAY, "serve", "--feed", "subscriptions.opml", "--folder", "drop", "--every", "5s"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )

    def wait_for(done, what: str) -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not done():
            assert server.poll() is None, server.stdout.read()[-3000:]
            time.sleep(1)
        assert done(), what

    def analysed() -> int:
        return len(http_server.post_bodies.get("/serve/v1/chat/completions", []))

    try:
        wait_for(lambda: http_server.hits.get("/served.xml", 0) >= 2 and analysed() >= 2, "the feed and the folder were not polled")
        (drop / "second.html").write_text(f"<html><head><title>Dropped second</title></head><body>{article_html(11)}</body></html>")
        wait_for(lambda: analysed() >= 3, "a file dropped later was not ingested and analysed")
        polls = http_server.hits["/served.xml"]
        wait_for(lambda: http_server.hits["/served.xml"] >= polls + 2, "the polls did not go on")
    finally:
        server.terminate()
        server.wait(timeout=60)
    said = server.stdout.read()
    assert "Stopped; the deployment is paused." in said and "Pausing all deployments" not in said  # once, in Assay's words
    status = json.loads(
        subprocess.run([ASSAY, "status", "--json"], env=env, capture_output=True, text=True, check=True, cwd=REPO).stdout
    )
    assert status["articles"] == 3 and status["feeds"] == 1
    assert status["analyses"] == 3 and status["llm_calls"] == 3, "the scheduled polls did not analyse what they ingested"
    assert analysed() == 3  # later polls found nothing new to analyse


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python comes with `make setup`")
def test_ingest_analyses_new_articles_then_show_and_reanalyse_cost_nothing(prefect_harness, assay_home, http_server, monkeypatch):
    """End to end through real llama.cpp and the embedded Qwen model, on an article that tries a prompt injection."""
    from tests.test_analysis import INJECTION

    paragraphs = "".join(f"<p>{p}.</p>" for p in INJECTION.split(". ")) + article_html(3)
    feed = http_server.set("/analyse.xml", rss([{"title": "Lynas output", "link": "https://example.com/lynas", "html": paragraphs}]), content_type="application/xml")

    report = json.loads(invoke("ingest", feed, "--json").stdout)
    assert report["counts"]["new"] == 1
    (analysed,) = report["analysis"]["results"]
    assert analysed["status"] == "analysed", analysed["error"]
    shown = json.loads(invoke("show", analysed["article_id"], "--json").stdout)
    analysis = shown["analysis"]
    assert analysis["statements"] and all(shown["body"][c["start"] : c["end"]] == c["quote"] for c in analysis["statements"])
    assert "PWNED" not in analysis["summary"] + " ".join(analysis["highlights"])
    calls = json.loads(invoke("status", "--json").stdout)["llm_calls"]
    again = json.loads(invoke("analyse", analysed["article_id"], "--json").stdout)
    assert again["counts"] == {"analysed": 0, "unchanged": 1, "skipped": 0, "busy": 0, "failed": 0}
    assert json.loads(invoke("status", "--json").stdout)["llm_calls"] == calls >= 1
    assert "Real vs. rhetoric" in invoke("show", analysed["article_id"]).stdout
    # A rule around the model changes (as a release's splitter or cross-check does): the article is
    # analysed again, and the model's reply to the same input is read back, not asked for again.
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_PROSE_MIN_SUPPORT", "0.3")
    get_settings.cache_clear()
    rerun = json.loads(invoke("analyse", analysed["article_id"], "--json").stdout)
    assert rerun["counts"]["analysed"] == 1
    assert json.loads(invoke("status", "--json").stdout)["llm_calls"] == calls


def test_serve_and_deploy_refuse_a_feed_list_that_is_none_before_starting_prefect(assay_home, tmp_path, capsys):
    from assay.cli import main

    (tmp_path / "subs.opml").write_text("<html><body>my feeds</body></html>")
    for command, said in (
        (["serve", "--feed", str(tmp_path / "subs.opml")], "subs.opml: not a subscription list"),
        (["deploy", "--pool", "p", "--feed", str(tmp_path / "gone.opml")], "gone.opml: no such file"),
        (["serve", "--folder", str(tmp_path / "drop")], "drop: no such folder: name a folder to poll"),
        (["serve", "--folder", str(tmp_path / "subs.opml")], "subs.opml: not a folder"),
    ):
        with pytest.raises(SystemExit) as exited:
            main(command)
        printed = capsys.readouterr().err.strip()
        assert exited.value.code == 1 and "Traceback" not in printed and len(printed.splitlines()) == 1
        assert said in printed
    with pytest.raises(SystemExit) as exited:
        main(["serve"])
    assert exited.value.code == 2 and "name one with --feed URL or --folder PATH" in capsys.readouterr().err


def test_a_damaged_registry_is_one_line_and_exit_1(assay_home, capsys):
    from assay.cli import main

    assay_home.home.mkdir(parents=True, exist_ok=True)
    (assay_home.home / "registry.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"garbage" * 500)
    with pytest.raises(SystemExit) as exited:
        main(["status"])
    printed = capsys.readouterr().err.strip()
    assert exited.value.code == 1 and "Traceback" not in printed
    assert "registry" in printed and ("damaged" in printed or "not a database" in printed), printed


@pytest.mark.slow
def test_llm_server_down_is_one_line_per_article(tmp_path):
    """`assay analyse` as a user runs it (its own Prefect, its own logging), the LLM server down."""
    import socket

    from assay.settings import Settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    _record(Settings(home=tmp_path / "home"), "Lynas output rises")
    env = subprocess_env(tmp_path / "home") | {
        "ASSAY_LLM": "openai", "ASSAY_LLM_BASE_URL": f"http://127.0.0.1:{closed}/v1", "OPENAI_API_KEY": "test-key", "ASSAY_LLM_RETRIES": "0",
    }
    done = subprocess.run([ASSAY, "analyse", "--all"], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    failures = [line for line in done.stdout.splitlines() if line.startswith("analysis failed")]
    assert len(failures) == 1 and f"cannot reach the LLM server at http://127.0.0.1:{closed}/v1" in failures[0], done.stdout
    # Nothing else on stderr: once, Prefect's events worker said "Still processing items" at exit.
    assert "Traceback" not in done.stdout + done.stderr and done.stderr.strip() == "", done.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(), reason="needs root to run a command as `nobody`")
def test_a_read_only_data_folder_still_reads(tmp_path):
    """As `nobody` on a data folder it may not write (root ignores permissions, hence setpriv)."""
    import shutil
    import stat
    import tempfile

    from assay.services import services
    from assay.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="assay-ro-", dir="/tmp"))
    try:
        settings = Settings(home=home / "home")
        article_id = _record(settings, "Read-only corpus")
        services(settings).chunk_store.count()  # creates the embedded Chroma
        services(settings).registry.close()
        for path in [home, *home.rglob("*")]:
            path.chmod((stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH) | (0o111 if path.is_dir() else 0))
        env = subprocess_env(home / "home") | {"HOME": str(home)}
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ASSAY]
        listed = subprocess.run([*as_nobody, "articles", "--json"], env=env, capture_output=True, text=True, timeout=120)
        assert listed.returncode == 0, listed.stderr
        assert [a["id"] for a in json.loads(listed.stdout)] == [article_id]
        status = subprocess.run([*as_nobody, "status", "--json"], env=env, capture_output=True, text=True, timeout=120)
        assert status.returncode == 0, status.stderr
        got = json.loads(status.stdout)
        assert got["articles"] == 1 and got["chunks_in_chroma"] is None and "read-only" in got["warnings"][0]
        assert "Traceback" not in status.stderr
    finally:
        for path in [home, *home.rglob("*")]:
            path.chmod(0o700)
        shutil.rmtree(home, ignore_errors=True)


def test_a_damaged_chunk_store_is_named_with_its_fix_and_the_registry_still_reads(tmp_path):
    from assay.services import services
    from assay.settings import Settings

    settings = Settings(home=tmp_path / "home")
    _record(settings, "Damaged corpus")
    services(settings).chunk_store.count()  # creates the embedded Chroma
    services(settings).registry.close()
    (database,) = settings.chroma_path.glob("*.sqlite3")
    database.write_bytes(b"not a database" * 300)
    env = subprocess_env(tmp_path / "home")
    status = subprocess.run([ASSAY, "status", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    got = json.loads(status.stdout)
    assert got["articles"] == 1 and got["chunks_in_chroma"] is None and "is damaged" in got["warnings"][0]
    asked = subprocess.run([ASSAY, "ask", "What did Lynas ship?"], env=env, capture_output=True, text=True, timeout=120)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    assert f"the chunk store {settings.chroma_path} is damaged" in asked.stderr and "`assay doctor --repair`" in asked.stderr


def test_a_chunk_store_that_lost_every_chunk_is_said_to_not_answered_as_an_empty_corpus(assay_home, capsys):
    """Seen here: with the chunk folder deleted, `assay ask` answered every question "The corpus does not say"."""
    from assay.services import services
    from assay.types import Article, Section

    body = "Lynas Rare Earths said it shipped 1,000 tonnes of NdPr oxide from Kalgoorlie this quarter."
    article = Article(id="cd" * 8, title="Lost chunks", source="Feed", source_url="test", body=body,
                      sections=[Section(heading=None, start=0, end=len(body))])
    services(assay_home).registry.record_article(article, chunk_count=2)  # the registry lists two chunks; Chroma holds none
    said = (f"the chunk store ({assay_home.chroma_path}) holds none of the corpus's 2 chunks (deleted or moved?): "
            "run `assay doctor --repair` to store them again from the registry")
    from assay.cli import main

    with pytest.raises(SystemExit) as asked:
        main(["ask", "What did Lynas ship?"])
    assert asked.value.code == 1 and capsys.readouterr().err == f"error: {said}\n"
    status = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert status["chunks"] == 2 and status["chunks_in_chroma"] == 0 and status["warnings"] == [said]


def test_an_empty_corpus_or_filters_that_keep_nothing_are_said_not_answered(assay_home, capsys):
    """Both had been "The corpus does not say. (no relevant chunks)": no help to a user whose ASSAY_HOME names another
    folder than the one they ingested into, or whose --since is after their --until."""
    from assay.cli import main

    with pytest.raises(SystemExit) as empty:
        main(["ask", "How much NdPr did Lynas ship?"])
    assert empty.value.code == 1 and " ".join(capsys.readouterr().err.split()) == (
        f"error: the corpus in {assay_home.home} holds no articles yet: ingest some (`assay ingest SOURCE`; `assay demo` "
        "ingests a sample feed), or set ASSAY_HOME to the data folder that holds them")
    _record(assay_home, "Lynas ships")  # undated, from "[bold]Feed[/bold]"
    for options, kept in ((["--since", "2026-05-01", "--until", "2026-01-01"], "--since 2026-05-01 --until 2026-01-01"),
                          (["--source", "Reuters"], "--source 'Reuters'")):
        with pytest.raises(SystemExit) as none:
            main(["ask", "How much NdPr did Lynas ship?", *options])
        assert none.value.code == 1 and " ".join(capsys.readouterr().err.split()) == (
            f"error: no article of the corpus (1 in all) passes {kept}: widen the filters (`assay articles` with the same "
            "options lists the articles they keep)")


def test_a_terminal_that_is_not_utf8_gets_escapes_not_a_fault(tmp_path):
    """Seen with LC_ALL=C and UTF-8 mode off (as an ISO-8859-1 or C locale without it): `assay show` ended at its first
    "·" in "UnicodeEncodeError: 'ascii' codec can't encode character". The JSON stays the same JSON."""
    from assay.settings import Settings

    article_id = _record(Settings(home=tmp_path / "home"), "Lynas’s “record” quarter — 1,000 t")
    env = subprocess_env(tmp_path / "home") | {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    shown = subprocess.run([ASSAY, "show", article_id], env=env, capture_output=True, timeout=120)
    assert shown.returncode == 0, shown.stderr.decode()[-2000:]
    text = shown.stdout.decode("ascii")  # nothing but ASCII reached the terminal
    assert "Lynas\\u2019s \\u201crecord\\u201d quarter \\u2014 1,000 t" in text and "\\xb7" in text
    listed = subprocess.run([ASSAY, "show", article_id, "--json"], env=env, capture_output=True, timeout=120)
    assert json.loads(listed.stdout.decode("ascii"))["title"] == "Lynas’s “record” quarter — 1,000 t"


def test_a_pasted_text_is_no_question_and_says_what_to_do_instead(assay_home, monkeypatch, capsys):
    """Seen here: a 3,500-word paste as the question of `assay ask` ran for over five minutes (the model reads the
    question once per passage) and had answered nothing when stopped. The limit is checked before anything loads."""
    from assay import api
    from assay.cli import main

    def loaded(*args, **kwargs):
        raise AssertionError("the corpus and the model were loaded")

    monkeypatch.setattr(api, "services", loaded)
    pasted = "Lynas Rare Earths said it shipped more NdPr oxide this quarter than ever before. " * 300
    with pytest.raises(SystemExit) as asked:
        main(["ask", pasted])
    said = capsys.readouterr().err
    assert asked.value.code == 1 and said.count("\n") == 1
    assert said.startswith("error: the question has 4,200 words, and a question may have 120 (ASSAY_ASK_MAX_QUESTION_WORDS): ")
    assert "`assay ingest -`" in said
    longest = " ".join(["word"] * assay_home.ask_max_question_words)
    with pytest.raises(AssertionError, match="were loaded"):  # at the limit, asked as before
        api.ask(longest, assay_home)
    with pytest.raises(api.QuestionTooLong):
        api.ask(longest + " more", assay_home)


@pytest.mark.slow
def test_doctor_repairs_what_a_crash_leaves_and_backup_copies_everything(prefect_harness, assay_home, tmp_path):
    """Chunks lost (a crash between steps) and an orphan chunk: doctor finds both, --repair stores the
    lost chunks again from the registry's copy of the body; then a backup is a working data folder."""
    import numpy as np

    from assay.services import services
    from assay.settings import Settings
    from assay.types import Article, Chunk
    from tests.conftest import SAMPLE_FEED

    assert invoke("ingest", str(SAMPLE_FEED), "--no-analyse").exit_code == 0
    store = services(assay_home).chunk_store
    articles = services(assay_home).registry.articles()
    lost = {a.id: sorted(store.chunk_ids(a.id)) for a in articles[:3]}  # stored again together, one write
    store.delete([i for ids in lost.values() for i in ids])
    stray = Article(id="0" * 16, title="gone", source="x", source_url="x", body="An orphan chunk's text.")
    store.upsert([(stray, [Chunk(id="orphan-0", article_id=stray.id, index=0, text=stray.body, start=0, end=23)],
                   np.full((1, 384), 384 ** -0.5, dtype=np.float32))])

    found = runner.invoke(app, ["doctor", "--json"])
    assert found.exit_code == 1
    report = json.loads(found.stdout)["check"]
    assert report["orphan_chunks"] == ["orphan-0"] and sorted(report["missing"]) == sorted(lost)
    repaired = json.loads(runner.invoke(app, ["doctor", "--repair", "--json"]).stdout)
    assert repaired["after"]["ok"] and repaired["repaired"]["deleted_chunks"] == ["orphan-0"]
    assert {a: sorted(store.chunk_ids(a)) for a in lost} == lost  # the same chunks, from the registry's body
    assert runner.invoke(app, ["doctor"]).exit_code == 0

    target = tmp_path / "copy"
    assert runner.invoke(app, ["backup", str(target)]).exit_code == 0
    copy = services(Settings(home=target))
    assert copy.registry.counts()["articles"] == 25 and copy.chunk_store.count() == store.count()
    again = runner.invoke(app, ["backup", str(target)])
    assert again.exit_code != 0  # a non-empty folder is never overwritten


def _record_labelled(settings, *, older: bool = False) -> str:
    """An article whose statements are labelled by hand: one sure fact, one uncertain claim (p=0.42), one
    uncertain opinion with no probability and a rationale carrying markup; or, `older`, as an earlier
    version stored it (no `uncertain`, no interval)."""
    from assay.analysis import rhetoric_share
    from assay.services import services
    from assay.types import Analysis, Article, Provenance, Section, StatementAnalysis

    body = ("Lynas shipped 1,000 tonnes of NdPr oxide this quarter. The company says Kalgoorlie is the best plant in "
            "the world. Prices will probably rise.")
    labels = [("Lynas shipped 1,000 tonnes of NdPr oxide this quarter.", "fact", 0.91, False, "a figure with its unit"),
              ("The company says Kalgoorlie is the best plant in the world.", "claim", 0.42, True, 'attributed with "says"'),
              ("Prices will probably rise.", "opinion", None, True, "hedged [bold red]forecast[/bold red]")]
    statements = [StatementAnalysis(quote=q, start=body.index(q), end=body.index(q) + len(q), kind=k, kind_confidence=c,
                                    uncertain=u and not older, attribution="company", evidence="none", rationale=r)
                  for q, k, c, u, r in labels]
    article = Article(id="cd" * 8, title="Lynas ships oxide", source="Wire", source_url="test", body=body,
                      sections=[Section(heading=None, start=0, end=len(body))],
                      reading_notes=[] if older else ["an image: its text read by OCR (Tesseract) [b]x[/b]", "dated by the message's Date header"])
    analysis = Analysis(
        article_id=article.id, content_hash=article.content_hash, summary="Lynas shipped oxide.", highlights=[],
        entities=[], figures=[], statements=statements, rhetoric_share=rhetoric_share(statements)[0],
        rhetoric_share_interval=None if older else rhetoric_share(statements)[1],
        provenance=Provenance(model="hand", prompts={}, kind_decided_by="hand@1", timings_s={},
                              analysed_at="2026-02-09T00:00:00+00:00",
                              prose_dropped=[] if older else ["Lynas beat [b]Iluka[/b]. [names not in the article: Iluka]"],
                              summary_read_chars=None if older else 60, summary_from_article=not older),
    )
    registry = services(settings).registry
    registry.record_article(article, chunk_count=0)
    registry.record_analysis(analysis, "test")
    return article.id


def test_show_states_the_share_with_its_interval_and_marks_uncertain_statements(assay_home, monkeypatch):
    article_id = _record_labelled(assay_home)
    shown = runner.invoke(app, ["show", article_id[:6]], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert "Real vs. rhetoric: 3 statements; 0 % claim or rhetoric (95 % CI 0–79 %) of 1 confident statement; 2 uncertain" in out
    assert "\nfact (1)\n" in out and "\nclaim (" not in out and "\nopinion (" not in out  # the uncertain are not under a kind
    assert "? uncertain (2)" in out
    assert '? “The company says Kalgoorlie is the best plant in the world.” — probably claim (p=0.42), company' in out
    assert "? “Prices will probably rise.” — probably opinion, company" in out and "None" not in out
    assert 'why: attributed with "says"' in out and "why: hedged [bold red]forecast[/bold red]" in out  # markup stays text
    assert "why: a figure with its unit" in out
    assert "dropped: Lynas beat [b]Iluka[/b]. [names not in the article: Iluka]" in out  # what grounding took out
    assert "(written from the first 60 of 141 characters: the rest did not fit the model's context)" in out
    assert "(the article's own sentences: nothing of the model's summary was grounded in it)" in out
    assert "How the text was read:\n  - an image: its text read by OCR (Tesseract) [b]x[/b]\n  - dated by the message's Date header\n" in out

    # In colour, a sure statement has its kind's colour; an uncertain one has none of the kinds' colours.
    import io

    from rich.console import Console

    from assay.types import KIND_COLOURS

    terminal = io.StringIO()
    monkeypatch.setattr("assay.cli.out", Console(file=terminal, force_terminal=True, color_system="truecolor", width=300))
    assert runner.invoke(app, ["show", article_id[:6]]).exit_code == 0
    lines = terminal.getvalue().splitlines()
    unsure = next(line for line in lines if "The company says Kalgoorlie" in line)
    sure = next(line for line in lines if "Lynas shipped 1,000 tonnes" in line)

    def sgr(colour: str) -> str:  # rich's truecolor foreground escape for a "#rrggbb" colour
        return "\x1b[38;2;{};{};{}m".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))

    assert sgr(KIND_COLOURS["fact"].strong) in sure
    assert not any(sgr(c.strong) in unsure for c in KIND_COLOURS.values()) and "\x1b[38;" not in unsure

    data = json.loads(runner.invoke(app, ["show", article_id[:6], "--json"]).stdout)["analysis"]
    assert data["rhetoric_share_interval"] == [0.0, 0.793]
    assert [c["uncertain"] for c in data["statements"]] == [False, True, True]
    assert data["statements"][2]["kind_confidence"] is None and data["statements"][1]["rationale"] == 'attributed with "says"'


def test_show_renders_an_analysis_stored_without_an_interval(assay_home):
    article_id = _record_labelled(assay_home, older=True)
    shown = runner.invoke(app, ["show", article_id[:6]], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "33 % claim or rhetoric of 3 statements (no interval: analysed by an earlier version)" in shown.output
    assert "uncertain" not in shown.output and "claim (1)" in shown.output and "opinion (1)" in shown.output


def test_ask_tells_a_question_about_one_unnamed_article_how_to_name_it(assay_home):
    hint = "pass --article ID to ask about one"
    article_id = _record(assay_home, "Lynas ships")  # with no chunks: no chunk retrieved, no LLM call
    asked = runner.invoke(app, ["ask", "What is the source of this article?"], env={"COLUMNS": "300"})
    assert asked.exit_code == 0, asked.output
    assert hint in asked.output and "The corpus does not say." in asked.output
    scoped = runner.invoke(app, ["ask", "What is the source of this article?", "--article", article_id[:8]], env={"COLUMNS": "300"})
    assert scoped.exit_code == 0 and hint not in scoped.output
    by_address = runner.invoke(app, ["ask", "What did Lynas ship?", "--article", "https://example.com/never-read"], env={"COLUMNS": "300"})
    assert by_address.exit_code == 1 and "no article read from 'https://example.com/never-read'" in str(by_address.exception)


def test_a_publication_time_reads_as_a_day_when_only_the_day_is_known():
    from datetime import UTC, datetime, timedelta, timezone

    from assay.cli import _when

    assert _when(datetime(2026, 3, 9, tzinfo=UTC)) == "2026-03-09"  # a dateline's day: no "00:00:00+00:00"
    assert _when(datetime(2026, 3, 9, 22, 5, tzinfo=timezone(timedelta(hours=8)))) == "2026-03-09 14:05 UTC"
    assert _when(None) == "undated"


def test_analyse_with_nothing_to_do_says_why(assay_home):
    pending, every, none = invoke("analyse", "--pending"), invoke("analyse", "--all"), invoke("analyse")
    outdated, both = invoke("analyse", "--outdated"), invoke("analyse", "--outdated", "--pending")
    assert pending.exit_code == 0 and "nothing pending" in pending.stderr
    assert every.exit_code == 0 and "the corpus has no articles" in every.stderr
    assert outdated.exit_code == 0 and "nothing outdated" in outdated.stderr
    assert both.exit_code == 0 and "nothing to analyse: every article has an analysis" in both.stderr
    assert none.exit_code == 1 and "give article ids, --all, --pending or --outdated" in none.stderr


@pytest.mark.slow
def test_analyse_outdated_takes_the_analyses_other_rules_made_and_not_the_articles_never_analysed(
        prefect_harness, assay_home, http_server, extractive_llm, monkeypatch, capsys):
    """The status line after a release said `assay analyse --all`, which also analysed every article
    ingested with --no-analyse (15 s each with the local model): --outdated takes only those analysed
    by other rules (here another model), and --pending with it takes both."""
    from assay import api
    from tests.conftest import use_extractive_llm

    use_extractive_llm(monkeypatch, extractive_llm)
    items = [{"title": f"Outdated {n}", "link": f"https://example.com/outdated/{n}", "html": article_html(n)} for n in (1, 2, 3)]
    feed = http_server.set("/outdated.xml", rss(items), content_type="application/xml")
    ids = [r["article_id"] for r in json.loads(invoke("ingest", feed, "--no-analyse", "--json").stdout)["results"]]
    first, second, never = ids
    assert invoke("analyse", first, second).exit_code == 0
    assert invoke("analyse", "--outdated").exit_code == 0 and "nothing outdated" in invoke("analyse", "--outdated").stderr
    behind = "2 analysed articles were analysed under other rules than this Assay's"
    settings = use_extractive_llm(monkeypatch, extractive_llm)
    assert not any(behind in w for w in api.status(settings).warnings)
    settings = use_extractive_llm(monkeypatch, extractive_llm, ASSAY_LLM_MODEL="extractive-2")
    assert sorted(api.select_articles(settings, outdated=True)) == sorted([first, second])
    # `assay status` says so too: only a prompt release had been told of, never another model or an upgrade's rules.
    assert any(behind in w and "`assay analyse --outdated`" in w for w in api.status(settings).warnings)
    assert sorted(api.select_articles(settings, outdated=True, pending=True)) == sorted(ids)
    calls = extractive_llm.calls
    again = json.loads(invoke("analyse", "--outdated", "--json").stdout)
    assert {r["article_id"]: r["status"] for r in again["results"]} == {first: "analysed", second: "analysed"}
    assert extractive_llm.calls > calls and api.select_articles(settings, outdated=True) == []
    assert api.select_articles(settings, pending=True) == [never]
    assert not any(behind in w for w in api.status(settings).warnings)
    monkeypatch.setattr("assay.analysis.SPLITTER_VERSION", "upgraded")  # an upgrade's splitter: every analysis is behind
    assert any(behind in w for w in api.status(settings).warnings)
    # A backend that cannot start is said once, before any article: it had failed each with the same line. Status still works.
    from assay.settings import get_settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ASSAY_LLM_BASE_URL")  # the OpenAI API itself, which wants a key
    get_settings.cache_clear()
    from tests.test_views import run_cli

    code, _, said = run_cli(capsys, "analyse", "--outdated")
    assert code == 1 and said.count("without OPENAI_API_KEY") == 1 and "analysis failed" not in said
    assert invoke("status").exit_code == 0


def test_articles_are_filtered_as_ask_filters_them(prefect_harness, assay_home, http_server):
    items = [{"title": f"Listed {n}", "link": f"https://example.com/listed/{n}", "html": article_html(n),
              "date": f"Tue, 0{n} Dec 2026 10:00:00 +0000"} for n in (1, 2, 3)]
    feed = http_server.set("/listed.xml", rss(items, title="Listing Feed"), content_type="application/xml")
    assert invoke("ingest", feed, "--no-analyse").exit_code == 0

    def titles(*options: str) -> list[str]:
        return [a["title"] for a in json.loads(invoke("articles", *options, "--json").stdout)]

    assert titles() == ["Listed 3", "Listed 2", "Listed 1"]
    assert titles("--since", "2026-12-02") == ["Listed 3", "Listed 2"]
    assert titles("--until", "2026-12-01", "--source", "listing") == ["Listed 1"]
    assert titles("--limit", "1") == ["Listed 3"] and titles("--source", "elsewhere") == []
    wrong = runner.invoke(app, ["articles", "--since", "yesterday"])
    assert wrong.exit_code == 2 and "expected a date like 2026-01-31" in wrong.stderr


def test_ctrl_c_while_the_command_starts_is_one_line_too(monkeypatch, capsys):
    """Seen here: Ctrl-C in the first two seconds of `assay report` (importing Chroma, LangChain…) printed a traceback
    of Python's import machinery. The console script imports the CLI inside its own handling."""
    import builtins
    import tomllib

    from assay import console

    assert tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["assay"] == "assay.console:main"
    real_import = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "assay.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    with pytest.raises(SystemExit) as stopped:
        console.main()
    assert stopped.value.code == 130 and capsys.readouterr().err == console.STOPPED_BEFORE + "\n"


def test_help_and_a_mistyped_option_load_no_heavy_package(tmp_path):
    """`assay --help` took 3.6 s, 2.4 s of it importing LangChain, Chroma, the readers and the store that no
    command had asked for yet: they load as a command first needs them (`cli.api`)."""
    probe = ("import sys\nfrom assay.cli import main\n"
             "for argv in (['--help'], ['ingest', '--help'], ['status', '--no-such-option']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'langchain_core', 'chromadb', 'sqlalchemy', 'prefect', 'onnxruntime'}))\n")
    done = subprocess.run([sys.executable, "-c", probe], env=subprocess_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-2000:] + done.stderr[-2000:]
    assert "Usage: assay" in done.stdout and "No such option: --no-such-option" in done.stderr


def test_a_fault_while_assay_loads_is_one_line_that_names_the_fix(tmp_path):
    """Seen here: with HOME unset for a user id the user database does not know (a container under an arbitrary
    id), every command printed a 20-frame traceback ending "Could not determine home directory" (Chroma asks
    for it as it is imported); a package that does not load (a broken install) printed one too."""
    no_home = ("import os, pwd, sys\n"
               "def unknown(uid):\n    raise KeyError(uid)\n"
               "pwd.getpwuid = unknown\nos.environ.pop('HOME', None)\n"
               "sys.argv = ['assay', 'status']\nfrom assay.console import main\nmain()\n")
    env = subprocess_env(tmp_path / "home")
    done = subprocess.run([sys.executable, "-c", no_home], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip().startswith("error: Assay cannot start without a home folder: HOME is unset and user id")
    assert done.stderr.strip().endswith("set HOME to a folder this user may write (e.g. HOME=/tmp)")

    broken = tmp_path / "broken" / "chromadb"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("libstdc++.so.6: version GLIBCXX_3.4.32 not found", name="chromadb_bindings")\n')
    env["PYTHONPATH"] = str(broken.parent)
    done = subprocess.run([ASSAY, "status"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr[-2000:]
    assert "a package it needs did not load (chromadb_bindings: libstdc++.so.6: version GLIBCXX_3.4.32 not found)" in done.stderr
    debug = subprocess.run([ASSAY, "--debug", "status"], env=env, capture_output=True, text=True, timeout=120)
    assert debug.returncode == 1 and "Traceback" in debug.stderr  # --debug keeps it


def test_a_fault_prefect_raises_while_stopping_for_sigterm_is_told_as_the_stop(monkeypatch, capsys):
    """Seen 1 run in 6 of `assay ingest` stopped by SIGTERM: "error: ValueError: Task run is not set" (Prefect's crash
    handling of a task not yet registered), where the other runs said what is kept and exited 143."""
    import signal

    from prefect.exceptions import TerminationSignal

    from assay import cli

    def stopped_mid_task(*args, **kwargs):
        try:
            raise TerminationSignal(signal.SIGTERM)
        except TerminationSignal:
            raise ValueError("Task run is not set")  # noqa: B904 - as Prefect's crash handling raises it

    def terminated(signum, frame):  # the real one ends the process (os._exit)
        cli.err.print(cli.TERMINATED)
        raise SystemExit(128 + signum)

    monkeypatch.setattr(cli, "app", stopped_mid_task)
    monkeypatch.setattr(cli, "_terminated", terminated)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["ingest", "folder"])
    assert stopped.value.code == 143 and " ".join(capsys.readouterr().err.split()) == cli.TERMINATED

    def plain_fault(*args, **kwargs):
        raise ValueError("Task run is not set")

    monkeypatch.setattr(cli, "app", plain_fault)  # with no SIGTERM behind it, a fault as any other
    with pytest.raises(SystemExit) as failed:
        cli.main(["ingest", "folder"])
    assert failed.value.code == 1 and "ValueError: Task run is not set" in capsys.readouterr().err


def test_ctrl_c_says_what_is_kept_and_exits_130(assay_home, monkeypatch, capsys):
    """Typer turns Ctrl-C into a silent exit 130; the user is told that finished work is kept."""
    from assay import api
    from assay.cli import main

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "articles", interrupted)
    with pytest.raises(SystemExit) as stopped:
        main(["articles"])
    assert stopped.value.code == 130 and "interrupted: what was finished is kept" in capsys.readouterr().err


def test_a_paste_the_disk_cannot_hold_leaves_no_half_file(tmp_path, monkeypatch):
    import errno

    from assay import api
    from assay.settings import Settings

    settings = Settings(home=tmp_path / "home")

    def full(self, data):  # as a disk that fills up part way through the write
        with open(self, "wb") as handle:
            handle.write(data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError):
        api.keep_standard_input(b"Lynas lifts output\n\nLynas said output rose 12% in the quarter.\n", settings)
    assert list((tmp_path / "home" / "pasted").iterdir()) == []


def test_a_note_said_of_many_items_is_printed_once_with_a_count(monkeypatch):
    """Two ingests of the same folder at once had printed "stored meanwhile by another ingest…" once for
    each of 349 articles; a note of a few items is still printed beside each."""
    import io

    from rich.console import Console

    from assay import cli
    from assay.types import IngestReport, ItemResult, ItemStatus

    printed = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=printed, width=300))
    meanwhile = "stored meanwhile by another ingest running at the same time"
    results = [ItemResult(location=f"/data/{n}.txt", status=ItemStatus.unchanged, title=f"Story {n}", notes=[meanwhile]) for n in range(40)]
    results.append(ItemResult(location="/data/scan.pdf", status=ItemStatus.new, title="Scan", notes=["an image: its text read by OCR"]))
    cli._print_report(IngestReport(results=results))
    lines = printed.getvalue().splitlines()
    assert [line for line in lines if meanwhile in line] == [
        f"40 items: {meanwhile} (among them Story 0, Story 1, Story 2 …; --json lists each)"]
    assert "Scan: an image: its text read by OCR" in lines


@pytest.mark.slow
def test_a_demo_whose_sample_feed_gives_nothing_stops_with_the_fix(prefect_harness, assay_home, tmp_path, monkeypatch, capsys):
    """A broken install's demo had gone on to analyse 0 articles, a status of nothing and an empty report."""
    from assay import cli

    monkeypatch.setattr("assay.articles.SAMPLE_FEED", tmp_path / "gone" / "rare-earth-exchanges.xml")
    with pytest.raises(SystemExit) as exited:
        cli.main(["demo"])
    said = capsys.readouterr()
    assert exited.value.code == 1 and "Analysing" not in said.out and "Report:" not in said.out
    assert re.search(r"error: the sample feed gave the corpus no articles \(.*no such file.*\): reinstall Assay", " ".join(said.err.split()))


VACUUM_PROBE = """
import asyncio, datetime as dt, json, sqlite3, sys, time
from assay.settings import get_settings
from assay.runtime import configure_prefect, forget_old_runs, prefect_api
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.states import Completed

settings = get_settings()
configure_prefect(settings, quiet=False)

@flow(name="a-poll")
def poll():
    pass

async def finished_runs(ages_days):
    async with get_client() as client:
        ids = {}
        for age in ages_days:
            run = await client.create_flow_run(poll, name=f"{age} days old")
            await client.set_flow_run_state(run.id, Completed(), force=True)
            ended = dt.datetime.now(dt.UTC) - dt.timedelta(days=age)
            with sqlite3.connect(settings.home / "prefect" / "prefect.db", timeout=30) as db:  # aged by hand: a month is not waited for
                db.execute("UPDATE flow_run SET end_time = ? WHERE id = ?", (ended.strftime("%Y-%m-%d %H:%M:%S.%f"), str(run.id)))
            ids[age] = run.id
        return ids

async def kept(ids):
    async with get_client() as client:
        left = {}
        for age, run_id in ids.items():
            try:
                await client.read_flow_run(run_id)
                left[age] = True
            except Exception:
                left[age] = False
        return left

if sys.argv[1] == "serve":  # `assay serve`'s own server: its vacuum service trims it
    with prefect_api(settings):
        ids = asyncio.run(finished_runs([40, 20]))
        deadline = time.monotonic() + 60
        while asyncio.run(kept(ids))[40] and time.monotonic() < deadline:
            time.sleep(1)
        print(json.dumps(asyncio.run(kept(ids))))
else:  # the temporary server of every other command runs no vacuum service: each flow command trims it
    poll()
    ids = asyncio.run(finished_runs([40, 20, 31]))
    forgotten = forget_old_runs(settings)
    print(json.dumps({"forgotten": forgotten, **asyncio.run(kept(ids))}))
"""


@pytest.mark.slow
def test_prefects_history_is_kept_for_a_month_not_for_good(tmp_path):
    """Prefect kept every run, its task runs and logs for good: a home's prefect.db grew by about 45 KB an
    ingested item. `assay serve`'s server deletes finished runs older than ASSAY_PREFECT_HISTORY_DAYS (30)
    with its vacuum service; the temporary server of other commands has none, so each flow command does."""
    env = subprocess_env(tmp_path / "home") | {"PREFECT_SERVER_SERVICES_DB_VACUUM_LOOP_SECONDS": "1"}
    served = subprocess.run([sys.executable, "-c", VACUUM_PROBE, "serve"], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert served.returncode == 0, served.stderr[-3000:]
    assert json.loads(served.stdout.splitlines()[-1]) == {"40": False, "20": True}  # the month-old run gone, the newer kept
    env["ASSAY_HOME"] = str(tmp_path / "other")
    command = subprocess.run([sys.executable, "-c", VACUUM_PROBE, "command"], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert command.returncode == 0, command.stderr[-3000:]
    assert json.loads(command.stdout.splitlines()[-1]) == {"forgotten": 2, "40": False, "20": True, "31": False}


def test_the_filters_take_a_time_back_from_now_as_the_digest_does():
    """`assay digest --since 2w` worked and `assay articles --since 2w` (or `ask`) said "expected a date"."""
    from datetime import UTC, date, datetime, timedelta

    from assay.cli import _day

    assert _day("2026-03-01", "--since") == date(2026, 3, 1)
    before = (datetime.now(UTC) - timedelta(weeks=2)).date()
    assert _day("2w", "--since") in (before, before + timedelta(days=1))  # the day it falls on (a midnight may pass)
    assert _day("3d12h", "--until") <= (datetime.now(UTC) - timedelta(days=3)).date()
    wrong = runner.invoke(app, ["articles", "--since", "yesterday"])
    assert wrong.exit_code == 2 and "expected a date like 2026-01-31, or a time back from now like 2w, 3d or 12h" in " ".join(wrong.stderr.split())


def test_a_question_in_another_language_is_said_to_be_one_not_answered_from_the_wrong_passage(assay_home, capsys):
    """"莱纳斯公司说了什么？" (what did Lynas say?) retrieved a Shenghe passage and answered that Lynas said it; a French
    question was declined for naming "Qu'a". Retrieval and the corpus are English: said so, before any model runs.
    English questions with no function words ("NdPr price?") are asked as before, as are all 225 labelled ones."""
    from assay import api
    from assay.cli import main
    from assay.evals.labels import load_all
    from assay.language import question_language_reason

    assert [q.question for a in load_all().values() for q in a.questions if question_language_reason(q.question)] == []
    for english in ("Lynas NdPr output 2025?", "NdPr price?", "La Paz lithium deal?", "Des Moines plant status?"):
        assert question_language_reason(english) is None, english
    assert question_language_reason("Was hat Lynas über die Produktion gesagt?") == "it reads as German"
    assert question_language_reason("¿Qué dijo Lynas sobre la producción de NdPr?") == "it reads as Spanish"
    with pytest.raises(api.QuestionNotEnglish, match=r"it is written in the Cyrillic script: ask it in English"):
        api.ask("Что сказала Lynas?", assay_home)
    with pytest.raises(SystemExit) as asked:
        main(["ask", "莱纳斯公司说了什么？"])
    said = capsys.readouterr().err
    assert asked.value.code == 1 and " ".join(said.split()) == (
        "error: questions are answered in English for now, and it is written in the Chinese (Han) script: ask it in English "
        "(the corpus's names and figures are found as English spells them)")


def test_articles_of_an_empty_corpus_says_where_it_looked(assay_home):
    listed = invoke("articles")
    assert listed.exit_code == 0 and f"the corpus in {assay_home.home} holds no articles yet" in listed.output.replace("\n", "")
