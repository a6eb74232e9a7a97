"""Figures shared by both languages: amounts split into whole units and cents, and digits
grouped by thousands. Kept apart from num2words, whose currency mode reads an int as
kopecks and knows no Kazakh roubles."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def split_amount(amount: Decimal | int | str) -> tuple[int, int]:
    """1500000.5 → (1500000, 50). An int is whole units, never cents."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if value < 0:
        raise ValueError(f"a negative amount: {amount!r}")
    whole = int(value)
    return whole, int((value - whole) * 100)


def group_digits(number: int) -> str:
    """1500000 → «1 500 000» (plain spaces: CLDR's narrow no-break spaces are not used)."""
    return f"{number:,}".replace(",", " ")
