"""`amends sandbox shopify`: serve a sandbox store on loopback until interrupted."""

from __future__ import annotations

from werkzeug.serving import run_simple

from sandboxes.shopify import schema
from sandboxes.shopify.app import close_app, create_app
from sandboxes.shopify.config import SandboxConfig
from sandboxes.shopify.consts import API_VERSION


def serve_sandbox(
    host: str,
    port: int,
    shop_domain: str,
    access_token: str,
    api_secret: str,
    webhook_uri: str | None = None,
    *,
    api_key: str | None = None,
    time_scale: float = 1.0,
    app_url: str | None = None,
) -> None:
    """Serve a sandbox store (threaded) and print where it answers and what it accepts.

    `api_secret` is the app's client secret (SHOPIFY_API_SECRET): it signs webhooks
    and OAuth callbacks and checks session tokens. `api_key`, the app's client id
    (SHOPIFY_API_KEY), restricts OAuth to that app when given. With `webhook_uri`,
    every topic Amends subscribes to is delivered there. With `app_url`, the admin
    page /store/<store>/apps/amends frames the app as Shopify's admin does.
    """
    config = SandboxConfig(
        shop_domain=shop_domain,
        access_token=access_token,
        api_secret=api_secret,
        api_key=api_key,
        webhook_uri=webhook_uri,
        time_scale=time_scale,
        app_url=app_url,
    )
    app = create_app(config)
    schema.schema_for(API_VERSION)  # build it now, not on the first request
    base = f"http://{host}:{port}"
    print(f"Sandbox Shopify store {shop_domain}", flush=True)
    print(f"GraphQL:      {base}/admin/api/{API_VERSION}/graphql.json", flush=True)
    print(f"Access token: {access_token}", flush=True)
    print(f"OAuth:        {base}/admin/oauth/authorize", flush=True)
    print(f"Control API:  {base}/_sandbox/", flush=True)
    print(f"Webhooks to:  {webhook_uri or '(none: no webhook URI given)'}", flush=True)
    if app_url:
        store = shop_domain.split(".", 1)[0]
        print(f"Admin:        {base}/store/{store}/apps/amends", flush=True)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        close_app(app)
