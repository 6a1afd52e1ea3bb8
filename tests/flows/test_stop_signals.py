"""Ctrl-C and SIGTERM end a real ``review`` process cleanly: one sentence, status 130, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.failures import INTERRUPTED
from tasks.outputs.run_folder import INCOMPLETE, LATEST

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = "20250101T000000000Z-0000"

# The review as the command line runs it, with the run folder's last step slowed down so that the signal
# surely arrives while the outputs are being written (a large bloc's write takes that long on its own).
SLOW_WRITE = """
import sys, time
import tasks.outputs.run_folder as run_folder

finish = run_folder.finish_run


def slow_finish(work, manifest):
    time.sleep(120)
    return finish(work, manifest)


run_folder.finish_run = slow_finish
import flows.annual_review

flows.annual_review.finish_run = slow_finish
from flows.cli import main

sys.exit(main(sys.argv[1:]))
"""


def _gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow  # the whole command line in a subprocess: `make test` only
@pytest.mark.parametrize(
    ("signum", "temporary_server"),
    [(signal.SIGTERM, True), (signal.SIGINT, False)],
    ids=["SIGTERM-temporary-server", "SIGINT-running-server"],
)
def test_a_stop_signal_during_the_writes_leaves_an_incomplete_folder_and_latest_untouched(
    inputs: Path, tmp_path: Path, signum: signal.Signals, temporary_server: bool, request: pytest.FixtureRequest
) -> None:
    """The run is stopped while it writes: it says so in one sentence and exits 130; its folder stays
    ``.incomplete``, ``latest`` still points at the previous run, and no process it started (workers,
    Prefect's temporary server) outlives it.

    SIGTERM (whose default killed the process and orphaned the server, ``tasks.edge.signals``) comes to a run on
    its own temporary server; Ctrl+C (its start-up: the last test) to a run recorded on the session's server,
    which starts no second server process.
    """
    base = tmp_path / "outputs" / "2025" / "review"
    (base / PREVIOUS).mkdir(parents=True)
    (base / PREVIOUS / "manifest.json").write_text("{}")
    (base / LATEST).symlink_to(PREVIOUS, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING") and k != "PREFECT_API_URL"}
    if not temporary_server:
        env["PREFECT_API_URL"] = request.getfixturevalue("prefect_api")
    args = ["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(tmp_path / "outputs")]
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: what it leaves behind can be looked for
    )
    try:
        while not list(base.glob(f"*{INCOMPLETE}")) and process.poll() is None:
            time.sleep(0.1)
        assert process.poll() is None, process.communicate()[1]
        process.send_signal(signum)
        _, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == INTERRUPTED, err
    assert err.strip().splitlines()[-1].startswith("thidua: Đã dừng theo yêu cầu")
    assert "Traceback" not in err
    assert len(list(base.glob(f"*{INCOMPLETE}"))) == 1
    assert sorted(p.name for p in base.iterdir() if not p.name.startswith(".") and not p.name.endswith(INCOMPLETE)) == [
        PREVIOUS,
        LATEST,
    ]
    assert os.readlink(base / LATEST) == PREVIOUS
    for _ in range(300):  # the server and workers end with it; wait for the last one to be reaped
        if _gone(process.pid):
            break
        time.sleep(0.1)
    assert _gone(process.pid)


def _server_importing(group: int) -> bool:
    """Prefect's temporary server process (``python -m uvicorn …``) of the process group has started Python:
    it handles SIGINT (Python's KeyboardInterrupt), so a Ctrl+C from now on made it print a traceback."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            cmdline = (status.parent / "cmdline").read_bytes()
            group_of = int((status.parent / "stat").read_text().rsplit(")", 1)[1].split()[2])
        except (OSError, ValueError, IndexError):
            continue
        if group_of == group and b"uvicorn" in cmdline and int(fields["SigCgt"], 16) & (1 << (signal.SIGINT - 1)):
            return True
    return False


@pytest.mark.slow  # the whole command line in a subprocess: `make test` only
def test_ctrl_c_while_prefect_s_server_starts_prints_only_the_one_sentence(inputs: Path, tmp_path: Path) -> None:
    """A terminal's Ctrl+C goes to the whole process group, the starting server included: still one sentence,
    status 130, no traceback nor ``Aborted!`` from the server's process, and nothing left running."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING")}
    args = ["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(tmp_path / "outputs")]
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        while not _server_importing(process.pid) and process.poll() is None:
            time.sleep(0.01)
        assert process.poll() is None, process.communicate()[1]
        os.killpg(process.pid, signal.SIGINT)  # as the terminal sends it: to every process of the group
        _, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == INTERRUPTED, err
    assert err == "thidua: Đã dừng theo yêu cầu (Ctrl+C); kết quả dở dang không thay thế kết quả trước.\n"
    for _ in range(300):
        if _gone(process.pid):
            break
        time.sleep(0.1)
    assert _gone(process.pid)
