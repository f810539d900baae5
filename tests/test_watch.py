"""Watchlists and alerts: what matches (entities under any spelling, phrases as whole words, the
conflict flag), alerts recorded once and sent once with failed sends retried (on SQLite and a real
PostgreSQL), the `assay watch` commands' JSON, and the whole path: articles ingested and analysed
through the real flows, alerts POSTed by a Prefect webhook block to a receiver on loopback."""

from __future__ import annotations

import json

import pytest

from assay.aliases import AliasBook
from assay.corpus import load_corpus
from assay.store.registry import Registry
from assay.watch import WatchError, WatchKind, match_statements, phrase_pattern, watch_spec
from tests.conftest import article_html, rss, use_extractive_llm
from tests.views_corpus import views_registry


@pytest.fixture(params=["sqlite", "postgres"])
def views(request, tmp_path) -> Registry:
    """The views corpus in a registry, on SQLite and on a real PostgreSQL (skipped where it is not installed)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else f"sqlite:///{tmp_path / 'registry.sqlite'}"
    registry = views_registry(url)
    yield registry
    registry.close()


@pytest.fixture
def views_sqlite(tmp_path) -> Registry:
    registry = views_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    yield registry
    registry.close()


def matched(registry: Registry, text: str, *, phrase: bool = False) -> list:
    aliases = AliasBook.load(None)
    view = load_corpus(registry, aliases)
    item, _ = registry.add_watch_item(watch_spec(text, aliases, phrase=phrase))
    return match_statements([item], view.statements, aliases)


# --- what matches ---------------------------------------------------------------------------


def test_an_entity_is_watched_under_every_spelling_the_alias_book_knows(views_sqlite):
    spec = watch_spec("CNRE", AliasBook.load(None))
    assert (spec.kind, spec.canonical) == (WatchKind.entity, "China Northern Rare Earth")
    quotes = {m.statement.quote for m in matched(views_sqlite, "CNRE")}
    assert quotes == {
        "China Northern Rare Earth raised its listed NdPr oxide price to 560,000 yuan per tonne.",
        "Northern Rare Earth said output would rise 10 percent this year.",
        "CNRE shares (600111) fell 3% in Shanghai on Tuesday.",
        "China Northern Rare Earth (Group) High-Tech Co., Ltd. reported first-quarter output of 4,000 tonnes.",
    }


def test_a_phrase_matches_whole_words_in_any_case():
    assert watch_spec("export controls", AliasBook.load(None)).kind is WatchKind.phrase
    assert watch_spec("Lynas", AliasBook.load(None), phrase=True).kind is WatchKind.phrase  # --phrase wins over the alias book
    pattern = phrase_pattern("rare  earth")
    assert pattern.search("the global RARE EARTH industry") and pattern.search("rare\nearth, said")
    assert not pattern.search("Chinese rare earths") and not pattern.search("rare earthly") and not pattern.search("rarer earth")
    assert phrase_pattern("NdPr").search("(NdPr)") and not phrase_pattern("NdPr").search("NdPrO3")
    with pytest.raises(WatchError, match="no letters or digits"):
        watch_spec("--", AliasBook.load(None))


def test_a_phrase_in_the_corpus(views_sqlite):
    quotes = {m.statement.quote for m in matched(views_sqlite, "rare earth")}
    assert "The company is the undisputed leader of the global rare earth industry." in quotes
    assert not any("rare earths" in q for q in quotes)


def test_a_contradicted_statement_alerts_as_a_conflict(views_sqlite):
    matches = matched(views_sqlite, "MP Materials")
    conflicts = [m for m in matches if m.conflict]
    assert len(matches) == 6 and len(conflicts) == 1
    alert = conflicts[0].alert()
    quote = "MP Materials will not supply 1,000 tonnes of NdPr oxide to the Pentagon by 2027, sources said."
    assert alert.conflict and alert.subject.startswith("Conflict: MP Materials: MP Materials will not supply")
    body = alert.body.splitlines()
    assert body[0].startswith("Conflict: another source in the corpus contradicts this claim")
    assert f"“{quote}”" in body and "Source: Mining Weekly (news)" in body and "Article: MP supply plan slips" in body
    assert "https://www.miningweekly.com/article/mp-2026-03-20" in body
    plain = next(m.alert() for m in matches if not m.conflict)
    assert not plain.subject.startswith("Conflict") and not plain.body.startswith("Conflict")


# --- the registry: recorded once, sent once, retried -----------------------------------------------


def test_alerts_are_recorded_once_and_a_failed_send_is_retried(views):
    aliases = AliasBook.load(None)
    item, added = views.add_watch_item(watch_spec("CNRE", aliases))
    again, added_again = views.add_watch_item(watch_spec("China Northern Rare Earth", aliases))
    assert added and not added_again and again.id == item.id  # one entity, two spellings: one watch
    alerts = [m.alert() for m in matched(views, "600111")]
    assert len(views.record_watch_alerts(alerts)) == 4
    assert views.record_watch_alerts(alerts) == []  # the same statements again: nothing new

    first, *_ = pending = views.watch_alerts(pending=True)
    assert len(pending) == 4 and all(a.watch == "China Northern Rare Earth" for a in pending)
    assert views.claim_watch_alert(first.id) and not views.claim_watch_alert(first.id)  # one sender at a time
    views.mark_watch_alert(first.id, error="HTTPStatusError: Server error '500'")
    failed = next(a for a in views.watch_alerts(pending=True) if a.id == first.id)
    assert failed.error and failed.attempts == 1 and failed.sent_at is None  # still pending: the next run sends it
    assert views.claim_watch_alert(first.id)
    views.mark_watch_alert(first.id)
    assert first.id not in {a.id for a in views.watch_alerts(pending=True)}
    assert not views.claim_watch_alert(first.id)  # sent: never again
    sent = next(a for a in views.watch_alerts() if a.id == first.id)
    assert sent.sent_at is not None and sent.error is None and sent.attempts == 2

    removed = views.remove_watch_item(item.id)
    assert removed is not None and views.watch_alerts() == [] and views.watch_items() == []  # its alerts go with it


# --- the CLI -------------------------------------------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from assay.cli import main

    with pytest.raises(SystemExit) as done:
        main(list(args))
    captured = capsys.readouterr()
    return int(done.value.code or 0), captured.out, captured.err


def test_watch_commands_as_json(assay_home, capsys):
    code, output, _ = run_cli(capsys, "watch", "add", "CNRE", "--json")
    added = json.loads(output)
    assert code == 0 and added["added"] and added["item"]["kind"] == "entity"
    assert added["item"]["canonical"] == "China Northern Rare Earth" and "CNRE" in added["why"]
    assert not json.loads(run_cli(capsys, "watch", "add", "Northern Rare Earth", "--json")[1])["added"]
    phrase = json.loads(run_cli(capsys, "watch", "add", "export controls", "--json")[1])
    assert phrase["item"]["kind"] == "phrase" and "no known entity" in phrase["why"]
    forced = json.loads(run_cli(capsys, "watch", "add", "Lynas", "--phrase", "--json")[1])
    assert forced["item"]["kind"] == "phrase"
    slip = json.loads(run_cli(capsys, "watch", "add", "MP Materails", "--json")[1])  # a phrase nobody writes: said, and the fix
    assert slip["item"]["kind"] == "phrase" and slip["why"] == (
        f"a phrase: no known entity has this name, and 'MP Materials' is one: if you meant it, `assay watch remove {slip['item']['id']}` "
        "and `assay watch add 'MP Materials'`")
    run_cli(capsys, "watch", "remove", str(slip["item"]["id"]))

    listed = json.loads(run_cli(capsys, "watch", "list", "--json")[1])
    assert [(i["kind"], i["text"]) for i in listed] == [("entity", "CNRE"), ("phrase", "export controls"), ("phrase", "Lynas")]
    removed = json.loads(run_cli(capsys, "watch", "remove", "600111", "--json")[1])  # any spelling of the entity
    assert removed["id"] == listed[0]["id"]
    assert json.loads(run_cli(capsys, "watch", "remove", str(listed[1]["id"]), "--json")[1])["text"] == "export controls"
    assert [i["text"] for i in json.loads(run_cli(capsys, "watch", "list", "--json")[1])] == ["Lynas"]
    assert json.loads(run_cli(capsys, "watch", "alerts", "--json")[1]) == []

    code, _, error = run_cli(capsys, "watch", "remove", "nothing like it")
    assert code == 1 and "no watch item matches 'nothing like it'" in error


# --- the whole path: real flows, a real webhook on loopback -------------------------------------------


def test_alerts_reach_a_webhook_once_and_a_failed_send_goes_out_on_the_next_run(
    prefect_harness, assay_home, http_server, extractive_llm, monkeypatch, capsys
):
    from assay import api
    from assay.flows import watch as watch_flow

    code, output, _ = run_cli(capsys, "watch", "notify", "--webhook", http_server.url("/alerts"), "--name", "assay-test-alerts", "--json")
    block = json.loads(output)["block"]
    assert code == 0 and block == "custom-webhook/assay-test-alerts"
    settings = use_extractive_llm(monkeypatch, extractive_llm, ASSAY_ALERT_BLOCK=block)
    assert json.loads(run_cli(capsys, "watch", "add", "Lynas", "--json")[1])["item"]["canonical"] == "Lynas Rare Earths"

    events: list[dict] = []
    emitted: list[object] = []
    real_emit = watch_flow.emit_event

    def spy(**event):
        events.append(event)
        emitted.append(real_emit(**event))

    monkeypatch.setattr(watch_flow, "emit_event", spy)
    http_server.posts["/alerts"] = [b"{}"] * 200
    http_server.post_bodies.pop("/alerts", None)

    items = [{"title": f"Watch {n}", "link": f"https://example.com/watch/{n}", "html": article_html(n)} for n in (1, 2)]
    report = api.ingest([http_server.set("/watch.xml", rss(items), content_type="application/xml")], settings)
    assert report.analysis is not None and report.analysis.counts["analysed"] == 2

    alerts = api.watch_alerts(settings, limit=500)
    assert alerts and all(a.sent_at is not None and a.error is None for a in alerts)
    assert all("Lynas Rare Earths" in a.body and a.article_id in {r.article_id for r in report.analysis.results} for a in alerts)
    received = [json.loads(body) for body in http_server.post_bodies["/alerts"]]
    assert sorted(r["subject"] for r in received) == sorted(a.subject for a in alerts)  # each alert once
    quotes = [line for r in received for line in r["body"].splitlines() if line.startswith("“")]
    assert len(quotes) == len(alerts) and all("Lynas Rare Earths shipped" in q for q in quotes)
    assert [e["event"] for e in events] == ["assay.watch.matched"] * len(alerts)
    assert {e["resource"]["prefect.resource.id"] for e in events} == {f"assay.article.{a.article_id}" for a in alerts}
    # Each event says whether its statement is contradicted, as its alert does (the two feed items give the
    # same sentences with other tonnages, so some are).
    conflicts = {a.statement_id: a.conflict for a in alerts}
    assert all(a.subject.startswith("Conflict: ") is a.conflict for a in alerts)
    assert all(e["payload"]["watch"] == "Lynas Rare Earths" and e["payload"]["conflict"] is conflicts[e["payload"]["statement_id"]]
               for e in events)
    assert all(getattr(e, "event", None) == "assay.watch.matched" for e in emitted)  # Prefect took each event

    # The same articles again: nothing new is recorded, emitted or sent.
    again = api.watch_run(settings, [a.article_id for a in alerts])
    assert (again.matched, again.recorded, again.sent) == (len(alerts), 0, 0)
    assert len(http_server.post_bodies["/alerts"]) == len(alerts) and len(events) == len(alerts)

    # The receiver fails: the analysis stands, the alerts keep the error, and the next run sends them.
    http_server.posts["/alerts"] = [(500, b"down")] * 200
    third = [{"title": "Watch 3", "link": "https://example.com/watch/3", "html": article_html(3)}]
    report = api.ingest([http_server.set("/watch-3.xml", rss(third), content_type="application/xml")], settings)
    assert report.analysis is not None and report.analysis.counts["analysed"] == 1
    unsent = api.watch_alerts(settings, pending=True, limit=500)
    assert unsent and all("500" in (a.error or "") and a.attempts == 1 for a in unsent)
    code, output, _ = run_cli(capsys, "watch", "alerts", "--pending", "--json")
    assert code == 0 and {a["id"] for a in json.loads(output)} == {a.id for a in unsent}

    http_server.posts["/alerts"] = [b"{}"] * 200
    before = len(http_server.post_bodies["/alerts"])
    retried = api.watch_run(settings, [])
    assert (retried.sent, retried.failed) == (len(unsent), 0)
    assert api.watch_alerts(settings, pending=True) == []
    assert len(http_server.post_bodies["/alerts"]) == before + len(unsent)
    assert api.watch_run(settings, []).sent == 0  # nothing left to send


def test_without_a_block_alerts_are_recorded_and_a_missing_block_is_an_error_on_the_alert(views_sqlite, monkeypatch):
    from assay.flows import watch as watch_flow
    from assay.watch import AlertRun

    aliases = AliasBook.load(None)
    views_sqlite.add_watch_item(watch_spec("CNRE", aliases))
    views_sqlite.record_watch_alerts([m.alert() for m in matched(views_sqlite, "CNRE")])

    def no_such_block(name: str):
        raise ValueError(f"Unable to find block document named {name}")

    monkeypatch.setattr(watch_flow, "load_notification_block", no_such_block)
    run = AlertRun()
    watch_flow.send_pending(views_sqlite, "custom-webhook/missing", run)
    assert run.failed == 4 and run.sent == 0 and "assay watch notify" in run.errors[0]
    assert all("cannot load the notification block 'custom-webhook/missing'" in (a.error or "") for a in views_sqlite.watch_alerts(pending=True))

