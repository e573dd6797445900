#!/usr/bin/env python3
"""Writes data/history-control.csv, the history that `frontline backtest`
scores against, from data/control-events.csv (dated city events, copied from
../shared/data/history/) and data/iraq-key-cities.csv (city -> district).

Rules (standard library only; rerun after changing either input):
* captured_by_ISIS -> the district is held by `isis` from that date;
* retaken          -> held by `gov` from that date (the government side; a
                      backtest of P(isis holds) does not depend on which
                      anti-ISIS actor retook it);
* attacked_held    -> held by `gov` from that date (no change of hands, but
                      the district is in the history, so it is scored);
* a month-precision date (YYYY-MM) is taken as the 15th; a date range
  (YYYY-MM-DD/YYYY-MM-DD, a siege) is taken at its start;
* the same district and controller again within 14 days (Tal Afar 16/23 June,
  Rawa and Anah both in Ana district) is one change, the first date kept.

    python3 scenarios/iraq/tools/history_control.py
"""
import csv
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def day(s):
    """ISO date string for a history date, or None for ranges."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return s
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return s + "-15"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", s):
        return s.split("/")[0]
    return None


def days_between(a, b):
    import datetime
    d = lambda s: datetime.date.fromisoformat(s)
    return abs((d(a) - d(b)).days)


def main():
    with open(os.path.join(DATA, "iraq-key-cities.csv"), newline="") as f:
        district = {r["city"]: r["ADM2_PCODE"] for r in csv.DictReader(f)}
    rows = []
    with open(os.path.join(DATA, "control-events.csv"), newline="") as f:
        for r in csv.DictReader(f):
            who = {"captured_by_ISIS": "isis", "retaken": "gov", "attacked_held": "gov"}.get(r["event"])
            date = day(r["date"])
            if who is None or date is None:
                continue
            region = district[r["city"]]
            if any(x[1] == region and x[2] == who and days_between(x[0], date) <= 14 for x in rows):
                continue
            rows.append((date, region, who, r["city"], r["event"], r["source_url"]))
    rows.sort()
    out = os.path.join(DATA, "history-control.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "region", "controller", "city", "event", "source_url"])
        w.writerows(rows)
    print(f"wrote {len(rows)} changes to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
