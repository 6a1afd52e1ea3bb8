"""``thidua web`` on the command line: what it serves, the password helper, and plain refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import flows.web_command as web_command
from flows.cli import main
from flows.web_command import refuse_busy_port
from tasks.edge.signals import Terminated
from tasks.web import server
from tasks.web.access import hash_password, password_matches
from tasks.web.served import WebSettings

SAMPLE_INPUTS = Path(__file__).resolve().parents[2] / "inputs"


@pytest.fixture
def checked_ports(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record the addresses ``thidua web`` checks it can listen on instead of binding them: a fixed port such as
    8123 or 8050 may be in use on the machine running the tests (Prefect's temporary servers take random ports
    from 8000 to 8999, a ``thidua web`` may be running), which is not what these tests are about. The check
    itself is tested below on a port really taken, and on a free one."""
    checks: list[tuple[str, int]] = []
    monkeypatch.setattr(web_command, "refuse_busy_port", lambda host, port: checks.append((host, port)))
    return checks


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, checked_ports: list[tuple[str, int]]) -> list[tuple[WebSettings, str, int]]:
    """Record what ``thidua web`` would serve instead of serving it (and the port it checks, without binding it)."""
    calls: list[tuple[WebSettings, str, int]] = []

    def fake_serve(settings: WebSettings, host: str, port: int, ready: Callable[[], None] = lambda: None) -> None:
        calls.append((settings, host, port))
        ready()

    monkeypatch.setattr(server, "serve", fake_serve)
    return calls


def test_it_serves_the_newest_year_on_loopback_with_the_password_file(
    served: list[tuple[WebSettings, str, int]],
    checked_ports: list[tuple[str, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --year the newest year under inputs; the default address is loopback; the URL is printed."""
    config = tmp_path / "web.yaml"
    config.write_text(f"runs_password: '{hash_password('kiểm tra')}'\n", encoding="utf-8")
    code = main(["web", "--inputs", str(SAMPLE_INPUTS), "--runs-password-file", str(config), "--port", "8123"])
    assert code == 0
    settings, host, port = served[0]
    assert (settings.year, host, port) == (2025, "127.0.0.1", 8123)
    assert checked_ports == [("127.0.0.1", 8123)]
    assert settings.runs_password_hash is not None and password_matches("kiểm tra", settings.runs_password_hash)
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), Terminated("signal 15")])
def test_stopping_the_web_server_is_its_normal_end(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stop: KeyboardInterrupt,
    checked_ports: list[tuple[str, int]],
) -> None:
    """Ctrl+C (or SIGTERM from a service manager) ends ``thidua web``: exit 0 and "đã dừng", no "kết quả dở dang"."""

    def serve_until_stopped(settings: WebSettings, host: str, port: int, ready: Callable[[], None]) -> None:
        ready()
        raise stop

    monkeypatch.setattr(server, "serve", serve_until_stopped)
    assert main(["web", "--inputs", str(SAMPLE_INPUTS), "--port", "8123"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "Đã dừng trang kiểm tra hồ sơ."
    assert captured.err == ""


def test_a_network_address_without_a_password_is_pointed_out(
    served: list[tuple[WebSettings, str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Binding to every interface is the operator's choice; the command says /runs then has no password."""
    assert main(["web", "--inputs", str(SAMPLE_INPUTS), "--host", "0.0.0.0"]) == 0
    assert served[0][1] == "0.0.0.0"
    assert "không cần mật khẩu" in capsys.readouterr().out


def test_a_missing_password_file_or_no_rules_refuse_to_start(
    served: list[tuple[WebSettings, str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 with one Vietnamese sentence, and nothing served."""
    missing = tmp_path / "khong-co.yaml"
    assert main(["web", "--inputs", str(SAMPLE_INPUTS), "--runs-password-file", str(missing)]) == 2
    assert capsys.readouterr().err == f"thidua: Không dùng được tệp mật khẩu {missing}: không tìm thấy tệp.\n"
    assert main(["web", "--inputs", str(tmp_path)]) == 2
    assert "--year" in capsys.readouterr().err
    assert served == []


def test_hash_password_prints_a_line_for_the_config_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The printed line holds a hash the password matches; two different entries are refused."""
    answers = iter(["Mật khẩu 2025", "Mật khẩu 2025"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["web", "--hash-password"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("runs_password: '") and "Mật khẩu" not in line
    assert password_matches("Mật khẩu 2025", line.split("'")[1])
    answers = iter(["một", "hai"])
    assert main(["web", "--hash-password"]) == 2
    assert "không khớp" in capsys.readouterr().err

    def end_of_input(prompt: str = "") -> str:
        raise EOFError  # Ctrl+D at the prompt, or no terminal to type into

    monkeypatch.setattr("getpass.getpass", end_of_input)
    assert main(["web", "--hash-password"]) == 2
    assert "Chưa nhập mật khẩu nào" in capsys.readouterr().err


def test_a_port_already_in_use_is_refused_before_loading_and_before_the_ready_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Another program holds the port: exit 2 and one Vietnamese sentence, not uvicorn's English after a
    'ready' line that promised the page."""
    import socket

    monkeypatch.setattr("tasks.web.server.serve", lambda *a, **k: pytest.fail("served on a busy port"))
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["web", "--port", str(port), "--inputs", "inputs"]) == 2
    captured = capsys.readouterr()
    assert f"Không mở được trang tại 127.0.0.1:{port} (cổng đã có chương trình khác dùng)" in captured.err
    assert "Trang kiểm tra hồ sơ:" not in captured.out and "Errno" not in captured.err


def test_a_free_port_passes_the_check() -> None:
    """Port 0 lets the system pick a free port: the check lets it through, whatever else the machine runs."""
    refuse_busy_port("127.0.0.1", 0)
