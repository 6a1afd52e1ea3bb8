"""Whatever ends a command, the user reads one Vietnamese sentence and gets an exit status, never a traceback.

``describe`` is tested here directly; ``test_cli.py`` checks that the command line prints its sentence alone.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from flows.failures import (
    EXIT_CODES,
    FAILED,
    INTERRUPTED,
    OK,
    REFUSED,
    STRICT,
    VERBOSE_HINT,
    Refused,
    describe,
)
from tasks.config.load import ConfigError
from tasks.edge.signals import Terminated
from tasks.outputs.run_folder import OutputFault, RunLocked
from tests.support.wording import has_diacritics


@pytest.mark.parametrize(
    ("error", "words", "code"),
    [
        (RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server."), "máy chủ Prefect", 3),
        (
            OSError(errno.ENOSPC, "No space left on device", "outputs/2025"),
            "Ổ đĩa đã đầy, không ghi được outputs/2025",
            3,
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/ketqua"),
            "Không có quyền đọc hoặc ghi /srv/ketqua",
            3,
        ),
        (ModuleNotFoundError("No module named 'prefect_dask'", name="prefect_dask"), "--task-runner dask", 2),
        (MemoryError(), "không đủ bộ nhớ", 3),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/tmp/tep/out"), "là tệp, không phải thư mục", 3),
        (ZeroDivisionError("division by zero"), "Lỗi không mong đợi (ZeroDivisionError)", 3),
        (KeyboardInterrupt(), "Đã dừng theo yêu cầu", 130),
    ],
)
def test_any_failure_is_one_vietnamese_sentence_and_an_exit_code(error: BaseException, words: str, code: int) -> None:
    """Whatever breaks inside a command, the user reads one line of Vietnamese with the right exit status."""
    failure = describe(error)
    assert words in failure.message and failure.code == code
    assert "\n" not in failure.message and has_diacritics(failure.message)


def test_a_refusal_reaches_the_user_word_for_word() -> None:
    """A command's own refusal (a month outside the window, …) is shown as written, with exit 2."""
    sentence = "Tháng 08/2025 nằm ngoài khoảng theo dõi của năm 2025."
    assert (describe(Refused(sentence)).message, describe(Refused(sentence)).code) == (sentence, REFUSED)


def test_a_broken_configuration_names_the_file_and_the_key() -> None:
    """criteria.yaml with a bad key: exit 2, nothing ran, the file and the key named, and what to do."""
    failure = describe(ConfigError(Path("inputs/2025/criteria.yaml"), "groups[0].max", "không phải số"))
    assert failure.code == REFUSED
    assert failure.message == (
        "Cấu hình không dùng được, chưa chạy gì: inputs/2025/criteria.yaml, mục groups[0].max: không phải số. "
        "Sửa rồi chạy lại."
    )


def test_a_broken_configuration_file_without_a_key_names_the_file() -> None:
    """A file that is not YAML at all has no key to name: the sentence names the file alone."""
    failure = describe(ConfigError("inputs/2025/bloc.yaml", "", "không đọc được"))
    assert "inputs/2025/bloc.yaml: không đọc được." in failure.message and "mục" not in failure.message


def test_a_busy_output_folder_names_the_folder_and_says_to_wait() -> None:
    """Another run holds the folder: exit 2, the folder named, wait and run again."""
    failure = describe(RunLocked("another run is writing to outputs/2025/review", Path("outputs/2025/review")))
    assert failure.code == REFUSED
    assert "outputs/2025/review" in failure.message and "chờ lần chạy đó xong rồi chạy lại" in failure.message
    assert "another run" not in failure.message  # the English developer message stays out


def test_an_output_fault_keeps_its_own_sentence() -> None:
    """An output fault already tells the secretariat the folder and what to do: shown as is, exit 3."""
    sentence = "Không có quyền ghi vào outputs/2025; hãy cấp quyền ghi cho thư mục kết quả."
    failure = describe(OutputFault(sentence))
    assert (failure.message, failure.code) == (sentence, FAILED)


def test_a_stop_request_from_the_system_is_told_apart_from_ctrl_c() -> None:
    """SIGTERM and Ctrl+C both exit 130 and both say the previous results stay; each names its own cause."""
    terminated, interrupted = describe(Terminated("signal 15")), describe(KeyboardInterrupt())
    assert terminated.code == interrupted.code == INTERRUPTED
    assert "hệ thống" in terminated.message and "Ctrl+C" in interrupted.message
    assert all("không thay thế kết quả trước" in f.message for f in (terminated, interrupted))


@pytest.mark.parametrize("stop", [Terminated("signal 15"), KeyboardInterrupt()])
def test_an_error_raised_in_place_of_a_stop_request_still_reads_as_the_stop(stop: KeyboardInterrupt) -> None:
    """A library that catches the stop while unwinding may raise its own error with no trace of the stop in its
    chain; the process knows it was asked to stop, so the user still reads "stopped", exit 130, not "unexpected
    error"."""
    swallowed = ValueError("I/O operation on closed file")
    assert describe(swallowed).code == FAILED
    told = describe(swallowed, stop)
    assert told == describe(stop) and told.code == INTERRUPTED


@pytest.mark.parametrize(
    ("error", "words", "code"),
    [
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "inputs/2024"), "Không tìm thấy inputs/2024", 2),
        (OSError(errno.EROFS, "Read-only file system", "/mnt/cd"), "Không có quyền đọc hoặc ghi /mnt/cd", 3),
        (OSError(errno.EDQUOT, "Disk quota exceeded", "outputs"), "Ổ đĩa đã đầy", 3),
        (OSError(errno.ENAMETOOLONG, "File name too long", "outputs/x"), "(tên tệp hoặc đường dẫn quá dài)", 3),
    ],
)
def test_a_file_system_error_is_told_in_vietnamese_with_the_path(error: OSError, words: str, code: int) -> None:
    """The usual operating-system errors are explained in Vietnamese, never in the system's English words."""
    failure = describe(error)
    assert words in failure.message and failure.code == code
    assert error.strerror is not None and error.strerror not in failure.message


def test_an_unusual_file_system_error_asks_for_the_details() -> None:
    """An OS error without a Vietnamese explanation still names the path and points to --verbose."""
    failure = describe(OSError(errno.ENXIO, "No such device or address", "/dev/tape"))
    assert failure.code == FAILED and "/dev/tape" in failure.message and failure.message.endswith(VERBOSE_HINT)


def test_an_error_raised_while_handling_a_known_one_is_told_as_the_known_one() -> None:
    """A library raises its own error while handling a full disk: the user is still told the disk is full."""
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "outputs/x.xlsx")
        except OSError:
            raise RuntimeError("task failed")  # noqa: B904 (the implicit context is the point)
    except RuntimeError as exc:
        failure = describe(exc)
    assert failure.message.startswith("Ổ đĩa đã đầy, không ghi được outputs/x.xlsx") and failure.code == FAILED


def test_an_error_raised_while_stopping_is_told_as_the_stop() -> None:
    """Ctrl+C during the writes: a file left half written fails too, yet the user is told the run was stopped
    (exit 130), not that the disk failed."""
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise OSError(errno.EIO, "Input/output error", "outputs/x.xlsx")  # noqa: B904
    except OSError as exc:
        failure = describe(exc)
    assert failure.code == INTERRUPTED and "Ctrl+C" in failure.message


def test_a_cycle_of_causes_ends_in_the_general_sentence() -> None:
    """Two errors naming each other as cause never hang the command: the general sentence, exit 3."""
    first, second = ValueError("a"), TypeError("b")
    first.__cause__, second.__cause__ = second, first
    failure = describe(first)
    assert failure.code == FAILED and failure.message.startswith("Lỗi không mong đợi (ValueError)")


def test_the_listed_exit_codes_are_the_ones_used() -> None:
    """The help lists exactly the exit statuses the command returns, each once, in order."""
    assert [code for code, _ in EXIT_CODES] == [OK, STRICT, REFUSED, FAILED, INTERRUPTED] == [0, 1, 2, 3, 130]
    assert all(has_diacritics(meaning) for _, meaning in EXIT_CODES)


def test_a_configured_prefect_server_that_is_down_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """PREFECT_API_URL set (as for thidua serve) and nothing answering: the server and the setting are named, in
    Vietnamese, not 'Connection refused'."""
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    failure = describe(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"))
    assert failure.code == 3 and "Không kết nối được máy chủ Prefect tại http://127.0.0.1:9/api" in failure.message
    monkeypatch.delenv("PREFECT_API_URL")
    failure = describe(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"))
    assert "máy bên kia từ chối kết nối" in failure.message and "refused" not in failure.message


def test_an_os_error_without_vietnamese_words_is_named_by_its_code_not_in_english() -> None:
    """An unusual error (ENOTCONN) is named by its system code; the operating system's English never shows."""
    failure = describe(OSError(errno.ENOTCONN, "Transport endpoint is not connected"))
    assert "lỗi hệ thống ENOTCONN" in failure.message and "Transport" not in failure.message
