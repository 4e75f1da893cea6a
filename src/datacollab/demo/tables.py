"""The demo's data tables: the eCargo-bike sensors (`ecargo.py`), their open daily totals, and
small synthetic tables for the other first-cohort collaborations.

Every number here is made up, with fixed seeds: the same tables on every run, so the demo's
versions keep their checksums. Places and sectors are real names; the figures are not
statistics about them. Pure: no ORM.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datacollab.demo import ecargo

SENSOR_FIRST_WEEKS = 14  # days in the sensors' first version; the second has all 28


@cache
def sensors() -> pa.Table:
    """All four weeks of trips (cached: the generator takes most of a second)."""
    return ecargo.generate(days=28, seed=2020)


def sensors_first_weeks() -> pa.Table:
    """The first version: the same trips, up to the end of the second week."""
    table = sensors()
    cutoff = pa.scalar(ecargo.START + timedelta(days=SENSOR_FIRST_WEEKS), pa.timestamp("s", "UTC"))
    return table.filter(pc.less(table["started_at"], cutoff))


def zone_daily_totals() -> pa.Table:
    """Per zone and day across the firms, through the privacy engine: only safe cells."""
    from datacollab.demo.privacy import zone_daily_totals as protected

    return protected(sensors())


def _days(rng: np.random.Generator, start: date, span: int, n: int) -> np.ndarray:
    offsets = np.sort(rng.integers(0, span, n))
    return np.datetime64(start) + offsets.astype("timedelta64[D]")


REUSE_SCHEMES = {
    # scheme (invented) -> city
    "Clyde Cup Return": "Glasgow",
    "Forth Refill Loop": "Edinburgh",
    "Granite City Takeaway Boxes": "Aberdeen",
    "Tay Tub Share": "Dundee",
    "Highland Crate Club": "Inverness",
}
REUSE_ITEMS = {
    # item -> (material, weight in grams)
    "cup": ("polypropylene", 48),
    "takeaway container": ("polypropylene", 120),
    "bottle": ("glass", 380),
    "grocery tub": ("stainless steel", 210),
    "delivery crate": ("polypropylene", 1650),
}
REUSE_EVENTS = ["issued", "returned", "washed", "retired"]


def reuse_events(n: int = 1800, seed: int = 2021) -> pa.Table:
    """Packaging reuse events (Reath): each item issued, returned, washed, now and then retired."""
    rng = np.random.default_rng(seed)
    schemes = list(REUSE_SCHEMES)
    items = list(REUSE_ITEMS)
    scheme = rng.choice(len(schemes), n, p=[0.34, 0.26, 0.14, 0.14, 0.12])
    item = rng.choice(len(items), n, p=[0.4, 0.25, 0.15, 0.12, 0.08])
    event = rng.choice(len(REUSE_EVENTS), n, p=[0.34, 0.31, 0.31, 0.04])
    uses = rng.poisson(9, n) + 1
    weights = np.array([REUSE_ITEMS[i][1] for i in items])[item]
    return pa.table(
        {
            "event_id": [f"RE-{i + 1:06d}" for i in range(n)],
            "occurred_on": pa.array(_days(rng, date(2021, 1, 4), 90, n), pa.date32()),
            "scheme": [schemes[i] for i in scheme],
            "city": [REUSE_SCHEMES[schemes[i]] for i in scheme],
            "item": [items[i] for i in item],
            "material": [REUSE_ITEMS[items[i]][0] for i in item],
            "event": [REUSE_EVENTS[i] for i in event],
            "uses_so_far": pa.array(uses, pa.int64()),
            "weight_g": pa.array(weights + rng.integers(-3, 4, n), pa.int64()),
        }
    )


NCD_DISTRICTS = [
    "Kolkata",
    "Howrah",
    "Hooghly",
    "North 24 Parganas",
    "South 24 Parganas",
    "Nadia",
    "Bankura",
    "Purulia",
]
NCD_CONDITIONS = {"hypertension": 0.22, "type 2 diabetes": 0.11, "COPD": 0.05}


def ncd_screening(clinics: int = 24, seed: int = 2021) -> pa.Table:
    """Monthly screening counts per clinic and condition for 2021 (iKure): 864 rows."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[object]] = {
        name: []
        for name in [
            "month",
            "clinic_id",
            "district",
            "condition",
            "screened",
            "screened_women",
            "positive",
            "referred",
        ]
    }
    size = rng.integers(60, 200, clinics)  # people a clinic screens in a month
    for month in range(1, 13):
        for clinic in range(clinics):
            for condition, rate in NCD_CONDITIONS.items():
                screened = int(rng.poisson(size[clinic]))
                positive = int(rng.binomial(screened, rate))
                rows["month"].append(date(2021, month, 1))
                rows["clinic_id"].append(f"IK-{clinic + 1:03d}")
                rows["district"].append(NCD_DISTRICTS[clinic % len(NCD_DISTRICTS)])
                rows["condition"].append(condition)
                rows["screened"].append(screened)
                rows["screened_women"].append(int(rng.binomial(screened, 0.56)))
                rows["positive"].append(positive)
                rows["referred"].append(int(rng.binomial(positive, 0.72)))
    return pa.table(rows)


# Sector -> women's share of its workers (invented, in the usual pattern of such data).
LABOUR_SECTORS = {
    "Domestic work": 0.95,
    "Education": 0.74,
    "Health and social work": 0.7,
    "Retail and wholesale": 0.42,
    "Manufacturing": 0.29,
    "Construction": 0.05,
    "Transport and storage": 0.14,
    "Financial services": 0.48,
    "Public administration": 0.46,
    "Hotels and restaurants": 0.51,
}


def labour_gaps(seed: int = 2020) -> pa.Table:
    """Quarterly employment and pay by sex and sector, 2016–2020 (Open Data Charter): 200 rows."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[object]] = {
        name: []
        for name in [
            "quarter",
            "sector",
            "employed_women_thousands",
            "employed_men_thousands",
            "median_hourly_pay_women_ars",
            "median_hourly_pay_men_ars",
            "pay_gap_pct",
        ]
    }
    share = list(LABOUR_SECTORS.values())
    base_pay = rng.uniform(90, 260, len(LABOUR_SECTORS))
    gap = rng.uniform(0.04, 0.3, len(LABOUR_SECTORS))
    for year in range(2016, 2021):
        for quarter in range(1, 5):
            inflation = 1.35 ** (year - 2016 + (quarter - 1) / 4)
            for s, sector in enumerate(LABOUR_SECTORS):
                total = rng.normal(180, 25)
                men_pay = base_pay[s] * inflation * rng.normal(1, 0.02)
                women_pay = men_pay * (1 - gap[s] + rng.normal(0, 0.01))
                rows["quarter"].append(f"{year}-Q{quarter}")
                rows["sector"].append(sector)
                rows["employed_women_thousands"].append(round(total * share[s], 1))
                rows["employed_men_thousands"].append(round(total * (1 - share[s]), 1))
                rows["median_hourly_pay_women_ars"].append(round(women_pay, 2))
                rows["median_hourly_pay_men_ars"].append(round(men_pay, 2))
                rows["pay_gap_pct"].append(round(100 * (men_pay - women_pay) / men_pay, 1))
    return pa.table(rows)


SHANGHAI_DISTRICTS = [
    "Pudong",
    "Huangpu",
    "Xuhui",
    "Jing'an",
    "Changning",
    "Putuo",
    "Hongkou",
    "Yangpu",
    "Minhang",
    "Baoshan",
    "Jiading",
    "Songjiang",
]
SME_INDUSTRIES = ["manufacturing", "retail", "logistics", "software", "catering"]


def sme_credit(seed: int = 2020) -> pa.Table:
    """Monthly SME lending per district and industry, 2020 (Open Data China): 720 rows."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[object]] = {
        name: []
        for name in [
            "month",
            "district",
            "industry",
            "loans",
            "volume_cny_m",
            "mean_rate_pct",
            "overdue_pct",
        ]
    }
    scale = rng.uniform(20, 160, (len(SHANGHAI_DISTRICTS), len(SME_INDUSTRIES)))
    for month in range(1, 13):
        # The first months of 2020 lent less and saw more overdue loans.
        shock = 0.65 if month in (2, 3) else 1.0
        for d, district in enumerate(SHANGHAI_DISTRICTS):
            for i, industry in enumerate(SME_INDUSTRIES):
                loans = int(rng.poisson(scale[d, i] * shock))
                rows["month"].append(date(2020, month, 1))
                rows["district"].append(district)
                rows["industry"].append(industry)
                rows["loans"].append(loans)
                rows["volume_cny_m"].append(round(loans * rng.gamma(2.0, 0.9), 2))
                rows["mean_rate_pct"].append(round(rng.normal(4.6, 0.35), 2))
                rows["overdue_pct"].append(round(abs(rng.normal(1.4 / shock, 0.5)), 2))
    return pa.table(rows)
