"""Local admins of the standalone panel, and the rate limit on their sign-ins.

A self-hoster opens the panel outside any shop's admin, so the panel needs its own
accounts: an e-mail and a password hash (made by the surface that reads the
password; the domain never sees the password itself). Failed sign-ins are kept for
a while so that guessing is slowed down per account and per address, whichever
process of a deployment answers the attempt.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.errors import InvalidInput
from plugin.storage.models import AdminUser, LoginFailure
from plugin.storage.upsert import insert_new

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# At most this many failed sign-ins in the window, per account and per address.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def normal_email(email: str) -> str:
    """Return an admin's e-mail in the one spelling it is kept in; refuse a non-address."""
    email = (email or "").strip().lower()
    if len(email) > 320 or not EMAIL.fullmatch(email):
        raise InvalidInput(f"{email!r} is not an e-mail address")
    return email


def add_admin(session: Session, email: str, password_hash: str) -> int:
    """Add a local admin; refuse an e-mail that has one already. Return the admin's id."""
    email = normal_email(email)
    now = clock_of(session).now()
    admin_id = insert_new(
        session,
        AdminUser,
        {"email": email, "password_hash": password_hash, "created_at": now, "updated_at": now},
        unique=("email",),
    )
    if admin_id is None:
        raise InvalidInput(f"an admin with e-mail {email} exists already")
    return admin_id


def find_admin(session: Session, email: str) -> AdminUser | None:
    """Return the admin with this e-mail, if any."""
    try:
        email = normal_email(email)
    except InvalidInput:
        return None
    return session.scalars(select(AdminUser).where(AdminUser.email == email)).first()


def admin_by_id(session: Session, admin_id: int) -> AdminUser | None:
    """Return the admin with this id, if any (a session cookie names one)."""
    return session.get(AdminUser, admin_id)


def sign_ins_blocked(session: Session, email: str, address: str, now: datetime) -> bool:
    """Tell whether the account or the address failed too often in the last window."""
    since = now - FAILURE_WINDOW
    recent = select(func.count(LoginFailure.id)).where(LoginFailure.at > since)
    by_email = session.scalar(recent.where(LoginFailure.email == email.strip().lower())) or 0
    by_address = session.scalar(recent.where(LoginFailure.address == address)) or 0
    return max(by_email, by_address) >= MAX_FAILURES


def record_failure(session: Session, email: str, address: str, now: datetime) -> None:
    """Keep a failed sign-in, and forget those older than the window."""
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - FAILURE_WINDOW))
    session.add(LoginFailure(email=email.strip().lower()[:320], address=address[:64], at=now))


def forget_failures(session: Session, email: str) -> None:
    """Clear an account's failed sign-ins once its admin signed in."""
    session.execute(delete(LoginFailure).where(LoginFailure.email == email.strip().lower()))
