"""Run folders when the outputs folder misbehaves: one Vietnamese sentence, nothing half-switched."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tasks.outputs.run_folder import (
    INCOMPLETE,
    LATEST,
    OutputFault,
    finish_run,
    output_faults,
    run_lock,
    start_run,
)


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_latest_that_is_not_a_link_stops_the_run_before_it_starts(tmp_path: Path, kind: str) -> None:
    """Someone copied a run over ``latest`` (a folder) or saved a file by that name: the run refuses to start,
    says what ``latest`` is and how to fix it, and leaves it as it was."""
    base = tmp_path / "review"
    latest = base / LATEST
    base.mkdir()
    if kind == "folder":
        latest.mkdir()
        (latest / "ranking.csv").write_text("keep me")
    else:
        latest.write_text("keep me")
    with pytest.raises(OutputFault) as caught, run_lock(base):
        pass
    assert str(latest) in str(caught.value)
    assert ("thư mục" if kind == "folder" else "tệp") in str(caught.value) and "đổi tên" in str(caught.value)
    with pytest.raises(OutputFault):
        start_run(base, "20260101T000000000Z-abcd")
    assert not list(base.glob(f"*{INCOMPLETE}"))
    assert (latest / "ranking.csv" if kind == "folder" else latest).read_text() == "keep me"


def test_a_latest_put_there_during_the_run_leaves_the_run_incomplete(tmp_path: Path) -> None:
    """``latest`` turned into a folder while the run was writing: the run stays ``.incomplete``, nothing lost."""
    base = tmp_path / "review"
    work = start_run(base, "20260101T000000000Z-abcd")
    (work / "ranking.csv").write_text("x")
    (base / LATEST).mkdir()
    with pytest.raises(OutputFault):
        finish_run(work, {})
    assert work.is_dir() and (base / LATEST).is_dir() and not (base / LATEST).is_symlink()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "đã đầy"),
        (errno.EDQUOT, "đã đầy"),
        (errno.EACCES, "quyền ghi"),
        (errno.EROFS, "quyền ghi"),
        (errno.ENAMETOOLONG, "Không ghi được"),
    ],
)
def test_faults_no_retry_can_mend_become_one_plain_sentence(tmp_path: Path, code: int, words: str) -> None:
    """A full disk, a refused write or another lasting fault is told in Vietnamese, naming the folder."""
    with pytest.raises(OutputFault) as caught, output_faults(tmp_path):
        raise OSError(code, "boom", str(tmp_path / "ranking.csv"))
    assert words in str(caught.value) and str(tmp_path) in str(caught.value)
    assert "Traceback" not in str(caught.value) and "Errno" not in str(caught.value)


@pytest.mark.parametrize("code", [errno.EAGAIN, errno.ETIMEDOUT, errno.ESTALE])
def test_errors_that_may_pass_stay_oserrors(tmp_path: Path, code: int) -> None:
    """A share that is briefly busy or gone is left to the flow's retries."""
    with pytest.raises(OSError) as caught, output_faults(tmp_path):
        raise OSError(code, "busy")
    assert not isinstance(caught.value, OutputFault)


def test_an_outputs_folder_that_cannot_be_created_stops_before_the_run(tmp_path: Path) -> None:
    """``--outputs`` pointing below a file: the lock cannot be taken and the message names the path."""
    (tmp_path / "outputs").write_text("not a folder")
    with pytest.raises(OutputFault) as caught, run_lock(tmp_path / "outputs" / "2025" / "review"):
        pass
    assert "outputs" in str(caught.value)
