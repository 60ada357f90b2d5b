"""Hostile callers, and what Amends never keeps or says.

- Every surface that takes a signed request refuses a forged, tampered or unsigned
  one and writes nothing, and takes a replay once. `SURFACES` lists them: a surface
  added later (the panel's JSON API, signed server to server) joins by adding an entry.
- A WooCommerce shop's URL refuses what another shop's secret signed.
- Credentials are sealed at rest: no access token, consumer secret or webhook secret
  in the database's bytes (the SQLite file and its log, or PostgreSQL's rows).
- A redacted customer's e-mail, phone and name are in no row and no log line.
- No credential reaches a log line in any test of the suite: tests/conftest.py's
  `no_secret_logged` watches Amends' loggers around every test (intake with bad
  signatures, OAuth and connect flows, syncs against the sandboxes...).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from connectors.signing import sign
from plugin.runtime import Runtime
from tests.conftest import (
    SHOPIFY_SECRET,
    SHOPIFY_TOKEN,
    WOO_CONSUMER_KEY,
    WOO_CONSUMER_SECRET,
    WOO_SECRET,
    SecretWatch,
    fixture_bytes,
    shopify_headers,
    woo_headers,
)
from tests.helpers import inbox_count
from tests.test_customer_redaction import EMAIL, PHONE, every_row, redact

# --- signed surfaces ---------------------------------------------------------------------


@dataclass(frozen=True)
class SignedSurface:
    """An endpoint that takes requests signed with a secret, and how to make one."""

    name: str
    shop: str  # the fixture that makes the shop it is for; its value is the shop's id
    path: Callable[[int], str]
    headers: Callable[[bytes, str], dict[str, str]]  # a fresh request's headers, signed
    secret: str
    body: bytes
    stored: Callable[[Runtime], int]  # how many requests it has kept


SURFACES = [
    SignedSurface(
        "shopify webhook",
        "shopify_shop",
        lambda shop: "/webhooks/shopify",
        lambda body, secret: shopify_headers(body, "orders/create", secret=secret),
        SHOPIFY_SECRET,
        fixture_bytes("shopify/orders_create.json"),
        inbox_count,
    ),
    SignedSurface(
        "woocommerce webhook",
        "woo_shop",
        lambda shop: f"/webhooks/woocommerce/{shop}",
        lambda body, secret: woo_headers(body, "order.created", secret=secret),
        WOO_SECRET,
        b'{"id": 12, "status": "processing", "date_modified_gmt": "2026-11-23T09:00:00"}',
        inbox_count,
    ),
]
ids = [surface.name for surface in SURFACES]


@pytest.fixture(params=SURFACES, ids=ids)
def surface(request) -> tuple[SignedSurface, str]:
    chosen = request.param
    return chosen, chosen.path(request.getfixturevalue(chosen.shop))


def signature_headers(headers: dict[str, str]) -> list[str]:
    return [name for name in headers if "hmac" in name.lower() or "signature" in name.lower()]


def test_a_request_signed_with_another_secret_is_refused_and_kept_nowhere(surface, client, runtime):
    chosen, path = surface
    forged = chosen.headers(chosen.body, "shpss_someone_elses_secret_0123456789")

    response = client.post(path, data=chosen.body, headers=forged)

    assert response.status_code == 401
    assert response.json["message"] == "signature does not match the body"
    assert chosen.stored(runtime) == 0


def test_a_body_changed_after_signing_is_refused(surface, client, runtime):
    chosen, path = surface
    headers = chosen.headers(chosen.body, chosen.secret)
    tampered = chosen.body.replace(b"1", b"2", 1)

    response = client.post(path, data=tampered, headers=headers)

    assert response.status_code == 401
    assert chosen.stored(runtime) == 0


def test_an_unsigned_request_is_refused(surface, client, runtime):
    chosen, path = surface
    headers = chosen.headers(chosen.body, chosen.secret)
    for name in signature_headers(headers):
        del headers[name]

    response = client.post(path, data=chosen.body, headers=headers)

    assert response.status_code == 400
    assert response.json["message"] == "missing signature header"
    assert chosen.stored(runtime) == 0


def test_a_replayed_request_is_kept_once(surface, client, runtime):
    chosen, path = surface
    headers = chosen.headers(chosen.body, chosen.secret)

    answers = [client.post(path, data=chosen.body, headers=headers).json for _ in range(3)]

    assert answers == [{"status": "accepted"}, {"status": "duplicate"}, {"status": "duplicate"}]
    assert chosen.stored(runtime) == 1


def test_a_woocommerce_shop_refuses_what_another_shops_secret_signed(make_shop, client, runtime):
    ours = make_shop("woocommerce", domain="https://ours.example/")
    theirs_secret = "Pq7Lm3Xv9Rt2Wk6Nb4Hs8Jd1Fg5Zc0Ya"
    make_shop("woocommerce", domain="https://theirs.example/", webhook_secret=theirs_secret)
    body = b'{"id": 12, "date_modified_gmt": "2026-11-23T09:00:00"}'

    response = client.post(
        f"/webhooks/woocommerce/{ours}",
        data=body,
        headers=woo_headers(body, "order.created", theirs_secret),
    )

    assert response.status_code == 401
    assert inbox_count(runtime) == 0


# --- credentials sealed at rest ---------------------------------------------------------

NEW_TOKEN = "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"
WEBHOOK_SECRET = "Hx3Jv8Qn1Lw6Tc9Rm4Zp7Kd2Sb5Gf0Ya"


def stored_bytes(runtime: Runtime) -> bytes:
    """Return every byte the database keeps: SQLite's files, or each PostgreSQL row's text."""
    if runtime.database.file is not None:
        runtime.database.dispose()  # let the write-ahead log be read as it stands
        files = [runtime.database.file, Path(f"{runtime.database.file}-wal")]
        return b"".join(file.read_bytes() for file in files if file.exists())
    return repr(every_row(runtime)).encode()


def forms(secret: str) -> list[bytes]:
    """Return the ways a secret could sit in a file: plain, base64, hex, UTF-16."""
    raw = secret.encode()
    return [raw, base64.b64encode(raw), raw.hex().encode(), secret.encode("utf-16-le")]


def test_access_tokens_and_secrets_are_never_stored_in_plain_text(cli, runtime):
    shopify = cli(
        "shops",
        "add",
        "shopify",
        "--domain",
        "sealed.myshopify.com",
        "--access-token",
        SHOPIFY_TOKEN,
    )
    woocommerce = cli(
        "shops", "add", "woocommerce", "--url", "https://sealed.example/",
        "--consumer-key", WOO_CONSUMER_KEY, "--consumer-secret", WOO_CONSUMER_SECRET,
        "--webhook-secret", WEBHOOK_SECRET,
    )  # fmt: skip
    assert (shopify.exit_code, woocommerce.exit_code) == (0, 0), shopify.output
    shop_id = shopify.output.strip().splitlines()[-1]
    assert cli("shops", "update", shop_id, "--access-token", NEW_TOKEN).exit_code == 0

    kept = stored_bytes(runtime)

    assert b"sealed.myshopify.com" in kept  # the scan sees what rows hold
    for secret in (SHOPIFY_TOKEN, NEW_TOKEN, WOO_CONSUMER_SECRET, WEBHOOK_SECRET):
        for form in forms(secret):
            assert form not in kept, (secret, form)


# --- a redacted customer ----------------------------------------------------------------

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
NAMES = [ORDER["customer"]["first_name"], *ORDER["customer"]["last_name"].split()]


def personal(text: str) -> list[str]:
    """Return which of the redacted customer's data `text` holds, in any JSON spelling."""
    found = [value for value in (EMAIL, PHONE, *NAMES) if value in text]
    escaped = [name for name in NAMES if json.dumps(name).strip('"') in text]
    return found + escaped


def test_a_redacted_customer_is_in_no_row_and_no_log_line(
    shopify_shop, post_shopify, runtime, caplog
):
    caplog.set_level(logging.DEBUG, logger="amends")

    redact(post_shopify, runtime)

    rows = [(table, row) for table, row in every_row(runtime) if personal(repr(row))]
    assert rows == []
    lines = [record for record in caplog.records if personal(SecretWatch().format(record))]
    assert lines == []


def test_the_log_watch_catches_a_credential_in_a_message_its_context_or_a_traceback():
    watch = SecretWatch()
    log = logging.getLogger("security-test")  # outside amends: the suite-wide watch ignores it
    log.propagate = False
    log.addHandler(watch)
    try:
        log.warning("connect.failed", extra={"token": SHOPIFY_TOKEN})
        log.warning(f"refused key {WOO_CONSUMER_SECRET}")
        try:
            raise ValueError(f"bad webhook secret {WOO_SECRET}")
        except ValueError:
            log.exception("sync.failed")
        log.info("shop.added", extra={"shop": 3})
    finally:
        log.removeHandler(watch)

    assert len(watch.leaks) == 3
    assert sign(b"x", WOO_SECRET) not in " ".join(watch.leaks)
