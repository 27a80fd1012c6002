"""Money is integer minor units inside Agora and a decimal string at the API boundary.

Rounding rule (documented in the README): half-up to the currency's minor unit, applied
once per computed amount (tax per order, a percentage discount per order).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 exponents that differ from 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "HUF": 2, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3}


# Amounts are stored in 32-bit integer columns: a bigger amount is no price Agora can hold, so
# every conversion refuses it (a 400 naming the field, never an overflow in the database).
MAX_MINOR = 2**31 - 1


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Exact conversion; raises ValueError when ``amount`` has more decimals than allowed."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a finite number")
    try:
        scaled = value.scaleb(exponent(currency))
        whole = scaled.to_integral_value()
    except ArithmeticError:  # decimal.Overflow: "1e999999" is beyond the decimal context
        raise ValueError("out of range") from None
    if scaled != whole:
        raise ValueError(f"at most {exponent(currency)} decimal places for {currency}")
    if abs(whole) > MAX_MINOR:
        raise ValueError(f"at most {format_minor(MAX_MINOR, currency)}")
    return int(scaled)


def format_minor(amount: int, currency: str) -> str:
    """``1999, "USD"`` → ``"19.99"``; ``500, "JPY"`` → ``"500"``."""
    exp = exponent(currency)
    value = Decimal(int(amount)).scaleb(-exp)
    return f"{value:.{exp}f}"


def round_half_up(value: Decimal) -> int:
    """Round a fractional minor-unit amount half-up to an integer number of minor units."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount_minor: int, rate: Decimal) -> int:
    """``rate`` percent (``Decimal("8.25")``) of an amount, rounded half-up once."""
    return round_half_up(Decimal(amount_minor) * rate / Decimal(100))
