"""Order notes: WordPress comments on the order, some of them e-mailed to the customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandboxes.woocommerce.models import Note, Order

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

SYSTEM_AUTHOR = "WooCommerce"
ADMIN_AUTHOR = "admin"  # display name of the user the sandbox's keys belong to


def add_note(
    store: SandboxStore,
    order: Order,
    text: str,
    *,
    customer_note: bool = False,
    added_by_user: bool = False,
) -> Note:
    """Add a note as WC_Order::add_order_note does; a customer note is e-mailed.

    Adding a note does not save the order, so it sends no `order.updated`.
    """
    note = Note(
        id=store.next_comment_id(),
        order_id=order.id,
        created=store.clock.now(),
        note=text,
        customer_note=customer_note,
        author=ADMIN_AUTHOR if added_by_user else SYSTEM_AUTHOR,
    )
    store.notes[note.id] = note
    store.fire("woocommerce_order_note_added", note.id)
    if customer_note:
        store.send_email("customer_note", order, note=text)
    return note


def notes_of(store: SandboxStore, order_id: int, kind: str = "any") -> list[Note]:
    """Return an order's notes newest first (same second: lowest id first, OBSERVED)."""
    notes = [note for note in store.notes.values() if note.order_id == order_id]
    if kind == "customer":
        notes = [note for note in notes if note.customer_note]
    elif kind == "internal":
        notes = [note for note in notes if not note.customer_note]
    return sorted(notes, key=lambda note: (-note.created.timestamp(), note.id))
