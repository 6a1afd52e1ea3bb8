"""Finding the runs under the outputs folder: their bloc, kind, period, state and counts, newest first."""

from __future__ import annotations

import json
from pathlib import Path

from tasks.web.runs import list_runs, read_table, resolve_inside


def _fake_run(folder: Path, statuses: list[str], parameters: dict[str, object]) -> None:
    """A run folder with just a manifest and a validation summary."""
    (folder / "validation").mkdir(parents=True)
    subs = ",".join(f'{{"status": "{s}"}}' for s in statuses)
    (folder / "validation" / "summary.json").write_text(f'{{"submissions": [{subs}], "wards": []}}')
    (folder / "manifest.json").write_text(json.dumps({"parameters": parameters}))


def test_monthly_runs_and_several_blocs_are_listed_newest_first(tmp_path: Path) -> None:
    """A province layout (outputs/<year>/<bloc>/…) and monthly runs appear with their bloc, period and counts."""
    root = tmp_path / "outputs"
    _fake_run(root / "2025" / "monthly" / "2025-11" / "20251205T070000000Z-aaaa", ["accepted"] * 9, {"period": "x"})
    _fake_run(root / "2026" / "khoi-xa" / "review" / "20260120T080000000Z-bbbb", ["accepted", "rejected"], {})
    (root / "2026" / "khoi-xa" / "review" / "latest").symlink_to("20260120T080000000Z-bbbb")
    runs = list_runs(root)
    assert [(r.year, r.bloc, r.kind, r.period, r.latest) for r in runs] == [
        ("2026", "khoi-xa", "review", "2026", True),
        ("2025", None, "monthly", "2025-11", False),
    ]
    assert runs[0].counts["rejected"] == 1 and runs[1].counts["accepted"] == 9
    assert runs[1].parameters == {"period": "x"}


def test_a_path_resolves_only_inside_the_outputs_folder(tmp_path: Path) -> None:
    """A file of a run resolves; '..', a hidden name, a backslash or a link leading out resolve to nothing."""
    root = tmp_path / "outputs"
    (root / "2025" / "review" / "run").mkdir(parents=True)
    (root / "2025" / "review" / "run" / "ranking.csv").write_text("rank\n", encoding="utf-8")
    (root / ".cache").mkdir()
    (tmp_path / "secret.txt").write_text("TOP-SECRET-42", encoding="utf-8")
    (root / "ra-ngoai.txt").symlink_to(tmp_path / "secret.txt")
    found = resolve_inside(root, "2025/review/run/ranking.csv")
    assert found == (root / "2025" / "review" / "run" / "ranking.csv").resolve()
    for rel in ("../secret.txt", "2025/../../secret.txt", ".cache", "2025\\..\\..\\secret.txt", "ra-ngoai.txt",
                "khong-co.csv", "a\x00b"):  # fmt: skip
        assert resolve_inside(root, rel) is None, rel


def test_an_unreadable_table_reads_as_empty(tmp_path: Path) -> None:
    """A missing or undecodable ranking gives an empty table instead of a failed page."""
    good = tmp_path / "ranking.csv"
    good.write_text("rank,ward_name\n1,Sa Pa\n", encoding="utf-8")
    assert read_table(good) == (["rank", "ward_name"], [["1", "Sa Pa"]])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00rank")
    assert read_table(bad) == ([], [])
    assert read_table(tmp_path / "khong-co.csv") == ([], [])
