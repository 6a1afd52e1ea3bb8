"""The `/runs` pages: the auditors' read-only view of every run, and no way out of the outputs folder."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tasks.web.access import hash_password

ClientFactory = Callable[..., TestClient]
RUN = "2025/review/20260115T080000123Z-3f9a"


@pytest.fixture(scope="module")
def outputs(review_outputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One complete review run, an interrupted monthly run, and a secret file next to the outputs folder."""
    root = tmp_path_factory.mktemp("runs")
    shutil.copytree(review_outputs, root / "outputs", symlinks=True)
    broken = root / "outputs" / "2025" / "monthly" / "2025-12" / "20251205T000000000Z-aaaa.incomplete"
    broken.mkdir(parents=True)
    (broken / "standing.csv").write_text("ward_code,ward_name,status\n", encoding="utf-8")
    (root / "secret.txt").write_text("TOP-SECRET-42", encoding="utf-8")
    (root / "outputs" / "2025" / "review" / "trốn-ra-ngoài").symlink_to(root)
    (root / "outputs" / "lối-tắt.txt").symlink_to(root / "secret.txt")
    return root / "outputs"


@pytest.fixture
def copy(outputs: Path, tmp_path: Path) -> Path:
    """A copy of ``outputs`` that a test may change."""
    shutil.copytree(outputs, tmp_path / "copy", symlinks=True)
    return tmp_path / "copy"


def test_every_run_is_listed_with_its_state_and_counts(make_client: ClientFactory, outputs: Path) -> None:
    """The complete review (latest, 11 files accepted) and the unfinished monthly run are both listed."""
    page = make_client(outputs).get("/runs").text
    assert "20260115T080000123Z-3f9a" in page and "Hoàn chỉnh (mới nhất)" in page
    assert "20251205T000000000Z-aaaa" in page and "Chưa xong (.incomplete)" in page
    assert "15/01/2026 08:00 (UTC)" in page
    assert "0 từ chối" in page


def test_a_run_shows_its_ranking_in_vietnamese_numbers_and_links_every_file(
    make_client: ClientFactory, outputs: Path
) -> None:
    """Sa Pa's total reads 97,72; every file of the run has a download link; latest leads to the same run."""
    client = make_client(outputs)
    page = client.get(f"/runs/view/{RUN}").text
    assert "Sa Pa" in page and "97,72" in page and "Cờ thi đua" in page
    names = ("ranking.csv", "ranking.docx", "bien-ban-hop-tong-ket.docx", "manifest.json", "validation/summary.json")
    for name in names:
        assert f'href="/runs/files/{RUN}/{name}"' in page
    assert "<h1>Thay đổi so với lần chạy trước</h1>" in page  # changes.md rendered, not shown as Markdown
    assert "97,72" in client.get("/runs/view/2025/review/latest").text


def test_outputs_are_served_from_the_run_folder_and_open_offline(make_client: ClientFactory, outputs: Path) -> None:
    """The validation index and Data Docs come from the run folder, forbidden to load anything from elsewhere."""
    client = make_client(outputs)
    index = client.get(f"/runs/files/{RUN}/validation/index.html")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert "connect-src 'none'" in index.headers["content-security-policy"]
    docs = client.get(f"/runs/files/{RUN}/validation/data-docs/index.html")
    assert docs.status_code == 200
    word = client.get(f"/runs/files/{RUN}/ranking.docx")
    assert word.headers["content-disposition"].startswith("attachment")
    assert word.content == (outputs / RUN / "ranking.docx").read_bytes()


def test_verify_now_recomputes_the_hashes(make_client: ClientFactory, outputs: Path, copy: Path) -> None:
    """An untouched run verifies; a copy with one changed byte names the changed file."""
    assert "Mọi tệp khớp với manifest.json" in make_client(outputs).get(f"/runs/verify/{RUN}").text
    (copy / RUN / "ranking.csv").write_bytes(b"rank\n")
    page = make_client(copy).get(f"/runs/verify/{RUN}").text
    assert "Tệp kết quả đã bị thay đổi" in page and "ranking.csv" in page


@pytest.mark.parametrize(
    "path",
    [
        "/runs/files/../secret.txt",
        "/runs/files/..%2fsecret.txt",
        "/runs/files/%2e%2e/secret.txt",
        "/runs/files/2025/..%2F..%2Fsecret.txt",
        "/runs/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/runs/files/2025/review/trốn-ra-ngoài/secret.txt",
        "/runs/files/l%E1%BB%91i-t%E1%BA%AFt.txt",
        "/runs/files//etc/passwd",
        "/runs/files/.cache",
        "/runs/view/..%2f",
        "/runs/verify/..%2f..%2f",
        "/runs/files/2025/review/.lock",
    ],
)
def test_no_path_outside_the_outputs_folder_can_be_reached(
    make_client: ClientFactory, outputs: Path, path: str
) -> None:
    """'..', encoded '..', absolute paths and symbolic links leading out all answer 404 without the secret."""
    answer = make_client(outputs).get(path)
    assert answer.status_code == 404
    assert "TOP-SECRET-42" not in answer.text and "root:" not in answer.text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_nothing_on_the_runs_pages_can_change_a_file(make_client: ClientFactory, outputs: Path, method: str) -> None:
    """Every method but GET is refused and the file is still there, unchanged."""
    before = (outputs / RUN / "ranking.csv").read_bytes()
    answer = make_client(outputs).request(method, f"/runs/files/{RUN}/ranking.csv", content=b"x")
    assert answer.status_code == 405
    assert (outputs / RUN / "ranking.csv").read_bytes() == before


def test_a_password_guards_the_runs_but_not_the_check_page(make_client: ClientFactory, outputs: Path) -> None:
    """Without or with a wrong password /runs answers 401; with the right one the page; / needs none."""
    client = make_client(outputs, runs_password_hash=hash_password("mật-khẩu đúng"))
    assert client.get("/runs").status_code == 401
    assert client.get(f"/runs/files/{RUN}/ranking.csv").status_code == 401
    assert client.get("/runs", auth=("kiemtra", "sai")).status_code == 401
    assert client.get("/runs", auth=("kiemtra", "mật-khẩu đúng")).status_code == 200
    assert client.get("/").status_code == 200


def test_an_unreadable_change_report_is_noted_and_the_rest_of_the_run_shown(
    make_client: ClientFactory, outputs: Path, copy: Path
) -> None:
    """A changes.md that is not UTF-8 gives the run page with a Vietnamese note in its place, not a failure."""
    (copy / RUN / "changes.md").write_bytes(b"\xff\xfe# Thay \xc4")
    answer = make_client(copy).get(f"/runs/view/{RUN}")
    assert answer.status_code == 200
    assert "Không đọc được báo cáo thay đổi so với lần chạy trước (changes.md)" in answer.text
    assert "97,72" in answer.text and f'href="/runs/files/{RUN}/ranking.csv"' in answer.text


def test_links_to_runs_and_files_with_reserved_characters_lead_to_them(
    make_client: ClientFactory, outputs: Path, copy: Path
) -> None:
    """A bloc folder and a file named with '#', '?', '%' and spaces are linked so that the link opens them."""
    bloc_run = copy / "2025" / "Khối 2 #A?50%" / "review" / RUN.rsplit("/", 1)[1]
    shutil.copytree(copy / RUN, bloc_run)
    (bloc_run / "ghi chú #1 ?.txt").write_text("Sa Pa nộp muộn", encoding="utf-8")
    client = make_client(copy)
    found = re.search(r'href="(/runs/view/2025/Kh[^"]*)"', client.get("/runs").text)
    assert found is not None and "#" not in found.group(1) and "?" not in found.group(1)
    page = client.get(found.group(1))
    assert page.status_code == 200 and "97,72" in page.text
    note = re.search(r'href="(/runs/files/[^"]*\.txt)"', page.text)
    assert note is not None
    assert client.get(note.group(1)).text == "Sa Pa nộp muộn"


def test_runs_show_their_parameters_in_words_and_no_server_path(
    make_client: ClientFactory, outputs: Path, copy: Path
) -> None:
    """Neither the list, nor the run page, nor 'verify now' shows where the server keeps files."""
    (copy / RUN / "ranking.csv").write_bytes(b"rank\n")
    client = make_client(copy)
    server_paths = (str(copy.parent), str(outputs.parent))
    for address in ("/runs", f"/runs/view/{RUN}", f"/runs/verify/{RUN}"):
        page = client.get(address).text
        assert not any(p in page for p in server_paths), address
        assert "outputs=" not in page and "force=" not in page, address
    assert "Tệp kết quả đã bị thay đổi: ranking.csv (mã sha256" in client.get(f"/runs/verify/{RUN}").text


def test_parameters_say_only_what_the_period_column_does_not(make_client: ClientFactory, copy: Path) -> None:
    """A plain review's parameters are a dash, not 'Năm 2025' again; a forced re-read is said in words."""
    client = make_client(copy)
    listed = client.get("/runs").text
    assert 'data-label="Kỳ">Năm 2025</td>' in listed
    assert 'data-label="Tham số" class="muted">—</td>' in listed and "Năm 2025;" not in listed
    assert "<dt>Tham số</dt><dd>—</dd>" in client.get(f"/runs/view/{RUN}").text
    manifest = json.loads((copy / RUN / "manifest.json").read_text(encoding="utf-8"))
    manifest["parameters"]["force"] = True
    (copy / RUN / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    forced = 'data-label="Tham số" class="muted">đọc lại mọi tệp (bỏ qua bộ nhớ đệm)</td>'
    assert forced in client.get("/runs").text
    assert "<dt>Tham số</dt><dd>đọc lại mọi tệp (bỏ qua bộ nhớ đệm)</dd>" in client.get(f"/runs/view/{RUN}").text


def test_a_download_keeps_its_vietnamese_name_with_an_ascii_fallback(
    make_client: ClientFactory, outputs: Path, copy: Path
) -> None:
    """Content-Disposition names the file in UTF-8 (RFC 5987) and, for older clients, without diacritics."""
    (copy / RUN / 'Biên bản họp "Đống Đa".docx').write_bytes(b"PK")
    client = make_client(copy)
    word = client.get(
        f"/runs/files/{RUN}/Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20%22%C4%90%E1%BB%91ng%20%C4%90a%22.docx"
    )
    assert word.headers["content-disposition"] == (
        'attachment; filename="Bien ban hop _Dong Da_.docx"; '
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20%22%C4%90%E1%BB%91ng%20%C4%90a%22.docx"
    )
    plain = client.get(f"/runs/files/{RUN}/ranking.docx").headers["content-disposition"]
    assert plain == "attachment; filename=\"ranking.docx\"; filename*=UTF-8''ranking.docx"


def test_a_bloc_is_shown_by_the_name_its_run_recorded(make_client: ClientFactory, copy: Path) -> None:
    """A bloc's run shows the name its manifest recorded and its code (two blocs may share a name); a run that
    recorded no name shows the folder's code."""
    run_id = RUN.rsplit("/", 1)[1]
    named = copy / "2025" / "khoi-phuong" / "review" / run_id
    shutil.copytree(copy / RUN, named)
    unnamed = copy / "2025" / "khoi-cu" / "review" / run_id
    shutil.copytree(copy / RUN, unnamed)
    manifest = json.loads((unnamed / "manifest.json").read_text(encoding="utf-8"))
    del manifest["bloc_name"]  # written before runs recorded the name
    (unnamed / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    client = make_client(copy)
    listed = client.get("/runs").text
    assert '<span class="muted">Khối thi đua các phường (khoi-phuong)</span>' in listed
    assert '<span class="muted">Khối khoi-cu</span>' in listed
    page = client.get("/runs/view/2025/khoi-phuong/review/" + run_id).text
    assert "<dt>Khối</dt><dd>Khối thi đua các phường (mã khối khoi-phuong)</dd>" in page
    assert "<dt>Khối</dt><dd>khoi-cu</dd>" in client.get("/runs/view/2025/khoi-cu/review/" + run_id).text
