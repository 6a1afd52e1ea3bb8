"""Generate synthetic blocs of N wards for the benchmarks: ``python -m bench.make_bloc 10 99 1000 3321``.

A bloc folder holds ``bloc.yaml`` (N wards), ``criteria.yaml`` (the 2025 catalogue with a target for every
ward), one annual self-assessment and the monthly reports 2025-09..2025-12 of every ward, and one appraisal
file, written with the sample writers (``samples.workbooks`` through ``samples.make_2025``). The mix is the
one a real bloc sends: most files clean, a share with honest deviations (§3.4), about one ward in ten with a
warning (a self-score without evidence), one in 25 without one monthly report, one in 50 with a veto.

Generation is slow-ish (openpyxl) and runs on two processes; each set is cached under ``bench/out/`` keyed by
its parameters and the generator's version, so a second call returns at once.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from samples.catalogue import Roster, Rules, load_roster, load_rules
from samples.design_2025 import WardData, WardPlan, draw_ward
from samples.make_2025 import write_ward_annual, write_ward_monthly
from samples.sheet_kit import fold
from samples.workbooks import write_appraisal

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "bench" / "out"
SAMPLE_CRITERIA = PROJECT / "inputs" / "2025" / "criteria.yaml"
YEAR = 2025
VERSION = 3  # bump when the generated files change
STAMP = ".complete.json"


def _words(text: str) -> list[str]:
    return text.split()


_FIRST = _words(
    "An Bình Cát Đông Hòa Hưng Khánh Long Minh Nam Phú Quang Tân Thịnh Trung Vĩnh Xuân Yên Bắc Hải Lạc Mỹ "
    "Phước Sơn Thái Thuận Tiến Văn Việt Vạn Đức Gia Hiệp Hồng Kim Lâm Linh Lộc Ninh Phong Quế Tường Thạch "
    "Thủy Tiên Trà Tuy Hậu Cẩm Chánh Định Hiếu Khương Lương Mai Nghĩa Phúc Quý Sa Tây Thường Thọ Tứ Vân "
    "Ái Bảo Châu Diên"
)
_SECOND = _words(
    "Lợi Phát Thành Thắng Hưng Lộc Hòa Khê Giang Sơn Đình Lâm Hà Điền Trạch Thủy Bình Phúc Xương Cường "
    "Lâu Thia Đường Tâm Phượng Mỹ Hải Hiền Lạc Long Nguyên Phong Quan Thanh Tiến Trung Vinh Xá Yên Bảo "
    "Cầu Dương Hạnh Hoa Kiều Liên Mai Ngọc Nhân Ninh Quang Sang Tài Thái Thuận Tú Uyên Vân Vượng Yến Ân "
    "Bắc Chánh Đạt Gia"
)
_VARIANTS = (
    frozenset({"stt"}),
    frozenset({"upper_headers"}),
    frozenset({"text_numbers"}),
    frozenset({"numeric_codes"}),
    frozenset({"sheet_order", "ward_short"}),
    frozenset({"title_merged", "ward_prefix"}),
)


@dataclass(frozen=True)
class BlocSpec:
    """What to generate: ``wards`` wards of a bloc ``code`` into ``folder`` (the ``inputs/<year>/`` folder)."""

    wards: int
    code: str
    folder: Path
    seed: int = YEAR


def ward_names(n: int) -> list[str]:
    """``n`` distinct ward names, distinct also without diacritics (so every name names exactly one ward)."""
    names: list[str] = []
    seen: set[str] = set()
    for second in _SECOND:
        for first in _FIRST:
            name = f"{first} {second}"
            if first != second and fold(name) not in seen:
                seen.add(fold(name))
                names.append(name)
    if n > len(names):
        raise ValueError(f"at most {len(names)} distinct ward names, asked for {n}")
    return names[:n]


def roster_yaml(spec: BlocSpec) -> dict[str, Any]:
    """``bloc.yaml`` of a synthetic bloc."""
    members = [{"code": f"P{i:04d}", "name": name} for i, name in enumerate(ward_names(spec.wards), start=1)]
    return {
        "bloc": {
            "code": spec.code,
            "name": f"Khối thi đua thử nghiệm {spec.code} ({spec.wards} phường)",
            "province": "Lào Cai",
            "year": YEAR,
            "head": members[0]["code"],
            "members": members,
        }
    }


def criteria_yaml(codes: list[str], seed: int) -> dict[str, Any]:
    """The 2025 sample catalogue with per-ward targets for every ward (drawn from the sample's targets)."""
    with SAMPLE_CRITERIA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    rng = random.Random(f"{seed}-targets")
    for ind in data["indicators"]:
        if "targets" in ind:
            choices = sorted(ind["targets"].values())
            ind["targets"] = {code: rng.choice(choices) for code in codes}
    return data


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def ward_plan(code: str, index: int, rules: Rules, seed: int) -> WardPlan:
    """A ward's plan: level, claims, deviations and problems, drawn deterministically from its code."""
    rng = random.Random(f"{seed}-{code}")
    counts = {"T1": rng.randint(0, 2), "T2": rng.randint(0, 1), "T3": rng.randint(0, 3), "D1": rng.randint(0, 1)}
    if index % 50 == 7:
        counts["D3"] = 1
    months = rules.months
    variant = _VARIANTS[index % len(_VARIANTS)] if index % 5 == 0 else frozenset()
    return WardPlan(
        code,
        level=rng.uniform(0.78, 0.97),
        achieve=rng.uniform(0.9, 1.05),
        band=("0", "110"),
        counts=counts,
        missing=(months[index % (len(months) - 1)],) if index % 25 == 3 else (),
        write_code=index % 3 != 0,
        annual_variant=variant,
        monthly_variant={months[index % len(months)]: variant} if variant else {},
        percent_months=(months[-1],) if index % 4 == 1 else (),
        blank_evidence=("1.4",) if index % 10 == 5 else (),
    )


_WORKER: dict[str, Any] = {}


def _init_worker(folder: Path, seed: int) -> None:
    roster = load_roster(folder / "bloc.yaml")
    _WORKER.update(roster=roster, rules=load_rules(folder / "criteria.yaml", roster), folder=folder, seed=seed)


def _draw(rules: Rules, roster: Roster, index: int, seed: int) -> WardData:
    code = roster.wards[index][0]
    return draw_ward(random.Random(f"{seed}-{code}-draw"), rules, roster, ward_plan(code, index, rules, seed))


def _write_ward(index: int) -> int:
    """Write one ward's annual and monthly workbooks (in a worker); return the number of files."""
    rules, roster, folder = _WORKER["rules"], _WORKER["roster"], _WORKER["folder"]
    ward = _draw(rules, roster, index, _WORKER["seed"])
    write_ward_annual(rules, ward, folder)
    return 1 + len(write_ward_monthly(rules, ward, folder))


def _appraisal(spec: BlocSpec, rules: Rules, roster: Roster) -> None:
    """One appraisal file: every 40th ward gets criterion 4.3 lowered by a point and its T1 count set."""
    rows = []
    for index in range(0, len(roster.wards), 40):
        ward = _draw(rules, roster, index, spec.seed)
        score = ward.scores["4.3"] or Decimal(0)
        rows.append({"ward": ward.name, "code": "4.3", "value": max(Decimal(0), score - 1), "reason": "Thẩm định"})
        rows.append({"ward": ward.code, "code": "T1", "value": Decimal(0), "reason": "Chưa có quyết định"})
    write_appraisal(spec.folder / "appraisal" / f"tham-dinh-{YEAR}.xlsx", rows, year=YEAR)


def _stamp(spec: BlocSpec) -> dict[str, Any]:
    return {"version": VERSION, "wards": spec.wards, "code": spec.code, "seed": spec.seed}


def is_cached(spec: BlocSpec) -> bool:
    """True when ``spec.folder`` already holds this exact generated set."""
    stamp = spec.folder / STAMP
    return stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == _stamp(spec)


def make_bloc(spec: BlocSpec, processes: int = 2) -> Path:
    """Generate (or reuse) the bloc folder of ``spec``; returns it."""
    if is_cached(spec):
        return spec.folder
    if spec.folder.exists():
        shutil.rmtree(spec.folder)
    roster_data = roster_yaml(spec)
    _dump(spec.folder / "bloc.yaml", roster_data)
    codes = [m["code"] for m in roster_data["bloc"]["members"]]
    _dump(spec.folder / "criteria.yaml", criteria_yaml(codes, spec.seed))
    roster = load_roster(spec.folder / "bloc.yaml")
    rules = load_rules(spec.folder / "criteria.yaml", roster)
    _appraisal(spec, rules, roster)
    chunk = max(1, spec.wards // (processes * 8))
    if processes > 1 and spec.wards > 4:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(processes, initializer=_init_worker, initargs=(spec.folder, spec.seed)) as pool:
            written = sum(pool.imap_unordered(_write_ward, range(spec.wards), chunksize=chunk))
    else:
        _init_worker(spec.folder, spec.seed)
        written = sum(_write_ward(i) for i in range(spec.wards))
    (spec.folder / STAMP).write_text(json.dumps(_stamp(spec)), encoding="utf-8")
    print(f"generated {written + 1} workbooks for {spec.wards} wards in {spec.folder}", file=sys.stderr)
    return spec.folder


def bloc_inputs(wards: int, processes: int = 2) -> Path:
    """The cached single-bloc inputs root for ``wards`` wards (the folder that holds ``2025/``)."""
    root = OUT / f"bloc-{wards}" / "inputs"
    make_bloc(BlocSpec(wards, f"khoi-{wards}", root / str(YEAR)), processes)
    return root


def province_inputs(blocs: int, wards: int = 10, processes: int = 2) -> Path:
    """The cached province inputs root: ``blocs`` bloc folders of ``wards`` wards under ``2025/``."""
    root = OUT / f"province-{blocs}x{wards}" / "inputs"
    for i in range(1, blocs + 1):
        code = f"khoi-{i:02d}"
        make_bloc(BlocSpec(wards, code, root / str(YEAR) / code, seed=YEAR + i), processes)
    return root


def main(argv: list[str] | None = None) -> int:
    """Generate the blocs named on the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.make_bloc", description=__doc__.splitlines()[0])
    parser.add_argument("wards", nargs="*", type=int, default=[10, 99, 1000])
    parser.add_argument("--province", type=int, default=0, help="also a province of this many 10-ward blocs")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    for n in args.wards:
        print(bloc_inputs(n, args.processes))
    if args.province:
        print(province_inputs(args.province, processes=args.processes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
