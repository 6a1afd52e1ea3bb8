"""Lines of ``tasks/`` and ``flows/`` by the issue that wrote them: ``python scripts/code_size.py [REV]``.

Issue 12 asks that these lines go down, against 11,561 when it was filed (``65a4e6e~1``). Issues 11, 13, 14 and 15
were built at the same time and added capabilities, so the plain count mixes two things. This counts every line
of every ``*.py`` under ``tasks/`` and ``flows/`` at REV (default HEAD) by the commit ``git blame`` gives it (no
``-M``/``-C``), and the commit by its class in ``docs/code-size-commits.tsv`` (the judgement of each is in its
``basis`` column). Commits before the filing count as ``pre``; a commit after the table's newest one counts as
``unlisted``. See ``docs/code-size.md`` for the figures and the caveats.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILED = "65a4e6e~1"
LIKE_FOR_LIKE = ("pre", "12", "other", "unlisted")  # what existed at filing, or was written for issue 12


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def lines_by_class(root: Path, rev: str, filed: str, classes: dict[str, str]) -> Counter[str]:
    """The lines of ``tasks/`` and ``flows/`` at ``rev`` by the class of the commit that wrote them.

    ``classes``: a class for each commit after ``filed`` (keyed by a prefix of its hash).
    """
    since = set(git(root, "rev-list", f"{filed}..{rev}").split())
    counts: Counter[str] = Counter()
    listing = git(root, "ls-tree", "-r", "--name-only", rev, "--", "tasks", "flows").split()
    for name in (f for f in listing if f.endswith(".py")):
        for line in git(root, "blame", "--porcelain", rev, "--", name).splitlines():
            commit, *rest = line.split(" ")
            if len(commit) == 40 and len(rest) in (2, 3) and all(r.isdigit() for r in rest):  # a line's header
                listed = next((cls for short, cls in classes.items() if commit.startswith(short)), "unlisted")
                counts[listed if commit in since else "pre"] += 1
    return counts


def main(rev: str = "HEAD") -> None:
    with (ROOT / "docs" / "code-size-commits.tsv").open(encoding="utf-8") as fh:
        classes = {row["hash"]: row["issue"] for row in csv.DictReader(fh, delimiter="\t")}
    counts = lines_by_class(ROOT, rev, FILED, classes)
    for cls, n in sorted(counts.items()):
        print(f"{cls:>13} {n:7,}")
    print(f"{'like for like':>13} {sum(counts[c] for c in LIKE_FOR_LIKE):7,} of {sum(counts.values()):,}")


if __name__ == "__main__":
    main(*sys.argv[1:])
