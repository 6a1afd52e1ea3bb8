"""A broken configuration is reported at once: before Prefect, Great Expectations or pandas are even imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from flows.cli import main

code = main(sys.argv[1:])
heavy = sorted(m for m in ("prefect", "great_expectations", "pandas") if m in sys.modules)
print("imported:", ",".join(heavy) or "none")
sys.exit(code)
"""


def test_a_duplicate_key_stops_the_review_before_prefect_is_imported(inputs: Path, tmp_path: Path) -> None:
    """A vote count written twice: exit 2, the file, line and key named, nothing written, no heavy import."""
    meeting = inputs / "2025" / "meeting.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("LAOCAI: 1}", "LAOCAI: 1, SAPA: 1}"), "utf-8")
    args = ["review", "--year", "2025", "--inputs", str(inputs), "--outputs", str(tmp_path / "outputs")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert done.returncode == 2
    assert "imported: none" in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert str(meeting) in last and "dòng 20" in last and "khóa 'SAPA' xuất hiện hai lần" in last
    assert not (tmp_path / "outputs").exists()
