"""`assay deploy`: what it registers, and its one-line faults. (Workers running these deployments
against a real server: tests/test_scale_out.py.)"""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

from tests.test_cli import ASSAY, subprocess_env


def test_the_deployments_workers_run():
    from assay.flows.deploy import ARTICLE_EVENTS, deployments

    made = {f"{d.flow_name}/{d.name}": d for d in deployments("assay", feeds=["https://example.com/feed.xml"], folders=["/srv/wire-drop"],
                                                              every=timedelta(minutes=15), sweep_every=timedelta(hours=1))}
    assert set(made) == {"analyse/assay", "analyse-backlog/assay", "ingest/assay", "ingest/assay-poll", "ingest/assay-folders"}
    for deployment in made.values():  # workers import the installed package: no code storage, no image
        assert deployment.entrypoint.startswith("assay.flows.") and deployment.storage is None
    (trigger,) = made["analyse/assay"].triggers
    assert set(trigger.expect) == ARTICLE_EVENTS
    assert trigger.parameters == {"article_ids": "{{ [event.payload.article_id] }}"}  # the ingest's event payload names it
    assert made["analyse-backlog/assay"].schedules[0].schedule.interval == timedelta(hours=1)
    poll = made["ingest/assay-poll"]
    assert poll.parameters == {"sources": ["https://example.com/feed.xml"], "expect": "feed"}
    assert poll.schedules[0].schedule.interval == timedelta(minutes=15)
    folders = made["ingest/assay-folders"]  # any file there, not feeds only
    assert folders.parameters == {"sources": ["/srv/wire-drop"]} and folders.schedules[0].schedule.interval == timedelta(minutes=15)


@pytest.mark.parametrize("api_url, says", [
    (None, "deploying needs a Prefect server that workers share"),
    ("http://127.0.0.1:9/api", "cannot reach the Prefect server at http://127.0.0.1:9/api"),  # nothing listens on the discard port
])
def test_deploy_faults_are_one_line(tmp_path, api_url, says):
    env = subprocess_env(tmp_path / "home") | ({"PREFECT_API_URL": api_url} if api_url else {})
    done = subprocess.run([ASSAY, "deploy", "--pool", "assay"], env=env, capture_output=True, text=True, timeout=120)
    printed = " ".join(done.stderr.split())
    assert done.returncode == 1 and says in printed and "PREFECT_API_URL" in printed, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
