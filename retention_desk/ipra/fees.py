"""Fees for copies (NMSA 1978, 14-2-9(C)): the agency's schedule, a request's estimate and
charges, advance payment and receipts.

The law's limits are data (`[fees]` in resources/ipra.toml): no more than $1.00 a printed page
of 11x17 inches or smaller; the actual cost of storage media and of mailing, e-mailing or
faxing; nothing for inspection or for deciding what is disclosable (so staff time is logged
for reports, never billed). Amounts are whole cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retention_desk.archive import settings as settings_mod
from retention_desk.archive import timeutil
from retention_desk.archive.settings import ArchiveSettings
from retention_desk.archive.store import Archive
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.requests import request_row, today_local
from retention_desk.ipra.rules import IpraRules, load_rules

FEE_KINDS: dict[str, str] = {
    "pages": "printed pages (11x17 or smaller)",
    "media": "storage media (actual cost)",
    "mailing": "mailing or transmission (actual cost)",
    "other": "a fee another law prescribes",
}
PAYMENT_METHODS = ("cash", "check", "card", "money-order", "online", "other")


@dataclass(frozen=True)
class FeeLine:
    id: int
    kind: str
    quantity: int
    unit_cents: int
    amount_cents: int
    description: str
    at: str
    by: str


@dataclass(frozen=True)
class Payment:
    id: int
    amount_cents: int
    received_on: date
    method: str
    receipt_number: str
    at: str
    by: str


@dataclass(frozen=True)
class FeeStatus:
    number: str
    lines: tuple[FeeLine, ...]
    payments: tuple[Payment, ...]
    per_page_cents: int
    advance_payment: bool

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def paid_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments)

    @property
    def balance_cents(self) -> int:
        return self.total_cents - self.paid_cents


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"


def settings_problems(settings: ArchiveSettings, rules: IpraRules | None = None) -> list[str]:
    """The fee settings against the law's cap (settings.validate checks only their form)."""
    chosen = rules or load_rules()
    cents = settings_mod.money_cents(settings.fee_per_page)
    if cents is not None and cents > chosen.fees.page_cap_cents:
        return [
            f"Fee per page {dollars(cents)} is over the {dollars(chosen.fees.page_cap_cents)}"
            f" a printed page that {chosen.fees.citation} allows for 11x17 or smaller."
        ]
    return []


def per_page_cents(settings: ArchiveSettings) -> int:
    return settings_mod.money_cents(settings.fee_per_page) or 0


def fee_status(archive: Archive, number: str) -> FeeStatus:
    with archive.read() as conn:
        row = request_row(conn, number)
        rid = int(row[0])
        lines = tuple(
            FeeLine(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4]), r[5], r[6], r[7])
            for r in conn.exec_driver_sql(
                "SELECT id, kind, quantity, unit_cents, amount_cents, description, at, by_name"
                " FROM ipra_fees WHERE request_id = ? ORDER BY id",
                (rid,),
            )
        )
        payments = tuple(
            Payment(int(r[0]), int(r[1]), date.fromisoformat(r[2]), r[3], r[4], r[5], r[6])
            for r in conn.exec_driver_sql(
                "SELECT id, amount_cents, received_on, method, receipt_number, at, by_name"
                " FROM ipra_payments WHERE request_id = ? ORDER BY id",
                (rid,),
            )
        )
        settings = settings_mod.load(conn)
        return FeeStatus(row[1], lines, payments, per_page_cents(settings), bool(row[15]))


def add_fee(
    archive: Archive,
    number: str,
    kind: str,
    *,
    quantity: int = 1,
    amount_cents: int | None = None,
    description: str = "",
    rules: IpraRules | None = None,
) -> FeeStatus:
    """Add a fee line. Pages are charged at the schedule's price per page (`quantity` pages);
    media and mailing are the actual cost given in `amount_cents`; `other` needs the law that
    prescribes it in `description`."""
    chosen = rules or load_rules()
    if kind not in FEE_KINDS:
        raise IpraError(f"Fee kind {kind!r} must be one of {', '.join(FEE_KINDS)}.")
    if quantity < 1 or quantity > 10_000_000:
        raise IpraError("A fee's quantity must be at least 1.")
    with archive.write() as conn:
        row = request_row(conn, number)
        settings = settings_mod.load(conn)
        if kind == "pages":
            unit = per_page_cents(settings)
            if unit > chosen.fees.page_cap_cents:
                raise IpraError(settings_problems(settings, chosen)[0])
            if unit == 0:
                raise IpraError(
                    "The fee schedule charges nothing per page (Settings: fee per page)."
                )
            amount = unit * quantity
        else:
            if amount_cents is None or amount_cents <= 0:
                raise IpraError(f"A {FEE_KINDS[kind]} fee needs its amount.")
            if kind == "other" and not description.strip():
                raise IpraError(
                    "A fee other than copies, media or mailing needs the law that sets it"
                    f" ({chosen.fees.citation}: 'unless a different fee is otherwise"
                    " prescribed by law')."
                )
            unit, amount = amount_cents, amount_cents * quantity
        conn.exec_driver_sql(
            "INSERT INTO ipra_fees (request_id, kind, quantity, unit_cents, amount_cents,"
            " description, at, by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(row[0]),
                kind,
                int(quantity),
                int(unit),
                int(amount),
                description.strip()[:500],
                timeutil.now_db(),
                archive.operator(conn),
            ),
        )
        archive.audit(
            conn,
            action="ipra.fee_add",
            object_type="ipra_request",
            object_ids=[int(row[0])],
            details={"request": int(row[0]), "kind": kind, "cents": int(amount)},
        )
    return fee_status(archive, number)


def remove_fee(archive: Archive, number: str, fee_id: int) -> FeeStatus:
    with archive.write() as conn:
        row = request_row(conn, number)
        result = conn.exec_driver_sql(
            "DELETE FROM ipra_fees WHERE id = ? AND request_id = ?", (int(fee_id), int(row[0]))
        )
        if not result.rowcount:
            raise IpraError(f"{row[1]} has no fee line {fee_id}.")
        archive.audit(
            conn,
            action="ipra.fee_remove",
            object_type="ipra_request",
            object_ids=[int(row[0])],
            details={"request": int(row[0]), "fee": int(fee_id)},
        )
    return fee_status(archive, number)


def record_payment(
    archive: Archive,
    number: str,
    amount_cents: int,
    *,
    method: str = "cash",
    received_on: date | None = None,
) -> Payment:
    """Record a payment (in advance or on delivery) and give it a receipt number."""
    if amount_cents <= 0:
        raise IpraError("A payment must be more than $0.00.")
    if method not in PAYMENT_METHODS:
        raise IpraError(f"Payment method {method!r} must be one of {', '.join(PAYMENT_METHODS)}.")
    with archive.write() as conn:
        row = request_row(conn, number)
        rid = int(row[0])
        day = received_on or today_local(conn)
        if day > today_local(conn):
            raise IpraError(f"The payment date {day.isoformat()} is in the future.")
        count = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM ipra_payments WHERE request_id = ?", (rid,)
            ).scalar_one()
        )
        receipt = f"{row[1]}-R{count + 1}"
        now, who = timeutil.now_db(), archive.operator(conn)
        result = conn.exec_driver_sql(
            "INSERT INTO ipra_payments (request_id, amount_cents, received_on, method,"
            " receipt_number, at, by_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rid, int(amount_cents), day.isoformat(), method, receipt, now, who),
        )
        pid = int(result.lastrowid or 0)
        archive.audit(
            conn,
            action="ipra.payment",
            object_type="ipra_request",
            object_ids=[rid],
            details={"request": rid, "payment": pid, "cents": int(amount_cents)},
        )
        return Payment(pid, int(amount_cents), day, method, receipt, now, who)
