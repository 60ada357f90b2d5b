"""Turn a rendered message into the e-mail a customer receives."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.errors import HeaderParseError, InvalidHeaderDefect
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from plugin.errors import InvalidInput
from plugin.messaging.letter import one_line
from plugin.messaging.render import RenderedMessage


def build_message(
    rendered: RenderedMessage,
    *,
    recipient: str,
    shop_name: str,
    sender: str,
    reply_to: str | None,
    message_key: str,
    sent_at: datetime,
) -> EmailMessage:
    """Build a multipart/alternative e-mail: the text first, the HTML as the richer part.

    The message comes from `sender`, the deployment's own address (the one its mail
    server may send as), under the shop's name; replies go to the merchant's
    `reply_to`. The Message-ID is derived from `message_key`, the message's
    idempotency key, so a retry of one message carries the same Message-ID and a
    mailbox that already has it can tell. `sent_at` comes from the runtime's clock.
    """
    message = EmailMessage()
    message["Subject"] = one_line(rendered.subject)
    message["From"] = _address(sender, "sender", display_name=one_line(shop_name))
    message["To"] = _address(recipient, "customer's e-mail address")
    if reply_to:
        message["Reply-To"] = _address(reply_to, "reply-to address")
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(message_key, message["From"].addresses[0].domain)
    # Automatic (RFC 3834): out-of-office replies are not sent back to it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    # After the parts: setting content clears every Content-* header there was.
    message["Content-Language"] = rendered.language
    return message


def message_id(message_key: str, domain: str) -> str:
    """Return the Message-ID of the message with idempotency key `message_key`."""
    digest = hashlib.sha256(message_key.encode()).hexdigest()[:32]
    return f"<amends.{digest}@{domain}>"


def _address(value: str, role: str, display_name: str = "") -> Address:
    """Read an address given as `name@domain`; refuse anything else, naming its role."""
    try:
        address = Address(display_name=display_name, addr_spec=value.strip())
    except (HeaderParseError, InvalidHeaderDefect, IndexError, ValueError) as error:
        raise InvalidInput(f"the {role} {value!r} is not an e-mail address") from error
    if not address.username or not address.domain:
        raise InvalidInput(f"the {role} {value!r} is not an e-mail address")
    return address
