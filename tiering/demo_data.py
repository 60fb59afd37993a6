"""Deterministic demo landing feeds: B2B customers of five archetypes with orders, invoices, payments and
support tickets, written as CSV or Parquet in the layout of `tiering.feeds`, plus the ground truth; and the
account model around them: parent groups, prospects without orders, opportunities, NPS answers and referrals
(drawn from a random stream of their own, so a seed's customers and orders are the same with or without them)."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from tiering.feeds import FEEDS, ORDER_STATUSES, TICKET_CATEGORIES, TICKET_PRIORITIES

SIZES = {"S": 2_000, "M": 100_000, "L": 1_000_000, "XL": 10_000_000}  # customers
FORMATS = ("csv", "parquet")
DEFAULT_END_DATE = date(2026, 10, 31)
CHUNK_CUSTOMERS = 250_000  # customers generated and written together; keeps memory flat for any size
HISTORY_DAYS = 3 * 365
FX_RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}  # USD is the base currency
CURRENCY_SHARES = (0.85, 0.10, 0.05)

ARCHETYPES = ("ideal", "acceptable", "poor", "rising", "slipping")
ARCHETYPE_SHARES = (0.15, 0.35, 0.25, 0.10, 0.15)
EXPECTED_TIER = {
    "ideal": "Ideal",
    "acceptable": "Acceptable",
    "poor": "Poor",
    "rising": "Acceptable",
    "slipping": "Acceptable",
}
RISING, SLIPPING = ARCHETYPES.index("rising"), ARCHETYPES.index("slipping")
COMPLETED, CANCELLED, RETURNED = (ORDER_STATUSES.index(s) for s in ("completed", "cancelled", "returned"))

# Per-archetype means (in ARCHETYPES order) and how widely customers scatter around them:
# a lognormal sigma for rates and amounts, a beta concentration for shares (higher = tighter).
SCALES = {
    "orders_per_year": ((13.0, 9.5, 4.0, 17.0, 12.0), 0.2),  # rising: the rate reached at end_date
    "line_amount": ((1500.0, 450.0, 250.0, 350.0, 900.0), 0.3),  # typical list amount of a line, USD
    "days_late": ((3.0, 15.0, 45.0, 5.0, 14.0), 0.25),  # mean days past due of a late payment
    "tickets_per_order": ((0.15, 0.45, 1.3, 0.6, 0.6), 0.25),
}
SHARES = {
    "discount": ((0.03, 0.15, 0.27, 0.14, 0.13), 80),  # mean discount depth of a line
    "cost_ratio": ((0.52, 0.56, 0.58, 0.56, 0.53), 400),  # cost / list
    "premium": ((0.25, 0.10, 0.03, 0.08, 0.1), 60),  # chance a product line is premium
    "service": ((0.14, 0.05, 0.01, 0.04, 0.05), 60),  # chance a line is advice or training
    "returns": ((0.01, 0.04, 0.2, 0.03, 0.04), 60),
    "late": ((0.06, 0.3, 0.8, 0.1, 0.15), 40),  # chance an invoice is paid after its due date
    "unpaid": ((0.0, 0.0, 0.12, 0.0, 0.0), 30),
    "complaints": ((0.05, 0.2, 0.5, 0.15, 0.4), 40),  # share of tickets that are complaints
    "escalations": ((0.02, 0.1, 0.3, 0.08, 0.22), 60),
}
LINES_PER_ORDER = (3.0, 2.5, 1.8, 2.2, 2.7)  # mean of 1..4
CATEGORIES_BOUGHT = (7.0, 3.0, 2.0, 2.5, 5.0)  # product categories a customer buys from
PROFILE_FIT = (0.85, 0.55, 0.15, 0.45, 0.7)  # chance the industry (and the region) fits the policy profile
EMPLOYEES_MEDIAN = (400.0, 100.0, 15.0, 60.0, 300.0)
TENURE_DAYS = ((730, 2920), (220, 2555), (120, 1800), (183, 456), (900, 2920))  # signup, days before end
CANCEL_RATE = 0.03
PAYMENT_TERMS = ((30, 14, 60), (0.8, 0.08, 0.12))  # days, share of customers
PARTS = ((1, 2, 3), (0.85, 0.10, 0.05))  # payments per paid invoice

PRODUCT_CATEGORIES = (
    "hardware",
    "software licenses",
    "cloud subscriptions",
    "networking",
    "security",
    "storage",
    "peripherals",
    "maintenance",
)
SERVICE_CATEGORIES = ("consulting", "training")
HOURLY_RATE_USD = 180.0
INDUSTRIES = (
    ("software", "manufacturing", "healthcare", "financial services"),  # the policy profile
    ("retail", "construction", "education", "hospitality"),
)
REGIONS = (
    ("North America", "Western Europe"),  # the policy profile
    ("Eastern Europe", "Asia Pacific", "Latin America", "Middle East & Africa"),
)
LEGAL_FORMS = {
    "North America": ("Inc.", "LLC", "Corp."),
    "Western Europe": ("GmbH", "Ltd", "B.V."),
    "Eastern Europe": ("s.r.o.", "Sp. z o.o.", "Kft."),
    "Asia Pacific": ("Pte Ltd", "Pty Ltd", "K.K."),
    "Latin America": ("S.A.", "Ltda.", "S.A. de C.V."),
    "Middle East & Africa": ("FZE", "LLC", "(Pty) Ltd"),
}
# Account owners by sales territory (the region), 20 in all; an account's owner is the next in turn in its
# region, and every 40th account has none. No random draw, so the other values of a seed stay the same.
OWNERS = {
    "North America": ("maria.garcia", "james.smith", "linda.chen", "robert.johnson", "aisha.williams"),
    "Western Europe": ("sophie.martin", "lukas.schmidt", "emma.jansen", "oliver.brown"),
    "Eastern Europe": ("anna.kowalska", "petr.novak", "zsofia.nagy"),
    "Asia Pacific": ("haruto.sato", "priya.sharma", "wei.zhang"),
    "Latin America": ("lucas.silva", "valentina.lopez", "diego.ramirez"),
    "Middle East & Africa": ("omar.haddad", "thandi.nkosi"),
}
OWNER_DOMAIN = "example.com"
UNOWNED_EVERY = 40
GROUP_EVERY = 50  # every 50th customer heads a group of the 1-3 customers after it (no random draw)
PROSPECT_SHARE = 0.1  # prospects (no order yet) per customer
PROSPECT_FIT = 0.5  # chance a prospect's industry (and region) fits the policy profile
# opportunities: (share of accounts with one, stage shares open / won / lost)
OPPORTUNITIES = {"prospect": (0.7, (0.75, 0.0, 0.25)), "customer": (0.15, (0.5, 0.35, 0.15))}
# NPS answers (0-10) by archetype: the range drawn from; the ideal and rising answer as promoters and refer others
NPS_RANGE = ((9, 10), (6, 9), (0, 6), (8, 10), (4, 8))
NPS_ANSWERS = (0.6, 0.3, 0.1)  # chance of 0, 1, 2 answers in the last year
REFERRERS = (0.5, 0.0, 0.0, 0.4, 0.0)  # chance an answering customer of the archetype refers others (1-3)
NAME_HEADS = (
    "Northwind", "Bluewater", "Apex", "Silverline", "Redwood", "Ironbridge", "Summit", "Brightpath",
    "Greenfield", "Harbor", "Keystone", "Lakeside", "Meridian", "Oakridge", "Pinnacle", "Quantum",
    "Riverstone", "Stonegate", "Trident", "Vantage", "Westbrook", "Crescent", "Evergreen", "Falcon",
)  # fmt: skip
NAME_TAILS = (  # neutral words: the industry is drawn separately
    "Analytics", "Systems", "Group", "Dynamics", "Holdings", "Industries", "Technologies", "Works",
    "Partners", "Solutions", "Labs", "Networks", "Enterprises", "Ventures", "Associates", "International",
)  # fmt: skip
TICKET_OTHER_CATEGORIES = (("question", "bug", "billing", "feature_request"), (0.4, 0.25, 0.15, 0.2))
TICKET_PRIORITY_SHARES = {False: (0.3, 0.5, 0.15, 0.05), True: (0.1, 0.4, 0.35, 0.15)}  # by is-complaint
ID_WIDTH = 10  # digits of order, invoice, payment and ticket ids
EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86_400


def generate(
    out_dir: Path,
    size: str = "S",
    seed: int = 42,
    end_date: date = DEFAULT_END_DATE,
    fmt: str | None = None,
) -> dict[str, int]:
    """Write the demo feeds under out_dir (replacing earlier demo files); return rows written per feed."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    fmt = fmt or ("csv" if size == "S" else "parquet")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    _prepare(out_dir)
    n_customers = SIZES[size]
    id_width = max(7, len(str(n_customers)))
    end = (end_date - EPOCH).days
    starts = range(0, n_customers, CHUNK_CUSTOMERS)
    counts = dict.fromkeys([*FEEDS, "ground_truth"], 0)
    with (out_dir / "ground_truth.csv").open("wb") as truth_file:
        for chunk, first in enumerate(starts):
            rng = np.random.default_rng([seed, chunk])
            accounts = np.random.default_rng([seed, chunk, 1])  # the account model's own stream
            n = min(CHUNK_CUSTOMERS, n_customers - first)
            suffix = f"_part{chunk:03d}" if len(starts) > 1 else ""
            for feed, frame in _chunk(rng, accounts, first, n, id_width, end, dict(counts)):
                if feed == "ground_truth":
                    frame.write_csv(truth_file, include_header=chunk == 0)
                else:
                    _write(frame, out_dir / feed, feed, suffix, fmt)
                counts[feed] += frame.height
    fx = pl.DataFrame({"currency": ["EUR", "GBP"], "rate_to_base": [FX_RATES["EUR"], FX_RATES["GBP"]]})
    _write(fx, out_dir / "fx_rates", "fx_rates", "", fmt)
    counts["fx_rates"] = fx.height
    return counts


def _prepare(out_dir: Path) -> None:
    """Create the feed folders and remove the demo files an earlier run left in them."""
    for feed in FEEDS:
        folder = out_dir / feed
        folder.mkdir(parents=True, exist_ok=True)
        for ext in FORMATS:
            for old in folder.glob(f"{feed}*.{ext}"):
                old.unlink()


def _write(frame: pl.DataFrame, folder: Path, feed: str, suffix: str, fmt: str) -> None:
    """Write a frame; one with a sorted `_year` column goes to one file per year (orders_2024_part001)."""
    if "_year" in frame.columns:
        years, firsts = np.unique(frame["_year"].to_numpy(), return_index=True)
        stops = [*firsts[1:], frame.height]
        files = {
            f"{feed}_{year}{suffix}": frame.drop("_year").slice(lo, hi - lo)
            for year, lo, hi in zip(years, firsts, stops, strict=True)
        }
    else:
        files = {feed + suffix: frame}
    for stem, part in files.items():
        path = folder / f"{stem}.{fmt}"
        if fmt == "csv":
            part.write_csv(
                path, float_precision=2, date_format="%Y-%m-%d", datetime_format="%Y-%m-%d %H:%M:%S"
            )
        else:
            part.write_parquet(path)


def _chunk(
    rng: np.random.Generator,
    accounts: np.random.Generator,
    first: int,
    n: int,
    id_width: int,
    end: int,
    offsets: dict[str, int],
) -> Iterator[tuple[str, pl.DataFrame]]:
    """(feed, frame) for customers first+1 .. first+n and their prospects, one feed at a time so memory stays
    flat; `accounts` draws the account model (prospects, opportunities, signals).

    Ids continue after the offsets: the rows written before this chunk."""
    arch = _archetypes(rng, n)
    p = _parameters(rng, arch, end)
    customer_ids = _ids("C", first + 1, n, id_width)
    yield "ground_truth", _truth_frame(arch, customer_ids)
    prospects = _prospects_frame(
        accounts, int(first * PROSPECT_SHARE), int(n * PROSPECT_SHARE), id_width, end
    )
    yield "customers", pl.concat([_customers_frame(rng, arch, p, customer_ids), prospects])
    yield (
        "opportunities",
        _opportunities_frame(accounts, customer_ids, prospects["customer_id"], end, offsets["opportunities"]),
    )
    yield "signals", _signals_frame(accounts, arch, customer_ids, end)
    orders = _order_table(rng, p, end)
    order_ids = _ids("O", offsets["orders"] + 1, orders["cust"].size)
    yield "orders", _orders_frame(orders, p, order_ids, customer_ids)
    lines = _line_table(rng, orders, p)
    yield "order_lines", _lines_frame(lines, orders, order_ids)
    order_net = np.add.reduceat(lines["net"], lines["first_of_order"])
    del lines
    invoices = _invoice_table(rng, orders, order_net, p, end)
    invoice_ids = _ids("I", offsets["invoices"] + 1, invoices["cust"].size)
    yield "invoices", _invoices_frame(invoices, invoice_ids, order_ids, customer_ids)
    payments = _payment_table(rng, invoices, p, end)
    yield "payments", _payments_frame(payments, offsets["payments"], invoice_ids)
    del payments, invoices, invoice_ids
    tickets = _ticket_table(rng, orders, p, end)
    yield "support_tickets", _tickets_frame(tickets, offsets["support_tickets"], customer_ids)


def _truth_frame(arch: np.ndarray, customer_ids: pl.Series) -> pl.DataFrame:
    names = pl.Series(ARCHETYPES).gather(arch)
    return pl.DataFrame(
        {
            "customer_id": customer_ids,
            "archetype": names,
            "expected_tier": names.replace_strict(EXPECTED_TIER),
        }
    )


def _archetypes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Archetype index per customer in the exact shares, shuffled."""
    counts = np.floor(np.asarray(ARCHETYPE_SHARES) * n).astype(np.int64)
    counts[1] += n - counts.sum()
    return rng.permutation(np.repeat(np.arange(len(ARCHETYPES)), counts))


def _parameters(rng: np.random.Generator, arch: np.ndarray, end: int) -> dict[str, np.ndarray]:
    """Each customer's own behaviour, drawn around its archetype's means."""
    n = arch.size
    p = {
        name: np.asarray(means)[arch] * rng.lognormal(0, sigma, n) for name, (means, sigma) in SCALES.items()
    }
    for name, (means, kappa) in SHARES.items():
        mean = np.asarray(means)[arch]
        drawn = rng.beta(np.maximum(mean, 1e-3) * kappa, (1 - mean) * kappa)
        p[name] = np.where(mean > 0, drawn, 0.0)
    p["lines"] = np.asarray(LINES_PER_ORDER)[arch]
    categories = np.rint(np.asarray(CATEGORIES_BOUGHT)[arch] + rng.normal(0, 1, n))
    p["categories"] = np.clip(categories, 1, len(PRODUCT_CATEGORIES)).astype(np.int64)
    p["ranking"] = np.argsort(rng.random((n, len(PRODUCT_CATEGORIES))), axis=1)  # favourite categories first
    bounds = np.asarray(TENURE_DAYS)[arch]
    p["signup"] = end - rng.integers(bounds[:, 0], bounds[:, 1] + 1)
    p["start"] = np.maximum(p["signup"] + rng.integers(1, 31, n), end - HISTORY_DAYS + 1)
    p["currency"] = rng.choice(len(FX_RATES), n, p=CURRENCY_SHARES)
    p["fx"] = np.asarray(list(FX_RATES.values()))[p["currency"]]
    p["terms"] = rng.choice(PAYMENT_TERMS[0], n, p=PAYMENT_TERMS[1])
    p.update(_trends(rng, arch, p["start"], end))
    return p


def _trends(rng: np.random.Generator, arch: np.ndarray, start: np.ndarray, end: int) -> dict[str, np.ndarray]:
    """How rising customers grow and slipping ones fall off; everyone else stays steady."""
    n = arch.size
    rising, slipping = arch == RISING, arch == SLIPPING
    return {
        "growth": np.where(rising, np.log(rng.uniform(4, 10, n)) / 365, 0.0),  # order rate x4-10 a year
        "basket_growth": np.where(rising, np.log(rng.uniform(1.5, 3, n)) / 365, 0.0),  # basket x1.5-3 a year
        "change": np.where(slipping, np.maximum(end - rng.integers(180, 271, n), start), start),
        "drop": np.where(slipping, rng.uniform(0.1, 0.25, n), 1.0),  # order rate after the change
        "slowdown": np.where(slipping, rng.uniform(0.45, 0.6, n), 0.0),  # extra late share after the change
    }


def _segment(
    rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, rate: np.ndarray, growth: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Event days in [lo, hi) per customer, for a rate per day that is `rate` at hi and grows by `growth`."""
    length = (hi - lo).astype(np.float64)
    g = np.maximum(growth, 1e-9)
    counts = rng.poisson(rate * -np.expm1(-g * length) / g)
    cust = np.repeat(np.arange(lo.size), counts)
    back = -np.log1p(rng.random(cust.size) * np.expm1(-g[cust] * length[cust])) / g[cust]
    return cust, np.minimum(np.floor(hi[cust] - back), hi[cust] - 1).astype(np.int64)


def _order_table(rng: np.random.Generator, p: dict[str, np.ndarray], end: int) -> dict[str, np.ndarray]:
    """Orders by (date, customer): before the change at the customer's rate, after it at the dropped rate."""
    rate = p["orders_per_year"] / 365
    stop = np.full(rate.size, end + 1)
    before = _segment(rng, p["start"], p["change"], rate, np.zeros(rate.size))
    after = _segment(rng, p["change"], stop, rate * p["drop"], p["growth"])
    cust, day = np.concatenate([before[0], after[0]]), np.concatenate([before[1], after[1]])
    order = np.lexsort((cust, day))
    cust, day = cust[order], day[order]
    draw = rng.random(cust.size)
    status = np.where(draw < CANCEL_RATE + p["returns"][cust], RETURNED, COMPLETED)
    status[draw < CANCEL_RATE] = CANCELLED
    basket = np.exp(-p["basket_growth"][cust] * (end - day))
    return {"cust": cust, "day": day, "status": status, "basket": basket}


def _line_table(
    rng: np.random.Generator, orders: dict[str, np.ndarray], p: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """1-4 lines per order with category, flags, quantity and amounts in cents of the order's currency."""
    per_order = 1 + rng.binomial(3, (p["lines"][orders["cust"]] - 1) / 3)
    first_of_order = np.cumsum(per_order) - per_order
    order = np.repeat(np.arange(per_order.size), per_order)
    cust = orders["cust"][order]
    m = order.size
    service = rng.random(m) < p["service"][cust]
    premium = ~service & (rng.random(m) < p["premium"][cust])
    category = _line_categories(rng, cust, service, p)
    amount = p["line_amount"][cust] * orders["basket"][order] * rng.lognormal(-0.125, 0.5, m) / p["fx"][cust]
    amount *= np.where(premium, 1.6, 1.0)
    quantity, list_cents = _quantity_and_list(rng, amount, service, np.rint(HOURLY_RATE_USD / p["fx"][cust]))
    asks = np.minimum(1.0, 0.3 + 5 * p["discount"][cust])  # share of lines discounted
    depth = np.minimum(p["discount"][cust] / asks * rng.gamma(5.0, 1 / 5, m), 0.6)
    depth[rng.random(m) >= asks] = 0.0
    discount = np.rint(list_cents * depth).astype(np.int64)
    cost_ratio = np.clip(p["cost_ratio"][cust] * rng.lognormal(0, 0.04, m), 0.4, 0.7)
    return {
        "order": order,
        "line_no": np.arange(m) - first_of_order[order] + 1,
        "first_of_order": first_of_order,
        "category": category,
        "premium": premium,
        "service": service,
        "quantity": quantity,
        "list": list_cents,
        "discount": discount,
        "net": list_cents - discount,
        "cost": np.rint(list_cents * cost_ratio).astype(np.int64),
    }


def _line_categories(
    rng: np.random.Generator, cust: np.ndarray, service: np.ndarray, p: dict[str, np.ndarray]
) -> np.ndarray:
    """Category index: a service category, or one of the customer's favourite products (the first most)."""
    bought = p["categories"][cust]
    slot = np.minimum((rng.random(cust.size) ** 1.5 * bought).astype(np.int64), bought - 1)
    services = len(PRODUCT_CATEGORIES) + rng.integers(0, len(SERVICE_CATEGORIES), cust.size)
    return np.where(service, services, p["ranking"][cust, slot])


def _quantity_and_list(
    rng: np.random.Generator, amount: np.ndarray, service: np.ndarray, hourly: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Services are billed in half hours at an hourly rate, products as pieces times a unit price."""
    hours = np.maximum(1, np.rint(amount / hourly * 2)) / 2
    pieces = 1 + rng.poisson(2.0, amount.size)
    unit_cents = np.maximum(np.rint(amount * 100 / pieces), 100)
    quantity = np.where(service, hours, pieces).astype(np.float64)
    list_cents = np.where(service, np.rint(hours * hourly * 100), pieces * unit_cents).astype(np.int64)
    return quantity, list_cents


def _invoice_table(
    rng: np.random.Generator,
    orders: dict[str, np.ndarray],
    order_net: np.ndarray,
    p: dict[str, np.ndarray],
    end: int,
) -> dict[str, np.ndarray]:
    """Invoices by issue date: one per completed or returned order, issued 0-2 days after it."""
    billed = np.flatnonzero(orders["status"] != CANCELLED)
    issued = np.minimum(orders["day"][billed] + rng.integers(0, 3, billed.size), end)
    by_date = np.lexsort((billed, issued))
    billed, issued = billed[by_date], issued[by_date]
    cust = orders["cust"][billed]
    return {
        "order": billed,
        "cust": cust,
        "issued": issued,
        "due": issued + p["terms"][cust],
        "amount": order_net[billed],
    }


def _payment_table(
    rng: np.random.Generator, invoices: dict[str, np.ndarray], p: dict[str, np.ndarray], end: int
) -> dict[str, np.ndarray]:
    """Payments by (date, invoice): some invoices never paid, some paid in 2-3 parts; none after end."""
    cust, issued, due = invoices["cust"], invoices["issued"], invoices["due"]
    n = cust.size
    slowing = np.clip((issued - p["change"][cust]) / 120, 0, 1) * p["slowdown"][cust]
    late = rng.random(n) < p["late"][cust] + slowing
    days_late = 1 + rng.gamma(2.0, np.maximum(p["days_late"][cust] * (1 + 6 * slowing) - 1, 0.1) / 2)
    early = issued + np.floor(rng.uniform(0.3, 1.0, n) * (due - issued)).astype(np.int64)
    final = np.where(late, due + np.rint(days_late).astype(np.int64), early)
    paid = np.flatnonzero(rng.random(n) >= p["unpaid"][cust])
    parts = rng.choice(PARTS[0], paid.size, p=PARTS[1])
    invoice = np.repeat(paid, parts)
    first = np.cumsum(parts) - parts
    k = np.arange(invoice.size) - np.repeat(first, parts)  # part number within its invoice
    weight = rng.uniform(0.5, 1.5, invoice.size)
    share = weight / np.repeat(np.add.reduceat(weight, first), parts)
    cents = np.floor(invoices["amount"][invoice] * share).astype(np.int64)
    later = np.repeat(parts, parts) - 1 - k  # parts still to come
    cents[later == 0] += invoices["amount"][paid] - np.add.reduceat(cents, first)  # the last part squares up
    earlier = later * rng.integers(5, 21, invoice.size)
    day = np.maximum(final[invoice] - earlier, issued[invoice])
    keep = np.flatnonzero(day <= end)
    keep = keep[np.lexsort((invoice[keep], day[keep]))]
    return {"invoice": invoice[keep], "day": day[keep], "amount": cents[keep]}


def _ticket_table(
    rng: np.random.Generator, orders: dict[str, np.ndarray], p: dict[str, np.ndarray], end: int
) -> dict[str, np.ndarray]:
    """Tickets by opening time, raised in the days after orders; unresolved ones have closed = -1."""
    per_order = rng.poisson(p["tickets_per_order"][orders["cust"]])
    order = np.repeat(np.arange(per_order.size), per_order)
    cust = orders["cust"][order]
    m = order.size
    day = orders["day"][order] + np.floor(rng.exponential(6.0, m)).astype(np.int64)
    opened = day * DAY_SECONDS + rng.integers(7 * 3600, 20 * 3600, m)
    category, priority, escalated = _ticket_kinds(rng, cust, p)
    hours = rng.lognormal(np.log(20), 1.2, m) * np.where(escalated, 3, 1)
    closed = opened + np.rint(hours * 3600).astype(np.int64)
    cutoff = (end + 1) * DAY_SECONDS
    closed = np.where((closed >= cutoff) | (rng.random(m) < 0.05), -1, closed)
    keep = np.flatnonzero(opened < cutoff)
    keep = keep[np.lexsort((cust[keep], opened[keep]))]
    return {
        "cust": cust[keep],
        "opened": opened[keep],
        "closed": closed[keep],
        "priority": priority[keep],
        "category": category[keep],
        "escalated": escalated[keep],
    }


def _ticket_kinds(
    rng: np.random.Generator, cust: np.ndarray, p: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Category, priority (complaints run higher, escalation adds a level) and escalation per ticket."""
    m = cust.size
    complaint = rng.random(m) < p["complaints"][cust]
    others = np.asarray([TICKET_CATEGORIES.index(c) for c in TICKET_OTHER_CATEGORIES[0]])
    category = np.where(
        complaint,
        TICKET_CATEGORIES.index("complaint"),
        others[rng.choice(others.size, m, p=TICKET_OTHER_CATEGORIES[1])],
    )
    escalated = rng.random(m) < p["escalations"][cust]
    cumulative = np.cumsum([TICKET_PRIORITY_SHARES[False], TICKET_PRIORITY_SHARES[True]], axis=1)
    priority = (rng.random(m)[:, None] > cumulative[complaint.astype(np.int64)]).sum(axis=1)
    return category, np.minimum(priority + escalated, len(TICKET_PRIORITIES) - 1), escalated


def _ids(prefix: str, first: int, n: int, width: int = ID_WIDTH) -> pl.Series:
    """Sortable ids: prefix + zero-padded numbers first .. first+n-1."""
    return prefix + pl.Series(np.arange(first, first + n, dtype=np.int64)).cast(pl.String).str.zfill(width)


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _years(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _money(cents: np.ndarray) -> pl.Series:
    return pl.Series(cents / 100, dtype=pl.Float64)


def _customers_frame(
    rng: np.random.Generator, arch: np.ndarray, p: dict[str, np.ndarray], customer_ids: pl.Series
) -> pl.DataFrame:
    """Firmographics: each archetype fits the policy profile in its own share."""
    n = arch.size
    fit = np.asarray(PROFILE_FIT)[arch]
    industry = _pick(rng, INDUSTRIES, rng.random(n) < fit)
    region = _pick(rng, REGIONS, rng.random(n) < fit)
    employees = np.clip(np.rint(np.asarray(EMPLOYEES_MEDIAN)[arch] * rng.lognormal(0, 1.2, n)), 1, 100_000)
    regions = [*REGIONS[0], *REGIONS[1]]
    forms = pl.Series([form for r in regions for form in LEGAL_FORMS[r]])
    name_parts = pl.DataFrame(
        {
            "head": pl.Series(NAME_HEADS).gather(rng.integers(0, len(NAME_HEADS), n)),
            "tail": pl.Series(NAME_TAILS).gather(rng.integers(0, len(NAME_TAILS), n)),
            "form": forms.gather(region * 3 + rng.integers(0, 3, n)),
        }
    )
    return pl.DataFrame(
        {
            "customer_id": customer_ids,
            "name": name_parts.select(pl.concat_str(pl.all(), separator=" ")).to_series(),
            "industry": pl.Series([*INDUSTRIES[0], *INDUSTRIES[1]]).gather(industry),
            "employees": pl.Series(employees.astype(np.int32)),
            "region": pl.Series(regions).gather(region),
            "account_owner": _owners(pl.Series(regions).gather(region), customer_ids),
            "signup_date": _dates(p["signup"]),
            "parent_id": _parents(customer_ids),
        }
    )


def _parents(customer_ids: pl.Series) -> pl.Series:
    """The head of each customer's group: customers 1, 51, 101, ... each head the 1-3 customers after them."""
    width = customer_ids.str.len_chars().first() - 1
    number = customer_ids.str.slice(1).cast(pl.Int64)
    head = number - (number - 1) % GROUP_EVERY
    member = (number > head) & (number <= head + 1 + (head // GROUP_EVERY) % 3)
    head_id = pl.lit(customer_ids.str.head(1).first()) + head.cast(pl.String).str.zfill(width)
    return pl.select(parent_id=pl.when(member).then(head_id)).to_series()


def _prospects_frame(rng: np.random.Generator, first: int, n: int, id_width: int, end: int) -> pl.DataFrame:
    """Accounts without an order yet, signed up in the last 180 days: half fit the policy profile."""
    ids = _ids("P", first + 1, n, id_width)
    fit = rng.random(n) < PROSPECT_FIT
    industry = _pick(rng, INDUSTRIES, fit)
    region = _pick(rng, REGIONS, fit & (rng.random(n) < 0.8))
    regions = pl.Series([*REGIONS[0], *REGIONS[1]]).gather(region)
    names = pl.Series(NAME_HEADS).gather(rng.integers(0, len(NAME_HEADS), n))
    return pl.DataFrame(
        {
            "customer_id": ids,
            "name": names + " " + pl.Series(NAME_TAILS).gather(rng.integers(0, len(NAME_TAILS), n)),
            "industry": pl.Series([*INDUSTRIES[0], *INDUSTRIES[1]]).gather(industry),
            "employees": pl.Series(
                np.clip(np.rint(120 * rng.lognormal(0, 1.3, n)), 1, 100_000).astype(np.int32)
            ),
            "region": regions,
            "account_owner": _owners(regions, ids),
            "signup_date": _dates(end - rng.integers(0, 181, n)),
            "parent_id": pl.Series([None] * n, dtype=pl.String),
        }
    )


def _opportunities_frame(
    rng: np.random.Generator, customer_ids: pl.Series, prospect_ids: pl.Series, end: int, offset: int
) -> pl.DataFrame:
    """Open, won and lost opportunities: most prospects have one, some customers too."""
    frames = []
    for kind, ids in (("prospect", prospect_ids), ("customer", customer_ids)):
        share, stages = OPPORTUNITIES[kind]
        owners = ids.filter(pl.Series(rng.random(ids.len()) < share))
        n = owners.len()
        created = end - rng.integers(1, 121 if kind == "prospect" else 366, n)
        close = np.where(
            kind == "prospect", end + rng.integers(-10, 151, n), created + rng.integers(14, 121, n)
        )
        stage = rng.choice(3, n, p=stages)
        margin = np.round(rng.beta(7, 13, n), 3)
        frames.append(
            pl.DataFrame(
                {
                    "customer_id": owners,
                    "created_date": _dates(created),
                    "expected_close_date": _dates(np.maximum(close, created)),
                    "amount": _money(np.rint(100 * 20_000 * rng.lognormal(0, 0.8, n))),
                    "expected_margin": pl.Series(np.where(rng.random(n) < 0.1, np.nan, margin)).fill_nan(
                        None
                    ),
                    "stage": pl.Series(("open", "won", "lost")).gather(stage),
                    "probability": pl.Series(
                        np.where(stage == 0, np.round(rng.uniform(0.1, 0.8, n), 2), 0.0)
                    ),
                }
            )
        )
    frame = pl.concat(frames)
    return frame.insert_column(0, _ids("OPP", offset + 1, frame.height).alias("opportunity_id"))


def _signals_frame(
    rng: np.random.Generator, arch: np.ndarray, customer_ids: pl.Series, end: int
) -> pl.DataFrame:
    """NPS answers in the last year, by archetype (the ideal promoters, the poor detractors), and the referrals
    of the promoters who refer others: one row a customer, signal and day."""
    n = arch.size
    answers = rng.choice(3, n, p=NPS_ANSWERS)
    who = np.repeat(np.arange(n), answers)
    low, high = (np.asarray([r[i] for r in NPS_RANGE])[arch[who]] for i in (0, 1))
    nps = pl.DataFrame(
        {
            "customer_id": customer_ids.gather(who),
            "signal": "nps",
            "signal_date": _dates(end - rng.integers(0, 365, who.size)),
            "value": pl.Series(rng.integers(low, high + 1).astype(np.float64)),
        }
    )
    refers = (answers > 0) & (rng.random(n) < np.asarray(REFERRERS)[arch])
    referrer = np.repeat(np.arange(n), np.where(refers, rng.integers(1, 4, n), 0))
    referrals = pl.DataFrame(
        {
            "customer_id": customer_ids.gather(referrer),
            "signal": "referral",
            "signal_date": _dates(end - rng.integers(0, 365, referrer.size)),
            "value": 1.0,
        }
    )
    return pl.concat([nps, referrals]).unique(
        ["customer_id", "signal", "signal_date"], keep="first", maintain_order=True
    )


def _owners(regions: pl.Series, customer_ids: pl.Series) -> pl.Series:
    """Each account's owner e-mail: its region's owners in turn by customer number; every UNOWNED_EVERY-th none."""
    territory = pl.DataFrame(
        [
            {"region": region, "slot": slot, "owner": f"{name}@{OWNER_DOMAIN}"}
            for region, names in OWNERS.items()
            for slot, name in enumerate(names)
        ]
    )
    number = customer_ids.str.extract(r"(\d+)$").cast(pl.Int64)
    sizes = {region: len(names) for region, names in OWNERS.items()}
    accounts = pl.DataFrame({"region": regions, "number": number}).with_columns(
        slot=pl.col("number") % pl.col("region").replace_strict(sizes, return_dtype=pl.Int64)
    )
    owned = pl.when(pl.col("number") % UNOWNED_EVERY != 0).then("owner")
    return accounts.join(territory, on=["region", "slot"], how="left", maintain_order="left").select(
        account_owner=owned
    )["account_owner"]


def _pick(
    rng: np.random.Generator, groups: tuple[tuple[str, ...], tuple[str, ...]], fit: np.ndarray
) -> np.ndarray:
    """Index into the flattened groups: a uniform pick from the first group where fit, else the second."""
    inside, outside = len(groups[0]), len(groups[1])
    return np.where(fit, rng.integers(0, inside, fit.size), inside + rng.integers(0, outside, fit.size))


def _orders_frame(
    orders: dict[str, np.ndarray], p: dict[str, np.ndarray], order_ids: pl.Series, customer_ids: pl.Series
) -> pl.DataFrame:
    cust = orders["cust"]
    return pl.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": customer_ids.gather(cust),
            "order_date": _dates(orders["day"]),
            "status": pl.Series(ORDER_STATUSES).gather(orders["status"]),
            "currency": pl.Series(list(FX_RATES)).gather(p["currency"][cust]),
            "_year": _years(orders["day"]),
        }
    )


def _lines_frame(
    lines: dict[str, np.ndarray], orders: dict[str, np.ndarray], order_ids: pl.Series
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "order_id": order_ids.gather(lines["order"]),
            "line_no": pl.Series(lines["line_no"].astype(np.int32)),
            "product_category": pl.Series([*PRODUCT_CATEGORIES, *SERVICE_CATEGORIES]).gather(
                lines["category"]
            ),
            "is_premium": lines["premium"],
            "is_service": lines["service"],
            "quantity": lines["quantity"],
            "list_amount": _money(lines["list"]),
            "discount_amount": _money(lines["discount"]),
            "net_amount": _money(lines["net"]),
            "cost_amount": _money(lines["cost"]),
            "_year": _years(orders["day"][lines["order"]]),
        }
    )


def _invoices_frame(
    invoices: dict[str, np.ndarray], invoice_ids: pl.Series, order_ids: pl.Series, customer_ids: pl.Series
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "invoice_id": invoice_ids,
            "customer_id": customer_ids.gather(invoices["cust"]),
            "order_id": order_ids.gather(invoices["order"]),
            "issued_date": _dates(invoices["issued"]),
            "due_date": _dates(invoices["due"]),
            "amount": _money(invoices["amount"]),
            "_year": _years(invoices["issued"]),
        }
    )


def _payments_frame(payments: dict[str, np.ndarray], written: int, invoice_ids: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "payment_id": _ids("P", written + 1, payments["day"].size),
            "invoice_id": invoice_ids.gather(payments["invoice"]),
            "paid_date": _dates(payments["day"]),
            "amount": _money(payments["amount"]),
            "_year": _years(payments["day"]),
        }
    )


def _tickets_frame(tickets: dict[str, np.ndarray], written: int, customer_ids: pl.Series) -> pl.DataFrame:
    closed = tickets["closed"]
    return pl.DataFrame(
        {
            "ticket_id": _ids("T", written + 1, closed.size),
            "customer_id": customer_ids.gather(tickets["cust"]),
            "opened_at": _timestamps(tickets["opened"]),
            "closed_at": _timestamps(closed).scatter(np.flatnonzero(closed < 0), None),
            "priority": pl.Series(TICKET_PRIORITIES).gather(tickets["priority"]),
            "category": pl.Series(TICKET_CATEGORIES).gather(tickets["category"]),
            "escalated": tickets["escalated"],
            "_year": _years(tickets["opened"] // DAY_SECONDS),
        }
    )


def _timestamps(seconds: np.ndarray) -> pl.Series:
    return pl.Series(seconds * 1_000_000).cast(pl.Datetime("us"))
