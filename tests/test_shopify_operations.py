"""Every GraphQL document the connector sends validates against Shopify's published schema."""

from __future__ import annotations

import gzip
import json
from functools import cache

import pytest
from graphql import GraphQLSchema, build_client_schema, parse, validate

from connectors.shopify import operations
from connectors.shopify.consts import API_VERSION
from sandboxes.shopify.schema import SCHEMA_DIR

SCHEMAS = SCHEMA_DIR  # the published schemas the sandbox Shopify validates against


@cache
def schema(version: str) -> GraphQLSchema:
    with gzip.open(SCHEMAS / f"admin_{version}.json.gz") as handle:
        return build_client_schema(json.load(handle)["data"])


@pytest.mark.parametrize("name", operations.names())
def test_each_operation_validates_against_the_pinned_version(name):
    errors = validate(schema(API_VERSION), parse(operations.document(name)))

    assert [error.message for error in errors] == []


def test_the_idempotent_refund_is_unknown_to_2025_10_and_the_legacy_one_is_not():
    old = schema("2025-10")

    idempotent = validate(old, parse(operations.document("AmendsShippingRefund")))
    legacy = validate(old, parse(operations.document("AmendsShippingRefundLegacy")))

    assert [e.message for e in idempotent] == ["Unknown directive '@idempotent'."]
    assert legacy == []


def test_a_wrong_field_fails_validation_as_it_would_on_shopify():
    errors = validate(schema(API_VERSION), parse("{ shop { nonsenseField } }"))

    assert [e.message for e in errors] == ["Cannot query field 'nonsenseField' on type 'Shop'."]


def test_unknown_operation_names_are_an_error():
    with pytest.raises(KeyError, match="no operation 'Nope'"):
        operations.document("Nope")
