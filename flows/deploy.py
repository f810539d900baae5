"""Deployments to a Prefect work pool: Assay scaled out over any number of workers.

`deploy(pool, ...)` registers, with the Prefect server at PREFECT_API_URL:

- `analyse/<name>`: triggered by each `assay.article.new` / `assay.article.updated` event, for
  that article, so that ingestion and analysis run wherever there are workers;
- `analyse-backlog/<name>`: every `sweep_every`, the articles never analysed (those whose event
  was missed, or whose worker died mid-analysis once its claim lapsed);
- `ingest/<name>`: on demand (`prefect deployment run 'ingest/<name>' --param sources=[...]`);
- `ingest/<name>-poll`: with feeds, polls them every `every`; it only ingests, the events do the rest.
- `ingest/<name>-folders`: with folders, polls them the same way (the path must be the same on every worker).

A worker killed mid-run leaves its flow run "Running" for ever unless something notices: `deploy`
also creates the automation Prefect recommends for such zombie runs (`ZOMBIE_AUTOMATION`): a flow
run whose heartbeats (every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds, 180 by default) stop for
three beats is marked Crashed. Its article is not lost either way: its claim lapses and the sweep
takes it again.

Workers (`prefect worker start --pool <pool>`) import the flows from the installed `assay`
package (module-path entrypoints: no code storage, no image) and read their settings from their
own environment (ASSAY_DATABASE_URL, ASSAY_CHROMA_URL...). Two workers never analyse one article
twice: `analyse_one` claims it in the registry first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate, WorkPoolCreate
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.events import DeploymentEventTrigger
from prefect.exceptions import ObjectNotFound

from assay.flows.analyse import LLM_LIMIT, analyse, analyse_backlog
from assay.flows.ingest import ingest
from assay.settings import Settings
from assay.types import Deployed, SourceKind

ARTICLE_EVENTS = {"assay.article.new", "assay.article.updated"}
ZOMBIE_AUTOMATION = "assay: crash flow runs whose heartbeats stopped"


def deployments(name: str, *, feeds: list[str], every: timedelta, sweep_every: timedelta,
                folders: list[str] | None = None) -> list[RunnerDeployment]:
    """What `deploy` registers, before it is registered (module-path entrypoints, settings from the worker)."""
    made = [
        _deployment(
            analyse, name,
            description="Analyse an article when it is ingested or changes (triggered by its event).",
            triggers=[
                DeploymentEventTrigger(
                    name=f"{name}: analyse new and updated articles",
                    expect=ARTICLE_EVENTS,
                    match={"prefect.resource.id": "assay.article.*"},
                    # One expression: rendered to a JSON list, the flow's `article_ids`.
                    parameters={"article_ids": "{{ [event.payload.article_id] }}"},
                )
            ],
        ),
        _deployment(
            analyse_backlog, name, interval=sweep_every,
            description="Analyse what was never analysed: missed events, articles of workers that died.",
        ),
        _deployment(ingest, name, description="Ingest the given sources (feeds, pages, files)."),
    ]
    if feeds:
        made.append(
            _deployment(
                ingest, f"{name}-poll", interval=every,
                parameters={"sources": feeds, "expect": SourceKind.feed.value},
                description="Poll the feeds; what is new is analysed through its event.",
            )
        )
    if folders:
        made.append(
            _deployment(
                ingest, f"{name}-folders", interval=every, parameters={"sources": folders},
                description="Poll the folders (each at the same path on every worker); what is new is analysed through its event.",
            )
        )
    return made


def _deployment(flow: Any, name: str, **options: Any) -> RunnerDeployment:
    # Module-path entrypoints: workers import the flow from the installed package.
    made = flow.to_deployment(name, entrypoint_type=EntrypointType.MODULE_PATH, **options)
    assert isinstance(made, RunnerDeployment)  # outside an event loop Prefect returns it, not a coroutine
    return made


def deploy(
    pool: str, settings: Settings, *, name: str = "assay", feeds: list[str] | None = None,
    every: timedelta = timedelta(minutes=15), sweep_every: timedelta = timedelta(hours=1), folders: list[str] | None = None,
) -> list[Deployed]:
    """Register the deployments with the Prefect server, creating the (process) work pool if missing,
    and set the global limit on LLM calls to `settings.llm_concurrency`."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        try:
            client.read_global_concurrency_limit_by_name(LLM_LIMIT)
            client.update_global_concurrency_limit(LLM_LIMIT, GlobalConcurrencyLimitUpdate(limit=settings.llm_concurrency))
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=LLM_LIMIT, limit=settings.llm_concurrency))
    crash_zombie_runs()
    deployed = []
    for deployment in deployments(name, feeds=feeds or [], every=every, sweep_every=sweep_every, folders=folders):
        deployment_id = deployment.apply(work_pool_name=pool)
        deployed.append(Deployed(name=f"{deployment.flow_name}/{deployment.name}", id=str(deployment_id), pool=pool,
                                 schedule=_schedule(deployment), triggered_by=sorted(ARTICLE_EVENTS) if deployment.triggers else []))
    return deployed


def _schedule(deployment: RunnerDeployment) -> str | None:
    for schedule in deployment.schedules or []:
        interval = getattr(schedule.schedule, "interval", None)
        if interval is not None:
            return f"every {interval}"
    return None


def crash_zombie_runs() -> None:
    """Create (or update) the automation that marks a flow run Crashed when it sends no heartbeat, no
    end state, for three heartbeat periods: Prefect's own recipe for runs whose process died
    (docs.prefect.io, "How to detect and respond to zombie flows"). The period is this process's
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY: give the workers the same."""
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification
    from prefect.settings import get_current_settings

    beat = get_current_settings().flows.heartbeat_frequency or 180
    automation = AutomationCore(
        name=ZOMBIE_AUTOMATION,
        description="A flow run that stopped sending heartbeats (its worker or process was killed) is marked Crashed.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=3 * beat),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message=f"No heartbeat for {3 * beat} s: its process was killed or lost.")],
    )
    with get_client(sync_client=True) as client:
        existing = client.read_automations_by_name(ZOMBIE_AUTOMATION)
        if existing:
            client.update_automation(existing[0].id, automation)
        else:
            client.create_automation(automation)
