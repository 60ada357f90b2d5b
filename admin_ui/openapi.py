"""The OpenAPI 3.1 document of the panel's JSON API, kept in `openapi.yaml` beside this file.

The API serves it at `GET /admin/api/openapi.json`, without authentication: it is the
same for every caller and holds nothing of any shop, so a client or a tool reads it
before it has a token.

To add a route under `/admin/api`:

1. Write the view on the API's blueprint (`admin_ui/api.py`, or a module beside it
   such as `api_templates.py`) as the others are (errors through the blueprint's
   handlers, so every refusal is `{"error": ...}`, with `problems` or `fields` when a
   form has several).
2. Add its path to `paths:` in `openapi.yaml`, written as OpenAPI writes it
   (`/incidents/{incident_id}` for Flask's `/incidents/<id:incident_id>`, without
   the `/admin/api` prefix), with one operation per method: its parameters, request
   body and every status it answers, each with a response schema. Reuse what
   `components:` has (`RowId`, `Error`, the `Unauthorized`... responses).
3. Give the test shop of `tests/test_openapi.py` a row the route reads, if it needs one,
   and examples of a body that reaches it (`BODIES`). When what the route accepts is
   more than a schema can say (a template, a policy), name it in `CHECKED_BEYOND_SCHEMA`.

`tests/test_openapi.py` names any route missing from the document (and any path in
the document with no route), then runs schemathesis against every operation: no
answer may be a 5xx, and every answer must match what the document says.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DOCUMENT = Path(__file__).with_name("openapi.yaml")
PREFIX = "/admin/api"  # the document's `servers` URL; its paths are below it


@cache
def document() -> dict[str, Any]:
    """Return the API's OpenAPI document, read once from `openapi.yaml`."""
    with DOCUMENT.open(encoding="utf-8") as source:
        loaded: dict[str, Any] = yaml.safe_load(source)
    return loaded
