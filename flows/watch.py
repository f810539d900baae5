"""The watch-alerts step, run after each analysis run: statements of the newly analysed articles that
name a watched entity or hold a watched phrase are recorded as alerts (once per watch item and
statement), each new one emitted as a Prefect event `assay.watch.matched` (for automations), and
every unsent alert sent through the notification block named by ASSAY_ALERT_BLOCK.

Nothing here fails the analysis: a notification that cannot be sent keeps its error on the alert
and is sent again by the next run; any other failure is logged in one line.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from assay.aliases import AliasBook
from assay.corpus import SourceRules, load_corpus
from assay.services import services
from assay.settings import Settings
from assay.store.registry import Registry
from assay.watch import DEFAULT_BLOCK_TYPE, AlertRun, WatchAlert, include_watched, match_statements

log = logging.getLogger(__name__)

EVENT = "assay.watch.matched"
SEND_AT_MOST = 200  # alerts sent per run: a backlog of failed ones goes out over the next runs, not in one burst


def alert_watchers(article_ids: list[str], settings: Settings) -> AlertRun:
    """The step: a task run only when something is watched or waiting to be sent. Never raises."""
    try:
        registry = services(settings).registry
        if registry.read_only or not (registry.watch_items() or registry.watch_alerts(pending=True, limit=1)):
            return AlertRun()
        result: AlertRun = watch_alerts(article_ids, settings)
        return result
    except Exception as exc:  # noqa: BLE001 - alerts are a side line: the analysis stands whatever happens here
        line = f"watch alerts failed ({type(exc).__name__}: {_first_line(exc)}); the analysis is stored, alerts are retried next run"
        log.warning(line)
        return AlertRun(errors=[line])


@task(name="watch-alerts", cache_policy=NO_CACHE)
def watch_alerts(article_ids: list[str], settings: Settings) -> AlertRun:
    registry = services(settings).registry
    run = AlertRun()
    items = registry.watch_items()
    if items and article_ids:
        aliases = AliasBook.load(settings.home)
        include_watched(aliases, items)
        view = load_corpus(registry, aliases, SourceRules.load(settings.home), article_ids=article_ids)
        matches = match_statements(items, view.statements, aliases)
        run.matched = len(matches)
        recorded = registry.record_watch_alerts([m.alert() for m in matches])
        run.recorded = len(recorded)
        for alert in recorded:
            emit_alert_event(alert)
    if settings.alert_block:
        send_pending(registry, settings.alert_block, run)
    return run


def emit_alert_event(alert: WatchAlert) -> None:
    emit_event(
        event=EVENT,
        resource={"prefect.resource.id": f"assay.article.{alert.article_id}"},
        related=[{"prefect.resource.id": f"assay.watch.{alert.watch_id}", "prefect.resource.role": "watch",
                  "prefect.resource.name": alert.watch[:200]}],
        payload={"watch_id": alert.watch_id, "watch": alert.watch, "statement_id": alert.statement_id, "conflict": alert.conflict,
                 "subject": alert.subject, "body": alert.body},
    )


def load_notification_block(name: str) -> Any:
    """The saved block `TYPE-SLUG/NAME` (a bare NAME is a custom webhook's)."""
    import prefect.blocks.notifications  # noqa: F401 - registers the notification block types that Block.load looks up by slug
    from prefect.blocks.core import Block

    block = Block.load(name if "/" in name else f"{DEFAULT_BLOCK_TYPE}/{name}")
    if not callable(getattr(block, "notify", None)):
        raise TypeError(f"{name} is a {type(block).__name__}, not a notification block")
    return block


def send_pending(registry: Registry, block_name: str, run: AlertRun) -> None:
    """Send every unsent alert through the block; each failure is kept on its alert for the next run."""
    pending = registry.watch_alerts(pending=True, limit=SEND_AT_MOST)
    if not pending:
        return
    block: Any = None
    reason = ""
    try:
        block = load_notification_block(block_name)
    except Exception as exc:  # noqa: BLE001 - a missing or misnamed block: said on every alert, tried again next run
        reason = (f"cannot load the notification block {block_name!r} ({type(exc).__name__}: {_first_line(exc)}): "
                  "save one with `assay watch notify --webhook URL` or correct ASSAY_ALERT_BLOCK")
    for alert in pending:
        if not registry.claim_watch_alert(alert.id):
            continue  # sent, or being sent, by another worker
        if block is None:
            registry.mark_watch_alert(alert.id, error=reason)
            run.failed += 1
            continue
        try:
            block.notify(alert.body, alert.subject, _sync=True)
        except Exception as exc:  # noqa: BLE001 - the receiver's failure, whatever it is, is the alert's, not the run's
            registry.mark_watch_alert(alert.id, error=f"{type(exc).__name__}: {_first_line(exc)}")
            run.failed += 1
            reason = f"{type(exc).__name__}: {_first_line(exc)}"
        else:
            registry.mark_watch_alert(alert.id)
            run.sent += 1
    if run.failed:
        line = f"{run.failed} watch alert(s) not sent through {block_name} ({reason}); they are sent again on the next run"
        log.warning(line)
        run.errors.append(line)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""
