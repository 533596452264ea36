#!/usr/bin/env python3
"""Independent oracle for tongbao's circulars (月通报 / 季 / 年).

Written only from /work/shared/FORMAT.md ("Monthly circular") and
/work/shared/DOMAIN.md, without looking at the Swift sources.

    python3 Tests/Oracle/circulars.py --content DIR --site BUILT_SITE --as-of YYYY-MM-DD

Computes every circular the site must publish (months YYYY-MM, quarters
YYYY-Qn, years YYYY) from the ledgers and compares, figure by figure, with
BUILT_SITE/circulars/<key>/index.json. One line per mismatch, then
"N passed, M failed"; exit status 1 when anything failed.
"""

import argparse
import calendar
import datetime as dt
import json
import math
import os
import re
import sys
from decimal import Decimal
from fractions import Fraction

import yaml

LEVELS = ["一般", "较大", "重大", "特别重大"]
KINDS = ["regions", "departments", "sectors", "enterprises",
         "hazards", "inspections", "penalties", "accidents"]
DEFAULT_BAR = Decimal("0.90")
RATE_TOLERANCE = 1e-12


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader where dates stay strings and floats become Decimal."""


# Drop the implicit timestamp resolver: 2021-06-20 stays the string it is.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _decimal_float(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    low = text.lower()
    if low in (".inf", "+.inf", "-.inf", ".nan"):
        raise ValueError("non-finite number %r in ledger" % text)
    return Decimal(text)


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal_float)


def load_yaml(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


def load_kind(data_dir, kind):
    """data/<kind>.yml and/or data/<kind>/*.yml (merged in file-name order)."""
    items = []
    for ext in (".yml", ".yaml"):
        p = os.path.join(data_dir, kind + ext)
        if os.path.isfile(p):
            doc = load_yaml(p)
            if doc:
                items.extend(doc)
    folder = os.path.join(data_dir, kind)
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if name.endswith((".yml", ".yaml")) and not name.startswith("."):
                doc = load_yaml(os.path.join(folder, name))
                if doc:
                    items.extend(doc)
    return items


def to_date(v):
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v).strip())


def to_dec(v):
    if v is None:
        return Decimal(0)
    if isinstance(v, bool):
        raise ValueError("boolean where a number was expected")
    if isinstance(v, Decimal):
        return v
    return Decimal(str(v))


def to_int(v):
    if v is None:
        return 0
    return int(v)


class Ledgers:
    def __init__(self, content):
        data = os.path.join(content, "data")
        raw = {k: load_kind(data, k) for k in KINDS}
        site_path = os.path.join(content, "site.yml")
        self.site = (load_yaml(site_path) if os.path.isfile(site_path) else None) or {}
        bar = self.site.get("rectification_bar")
        self.bar = Fraction(DEFAULT_BAR if bar is None else to_dec(bar))

        self.regions = [{"id": str(r["id"]), "name": str(r.get("name", ""))}
                        for r in raw["regions"]]
        self.ent_region = {str(e["id"]): (str(e["region"]) if e.get("region") is not None else None)
                           for e in raw["enterprises"]}

        self.hazards = []
        for h in raw["hazards"]:
            self.hazards.append({
                "id": h.get("id"),
                "region": self.ent_region.get(str(h.get("enterprise"))),
                "found": to_date(h.get("found")),
                "deadline": to_date(h.get("deadline")),
                "rectified": to_date(h.get("rectified")),
                "level": h.get("level"),
                "supervised": h.get("supervised") is True,
            })
        self.inspections = [{"date": to_date(i.get("date"))} for i in raw["inspections"]]
        self.penalties = []
        for p in raw["penalties"]:
            acts = p.get("actions") or []
            if isinstance(acts, str):
                acts = [acts]
            self.penalties.append({
                "date": to_date(p.get("date")),
                "fine": to_dec(p.get("fine")),
                "actions": [str(a) for a in acts],
            })
        self.accidents = []
        for a in raw["accidents"]:
            acc = {
                "date": to_date(a.get("date")),
                "region": str(a.get("region")) if a.get("region") is not None else None,
                "deaths": to_int(a.get("deaths")),
                "serious_injuries": to_int(a.get("serious_injuries")),
                "direct_loss": to_dec(a.get("direct_loss")),
            }
            acc["level"] = accident_level(acc)
            self.accidents.append(acc)


# --------------------------------------------------------------------------
# Domain rules
# --------------------------------------------------------------------------

def accident_level(a):
    """Decree 493 art. 3; a threshold value belongs to the higher level;
    the highest level reached by any of the three measures wins."""
    def by(value, thresholds):
        lvl = 0
        for i, t in enumerate(thresholds, start=1):
            if value >= t:
                lvl = i
        return lvl
    lvl = max(by(a["deaths"], (3, 10, 30)),
              by(a["serious_injuries"], (10, 50, 100)),
              by(a["direct_loss"], (Decimal(1000), Decimal(5000), Decimal(10000))))
    return LEVELS[lvl]


def hazard_status(h, d):
    """Status as of d; None when the hazard was not yet found."""
    if h["found"] is None or h["found"] > d:
        return None
    if h["rectified"] is not None and h["rectified"] <= d:
        return "已整改"
    if h["deadline"] is not None and h["deadline"] < d:
        return "逾期"
    return "整改中"


def same_day_last_year(d):
    if d.month == 2 and d.day == 29:
        return dt.date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)


def between(x, lo, hi):
    return x is not None and lo <= x <= hi


# --------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------

def month_end(y, m):
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def expected_periods(led, as_of):
    """[(key, key_name, start, natural_end)] for every circular that must exist."""
    dates = [h["found"] for h in led.hazards]
    dates += [i["date"] for i in led.inspections]
    dates += [p["date"] for p in led.penalties]
    dates += [a["date"] for a in led.accidents]
    dates = [x for x in dates if x is not None and x <= as_of]
    if not dates:
        return []
    first = min(dates)
    out = []
    y, m = first.year, first.month
    while (y, m) <= (as_of.year, as_of.month):
        out.append(("%04d-%02d" % (y, m), "month", dt.date(y, m, 1), month_end(y, m)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    y, q = first.year, (first.month - 1) // 3 + 1
    while (y, q) <= (as_of.year, (as_of.month - 1) // 3 + 1):
        out.append(("%04d-Q%d" % (y, q), "period", dt.date(y, 3 * q - 2, 1), month_end(y, 3 * q)))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    for y in range(first.year, as_of.year + 1):
        out.append(("%04d" % y, "period", dt.date(y, 1, 1), dt.date(y, 12, 31)))
    return out


# --------------------------------------------------------------------------
# Computing one circular
# --------------------------------------------------------------------------

def accident_counts(accs):
    lv = {k: 0 for k in LEVELS}
    for a in accs:
        lv[a["level"]] += 1
    return {"count": len(accs), "deaths": sum(a["deaths"] for a in accs),
            "较大": lv["较大"], "重特大": lv["重大"] + lv["特别重大"]}


def compute(led, key, key_name, start, natural_end, as_of):
    D = min(natural_end, as_of)
    jan1 = dt.date(D.year, 1, 1)
    ly_end = same_day_last_year(D)
    ly_start = dt.date(D.year - 1, 1, 1)

    # accidents
    in_period = [a for a in led.accidents if between(a["date"], start, D)]
    by_level = {k: 0 for k in LEVELS}
    for a in in_period:
        by_level[a["level"]] += 1
    ytd = accident_counts([a for a in led.accidents if between(a["date"], jan1, D)])
    lyr = accident_counts([a for a in led.accidents if between(a["date"], ly_start, ly_end)])

    def declined(k):
        return ytd[k] < lyr[k] or (ytd[k] == 0 and lyr[k] == 0)
    three = ytd["count"] < lyr["count"] and declined("较大") and declined("重特大")

    accidents = {
        "count": len(in_period),
        "deaths": sum(a["deaths"] for a in in_period),
        "serious_injuries": sum(a["serious_injuries"] for a in in_period),
        "direct_loss": sum((a["direct_loss"] for a in in_period), Decimal(0)),
        "by_level": by_level,
        "ytd": ytd,
        "ytd_last_year": lyr,
        "three_declines": three,
    }

    # hazards
    known = [h for h in led.hazards if h["found"] is not None and h["found"] <= D]
    open_major = [h for h in known
                  if h["level"] == "重大" and not (h["rectified"] is not None and h["rectified"] <= D)]
    hazards = {
        "found": sum(1 for h in led.hazards if between(h["found"], start, D)),
        "rectified": sum(1 for h in led.hazards if between(h["rectified"], start, D)),
        "overdue": sum(1 for h in known if hazard_status(h, D) == "逾期"),
        "major_open": len(open_major),
        "supervised_open": sum(1 for h in open_major if h["supervised"]),
    }

    # enforcement
    pens = [p for p in led.penalties if between(p["date"], start, D)]
    actions = {}
    for p in pens:
        for w in p["actions"]:
            actions[w] = actions.get(w, 0) + 1
    enforcement = {
        "inspections": sum(1 for i in led.inspections if between(i["date"], start, D)),
        "penalties": len(pens),
        "fines": sum((p["fine"] for p in pens), Decimal(0)),
        "actions": actions,
    }

    # regions
    rows = []
    for r in led.regions:
        rid = r["id"]
        mine = [h for h in led.hazards if h["region"] == rid]
        found_ytd = [h for h in mine if between(h["found"], jan1, D)]
        rect_ytd = [h for h in found_ytd if h["rectified"] is not None and h["rectified"] <= D]
        rate = Fraction(len(rect_ytd), len(found_ytd)) if found_ytd else None
        rows.append({
            "id": rid,
            "name": r["name"],
            "found_ytd": len(found_ytd),
            "rectified_ytd": len(rect_ytd),
            "rate": rate,
            "overdue": sum(1 for h in mine if hazard_status(h, D) == "逾期"),
            "accidents_ytd": sum(1 for a in led.accidents
                                 if a["region"] == rid and between(a["date"], jan1, D)),
            "criticised": rate is not None and rate < led.bar,
        })
    rated = sorted([x for x in rows if x["rate"] is not None],
                   key=lambda x: (-x["rate"], x["overdue"], x["id"]))
    # Unrated regions: FORMAT only says "come last"; we keep the same
    # tie-breakers (fewer overdue, then id).
    unrated = sorted([x for x in rows if x["rate"] is None],
                     key=lambda x: (x["overdue"], x["id"]))
    for i, x in enumerate(rated, start=1):
        x["rank"] = i
    for x in unrated:
        x["rank"] = None

    return {
        key_name: key,
        "reference_day": D.isoformat(),
        "accidents": accidents,
        "hazards": hazards,
        "enforcement": enforcement,
        "regions": rated + unrated,
    }


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------

MISSING = object()


def show(v):
    if v is MISSING:
        return "<missing>"
    if isinstance(v, Fraction):
        return repr(float(v))
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (dict, list, bool)) or v is None:
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return repr(v)


def is_number(v):
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


class Comparer:
    def __init__(self, key):
        self.key = key
        self.lines = []

    def bad(self, path, exp, got):
        self.lines.append("%s %s: expected %s, got %s" % (self.key, path, show(exp), show(got)))

    def get(self, obj, k):
        if isinstance(obj, dict) and k in obj:
            return obj[k]
        return MISSING

    def int_(self, path, exp, got):
        if not is_number(got) or Decimal(str(got)) != exp:
            self.bad(path, exp, got)

    def dec(self, path, exp, got):
        if not is_number(got) or Decimal(str(got)) != exp:
            self.bad(path, exp, got)

    def str_(self, path, exp, got):
        if got != exp:
            self.bad(path, exp, got)

    def bool_(self, path, exp, got):
        if not isinstance(got, bool) or got != exp:
            self.bad(path, exp, got)

    def rate(self, path, exp, got):
        if exp is None:
            if got is not None:
                self.bad(path, None, got)
        elif not is_number(got) or not math.isfinite(float(got)) \
                or abs(float(got) - float(exp)) > RATE_TOLERANCE:
            self.bad(path, exp, got)

    def rank(self, path, exp, got):
        if exp is None:
            if got is not None:
                self.bad(path, None, got)
        else:
            self.int_(path, exp, got)

    def compare(self, exp, got, key_name):
        self.str_(key_name, exp[key_name], self.get(got, key_name))
        self.str_("reference_day", exp["reference_day"], self.get(got, "reference_day"))

        ea, ga = exp["accidents"], self.get(got, "accidents")
        for k in ("count", "deaths", "serious_injuries"):
            self.int_("accidents." + k, ea[k], self.get(ga, k))
        self.dec("accidents.direct_loss", ea["direct_loss"], self.get(ga, "direct_loss"))
        gl = self.get(ga, "by_level")
        for lv in LEVELS:
            self.int_("accidents.by_level." + lv, ea["by_level"][lv], self.get(gl, lv))
        for part in ("ytd", "ytd_last_year"):
            gp = self.get(ga, part)
            for k in ("count", "deaths", "较大", "重特大"):
                self.int_("accidents.%s.%s" % (part, k), ea[part][k], self.get(gp, k))
        self.bool_("accidents.three_declines", ea["three_declines"], self.get(ga, "three_declines"))

        eh, gh = exp["hazards"], self.get(got, "hazards")
        for k in ("found", "rectified", "overdue", "major_open", "supervised_open"):
            self.int_("hazards." + k, eh[k], self.get(gh, k))

        ee, ge = exp["enforcement"], self.get(got, "enforcement")
        for k in ("inspections", "penalties"):
            self.int_("enforcement." + k, ee[k], self.get(ge, k))
        self.dec("enforcement.fines", ee["fines"], self.get(ge, "fines"))
        gact = self.get(ge, "actions")
        if not isinstance(gact, dict):
            self.bad("enforcement.actions", ee["actions"], gact)
        else:
            # Only the words that occur: a word the tool lists that no
            # penalty in the period carries is a mismatch, even with 0.
            for w in sorted(set(ee["actions"]) | set(gact)):
                if w in ee["actions"]:
                    self.int_("enforcement.actions." + w, ee["actions"][w], gact.get(w, MISSING))
                else:
                    self.bad("enforcement.actions." + w, MISSING, gact[w])

        er, gr = exp["regions"], self.get(got, "regions")
        if not isinstance(gr, list):
            self.bad("regions", [x["id"] for x in er], gr)
            return
        if len(gr) != len(er):
            self.bad("regions.length", len(er), len(gr))
        for i, (e, g) in enumerate(zip(er, gr)):
            p = "regions[%d]." % i
            self.str_(p + "id", e["id"], self.get(g, "id"))
            self.str_(p + "name", e["name"], self.get(g, "name"))
            for k in ("found_ytd", "rectified_ytd", "overdue", "accidents_ytd"):
                self.int_(p + k, e[k], self.get(g, k))
            self.rate(p + "rate", e["rate"], self.get(g, "rate"))
            self.rank(p + "rank", e["rank"], self.get(g, "rank"))
            self.bool_(p + "criticised", e["criticised"], self.get(g, "criticised"))


PERIOD_DIR = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|\d{4})$")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--content", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--as-of", dest="as_of")
    ap.add_argument("--dump", metavar="KEY", help="print the expected circular KEY as JSON and exit")
    args = ap.parse_args(argv)

    led = Ledgers(args.content)
    as_of_raw = args.as_of if args.as_of else led.site.get("as_of")
    if as_of_raw is None:
        as_of = dt.date.today()
    else:
        as_of = to_date(as_of_raw)

    periods = expected_periods(led, as_of)
    if args.dump:
        for key, kn, start, end in periods:
            if key == args.dump:
                print(json.dumps(compute(led, key, kn, start, end, as_of), ensure_ascii=False,
                                 indent=2, default=lambda v: float(v) if isinstance(v, (Fraction, Decimal)) else str(v)))
                return 0
        print("no such circular: %s" % args.dump, file=sys.stderr)
        return 2

    passed = failed = 0
    expected_keys = set()
    for key, kn, start, end in periods:
        expected_keys.add(key)
        path = os.path.join(args.site, "circulars", key, "index.json")
        exp = compute(led, key, kn, start, end, as_of)
        if not os.path.isfile(path):
            print("%s: circular missing (%s)" % (key, path))
            failed += 1
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                got = json.load(fh, parse_float=Decimal)
        except (OSError, ValueError) as err:
            print("%s: unreadable JSON: %s" % (key, err))
            failed += 1
            continue
        c = Comparer(key)
        c.compare(exp, got, kn)
        if c.lines:
            for line in c.lines:
                print(line)
            failed += 1
        else:
            passed += 1

    cdir = os.path.join(args.site, "circulars")
    if os.path.isdir(cdir):
        for name in sorted(os.listdir(cdir)):
            if PERIOD_DIR.match(name) and name not in expected_keys \
                    and os.path.exists(os.path.join(cdir, name, "index.json")):
                print("%s: circular published but none should exist" % name)
                failed += 1

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
