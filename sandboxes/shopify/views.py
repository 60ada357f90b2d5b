"""GraphQL objects computed from the stored REST orders, fulfillments and payments.

The store keeps what webhooks show (snake_case, numeric ids, "4.90"); GraphQL shows
the same facts camelCased with global ids, MoneyBags and enum values. A view keeps
the raw order under "_order" (no schema field has that name) so the resolver can
answer fields pointing back to it; plain lists are paged by the resolver according
to the field's type (resolvers.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandboxes.shopify import refunds
from sandboxes.shopify.formats import (
    gid,
    graphql_time,
    money,
    money_bag,
)
from sandboxes.shopify.orders import shipping_total
from sandboxes.shopify.store import SandboxShop

FINANCIAL_STATUS = {
    "pending": "PENDING",
    "authorized": "AUTHORIZED",
    "partially_paid": "PARTIALLY_PAID",
    "paid": "PAID",
    "partially_refunded": "PARTIALLY_REFUNDED",
    "refunded": "REFUNDED",
    "voided": "VOIDED",
    "expired": "EXPIRED",
}
FULFILLMENT_STATUS = {
    None: "UNFULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "fulfilled": "FULFILLED",
    "restocked": "RESTOCKED",
}


def order_money(amount: Decimal, order: dict[str, Any]) -> dict[str, Any]:
    """Return a MoneyBag in the order's currency."""
    return money_bag(amount, order["currency"])


def order_view(shop: SandboxShop, order: dict[str, Any]) -> dict[str, Any]:
    """Return the GraphQL Order."""
    received, back = refunds.received(shop, order), refunds.refunded(shop, order)
    tags = [tag.strip() for tag in (order.get("tags") or "").split(",") if tag.strip()]
    customer = order.get("customer")
    return {
        "__typename": "Order",
        "id": order["admin_graphql_api_id"],
        "legacyResourceId": str(order["id"]),
        "name": order["name"],
        "email": order.get("email"),
        "phone": order.get("phone"),
        "note": order.get("note"),
        "poNumber": order.get("po_number"),
        "tags": tags,
        "test": bool(order.get("test")),
        "confirmed": bool(order.get("confirmed", True)),
        "closed": bool(order.get("closed_at")),
        "createdAt": graphql_time(order["created_at"]),
        "updatedAt": graphql_time(order["updated_at"]),
        "processedAt": graphql_time(order.get("processed_at") or order["created_at"]),
        "cancelledAt": graphql_time(order.get("cancelled_at")),
        "closedAt": graphql_time(order.get("closed_at")),
        "cancelReason": (order.get("cancel_reason") or "").upper() or None,
        "customerLocale": order.get("customer_locale"),
        "currencyCode": order["currency"],
        "presentmentCurrencyCode": order.get("presentment_currency") or order["currency"],
        "displayFinancialStatus": FINANCIAL_STATUS.get(order.get("financial_status")),
        "displayFulfillmentStatus": FULFILLMENT_STATUS.get(
            order.get("fulfillment_status"), "UNFULFILLED"
        ),
        "fullyPaid": order.get("financial_status") in ("paid", "partially_refunded", "refunded"),
        "unpaid": order.get("financial_status") in ("pending", "authorized"),
        "refundable": received - back > 0,
        "customAttributes": [
            {"key": item.get("name"), "value": item.get("value")}
            for item in order.get("note_attributes") or ()
        ],
        "statusPageUrl": order.get("order_status_url")
        or f"https://{shop.domain}/orders/{order['id']}",
        "sourceName": order.get("source_name"),
        "paymentGatewayNames": order.get("payment_gateway_names") or [],
        "subtotalPriceSet": order_money(money(order.get("subtotal_price")), order),
        "totalPriceSet": order_money(money(order.get("total_price")), order),
        "currentTotalPriceSet": order_money(
            money(order.get("current_total_price", order.get("total_price"))), order
        ),
        "totalTaxSet": order_money(money(order.get("total_tax")), order),
        "totalDiscountsSet": order_money(money(order.get("total_discounts")), order),
        "totalShippingPriceSet": order_money(shipping_total(order), order),
        "totalReceivedSet": order_money(received, order),
        "totalRefundedSet": order_money(back, order),
        "netPaymentSet": order_money(received - back, order),
        "totalRefundedShippingSet": order_money(refunds.refunded_shipping(order), order),
        "customer": customer_view(shop, customer, order.get("customer_locale"))
        if customer
        else None,
        "shippingAddress": address_view(order.get("shipping_address")),
        "billingAddress": address_view(order.get("billing_address")),
        "lineItems": [line_item_view(order, line) for line in order.get("line_items") or ()],
        "shippingLines": [
            shipping_line_view(order, line)
            for line in order.get("shipping_lines") or ()
            if not line.get("is_removed")
        ],
        "shippingLine": next(
            (shipping_line_view(order, line) for line in order.get("shipping_lines") or ()), None
        ),
        "fulfillments": [fulfillment_view(shop, order, f) for f in order.get("fulfillments") or ()],
        "transactions": [
            transaction_view(shop, order, t) for t in shop.order_transactions(order["id"])
        ],
        # refunds, returns and suggestedRefund are resolved from the raw order (resolvers.py).
        "_order": order,
    }


def customer_view(
    shop: SandboxShop, customer: dict[str, Any], locale: str | None
) -> dict[str, Any]:
    """Return the GraphQL Customer of an order's customer."""
    email = customer.get("email")
    orders = shop.customer_orders(customer["id"])
    return {
        "__typename": "Customer",
        "id": customer.get("admin_graphql_api_id") or gid("Customer", customer["id"]),
        "legacyResourceId": str(customer["id"]),
        "firstName": customer.get("first_name"),
        "lastName": customer.get("last_name"),
        "displayName": " ".join(
            p for p in (customer.get("first_name"), customer.get("last_name")) if p
        )
        or email
        or "",
        "email": email,
        "phone": customer.get("phone"),
        "locale": customer.get("locale") or locale or "en",
        "note": customer.get("note"),
        "tags": [t.strip() for t in (customer.get("tags") or "").split(",") if t.strip()],
        "verifiedEmail": bool(customer.get("verified_email")),
        "state": (customer.get("state") or "enabled").upper(),
        "numberOfOrders": str(len(orders)),
        "createdAt": graphql_time(customer.get("created_at")),
        "updatedAt": graphql_time(customer.get("updated_at")),
        "defaultEmailAddress": {
            "emailAddress": email,
            "marketingState": "NOT_SUBSCRIBED",
            "validFormat": True,
        }
        if email
        else None,
        "defaultPhoneNumber": {"phoneNumber": customer["phone"]} if customer.get("phone") else None,
        "defaultAddress": address_view(customer.get("default_address")),
    }


def address_view(address: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return a GraphQL MailingAddress."""
    if not address:
        return None
    keys = (
        "address1",
        "address2",
        "city",
        "company",
        "country",
        "phone",
        "province",
        "zip",
        "name",
    )
    return {
        **{key: address.get(key) for key in keys},
        "firstName": address.get("first_name"),
        "lastName": address.get("last_name"),
        "countryCodeV2": address.get("country_code"),
        "countryCode": address.get("country_code"),
        "provinceCode": address.get("province_code"),
        "latitude": address.get("latitude"),
        "longitude": address.get("longitude"),
    }


def line_item_view(order: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL LineItem."""
    price = money(line.get("price"))
    product, variant = line.get("product_id"), line.get("variant_id")
    refundable = refunds.refundable_quantity(order, line)
    return {
        "__typename": "LineItem",
        "id": line["admin_graphql_api_id"],
        "name": line.get("name") or line.get("title"),
        "title": line.get("title"),
        "variantTitle": line.get("variant_title"),
        "vendor": line.get("vendor"),
        "sku": line.get("sku"),
        "quantity": line["quantity"],
        "currentQuantity": line.get("current_quantity", line["quantity"]),
        "unfulfilledQuantity": line.get("fulfillable_quantity", 0),
        "refundableQuantity": refundable,
        "requiresShipping": bool(line.get("requires_shipping", True)),
        "product": {
            "__typename": "Product",
            "id": gid("Product", product),
            "legacyResourceId": str(product),
        }
        if product
        else None,
        "variant": {
            "__typename": "ProductVariant",
            "id": gid("ProductVariant", variant),
            "sku": line.get("sku"),
        }
        if variant
        else None,
        "originalUnitPriceSet": order_money(price, order),
        "discountedUnitPriceSet": order_money(price, order),
        "originalTotalSet": order_money(price * line["quantity"], order),
    }


def shipping_line_view(order: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL ShippingLine."""
    return {
        "__typename": "ShippingLine",
        "id": gid("ShippingLine", line["id"]),
        "title": line.get("title") or "",
        "code": line.get("code"),
        "source": line.get("source"),
        "carrierIdentifier": line.get("carrier_identifier"),
        "isRemoved": bool(line.get("is_removed")),
        "originalPriceSet": order_money(money(line.get("price")), order),
        "discountedPriceSet": order_money(
            money(line.get("discounted_price", line.get("price"))), order
        ),
    }


def fulfillment_view(
    shop: SandboxShop, order: dict[str, Any], fulfillment: dict[str, Any]
) -> dict[str, Any]:
    """Return a GraphQL Fulfillment with its tracking and carrier events."""
    events = sorted(
        shop.fulfillment_events.get(fulfillment["id"], []), key=lambda e: e["happened_at"]
    )
    estimated = [e["estimated_delivery_at"] for e in events if e.get("estimated_delivery_at")]
    shipment = fulfillment.get("shipment_status")
    status = (fulfillment.get("status") or "success").upper()
    numbers = fulfillment.get("tracking_numbers") or []
    urls = fulfillment.get("tracking_urls") or []
    return {
        "__typename": "Fulfillment",
        "id": fulfillment["admin_graphql_api_id"],
        "legacyResourceId": str(fulfillment["id"]),
        "name": fulfillment.get("name") or "",
        "status": status,
        "displayStatus": "CANCELED" if status == "CANCELLED" else (shipment or "fulfilled").upper(),
        "createdAt": graphql_time(fulfillment["created_at"]),
        "updatedAt": graphql_time(fulfillment["updated_at"]),
        "inTransitAt": _first_time(events, "in_transit"),
        "deliveredAt": _first_time(events, "delivered"),
        "estimatedDeliveryAt": graphql_time(estimated[-1]) if estimated else None,
        "totalQuantity": sum(
            int(line.get("quantity") or 0) for line in fulfillment.get("line_items") or ()
        ),
        "trackingInfo": [
            {
                "company": fulfillment.get("tracking_company"),
                "number": number,
                "url": urls[index] if index < len(urls) else fulfillment.get("tracking_url"),
            }
            for index, number in enumerate(numbers)
        ],
        "events": [event_view(event) for event in events],
        "fulfillmentLineItems": [
            {
                "id": gid("FulfillmentLineItem", number),
                "quantity": quantity,
                "lineItem": line_view_by_id(order, line_item_id),
            }
            for number, (fulfillment_id, line_item_id, quantity) in shop.fulfillment_lines.items()
            if fulfillment_id == fulfillment["id"]
        ],
        "_order": order,
    }


def _first_time(events: list[dict[str, Any]], status: str) -> str | None:
    return next((graphql_time(e["happened_at"]) for e in events if e["status"] == status), None)


def line_view_by_id(order: dict[str, Any], line_item_id: int) -> dict[str, Any] | None:
    """Return the LineItem view of one of the order's lines, or None."""
    line = next((item for item in order["line_items"] if item["id"] == line_item_id), None)
    return line_item_view(order, line) if line else None


def event_view(event: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL FulfillmentEvent."""
    keys = ("message", "city", "province", "country", "zip", "address1", "latitude", "longitude")
    return {
        "__typename": "FulfillmentEvent",
        "id": event["admin_graphql_api_id"],
        "status": event["status"].upper(),
        "happenedAt": graphql_time(event["happened_at"]),
        "estimatedDeliveryAt": graphql_time(event.get("estimated_delivery_at")),
        "createdAt": graphql_time(event["created_at"]),
        **{key: event.get(key) for key in keys},
    }


def transaction_view(
    shop: SandboxShop, order: dict[str, Any], transaction: dict[str, Any]
) -> dict[str, Any]:
    """Return a GraphQL OrderTransaction."""
    parent_id = transaction.get("parent_id")
    return {
        "__typename": "OrderTransaction",
        "id": gid("OrderTransaction", transaction["id"]),
        "kind": transaction["kind"].upper(),
        "status": transaction["status"].upper(),
        "gateway": transaction.get("gateway"),
        "formattedGateway": (transaction.get("gateway") or "").replace("_", " ").title(),
        "test": bool(transaction.get("test")),
        "errorCode": None,
        "manuallyCapturable": False,
        "amountSet": order_money(money(transaction["amount"]), order),
        "createdAt": graphql_time(transaction["created_at"]),
        "processedAt": graphql_time(transaction.get("processed_at")),
        "parentTransaction": (lambda info, **_: _transaction_by_id(shop, order, parent_id)),
        "_order": order,
    }


def _transaction_by_id(shop: SandboxShop, order: dict[str, Any], number: int | None) -> dict | None:
    found = shop.transaction(order["id"], number) if number else None
    return transaction_view(shop, order, found) if found else None
