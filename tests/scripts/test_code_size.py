"""scripts/code_size.py: lines counted by the class of the commit that wrote them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scripts.code_size import git, lines_by_class


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message], check=True
    )
    return git(repo, "rev-parse", "HEAD").strip()


def test_lines_are_given_to_the_class_of_the_commit_that_wrote_them(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    filed = _commit(tmp_path, {"tasks/a.py": "one = 1\ntwo = 2\n", "README.md": "not counted\n"}, "before the issue")
    feature = _commit(tmp_path, {"tasks/a.py": "one = 1\ntwo = 2\nthree = 3\n", "flows/b.py": "b = 1\n"}, "feature")
    refactor = _commit(tmp_path, {"tasks/a.py": "one = 1\nthree = 3\n", "flows/c.txt": "not python\n"}, "refactor")
    _commit(tmp_path, {"flows/b.py": "b = 1\nb2 = 2\n"}, "after the table")

    counts = lines_by_class(tmp_path, "HEAD", filed, {feature[:7]: "13", refactor[:7]: "12"})

    assert counts == {"pre": 1, "13": 2, "unlisted": 1}
