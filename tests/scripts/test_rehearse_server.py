"""The README's server set-up, run for real: PostgreSQL, a Prefect server on it, a work pool and two workers."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def postgres_path() -> str:
    """PATH with PostgreSQL's programs: Debian installs initdb and pg_ctl in /usr/lib/postgresql/<n>/bin only."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return os.pathsep.join([*found[-1:], os.environ.get("PATH", "")])


@pytest.mark.postgres
def test_two_workers_run_reviews_and_monthly_runs_from_a_postgresql_server() -> None:
    """python -m scripts.rehearse_server: four flow runs complete on two workers, identical rankings, rows in
    PostgreSQL's flow_run table, and every process it started is stopped (.ci/run installs PostgreSQL). --once:
    the server starts once, since timing a restart is a report figure, not a check, and costs a server start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {"PATH": postgres_path()}
    done = subprocess.run(
        [sys.executable, "-m", "scripts.rehearse_server", "--no-compare", "--once", "--poll", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-4000:]
    assert report.rstrip().endswith("PASSED")
    assert "FAIL " not in report
