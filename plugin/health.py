"""`GET /healthz`: tell whether the process is up and reaches its database."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from plugin.errors import StorageUnavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # noqa: ANN201
    """Answer 200 when the database answers, 503 otherwise."""
    runtime = current_app.extensions["amends"]
    try:
        with runtime.database.reading() as session:
            session.execute(text("SELECT 1"))
    except StorageUnavailable:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database=runtime.database.dialect)


def init_app(app: Flask) -> None:
    """Register the health endpoint."""
    app.register_blueprint(bp)
