"""The admin's QR code route: SVG for http(s) links, the 422 envelope for anything else, and it
wins over the admin shell's catch-all `/admin/{rest:path}`."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from adapters.inbound.http.errors import EXCEPTION_HANDLERS
from adapters.inbound.http.pages.admin import admin_routes
from adapters.inbound.http.pages.assets import Assets
from adapters.inbound.http.pages.qr import qr_routes


@pytest.fixture
def client() -> TestClient[Litestar]:
    app = Litestar(
        route_handlers=[*qr_routes(), *admin_routes(Assets.load())],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    return TestClient(app)


def test_an_http_link_becomes_an_svg_qr_code(client: TestClient[Litestar]) -> None:
    r = client.get("/admin/qr.svg", params={"data": "https://salon.example/book/glow?src=story"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<svg") and "<path" in r.text


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "javascript:alert(1)",
        "ftp://x.example/a",
        "https://",
        "https://x.example/" + "a" * 520,
    ],
)
def test_anything_else_is_a_validation_error(
    client: TestClient[Litestar], data: str | None
) -> None:
    params = {} if data is None else {"data": data}
    r = client.get("/admin/qr.svg", params=params)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert "data" in r.json()["error"]["details"]["fields"]


def test_the_admin_shell_still_answers_other_paths(client: TestClient[Litestar]) -> None:
    r = client.get("/admin/services")
    assert r.status_code == 200 and "admin.js" in r.text
