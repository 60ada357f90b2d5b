"""A web page over the sandbox mailbox: every message as its reader would see it.

`/` lists what arrived (newest first: to, subject, language, date); `/messages/N`
shows message N's HTML part as the customer's mail program would, and
`/messages/N.txt` its plain-text part. `/messages.json` gives the same list to
scripts. Nothing here is sent anywhere: it only reads what the server accepted.
"""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask, Response, abort, jsonify, render_template_string

from sandboxes.mail.server import Mailbox

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox mailbox ({{ rows|length }})</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; }
th { background: #f4f4f4; }
td.lang { font-variant: small-caps; }
</style></head><body>
<h1>Sandbox mailbox</h1>
<p>{{ rows|length }} message(s) the customers received from the shops.</p>
<table>
<thead><tr><th>#</th><th>Date</th><th>To</th><th>Language</th><th>Subject</th></tr></thead>
<tbody>
{% for row in rows %}
<tr><td>{{ row.number }}</td><td>{{ row.date }}</td><td>{{ row.to }}</td>
<td class="lang">{{ row.language }}</td>
<td><a href="messages/{{ row.number }}">{{ row.subject }}</a>
(<a href="messages/{{ row.number }}.txt">text</a>)</td></tr>
{% endfor %}
</tbody></table></body></html>
"""


def create_viewer(mailbox: Mailbox) -> Flask:
    """Return the web app that shows `mailbox`."""
    app = Flask(__name__)

    @app.get("/")
    def index() -> str:
        return render_template_string(INDEX, rows=list(reversed(_rows(mailbox))))

    @app.get("/messages.json")
    def listing() -> Response:
        return jsonify(messages=_rows(mailbox))

    @app.get("/messages/<int:number>")
    def html(number: int) -> Response:
        part = _message(mailbox, number).get_body(("html", "plain"))
        if part is None:
            abort(404)
        kind = "text/html" if part.get_content_type() == "text/html" else "text/plain"
        return Response(part.get_content(), content_type=f"{kind}; charset=utf-8")

    @app.get("/messages/<int:number>.txt")
    def text(number: int) -> Response:
        part = _message(mailbox, number).get_body(("plain",))
        if part is None:
            abort(404)
        return Response(part.get_content(), content_type="text/plain; charset=utf-8")

    return app


def _message(mailbox: Mailbox, number: int) -> EmailMessage:
    messages = mailbox.messages()
    if not 1 <= number <= len(messages):
        abort(404)
    return messages[number - 1]


def _rows(mailbox: Mailbox) -> list[dict[str, object]]:
    return [
        {
            "number": number,
            "date": str(message["Date"] or ""),
            "to": str(message["To"] or ""),
            "from": str(message["From"] or ""),
            "language": str(message["Content-Language"] or ""),
            "subject": str(message["Subject"] or ""),
        }
        for number, message in enumerate(mailbox.messages(), start=1)
    ]
