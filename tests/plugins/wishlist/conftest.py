"""The wishlist tests share the cart tests' fixtures."""
from tests.plugins.cart.conftest import app_with, headers  # noqa: F401
