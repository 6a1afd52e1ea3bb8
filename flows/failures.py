"""Any exception that ends a command, as one Vietnamese sentence and an exit status (tracebacks only with --verbose).

The exit statuses, also listed in ``thidua --help``:

- 0: the run completed (rejected submissions included, unless ``--strict``);
- 1: ``--strict`` and a submission was rejected or missing; ``check`` found an error; ``verify`` found a change;
- 2: the command cannot run as asked: a wrong option, a broken YAML file, a refused month, a locked folder;
- 3: the machine stopped the run: Prefect could not start, the disk is full, a file may not be written, …;
- 130: stopped with Ctrl+C.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

from tasks.config.load import ConfigError
from tasks.config.year import BlocNotChosen
from tasks.edge.signals import Terminated
from tasks.outputs.run_folder import OutputFault, RunLocked
from tasks.text import os_reason

OK, STRICT, REFUSED, FAILED, INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES = (
    (OK, "lần chạy hoàn tất (kể cả khi có hồ sơ bị từ chối)"),
    (STRICT, "có --strict và có hồ sơ bị từ chối hoặc còn thiếu; check thấy lỗi; verify thấy tệp bị đổi"),
    (REFUSED, "không chạy được như yêu cầu: tham số sai, tệp YAML hỏng, tháng bị từ chối, thư mục đang bận"),
    (FAILED, "máy không cho chạy tiếp: Prefect không khởi động được, đầy ổ đĩa, không có quyền ghi, …"),
    (INTERRUPTED, "đã dừng bằng Ctrl+C"),
)
VERBOSE_HINT = "Chạy lại với --verbose để xem chi tiết kỹ thuật và gửi cho người quản trị."


class Refused(ValueError):
    """The command cannot do what was asked; the message is the Vietnamese sentence the user reads."""


@dataclass(frozen=True)
class Failure:
    """What the user reads and the exit status."""

    message: str
    code: int


def _os_failure(exc: OSError) -> Failure:
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Failure(f"Ổ đĩa đã đầy, không ghi được{where}: giải phóng dung lượng rồi chạy lại.", FAILED)
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return Failure(
            f"Không có quyền đọc hoặc ghi{where}: chọn thư mục khác (--outputs) hoặc nhờ người quản trị cấp quyền.",
            FAILED,
        )
    if isinstance(exc, FileNotFoundError):
        return Failure(f"Không tìm thấy{where}: kiểm tra lại đường dẫn rồi chạy lại.", REFUSED)
    return Failure(f"Không đọc hoặc ghi được{where} ({os_reason(exc)}). {VERBOSE_HINT}", FAILED)


def _prefect_did_not_start(exc: BaseException) -> bool:
    text = str(exc)
    return "ephemeral Prefect API server" in text or ("Prefect API" in text and "connect" in text)


def _server_unreachable(exc: BaseException) -> bool:
    """A connection refused or failed while a lasting Prefect server is configured: that server is down."""
    if not os.environ.get("PREFECT_API_URL"):
        return False
    return isinstance(exc, ConnectionRefusedError) or type(exc).__name__ in ("ConnectError", "UnsupportedProtocol")


def describe(exc: BaseException, stop: KeyboardInterrupt | None = None) -> Failure:
    """The sentence and the exit status for ``exc``: the first error of its chain (it, its cause, …) known here.

    ``stop``: the stop request (Ctrl-C, SIGTERM) the process received, if any; it then explains whatever
    ended the command, even an error that a library raised in its place while unwinding.
    """
    seen: list[BaseException] = []
    link: BaseException | None = stop or exc
    while link is not None and link not in seen and len(seen) < 10:
        seen.append(link)
        link = link.__cause__ or link.__context__
    # A stop request explains whatever failed while the run was stopping (a folder half written, a pool shut down)
    stops = [link for link in seen if isinstance(link, (Terminated, KeyboardInterrupt))]
    for link in stops[:1] + seen:
        if (known := _known(link)) is not None:
            return known
    return Failure(f"Lỗi không mong đợi ({type(exc).__name__}), lần chạy đã dừng. {VERBOSE_HINT}", FAILED)


def _known(exc: BaseException) -> Failure | None:
    if isinstance(exc, Terminated):
        return Failure("Đã dừng theo yêu cầu của hệ thống; kết quả dở dang không thay thế kết quả trước.", INTERRUPTED)
    if isinstance(exc, KeyboardInterrupt):
        return Failure("Đã dừng theo yêu cầu (Ctrl+C); kết quả dở dang không thay thế kết quả trước.", INTERRUPTED)
    if isinstance(exc, Refused):
        return Failure(str(exc), REFUSED)
    if isinstance(exc, BlocNotChosen):  # an option to give: no file to mend
        return Failure(f"{exc.where}: {exc.problem}.", REFUSED)
    if isinstance(exc, ConfigError):
        return Failure(
            f"Cấu hình không dùng được, chưa chạy gì: {exc.where}: {exc.problem}. Sửa rồi chạy lại.", REFUSED
        )
    if isinstance(exc, OutputFault):  # its message already names the folder and what to do
        return Failure(str(exc), FAILED)
    if isinstance(exc, RunLocked):
        folder = f"thư mục {exc.folder}" if exc.folder else "cùng thư mục kết quả"
        return Failure(f"Một lần chạy khác đang ghi vào {folder}: chờ lần chạy đó xong rồi chạy lại.", REFUSED)
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] in (
        "prefect_dask",
        "dask",
        "distributed",
    ):
        return Failure(
            "Chạy với --task-runner dask cần gói bổ sung Dask: cài bằng `.venv/bin/pip install -e '.[dask]'` "
            "hoặc bỏ --task-runner dask.",
            REFUSED,
        )
    if _server_unreachable(exc):
        return Failure(
            f"Không kết nối được máy chủ Prefect tại {os.environ['PREFECT_API_URL']} (PREFECT_API_URL): khởi động "
            "máy chủ đó, hoặc bỏ PREFECT_API_URL để thidua tự chạy máy chủ tạm thời, rồi chạy lại.",
            FAILED,
        )
    if isinstance(exc, OSError):
        return _os_failure(exc)
    if isinstance(exc, MemoryError):
        return Failure("Máy không đủ bộ nhớ cho lần chạy này: đóng bớt chương trình khác rồi chạy lại.", FAILED)
    if _prefect_did_not_start(exc):
        return Failure(
            "Không khởi động được máy chủ Prefect tạm thời (máy đang quá bận hoặc thiếu bộ nhớ): đợi vài phút "
            f"rồi chạy lại. {VERBOSE_HINT}",
            FAILED,
        )
    return None
