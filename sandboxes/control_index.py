"""GET /_sandbox/: a sandbox store's scripting routes, one line each.

Read from the app's own routes and the first line of each view's docstring, so the
index cannot leave a route out or describe one that is gone; what each route takes
as its body is given by the store beside its routes.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def control_routes(app: Flask, blueprint: str, bodies: Mapping[str, str]) -> list[dict[str, str]]:
    """Describe every route of `blueprint` but the index: method, path, what it does, body.

    `bodies` maps "METHOD /path" to the shape of the JSON body it takes; a route left
    out takes none.
    """
    lines = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{blueprint}.") or rule.rule.endswith("/_sandbox/"):
            continue
        view = app.view_functions[rule.endpoint]
        does = (view.__doc__ or "").strip().partition("\n")[0]
        for method in (m for m in METHOD_ORDER if m in (rule.methods or ())):
            key = f"{method} {rule.rule}"
            lines.append(
                {"method": method, "path": rule.rule, "does": does, "body": bodies.get(key, "none")}
            )
    return sorted(lines, key=lambda line: (line["path"], METHOD_ORDER.index(line["method"])))
