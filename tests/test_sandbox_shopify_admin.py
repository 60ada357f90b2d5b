"""The sandbox admin frames the installed app as Shopify's admin does, with a real session token."""

from __future__ import annotations

import base64
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from tests.test_sandbox_shopify_harness import CLIENT_ID, SECRET, SHOP, running_sandbox

APP_URL = "https://amends.example/admin"


@pytest.fixture
def admin_page():  # noqa: ANN201
    with running_sandbox(app_url=APP_URL) as sandbox:
        yield sandbox, sandbox.control("GET", "/../store/amends-demo/apps/amends?locale=es")


def framed(page_html: str) -> tuple[str, dict[str, str]]:
    (src,) = re.findall(r'<iframe[^>]* src="([^"]+)"', page_html)
    url = urlsplit(unescape(src))
    return f"{url.scheme}://{url.netloc}{url.path}", {
        key: values[0] for key, values in parse_qs(url.query).items()
    }


def test_the_app_url_gets_the_shop_the_host_and_a_session_token_for_the_app(admin_page):
    sandbox, answer = admin_page

    url, query = framed(answer.text)
    claims = jwt.decode(
        query["id_token"], SECRET, algorithms=["HS256"], audience=CLIENT_ID,
        options={"verify_exp": False, "verify_nbf": False},
    )  # fmt: skip

    assert answer.status_code == 200
    assert url == APP_URL
    assert (query["shop"], query["embedded"], query["locale"]) == (SHOP, "1", "es")
    padded = query["host"] + "=" * (-len(query["host"]) % 4)
    assert base64.urlsafe_b64decode(padded).decode() == "admin.shopify.com/store/amends-demo"
    assert (claims["dest"], claims["iss"]) == (f"https://{SHOP}", f"https://{SHOP}/admin")
    assert claims["exp"] - claims["iat"] == 60
    assert claims["iat"] == int(sandbox.clock.timestamp())


def test_a_token_signed_with_another_secret_would_not_verify(admin_page):
    _, answer = admin_page
    _, query = framed(answer.text)

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(query["id_token"], "another-client-secret-of-32-bytes!", algorithms=["HS256"])


def test_without_an_installed_app_or_for_another_store_there_is_no_page():
    with running_sandbox() as sandbox:
        assert sandbox.control("GET", "/../store/amends-demo/apps/amends").status_code == 404
    with running_sandbox(app_url=APP_URL) as sandbox:
        assert sandbox.control("GET", "/../store/another/apps/amends").status_code == 404
