"""Fixtures: a runtime on SQLite and on PostgreSQL, the app, its client and CLI runner,
and factories for shops and signed deliveries."""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from hypothesis import settings
from sqlalchemy import text

from connectors.signing import sign
from plugin.app import create_app
from plugin.cli import main
from plugin.clock import FixedClock
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.incidents.lifecycle import open_incident
from plugin.logs import KeyValueFormatter
from plugin.runtime import Runtime, build_runtime
from plugin.shops import add_shop
from plugin.storage import migrate
from plugin.storage.db import connect
from plugin.storage.models import Base, Order
from sandboxes.mail import LoopbackController, Mailbox, running

FIXTURES = Path(__file__).parent / "fixtures"
SHOPIFY_SECRET = "shpss_test_client_secret_0123456789"
SHOPIFY_DOMAIN = "amends-demo.myshopify.com"
WOO_SECRET = "hk7Qv2Lr9XwT4mZp8sNc3YbF6dJu1GeA"  # the observed store's webhook 1 secret
# Credentials shaped as the platforms issue them (shpat_ + 32 hex; ck_/cs_ + 40 hex).
SHOPIFY_TOKEN = "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"
WOO_CONSUMER_KEY = "ck_4a7f1c9e2b8d3f6a0c5e9b1d7f2a4c8e6b0d3f9a"
WOO_CONSUMER_SECRET = "cs_9e2c6a1f8b4d0e7c3a5f9b2d6e1c8a4f0b7d3e5c"
UNREACHABLE_API = "http://127.0.0.1:9"
# Every test runs at this moment, whatever the date: the same one the sandbox stores start at.
TEST_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("AMENDS_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def fixture_bytes(name: str) -> bytes:
    """Return a stored payload exactly as it is on disk."""
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """Create a throw-away PostgreSQL database for this run, migrated once."""
    name = f"amends_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(POSTGRES_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    database = connect(url)
    migrate.upgrade(database)
    database.dispose()
    yield url
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Give each test an empty, migrated database: a new SQLite file, or a truncated PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'amends.sqlite3'}"
        database = connect(url)
        migrate.upgrade(database)
        database.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_database")
    yield url
    database = connect(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database.dispose()


@pytest.fixture
def settings_overrides(database_url: str) -> dict[str, Any]:
    """Return the settings every test runs with."""
    return {
        "database_url": database_url,
        "secret_key": "test-secret-key-not-for-production",
        "shopify_api_key": "test-api-key",
        "shopify_api_secret": SHOPIFY_SECRET,
        "inbox_retry_base_seconds": 0,
        "platform_retry_backoff_seconds": 0,
    }


@pytest.fixture
def clock() -> FixedClock:
    """Return the clock the test's runtime reads: it stands at TEST_NOW until moved."""
    return FixedClock(TEST_NOW)


@pytest.fixture
def runtime(
    tmp_path: Path, settings_overrides: dict[str, Any], clock: FixedClock
) -> Iterator[Runtime]:
    """Return a runtime on the test database, telling the time by `clock`."""
    built = build_runtime(tmp_path / "instance", overrides=settings_overrides, clock=clock)
    yield built
    built.database.dispose()


@pytest.fixture
def app(runtime: Runtime):  # noqa: ANN201
    """Return the web app, sharing the test runtime."""
    application = create_app(runtime=runtime)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def cli_with(
    tmp_path: Path, settings_overrides: dict[str, Any], clock: FixedClock
) -> Callable[..., Any]:
    """Return a runner of `amends ...` in-process, with settings changed as given.

    The commands tell the time by the test's clock, as the test's runtime does.
    """

    def runner(**changes: Any) -> Callable[..., Any]:
        settings = settings_overrides | changes
        env = {f"AMENDS_{k.upper()}": str(v) for k, v in settings.items()}
        env["AMENDS_INSTANCE_PATH"] = str(tmp_path / "instance")

        def invoke(*args: str, input: str | None = None) -> Any:
            return CliRunner().invoke(
                main,
                list(args),
                input=input,
                env=env,
                catch_exceptions=False,
                obj={"clock": clock},
            )

        return invoke

    return runner


@pytest.fixture
def cli(cli_with: Callable[..., Any]) -> Callable[..., Any]:
    """Run `amends ...` in-process on the test database."""
    return cli_with()


@pytest.fixture
def mailbox() -> Mailbox:
    """Return what the test's SMTP server keeps of every message it accepted."""
    return Mailbox()


@pytest.fixture
def smtp_server(mailbox: Mailbox) -> Iterator[LoopbackController]:
    """Serve a real SMTP server on loopback that keeps what it accepts in `mailbox`."""
    with running(mailbox) as server:
        yield server


@pytest.fixture
def make_shop(runtime: Runtime) -> Callable[..., int]:
    """Register a shop directly; return its id."""

    def make(
        platform: str = "shopify",
        domain: str = SHOPIFY_DOMAIN,
        api_url: str | None = None,
        **credentials: str,
    ) -> int:
        defaults = (
            {"access_token": SHOPIFY_TOKEN}
            if platform == "shopify"
            else {
                "consumer_key": WOO_CONSUMER_KEY,
                "consumer_secret": WOO_CONSUMER_SECRET,
                "webhook_secret": WOO_SECRET,
            }
        )
        # A Shopify shop's API is on loopback's discard port: a job that calls it fails
        # at once (connection refused), never waiting on a name lookup that leaves the box.
        if platform == "shopify" and api_url is None:
            api_url = UNREACHABLE_API
        with runtime.database.transaction() as session:
            return add_shop(
                session,
                runtime.credentials,
                platform=platform,
                domain=domain,
                api_url=api_url,
                credentials=defaults | credentials,
            )

    return make


@pytest.fixture
def shopify_shop(make_shop: Callable[..., int]) -> int:
    return make_shop("shopify")


def compensate_nothing(runtime: Runtime, shop_id: int) -> int:
    """Give a shop a policy without rules, for tests that count e-mail and deliveries alone.

    What an incident earns, and its execution through the same outbox, is
    test_compensations.py's.
    """
    with runtime.database.transaction() as session:
        save_policy(session, shop_id, read_policy({"rules": []}))
    return shop_id


@pytest.fixture
def woo_shop(make_shop: Callable[..., int]) -> int:
    return make_shop("woocommerce", domain="http://127.0.0.1:8080/")


def shopify_headers(
    body: bytes,
    topic: str,
    webhook_id: str | None = None,
    domain: str = SHOPIFY_DOMAIN,
    secret: str = SHOPIFY_SECRET,
    triggered_at: str = "2026-11-16T09:12:45.123Z",
) -> dict[str, str]:
    """Return the headers Shopify sends with `body`, signed with `secret`."""
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body, secret),
        "X-Shopify-Shop-Domain": domain,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": triggered_at,
    }


@pytest.fixture
def post_shopify(client) -> Callable[..., Any]:  # noqa: ANN001
    """POST a signed Shopify delivery; keyword arguments go to `shopify_headers`."""

    def post(topic: str, body: bytes | dict, **options: Any):  # noqa: ANN202
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return client.post(
            "/webhooks/shopify", data=raw, headers=shopify_headers(raw, topic, **options)
        )

    return post


def woo_headers(body: bytes, topic: str, secret: str = WOO_SECRET) -> dict[str, str]:
    """Return the headers WooCommerce sends with `body` (as observed from 9.9.5)."""
    resource, event = topic.split(".", 1)
    return {
        "User-Agent": "WooCommerce/9.9.5 Hookshot (WordPress/6.9)",
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": "http://127.0.0.1:8080/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(body, secret),
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Delivery-ID": "3f9d388872158ff9d5d0444f1800a76e",
    }


def observed_woo_delivery(number: str) -> tuple[dict[str, str], bytes]:
    """Return the headers and exact body of an observed WooCommerce delivery."""
    (meta_path,) = (FIXTURES / "woocommerce").glob(f"{number}-*.meta.json")
    meta = json.loads(meta_path.read_text())
    body = meta_path.with_name(meta_path.name.replace(".meta.json", ".body.bin")).read_bytes()
    skip = {"host", "content-length", "connection"}
    return {k: v for k, v in meta["headers"] if k.lower() not in skip}, body


@pytest.fixture
def make_incident(runtime: Runtime) -> Callable[..., int]:
    """Open an incident for an order of a shop (the order stored with its customer); its id."""

    def make(
        shop_id: int,
        order: str = "1001",
        kind: str = "delayed_shipment",
        email: str | None = "ana@example.com",
        status: str = "open",
        age: timedelta = timedelta(0),
    ) -> int:
        with runtime.database.transaction() as session:
            stored = Order(
                shop_id=shop_id,
                platform_order_id=order,
                name=f"#{order}",
                customer_email=email,
                customer_locale="es",
                line_items={},
                shipments={},
            )
            session.add(stored)
            session.flush()
            incident = open_incident(session, shop_id, order, kind, {"source": "test"}, stored)
            assert incident is not None
            incident.status = status
            incident.created_at = TEST_NOW - age
            if status in ("resolved", "closed"):
                incident.open_key = None
            return incident.id

    return make


# Property-based tests draw the same examples on every run (CI is reproducible), keep
# no example database, and wait on no deadline (the machine is shared).
# AMENDS_HYPOTHESIS_PROFILE=explore draws new ones, for hunting rather than checking.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, deadline=None)
settings.load_profile(os.environ.get("AMENDS_HYPOTHESIS_PROFILE", "ci"))


# --- secrets never logged ---------------------------------------------------------------

# Credentials as the platforms shape them (an access token, an app secret, a consumer
# secret), whoever issued them (a sandbox's OAuth too), and the webhook secrets and
# keys the tests use, which have no shape of their own.
SECRET_SHAPES = re.compile(r"\bshp(?:at|ua|ca|pa|ss)_[A-Za-z0-9_]{8,}|\bcs_[A-Za-z0-9]{8,}")
KNOWN_SECRETS = (
    WOO_SECRET,
    "Zr4Tq8Wm2Xp6Ls0Kd3Fh7Jb1Nc5Vg9Ya",  # tests/test_shops.py's new webhook secret
    "test-secret-key-not-for-production",
)


class SecretWatch(logging.Handler):
    """Keep every record of Amends' own loggers that shows a credential, as the line it makes."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(KeyValueFormatter("%(levelname)s %(name)s %(message)s"))
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if SECRET_SHAPES.search(line) or any(secret in line for secret in KNOWN_SECRETS):
            self.leaks.append(line)


@pytest.fixture(autouse=True)
def no_secret_logged() -> Iterator[SecretWatch]:
    """Fail any test during which Amends logged a credential (message, context or traceback)."""
    watch = SecretWatch()
    logger = logging.getLogger("amends")
    level = logger.level
    logger.setLevel(logging.DEBUG)  # debug lines too: an operator may turn them on
    logger.addHandler(watch)
    yield watch
    logger.removeHandler(watch)
    logger.setLevel(level)
    assert watch.leaks == [], "a credential reached the logs"
