"""The OpenAPI document is exact enough for typed clients (docs/api.md › OpenAPI quality)."""
from __future__ import annotations

import json

import pytest

from core.db import engine_of

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def document(testapp) -> dict:
    return testapp.get("/api/openapi.json").json


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", op


def resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def answer_schemas(document) -> set[str]:
    """Names of the components reached from a success answer."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref.rsplit("/", 1)[1] not in found:
                found.add(ref.rsplit("/", 1)[1])
                walk(document["components"]["schemas"][ref.rsplit("/", 1)[1]])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for _, op in operations(document):
        for status, response in op["responses"].items():
            if int(status) < 400:
                walk(response.get("content", {}))
    return found


def test_every_operation_has_a_unique_id_a_unique_summary_and_a_description(document):
    ids, summaries = {}, {}
    for key, op in operations(document):
        assert op["description"].strip() and op["summary"].strip(), key
        ids.setdefault(op["operationId"], []).append(key)
        summaries.setdefault(op["summary"], []).append(key)
    assert {k: v for k, v in ids.items() if len(v) > 1} == {}
    assert {k: v for k, v in summaries.items() if len(v) > 1} == {}


def test_every_parameter_has_a_type_and_a_description(document):
    untyped = [f"{key} {p['name']}" for key, op in operations(document) for p in op.get("parameters", [])
               if not p.get("description") or "type" not in p["schema"]]
    assert untyped == []
    products = {p["name"]: p["schema"] for p in document["paths"]["/api/products/"]["get"]["parameters"]}
    assert products["in_stock"]["type"] == "boolean"
    for bound in ("min_price", "max_price"):
        assert products[bound]["type"] == "string" and products[bound]["pattern"] == r"^\d+(\.\d{1,2})?$"


def test_every_answer_schema_requires_its_fields_and_nothing_is_an_untyped_bag(document):
    schemas = document["components"]["schemas"]
    answers = answer_schemas(document)
    assert {"ProductSummaryOut", "OrderOut", "CartOut", "AddressOut", "PaymentOut", "VendorRef"} <= answers
    for name in answers:
        schema = schemas[name]
        optional = set(schema["properties"]) - set(schema.get("required", []))
        # the Stripe webhook's duplicate flag is absent at first; a vendor's order line carries the
        # payouts plugin's commission fields only once its order is paid; a guest order's
        # order_token is in the one checkout answer that created it
        assert optional <= {"duplicate", "commission", "vendor_net", "commission_rate", "order_token"}, \
            f"{name}: {optional}"
    text = json.dumps(document)
    assert "anyOf" not in text and '"additionalProperties": {}' not in text
    # one deliberate free-form object: an audit entry's changed fields depend on its action
    free_form = [f"{name}.{field}" for name, schema in schemas.items()
                 for field, spec in schema.get("properties", {}).items() if spec.get("additionalProperties") is True]
    assert free_form == ["AuditEntryOut.changes"]
    vendor = schemas["ProductSummaryOut"]["properties"]["vendor"]
    assert vendor == {"allOf": [{"$ref": "#/components/schemas/VendorRef"}], "nullable": True,
                      "description": "null: sold by the shop itself"}
    assert schemas["OrderItemOut"]["properties"]["tracking_number"]["nullable"] is True


def test_each_operation_lists_only_the_errors_it_can_answer(document):
    statuses = {key: set(op["responses"]) for key, op in operations(document)}
    assert statuses["GET /api/categories/"] == {"200", "503"}
    assert statuses["GET /api/cart/"] == {"200", "401", "404", "503"}  # 404: an unknown X-Cart-Token
    assert statuses["GET /api/manager/vendors/"] >= {"401", "403", "404"}  # a page past the end: 404
    throttled = {key for key, codes in statuses.items() if "429" in codes}
    assert throttled == {"POST /api/auth/login/", "POST /api/auth/resend-verification/",
                         "POST /api/auth/password-reset/", "POST /api/orders/create-payment-intent/"}
    for key, op in operations(document):
        codes = statuses[key]
        refuses_credentials = key in {"POST /api/auth/login/", "POST /api/auth/refresh/"}
        assert ("401" in codes) == ("security" in op or refuses_credentials), key
        assert ("415" in codes) <= ("requestBody" in op), key
        assert "503" in codes, key
    assert {"402", "404", "409", "502"} <= statuses["POST /api/orders/checkout/"]


def test_idempotency_key_password_rules_and_caps_are_documented(document):
    intent = document["paths"]["/api/orders/create-payment-intent/"]["post"]
    header = next(p for p in intent["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and header["schema"]["maxLength"] == 200
    register = resolve(document, document["paths"]["/api/auth/register/"]["post"]["requestBody"]["content"][
        "application/json"]["schema"])
    password = register["properties"]["password"]
    assert password["minLength"] == 10 and "not only digits" in password["description"]
    paginated = [op for _, op in operations(document) if "page_size" in {p["name"] for p in op.get("parameters", [])}]
    assert len(paginated) >= 6
    for op in paginated:
        size = next(p for p in op["parameters"] if p["name"] == "page_size")
        assert size["schema"]["maximum"] == 100 and size["schema"]["default"] == 24
    add = document["components"]["schemas"]["CartAddIn"]["properties"]["quantity"]
    update = document["components"]["schemas"]["CartUpdateIn"]["properties"]["quantity"]
    assert add["maximum"] == update["maximum"] == 99 and "99" in add["description"]


def test_the_quantity_cap_in_the_document_is_the_configured_one(loaded, base_ini):
    from core import load, make_app
    from core.openapi import build_spec

    settings, pm, plugins = load({**base_ini, "agora.cart.max_quantity": "7"}, environ={})
    app = make_app(settings, pm, plugins)
    document = build_spec(app.registry)
    engine_of(app.registry).dispose()
    assert document["components"]["schemas"]["CartAddIn"]["properties"]["quantity"]["maximum"] == 7
