"""Small pieces shared by the calculators: result parts, money rounding, caveats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from knowledge.errors import InvalidFactsError
from knowledge.models import ProvinceFile, Verification

__all__ = [
    "FEN",
    "Component",
    "dedupe",
    "money",
    "own_provisions",
    "to_decimal",
    "unconfirmed_caveat",
]

FEN = Decimal("0.01")


@dataclass(frozen=True)
class Component:
    """One part of an entitlement: so many days, why, and on which provisions."""

    days: int
    reason: str
    basis: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"days": self.days, "reason": self.reason, "basis": list(self.basis)}


def money(amount: Decimal) -> Decimal:
    """Round to the fen (分), half up, as payroll does."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def to_decimal(value: Decimal | int | float | str, *, what: str) -> Decimal:
    """A positive amount of money as ``Decimal``; floats go through ``str`` to stay exact."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise InvalidFactsError(f"{what}不是有效的金额：{value}") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidFactsError(f"{what}必须是大于0的金额（元）。")
    return amount


def dedupe(ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Provision ids in first-seen order without repeats."""
    return tuple(dict.fromkeys(ids))


def own_provisions(province: ProvinceFile, ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The ids in ``ids`` that belong to the province's own texts (its ``laws:``).

    A provincial figure must be shown with the province's own provision as its legal basis,
    never with a national article (the national 98 days are cited by their own component).
    """
    own_laws = {law_file.law.id for law_file in province.laws}
    return dedupe([pid for pid in ids if pid.split(":", 1)[0] in own_laws])


def unconfirmed_caveat(what: str, verification: Verification, note: str | None) -> str | None:
    """The plain-Chinese warning a worker must see when a figure is not verified."""
    if verification != Verification.unconfirmed:
        return None
    reason = f"（{note}）" if note else ""
    return f"注意：{what}尚未核实{reason}，请以当地人社部门（12333）或卫生健康部门的答复为准。"
