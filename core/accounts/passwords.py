"""Password hashing (argon2id) and the password rules."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# A real hash of a random password: verifying against it when the account does not exist
# costs the same time as a real check, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("agora-timing-equalizer-password")

MIN_LENGTH = 10
# The rules below, for people (the OpenAPI description of every password being set).
RULES = (f"At least {MIN_LENGTH} characters (at most 256), not only digits, and neither the email address "
         "nor its part before the @ (case-insensitive).")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Human reasons a password is refused (empty list: it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"The password must be at least {MIN_LENGTH} characters long.")
    if password.isdigit():
        problems.append("The password must not be all digits.")
    if email:
        lowered = password.lower()
        if lowered == email.lower() or lowered == email.split("@")[0].lower():
            problems.append("The password must not be your email address.")
    return problems
