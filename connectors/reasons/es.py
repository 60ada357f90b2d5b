"""Spanish words for why an item came back.

Patterns match `normalize`'s output: casefolded, no accents (ñ -> n, so
"dañado" is "danado" and "pequeño" is "pequeno"), one space between words.
"""

LANGUAGE = "es"

NEGATORS = frozenset(
    {"no", "nada", "ni", "nunca", "jamas", "sin", "tampoco", "ningun", "ninguna", "ninguno"}
)
CONTRASTS = frozenset({"pero", "sino", "solo", "solamente", "unicamente", "aunque", "simplemente"})

_SENT = (
    r"(?:me |nos )?(?:enviaron|mandaron|llego|llegaron|recibi|recibimos|vino|vinieron"
    r"|entregaron|han enviado|han mandado|ha llegado)"
)
_WRONG = r"(?:equivocad[oa]|incorrect[oa]|errone[oa]|distint[oa]|diferente|cambiad[oa])"
_THING = r"(?:producto|articulo|modelo|color|objeto)"
_LOOK = (
    r"(?:la |las |el |lo |los )?(?:descripcion|descrito|fotos?|imagen(?:es)?|anuncio"
    r"|anunciado|publicacion|ficha)"
)
_SMALL = r"(?:pequen[oa]s?|chic[oa]s?|ajustad[oa]s?|apretad[oa]s?|estrech[oa]s?|cort[oa]s?)"
_LARGE = r"(?:grandes?|holgad[oa]s?|anch[oa]s?|larg[oa]s?|ampli[oa]s?)"
_ORDERED = r"(?:pedi|compre|ordene|encargue|solicite|elegi|pedimos|compramos)"

PATTERNS = (
    # defective
    ("defective", r"defectuos[oa]s?|defectos?|desperfectos?|fallos?|fallas?|averiad[oa]s?"
                  r"|averias?|incomplet[oa]s?|manchad[oa]s?|manchas?"),
    ("defective", r"no (?:funciona|funcionan|funcionaba|funcionaban|funciono|enciende"
                  r"|encienden|encendia|prende|prenden|carga|cargan|arranca|sirve|anda|andaba"
                  r"|va bien|responde)"),
    ("defective", r"(?:dejo|dejaron|ha dejado|han dejado) de funcionar"),
    ("defective", r"(?:se )?(?:rompio|rompieron|ha roto|han roto)"),
    ("damaged_in_transit", r"(?:se )?(?:rompio|rompieron|ha roto|han roto) (?:en|durante)"
                           r" (?:el )?(?:envio|transporte|camino|traslado)"),
    ("defective", r"(?:le |les )?faltan? (?:piezas|partes|accesorios|tornillos|componentes"
                  r"|una pieza)|(?:piezas|partes) faltantes"),
    # damage and transit cues
    ("damage", r"rot[oa]s?|danad[oa]s?|danos?|golpead[oa]s?|golpes?|rayad[oa]s?|rayon(?:es)?"
               r"|aplastad[oa]s?|abollad[oa]s?|abolladuras?|quebrad[oa]s?|agrietad[oa]s?"
               r"|grietas?|rajad[oa]s?|estropead[oa]s?|destrozad[oa]s?|rasgad[oa]s?"
               r"|desgarrad[oa]s?|doblad[oa]s?|astillad[oa]s?|hundid[oa]s?|chafad[oa]s?"),
    ("transit", r"lleg(?:o|a|an|aron|ado|ada|ados|adas|ue)|llegada|vin(?:o|ieron)|vienen?"
                r"|envios?|enviad[oa]s?|enviaron|mandaron|mandad[oa]s?|transportes?"
                r"|transportista|traslado|paquetes?|paqueteria|cajas?|embalajes?|empaques?"
                r"|empaquetad[oa]s?|envoltorio|mensajer(?:o|ia)|repartidor|courier|correos?"
                r"|entregas?|entregad[oa]s?|recibi(?:do|da|dos|das|mos)?|en transito"),
    # wrong_item
    ("wrong_item", rf"(?:{_THING}|pedido|paquete) {_WRONG}"),
    ("wrong_item", rf"{_SENT} (?:un |una |el |la )?(?:otro|otra|{_THING}) {_WRONG}"),
    ("wrong_item", rf"{_SENT} (?:otro|otra) (?:{_THING}|cosa|pedido|talla|numero|tamano)"),
    ("wrong_item", rf"no (?:es|era|son|eran) (?:lo|el|la|los|las|el {_THING}) que (?:yo )?"
                   rf"{_ORDERED}"),
    ("wrong_item", rf"no corresponde (?:a|con) (?:mi pedido|el pedido|lo que {_ORDERED})"),
    ("wrong_item", rf"{_SENT} (?:una |la |un |el )?(?:talla|numero|tamano) {_WRONG}"),
    ("wrong_item", rf"no es (?:la talla|el numero|el tamano) que {_ORDERED}"),
    # not_as_described
    ("not_as_described", r"no (?:coincide|coinciden|corresponde|corresponden|concuerda"
                         rf"|concuerdan) (?:con|a) {_LOOK}"),
    ("not_as_described", r"no (?:es|era|son|eran) (?:como|igual (?:a|que)) (?:en |lo de )?"
                         r"(?:(?:la |las |el )?(?:descripcion|foto|fotos|imagen|imagenes"
                         r"|anuncio)|se (?:describe|describia|muestra|ve|veia|anuncia"
                         r"|anunciaba))"),
    ("not_as_described", rf"(?:diferente|distint[oa])s? (?:a|de|que|al)(?: de| del)? {_LOOK}"),
    ("not_as_described", r"no se parece (?:en nada )?a (?:la |las )?(?:foto|fotos|imagen"
                         r"|imagenes|descripcion)"),
    ("not_as_described", r"(?:mala|baja|pesima|poca) calidad|calidad (?:es |era )?(?:muy )?"
                         r"(?:mala|baja|pesima|horrible)"),
    ("not_as_described", r"publicidad enganosa|descripcion (?:enganosa|incorrecta|erronea"
                         r"|falsa)|falsificad[oa]|imitacion|replica|no es original"),
    # size: which way the fit is off
    ("size_too_small", rf"(?:muy|demasiado|bastante|un poco|algo|mas) {_SMALL}"),
    ("size_too_small", r"(?:es|son|era|eran|queda|quedan|quedo|quedaba|resulto|viene|vino)"
                       rf" {_SMALL}"),
    ("size_too_small", rf"me (?:queda|quedan|quedo|quedaba|va|viene) {_SMALL}"),
    ("size_too_small", r"(?:talla|numero|tamano|horma) (?:pequen[oa]|chic[oa]|justa)"
                       r"|no me (?:entra|entran|cabe|caben)"
                       r"|(?:necesito|quiero|cambiar por) (?:una |la )?talla (?:mas grande|mayor)"),
    ("size_too_large", rf"(?:muy|demasiado|bastante|un poco|algo|mas) {_LARGE}"),
    ("size_too_large", r"(?:es|son|era|eran|queda|quedan|quedo|quedaba|resulto|viene|vino)"
                       rf" {_LARGE}"),
    ("size_too_large", rf"me (?:queda|quedan|quedo|quedaba|va|viene) {_LARGE}"),
    ("size_too_large", r"(?:talla|numero|tamano|horma) grande"
                       r"|(?:necesito|quiero|cambiar por) (?:una |la )?talla (?:mas pequena"
                       r"|menor)"),
    ("fit", r"tallas?|tamanos?|no me (?:queda|quedan|quedo|quedaba|va|vale|valen)"
            r"|me (?:queda|quedan|quedo|quedaba|va|viene) mal"),
    ("fit", rf"(?:talla|numero|tamano|horma) {_WRONG}"
            rf"|{_ORDERED} (?:mal )?(?:la |una )?talla(?: {_WRONG}| mal)?"),
    # colour and style
    ("colour", r"no me (?:gusta|gustan|gusto|convence) el color|el color no me (?:gusta|convence)"
               r"|color (?:es |era )?(?:muy |demasiado )?(?:chillon|oscuro|claro|feo|apagado"
               rf"|palido)|{_ORDERED} (?:el |un )?color {_WRONG}"
               r"|(?:prefiero|quiero|cambiar por) (?:otro|un) color(?: distinto| diferente)?"),
    ("style", r"no (?:es|era) (?:de )?mi estilo|no me (?:gusta|gustan|gusto|convence) el (?:estilo"
              r"|diseno|corte|estampado)|el (?:estilo|diseno) no me (?:gusta|convence)"),
    # unwanted
    ("unwanted", r"(?:ya )?no (?:lo |la |los |las )?(?:quiero|necesito|uso|queremos"
                 r"|necesitamos|usare)|ya no (?:hace falta|es necesari[oa])"),
    ("unwanted", r"me arrepenti|arrepentid[oa]s?|(?:cambie|cambiamos|he cambiado) de (?:idea"
                 r"|opinion|parecer)|cambio de (?:idea|opinion|parecer)"),
    ("unwanted", r"no me (?:gusta|gustan|gusto|gustaron|convence|convencio|sirve|sirven)"),
    ("unwanted", r"(?:lo |la )?(?:pedi|compre|pedimos|ordene)(?: dos veces)? por (?:error"
                 r"|equivocacion)|compra (?:por error|duplicada|equivocada|repetida)"),
    ("unwanted", rf"{_ORDERED} (?:el |la |un |una )?{_THING} {_WRONG}"),
    ("unwanted", r"pedido (?:por error|duplicado|repetido)|encontre (?:mas barato|mejor precio)"
                 r"|mas barato en otr[oa]|desistimiento"),
    ("unwanted", r"(?:tardo|tardaron|demoro|demoraron) (?:demasiado|mucho)"),
)  # fmt: skip
