"""``thidua verify``: recompute every hash of a run folder (and its inputs) against ``manifest.json``."""

from __future__ import annotations

import json
from pathlib import Path

from tasks.outputs.run_folder import sha256_bytes


def _check(root: Path, entries: list[dict[str, str]], what: str) -> list[str]:
    problems = []
    for entry in entries:
        path = root / entry["path"]
        if not path.is_file():
            problems.append(f"MISSING {what}: {path}")
        elif sha256_bytes(path.read_bytes()) != entry["sha256"]:
            problems.append(f"CHANGED {what}: {path} (sha256 differs from manifest.json)")
    return problems


def verify_run(run_dir: Path) -> list[str]:
    """Every output file that is missing, changed or not in the manifest, and every changed input."""
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        return [f"MISSING manifest: {manifest_path}"]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"UNREADABLE manifest: {manifest_path}: {exc}"]
    problems = _check(run_dir, manifest.get("outputs", []), "output")
    listed = {e["path"] for e in manifest.get("outputs", [])} | {"manifest.json"}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        if path.relative_to(run_dir).as_posix() not in listed:
            problems.append(f"EXTRA output not in manifest: {path}")
    inputs_root = Path(manifest.get("inputs_root", ""))
    if inputs_root.is_dir():
        problems += _check(inputs_root, manifest.get("inputs", []), "input")
    else:
        problems.append(f"NOT CHECKED inputs: folder {inputs_root} not found")
    return problems
