"""``GET /api/openapi.json`` and ``/api/docs/``, generated from the registered services.

Only the Cornice services registered in *this* application's registry are described, so a
disabled plugin's services are absent.  Request schemas come from each view's ``In(...)``
(body, querystring, path); responses from the ``@responds(status, Schema)`` decorator.
The docs page uses Swagger UI's assets served by the app itself (no CDN).
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from cornice import Service
from pyramid.response import Response
from swagger_ui_bundle import swagger_ui_path

from core.validation import In

ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "errors"],
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "string"},
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                },
            },
        },
    },
}

PERMISSION_ERRORS = {401: "Not authenticated", 403: "Not allowed"}
# Any operation may answer these: bad input, unknown object, conflict, body too large or of the
# wrong type, throttled, and the database unreachable for a moment (503, retry).
COMMON_ERRORS = (400, 404, 409, 413, 415, 429, 503)


def responds(status: int, schema=None, *, many: bool = False, paginated: bool = False, description: str = ""):
    """Declare one of a view's answers for the OpenAPI document.

    A success names its schema (or None for an empty body); an error status (4xx/5xx) without
    a schema is documented with the one error shape, e.g. ``@responds(401, description=...)``
    for a view that refuses credentials without a ``permission``.  Every operation also
    documents the errors any view may give (:data:`COMMON_ERRORS`)."""

    def decorate(view):
        declared = dict(getattr(view, "__agora_responses__", {}))
        declared[status] = (schema, many, paginated, description)
        view.__agora_responses__ = declared
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


def build_spec(registry, title: str = "Agora", version: str = "0.1.0") -> dict:
    spec = APISpec(
        title=title, version=version, openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Agora commerce REST API. Amounts are decimal strings in the shop currency."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", ERROR_SCHEMA)
    services: dict[str, Service] = getattr(registry, "cornice_services", {})
    tags = set()
    for path, service in sorted(services.items()):
        if not path.startswith("/api/") or getattr(service, "undocumented", False):
            continue
        operations = {}
        for method, view, args in service.definitions:
            if method in ("HEAD", "OPTIONS"):
                continue
            operations[method.lower()] = _operation(spec, service, path, method, view, args)
            tags.add(_tag(path))
        if operations:
            spec.path(path=openapi_path(path), operations=operations)
    document = spec.to_dict()
    hook = registry["agora.plugin_manager"].hook
    extra = [t for group in hook.agora_openapi_tags() for t in (group or [])]
    known = {t["name"] for t in extra}
    document["tags"] = sorted(extra + [{"name": t} for t in tags if t not in known], key=lambda t: t["name"])
    return document


def _operation(spec, service, path, method, view, args) -> dict:
    schema: In | None = args.get("schema")
    op: dict = {
        "summary": service.description or service.name,
        "operationId": f"{service.name}_{method.lower()}",
        "tags": [_tag(path)],
        "responses": {},
    }
    parameters = []
    path_schema = schema.path if schema else None
    path_fields = _fields(path_schema)
    for name in re.findall(r"{(\w+)(?::[^}]*)?}", path):
        field = path_fields.get(name)
        kind = "integer" if field is not None and type(field).__name__ in ("Integer", "StrictInteger") else "string"
        if field is None and (name == "id" or name.endswith("_id")):
            kind = "integer"
        parameters.append({"in": "path", "name": name, "required": True, "schema": {"type": kind}})
    if schema and schema.querystring is not None:
        parameters.append({"in": "query", "schema": schema.querystring})
    if parameters:
        op["parameters"] = parameters
    if schema and schema.body is not None:
        name = _schema_name(schema.body)
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=schema.body)
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}
    error = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    # A view that declares nothing still answers something on success: say so, without a shape.
    declared = getattr(view, "__agora_responses__", None) or {200: (None, False, False, "Success")}
    for status, (out, many, paginated, description) in declared.items():
        response: dict = {"description": description or "Success"}
        if out is None and status >= 400:
            response = dict(error, description=description or "Error")
        elif out is not None:
            name = _schema_name(out)
            if name not in spec.components.schemas:
                spec.components.schema(name, schema=out)
            ref = {"$ref": f"#/components/schemas/{name}"}
            if paginated:
                ref = {"type": "object", "required": ["count", "next", "previous", "results"], "properties": {
                    "count": {"type": "integer"},
                    "next": {"type": "string", "nullable": True},
                    "previous": {"type": "string", "nullable": True},
                    "results": {"type": "array", "items": ref}}}
            elif many:
                ref = {"type": "array", "items": ref}
            response["content"] = {"application/json": {"schema": ref}}
        op["responses"][str(status)] = response
    for status in COMMON_ERRORS:
        op["responses"].setdefault(str(status), dict(error, description="Error"))
    permission = args.get("permission")
    if permission:
        op["security"] = [{"bearer": []}]
        for status, text in PERMISSION_ERRORS.items():
            op["responses"][str(status)] = dict(error, description=text)
    return op


def _fields(schema) -> dict:
    if schema is None:
        return {}
    instance = schema() if isinstance(schema, type) else schema
    return dict(instance.fields)


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
