#!/usr/bin/env python3
"""Scores the Iraq scenario against the dated control changes of June 2014 –
June 2015 (data/control-events.csv, a copy of ../shared/data/history/).

For each city event it reports the fraction of runs in which the city's
district (data/iraq-key-cities.csv, ADM2_PCODE) changes hands in the same
direction within ±WINDOW weeks (default 8) of the historical date:

* captured_by_ISIS: a control change *to* isis;
* retaken:          a control change *from* isis to an anti-ISIS actor
                    (gov, militias, tribes, us, krg: the government side);
* attacked_held:    the district is *not* captured by ISIS in the window
                    (Samarra: ±WINDOW weeks of 2014-06-05; Haditha: the whole
                    range 2014-06-11 .. 2015-06-30).

Events before the start of the scenario (Fallujah, January 2014) are the
initial state and are reported as such. Duplicate rows (same city, event and
date, or a second date within the window of the first, e.g. Tal Afar 16/23 June)
are merged; month-precision dates are taken as the 15th.

Standard library only. Runs the release binary (build it first:
`cargo build --release -p frontline-cli`), a few seeds in parallel.

    python3 scenarios/iraq/score.py                       # 200 seeds, baseline
    python3 scenarios/iraq/score.py --variant scenarios/iraq/variants/arm-tribes.toml
    python3 scenarios/iraq/score.py --seeds 50 --jobs 2 --set parameters.distrust.value=0.6
    python3 scenarios/iraq/score.py --compare arm-tribes   # baseline and a variant side by side
"""
import argparse
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SCENARIO = os.path.join(HERE, "scenario.toml")
BIN = os.path.join(ROOT, "target", "release", "frontline")
GOV_SIDE = {"gov", "militias", "tribes", "us", "krg", "iran"}
START = dt.date(2014, 6, 1)


def parse_date(s):
    s = s.strip()
    if "/" in s:
        a, b = s.split("/")
        return parse_date(a), parse_date(b)
    parts = s.split("-")
    if len(parts) == 2:
        return dt.date(int(parts[0]), int(parts[1]), 15)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def load_events(window_days):
    cities = {r["city"]: r for r in csv.DictReader(open(os.path.join(HERE, "data", "iraq-key-cities.csv")))}
    rows = list(csv.DictReader(open(os.path.join(HERE, "data", "control-events.csv"))))
    events = []
    for r in rows:
        city, kind = r["city"], r["event"]
        d = parse_date(r["date"])
        district = cities[city]["ADM2_PCODE"]
        if isinstance(d, tuple):
            lo, hi = d
        else:
            lo, hi = d - dt.timedelta(days=window_days), d + dt.timedelta(days=window_days)
        # Merge duplicates: same city and kind with a date inside an existing window.
        dup = False
        for e in events:
            if e["city"] == city and e["kind"] == kind and e["lo"] <= (d if not isinstance(d, tuple) else d[0]) <= e["hi"]:
                e["dates"].append(r["date"])
                dup = True
                break
        if not dup:
            events.append({"city": city, "kind": kind, "date": d, "dates": [r["date"]], "lo": lo, "hi": hi, "district": district,
                           "district_name": cities[city]["ADM2_EN"]})
    return events


def run_one(seed, variants, sets, tmp):
    out = os.path.join(tmp, f"s{seed}")
    cmd = [BIN, "run", SCENARIO, "--seed", str(seed), "--out", out, "--format", "csv", "-q", "--set", "scenario.end=2015-08-31"]
    for v in variants:
        cmd += ["--variant", v]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"run failed (seed {seed}): {' '.join(cmd)}\n{p.stderr}")
    changes = []
    with open(os.path.join(out, "events.csv")) as f:
        for r in csv.DictReader(f):
            if r["kind"] == "control_change":
                changes.append((dt.date.fromisoformat(r["date"]), r["region"], r["actor"], r["other_actor"]))
    shutil.rmtree(out, ignore_errors=True)
    return changes


def hit(e, changes):
    def captured(lo, hi):
        return any(lo <= d <= hi and reg == e["district"] and to == "isis" and frm != "isis" for d, reg, to, frm in changes)

    if e["kind"] == "captured_by_ISIS":
        return captured(e["lo"], e["hi"])
    if e["kind"] == "retaken":
        return any(e["lo"] <= d <= e["hi"] and reg == e["district"] and frm == "isis" and to in GOV_SIDE for d, reg, to, frm in changes)
    if e["kind"] == "attacked_held":
        return not captured(max(e["lo"], START), e["hi"])
    raise ValueError(e["kind"])


def score(seeds, variants, sets, jobs, window_weeks):
    events = load_events(7 * window_weeks)
    tmp = tempfile.mkdtemp(prefix="iraq-score-")
    try:
        with ThreadPoolExecutor(jobs) as ex:
            runs = list(ex.map(lambda s: run_one(s, variants, sets, tmp), range(1, seeds + 1)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = []
    for e in events:
        first = e["date"][0] if isinstance(e["date"], tuple) else e["date"]
        if first < START:
            res.append((e, None))
            continue
        res.append((e, sum(hit(e, ch) for ch in runs) / len(runs)))
    return res


def fmt_date(e):
    return " / ".join(e["dates"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    ap.add_argument("--window", type=int, default=8, help="weeks either side of the historical date")
    ap.add_argument("--variant", action="append", default=[])
    ap.add_argument("--set", action="append", default=[], dest="sets")
    ap.add_argument("--compare", metavar="VARIANT", help="also score variants/VARIANT.toml and print both columns")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `cargo build --release -p frontline-cli` first")
    cols = [("baseline" if not a.variant else "+".join(os.path.basename(v)[:-5] for v in a.variant), a.variant)]
    if a.compare:
        cols.append((a.compare, a.variant + [os.path.join(HERE, "variants", a.compare + ".toml")]))
    results = [score(a.seeds, v, a.sets, a.jobs, a.window) for _, v in cols]
    print(f"Fraction of {a.seeds} runs in which the district changes hands as in history within ±{a.window} weeks"
          + (f" (--set {' '.join(a.sets)})" if a.sets else ""))
    print()
    print("| city | district | event | date | " + " | ".join(c for c, _ in cols) + " |")
    print("|---|---|---|---|" + "---|" * len(cols))
    for i, (e, _) in enumerate(results[0]):
        vals = []
        for r in results:
            f = r[i][1]
            vals.append("initial state" if f is None else f"{f:.2f}")
        print(f"| {e['city']} | {e['district_name']} ({e['district']}) | {e['kind']} | {fmt_date(e)} | " + " | ".join(vals) + " |")


if __name__ == "__main__":
    main()
