"""The deployments: prefect.yaml and flows/deployments.py agree, and a real server + worker runs ``monthly``.

The integration test starts ``prefect server start`` on loopback (SQLite under ``tmp_path``), creates the
``thidua-pool`` process work pool, deploys ``monthly`` from ``prefect.yaml`` with ``prefect deploy``, starts a
worker outside the project folder and runs the month 2025-12 on a copy of the sample inputs. Set
``THIDUA_SKIP_SERVER_TESTS=1`` to skip it locally; CI runs it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import deployments
from flows.cli import main
from flows.deployments import ANNUAL_REVIEW, MONTHLY, MONTHLY_CRON, TIMEZONE, WORK_POOL, build_deployments
from scripts.processes import NotServing, background, on_free_port, wait_serving
from tasks.outputs.verify import verify_run
from tests.support.executables import executable

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 120.0
RUN_TIMEOUT = 180.0
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
needs_server = pytest.mark.skipif(
    os.environ.get("THIDUA_SKIP_SERVER_TESTS") == "1", reason="THIDUA_SKIP_SERVER_TESTS=1: no Prefect server tests"
)


def _declared() -> dict[str, dict[str, Any]]:
    """The deployments of prefect.yaml by name."""
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return {d["name"]: d for d in config["deployments"]}


def test_prefect_yaml_declares_the_monthly_schedule_and_the_manual_review() -> None:
    """monthly: cron 0 7 5 * * in Vietnam time, no period (the flow takes last month); annual-review: no schedule."""
    declared = _declared()
    assert set(declared) == {MONTHLY, ANNUAL_REVIEW}
    monthly, review = declared[MONTHLY], declared[ANNUAL_REVIEW]
    assert monthly["entrypoint"] == "flows/monthly.py:monthly"
    assert review["entrypoint"] == "flows/annual_review.py:annual_review"
    assert monthly["schedules"] == [{"cron": "0 7 5 * *", "timezone": "Asia/Ho_Chi_Minh", "active": True}]
    assert not review.get("schedules")
    assert "period" not in monthly["parameters"] and "year" not in review["parameters"]
    for deployment in declared.values():
        assert deployment["work_pool"]["name"] == WORK_POOL


def test_prefect_yaml_runs_flows_from_the_project_folder() -> None:
    """The pull step moves a worker's run into THIDUA_HOME, where flows/ and the default inputs/ live."""
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert config["pull"] == [{"prefect.deployments.steps.set_working_directory": {"directory": "{{ $THIDUA_HOME }}"}}]
    assert config["build"] is None and config["push"] is None


def test_the_served_deployments_match_prefect_yaml() -> None:
    """thidua serve builds the same two deployments: names, entrypoints, schedule and time zone."""
    served = {d.name: d for d in build_deployments()}
    declared = _declared()
    assert set(served) == set(declared)
    for name, deployment in served.items():
        assert deployment.entrypoint is not None
        assert deployment.entrypoint.endswith(declared[name]["entrypoint"])
    (schedule,) = served[MONTHLY].schedules or []
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (MONTHLY_CRON, TIMEZONE)  # type: ignore[union-attr]
    assert schedule.active
    assert not served[ANNUAL_REVIEW].schedules
    assert "period" not in served[MONTHLY].parameters


def test_the_review_deployment_requires_a_year_and_monthly_defaults_its_period() -> None:
    """A manual review run must name its year; a scheduled monthly run sends no period (None → last month)."""
    served = {d.name: d for d in build_deployments()}
    review_schema = served[ANNUAL_REVIEW]._parameter_openapi_schema
    monthly_schema = served[MONTHLY]._parameter_openapi_schema
    assert review_schema.required == ["year"]
    assert not monthly_schema.required
    assert (monthly_schema.properties or {})["period"]["default"] is None


def test_serve_refuses_to_start_without_a_prefect_server(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without PREFECT_API_URL the schedule would never fire: thidua serve says so and exits 2."""
    monkeypatch.setattr(deployments, "serve_deployments", lambda: pytest.fail("served without a server"))
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        status = main(["serve"])
    assert status == 2
    assert "prefect server start" in capsys.readouterr().err


def test_serve_serves_both_deployments_when_a_server_is_configured(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a server configured, thidua serve hands both deployments to Prefect and names the schedule."""
    served: list[bool] = []
    monkeypatch.setattr(deployments, "serve_deployments", lambda: served.append(True))
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        status = main(["serve"])
    assert status == 0 and served == [True]
    assert "0 7 5 * *" in capsys.readouterr().out


@dataclass(frozen=True)
class Server:
    """A Prefect server started for the module's tests: its API address and the environment of its clients."""

    api: str
    env: dict[str, str]
    logs: Path


# A worker and `thidua serve` ask the server for runs every 10 s by Prefect's default; the tests' runs would wait
# for that, not for work. Prefect's own settings for the two.
POLL_EVERY_SECOND = {"PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_RUNNER_POLL_FREQUENCY": "1"}


def _kept_database() -> Path:
    """The server's SQLite database, kept between sessions beside this process's Prefect home (each xdist worker
    has its own, tests/conftest.py): only the first session runs Prefect's migrations on it, 6 of the 11 s of CPU
    a start on a new database takes. What a test leaves in it, deployments and work pools, ``server`` removes."""
    folder = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect") / "test-server"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "prefect.db"


def _server_env(home: Path, port: int, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "THIDUA_HOME"}
    return env | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{database}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }


@contextlib.contextmanager
def _started_server(folder: Path, port: int) -> Iterator[Server]:
    home, logs = folder / "prefect-home", folder / "logs"
    env = _server_env(home, port, _kept_database())
    args = [executable("prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"]
    with background(args, env, folder, logs / "server.log") as proc:
        try:
            wait_serving(proc, f"{env['PREFECT_API_URL']}/health", port, logs / "server.log", SERVER_START_TIMEOUT)
        except NotServing as exc:
            pytest.fail(f"{exc}:\n{(logs / 'server.log').read_text(errors='replace')}")
        yield Server(api=env["PREFECT_API_URL"], env=env, logs=logs)


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Prefect server on a free loopback port with its own SQLite database, stopped after the module (starting
    one takes seconds; on a new database, its migrations included, most of ten)."""
    folder = tmp_path_factory.mktemp("prefect-server")
    (folder / "prefect-home").mkdir()
    (folder / "logs").mkdir()
    with on_free_port(functools.partial(_started_server, folder)) as server:
        yield server


@pytest.fixture
def server(module_server: Server) -> Iterator[Server]:
    """The module's server with no deployment and no work pool at the start of each test: a deployment left by one
    test (same name, another way of running) must not be the one the next test finds."""
    _remove_deployments_and_pools(module_server)
    yield module_server
    _remove_deployments_and_pools(module_server)


def _remove_deployments_and_pools(server: Server) -> None:
    """Delete every deployment (with its scheduled runs) and every work pool but Prefect's own default ones."""
    for deployment in httpx.post(f"{server.api}/deployments/filter", json={}, timeout=10).json():
        httpx.delete(f"{server.api}/deployments/{deployment['id']}", timeout=10).raise_for_status()
    for pool in httpx.post(f"{server.api}/work_pools/filter", json={}, timeout=10).json():
        if pool["name"] == WORK_POOL:
            httpx.delete(f"{server.api}/work_pools/{pool['name']}", timeout=10).raise_for_status()
    assert httpx.post(f"{server.api}/deployments/filter", json={}, timeout=10).json() == []


def _cli(server: Server, *args: str, cwd: Path) -> str:
    """Run a prefect command against the test server; fails the test with its output if it fails."""
    done = subprocess.run(
        [executable("prefect"), "--no-prompt", *args],
        env=server.env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _deployment(server: Server, flow: str, name: str) -> dict[str, Any] | None:
    """The deployment ``flow/name`` as the API returns it, or None while it does not exist."""
    response = httpx.get(f"{server.api}/deployments/name/{flow}/{name}", timeout=10)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return dict(response.json())


def _wait_for_deployment(server: Server, flow: str, name: str, log: str) -> dict[str, Any]:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if found := _deployment(server, flow, name):
            return found
        time.sleep(0.5)
    pytest.fail(f"deployment {flow}/{name} never appeared:\n{(server.logs / log).read_text(errors='replace')}")


def _start_run(server: Server, deployment: dict[str, Any], parameters: dict[str, str]) -> str:
    """Create a flow run, retrying what Prefect's own client retries (429, 502, 503: a busy SQLite database)."""
    url = f"{server.api}/deployments/{deployment['id']}/create_flow_run"
    for attempt in range(5):
        created = httpx.post(url, json={"parameters": parameters}, timeout=10)
        if created.status_code not in (429, 502, 503) or attempt == 4:
            break
        time.sleep(1 + attempt)
    created.raise_for_status()
    return str(created.json()["id"])


def _wait_for_run(server: Server, run_id: str, log: str) -> str:
    """The terminal state type of a flow run; fails the test with the log of the process running it on timeout."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        run = httpx.get(f"{server.api}/flow_runs/{run_id}", timeout=10).json()
        state = (run.get("state") or {}).get("type")
        if state in TERMINAL:
            return str(state)
        time.sleep(1)
    pytest.fail(
        f"flow run {run_id} not finished after {RUN_TIMEOUT}s:\n{(server.logs / log).read_text(errors='replace')}"
    )


def _scheduled_starts(server: Server, deployment: dict[str, Any]) -> list[datetime]:
    """When the server's scheduler has planned the deployment's next runs (waits until it has)."""
    query = {
        "deployments": {"id": {"any_": [deployment["id"]]}},
        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
    }
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        runs = httpx.post(f"{server.api}/flow_runs/filter", json=query, timeout=10).json()
        if runs:
            return [datetime.fromisoformat(r["expected_start_time"]) for r in runs]
        time.sleep(1)
    pytest.fail("the scheduler planned no monthly run")


def _standing(run_root: Path) -> list[dict[str, str]]:
    """The rows of the latest 2025-12 standing under ``run_root``, after checking its manifest and hashes."""
    latest = run_root / "2025" / "monthly" / "2025-12" / "latest"
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["period"] == "2025-12"
    assert verify_run(latest) == []
    with (latest / "standing.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow  # a real Prefect server, deploy and worker: `make test` only
@needs_server
def test_a_worker_runs_the_deployed_monthly_flow(server: Server, inputs: Path, tmp_path: Path) -> None:
    """prefect deploy + a process worker started elsewhere: the 2025-12 standing of all 10 wards is written,
    and the scheduler plans the monthly runs for 07:00 on the 5th, Vietnam time."""
    _cli(server, "work-pool", "create", WORK_POOL, "--type", "process", cwd=tmp_path)
    _cli(server, "deploy", "--name", MONTHLY, cwd=ROOT)
    outputs = tmp_path / "outputs"
    worker_env = server.env | {"THIDUA_HOME": str(ROOT), **POLL_EVERY_SECOND}
    worker_args = [executable("prefect"), "worker", "start", "--pool", WORK_POOL]
    with background(worker_args, worker_env, tmp_path, server.logs / "worker.log"):
        deployment = _wait_for_deployment(server, "monthly", MONTHLY, "server.log")
        run_id = _start_run(server, deployment, {"period": "2025-12", "inputs": str(inputs), "outputs": str(outputs)})
        state = _wait_for_run(server, run_id, "worker.log")
    assert state == "COMPLETED", (server.logs / "worker.log").read_text(errors="replace")
    rows = _standing(outputs)
    assert len(rows) == 10 and {r["status"] for r in rows} == {"accepted"}
    for start in _scheduled_starts(server, deployment):
        local = start.astimezone(ZoneInfo(TIMEZONE))
        assert (local.day, local.hour, local.minute) == (5, 7, 0), start


@pytest.mark.slow  # a real Prefect server and `thidua serve`: `make test` only
@needs_server
def test_thidua_serve_runs_in_the_folder_it_was_started_from(server: Server, inputs: Path, tmp_path: Path) -> None:
    """thidua serve registers both deployments; a monthly run given only its period reads ./inputs, writes ./outputs."""
    workdir = tmp_path / "secretariat"
    workdir.mkdir()
    shutil.copytree(inputs, workdir / "inputs")
    with background(
        [executable("thidua"), "serve"], server.env | POLL_EVERY_SECOND, workdir, server.logs / "serve.log"
    ):
        monthly = _wait_for_deployment(server, "monthly", MONTHLY, "serve.log")
        assert _wait_for_deployment(server, "annual-review", ANNUAL_REVIEW, "serve.log")["schedules"] == []
        (schedule,) = monthly["schedules"]
        assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == (MONTHLY_CRON, TIMEZONE)
        state = _wait_for_run(server, _start_run(server, monthly, {"period": "2025-12"}), "serve.log")
    assert state == "COMPLETED", (server.logs / "serve.log").read_text(errors="replace")
    assert len(_standing(workdir / "outputs")) == 10
