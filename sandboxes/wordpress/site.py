"""A real WordPress for the tests and the demo: Debian's package, MariaDB, PHP's server.

WordPress (6.1, from Debian's `wordpress` package) is copied into a temporary folder
with a generated wp-config.php (nothing of /etc/wordpress is read), installed by
`wp_install()` from a small PHP script, served by `php -S` on a loopback port, and
the Amends plugin is activated from this repository's `admin_ui/wordpress/`.
WooCommerce itself is not installed: the sandbox WooCommerce plays the store's REST
side, and the stand-ins in `mu-plugins/` hand the plugin that store's webhook records.
`missing()` says what of this the machine lacks.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

WORDPRESS = Path("/usr/share/wordpress")
HERE = Path(__file__).resolve().parent
PLUGIN = HERE.parents[1] / "admin_ui" / "wordpress" / "amends-for-woocommerce"
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root"}
ADMIN_USER, ADMIN_PASSWORD = "admin", "correct horse battery staple"
EDITOR_USER = "redactora"  # an editor: same password, no right to the store's admin
# What to install on Debian for `running_wordpress` (MariaDB also running on loopback).
PACKAGES = "php-cli php-mysql wordpress mariadb-server mariadb-client"

Launch = Callable[[list[str]], subprocess.Popen]


@dataclass
class WordPressSite:
    """A running WordPress: its URL, its folder, and the file the webhook stand-ins read."""

    url: str
    root: Path
    folder: Path
    database: str

    @property
    def debug_log(self) -> Path:
        """Return the file WordPress logs PHP's warnings and errors to."""
        return self.folder / "debug.log"

    def set_time(self, moment: datetime) -> None:
        """Sign the plugin's requests at `moment` (the clock Amends runs on in the test)."""
        (self.folder / "now.txt").write_text(str(int(moment.timestamp())))

    def show_webhooks(self, webhooks: list[dict[str, Any]]) -> None:
        """Give the site these WooCommerce webhook records (id, status, delivery_url, secret)."""
        (self.folder / "webhooks.json").write_text(json.dumps(webhooks))

    def set_language(self, locale: str) -> None:
        """Set the site language (Settings > General), e.g. "de_DE"; "" for English."""
        if not re.fullmatch(r"([a-z]{2}_[A-Z]{2})?", locale):
            raise ValueError(f"not a WordPress locale: {locale!r}")
        mariadb(
            f"INSERT INTO `{self.database}`.wp_options (option_name, option_value, autoload) "
            f"VALUES ('WPLANG', '{locale}', 'yes') "
            f"ON DUPLICATE KEY UPDATE option_value = '{locale}'"
        )

    def php_problems(self) -> list[str]:
        """Return the PHP warnings, notices and errors the plugin caused."""
        if not self.debug_log.exists():
            return []
        lines = self.debug_log.read_text(errors="replace").splitlines()
        return [line for line in lines if "amends" in line.lower()]


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing() -> str | None:
    """Say what this machine lacks to run a WordPress here, or None when nothing is missing."""
    if shutil.which("php") is None:
        return "php-cli (PHP's command line and built-in server)"
    if not (WORDPRESS / "wp-settings.php").exists():
        return f"WordPress in {WORDPRESS} (Debian's wordpress package)"
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False)
    if "mysqli" not in modules.stdout:
        return "php-mysql (PHP's MySQL driver)"
    if shutil.which("mariadb") is None:
        return "mariadb-client"
    try:
        mariadb("SELECT 1")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return f"a MariaDB server answering root on {MARIADB['host']}:{MARIADB['port']}"
    return None


def _serve(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def mariadb(statement: str) -> str:
    """Run one statement as MariaDB's root on loopback; return what it printed, tab-separated."""
    return subprocess.run(
        [
            "mariadb", "-h", MARIADB["host"], "-P", str(MARIADB["port"]), "-u", MARIADB["user"],
            "--batch", "--skip-column-names",
        ],
        input=statement, text=True, check=True, capture_output=True, timeout=30,
    ).stdout  # fmt: skip


def _database_name() -> str:
    """Name a site's database after the process that owns it, so a sweep can tell it is orphaned.

    The name carries the owner's pid and its start time (in clock ticks since boot, from
    /proc), so a recycled pid does not pass for the owner.
    """
    return f"amends_wp_{os.getpid()}_{_started(os.getpid())}_{uuid.uuid4().hex[:6]}"


def _started(pid: int) -> str:
    """Return when process `pid` started (ticks since boot), or "" when it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command


def drop_orphaned_databases() -> list[str]:
    """Drop the databases of sites whose owner died without dropping them (a SIGKILL).

    Returns their names. A database named the older way (no owner in its name) is left
    alone: nothing says whether a site still uses it.
    """
    listed = mariadb("SHOW DATABASES LIKE 'amends\\_wp\\_%'")
    orphaned = []
    for name in listed.split():
        owner = re.fullmatch(r"amends_wp_(\d+)_(\d+)_[0-9a-f]{6}", name)
        if owner and _started(int(owner[1])) != owner[2]:
            mariadb(f"DROP DATABASE IF EXISTS `{name}`")
            orphaned.append(name)
    return orphaned


def _config(database: str, url: str, folder: Path) -> str:
    keys = "\n".join(
        f"define( '{name}', '{secrets.token_hex(32)}' );"
        for name in (
            "AUTH_KEY",
            "SECURE_AUTH_KEY",
            "LOGGED_IN_KEY",
            "NONCE_KEY",
            "AUTH_SALT",
            "SECURE_AUTH_SALT",
            "LOGGED_IN_SALT",
            "NONCE_SALT",
        )
    )
    return f"""<?php
define( 'DB_NAME', '{database}' );
define( 'DB_USER', '{MARIADB["user"]}' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '{MARIADB["host"]}:{MARIADB["port"]}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
{keys}
$table_prefix = 'wp_';
define( 'WP_HOME', '{url}' );
define( 'WP_SITEURL', '{url}' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '{folder / "debug.log"}' );
define( 'WP_DEBUG_DISPLAY', false );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
// No call leaves the machine: only this host (Amends and the sandbox on loopback).
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AMENDS_TEST_WEBHOOKS_FILE', '{folder / "webhooks.json"}' );
define( 'AMENDS_TEST_NOW_FILE', '{folder / "now.txt"}' );
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""


def _copy_wordpress(root: Path) -> None:
    """Copy Debian's WordPress, less its config and its 30 MB of translations."""
    shutil.copytree(
        WORDPRESS,
        root,
        symlinks=True,
        ignore=lambda folder, names: [
            name
            for name in names
            if name in ("wp-config.php", ".htaccess")
            or (folder.endswith("wp-content") and name == "languages")
        ],
    )
    shutil.copytree(PLUGIN, root / "wp-content" / "plugins" / PLUGIN.name)
    shutil.copytree(HERE / "mu-plugins", root / "wp-content" / "mu-plugins")


def _wait_until_served(url: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise RuntimeError(f"php -S exited with {server.returncode}")
        try:
            requests.get(f"{url}/wp-login.php", timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"WordPress did not answer at {url}")


@contextmanager
def running_wordpress(
    folder: Path, amends_url: str = "", launch: Launch = _serve
) -> Iterator[WordPressSite]:
    """Install and serve a fresh WordPress with the plugin active, for the block's duration.

    `amends_url`, when given, is saved as the plugin's Amends URL, as its settings page
    saves it. `launch` starts the server process from its argv (the demo starts it as
    one of its own processes, to stop it with the rest).
    """
    drop_orphaned_databases()
    database = _database_name()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    root = folder / "site"
    _copy_wordpress(root)
    (root / "wp-config.php").write_text(_config(database, url, folder))
    (folder / "webhooks.json").write_text("[]")
    mariadb(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    server = None
    try:
        subprocess.run(
            ["php", str(HERE / "install.php"), str(root), url, amends_url],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        server = launch(
            ["php", "-S", f"127.0.0.1:{port}", "-t", str(root), str(HERE / "router.php")]
        )
        _wait_until_served(url, server)
        yield WordPressSite(url, root, folder, database)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        mariadb(f"DROP DATABASE IF EXISTS `{database}`")
