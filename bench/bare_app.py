"""The ceiling for the intake benchmark: Flask that checks a Shopify HMAC and answers 200.

It does what no webhook endpoint can skip (read the raw body, HMAC-SHA256 it with the
app secret, compare in constant time) and nothing Amends adds (shop lookup, header
parsing, JSON check, the database write, logging). Whatever Amends loses against it
is the price of the durable intake.

Run as `python -m bench.bare_app --port P --workers W --threads T` from the project
root. It is served by `plugin.serve.serve` itself, with only the app swapped, so the
gunicorn settings (worker class, keepalive, timeout, access log) are exactly those of
`amends serve` and stay so when serve.py changes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os

from flask import Flask, Response, request


def create_app() -> Flask:
    """Build the bare app; the secret comes from SHOPIFY_API_SECRET, as for Amends."""
    secret = os.environ["SHOPIFY_API_SECRET"].encode()
    app = Flask("bare")

    @app.get("/")
    def ready() -> Response:
        return Response("ok\n", mimetype="text/plain")

    @app.post("/webhooks/shopify")
    def shopify() -> tuple[Response, int]:
        digest = hmac.new(secret, request.get_data(), hashlib.sha256).digest()
        expected = base64.b64encode(digest)
        given = request.headers.get("X-Shopify-Hmac-Sha256", "").encode("ascii", "replace")
        if not hmac.compare_digest(expected, given):
            return Response('{"status":"bad-signature"}', mimetype="application/json"), 401
        return Response('{"status":"accepted"}', mimetype="application/json"), 200

    return app


def main() -> None:
    """Serve the bare app with `amends serve`'s gunicorn settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    from plugin import serve as amends_serve

    # AmendsServer.load() calls the module's create_app in each worker after the fork;
    # pointing it at ours keeps every gunicorn option identical to `amends serve`.
    amends_serve.create_app = create_app
    amends_serve.serve(args.host, args.port, args.workers, args.threads)


if __name__ == "__main__":
    main()
