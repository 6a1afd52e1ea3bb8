"""Run the README's "Prefect server with PostgreSQL" setup for real: ``python -m scripts.rehearse_server``.

Follows README.md § "A Prefect server with PostgreSQL, a process work pool and workers" on this machine, with
everything in a temporary folder and on loopback:

1. ``initdb`` a throwaway PostgreSQL cluster (as the ``postgres`` user when run as root: postgres refuses root),
   start it on a free port, create the ``prefect`` role (password login, not a superuser) owning a ``prefect``
   database;
2. ``prefect server start`` with ``PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://…``,
   ``PREFECT_SERVER_ANALYTICS_ENABLED=false`` and ``PREFECT_UI_API_URL`` (a first start creates the schema and is
   timed, then the server is restarted on the existing database and that one is used; ``--once`` uses the first
   start and skips the restart);
3. ``prefect work-pool create thidua-pool --type process`` and ``prefect deploy --all --no-prompt`` from the
   project folder without ``THIDUA_HOME`` (the README's advice for several workers), then two ``prefect worker
   start --pool thidua-pool --limit 1`` processes with ``THIDUA_HOME`` and ``DO_NOT_TRACK=1``, each in its own
   folder and Prefect home as if on its own machine (``--limit 0``: no ``--limit``);
4. two annual reviews of 2025 and two monthly runs of 2025-12 on a copy of ``inputs/`` into two outputs folders,
   all at once, one of each with the README's ``prefect deployment run`` and the other with the same request to
   the API; waits for their terminal states through the API and checks that they completed, that both workers
   ran some, that the run folders verify against their manifests, that the two reviews wrote the same ranking,
   and that PostgreSQL's ``flow_run`` table holds the runs;
5. stops every process it started (workers and their flow runs, the server, PostgreSQL) even on failure and
   removes the temporary folder; prints a report with timings, and how long the server takes to start on
   PostgreSQL and on the default SQLite (``--no-compare`` skips the SQLite starts).

The README explains ``--no-prompt``, ``PREFECT_UI_API_URL`` and ``--limit``: without them ``prefect deploy`` asks
about schedules on a terminal, the UI sends browsers to 127.0.0.1:4200, and one worker takes every run waiting
when it polls. CI runs it through tests/scripts/test_rehearse_server.py (marked ``postgres``; .ci/run
installs PostgreSQL). Exit status 0 when every check passed, else 1.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from scripts.processes import NotServing, PortTaken, background, on_free_port, port_in_use, wait_serving
from tasks.outputs.verify import verify_run

ROOT = Path(__file__).resolve().parents[1]
WORK_POOL = "thidua-pool"
YEAR = 2025
PERIOD = f"{YEAR}-12"
WARDS = 10  # the sample bloc of inputs/2025
SERVER_START_TIMEOUT = 240.0  # a shared 2-core machine: the first start also runs every migration
RUN_TIMEOUT = 600.0
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
TELEMETRY_OFF = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
# the flow runs this script starts: (label, deployment, parameters without inputs/outputs as the flow gets them,
# outputs folder name, started with the README's ``prefect deployment run`` or else through the API)
RUNS: list[tuple[str, str, dict[str, Any], str, bool]] = [
    ("review-a", "annual-review/annual-review", {"year": YEAR}, "outputs-a", True),
    ("review-b", "annual-review/annual-review", {"year": YEAR}, "outputs-b", False),
    ("monthly-a", "monthly/monthly", {"period": PERIOD}, "outputs-a", True),
    ("monthly-b", "monthly/monthly", {"period": PERIOD}, "outputs-b", False),
]


class BenchError(RuntimeError):
    """A step that the rest cannot go on without failed (its message says which and shows the log)."""


# ---------------------------------------------------------------- processes


@functools.cache
def http() -> httpx.Client:
    """The one HTTP client of this script. ``httpx.get`` builds a client, and its TLS context, for every call:
    about 25 ms of CPU each, seconds over the polling loops. No keep-alive: a pooled connection the server
    closes after its idle timeout could fail the next request when both happen at once."""
    return httpx.Client(timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


def prefect_exe() -> str:
    """The prefect executable of this interpreter's environment (the project's virtualenv)."""
    beside = Path(sys.executable).with_name("prefect")
    return str(beside) if beside.is_file() else (shutil.which("prefect") or "prefect")


def tail(log: Path, lines: int = 40) -> str:
    """The end of a log file, for error messages."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {log})"


def run(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 180) -> str:
    """Run a command to its end (stdin closed, as in a script); BenchError with its output if it fails."""
    done = subprocess.run(
        args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise BenchError(f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# ---------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class Postgres:
    """A running throwaway cluster: where to reach it, and the URL Prefect's server uses."""

    port: int
    socket_dir: Path
    password: str

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://prefect:{self.password}@127.0.0.1:{self.port}/prefect"

    def psql(self, sql: str, user: str = "prefect", database: str = "prefect") -> str:
        """Run ``sql`` with psql; as ``prefect`` it goes over TCP with the password, like Prefect's server does."""
        if user == "prefect":
            where, env = ["-h", "127.0.0.1"], os.environ | {"PGPASSWORD": self.password}
        else:  # the superuser connects through the Unix socket, where initdb set trust
            where, env = ["-h", str(self.socket_dir)], dict(os.environ)
        args = ["psql", *where, "-p", str(self.port), "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-AXtqc"]
        return run([*args, sql], env=env).strip()


def as_cluster_owner(owner: str | None, args: list[str]) -> list[str]:
    """``args`` run as the cluster's owner: postgres refuses to run as root, so root goes through runuser."""
    return ["runuser", "-u", owner, "--", *args] if owner else args


def cluster_owner() -> str | None:
    """The user that owns the cluster: ``postgres`` (or ``nobody``) when this script runs as root, else us."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise BenchError("running as root and neither a postgres nor a nobody user exists to run PostgreSQL")


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[Postgres]:
    """A fresh cluster under ``folder`` on a free loopback port with the ``prefect`` role and database."""
    owner = cluster_owner()
    folder.mkdir(mode=0o700)
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    initdb = ["initdb", "-D", str(folder / "data"), "-U", "postgres", "-E", "UTF8", "--no-locale"]
    # the superuser only through the socket (trust); TCP clients such as Prefect log in with a password
    run(as_cluster_owner(owner, [*initdb, "--auth-local=trust", "--auth-host=scram-sha-256"]))
    with on_free_port(functools.partial(started_cluster, owner, folder)) as cluster:
        # a plain role owning its database, as a DBA would set it up: Prefect's migrations must not need a
        # superuser (their one extension, pg_trgm, is a trusted one since PostgreSQL 13)
        cluster.psql(f"CREATE ROLE prefect LOGIN PASSWORD '{cluster.password}'", user="postgres", database="postgres")
        cluster.psql("CREATE DATABASE prefect OWNER prefect", user="postgres", database="postgres")
        yield cluster


@contextlib.contextmanager
def started_cluster(owner: str | None, folder: Path, port: int) -> Iterator[Postgres]:
    """``pg_ctl start`` of the cluster in ``folder`` on ``port``, stopped on the way out; PortTaken if its log
    says another program has the port (pg_ctl -w then fails: the postmaster exits when it cannot bind)."""
    data, log = folder / "data", folder / f"postgres-{port}.log"  # a log per port: pg_ctl -l appends
    server_options = f"-h 127.0.0.1 -p {port} -k {folder}"
    args = as_cluster_owner(owner, ["pg_ctl", "-D", str(data), "-l", str(log), "-o", server_options, "-w", "start"])
    try:
        run(args)
    except BenchError:
        stop_postgres(owner, data, log)  # pg_ctl -w gives up after 60 s on a postmaster that may still be starting
        if port_in_use(log):
            raise PortTaken(f"port {port}") from None
        raise
    try:
        yield Postgres(port=port, socket_dir=folder, password=secrets.token_urlsafe(16))
    finally:
        stop_postgres(owner, data, log)


def stop_postgres(owner: str | None, data: Path, log: Path) -> None:
    """Stop the cluster (fast shutdown); kill the postmaster if pg_ctl could not."""
    args = as_cluster_owner(owner, ["pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop"])
    if subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True).returncode == 0:
        return
    pidfile = data / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError, ProcessLookupError):
        os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)
        print(f"postgres did not stop cleanly, killed it:\n{tail(log)}", file=sys.stderr)


# ---------------------------------------------------------------- Prefect server


@dataclass(frozen=True)
class Server:
    """A running Prefect server: its API address and how long it took to answer /api/health."""

    api: str
    started_in: float


def clean_env(home: Path) -> dict[str, str]:
    """This process's environment without any Prefect setting or THIDUA_HOME of ours, telemetry off, and its own
    PREFECT_HOME (so no profile of this machine leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "THIDUA_HOME"}
    home.mkdir(parents=True, exist_ok=True)
    return env | TELEMETRY_OFF | {"PREFECT_HOME": str(home), "COLUMNS": "200"}  # COLUMNS: rich wraps log lines


def prefect_server(home: Path, log: Path, database_url: str | None) -> contextlib.AbstractContextManager[Server]:
    """``prefect server start`` on a free loopback port (README: ``--host 0.0.0.0 --port 4200``), started again on
    another port if another program takes that one first; ``database_url`` None keeps Prefect's default SQLite
    database under ``home``."""
    return on_free_port(functools.partial(started_server, home, log, database_url))


@contextlib.contextmanager
def started_server(home: Path, log: Path, database_url: str | None, port: int) -> Iterator[Server]:
    """``prefect server start`` on ``port``, UI included as in the README, stopped on the way out."""
    api = f"http://127.0.0.1:{port}/api"
    # --host/--port do not reach the UI: without PREFECT_UI_API_URL (or PREFECT_API_URL) in the server's
    # environment the UI sends browsers to http://127.0.0.1:4200/api, their own machine, whatever the server's
    # address and port are
    env = clean_env(home) | {"PREFECT_UI_API_URL": api}
    if database_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url  # the README's name for the setting
    args = [prefect_exe(), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    t0 = time.perf_counter()
    with background(args, env, home, log) as proc:
        try:
            wait_serving(proc, f"{api}/health", port, log, SERVER_START_TIMEOUT)
        except NotServing as exc:
            raise BenchError(f"{exc}:\n{tail(log)}") from None
        yield Server(api=api, started_in=time.perf_counter() - t0)


def time_server_start(home: Path, log: Path, database_url: str | None) -> float:
    """Seconds from ``prefect server start`` to a healthy API; the server is stopped again."""
    with prefect_server(home, log, database_url) as server:
        return server.started_in


# ---------------------------------------------------------------- work pool, deployments, workers


def client_env(home: Path, api: str) -> dict[str, str]:
    """The shell of the README's "once, from a checkout" step: PREFECT_API_URL set, THIDUA_HOME not."""
    return clean_env(home) | {"PREFECT_API_URL": api}


def deploy(api: str, home: Path) -> float:
    """The README's one-off commands; seconds taken by ``deploy``."""
    env = client_env(home, api)
    run([prefect_exe(), "work-pool", "create", WORK_POOL, "--type", "process"], env=env, cwd=home)
    t0 = time.perf_counter()
    # --no-prompt: on a terminal, deploy asks whether to add schedules to annual-review (prefect.yaml gives it
    # none), default yes; here stdout is a pipe so Prefect would not prompt anyway, but this is the README's line
    run([prefect_exe(), "deploy", "--all", "--no-prompt"], env=env, cwd=ROOT)
    return time.perf_counter() - t0


def deployment(api: str, name: str) -> dict[str, Any]:
    """The deployment ``flow/name`` as the API returns it."""
    response = http().get(f"{api}/deployments/name/{name}")
    response.raise_for_status()
    return dict(response.json())


@contextlib.contextmanager
def workers(api: str, folder: Path, count: int, limit: int, poll: float | None) -> Iterator[list[Path]]:
    """``count`` workers of the README (``prefect worker start --pool thidua-pool`` with THIDUA_HOME and
    DO_NOT_TRACK=1), each in its own folder and Prefect home; ``limit`` > 0 adds ``--limit`` so that one worker
    cannot take every run at once; ``poll`` sets how often a worker asks for runs (Prefect's
    ``PREFECT_WORKER_QUERY_SECONDS``, 10 s by default). Yields their log files; they are stopped on the way out."""
    logs = []
    with contextlib.ExitStack() as stack:
        for n in range(1, count + 1):
            home = folder / f"worker-{n}"
            env = client_env(home / "prefect-home", api) | {"THIDUA_HOME": str(ROOT), "DO_NOT_TRACK": "1"}
            env |= {"PREFECT_WORKER_QUERY_SECONDS": str(poll)} if poll else {}
            args = [prefect_exe(), "worker", "start", "--pool", WORK_POOL, "--name", f"worker-{n}"]
            args += ["--limit", str(limit)] if limit > 0 else []
            logs.append(home / "worker.log")
            stack.enter_context(background(args, env, home, logs[-1]))
        wait_workers_online(api, count, logs)
        yield logs


def wait_workers_online(api: str, count: int, logs: list[Path]) -> None:
    """Until ``count`` workers have sent their heartbeat to the pool, so that runs start when they are created."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        response = http().post(f"{api}/work_pools/{WORK_POOL}/workers/filter", json={})
        if response.status_code == 200 and sum(w.get("status") == "ONLINE" for w in response.json()) >= count:
            return
        time.sleep(1)
    raise BenchError(f"fewer than {count} workers online:\n" + "\n".join(tail(log) for log in logs))


# ---------------------------------------------------------------- flow runs


@dataclass
class Run:
    """One flow run started by this script and what the API said about it at the end."""

    label: str
    deployment: str
    parameters: dict[str, Any]
    outputs: Path
    cli: bool
    id: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        return str((self.info.get("state") or {}).get("type"))

    @property
    def worker(self) -> str:
        return str((self.info.get("labels") or {}).get("prefect.worker.name", "?"))

    def seconds(self, start: str, end: str) -> float:
        """Seconds between two timestamps of the run (``created``, ``start_time``, ``end_time``)."""
        if not (self.info.get(start) and self.info.get(end)):
            return float("nan")
        delta = datetime.fromisoformat(self.info[end]) - datetime.fromisoformat(self.info[start])
        return delta.total_seconds()


def trigger(api: str, home: Path, runs: list[Run]) -> None:
    """Every run at once: ``prefect deployment run <name> -p key=value …`` (the README's command) for the runs
    marked ``cli``, the same request through the API for the others. One command per deployment rehearses the
    README; each more would cost a Prefect CLI start (1.7 s of CPU, its imports) for a request already made."""
    env = client_env(home, api)
    started = []
    for r in (r for r in runs if r.cli):
        args = [prefect_exe(), "deployment", "run", r.deployment]
        for key, value in r.parameters.items():
            args += ["-p", f"{key}={value}"]  # the CLI reads each value as JSON: year=2025 is the number 2025
        started.append(
            subprocess.Popen(args, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        )
    for r in (r for r in runs if not r.cli):
        r.id = create_flow_run(api, r)
    for r, proc in zip((r for r in runs if r.cli), started, strict=True):
        out, _ = proc.communicate(timeout=180)
        found = re.search(r"UUID:\s*([0-9a-f-]{36})", out or "")
        if proc.returncode != 0 or not found:
            raise BenchError(f"prefect deployment run {r.deployment} failed ({proc.returncode}):\n{out}")
        r.id = found.group(1)


def create_flow_run(api: str, r: Run) -> str:
    """What ``prefect deployment run`` asks the server for: a flow run of the deployment, scheduled now (the
    server's default state), with these parameters; its id."""
    target = deployment(api, r.deployment)["id"]
    response = http().post(f"{api}/deployments/{target}/create_flow_run", json={"parameters": r.parameters})
    if not response.is_success:
        raise BenchError(f"POST {api}/deployments/{target}/create_flow_run: {response.status_code} {response.text}")
    return str(response.json()["id"])


def wait_for_runs(api: str, runs: list[Run], worker_logs: list[Path]) -> None:
    """Until every run is in a terminal state (one /api/flow_runs/filter request a second for all of them, which
    costs the server less than one request per run); BenchError on timeout."""
    deadline = time.monotonic() + RUN_TIMEOUT
    pending = list(runs)
    while pending and time.monotonic() < deadline:
        response = http().post(f"{api}/flow_runs/filter", json={"flow_runs": {"id": {"any_": [r.id for r in pending]}}})
        if response.status_code != 200:
            raise BenchError(f"POST {api}/flow_runs/filter: {response.status_code} {response.text}")
        found = {info["id"]: info for info in response.json()}
        for r in list(pending):
            r.info = found.get(r.id, r.info)
            if r.state in TERMINAL:
                pending.remove(r)
                print(f"  {r.label:<10} {r.state} on {r.worker} after {r.seconds('created', 'end_time'):.1f}s")
        time.sleep(1)
    if pending:
        names = ", ".join(f"{r.label} ({r.state})" for r in pending)
        raise BenchError(f"not finished after {RUN_TIMEOUT:.0f}s: {names}\n" + "\n".join(map(tail, worker_logs)))


# ---------------------------------------------------------------- checks


@dataclass
class Checks:
    """Every check with its outcome, printed at the end; the exit status is 1 if any failed."""

    results: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> bool:
        self.results.append((ok, what))
        return ok

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.results)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def check_outputs(checks: Checks, r: Run) -> None:
    """The run's ``latest`` folder exists, verifies against its manifest and holds every ward."""
    if r.deployment.startswith("monthly"):
        latest, table = r.outputs / str(YEAR) / "monthly" / PERIOD / "latest", "standing.csv"
    else:
        latest, table = r.outputs / str(YEAR) / "review" / "latest", "ranking.csv"
    if not checks.add((latest / table).is_file(), f"{r.label}: {latest.relative_to(r.outputs.parent)}/{table}"):
        return
    checks.add(verify_run(latest) == [], f"{r.label}: the run folder verifies against manifest.json")
    checks.add(len(csv_rows(latest / table)) == WARDS, f"{r.label}: {table} lists the {WARDS} wards")
    if table == "standing.csv":
        statuses = {row["status"] for row in csv_rows(latest / table)}
        checks.add(statuses == {"accepted"}, f"{r.label}: every monthly report accepted ({statuses})")


def _submitted(log: str, run_id: str) -> bool:
    """Whether a worker's log shows it submitted the run and did not abort that submission."""
    return f"submitting flow run '{run_id}'" in log and f"Aborted submission of flow run '{run_id}'" not in log


def check_runs(checks: Checks, runs: list[Run], worker_logs: list[Path]) -> None:
    """States, which worker ran what (label and worker log agree), outputs, and the two reviews agree."""
    logs = {log.parent.name: log.read_text(errors="replace") for log in worker_logs}
    for r in runs:
        checks.add(r.state == "COMPLETED", f"{r.label}: COMPLETED (got {r.state})")
        # Two workers may both pick a run up; the server lets one move it to Pending and the other logs that it
        # aborted its submission. The run is the worker's that submitted it without aborting.
        in_log = [name for name, text in logs.items() if _submitted(text, r.id)]
        checks.add(in_log == [r.worker], f"{r.label}: run by {r.worker}, and only its log submitted it ({in_log})")
        check_outputs(checks, r)
    used = {r.worker for r in runs}
    checks.add(used == set(logs), f"every worker ran something ({', '.join(sorted(used))})")
    reviews = [r.outputs / str(YEAR) / "review" / "latest" / "ranking.csv" for r in runs if r.label.startswith("rev")]
    same = len({p.read_bytes() for p in reviews if p.is_file()}) == 1
    checks.add(same, "the two reviews, run on any worker, wrote byte-identical ranking.csv")


def check_pull_step(checks: Checks, api: str) -> None:
    """Deployed without THIDUA_HOME, the pull step keeps its placeholder for each worker to fill in."""
    for name in ("monthly/monthly", "annual-review/annual-review"):
        steps = deployment(api, name).get("pull_steps")
        expected = [{"prefect.deployments.steps.set_working_directory": {"directory": "{{ $THIDUA_HOME }}"}}]
        checks.add(steps == expected, f"{name}: pull step left as set_working_directory {{{{ $THIDUA_HOME }}}}")


def check_ui(checks: Checks, api: str) -> None:
    """The UI sends browsers to this server's API (PREFECT_UI_API_URL), not to their own 127.0.0.1:4200."""
    told = http().get(f"{api.removesuffix('/api')}/ui-settings").json().get("api_url")
    checks.add(told == api, f"the UI's API address is the server's ({told})")


def check_database(checks: Checks, pg: Postgres, runs: list[Run]) -> list[str]:
    """The runs are rows of PostgreSQL's flow_run table, COMPLETED, with the worker that ran them; the rows."""
    ids = ", ".join(f"'{r.id}'" for r in runs)
    sql = (
        "SELECT d.name, fr.name, fr.state_type, fr.labels->>'prefect.worker.name', fr.infrastructure_pid,"
        " round(extract(epoch FROM fr.total_run_time)::numeric, 1)"
        f" FROM flow_run fr JOIN deployment d ON d.id = fr.deployment_id WHERE fr.id IN ({ids}) ORDER BY fr.created"
    )
    rows = [line.split("|") for line in pg.psql(sql).splitlines()]
    checks.add(len(rows) == len(runs), f"psql: {len(rows)} of the {len(runs)} runs in table flow_run")
    checks.add(all(row[2] == "COMPLETED" for row in rows), "psql: state_type COMPLETED for each")
    workers_in_db = {row[3] for row in rows}
    checks.add(workers_in_db == {r.worker for r in runs}, f"psql: worker labels {sorted(workers_in_db)}")
    total = pg.psql("SELECT count(*) FROM flow_run")
    return [f"total flow_run rows: {total}", *(" | ".join(row) for row in rows)]


def fingerprint_project() -> dict[str, str]:
    """What ``prefect deploy`` and the runs must leave alone: prefect.yaml's hash, and the entries of the
    project's outputs/ and of a .prefect/ folder (other engineers may be working here, so only these)."""
    outputs = sorted(p.name for p in (ROOT / "outputs").iterdir()) if (ROOT / "outputs").is_dir() else []
    return {
        "prefect.yaml": hashlib.sha256((ROOT / "prefect.yaml").read_bytes()).hexdigest(),
        "outputs/": ",".join(outputs),
        ".prefect/": str((ROOT / ".prefect").exists()),
    }


# ---------------------------------------------------------------- the whole thing


@dataclass
class Report:
    """Timings and facts for the summary."""

    timings: dict[str, float] = field(default_factory=dict)
    database_rows: list[str] = field(default_factory=list)


def step(message: str) -> float:
    """Print what is about to happen; the time it started."""
    print(f"-- {message}", flush=True)
    return time.perf_counter()


def make_runs(tmp: Path) -> list[Run]:
    """The flow runs to start, on one copy of the project's inputs (never the project's own folders)."""
    inputs = tmp / "inputs"
    shutil.copytree(ROOT / "inputs", inputs)
    return [
        Run(label, name, params | {"inputs": str(inputs), "outputs": str(tmp / out)}, tmp / out, cli)
        for label, name, params, out, cli in RUNS
    ]


def exercise(tmp: Path, pg: Postgres, args: argparse.Namespace, checks: Checks, report: Report) -> None:
    """Steps 2–4 against a running cluster: server, pool, deploy, workers, runs, checks."""
    home = tmp / "server"
    if args.once:
        step("prefect server start on PostgreSQL (creates the schema)")
        timing = "server start, PostgreSQL, new database"
    else:
        step("prefect server start on PostgreSQL, first start (creates the schema)")
        report.timings["server start, PostgreSQL, new database"] = time_server_start(home, tmp / "server-1.log", pg.url)
        step("prefect server start on PostgreSQL again (existing database)")
        timing = "server start, PostgreSQL, existing database"
    with prefect_server(home, tmp / "server.log", pg.url) as server:
        report.timings[timing] = server.started_in
        before = fingerprint_project()
        step("prefect work-pool create thidua-pool --type process; prefect deploy --all --no-prompt")
        report.timings["prefect deploy --all --no-prompt"] = deploy(server.api, tmp / "client")
        check_pull_step(checks, server.api)
        check_ui(checks, server.api)
        t = step(f"2 workers (--limit {args.limit})" if args.limit else "2 workers")
        with workers(server.api, tmp, 2, args.limit, args.poll) as logs:
            report.timings["workers online"] = time.perf_counter() - t
            runs = make_runs(tmp)
            by_cli, by_api = [r.label for r in runs if r.cli], [r.label for r in runs if not r.cli]
            t = step(f"prefect deployment run: {', '.join(by_cli)}; through the API: {', '.join(by_api)}")
            trigger(server.api, tmp / "client", runs)
            report.timings[f"runs created ({len(by_cli)} by CLI, {len(by_api)} by API, at once)"] = (
                time.perf_counter() - t
            )
            wait_for_runs(server.api, runs, logs)
            report.timings["all runs, first created to last finished"] = time.perf_counter() - t
            check_runs(checks, runs, logs)
        report.database_rows = check_database(checks, pg, runs)
        after = fingerprint_project()
        for key in before:
            checks.add(before[key] == after[key], f"project {key} untouched")
    print_runs(runs)


def print_runs(runs: list[Run]) -> None:
    """One line per run: worker, state, time waiting for a worker, flow run time, end-to-end."""
    print("\nrun        deployment                   worker    state      wait    run     created→end")
    for r in runs:
        wait, ran = r.seconds("created", "start_time"), r.seconds("start_time", "end_time")
        print(
            f"{r.label:<10} {r.deployment:<28} {r.worker:<9} {r.state:<10} {wait:5.1f}s {ran:6.1f}s "
            f"{r.seconds('created', 'end_time'):7.1f}s   (infrastructure_pid {r.info.get('infrastructure_pid')})"
        )


def compare_sqlite(tmp: Path, report: Report) -> None:
    """The same server on Prefect's default SQLite database: a first start, then a restart."""
    home = tmp / "sqlite-server"
    step("prefect server start on SQLite (the default), first start then again")
    report.timings["server start, SQLite, new database"] = time_server_start(home, tmp / "sqlite-1.log", None)
    report.timings["server start, SQLite, existing database"] = time_server_start(home, tmp / "sqlite-2.log", None)


def print_report(report: Report, checks: Checks) -> None:
    print("\ntimings")
    for what, seconds in report.timings.items():
        print(f"  {what:<45} {seconds:6.1f}s")
    print("\nflow_run rows in PostgreSQL (deployment | run | state | worker | infrastructure_pid | run seconds)")
    for row in report.database_rows:
        print(f"  {row}")
    print("\nchecks")
    for ok, what in checks.results:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    print(f"\n{'PASSED' if checks.passed else 'FAILED'}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--limit",
        type=int,
        default=1,
        help="--limit of each worker (default 1: the two workers share the four runs); 0: no --limit, as the README",
    )
    parser.add_argument(
        "--poll",
        type=float,
        help="seconds between a worker's queries for runs (PREFECT_WORKER_QUERY_SECONDS; Prefect's default 10)",
    )
    parser.add_argument("--no-compare", action="store_true", help="skip timing the server's start on SQLite")
    parser.add_argument(
        "--once",
        action="store_true",
        help="start the server once, on the new database, and use it (no restart timed on the existing database)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.update(TELEMETRY_OFF)
    # a SIGTERM (a CI timeout, kill) unwinds like Ctrl+C so that every process is stopped and the folder removed
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    checks, report = Checks(), Report()
    tmp = Path(tempfile.mkdtemp(prefix="thidua-pg-"))
    os.chmod(tmp, 0o755)  # the cluster's owner must reach its folder inside
    t0 = time.perf_counter()
    try:
        t = step(f"initdb + pg_ctl start in {tmp}/pg, role and database prefect")
        with postgres(tmp / "pg") as pg:
            report.timings["PostgreSQL initdb + start + role/database"] = time.perf_counter() - t
            print(f"   {pg.psql('SELECT version()').split(' on ')[0]} on 127.0.0.1:{pg.port}")
            exercise(tmp, pg, args, checks, report)
        if not args.no_compare:
            compare_sqlite(tmp, report)
    except (BenchError, PortTaken) as exc:
        checks.add(False, f"stopped: {exc}")
    except KeyboardInterrupt:
        checks.add(False, "interrupted (Ctrl+C or SIGTERM); every process stopped")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.timings["total"] = time.perf_counter() - t0
    print_report(report, checks)
    return 0 if checks.passed else 1


if __name__ == "__main__":
    sys.exit(main())
