"""``thidua web``: the check page for the wards and the runs page for auditors, served until Ctrl+C."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from flows.commands import refuse_year_folder
from flows.failures import OK, Refused

WEB_STOPPED = "Đã dừng trang kiểm tra hồ sơ."


def cmd_web(args: argparse.Namespace) -> int:
    """``thidua web``: the check page, ``/api/check`` and ``/runs`` until Ctrl+C (see tasks/web/).

    The page serves one bloc's rules: the year's, or with ``--bloc`` those of a bloc folder of the year; ``/runs``
    lists every run under ``--outputs`` whatever the bloc.
    """
    from tasks.config.year import load_year
    from tasks.validation.check import latest_year
    from tasks.web.access import AccessConfigError, hash_password, load_password_hash
    from tasks.web.app import WebSettings
    from tasks.web.server import is_loopback, serve

    if args.hash_password:
        return _print_password_hash(hash_password)
    refuse_year_folder(args.inputs)
    year = args.year or latest_year(args.inputs)
    if year is None:
        raise Refused(f"Không tìm thấy quy định của năm nào trong {args.inputs}; chạy lại với --year.")
    config = load_year(args.inputs, year, args.bloc)  # a year of bloc folders needs --bloc, which names one of them
    try:
        stored = load_password_hash(args.runs_password_file) if args.runs_password_file else None
    except AccessConfigError as exc:
        raise Refused(str(exc)) from exc
    settings = WebSettings(
        inputs=args.inputs, outputs=args.outputs, year=year, bloc=args.bloc, runs_password_hash=stored
    )
    refuse_busy_port(args.host, args.port)  # before the seconds of loading, and before the "ready" line
    print(f"Đang nạp quy định năm {year} của {config.bloc.name} và bộ kiểm tra…", flush=True)
    if not is_loopback(args.host) and stored is None:
        print("Lưu ý: trang /runs mở cho mọi máy trong mạng mà không cần mật khẩu (--runs-password-file).")
    url = f"http://{args.host if ':' not in args.host else f'[{args.host}]'}:{args.port}/"
    ready = f"Trang kiểm tra hồ sơ: {url}  ·  các lần chạy: {url}runs  ·  Ctrl+C để dừng."
    try:
        serve(settings, args.host, args.port, ready=lambda: print(ready, flush=True))
    except KeyboardInterrupt:  # Ctrl+C, or a service manager's SIGTERM: the way a web server ends, nothing half done
        print(WEB_STOPPED, flush=True)
    return OK


def refuse_busy_port(host: str, port: int) -> None:
    """Refused when the page cannot listen on ``host:port``: the port is taken, or the host is not this machine's."""
    import socket

    from tasks.text import os_reason

    try:
        with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
            pass
    except OSError as exc:
        why = f"không có địa chỉ {host}" if isinstance(exc, socket.gaierror) else os_reason(exc)
        raise Refused(
            f"Không mở được trang tại {host}:{port} ({why}): cổng đang được chương trình khác dùng, hoặc địa chỉ "
            "--host không phải của máy này. Chọn --port khác, hoặc dừng chương trình đang dùng cổng đó."
        ) from exc


def _print_password_hash(hash_password: Callable[[str], str]) -> int:
    from getpass import getpass

    try:
        first = getpass("Mật khẩu mới cho trang /runs: ")
        again = getpass("Nhập lại mật khẩu: ") if first else ""
    except EOFError:  # Ctrl+D, or no terminal to type into
        raise Refused("Chưa nhập mật khẩu nào; chưa tạo gì.") from None
    if not first or again != first:
        raise Refused("Mật khẩu trống hoặc hai lần nhập không khớp; chưa tạo gì.")
    print(f"runs_password: '{hash_password(first)}'")
    return OK
