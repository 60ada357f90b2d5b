"""Webhook signatures against vectors computed outside Python, by the product and the sandboxes.

The sandboxes sign on their own (they import nothing of Amends), so if either side
changes how it encodes the key, the body or the digest, one of these fails and the
sandbox then refuses the product or the product the sandbox.
"""

from __future__ import annotations

import pytest

from connectors import signing
from sandboxes import signing as sandbox_signing

# `printf BODY | openssl dgst -sha256 -hmac SECRET -binary | base64`
VECTORS = [
    (
        b'{"id":820982911946154508,"email":"jon@example.com"}',
        "shpss_known_vector_secret",
        "fJe1HAYVjFAaXp5saf46waSFPj0A/bq+plQjQBVhRD0=",
    ),
    ("café".encode(), "clé", "bp3jhrUVgPPu4SotAab6eDSuma16lJTiR/KLtChLHxM="),
]


@pytest.mark.parametrize(("body", "secret", "expected"), VECTORS)
def test_the_sandboxes_sign_as_openssl_does(body, secret, expected):
    assert sandbox_signing.sign(body, secret) == expected


@pytest.mark.parametrize(("body", "secret", "expected"), VECTORS)
def test_amends_accepts_exactly_the_known_signature(body, secret, expected):
    assert signing.signature_valid(body, expected, [secret])
    assert not signing.signature_valid(body + b" ", expected, [secret])
    assert not signing.signature_valid(body, expected, [secret + "x"])


def test_an_empty_secret_matches_nothing_not_even_a_body_signed_with_it():
    body, secret = VECTORS[0][0], VECTORS[0][1]

    assert not signing.signature_valid(body, signing.sign(body, ""), [""])
    assert not signing.signature_valid(body, signing.sign(body, ""), ["", secret])
    assert signing.signature_valid(body, signing.sign(body, secret), ["", secret])
