"""Play the demo: Amends on SQLite takes signed sample webhooks and opens an incident.

It starts `amends serve` and posts the bundled deliveries in demo/deliveries/ over
HTTP exactly as the platforms would (signed, with their headers), runs the worker,
then shows the incident they opened. It keeps serving until Ctrl-C unless --once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from connectors.signing import sign

HERE = Path(__file__).parent
ROOT = HERE.parent
AMENDS = str(Path(sys.executable).with_name("amends"))
SHOPIFY_SECRET = "demo-shopify-client-secret"
SHOPIFY_DOMAIN = "amends-demo.myshopify.com"
WOO_URL = "http://127.0.0.1:8080/"
WOO_SECRET = "hk7Qv2Lr9XwT4mZp8sNc3YbF6dJu1GeA"


def amends(*args: str, env: dict[str, str]) -> str:
    """Run an amends command; stop the demo with its message if it fails."""
    result = subprocess.run([AMENDS, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"amends {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base_url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    """Poll /healthz until the server answers, or give up with its exit status."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"amends serve exited with status {server.returncode}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    sys.exit("amends serve did not become healthy in time")


def post_shopify(base_url: str, topic: str, body: bytes) -> int:
    """Deliver `body` as Shopify would: signed with the app's client secret."""
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body, SHOPIFY_SECRET),
        "X-Shopify-Shop-Domain": SHOPIFY_DOMAIN,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    response = requests.post(f"{base_url}/webhooks/shopify", data=body, headers=headers, timeout=5)
    return response.status_code


def post_woocommerce(base_url: str, shop_id: str, topic: str, body: bytes) -> int:
    """Deliver `body` as WooCommerce would: its ping first, then the signed delivery."""
    url = f"{base_url}/webhooks/woocommerce/{shop_id}"
    requests.post(
        url,
        data=b"webhook_id=1",
        timeout=5,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    resource, event = topic.split(".", 1)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "WooCommerce/9.9.5 Hookshot (WordPress/6.9)",
        "X-WC-Webhook-Source": WOO_URL,
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(body, WOO_SECRET),
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
    }
    return requests.post(url, data=body, headers=headers, timeout=5).status_code


def play(base_url: str, env: dict[str, str], woo_shop: str) -> None:
    """Deliver the samples, process them, and show what Amends made of them."""
    deliveries = [
        ("shopify", "orders/create", "01-shopify-orders-create.json"),
        ("shopify", "returns/request", "02-shopify-returns-request.json"),
        ("woocommerce", "order.created", "03-woocommerce-order.created.json"),
    ]
    for platform, topic, name in deliveries:
        body = (HERE / "deliveries" / name).read_bytes()
        if platform == "shopify":
            status = post_shopify(base_url, topic, body)
        else:
            status = post_woocommerce(base_url, woo_shop, topic, body)
        print(f"delivered {platform} {topic}: HTTP {status}")
    print(amends("worker", "--once", env=env).strip())
    print(amends("inbox", "list", env=env))
    print(amends("incidents", "list", env=env))
    incidents = json.loads(amends("incidents", "list", "--json", env=env))
    if not incidents:
        sys.exit("the sample deliveries opened no incident")
    print(amends("incidents", "show", str(incidents[-1]["id"]), env=env))


def main() -> None:
    """Set up a fresh demo instance, serve it, play the scenario."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--once", action="store_true", help="exit after showing the incident")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: free)")
    parser.add_argument(
        "--instance",
        type=Path,
        default=ROOT / "instance" / "demo",
        help="instance folder, emptied first (default: instance/demo)",
    )
    options = parser.parse_args()
    instance = options.instance.resolve()
    shutil.rmtree(instance, ignore_errors=True)
    env = os.environ | {
        "AMENDS_INSTANCE_PATH": str(instance),
        "SHOPIFY_API_SECRET": SHOPIFY_SECRET,
        "SHOPIFY_API_KEY": "demo-api-key",
    }
    env.pop("AMENDS_DATABASE_URL", None)  # the demo runs on the embedded SQLite default
    print(amends("db", "upgrade", env=env).strip())
    amends(
        "shops",
        "add",
        "shopify",
        "--domain",
        SHOPIFY_DOMAIN,
        "--access-token",
        "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",
        env=env,
    )
    woo_shop = (
        amends(
            "shops",
            "add",
            "woocommerce",
            "--url",
            WOO_URL,
            "--consumer-key",
            "ck_2f8b4d1a7c3e9f5b0d6a2c8e4f1b7d3a9c5e0f6b",
            "--consumer-secret",
            "cs_7a3e9c5f1b8d2a6e0c4f8b3d7a1e5c9f2b6d0a4e",
            "--webhook-secret",
            WOO_SECRET,
            env=env,
        )
        .strip()
        .splitlines()[-1]
    )
    port = options.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [AMENDS, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(base_url, server)
        play(base_url, env, woo_shop)
        print(f"Amends is serving at {base_url} (health: {base_url}/healthz)")
        if not options.once:
            print(
                f"Ctrl-C to stop. Try: AMENDS_INSTANCE_PATH={instance} "
                ".venv/bin/amends incidents list --json"
            )
            worker = subprocess.Popen([AMENDS, "worker"], env=env)
            try:
                server.wait()
            except KeyboardInterrupt:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
