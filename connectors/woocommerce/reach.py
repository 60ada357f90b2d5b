"""Whether a WooCommerce store can reach an Amends URL (WordPress's safe-URL rules).

WordPress sends webhooks, their pings and the wc-auth callback with
wp_safe_remote_post() (wp-includes/http.php `wp_http_validate_url`): an explicit
port must be 80, 443 or 8080 (the `http_allowed_safe_ports` filter), or the store
never connects; a webhook is still created, then every delivery fails until the
store disables it. wc-auth also wants its callback over https, loopback included
(woocommerce.md §1.6, §5.4 and "Observed again, 2026-12-06").
"""

from __future__ import annotations

from urllib.parse import urlsplit

SAFE_PORTS = (80, 443, 8080)


def delivery_problem(url: str) -> str | None:
    """Say why a store would not deliver to `url`; None when it would."""
    port = urlsplit(url).port
    if port is None or port in SAFE_PORTS:
        return None
    return (
        f"WooCommerce delivers webhooks only to ports 80, 443 and 8080, not to port {port} "
        f"of {url} (unless the store's http_allowed_safe_ports filter adds it); serve Amends "
        "on one of them, or behind a proxy that is, and set AMENDS_PUBLIC_URL to that address"
    )


def callback_problem(url: str) -> str | None:
    """Say why wc-auth would not post a new key pair to `url`; None when it would."""
    if urlsplit(url).scheme.lower() != "https":
        return (
            f"WooCommerce sends the new keys only to an https callback, and {url} is not "
            "https; set AMENDS_PUBLIC_URL to the https address stores reach Amends at"
        )
    return delivery_problem(url)
