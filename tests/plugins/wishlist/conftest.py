"""The wishlist tests share the cart tests' catalog fixtures."""
from tests.plugins.cart.conftest import app_with, headers, product, vendor  # noqa: F401
