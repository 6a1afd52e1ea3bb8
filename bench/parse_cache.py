"""Benchmark the parse cache: ``python -m bench.parse_cache [--wards 1000] [--inputs ROOT] [--repeat 3]``.

In one process with the run's collector policy, on the bloc of ``--wards`` wards (``bench.make_bloc``; or the
inputs root ``--inputs``, the folder that holds ``2025/``):

- ``misses``: the read stage as the review runs it (``read_all`` with ``read_in_parallel``) into an empty cache:
  every file read, every submission encoded, one pack written;
- ``hits``: the same stage again: the pack loaded, every entry decoded, nothing read;
- then the pack alone, best of ``--repeat``: its size; ``load`` (read the file, check the tag, parse the JSON);
  ``decode`` (every entry back to a submission); ``encode`` (every submission to a line of JSON) and ``seal`` (the
  pack's bytes with their tag). The pack figures are also given per 1,000 entries.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench.make_bloc import YEAR, bloc_inputs

T = TypeVar("T")


def best(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``repeat`` runs of ``work`` in seconds, with what the last run gave."""
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        got = work()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, got


def measure(root: Path, repeat: int) -> dict[str, float]:
    """The figures described in the module docstring for the inputs under ``root``."""
    from tasks.config.year import load_year
    from tasks.edge.pool import read_in_parallel
    from tasks.intake.cache import KEY_ENV, ParseCache, cache_key, sealed
    from tasks.intake.cache_codec import as_json
    from tasks.intake.discover import discover
    from tasks.intake.read_all import read_all

    config = load_year(root, YEAR)
    files = discover(config.year_dir)
    folder = Path(tempfile.mkdtemp(prefix="thidua-bench-cache-"))
    os.environ[KEY_ENV] = str(folder / "state" / "cache.key")
    cache = folder / "cache"
    misses, subs = best(1, lambda: read_all(files, config.bloc, config.catalogue, cache, read_in_parallel))
    hits, again = best(1, lambda: read_all(files, config.bloc, config.catalogue, cache, read_in_parallel))
    assert again == subs, "the cache gave other submissions than reading"
    (pack,) = cache.rglob("*.pack")
    load, loaded = best(repeat, lambda: ParseCache(cache, config.bloc, config.catalogue))
    decode, _ = best(repeat, lambda: [loaded.get(file, period) for file, period in files])
    encode, entries = best(repeat, lambda: {f"{k:064x}": as_json(sub) for k, sub in enumerate(subs)})
    key = cache_key()
    assert key is not None
    seal, _ = best(repeat, lambda: sealed(key, entries))
    return {
        "files": len(files),
        "misses_s": misses,
        "hits_s": hits,
        "pack_mib": pack.stat().st_size / 2**20,
        "load_ms": load * 1000,
        "decode_ms": decode * 1000,
        "encode_ms": encode * 1000,
        "seal_ms": seal * 1000,
    }


def report(figures: dict[str, float]) -> str:
    """The figures as a few lines, with the pack's per 1,000 entries."""
    per = 1000 / figures["files"]
    pack = ("pack_mib", "load_ms", "decode_ms", "encode_ms", "seal_ms")
    return "\n".join(
        [
            f"{figures['files']:.0f} files: read stage {figures['misses_s']:.2f} s with every file a miss, "
            f"{figures['hits_s']:.2f} s with every file a hit",
            *(f"  {name:<10} {figures[name]:9.1f}   per 1,000 entries {figures[name] * per:8.1f}" for name in pack),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.parse_cache", description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=1000)
    parser.add_argument("--inputs", type=Path, help="an inputs root holding 2025/ instead of a generated bloc")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from tasks.edge.collector import configure_collector

    configure_collector()  # as the command line does before a run
    root = args.inputs or bloc_inputs(args.wards)
    print(f"load: {os.getloadavg()[0]:.1f}")
    print(report(measure(root, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
