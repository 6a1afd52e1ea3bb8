"""Background services for the server benchmark and the deployment tests: started in their own session,
always stopped with everything they spawned (a Prefect worker's flow runs start sessions of their own)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psutil

T = TypeVar("T")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: a worker's flow runs start their own sessions, so killing the worker's process
    group alone would leave them running."""
    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:  # it has ended (or is not ours to see)
        return []


class PortTaken(RuntimeError):
    """Another program took the port chosen for a service before the service could bind it."""


def free_port() -> int:
    """A TCP port free on loopback right now; a service started on it binds it only later (``on_free_port``)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(log: Path) -> bool:
    """Whether a service's log says it could not bind its port: Prefect's "Port … is already in use", uvicorn's
    and PostgreSQL's "Address already in use"."""
    try:
        return "already in use" in log.read_text(errors="replace")
    except OSError:
        return False


@contextlib.contextmanager
def on_free_port(start: Callable[[int], AbstractContextManager[T]], tries: int = 3) -> Iterator[T]:
    """``start(port)`` on a free port, and again on another one when it raises ``PortTaken``: between
    ``free_port`` and the service's bind, another program (a test's server, Prefect's temporary servers on
    8000–8999) may take the port. PortTaken after ``tries`` ports in a row were taken."""
    for _ in range(tries):
        with contextlib.ExitStack() as stack:
            try:
                service = stack.enter_context(start(free_port()))
            except PortTaken:
                continue
            yield service
            return
    raise PortTaken(f"{tries} free ports in a row were taken before the service could bind them")


def listens(pid: int, port: int) -> bool:
    """Whether ``pid`` or a process below it has a TCP socket listening on ``port``: a port chosen free and handed
    to a server is bound only when the server gets to it, and another program may take it first, so an answer on
    that port alone does not say the server answered."""
    for each in (pid, *descendants(pid)):
        with contextlib.suppress(psutil.Error):
            for sock in psutil.Process(each).net_connections(kind="tcp"):
                if sock.status == psutil.CONN_LISTEN and sock.laddr and sock.laddr.port == port:
                    return True
    return False


class NotServing(RuntimeError):
    """A server that exited for another reason than a taken port, or did not answer in time (the message says which)."""


def wait_serving(proc: subprocess.Popen[bytes], health_url: str, port: int, log: Path, timeout: float) -> None:
    """Until ``health_url`` answers 200 and ``proc`` (or a process below it) listens on ``port``: another program's
    server may answer on a port taken after ``free_port`` chose it. PortTaken if ``proc`` exited for want of the
    port (``on_free_port`` then starts it again on another), NotServing if it exited otherwise or took longer
    than ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:  # one client: each httpx.get builds one, ~25 ms of CPU
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                if port_in_use(log):
                    raise PortTaken(f"port {port}")
                raise NotServing(f"prefect server exited with {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(health_url).status_code == 200 and listens(proc.pid, port):
                    return
            time.sleep(0.2)
    raise NotServing(f"prefect server not healthy after {timeout:.0f}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started in its own session: SIGTERM to its group, then SIGKILL to whatever is left."""
    family = descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in family:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


@contextlib.contextmanager
def background(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``args`` in its own session with its output in ``log``; always stopped on the way out."""
    with log.open("wb") as out:
        streams: dict[str, Any] = {"stdin": subprocess.DEVNULL, "stdout": out, "stderr": subprocess.STDOUT}
        proc = subprocess.Popen(args, env=env, cwd=cwd, start_new_session=True, **streams)
        try:
            yield proc
        finally:
            stop(proc)
