"""``thidua verify``: recompute every hash of a run folder (and its inputs) against ``manifest.json``.

What it finds are :class:`Finding` values; :func:`finding_text` says one in Vietnamese, for the command line
and the web page alike. A manifest that is not in the form thidua writes (edited by hand, or no manifest at all)
is a finding too, never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

from tasks.intake.discover import sha256_file
from tasks.outputs.run_folder import COMPARISON


class Problem(Enum):
    """What is wrong with a file, or with the manifest; the value is what the auditor reads."""

    MISSING_OUTPUT = "Thiếu tệp kết quả: {path}"
    CHANGED_OUTPUT = "Tệp kết quả đã bị thay đổi: {path} (mã sha256 khác với manifest.json)"
    EXTRA_OUTPUT = "Tệp không có trong manifest.json: {path}"
    MISSING_INPUT = "Thiếu tệp đầu vào: {path}"
    CHANGED_INPUT = "Tệp đầu vào đã bị thay đổi: {path} (mã sha256 khác với manifest.json)"
    MISSING_COMPARED = (
        "Thiếu tệp báo cáo tháng trước mà lần chạy đã đọc để so sánh lũy kế (cảnh báo về lũy kế dựa trên tệp "
        "này): {path}"
    )
    CHANGED_COMPARED = (
        "Tệp báo cáo tháng trước mà lần chạy đã đọc để so sánh lũy kế đã bị thay đổi: {path} (mã sha256 khác với "
        "manifest.json; cảnh báo về lũy kế của lần chạy dựa trên nội dung cũ của tệp)"
    )
    INPUTS_NOT_FOUND = (
        "Chưa kiểm tra được các tệp đầu vào: lần chạy đã đọc chúng trong thư mục {path} (đường dẫn ghi trong "
        "manifest.json, trên máy đã chạy), nhưng ở đây không có thư mục này"
    )
    NO_MANIFEST = "Thiếu manifest.json: {path}"
    UNREADABLE_MANIFEST = "Không đọc được manifest.json (không mở được, hoặc không phải JSON): {path}"
    MALFORMED_MANIFEST = (
        "manifest.json không đúng dạng thidua ghi (đã bị sửa?), nên không kiểm tra được tệp nào: {path}"
    )


@dataclass(frozen=True)
class Finding:
    """One problem :func:`verify_run` found, and the file or folder it is about."""

    problem: Problem
    path: Path


def finding_text(finding: Finding) -> str:
    """``finding`` as the auditor reads it, in Vietnamese, with its path."""
    return finding.problem.value.format(path=finding.path)


class _Malformed(ValueError):
    """The manifest is JSON, but not in the form ``finish_run`` writes."""


def _entries(manifest: dict[str, Any], key: str) -> list[tuple[str, str, str | None]]:
    """The ``(path, sha256, role)`` entries listed under ``key``: relative paths that stay inside their folder;
    ``role`` is None for a run's own file, ``comparison`` for an input read only to compare with."""
    listed = manifest.get(key, [])
    if not isinstance(listed, list) or not all(isinstance(entry, dict) for entry in listed):
        raise _Malformed(key)
    entries = [(entry.get("path"), entry.get("sha256"), entry.get("role")) for entry in listed]
    for path, digest, role in entries:
        if not isinstance(path, str) or not isinstance(digest, str) or not path or "\\" in path:
            raise _Malformed(key)
        if PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
            raise _Malformed(key)
        if role not in (None, COMPARISON):
            raise _Malformed(key)
    return entries


def _check(root: Path, entries: list[tuple[str, str, str | None]], missing: Problem, changed: Problem) -> list[Finding]:
    """The entries missing or changed under ``root``; an input read for comparison is said to be one."""
    problems = []
    for rel, digest, role in entries:
        path = root / rel
        compared = role == COMPARISON
        if not path.is_file():
            problems.append(Finding(Problem.MISSING_COMPARED if compared else missing, path))
        elif sha256_file(path) != digest:
            problems.append(Finding(Problem.CHANGED_COMPARED if compared else changed, path))
    return problems


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found, and where it compared the inputs: the folder the run read them from, as
    ``manifest.json`` records it (a path of the machine that ran; None when the manifest could not be read)."""

    findings: list[Finding]
    inputs_root: Path | None = None
    inputs: int = 0  # how many input files the manifest lists
    compared: int = 0  # of those, how many were read only for comparison (a monthly run's earlier months)


def verify_run(run_dir: Path) -> list[Finding]:
    """Every output file that is missing, changed or not in the manifest, and every missing or changed input."""
    return verify(run_dir).findings


def verify(run_dir: Path) -> Verification:
    """:func:`verify_run`'s findings, with the inputs folder they were compared in and how many inputs it lists."""
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        return Verification([Finding(Problem.NO_MANIFEST, manifest_path)])
    try:
        manifest = json.loads(manifest_path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return Verification([Finding(Problem.UNREADABLE_MANIFEST, manifest_path)])
    try:
        if not isinstance(manifest, dict) or not isinstance(manifest.get("inputs_root"), str):
            raise _Malformed("inputs_root")
        outputs, inputs = _entries(manifest, "outputs"), _entries(manifest, "inputs")
    except _Malformed:
        return Verification([Finding(Problem.MALFORMED_MANIFEST, manifest_path)])
    problems = _check(run_dir, outputs, Problem.MISSING_OUTPUT, Problem.CHANGED_OUTPUT)
    listed = {path for path, _, _ in outputs} | {"manifest.json"}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        if path.relative_to(run_dir).as_posix() not in listed:
            problems.append(Finding(Problem.EXTRA_OUTPUT, path))
    inputs_root = Path(manifest["inputs_root"])
    if not inputs_root.is_dir():
        problems.append(Finding(Problem.INPUTS_NOT_FOUND, inputs_root))
    else:
        problems += _check(inputs_root, inputs, Problem.MISSING_INPUT, Problem.CHANGED_INPUT)
    return Verification(problems, inputs_root, len(inputs), sum(role == COMPARISON for _, _, role in inputs))
