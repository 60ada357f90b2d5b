"""The demo's shops, their customers and what they buy: made-up people in six languages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Customer:
    """Someone who orders from a demo shop, in their own language."""

    first_name: str
    last_name: str
    email: str
    locale: str
    city: str
    country: str  # ISO 3166-1 alpha-2


SHOPIFY_CUSTOMERS = (
    Customer("Lucía", "Fernández", "lucia.fernandez@example.es", "es", "Madrid", "ES"),
    Customer("Marco", "Bianchi", "marco.bianchi@example.it", "it", "Bologna", "IT"),
    Customer("Анна", "Смирнова", "anna.smirnova@example.ru", "ru", "Санкт-Петербург", "RU"),
    Customer("Jonas", "Becker", "jonas.becker@example.de", "de", "Leipzig", "DE"),
    Customer("Camille", "Moreau", "camille.moreau@example.fr", "fr", "Lyon", "FR"),
    Customer("Emma", "Clarke", "emma.clarke@example.co.uk", "en", "Bristol", "GB"),
    Customer("Javier", "Ortega", "javier.ortega@example.es", "es-ES", "Sevilla", "ES"),
    Customer("Giulia", "Conti", "giulia.conti@example.it", "it-IT", "Torino", "IT"),
)

WOOCOMMERCE_CUSTOMERS = (
    Customer("Giulia", "Rossi", "giulia.rossi@example.it", "it", "Milano", "IT"),
    Customer("Lukas", "Schmidt", "lukas.schmidt@example.de", "de", "Köln", "DE"),
    Customer("Élodie", "Laurent", "elodie.laurent@example.fr", "fr", "Nantes", "FR"),
    Customer("Carmen", "Ruiz", "carmen.ruiz@example.es", "es", "Valencia", "ES"),
)


@dataclass(frozen=True)
class Product:
    """A product of the Shopify shop's catalogue (ids as Shopify gives them)."""

    product_id: int
    variant_id: int
    sku: str
    title: str
    variant_title: str
    price: str


CATALOGUE = (
    Product(8790331293753, 46871046996025, "TAZA-OLIVAR-350", 'Mug "Olivar"', "350 ml", "12.50"),
    Product(8790331326521, 46871047028793, "MANTEL-LINO-AZ", "Linen tablecloth", "Blue", "23.90"),
    Product(8790331359289, 46871047061561, "DELANTAL-M", "Cotton apron", "M", "19.00"),
    Product(8790331392057, 46871047094329, "ACEITE-500", "Olive oil tin", "500 ml", "14.20"),
    Product(8790331424825, 46871047127097, "FUENTE-30", "Oven dish", "30 cm", "30.00"),
)
