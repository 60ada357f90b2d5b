"""French words for why an item came back.

Patterns match `normalize`'s output: casefolded, no accents ("abîmé" ->
"abime", "reçu" -> "recu"), apostrophes as spaces ("n'est" -> "n est",
"d'avis" -> "d avis"), so elided "n" counts as a negator.
"""

LANGUAGE = "fr"

NEGATORS = frozenset(
    {"pas", "ne", "n", "aucun", "aucune", "jamais", "sans", "ni", "rien", "nullement"}
)
CONTRASTS = frozenset(
    {"mais", "juste", "seulement", "simplement", "cependant", "pourtant", "toutefois",
     "uniquement", "sauf"}
)  # fmt: skip

_E = r"(?:e|s|es)?"  # feminine and plural endings: casse, cassee, casses, cassees
_THING = r"(?:article|produit|modele|objet|coloris)"
_LOOK = (
    r"(?:la |les |l )?(?:description|descriptif|photos?|images?|annonce|fiche(?: produit)?"
    r"|visuels?)"
)
_SENT = r"(?:recu|envoye|livre|expedie)(?:e|s|es)?"
_ORDERED = r"(?:command|achet|demand|choisi)(?:e|s|es|ee|ees)?"

PATTERNS = (
    # defective
    ("defective", r"defectueu(?:x|se|ses)|defauts?(?: de fabrication)?|en panne|panne"
                  r"|hors service|dysfonctionnements?|defaillan(?:t|te|ts|tes|ce)"),
    ("defective", r"(?:ne )?(?:fonctionne|fonctionnent|fonctionnait|marche|marchent|marchait"
                  r"|s allume|s allument|se charge|charge|demarre) (?:pas|plus)"),
    ("defective", r"(?:a|ont) cesse de fonctionner|(?:s est|se sont) casse" + _E),
    ("damaged_in_transit", r"(?:s est|se sont) casse" + _E + r" (?:pendant|lors de|durant)"
                           r" (?:le |la |l )?(?:transport|livraison|expedition|envoi)"),
    ("defective", r"(?:il )?manque (?:des |une |un )?(?:pieces?|elements?|accessoires?|vis)"
                  r"|pieces? manquantes?|incomplet(?:e|s|es)?"),
    # damage and transit cues
    ("damage", r"(?:casse|endommage|abime|brise|fele|fissure|ecrase|raye|dechire|cabosse"
               r"|enfonce|ebreche|tordu)" + _E + r"|detruit(?:e|s|es)?|rayures?|degats?"
               r"|dommages?"),
    ("transit", r"arrive(?:e|s|es)?|arrivee|recu(?:e|s|es)?|livr(?:e|ee|es|ees|aison|aisons)"
                r"|colis|cartons?|emballages?|transport(?:eur)?|expedition|expedie(?:e|s|es)?"
                r"|envoi|la poste|coursier|livreur|paquets?|boites?|acheminement"),
    # wrong_item
    ("wrong_item", rf"mauvais (?:{_THING}|colis)|mauvaise (?:couleur|reference|piece|version"
                   r"|marchandise)"),
    ("wrong_item", rf"(?:{_THING}|colis) (?:errone|incorrect|different)(?:e|s|es)?"),
    ("wrong_item", r"pas (?:ce que|l article que|le produit que|le modele que)"
                   rf" (?:j ai |nous avons )?{_ORDERED}"),
    ("wrong_item", rf"pas le bon (?:{_THING}|colis)|pas la bonne (?:couleur|reference|piece)"),
    ("wrong_item", r"erreur (?:d article|de produit|de reference|de couleur|de colis|d envoi"
                   r"|de livraison|de preparation)"),
    ("wrong_item", rf"{_SENT} (?:un |une )?(?:autre (?:{_THING}|chose)|{_THING} different"
                   rf"(?:e|s|es)?)|(?:non conforme|ne correspond pas) a (?:la|ma) commande"),
    ("wrong_item", rf"{_SENT} (?:la |une )?mauvaise (?:taille|pointure)"
                   rf"|mauvaise (?:taille|pointure) {_SENT}"),
    ("wrong_item", rf"pas la (?:taille|pointure) (?:que j ai )?{_ORDERED}"),
    # not_as_described
    ("not_as_described", rf"ne correspond(?:ent)? pas (?:a|au|aux) {_LOOK}"),
    ("not_as_described", rf"(?:non|pas) conformes? (?:a|au|aux) {_LOOK}"),
    ("not_as_described", r"pas (?:comme|tel que|telle que) (?:decrit|annonce|presente|montre)"
                         + _E + rf"|pas comme (?:sur|dans|en) {_LOOK}"),
    ("not_as_described", rf"different(?:e|s|es)? (?:de|des|du) {_LOOK}"
                         rf"|ne ressemble pas (?:a|au|aux) {_LOOK}"),
    ("not_as_described", r"(?:mauvaise|pietre|faible|basse) qualite|qualite (?:tres )?"
                         r"(?:mediocre|decevante|mauvaise|bas de gamme)"),
    ("not_as_described", r"(?:description|publicite|annonce) (?:mensongere|trompeuse|erronee)"
                         r"|contrefacon|faux produit|pas d origine|pas original(?:e)?"),
    # size: which way the fit is off
    ("size_too_small", r"(?:trop|tres|un peu|vraiment|assez|beaucoup trop) (?:petit|serre"
                       r"|court|etroit|juste|moulant)" + _E),
    ("size_too_small", r"taille (?:trop )?petite|(?:la |une )?taille au dessus"),
    ("size_too_large", r"(?:trop|tres|un peu|vraiment|assez|beaucoup trop) (?:grand|large"
                       r"|long|ample)" + _E),
    ("size_too_large", r"taille (?:trop )?grande|(?:la |une )?taille en dessous"),
    ("fit", r"tailles?|pointures?"),
    ("fit", r"ne (?:me |nous )?(?:va|vont) pas|me va mal|pas (?:a )?ma (?:taille|pointure)"),
    ("fit", r"(?:trompe|trompee) de (?:taille|pointure)|pas la bonne (?:taille|pointure)"),
    # colour and style
    ("colour", r"(?:la )?couleur ne (?:me |nous )?(?:plait|convient) pas|(?:n )?aime pas"
               r" (?:la )?couleur|couleur (?:trop )?(?:vive|foncee|claire|terne|criarde|fade)"
               rf"|{_ORDERED} (?:la |une )?mauvaise couleur"),
    ("style", r"pas (?:a )?mon (?:style|gout)|(?:le )?style ne (?:me |nous )?(?:plait|convient)"
              r" pas|(?:n )?aime pas (?:le )?(?:style|modele|design|motif|coupe)"),
    # unwanted
    ("unwanted", r"change(?:r)? d avis|changement d avis"),
    ("unwanted", r"(?:plus|pas) besoin|n en (?:ai|avons|a) plus besoin"),
    ("unwanted", r"ne (?:me |nous )?(?:plait|plaisent|plaisait|convient|conviennent"
                 r"|convenait) (?:pas|plus)"),
    ("unwanted", r"(?:command|achet)(?:e|s|es|ee|ees)? par (?:erreur|megarde)"
                 r"|(?:commande en double|double commande)"),
    ("unwanted", rf"(?:{_ORDERED}) (?:le |la |l |un |une )?(?:mauvais|mauvaise) (?:{_THING}"
                 r"|couleur|reference)|trompee? d (?:article|produit|modele|objet)"),
    ("unwanted", r"moins cher ailleurs|(?:droit de )?retractation"
                 r"|plus envie|ne (?:le |la |les )?veux plus"),
    ("unwanted", r"delais? (?:de livraison )?(?:trop|tres) longs?|(?:arrive|livre)(?:e|s|es)?"
                 r" trop tard"),
)  # fmt: skip
