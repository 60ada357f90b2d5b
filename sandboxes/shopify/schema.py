"""Shopify's published Admin schemas, one per API version, loaded once per process.

The files are Shopify's own introspection results (../schema/README.md). Building a
schema takes about half a second, so each version is built on first use, under a
lock so that two threads asking at once build it once.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLSchema, build_client_schema

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$")
_lock = threading.Lock()
_schemas: dict[str, GraphQLSchema] = {}


def available_versions() -> list[str]:
    """Return the API versions the sandbox has a schema for, oldest first."""
    return sorted(
        p.name[len("admin_") : -len(".json.gz")] for p in SCHEMA_DIR.glob("admin_*.json.gz")
    )


def served_version(requested: str) -> str | None:
    """Return the version that answers a request for `requested`, or None.

    Shopify answers a request for a version it no longer supports with the oldest
    supported stable version (shopify.dev/docs/api/usage/versioning; Shopify staff on
    community.shopify.com), saying which in the X-Shopify-API-Version header. The
    sandbox does the same for well-formed versions older than its oldest schema. What
    Shopify answers for a version that does not exist (a typo, a future quarter) is
    not documented: the sandbox answers 404 with a JSON error, as for any unknown
    Admin path. Versions between the ones it carries (e.g. 2026-01) are not served.
    """
    versions = available_versions()
    if requested in versions:
        return requested
    if _VERSION.match(requested) and versions and requested < versions[0]:
        return versions[0]
    return None


def schema_for(version: str) -> GraphQLSchema:
    """Return the client schema of an available version, building it on first use."""
    schema = _schemas.get(version)
    if schema is not None:
        return schema
    with _lock:
        if version not in _schemas:
            path = SCHEMA_DIR / f"admin_{version}.json.gz"
            with gzip.open(path) as handle:
                _schemas[version] = build_client_schema(json.load(handle)["data"])
        return _schemas[version]


def enum_values(name: str, version: str) -> frozenset[str]:
    """Return the values of one of the schema's enums, lowercased as webhooks spell them."""
    enum = schema_for(version).get_type(name)
    if not isinstance(enum, GraphQLEnumType):
        raise KeyError(f"{name} is not an enum in the {version} schema")
    return frozenset(value.lower() for value in enum.values)
