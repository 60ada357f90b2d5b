"""The panel as Bottega Olivar's owner sees it inside wp-admin, when the machine can show it.

A real WordPress (Debian's package, on MariaDB, served by PHP's own server; see
sandboxes/wordpress/) runs the Amends for WooCommerce plugin, connected to the demo's
Amends: its Amends URL is saved, and WordPress is handed the sandbox WooCommerce
store's webhook records, so the plugin signs its requests with the secret Amends gave
that store. Without PHP, WordPress or MariaDB the demo says what to install and goes
on without it.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from demo.stack import Stack
from demo.world import World
from sandboxes.wordpress.site import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    PACKAGES,
    WordPressSite,
    missing,
    running_wordpress,
)

WHAT = (
    f"The panel inside Bottega Olivar's wp-admin "
    f"(log in as {ADMIN_USER}, password {ADMIN_PASSWORD})"
)


def amends_page(site: WordPressSite) -> str:
    """Return the address of the plugin's Amends page in wp-admin."""
    return f"{site.url}/wp-admin/admin.php?page=amends"


@contextmanager
def wp_admin(world: World, stack: Stack, amends_url: str, folder: Path) -> Iterator[dict[str, str]]:
    """Serve WordPress with the plugin connected for the block; yield what to open there."""
    lacking = missing()
    if lacking is not None:
        print(
            f"The panel inside wp-admin is not shown: this machine lacks {lacking} "
            f"(on Debian: apt-get install {PACKAGES}, and start MariaDB)."
        )
        yield {}
        return

    def launch(argv: list[str]) -> subprocess.Popen[bytes]:
        return stack.start("wordpress", argv, dict(os.environ))

    with running_wordpress(folder, amends_url=amends_url, launch=launch) as site:
        site.show_webhooks(
            [
                {
                    "id": hook.id,
                    "status": hook.status,
                    "delivery_url": hook.delivery_url,
                    "secret": hook.secret,
                }
                for hook in world.woocommerce.webhooks.values()
            ]
        )
        yield {WHAT: amends_page(site)}


def incidents_shown(page_url: str) -> list[str]:
    """Log in to wp-admin as its owner and return the orders the Amends page lists."""
    site = page_url.split("/wp-admin/", 1)[0]
    with requests.Session() as browser:
        browser.cookies.set("wordpress_test_cookie", "WP Cookie check")
        browser.post(
            f"{site}/wp-login.php",
            data={"log": ADMIN_USER, "pwd": ADMIN_PASSWORD, "testcookie": "1"},
            timeout=30,
        )
        page = browser.get(page_url, timeout=30).text
    return re.findall(r"Order #(\d+)", page)
