"""The ``thidua`` command line (spec §7)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path


def _quiet_telemetry() -> None:
    """No analytics from Prefect or GX; the local ephemeral Prefect server unless one is configured."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description="Annual emulation review of a ward bloc.")
    sub = parser.add_subparsers(dest="command", required=True)
    review = sub.add_parser("review", help="run the annual review")
    review.add_argument("--year", type=int, required=True)
    monthly = sub.add_parser("monthly", help="run the monthly standing")
    monthly.add_argument("--period", required=True, help="YYYY-MM")
    for p in (review, monthly):
        p.add_argument("--inputs", type=Path, default=Path("inputs"))
        p.add_argument("--outputs", type=Path, default=Path("outputs"))
        p.add_argument("--strict", action="store_true", help="exit 1 if any submission is rejected or missing")
        p.add_argument("--force", action="store_true", help="recompute everything, ignore caches")
    review.add_argument("--task-runner", choices=["thread", "dask"], default="thread")
    check = sub.add_parser("check", help="validate files without a review run")
    check.add_argument("files", nargs="+", type=Path)
    check.add_argument("--year", type=int)
    check.add_argument("--inputs", type=Path, default=Path("inputs"))
    templates = sub.add_parser("templates", help="blank workbooks for every ward")
    templates.add_argument("--year", type=int, required=True)
    templates.add_argument("--inputs", type=Path, default=Path("inputs"))
    templates.add_argument("--outputs", type=Path, default=None)
    verify = sub.add_parser("verify", help="recompute hashes against manifest.json")
    verify.add_argument("run_dir", type=Path)
    sub.add_parser("serve", help="serve the scheduled deployments on this machine")
    web = sub.add_parser("web", help="the wards' check page and the auditors' view of the runs")
    web.add_argument("--host", default="127.0.0.1", help="another address than loopback opens it to the network")
    web.add_argument("--port", type=int, default=8050)
    web.add_argument("--year", type=int, help="the year whose rules apply (default: the newest under --inputs)")
    web.add_argument("--inputs", type=Path, default=Path("inputs"))
    web.add_argument("--outputs", type=Path, default=Path("outputs"))
    web.add_argument("--runs-password-file", type=Path, help="YAML file holding the hashed password of /runs")
    web.add_argument("--hash-password", action="store_true", help="print the hashed form of a new /runs password")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``thidua`` console script."""
    _quiet_telemetry()
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("great_expectations", "httpx", "httpcore", "prefect", "alembic", "docket", "uvicorn"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from flows import commands

    handler = getattr(commands, f"cmd_{args.command}")
    return int(handler(args))


def entry() -> None:
    """Console-script entry. ``check`` writes nothing, so it skips interpreter teardown (~0.7 s of unloading
    Great Expectations' modules); every other command exits normally so Prefect can stop its server."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] == ["check"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
