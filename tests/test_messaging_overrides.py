"""A merchant's own wording: refused on save in words they understand, sandboxed when sent."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from plugin.messaging import MessageContext, render, validate_override
from plugin.messaging.errors import TemplateRejected

CONTEXT = MessageContext(
    order_name="#1042",
    shop_name="Lumen & Co",
    contact_email="help@lumen.example",
    customer_first_name="Anna",
    next_update=date(2026, 11, 26),
    incident_url="https://amends.example/case/7",
)
KEY = ("delayed_shipment", "update", "es")


def rejection(override: dict, key: tuple[str, str, str] = KEY) -> TemplateRejected:
    with pytest.raises(TemplateRejected) as rejected:
        validate_override(*key, override)
    return rejected.value


def test_a_good_override_is_returned_as_it_will_be_stored():
    override = {
        "subject": "Su pedido {{ order_name }} sigue en camino",
        "text": "Hola {{ customer_first_name|default('cliente', true) }}:\n\n"
        "Seguimos con su pedido {{ order_name }}. Le escribimos antes del {{ next_update }}.",
        "html": "<p>Hola <b>{{ customer_first_name }}</b>:</p>"
        "<p>Pedido {{ order_name }}: noticias antes del {{ next_update }}.</p>",
    }

    assert validate_override(*KEY, override) == override


def test_a_syntax_error_names_the_part_the_line_and_the_fix():
    problem = rejection({"text": "Hola {{ customer_first_name }:\n\nSeguimos."})

    assert str(problem) == (
        "The Spanish update for delayed shipments cannot be saved: the text has a mistake "
        "on line 1: a {{ is closed with a single } instead of }}."
    )


def test_an_unclosed_block_names_the_tag_that_closes_it():
    problem = rejection({"subject": "Pedido {% if order_name %}{{ order_name }}"})

    assert problem.problems == (
        "the subject has a mistake on line 1: a block is not closed, it needs {% endif %}",
    )


def test_an_unknown_variable_is_named_with_the_variables_there_are():
    problem = rejection({"text": "Pedido {{ order_number }} de {{ shop_name }}"})

    assert problem.problems == (
        "the text uses {{ order_number }}, which Amends does not know; you can use "
        "{{ customer_first_name }}, {{ order_name }}, {{ shop_name }}, {{ next_update }}, "
        "{{ incident_url }}, {{ contact_email }}, {{ compensation_kind }}, {{ code }}, "
        "{{ discount }}, {{ refund_amount }}, {{ valid_until }}",
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ order_name.__class__ }}",
        "{{ order_name.__class__.__mro__[1].__subclasses__() }}",
        "{{ order_name['__class__'] }}",
        "{{ shop_name.format }}",
    ],
)
def test_reaching_inside_a_value_is_refused(source):
    problem = rejection({"text": "Hola.\n" + source})

    assert problem.problems == (
        "the text reaches inside a value on line 2; a template shows variables as they are "
        "(use a filter such as |upper to change them)",
    )


def test_a_filter_that_could_reach_attributes_does_not_exist_here():
    problem = rejection({"text": "{{ order_name|attr('__class__') }}"})

    assert problem.problems == (
        "the text uses the filter |attr on line 1, which does not exist here; you can use "
        "|upper, |lower, |title, |capitalize, |trim, |default, |replace, |truncate and |link",
    )


def test_other_templates_cannot_be_brought_in():
    problem = rejection({"text": "{% include '_letter.j2' %}"})

    assert problem.problems == (
        "the text brings in another template on line 1; a message template stands on its own",
    )


def test_a_text_that_leaves_out_what_its_stage_must_say_is_refused_with_what_to_write():
    problem = rejection({"text": "Hola:\n\nSeguimos en ello."})

    assert problem.problems == (
        "the text never names the order; write {{ order_name }} in it",
        "the text does not say when the customer hears from the shop next; "
        "write {{ next_update }} in it",
    )
    assert [(detail.code, detail.part) for detail in problem.details] == [
        ("missing_order", "text"),
        ("missing_next_update", "text"),
    ]


def test_a_resolution_need_not_promise_a_next_update():
    override = {"text": "Su pedido {{ order_name }} ha llegado. ¡Gracias!"}

    assert validate_override("delayed_shipment", "resolution", "es", override) == override


def test_a_compensation_message_must_give_the_code_and_the_refund_in_their_cases():
    only_code = {"text": "Pedido {{ order_name }}: use {{ code }}."}
    both = {
        "text": "Pedido {{ order_name }}: {% if code %}use {{ code }}{% else %}"
        "le devolvemos {{ refund_amount }}{% endif %}."
    }

    problem = rejection(only_code, key=("delayed_shipment", "compensation", "es"))

    assert problem.problems == (
        "the text does not say how much shipping was refunded when the compensation is a "
        "shipping refund; write {{ refund_amount }} in it",
    )
    assert validate_override("delayed_shipment", "compensation", "es", both) == both


def test_a_template_that_fails_with_sample_values_is_refused():
    problem = rejection({"text": "Pedido {{ order_name + 1 }}"})

    assert problem.problems == (
        'the text cannot be shown with sample values: can only concatenate str (not "int") to str',
    )


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({}, "it changes nothing: give a subject, a text or an HTML version"),
        ({"footer": "x"}, "“footer” is not part of a message"),
        ({"html": "<p>{{ order_name }} {{ next_update }}</p>"}, "an HTML version needs a text"),
        ({"subject": "Pedido\n{{ order_name }}"}, "the subject must fit on one line"),
        ({"text": "   "}, "the text is empty; leave it out to keep the built-in one"),
        ({"subject": 42}, "the subject must be text"),
    ],
)
def test_an_override_that_is_not_a_message_is_refused(override, problem):
    assert problem in str(rejection(override))


def test_there_is_no_override_for_a_message_that_does_not_exist():
    problem = rejection({"text": "x"}, key=("lost_parcel", "update", "pt"))

    assert str(problem) == "There is no 'pt' 'update' message for 'lost_parcel'."


def test_an_override_replaces_the_parts_it_gives_in_its_own_language_only():
    overrides = {KEY: {"subject": "Su pedido {{ order_name }} sigue en camino"}}

    spanish = render(*KEY, CONTEXT, overrides=overrides)
    french = render("delayed_shipment", "update", "fr", CONTEXT, overrides=overrides)

    assert spanish.subject == "Su pedido #1042 sigue en camino"
    assert spanish.text == render(*KEY, CONTEXT).text
    assert french.subject == "Des nouvelles de votre commande #1042"


def test_a_text_override_alone_gives_the_html_too_escaped():
    text = "Hola {{ customer_first_name }}:\n\nSu pedido {{ order_name }} de {{ shop_name }}."
    overrides = {KEY: {"text": text}}

    message = render(*KEY, CONTEXT, overrides=overrides)

    assert message.text == "Hola Anna:\n\nSu pedido #1042 de Lumen & Co."
    assert "<p>Hola Anna:</p>\n<p>Su pedido #1042 de Lumen &amp; Co.</p>" in message.html


def test_an_html_override_escapes_the_variables_but_keeps_the_merchants_markup():
    context = MessageContext(
        order_name="#1042",
        shop_name="Lumen",
        contact_email="help@lumen.example",
        customer_first_name="<img src=x onerror=alert(1)>",
        next_update=date(2026, 11, 26),
    )
    overrides = {
        KEY: {
            "text": "Hola {{ customer_first_name }}",
            "html": "<p>Hola <b>{{ customer_first_name }}</b></p>",
        }
    }

    message = render(*KEY, context, overrides=overrides)

    assert "<p>Hola <b>&lt;img src=x onerror=alert(1)&gt;</b></p>" in message.html
    assert message.text == "Hola <img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    "override",
    [
        {"text": "{{ order_name.__class__.__mro__ }}"},
        {"text": "{{ order_name|attr('__class__') }}"},
        {"subject": "{{ order_number }}"},
    ],
)
def test_an_override_that_fails_when_sent_gives_way_to_the_built_in_message(caplog, override):
    # Stored without validation, say: the sandbox still refuses it when it is sent.
    overrides = {KEY: override}

    with caplog.at_level(logging.WARNING, logger="amends.messaging"):
        message = render(*KEY, CONTEXT, overrides=overrides)

    assert message == render(*KEY, CONTEXT)
    assert "class" not in message.text
    assert [record.message for record in caplog.records] == ["messaging.override.failed"]
