def test_health_answers_ok_with_the_database_up(testapp):
    answer = testapp.get("/api/health/").json
    assert answer["status"] == "ok"
    assert answer["database"] == "ok"
    assert "testplugin" in answer["plugins"]
