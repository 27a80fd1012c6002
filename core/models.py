"""Import every core model so that Base.metadata knows all core tables."""
from core.accounts.models import AuthThrottle, LoginSession, OneTimeToken, SpentRefreshToken, User  # noqa: F401
from core.catalog.models import Category, Image, Product, Size, Variant, Vendor  # noqa: F401
from core.catalog.version import CatalogVersion  # noqa: F401
from core.orders.models import Order, OrderItem, OrderStatusChange  # noqa: F401
from core.returns.models import Return, ReturnItem, ReturnStatusChange  # noqa: F401
