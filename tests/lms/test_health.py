import pytest

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "queue": "ok",
            "storage": "ok",
            "migrations": "ok",
            "outbox": "ok",
        },
        "outbox": {"pending": 0, "oldest_pending_seconds": 0, "failed": 0},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unreachable_cache_answers_503(client, settings):
    # A real Redis client pointed at a closed local port.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"
    assert response.json()["checks"]["database"] == "ok"
