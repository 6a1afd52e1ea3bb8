"""Many blocs in one review: three bloc folders (one broken) on threads and on a local Dask cluster."""

from __future__ import annotations

import contextlib
import errno
import io
import shutil
from pathlib import Path

import pytest

import flows.web_command as web_command
from flows.annual_review import ReviewResult, annual_review
from flows.cli import main
from flows.failures import Refused
from flows.monthly import monthly
from flows.province import (
    BlocOutcome,
    ProvinceResult,
    load_bloc_folder,
    province_lines,
    province_result,
    province_review,
    province_status,
    shared_api,
)
from flows.summary import run_status
from tasks.config.load import ConfigError
from tasks.web import server
from tasks.web.served import WebSettings
from tests.flows.test_annual_review import EXPECTED_RANKING
from tests.support.blocs import SAMPLE, SMALL, copy_bloc

GOOD = ("khoi-a", "khoi-b")


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """inputs/2025/ with khoi-a (the sample), khoi-b (5 of its wards) and khoi-c (an unknown key in criteria.yaml)."""
    inputs = tmp_path_factory.mktemp("province") / "inputs"
    year_dir = inputs / "2025"
    copy_bloc(year_dir, "khoi-a")
    copy_bloc(year_dir, "khoi-b", keep=SMALL)
    broken = copy_bloc(year_dir, "khoi-c")
    text = (broken / "criteria.yaml").read_text(encoding="utf-8")
    (broken / "criteria.yaml").write_text(text.replace("scale: 100", "scale: 100\ncolour: blue"), encoding="utf-8")
    (year_dir / "notes").mkdir()  # a folder without bloc.yaml is not a bloc
    return inputs


@pytest.fixture(scope="module")
def on_threads(province: Path) -> tuple[Path, int, str]:
    """``thidua review`` on the province folder (thread runner): outputs, exit status, printed text."""
    outputs = province.parent / "out-threads"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["review", "--year", "2025", "--inputs", str(province), "--outputs", str(outputs)])
    return outputs, status, buffer.getvalue()


@pytest.fixture(scope="module")
def on_dask(province: Path) -> tuple[Path, ProvinceResult]:
    """The province flow on a local Dask cluster of two worker processes."""
    from prefect_dask import DaskTaskRunner

    outputs = province.parent / "out-dask"
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "processes": True, "dashboard_address": None})
    with shared_api():
        state = province_review.with_options(task_runner=runner)(
            year=2025, inputs=province, outputs=outputs, return_state=True
        )
    return outputs, province_result(state)


def _ranking(outputs: Path, code: str) -> bytes:
    return (outputs / "2025" / code / "review" / "latest" / "ranking.csv").read_bytes()


def test_a_bloc_whose_code_is_not_its_folder_name_is_a_configuration_error(tmp_path: Path) -> None:
    """bloc.yaml says khoi-phuong in folder khoi-x: the error names the file and bloc.code."""
    folder = tmp_path / "khoi-x"
    shutil.copytree(SAMPLE, folder)
    with pytest.raises(ConfigError, match=r"bloc\.yaml, mục bloc\.code: mã Khối 'khoi-phuong' khác tên thư mục"):
        load_bloc_folder(folder, 2025)


@pytest.mark.slow  # three blocs through Prefect: `make test` only
def test_on_threads_the_good_blocs_complete_and_the_broken_one_is_named(on_threads: tuple[Path, int, str]) -> None:
    """Exit 2 (khoi-c's broken YAML); khoi-a is exactly the single-bloc sample ranking; khoi-b has its 5 wards;
    khoi-c wrote nothing."""
    outputs, status, printed = on_threads
    assert status == 2
    assert _ranking(outputs, "khoi-a").decode("utf-8") == EXPECTED_RANKING
    rows = _ranking(outputs, "khoi-b").decode("utf-8").splitlines()
    assert len(rows) == 1 + len(SMALL) and rows[1].startswith("1,SAPA,Sa Pa,scored,")
    assert not (outputs / "2025" / "khoi-c").exists() and not (outputs / "2025" / "review").exists()
    assert "khoi-c: LỖI, không đánh giá được" in printed
    assert "criteria.yaml, mục colour: khóa không được phép" in printed
    assert "Đã đánh giá 2 trên 3 khối.\nMã thoát 2: khối khoi-c không chạy được như yêu cầu (" in printed
    assert "Đánh giá các khối: 3 khối, " in printed  # one progress line for the blocs, none for their stages


@pytest.mark.slow  # three blocs through Prefect: `make test` only
def test_every_bloc_run_folder_is_complete_and_verifiable(on_threads: tuple[Path, int, str]) -> None:
    """Each good bloc's latest run has its manifest, minutes and Data Docs, and verifies."""
    from tasks.outputs.verify import verify_run

    outputs = on_threads[0]
    for code in GOOD:
        run = (outputs / "2025" / code / "review" / "latest").resolve()
        for name in ("manifest.json", "bien-ban-hop-tong-ket.docx", "validation/data-docs/index.html"):
            assert (run / name).is_file(), (code, name)
        assert verify_run(run) == []


def _validation_pages(outputs: Path, code: str) -> list[str]:
    docs = outputs / "2025" / code / "review" / "latest" / "validation" / "data-docs" / "validations"
    return sorted(p.relative_to(docs).parts[0] for p in docs.rglob("*.html"))


@pytest.mark.slow  # a Dask cluster of two processes: `make test` only
def test_dask_gives_the_same_outputs_as_threads(
    on_threads: tuple[Path, int, str], on_dask: tuple[Path, ProvinceResult]
) -> None:
    """ranking.csv and scores.csv are byte-identical between the two runners for every good bloc, and each bloc's
    Data Docs hold its own five suite results only (threads share one process, yet no bloc sees another's)."""
    threads, (dask, result) = on_threads[0], on_dask
    assert [b.code for b in result.blocs] == ["khoi-a", "khoi-b", "khoi-c"]
    assert [b.code for b in result.broken] == ["khoi-c"]
    assert "colour: khóa không được phép" in (result.broken[0].error or "")
    for code in GOOD:
        assert _ranking(dask, code) == _ranking(threads, code), code
        scores = [out / "2025" / code / "review" / "latest" / "scores.csv" for out in (threads, dask)]
        assert scores[0].read_bytes() == scores[1].read_bytes(), code
        assert len(_validation_pages(threads, code)) == 5
        assert _validation_pages(threads, code) == _validation_pages(dask, code), code


def test_monthly_runs_each_bloc_s_month_and_names_the_broken_bloc(province: Path, tmp_path: Path) -> None:
    """``thidua monthly`` on bloc folders, as ``review``: each good bloc's standing in its own folder, the broken
    one named with its file and key; the summary says how many blocs were done, and exit 2 (as ``thidua monthly``
    on khoi-c alone) with the line that says why."""
    outputs = tmp_path / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["monthly", "--period", "2025-11", "--inputs", str(province), "--outputs", str(outputs)])
    printed = buffer.getvalue().splitlines()
    assert status == 2
    for code, wards in (("khoi-a", 10), ("khoi-b", len(SMALL))):
        standing = outputs / "2025" / code / "monthly" / "2025-11" / "latest" / "standing.csv"
        assert len(standing.read_text(encoding="utf-8").splitlines()) == 1 + wards, code
    assert not (outputs / "2025" / "khoi-c").exists() and not (outputs / "2025" / "monthly").exists()
    assert printed[-7].startswith("Lập bảng theo dõi tháng các khối: 3 khối, ")  # one progress line, not one a bloc
    assert printed[-6] == "Bảng theo dõi tháng 11/2025 của 3 khối:"
    assert printed[-5].startswith("khoi-a: đã lập bảng theo dõi, kết quả ở ")
    assert printed[-3].startswith("khoi-c: LỖI, không lập bảng theo dõi được: cấu hình không dùng được: ")
    assert "criteria.yaml, mục colour: khóa không được phép" in printed[-3]
    assert printed[-2] == "Đã lập bảng theo dõi 2 trên 3 khối."
    assert printed[-1] == "Mã thoát 2: khối khoi-c không chạy được như yêu cầu (tệp YAML hỏng, tháng bị từ chối…)."


def test_a_province_month_exits_with_its_worst_bloc_s_status_and_says_why(province: Path, tmp_path: Path) -> None:
    """With --strict, a bloc whose outputs cannot be written (3, as on that bloc alone), a broken YAML (2) and a
    bloc with a missing report (1): exit 3, every bloc named, the other blocs' months written all the same."""
    outputs = tmp_path / "out"
    (outputs / "2025").mkdir(parents=True)
    (outputs / "2025" / "khoi-b").write_text("a file where the bloc's folder goes", encoding="utf-8")
    inputs = tmp_path / "inputs"
    shutil.copytree(province, inputs)
    next((inputs / "2025" / "khoi-a" / "monthly" / "2025-11").glob("*sapa*")).unlink()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["monthly", "--period", "2025-11", "--inputs", str(inputs), "--outputs", str(outputs),
                       "--strict"])  # fmt: skip
    printed = buffer.getvalue().splitlines()
    assert status == 3
    assert (outputs / "2025" / "khoi-a" / "monthly" / "2025-11" / "latest" / "standing.csv").is_file()
    assert printed[-4].startswith("khoi-b: LỖI, không lập bảng theo dõi được: Không ghi được kết quả vào ")
    assert printed[-2] == "Đã lập bảng theo dõi 1 trên 3 khối."
    assert printed[-1] == (
        "Mã thoát 3: khối khoi-b bị máy dừng lại (đầy ổ đĩa, không có quyền ghi, lỗi Prefect…); khối khoi-c không "
        "chạy được như yêu cầu (tệp YAML hỏng, tháng bị từ chối…); khối khoi-a có hồ sơ bị từ chối hoặc còn thiếu "
        "(--strict)."
    )


def test_the_scheduled_monthly_flow_runs_each_bloc_s_month_and_names_the_blocs_it_could_not(
    province: Path, tmp_path: Path
) -> None:
    """The deployment on the 5th calls ``monthly`` itself: on bloc folders each bloc's month is written; a broken
    configuration and a bloc whose outputs cannot be written are named, and neither stops the other blocs. The
    flow run then ends Failed in Prefect, its Vietnamese message naming the two blocs; each keeps the exit status
    the command gives on it alone (3 the machine, 2 the YAML)."""
    outputs = tmp_path / "out"
    (outputs / "2025").mkdir(parents=True)
    (outputs / "2025" / "khoi-b").write_text("a file where the bloc's folder goes", encoding="utf-8")
    state = monthly(period="2025-11", inputs=province, outputs=outputs, return_state=True)
    assert state.is_failed()
    assert (
        state.message == "Không lập bảng theo dõi được 2 trên 3 khối: khoi-b, khoi-c; các khối còn lại đã có kết quả."
    )
    result = province_result(state)
    assert [b.error_status for b in result.broken] == [3, 2]
    assert [b.code for b in result.blocs] == ["khoi-a", "khoi-b", "khoi-c"]
    assert [b.code for b in result.broken] == ["khoi-b", "khoi-c"]
    assert (outputs / "2025" / "khoi-a" / "monthly" / "2025-11" / "latest" / "standing.csv").is_file()
    assert str(result.broken[0].error).startswith(f"Không ghi được kết quả vào {outputs / '2025' / 'khoi-b'}")
    assert "criteria.yaml, mục colour: khóa không được phép" in str(result.broken[1].error)


@pytest.mark.slow  # two blocs' reviews through Prefect: `make test` only
def test_the_annual_review_deployment_reviews_every_bloc(province: Path, tmp_path: Path) -> None:
    """``annual-review`` run from Prefect's UI on bloc folders reviews each bloc as ``thidua review`` does."""
    state = annual_review(year=2025, inputs=province, outputs=tmp_path / "out", return_state=True)
    assert state.is_failed()
    assert state.message == "Không đánh giá được 1 trên 3 khối: khoi-c; các khối còn lại đã có kết quả."
    result = province_result(state)
    assert [b.code for b in result.broken] == ["khoi-c"]
    assert _ranking(tmp_path / "out", "khoi-a").decode("utf-8") == EXPECTED_RANKING


def test_templates_and_check_choose_a_bloc_with_bloc_and_name_the_blocs_without_it(
    province: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --bloc the refusal names the bloc folders and the option; with it, that bloc's rules are used."""
    year_dir = province / "2025"
    asked = "năm 2025 có hồ sơ của 3 khối (khoi-a, khoi-b, khoi-c), không có bloc.yaml chung: chọn một khối bằng --bloc"
    workbook = year_dir / "khoi-b" / "annual" / "tu-cham-diem-2025-sapa.xlsx"
    for command in (["templates", "--year", "2025", "--outputs", str(tmp_path / "t")], ["check", str(workbook)]):
        assert main([*command, "--inputs", str(province)]) == 2
        assert f"{year_dir}: {asked}, ví dụ --bloc khoi-a." in capsys.readouterr().err
    assert main(["templates", "--year", "2025", "--inputs", str(province), "--bloc", "khoi-b",
                 "--outputs", str(tmp_path / "t")]) == 0  # fmt: skip
    assert len(list((tmp_path / "t").rglob("*.xlsx"))) == 2 * len(SMALL)  # annual and monthly per ward
    assert main(["check", str(workbook), "--inputs", str(province), "--bloc", "khoi-b"]) == 0
    assert "sapa" in capsys.readouterr().out.lower()
    assert main(["check", str(workbook), "--inputs", str(province), "--bloc", "khoi-x"]) == 2
    assert f"{year_dir / 'khoi-x'}: không có thư mục của khối khoi-x (các khối có: khoi-a, khoi-b, khoi-c)" in (
        capsys.readouterr().err
    )


def test_the_web_page_serves_one_bloc_chosen_with_bloc_and_names_the_blocs_without_it(
    province: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``thidua web`` serves one bloc's rules: on bloc folders without --bloc, or with an unknown one, it names the
    bloc folders (as check and templates do) before loading anything or opening a port; no file to mend is asked."""
    assert main(["web", "--inputs", str(province)]) == 2
    assert capsys.readouterr().err == (
        f"thidua: {province / '2025'}: năm 2025 có hồ sơ của 3 khối (khoi-a, khoi-b, khoi-c), không có bloc.yaml "
        "chung: chọn một khối bằng --bloc, ví dụ --bloc khoi-a.\n"
    )
    assert main(["web", "--inputs", str(province), "--bloc", "khoi-x"]) == 2
    assert capsys.readouterr().err == (
        f"thidua: {province / '2025' / 'khoi-x'}: không có thư mục của khối khoi-x (các khối có: khoi-a, khoi-b, "
        "khoi-c).\n"
    )


def test_the_web_page_serves_the_bloc_named_with_bloc(
    province: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``thidua web --bloc khoi-b`` serves khoi-b's rules and says whose rules it loads."""
    served: list[WebSettings] = []
    monkeypatch.setattr(server, "serve", lambda settings, host, port, ready: (served.append(settings), ready()))
    monkeypatch.setattr(web_command, "refuse_busy_port", lambda host, port: None)  # 8123 may be taken here
    assert main(["web", "--inputs", str(province), "--bloc", "khoi-b", "--port", "8123"]) == 0
    assert (served[0].year, served[0].bloc) == (2025, "khoi-b")
    assert "Đang nạp quy định năm 2025 của Khối thi đua các phường và bộ kiểm tra…" in capsys.readouterr().out


GOOD_BLOC = BlocOutcome("khoi-a", run_dir=Path("x"))
MISSING = BlocOutcome("khoi-b", run_dir=Path("y"), missing=1)
BROKEN = BlocOutcome.failed("khoi-c", ConfigError("criteria.yaml", "colour", "khóa không được phép"), "cấu hình …")
REFUSED = BlocOutcome.failed("khoi-d", Refused("Tháng 08/2025 nằm ngoài khoảng theo dõi của năm 2025, …"))
FULL = BlocOutcome.failed("khoi-e", OSError(errno.ENOSPC, "No space left on device", "out/2025/khoi-e"))
WHY_2 = "không chạy được như yêu cầu (tệp YAML hỏng, tháng bị từ chối…)"
WHY_3 = "bị máy dừng lại (đầy ổ đĩa, không có quyền ghi, lỗi Prefect…)"


@pytest.mark.parametrize(
    ("blocs", "strict", "status", "why"),
    [
        ((GOOD_BLOC,), True, 0, None),
        ((GOOD_BLOC, MISSING), False, 0, None),
        ((GOOD_BLOC, MISSING), True, 1, "Mã thoát 1: khối khoi-b có hồ sơ bị từ chối hoặc còn thiếu (--strict)."),
        ((GOOD_BLOC, BROKEN), False, 2, f"Mã thoát 2: khối khoi-c {WHY_2}."),
        ((GOOD_BLOC, BROKEN, REFUSED), False, 2, f"Mã thoát 2: khối khoi-c, khoi-d {WHY_2}."),
        ((GOOD_BLOC, FULL), False, 3, f"Mã thoát 3: khối khoi-e {WHY_3}."),
        ((BROKEN,), False, 2, f"Mã thoát 2: khối khoi-c {WHY_2}."),
        ((FULL,), False, 3, f"Mã thoát 3: khối khoi-e {WHY_3}."),
        (
            (MISSING, BROKEN, FULL),
            True,
            3,
            f"Mã thoát 3: khối khoi-e {WHY_3}; khối khoi-c {WHY_2}; khối khoi-b có hồ sơ bị từ chối hoặc còn thiếu "
            "(--strict).",
        ),
    ],
)
def test_a_province_run_exits_with_its_worst_bloc_s_status_and_says_why(
    blocs: tuple[BlocOutcome, ...], strict: bool, status: int, why: str | None
) -> None:
    """Each bloc counts as the same command on it alone: a broken YAML or a refused month 2, a full disk 3,
    --strict with a missing report 1. The run exits with the worst, and its summary ends with why, unless 0."""
    result = ProvinceResult(2025, blocs)
    assert province_status(result, strict) == status
    lines = province_lines(result, strict=strict)
    done = f"Đã đánh giá {sum(b.error is None for b in blocs)} trên {len(blocs)} khối."
    assert lines[lines.index(done) :] == ([done, why] if why else [done])


def test_a_bloc_s_error_keeps_the_sentence_and_status_the_command_gives_on_that_bloc_alone() -> None:
    """The disk-full bloc's line says what the one-bloc command says; an error from a Dask worker that did not
    come back into this process counts as one the command does not know (3)."""
    assert FULL.error == ("Ổ đĩa đã đầy, không ghi được out/2025/khoi-e: giải phóng dung lượng rồi chạy lại.")
    assert (BROKEN.error_status, REFUSED.error_status, FULL.error_status) == (2, 2, 3)
    assert province_status(ProvinceResult(2025, (BlocOutcome("khoi-f", error="KilledWorker"),)), strict=False) == 3


def test_a_bloc_s_sub_folder_is_named_as_a_folder_not_counted_as_a_rejected_file() -> None:
    """A sub-folder of a bloc's submission folder is no file: the bloc's line names it apart (as the one-bloc
    summary does), and --strict still stops on it."""
    bloc = BlocOutcome("khoi-a", run_dir=Path("out"), folders_not_read=1)
    lines = province_lines(ProvinceResult(2025, (bloc,)))
    assert lines[0] == (
        "khoi-a: đã đánh giá, kết quả ở out (0 phường bị từ chối, 0 phường chưa nộp, 0 tệp bị từ chối, "
        "không đọc 1 thư mục con)"
    )
    assert province_status(ProvinceResult(2025, (bloc,)), strict=True) == 1


def test_a_bloc_whose_ward_lacks_a_monthly_report_is_counted_and_stops_strict() -> None:
    """A bloc's review in which a ward sent no report for a month of the window: the bloc's line counts it, and
    --strict exits 1 as the same command on that bloc alone does (one rule, ``run_status``)."""
    result = ReviewResult(Path("out"), rejected=0, missing=0, missing_months=1)
    bloc = BlocOutcome.completed("khoi-a", result)
    province = ProvinceResult(2025, (bloc,))
    assert province_lines(province)[0] == (
        "khoi-a: đã đánh giá, kết quả ở out (0 phường bị từ chối, 0 phường chưa nộp, 0 tệp bị từ chối, "
        "1 phường thiếu báo cáo tháng)"
    )
    assert province_status(province, strict=True) == run_status(result, strict=True) == 1
    assert province_lines(province, strict=True)[-1] == (
        "Mã thoát 1: khối khoi-a có hồ sơ bị từ chối hoặc còn thiếu (--strict)."
    )
    assert province_status(province, strict=False) == 0
