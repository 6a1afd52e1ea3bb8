"""Implementations of the ``thidua`` sub-commands; each returns the process exit status."""

from __future__ import annotations

import argparse
import logging
import sys

from tasks.config import ConfigError

log = logging.getLogger("thidua")


def _fail_config(exc: ConfigError) -> int:
    print(f"thidua: configuration error: {exc}", file=sys.stderr)
    return 2


def cmd_review(args: argparse.Namespace) -> int:
    """``thidua review --year YYYY``."""
    from flows.annual_review import annual_review
    from tasks.settings import load_year

    try:
        load_year(args.inputs, args.year)  # a broken YAML stops here, before Prefect starts
        result = annual_review(year=args.year, inputs=args.inputs, outputs=args.outputs, force=args.force)
    except ConfigError as exc:
        return _fail_config(exc)
    print(f"Review written to {result.run_dir}")
    print(f"Rejected: {result.rejected}, missing: {result.missing}")
    return 1 if args.strict and (result.rejected or result.missing) else 0


def cmd_verify(args: argparse.Namespace) -> int:
    """``thidua verify RUN_DIR``."""
    from tasks.verify import verify_run

    problems = verify_run(args.run_dir)
    for line in problems:
        print(line)
    if not problems:
        print(f"OK: every file in {args.run_dir} matches manifest.json")
    return 1 if problems else 0


def cmd_monthly(args: argparse.Namespace) -> int:
    """``thidua monthly --period YYYY-MM``."""
    from flows.monthly import check_period, monthly
    from tasks.settings import load_year

    try:
        load_year(args.inputs, check_period(args.period))
        result = monthly(period=args.period, inputs=args.inputs, outputs=args.outputs, force=args.force)
    except ConfigError as exc:
        return _fail_config(exc)
    except ValueError as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    print(f"Monthly standing written to {result.run_dir}")
    print(f"Rejected: {result.rejected}, missing: {result.missing}")
    return 1 if args.strict and (result.rejected or result.missing) else 0
