"""Small helpers the coupon tests share: the shopper's requests, as a storefront sends them."""
from core.testing import ADDRESS


def add(app, headers, size, quantity=1):
    return app.post_json("/api/cart/add/", {"size_id": size.id, "quantity": quantity}, headers=headers,
                         status=201).json


def apply(app, headers, code, status=200):
    return app.post_json("/api/cart/coupon/", {"code": code}, headers=headers, status=status).json


def pay(app, headers, status=200):
    return app.post_json("/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, headers=headers,
                         status=status).json


def checkout(app, headers, intent_id, status=201):
    return app.post_json("/api/orders/checkout/", {"payment_intent_id": intent_id, "shipping_address": ADDRESS},
                         headers=headers, status=status).json


def reason(body) -> str:
    return body["errors"][0]["description"]
