"""Warm answer time of ``thidua web``: ``python -m bench.web_check [FILE] [--runs 20] [--inputs inputs]``.

Starts the application in this process the way ``thidua web`` does (rules, Great Expectations and every suite
loaded and warmed once), serves it with uvicorn on a free loopback port, then posts FILE to ``/api/check``
and to the check page ``/`` (which also builds the feedback workbook and the annotated copy) ``--runs``
times each, one after another, over real HTTP. Prints the start-up time and the median, minimum and maximum
per endpoint against the target (median ≤ 0.5 s warm), the CPU time per answer (what the wall time would be
on an idle core) and the machine's load average, which on a shared machine explains most of the spread.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "inputs" / "2025" / "annual" / "tu-cham-diem-2025-sapa.xlsx"
TARGET = 0.5


def start(inputs: Path, year: int) -> tuple[str, uvicorn.Server, float]:
    """Make the application (warm) and serve it on loopback; returns its URL, the server and the start-up time."""
    from tasks.web.app import WebSettings, create_app

    started = time.perf_counter()
    app = create_app(WebSettings(inputs=inputs, outputs=ROOT / "outputs", year=year))
    warm = time.perf_counter() - started
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, warm


def timings(url: str, file: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (this process: server and client) per answer of ``runs`` uploads."""
    data, seconds, cpu = file.read_bytes(), [], []
    with httpx.Client(timeout=60) as client:
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            answer = client.post(url, files={"file": (file.name, data)})
            seconds.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            answer.raise_for_status()
    return seconds, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--inputs", type=Path, default=ROOT / "inputs")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    base, server, warm = start(args.inputs.resolve(), args.year)
    print(f"start-up (rules, Great Expectations, suites warmed): {warm:.1f} s")
    for label, path in (("POST /api/check", "/api/check"), ("POST / (page + downloads)", "/")):
        seconds, cpu = timings(base + path, args.file.resolve(), args.runs)
        median = statistics.median(seconds)
        verdict = "met" if median <= TARGET else "NOT met"
        print(
            f"{label}: median {median:.3f} s over {len(seconds)} (min {min(seconds):.3f}, max {max(seconds):.3f});"
            f" target ≤ {TARGET} s: {verdict}; CPU per answer: median {statistics.median(cpu):.3f} s"
        )
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
