"""Figures shared by both languages: amounts split into whole units and cents, and digits
grouped by thousands. Kept apart from num2words, whose currency mode reads an int as
kopecks and knows no Kazakh roubles."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: Sums written in words stay below a quadrillion (num2words' words run out far above).
MAX_AMOUNT = Decimal(10) ** 15


def split_amount(amount: Decimal | int | str) -> tuple[int, int]:
    """1500000.5 → (1500000, 50). An int is whole units, never cents."""
    try:
        value = Decimal(str(amount))
        if not value.is_finite() or abs(value) >= MAX_AMOUNT:
            raise InvalidOperation
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if value < 0:
        raise ValueError(f"a negative amount: {amount!r}")
    whole = int(value)
    return whole, int((value - whole) * 100)


def group_digits(number: int) -> str:
    """1500000 → «1 500 000» (plain spaces: CLDR's narrow no-break spaces are not used)."""
    return f"{number:,}".replace(",", " ")
