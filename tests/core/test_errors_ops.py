"""Every error has the error shape of docs/api.md; operations services."""
from openapi_spec_validator import validate


def _shape(body):
    assert body["status"] == "error"
    assert body["errors"] and {"location", "name", "description"} <= set(body["errors"][0])


def test_unknown_path_is_a_json_404(testapp):
    _shape(testapp.get("/api/nope/", status=404).json)


def test_wrong_method_is_a_json_405(testapp):
    _shape(testapp.delete("/api/auth/login/", status=405).json)


def test_security_headers_and_request_id_on_every_answer(testapp):
    response = testapp.get("/api/health/", headers={"X-Request-ID": "abcdef12-trace"})
    assert response.headers["X-Request-ID"] == "abcdef12-trace"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_authenticated_answers_are_not_cached(testapp, customer, auth_headers):
    assert testapp.get("/api/auth/me/", headers=auth_headers(customer)).headers["Cache-Control"] == "no-store"


def test_openapi_document_is_valid_and_describes_every_service(testapp, app):
    from core.openapi import openapi_path

    document = testapp.get("/api/openapi.json").json
    validate(document)
    paths = set(document["paths"])
    for path in app.registry.cornice_services:
        if path.startswith("/api/") and path not in ("/api/openapi.json", "/api/docs/"):
            assert openapi_path(path) in paths, path  # ``{id:\d+}`` is documented as ``{id}``
    login = document["paths"]["/api/auth/login/"]["post"]
    assert "requestBody" in login and "200" in login["responses"]
    assert document["paths"]["/api/auth/me/"]["get"]["security"] == [{"bearer": []}]


def test_docs_page_and_its_assets_are_served_locally(testapp):
    page = testapp.get("/api/docs/")
    assert "/api/docs/assets/swagger-ui-bundle.js" in page.text and "http" not in page.text.split("<body>")[1]
    assert testapp.get("/api/docs/assets/swagger-ui-bundle.js").content_length > 1000


def test_health_is_503_when_the_database_is_unreachable(loaded):
    import webtest
    from sqlalchemy.orm import sessionmaker

    from core import make_app
    from core.db import make_engine

    settings, pm, plugins = loaded
    dead = make_engine("postgresql://postgres@127.0.0.1:1/none")
    app = make_app(settings, pm, plugins, dbsession_factory=sessionmaker(bind=dead))
    body = webtest.TestApp(app).get("/api/health/", status=503).json
    assert body["status"] == "unavailable" and body["database"].startswith("unavailable")


def test_an_unexpected_error_is_a_500_that_leaks_nothing(loaded, connection):
    import webtest

    from core import make_app

    settings, pm, plugins = loaded

    def broken_factory():
        raise RuntimeError("secret internals: password=hunter2")

    app = make_app(settings, pm, plugins, dbsession_factory=broken_factory)
    response = webtest.TestApp(app).post_json("/api/auth/login/", {"email": "a@b.co", "password": "x"}, status=500)
    _shape(response.json)
    assert "hunter2" not in response.text and "Traceback" not in response.text
