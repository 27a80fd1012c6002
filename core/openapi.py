"""``GET /api/openapi.json`` and ``/api/docs/``, generated from the registered services.

Only the Cornice services registered in *this* application's registry are described, so a
disabled plugin's services are absent.  The docs page uses Swagger UI's assets served by the
app itself (no CDN).  Typed clients are generated from the document (openapi-typescript,
openapi-python-client), so it says exactly what the API answers.  Where each part comes from:

* **tag**: the first path segment after ``/api/`` (``/api/products/{slug}/`` → ``products``); a
  plugin describes its tags with the ``agora_openapi_tags`` hook.
* **operationId**: ``<service name>_<method>`` (``products_get``), unique because service names are.
* **summary**: the first line of the view's docstring; **description**: the rest of it, or the
  service's ``description`` when the docstring is one line (or missing).
* **parameters and body**: the view's ``In(body=, querystring=, path=)`` schemas; each field gives
  its type, format, bounds, pattern, enum and ``metadata={"description": ...}``.  Headers a view
  reads are declared with :func:`takes_header`, a non-JSON body with :func:`takes_body`.
  ``metadata={"x-maximum-setting": "agora.myplugin.max_items"}`` documents a bound taken from the
  running configuration.
* **answers**: ``@responds(status, Schema)``.  Every schema reached from a success answer is an
  *answer schema*: its fields are always present, so they are ``required`` (a field that an
  answer may leave out says ``metadata={"optional": True}``); ``allow_none``
  fields are ``nullable``; a nullable nested object is ``allOf: [{$ref}]`` + ``nullable: true``
  (both openapi-typescript and openapi-python-client read it as "that object or null").
* **error statuses**, each listed only where it can happen:

  - 400 when the operation takes any input (path, query, body or a documented header);
  - 401 when it needs a permission, 403 when that permission is narrower than ``authenticated``;
  - 404 when it has path parameters (the object may not exist) or is paginated (a page past the end);
  - 413 when it takes a body (too large); 415 when that body is JSON validated by ``In(body=...)``;
  - 503 on every operation: the database may be unreachable for a moment (retry);
  - anything else (402, 409, 429, 502, or a 401/403/404 of the view's own) only where the view
    declares it with ``@responds(status, description=...)``, which also replaces the derived
    description.  A write that can meet a unique-key race declares its 409.
"""
from __future__ import annotations

import inspect
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_instance
from cornice import Service
from marshmallow import fields
from pyramid.response import Response
from swagger_ui_bundle import swagger_ui_path

from core.money import exponent
from core.registry import hooks_of, settings_of
from core.validation import Amount, In

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer has this shape.",
    "required": ["status", "errors"],
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["location", "name", "description"],
                "properties": {
                    "location": {"type": "string", "description": "body, querystring, path or header"},
                    "name": {"type": "string", "description": "the field in question, dotted "
                                                              "(variants.1.sizes.0.stock); may be empty"},
                    "description": {"type": "string", "description": "what is wrong, for a person"},
                },
            },
        },
    },
}

DERIVED_ERRORS = {
    400: "The input is invalid; each entry of errors names the field in question",
    401: "Not authenticated: no, an invalid or an expired access token",
    403: "Authenticated, but not allowed to do this",
    404: "Not found",
    413: "The body is too large",
    415: "The body is not application/json",
    503: "The database is unreachable for a moment; retry (see Retry-After)",
}
SUCCESS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}


def responds(status: int, schema=None, *, many: bool = False, paginated: bool = False, description: str = ""):
    """Declare one of a view's answers for the OpenAPI document.

    A success names its schema (or None for an empty body); an error status (4xx/5xx) without
    a schema is documented with the one error shape, e.g. ``@responds(409, description=...)``.
    The usual errors (400, 401, 403, 404, 413, 415, 503) are derived from what the operation
    takes (see the module docstring); declare the others."""

    def decorate(view):
        declared = dict(getattr(view, "__agora_responses__", {}))
        declared[status] = (schema, many, paginated, description)
        view.__agora_responses__ = declared
        return view

    return decorate


def takes_header(name: str, description: str, *, required: bool = False, **schema):
    """Document a request header the view reads itself (``Idempotency-Key``); ``schema`` holds
    its JSON-schema constraints (``maxLength=200``); the type defaults to string."""

    def decorate(view):
        view.__agora_headers__ = [*getattr(view, "__agora_headers__", []), {
            "in": "header", "name": name, "required": required, "description": description,
            "schema": {"type": "string", **schema}}]
        return view

    return decorate


CART_TOKEN = "X-Cart-Token"


def takes_cart_token(description: str = ""):
    """Document the ``X-Cart-Token`` header of an operation with ``permission="shopper"``: open to
    a signed-in caller *or* a guest cart (``Authorization: Bearer`` or ``X-Cart-Token``, the
    token of a guest cart; the plugin that keeps carts says where one is made).  Either security
    scheme will do; with neither the answer is 401, an unknown, expired or spent token is 404."""

    def decorate(view):
        return takes_header(CART_TOKEN, description or (
            "The token of a guest cart, sent instead of a Bearer token by a shopper without an "
            "account. Unknown, expired or spent (merged) → 404."),
            minLength=1, maxLength=200)(view)

    return decorate


def takes_body(content_type: str, schema: dict, description: str = ""):
    """Document a body the view parses itself (a ``multipart/form-data`` upload)."""

    def decorate(view):
        view.__agora_body__ = {"required": True, "description": description,
                               "content": {content_type: {"schema": schema}}}
        return view

    return decorate


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__


def openapi_path(path: str) -> str:
    """A route pattern as an OpenAPI path template: Pyramid's ``{id:\\d+}`` becomes ``{id}``
    (a placeholder carrying a regex is not a valid template, and clients cannot fill it)."""
    return re.sub(r"{(\w+):[^}]*}", r"{\1}", path)


def _tag(path: str) -> str:
    parts = [p for p in path.split("/") if p and not p.startswith("{")]
    return parts[1] if len(parts) > 1 else "api"


# ------------------------------------------------------------------ marshmallow → JSON schema
class AgoraConverter(OpenAPIConverter):
    """apispec's converter with Agora's rules: answer schemas list every field as required, a
    nullable nested object is ``allOf`` + ``nullable`` (apispec's ``anyOf`` with an empty object
    branch turns into an untyped bag in generated clients), amounts are decimal strings."""

    answer_schemas: frozenset = frozenset()
    amount_decimals: int = 2

    def init_attribute_functions(self):
        super().init_attribute_functions()
        # Before field2nullable (the last one), which must see the type.
        self.attribute_functions.insert(len(self.attribute_functions) - 1, self.amount2properties)

    def amount2properties(self, field, ret, **kw) -> dict:
        if not isinstance(field, Amount):
            return {}
        decimals = self.amount_decimals
        pattern = r"^\d+$" if decimals == 0 else rf"^\d+(\.\d{{1,{decimals}}})?$"
        example = "19" if decimals == 0 else "19." + "9" * decimals
        text = f"a decimal string in the shop currency, at most {decimals} decimals (\"{example}\")"
        described = ret.get("description")
        return {"type": "string", "pattern": pattern,
                "description": f"{described}: {text}" if described else text[0].upper() + text[1:]}

    def field2nullable(self, field, ret) -> dict:
        if field.allow_none and self.openapi_version.major == 3 and self.openapi_version.minor == 0:
            if "$ref" in ret:
                return {"allOf": [{"$ref": ret.pop("$ref")}], "nullable": True}
            if "allOf" in ret:
                return {"nullable": True}
        return super().field2nullable(field, ret)

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        instance = resolve_schema_instance(schema)
        if type(instance) in self.answer_schemas:
            jsonschema["required"] = sorted(
                field.data_key or name for name, field in instance.fields.items()
                if not field.load_only and not field.metadata.get("optional"))
        return jsonschema


class AgoraMarshmallowPlugin(MarshmallowPlugin):
    Converter = AgoraConverter


def _nested_schemas(schema, seen: set) -> None:
    """Add the class of ``schema`` and of every schema nested in it (through Nested, List, Dict)."""
    instance = resolve_schema_instance(schema)
    if type(instance) in seen:
        return
    seen.add(type(instance))
    for field in instance.fields.values():
        for inner in _inner_fields(field):
            if isinstance(inner, fields.Nested) and not isinstance(inner, fields.Pluck):
                _nested_schemas(inner.schema, seen)


def _inner_fields(field):
    yield field
    if isinstance(field, fields.List):
        yield from _inner_fields(field.inner)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        yield from _inner_fields(field.value_field)


def _answer_schemas(services) -> frozenset:
    found: set = set()
    for service in services:
        for _method, view, _args in service.definitions:
            for status, (out, *_rest) in getattr(view, "__agora_responses__", {}).items():
                if out is not None and status < 400:
                    _nested_schemas(out, found)
    return frozenset(found)


# ------------------------------------------------------------------ the document
def _documented(registry) -> list[tuple[str, Service]]:
    services: dict[str, Service] = getattr(registry, "cornice_services", {})
    return [(path, service) for path, service in sorted(services.items())
            if path.startswith("/api/") and not getattr(service, "undocumented", False)]


def build_spec(registry, title: str = "Agora", version: str = "0.1.0") -> dict:
    settings = settings_of(registry)
    currency = settings.get("agora.currency", "USD")
    plugin = AgoraMarshmallowPlugin()
    spec = APISpec(
        title=title, version=version, openapi_version="3.0.3", plugins=[plugin],
        info={"description": f"Agora commerce REST API. Amounts are decimal strings in the shop currency "
                             f"({currency}); every error has the shape of the Error schema."},
    )
    documented = _documented(registry)
    plugin.converter.answer_schemas = _answer_schemas(s for _, s in documented)
    plugin.converter.amount_decimals = exponent(currency)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.security_scheme("cartToken", {
        "type": "apiKey", "in": "header", "name": CART_TOKEN,
        "description": "The token of a guest cart (shoppers without an account)"})
    spec.components.schema("Error", ERROR_SCHEMA)
    tags = set()
    for path, service in documented:
        operations = {}
        for method, view, args in service.definitions:
            if method in ("HEAD", "OPTIONS"):
                continue
            operations[method.lower()] = _operation(spec, service, path, method, view, args)
            tags.add(_tag(path))
        if operations:
            spec.path(path=openapi_path(path), operations=operations)
    document = _apply_settings(spec.to_dict(), settings)
    hook = hooks_of(registry)
    extra = [t for group in hook.agora_openapi_tags() for t in (group or [])]
    known = {t["name"] for t in extra}
    document["tags"] = sorted(extra + [{"name": t} for t in tags if t not in known], key=lambda t: t["name"])
    return document


def _apply_settings(node, settings):
    """``x-maximum-setting: <key>`` → ``maximum: <the configured value>`` throughout the document."""
    if isinstance(node, dict):
        key = node.pop("x-maximum-setting", None)
        if key is not None:
            try:
                value = settings[key]
            except KeyError:
                raise ValueError(f"OpenAPI: x-maximum-setting names {key!r}, which is not a setting") from None
            node["maximum"] = int(str(value).strip())
        for value in node.values():
            _apply_settings(value, settings)
    elif isinstance(node, list):
        for value in node:
            _apply_settings(value, settings)
    return node


def _texts(service, view) -> tuple[str, str]:
    """(summary, description): the docstring's first line and the rest (see the module docstring)."""
    doc = inspect.cleandoc(view.__doc__ or "")
    first, _, rest = doc.partition("\n")
    summary = " ".join(first.split()).rstrip(".") or service.description or service.name
    description = rest.strip() or service.description or summary
    return summary, description


def _component(spec, schema) -> dict:
    name = _schema_name(schema)
    if name not in spec.components.schemas:
        spec.components.schema(name, schema=schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _page_component(spec, schema) -> dict:
    item = _component(spec, schema)
    name = f"{_schema_name(schema)}Page"
    if name not in spec.components.schemas:
        spec.components.schema(name, {
            "type": "object", "description": "One page of a list (?page=, ?page_size=).",
            "required": ["count", "next", "previous", "results"], "properties": {
                "count": {"type": "integer", "minimum": 0, "description": "how many items in all pages"},
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "URL of the next page; null on the last"},
                "previous": {"type": "string", "format": "uri", "nullable": True,
                             "description": "URL of the previous page; null on the first"},
                "results": {"type": "array", "items": item}}})
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(spec, service, path, method, view, args) -> dict:
    schema: In | None = args.get("schema")
    summary, description = _texts(service, view)
    op: dict = {
        "summary": summary,
        "description": description,
        "operationId": f"{service.name}_{method.lower()}",
        "tags": [_tag(path)],
        "responses": {},
    }
    placeholders = re.findall(r"{(\w+)(?::[^}]*)?}", path)
    parameters: list = []
    if schema and schema.path is not None:
        parameters.append({"in": "path", "schema": schema.path})
    else:
        for name in placeholders:
            parameters.append({"in": "path", "name": name, "required": True, "schema": {"type": "string"},
                               "description": name.replace("_", " ")})
    if schema and schema.querystring is not None:
        parameters.append({"in": "query", "schema": schema.querystring})
    headers = getattr(view, "__agora_headers__", [])
    parameters.extend(headers)
    if parameters:
        op["parameters"] = parameters
    body = getattr(view, "__agora_body__", None)
    if schema and schema.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _component(spec, schema.body)}}}
    elif body is not None:
        op["requestBody"] = body

    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    declared = getattr(view, "__agora_responses__", None) or {200: (None, False, False, "")}
    answers: dict[int, dict] = {}
    for status, (out, many, paginated, text) in declared.items():
        if out is None and status >= 400:
            answers[status] = dict(error, description=text or DERIVED_ERRORS.get(status, "Error"))
            continue
        response: dict = {"description": text or SUCCESS.get(status, "Success")}
        if out is not None:
            ref = _page_component(spec, out) if paginated else _component(spec, out)
            if many and not paginated:
                ref = {"type": "array", "items": ref}
            response["content"] = {"application/json": {"schema": ref}}
        answers[status] = response

    derived = {503}
    # An X-Cart-Token is never a 400: unknown or malformed, it is a cart that does not exist (404).
    read_headers = any(h["name"] != CART_TOKEN for h in headers)
    has_input = bool(placeholders) or read_headers or body is not None or (schema is not None and any(
        part is not None for part in (schema.body, schema.querystring, schema.path)))
    if has_input:
        derived.add(400)
    permission = args.get("permission")
    if permission == "shopper":  # a Bearer token or a guest's X-Cart-Token (see takes_cart_token)
        op["security"] = [{"bearer": []}, {"cartToken": []}]
        derived.update({401, 404})
    elif permission:
        op["security"] = [{"bearer": []}]
        derived.add(401)
        if permission != "authenticated":
            derived.add(403)
    if placeholders or any(p for _, _, p, _ in declared.values()):
        derived.add(404)
    if "requestBody" in op:
        derived.add(413)
    if schema is not None and schema.body is not None:
        derived.add(415)
    for status in derived:
        answers.setdefault(status, dict(error, description=DERIVED_ERRORS[status]))
    op["responses"] = {str(status): answers[status] for status in sorted(answers)}
    return op


openapi_svc = Service("openapi", "/api/openapi.json", description="The OpenAPI 3 document")
openapi_svc.undocumented = True
docs_svc = Service("api_docs", "/api/docs/", description="Human-readable API docs")
docs_svc.undocumented = True

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agora API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#ui"});</script>
</body></html>"""


@openapi_svc.get()
def openapi_json(request):
    cached = request.registry.get("agora.openapi")
    if cached is None:
        cached = build_spec(request.registry)
        request.registry["agora.openapi"] = cached
    return cached


@docs_svc.get()
def docs_page(request):
    return Response(DOCS_PAGE, content_type="text/html", charset="utf-8")


def includeme(config):
    config.add_cornice_service(openapi_svc)
    config.add_cornice_service(docs_svc)
    config.add_static_view("api/docs/assets", str(swagger_ui_path), cache_max_age=3600)
