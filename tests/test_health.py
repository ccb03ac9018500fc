import socket
from http import HTTPStatus

from django.test import Client


def test_health_reports_database_and_broker(db):
    response = Client(HTTP_HOST="10.0.0.5").get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_says_which_part_is_down(db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = Client().get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
    }


def test_health_does_not_hang_on_a_broker_that_never_answers(db, settings):
    # A server that accepts the connection and then says nothing, as a
    # stopped Redis process does.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"

        response = Client().get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["broker"] == "unavailable"
