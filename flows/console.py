"""What the secretariat sees while a run works: the ``thidua.progress`` events of ``flows.progress`` as Vietnamese.

On a terminal each stage is one live line (a bar when the stage knows its total, the time so far otherwise),
replaced by its final line when the stage ends; anywhere else (a log file, a pipe, cron) only the final lines
are written. A stage that starts while another is open (a bloc's stages inside the province run) is counted
in the outer one and not shown on its own.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from tasks.text import vn_count

PROGRESS_LOGGER = "thidua.progress"
STARTUP = "startup"

# stage name → (what a person reads, the unit of its count)
LABELS: dict[str, tuple[str, str]] = {
    STARTUP: ("Khởi động Prefect và các thư viện", ""),
    "read": ("Đọc hồ sơ", "tệp"),
    "validate": ("Kiểm tra hồ sơ", "hồ sơ"),
    # a month's run reads and checks the window's earlier months too, to compare year-to-date values with them
    "read-months": ("Đọc hồ sơ của tháng và các tháng trước (để so sánh lũy kế)", "tệp"),
    "validate-months": ("Kiểm tra hồ sơ của tháng và các tháng trước", "hồ sơ"),
    "score": ("Chấm điểm và xếp hạng", "phường"),
    "write": ("Ghi kết quả", "tệp"),
    "blocs": ("Đánh giá các khối", "khối"),
    "month-blocs": ("Lập bảng theo dõi tháng các khối", "khối"),
}
BAR_WIDTH = 24
TICK_SECONDS = 0.2
# Without a live line, a start-up still running after this long is announced, so a log shows why it waits.
ANNOUNCE_AFTER_SECONDS = 3.0
STARTUP_NOTICE = "Đang khởi động Prefect và các thư viện (lần chạy đầu trên máy có thể mất vài phút)…"


def seconds_text(seconds: float) -> str:
    """``1,2 giây`` / ``2 phút 05 giây``: a duration as a Vietnamese reader writes it."""
    if seconds < 60:
        return f"{seconds:.1f} giây".replace(".", ",")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} phút {rest:02d} giây"


def count_text(n: int, unit: str = "") -> str:
    """``1.000 tệp``: a count with the Vietnamese thousands separator and its unit (if any)."""
    return f"{vn_count(n)} {unit}".strip()


@dataclass
class OpenStage:
    name: str
    total: int | None
    done: int
    started: float
    counted: bool = False


def final_line(name: str, done: int | None, seconds: float) -> str:
    """The line a finished stage leaves: ``Đọc hồ sơ: 50 tệp, 0,4 giây`` (no count when ``done`` is None)."""
    label, unit = LABELS.get(name, (name, ""))
    parts = [count_text(done, unit)] if done is not None and unit else []
    return f"{label}: {', '.join([*parts, seconds_text(seconds)])}"


def live_line(stage: OpenStage, now: float) -> str:
    """The line of a stage still running: a bar when its total is known, else the time so far."""
    label, unit = LABELS.get(stage.name, (stage.name, ""))
    elapsed = seconds_text(now - stage.started)
    if stage.total:
        filled = min(BAR_WIDTH, BAR_WIDTH * stage.done // stage.total)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        return f"{label} {bar} {stage.done}/{count_text(stage.total, unit)}, {elapsed}"
    return f"{label}… {elapsed}"


class ProgressConsole(logging.Handler):
    """A logging handler that renders the progress events for a person (see the module's docstring)."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.open: list[OpenStage] = []
        self.guard = threading.RLock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None
        self.width = 0
        self.notice = threading.Timer(ANNOUNCE_AFTER_SECONDS, self._announce_startup)
        self.notice.daemon = True

    def begin(self, name: str) -> None:
        """Open stage ``name`` from this side (the start-up before the flow reports anything)."""
        with self.guard:
            self.open.append(OpenStage(name, None, 0, time.perf_counter()))
            self._draw()
        if name == STARTUP and not self.live:
            self.notice.start()

    def emit(self, record: logging.LogRecord) -> None:
        """Take one progress event (``stage``, ``event``, ``total``, ``done``, ``seconds`` on the record)."""
        name, event = getattr(record, "stage", None), getattr(record, "event", None)
        if not isinstance(name, str) or event not in ("start", "advance", "done"):
            return
        with self.guard:
            if event == "start":
                self._finish(STARTUP)
                self.open.append(OpenStage(name, record.__dict__.get("total"), 0, time.perf_counter()))
            elif (stage := self._find(name)) is not None:
                stage.done = int(record.__dict__.get("done") or 0)
                stage.total = record.__dict__.get("total", stage.total)
                stage.counted = stage.counted or event == "advance"
                if event == "done":
                    self._finish(name, float(record.__dict__.get("seconds") or 0.0))
            self._draw()

    def close_all(self, completed: bool = True) -> None:
        """Stop the ticker and clear a live line; a completed command ends its start-up stage if nothing else came."""
        with self.guard:
            if completed:
                self._finish(STARTUP)
            self.open.clear()
            self._clear()
        self.stop.set()
        self.notice.cancel()

    def _announce_startup(self) -> None:
        with self.guard:
            if self._find(STARTUP) is not None:
                self.stream.write(STARTUP_NOTICE + "\n")
                self.stream.flush()

    def _find(self, name: str) -> OpenStage | None:
        return next((s for s in reversed(self.open) if s.name == name), None)

    def _finish(self, name: str, seconds: float | None = None) -> None:
        stage = self._find(name)
        if stage is None:
            return
        outermost = self.open[0] is stage
        self.open.remove(stage)
        if outermost:
            took = time.perf_counter() - stage.started if seconds is None else seconds
            self._clear()
            counted = stage.done if stage.counted or stage.total is not None else None
            self.stream.write(final_line(stage.name, counted, took) + "\n")
            self.stream.flush()

    def _draw(self) -> None:
        if not self.live or not self.open:
            return
        line = "  " + live_line(self.open[0], time.perf_counter())
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)
        if self.ticker is None:
            self.ticker = threading.Thread(target=self._tick, name="thidua-progress", daemon=True)
            self.ticker.start()

    def _clear(self) -> None:
        if self.live and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0

    def _tick(self) -> None:
        while not self.stop.wait(TICK_SECONDS):
            with self.guard:
                self._draw()


@contextmanager
def progress_console(stream: TextIO | None = None, live: bool | None = None) -> Iterator[ProgressConsole]:
    """Show the progress events of the block on ``stream`` (standard output by default), starting with start-up."""
    console = ProgressConsole(stream, live)
    logger = logging.getLogger(PROGRESS_LOGGER)
    logger.addHandler(console)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # the events are for this handler, not for the English log
    console.begin(STARTUP)
    completed = False
    try:
        yield console
        completed = True
    finally:
        console.close_all(completed)
        logger.removeHandler(console)
