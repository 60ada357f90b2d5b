"""Play the demo: two sandbox stores, a mailbox and Amends, through two weeks of orders.

`make demo` runs it. It starts a sandbox Shopify store, a sandbox WooCommerce store
and a mailbox on loopback, sets up Amends on SQLite in a fresh instance folder,
connects both stores, and lives through two weeks of the stores' days in a minute
(demo/scenario.py tells what happens). Then it starts Amends as an operator runs it
(web, worker and scheduler processes), prints where to look, and keeps serving until
Ctrl-C, SIGINT or SIGTERM, which stop every process it started.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `python demo/play.py`

from demo.choosing import casa_olivar_policy, describe_choices  # noqa: E402
from demo.scenario import DAYS, play, write  # noqa: E402
from demo.stack import Stack, Stopped, stopping_on_signals  # noqa: E402
from demo.world import (  # noqa: E402
    SHOPIFY_API_KEY,
    SHOPIFY_DOMAIN,
    SHOPIFY_SECRET,
    SHOPIFY_STORE,
    SHOPIFY_TOKEN,
    WOO_KEY,
    WOO_SECRET,
    Serving,
    World,
    running_world,
)
from demo.wp_admin import WHAT as WP_ADMIN  # noqa: E402
from demo.wp_admin import incidents_shown, wp_admin  # noqa: E402
from plugin import sync  # noqa: E402
from plugin.app import create_app  # noqa: E402
from plugin.runtime import build_runtime  # noqa: E402
from plugin.storage.models import Shop  # noqa: E402

AMENDS = str(Path(sys.executable).with_name("amends"))
SENDER = "care@amends.example"
MERCHANTS = ("@casa-olivar.example", "@olivar.example")  # the shops' own addresses
ADMIN_EMAIL, ADMIN_PASSWORD = "demo@amends.example", "olivar-demo-2026"  # a local admin
SHOP_SETTINGS = {
    "shopify": {
        "care": {
            "handling_days": 2,
            "timezone": "Europe/Madrid",
            "update_every_days": 3,
            "merchant_email": "ana@casa-olivar.example",  # missed targets, defect spikes
        },
        "messages": {"shop_name": "Casa Olivar", "contact_email": "hola@casa-olivar.example"},
    },
    "woocommerce": {
        "care": {
            "handling_days": 2,
            "timezone": "Europe/Rome",
            "update_every_days": 3,
            "merchant_email": "marta@olivar.example",
        },
        "messages": {"shop_name": "Bottega Olivar", "contact_email": "ciao@olivar.example"},
    },
}


def amends(*args: str, env: dict[str, str]) -> str:
    """Run an amends command; stop the demo with its message if it fails."""
    result = subprocess.run([AMENDS, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"amends {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(instance: Path, amends_url: str, world: World) -> dict[str, str]:
    """Return the environment every Amends process of the demo runs with."""
    env = os.environ | {
        "AMENDS_INSTANCE_PATH": str(instance),
        "AMENDS_PUBLIC_URL": amends_url,
        "AMENDS_SMTP_URL": f"smtp://127.0.0.1:{world.smtp.port}",
        "AMENDS_SMTP_SENDER": SENDER,
        "AMENDS_SHOPIFY_ADMIN_URL": world.shopify_url,
        "SHOPIFY_API_KEY": SHOPIFY_API_KEY,
        "SHOPIFY_API_SECRET": SHOPIFY_SECRET,
    }
    env.pop("AMENDS_DATABASE_URL", None)  # the demo runs on the embedded SQLite default
    return env


def add_local_admin(env: dict[str, str]) -> None:
    """Add the demo's local admin for the standalone panel, as an operator does."""
    typed = f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"
    result = subprocess.run(
        [AMENDS, "users", "add", ADMIN_EMAIL], env=env, input=typed, text=True,
        capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"amends users add failed: {result.stderr.strip()}")


def connect_shops(world: World, env: dict[str, str]) -> dict[str, int]:
    """Add both stores as an operator does; return their ids by platform."""
    shopify = amends(
        "shops", "add", "shopify", "--domain", SHOPIFY_DOMAIN,
        "--access-token", SHOPIFY_TOKEN, "--api-url", world.shopify_url, env=env,
    )  # fmt: skip
    woocommerce = amends(
        "shops", "add", "woocommerce", "--url", world.woocommerce_url + "/",
        "--consumer-key", WOO_KEY, "--consumer-secret", WOO_SECRET,
        "--webhook-secret", "set-again-when-the-webhooks-are-registered", env=env,
    )  # fmt: skip
    return {
        "shopify": int(shopify.strip().splitlines()[-1]),
        "woocommerce": int(woocommerce.strip().splitlines()[-1]),
    }


def import_policy(instance: Path, shop_id: int, env: dict[str, str]) -> None:
    """Give Casa Olivar its policy (a choice for lost parcels), as an operator imports one."""
    document = instance / "casa-olivar-policy.yaml"
    document.write_text(yaml.safe_dump(casa_olivar_policy(), sort_keys=False), encoding="utf-8")
    amends("policy", "import", "--shop", str(shop_id), str(document), env=env)


def prepare(runtime, shops: dict[str, int]) -> None:  # noqa: ANN001
    """Give each shop its care settings and register the WooCommerce store's webhooks."""
    with runtime.database.transaction() as session:
        for platform, shop_id in shops.items():
            session.get(Shop, shop_id).settings = SHOP_SETTINGS[platform]
    with runtime.database.transaction() as session:
        shop = session.get(Shop, shops["woocommerce"])
        session.expunge(shop)
    sync.register_webhooks(runtime, shop, reset_secret=True)


def live_through(world: World, instance: Path, port: int, start: datetime) -> None:
    """Play the story with Amends in this process, on the stores' clock."""
    runtime = build_runtime(instance, overrides={"log_level": "ERROR"}, clock=world.clock)
    web = Serving(create_app(runtime=runtime), port)
    try:
        print(f"Playing {DAYS} days of two shops, from {start:%A %d %B %Y}:")

        def report(moment: datetime, mails: int) -> None:
            print(f"  {moment:%a %d %b}: {mails} customer message(s) sent so far", flush=True)

        play(write(world, start), runtime, report)
    finally:
        web.close()
        runtime.database.dispose()


def approve_one(env: dict[str, str]) -> None:
    """Have Casa Olivar's owner approve the first compensation waiting for her, as she would."""
    pending = json.loads(amends("compensations", "list", "--pending", "--json", env=env))
    if not pending:
        return
    first = min(pending, key=lambda row: row["id"])
    amends("compensations", "approve", str(first["id"]), "--by", "ana", env=env)
    print(
        f"Ana approved compensation {first['id']} ({first['kind'].replace('_', ' ')}, "
        f"{first['amount']} {first['currency']}): {first['explanation']}"
    )


def wait_until_answering(url: str, stack: Stack, seconds: float = 90) -> None:
    """Poll `url` until it answers 200, or stop the demo with what went wrong."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.exited():
            sys.exit(f"an Amends process stopped: {stack.exited()} (see its log)")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    sys.exit(f"{url} did not answer in time")


def summary(world: World, env: dict[str, str]) -> None:
    """Print the incidents Amends handled and the mail the customers received."""
    print()
    print(amends("incidents", "list", env=env))
    print(amends("reports", "returns", "--by", "reason", env=env))
    print(amends("compensations", "list", env=env))
    given = json.loads(amends("compensations", "list", "--json", env=env))
    opened = json.loads(amends("incidents", "list", "--json", env=env))
    for line in describe_choices(given, opened, world):
        print(line)
    messages = world.mailbox.messages()
    customers = [m for m in messages if not str(m["To"]).endswith(MERCHANTS)]
    languages = Counter(str(m["Content-Language"]) for m in customers)
    spoken = ", ".join(f"{count} in {lang}" for lang, count in sorted(languages.items()))
    print(f"The customers received {sum(languages.values())} messages: {spoken}.")
    print(f"The merchants received {len(messages) - len(customers)} alert(s).")


def where_to_look(world: World, amends_url: str) -> dict[str, str]:
    """Return what to open, by what it shows."""
    admin = f"{world.shopify_url}/store/{SHOPIFY_STORE}/apps/amends"
    return {
        "The panel inside Casa Olivar's Shopify admin": f"{admin}?locale=es",
        f"The panel on its own (sign in as {ADMIN_EMAIL}, password {ADMIN_PASSWORD})": (
            f"{amends_url}/admin/login"
        ),
        "Amends (health)": f"{amends_url}/healthz",
        "The customers' mailbox": world.mailbox_url + "/",
        "Sandbox Shopify (scripting index)": f"{world.shopify_url}/_sandbox/",
        "Sandbox WooCommerce (REST index)": f"{world.woocommerce_url}/wp-json/",
    }


def framed_panel(places: dict[str, str]) -> str:
    """Return the App URL the sandbox admin frames, session token and all."""
    admin = next(address for what, address in places.items() if "Shopify admin" in what)
    page = requests.get(admin, timeout=10).text
    found = re.search(r'<iframe[^>]* src="([^"]+)"', page)
    if found is None:
        sys.exit(f"the sandbox admin at {admin} frames no app")
    return html.unescape(found[1])


def main() -> None:
    """Set up a fresh demo instance, play the story, serve it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--once", action="store_true", help="stop once everything answered")
    parser.add_argument("--port", type=int, default=0, help="Amends' port (default: a free one)")
    parser.add_argument(
        "--until",
        type=datetime.fromisoformat,
        default=None,
        help="when the story ends (ISO 8601; default: now)",
    )
    parser.add_argument(
        "--instance",
        type=Path,
        default=ROOT / "instance" / "demo",
        help="instance folder, emptied first (default: instance/demo)",
    )
    options = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the stores' request lines
    instance = options.instance.resolve()
    shutil.rmtree(instance, ignore_errors=True)
    until = (options.until or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = until - timedelta(days=DAYS)
    port = options.port or free_port()
    amends_url = f"http://127.0.0.1:{port}"
    stack = Stack(instance / "logs")
    try:
        with stopping_on_signals(), running_world(start, amends_url) as world:
            env = environment(instance, amends_url, world)
            os.environ.update(env)  # the in-process Amends reads the same settings
            amends("db", "upgrade", env=env)
            add_local_admin(env)
            prepare_runtime = build_runtime(
                instance, overrides={"log_level": "ERROR"}, clock=world.clock
            )
            shops = connect_shops(world, env)
            try:
                prepare(prepare_runtime, shops)
            finally:
                prepare_runtime.database.dispose()
            import_policy(instance, shops["shopify"], env)  # kept in the settings just set
            live_through(world, instance, port, start)
            world.run_in_real_time(datetime.now(UTC))
            serve(world, stack, env, amends_url, port, once=options.once)
    except Stopped as signal_name:
        print(f"\nStopping ({signal_name}): every process the demo started.")
    finally:
        stack.stop()


def serve(world: World, stack: Stack, env: dict[str, str], url: str, port: int, once: bool) -> None:
    """Run Amends' processes, print where to look, and keep serving unless `once`."""
    approve_one(env)  # the worker carries it out through the store's API
    stack.start("web", [AMENDS, "serve", "--port", str(port), "--workers", "1"], env)
    stack.start("worker", [AMENDS, "worker"], env)
    stack.start("scheduler", [AMENDS, "scheduler"], env)
    summary(world, env)
    print()
    folder = Path(env["AMENDS_INSTANCE_PATH"]) / "wordpress"
    with wp_admin(world, stack, url, folder) as in_wordpress:
        places = where_to_look(world, url) | in_wordpress
        print("Where to look (each answers 200):")
        for what, address in places.items():
            wait_until_answering(address, stack)
            print(f"  {what}: {address}")
        wait_until_answering(framed_panel(places), stack)
        if WP_ADMIN in places:
            orders = incidents_shown(places[WP_ADMIN])
            print(f"  (its Amends page lists {len(orders)} incident(s) of Bottega Olivar's orders)")
        print(f"Amends is serving at {url} (logs in {stack.logs}).")
        if once:
            return
        print("It keeps serving until Ctrl-C.", flush=True)
        while not stack.exited():
            time.sleep(0.5)
    sys.exit(f"a process of the demo stopped: {stack.exited()} (see its log)")


if __name__ == "__main__":
    main()
