"""The standalone panel's sign-in: local admins (`amends users add`), a shop picker.

A local admin is the operator of this Amends: they may look at every shop on it, but
the panel shows one shop at a time, the one they chose, and every read is scoped to
it as a session token scopes a Shopify merchant. The session is Flask's signed
cookie (HttpOnly, SameSite=Lax, Secure when Amends is served over https); failed
sign-ins are counted per account and per address, and a burst is refused for a while.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    Request,
    Response,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.security import check_password_hash

from admin_ui import csrf, i18n, signed
from admin_ui.callers import Caller, remember
from admin_ui.errors import Forbidden, Unauthorized, error_page
from plugin.admins import (
    FAILURE_WINDOW,
    admin_by_id,
    find_admin,
    forget_failures,
    record_failure,
    sign_ins_blocked,
)
from plugin.scope import ShopScope
from plugin.shops import list_shops
from plugin.storage.models import Shop

bp = Blueprint("admin_login", __name__, url_prefix="/admin")
log = logging.getLogger("amends.admin.login")

# Checked against when the e-mail is unknown, so that a wrong e-mail takes as long as a
# wrong password and the answer's timing says nothing of which accounts exist.
_NOBODY = "scrypt:32768:8:1$amends$" + "0" * 128


@bp.errorhandler(csrf.CsrfRefused)
def _csrf(refusal: csrf.CsrfRefused) -> ResponseReturnValue:
    log.warning("admin.login.csrf-refused", extra={"path": request.path})
    return error_page(403, refusal.reason)


def from_login_session(request: Request) -> ShopScope | None:
    """Authenticate a signed-in local admin, scoped to the shop they chose."""
    admin_id = session.get("admin")
    if admin_id is None:
        return None
    runtime = signed.runtime()
    with runtime.database.reading() as db:
        admin = admin_by_id(db, admin_id)
        email = admin.email if admin is not None else None
        shop = db.get(Shop, session.get("shop") or 0)
        shop_id = shop.id if shop is not None else None
    if email is None:
        session.clear()
        raise Unauthorized("this account no longer exists; sign in again at /admin/login")
    remember(Caller(via="login", actor=f"staff:{email}"[:64], locale=session.get("locale")))
    if request.blueprint == "admin_api" and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.check(request.headers.get(csrf.HEADER))
    if shop_id is None:
        raise Forbidden("choose a shop first, at /admin/shops")
    return ShopScope.only(shop_id)


def _address() -> str:
    return request.remote_addr or "unknown"


def _login_page(status: int = 200, **context: Any) -> Response:
    response = make_response(render_template("panel/login.html", **context), status)
    return response


@bp.get("/login")
def login_form() -> ResponseReturnValue:
    """Show the sign-in form."""
    i18n.use_locale(request.args.get("locale") or session.get("locale"))
    return _login_page(email="")


@bp.post("/login")
def login_submit() -> ResponseReturnValue:
    """Sign a local admin in; count and slow down failures."""
    i18n.use_locale(session.get("locale"))
    csrf.check(request.form.get(csrf.FIELD))
    email = (request.form.get("email") or "").strip()
    password = request.form.get("password") or ""
    errors = {}
    if not email:
        errors["email"] = i18n.gettext("Enter your e-mail address.")
    if not password:
        errors["password"] = i18n.gettext("Enter your password.")
    if errors:
        return _login_page(422, email=email, errors=errors)
    runtime = signed.runtime()
    now = runtime.clock.now()
    with runtime.database.transaction() as db:
        if sign_ins_blocked(db, email, _address(), now):
            log.warning("admin.login.rate-limited", extra={"address": _address()})
            minutes = int(FAILURE_WINDOW.total_seconds() // 60)
            message = i18n.gettext(
                "Too many failed sign-ins. Try again in %(minutes)s minutes.", minutes=minutes
            )
            response = _login_page(429, email=email, errors={"form": message})
            response.headers["Retry-After"] = str(int(FAILURE_WINDOW.total_seconds()))
            return response
        admin = find_admin(db, email)
        digest = admin.password_hash if admin is not None else _NOBODY
        if not check_password_hash(digest, password) or admin is None:
            record_failure(db, email, _address(), now)
            log.warning("admin.login.failed", extra={"address": _address()})
            message = i18n.gettext("The e-mail address or the password is wrong.")
            return _login_page(401, email=email, errors={"form": message})
        forget_failures(db, email)
        admin_id = admin.id
    locale = session.get("locale")
    session.clear()  # a new session: nothing of the anonymous one carries over
    session.update(admin=admin_id, locale=locale)
    session.permanent = True
    log.info("admin.login.signed-in", extra={"admin": admin_id})
    return redirect(url_for("admin_login.shops"), 303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out."""
    csrf.check(request.form.get(csrf.FIELD))
    session.clear()
    return redirect(url_for("admin_login.login_form"), 303)


def _signed_in_admin() -> str | None:
    admin_id = session.get("admin")
    if admin_id is None:
        return None
    with signed.runtime().database.reading() as db:
        admin = admin_by_id(db, admin_id)
        return admin.email if admin is not None else None


@bp.get("/shops")
def shops() -> ResponseReturnValue:
    """Show the shops on this Amends, to choose the one to work on."""
    email = _signed_in_admin()
    if email is None:
        return redirect(url_for("admin_login.login_form"), 303)
    remember(Caller(via="login", actor=f"staff:{email}"[:64], locale=session.get("locale")))
    i18n.use_locale(session.get("locale"))
    with signed.runtime().database.reading() as db:
        found = list_shops(db)
    return render_template("panel/shops.html", shops=found, chosen=session.get("shop"))


@bp.post("/shops")
def choose_shop() -> ResponseReturnValue:
    """Work on the chosen shop from now on."""
    email = _signed_in_admin()
    if email is None:
        return redirect(url_for("admin_login.login_form"), 303)
    remember(Caller(via="login", actor=f"staff:{email}"[:64], locale=session.get("locale")))
    csrf.check(request.form.get(csrf.FIELD))
    raw = request.form.get("shop") or ""
    with signed.runtime().database.reading() as db:
        shop = db.get(Shop, int(raw)) if raw.isdigit() else None
        found = list_shops(db) if shop is None else []
    if shop is None:
        i18n.use_locale(session.get("locale"))
        errors = {"shop": i18n.gettext("Choose one of the shops listed.")}
        return render_template("panel/shops.html", shops=found, errors=errors), 422
    session["shop"] = shop.id
    return redirect(url_for("admin_pages.inbox"), 303)
