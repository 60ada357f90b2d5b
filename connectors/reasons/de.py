"""German words for why an item came back.

Patterns match `normalize`'s output: casefolded, umlauts without their dots,
ß as ss ("Größe" -> "grosse", "beschädigt" -> "beschadigt"). Customers without
umlaut keys write "ae", "oe", "ue" ("beschaedigt"), so stems allow both.
"""

LANGUAGE = "de"

NEGATORS = frozenset(
    {"nicht", "kein", "keine", "keinen", "keiner", "keinem", "keines", "nie", "niemals",
     "ohne", "nichts", "weder"}
)  # fmt: skip
CONTRASTS = frozenset(
    {"aber", "sondern", "nur", "jedoch", "doch", "einfach", "allerdings", "lediglich"}
)

_A = r"(?:a|ae)"
_O = r"(?:o|oe)"
_U = r"(?:u|ue)"
_SIZE = rf"gr{_O}ss?e"  # Größe, Grösse, Groesse
_BIG = rf"gr{_O}ss?"  # groß
_THING = (
    r"(?:artikel|ware|produkt|farbe|modell|teil|ger(?:a|ae)t|ausf(?:u|ue)hrung|variante|sache"
    r"|buch)"
)
_SENT = r"(?:geliefert|geschickt|zugeschickt|erhalten|bekommen|versendet|verschickt|versandt)"
_LOOK = (
    r"(?:beschreibung|artikelbeschreibung|produktbeschreibung|abbildung(?:en)?|fotos?"
    r"|bild(?:ern?)?|angaben?|darstellung)"
)

PATTERNS = (
    # defective
    ("defective", rf"defekt\w*|fehlerhaft\w*|mangelhaft\w*|m{_A}ngel|ausgefallen"
                  rf"|totalausfall|funktionsst{_O}rung\w*|unvollst{_A}ndig\w*|fleck(?:en|ig)?"),
    ("defective", rf"(?:funktioniert|funktionierte|funktionieren|funktionierten|geht|ging"
                  rf"|l{_A}uft|lief|startet|l{_A}dt|leuchtet) nicht(?: mehr)?"),
    ("defective", rf"l{_A}sst sich nicht (?:mehr )?(?:einschalten|anschalten|laden|aufladen"
                  rf"|{_O}ffnen|schliessen|bedienen|benutzen|verbinden|starten)"),
    ("defective", r"(?:ist |sind )?kaputt ?gegangen|(?:ging|geht) kaputt"),
    ("damaged_in_transit", r"(?:beim|auf dem|wahrend des|waehrend des) (?:transport|versand"
                           r"|postweg)s? (?:kaputt ?gegangen|(?:ging|ist) kaputt)"),
    ("defective", r"(?:produktions|herstellungs|fabrikations|material|verarbeitungs)fehler"),
    ("defective", rf"(?:fehlende|fehlen) (?:teile|schrauben|zubeh{_O}r\w*|bauteile)"
                  r"|teile fehlen"),
    # damage and transit cues
    ("damage", rf"kaputt(?:e|en|er|es)?|besch{_A}digt(?:e|en|er|es)?|besch{_A}digung(?:en)?"
               rf"|sch{_A}den|zerbrochen\w*|gebrochen\w*|zersprungen|gesprungen"
               rf"|zerkratzt\w*|verkratzt\w*|kratzer\w*|zerdr{_U}ckt\w*|eingedr{_U}ckt\w*"
               rf"|gequetscht\w*|zerrissen\w*|gerissen\w*|eingerissen\w*|eingedellt\w*"
               rf"|dell(?:e|en)|verbeult\w*|zerst{_O}rt\w*|verbogen\w*|zersplittert"
               rf"|gesplittert|abgebrochen\w*|angeschlagen"),
    ("transit", r"angekommen|ankam|ankamen|ankunft|kam|kamen|geliefert|lieferung|zustellung"
                r"|zugestellt|anlieferung|ausgeliefert|versand|versendet|verschickt|versandt"
                r"|transport\w*|paket\w*|karton\w*|verpackung\w*|verpackt|umverpackung|post"
                r"|paketdienst|zusteller|kurier|paketbote|dhl|hermes|dpd|gls|erhalten"
                r"|unterwegs|sendung"),
    ("damaged_in_transit", rf"(?:transport|versand|liefer)(?:sch{_A}den|schaden"
                           rf"|besch{_A}digung)\w*"),
    # wrong_item
    ("wrong_item", rf"falsche[rsn]? (?:{_THING}|lieferung|sendung|paket|bestellung)"),
    ("wrong_item", rf"(?:andere[rsn]?) {_THING} {_SENT}|nicht (?:der|das|den|die) bestellte\w*"),
    ("wrong_item", r"nicht (?:das|der|die|den)[ ,]+(?:was|den|die|das) ich bestellt"),
    ("wrong_item", r"verwechsel\w*|falsch (?:geliefert|verschickt|geschickt)|falschlieferung"),
    ("wrong_item", rf"(?:entspricht|entsprach) nicht (?:der|meiner) bestellung"
                   rf"|irrt{_U}mlich (?:geliefert|geschickt|zugeschickt)"),
    ("wrong_item", rf"(?:falsche|andere) {_SIZE} {_SENT}|nicht die bestellte {_SIZE}"
                   rf"|andere {_SIZE} als bestellt"),
    # not_as_described
    ("not_as_described", rf"(?:entspricht|entsprach|entsprechen) nicht (?:der|den|dem) {_LOOK}"),
    ("not_as_described", r"(?:nicht wie|anders als) (?:beschrieben|abgebildet|angegeben"
                         r"|dargestellt|angeboten|erwartet|auf (?:dem|den) (?:fotos?|bild(?:ern)?"
                         r"|abbildungen?))"),
    ("not_as_described", r"(?:sieht|sah|sehen) (?:ganz |v(?:o|oe)llig )?anders aus"
                         r"|weicht (?:von der beschreibung|vom bild|von der abbildung) ab"),
    ("not_as_described", rf"(?:schlechte|miese|minderwertige|billige|mangelhafte) qualit{_A}t"
                         rf"|qualit{_A}t (?:ist |war )?(?:schlecht|mies|minderwertig|mangelhaft"
                         rf"|entt{_A}uschend)|minderwertig\w*"),
    ("not_as_described", rf"f{_A}lschung|gef{_A}lscht\w*|fake|plagiat|nicht original"
                         rf"|irref{_U}hrend\w*"),
    # size: which way the fit is off
    ("size_too_small", r"zu (?:klein|eng|kurz|schmal|knapp)(?:e|en|er|es)?"),
    ("size_too_small", rf"(?:f{_A}llt|fallen|fiel|fielen) (?:sehr |zu |etwas |eher )?"
                       r"(?:klein|eng)(?: aus)?"),
    ("size_too_small", rf"nummer zu klein|nummer gr{_O}sser|(?:brauche|ben{_O}tige) (?:eine )?"
                       rf"gr{_O}ssere {_SIZE}"),
    ("size_too_large", rf"zu (?:{_BIG}|weit|lang|breit|locker)(?:e|en|er|es)?"),
    ("size_too_large", rf"(?:f{_A}llt|fallen|fiel|fielen) (?:sehr |zu |etwas |eher )?"
                       rf"(?:{_BIG}|weit)(?: aus)?"),
    ("size_too_large", rf"nummer zu {_BIG}|nummer kleiner|(?:brauche|ben{_O}tige) (?:eine )?"
                       rf"kleinere {_SIZE}"),
    ("fit", r"(?:passt|passen|passte|passten|sitzt) (?:nicht|schlecht)"),
    ("fit", rf"(?:falsche|andere|passende|richtige|kleinere|gr{_O}ssere) {_SIZE}"
            rf"|{_SIZE} (?:passt|stimmt|war|ist|falsch|nicht)"),
    ("fit", rf"{_SIZE}n?(?:tabelle|problem|angabe)\w*|(?:kleider|schuh|konfektions){_SIZE}"),
    ("fit", rf"(?:in|bei) der {_SIZE} (?:vertan|geirrt|vergriffen)"
            rf"|(?:falsche|andere) {_SIZE} bestellt"),
    # "große" (big) folds like "Größe" (size): read the noun only where it must be one
    ("fit", rf"(?:meine|meiner|ihre|ihrer|unsere) {_SIZE}|{_SIZE} (?:xs|s|m|l|xl|xxl|\d+)"),
    # colour and style
    ("colour", rf"(?:die )?farbe gef{_A}llt (?:mir |uns )?nicht|gef{_A}llt (?:mir |uns )?"
               rf"(?:die )?farbe nicht|farbe (?:ist |war )?(?:zu )?(?:grell|dunkel|hell|blass"
               rf"|knallig|h{_A}sslich)|(?:falsche|andere) farbe bestellt"),
    ("style", rf"nicht (?:mein|meinen|unser) (?:stil|geschmack)|(?:der )?(?:stil|schnitt|look"
              rf"|design) gef{_A}llt (?:mir |uns )?nicht|gef{_A}llt (?:mir |uns )?(?:der )?"
              r"(?:stil|schnitt|look) nicht"),
    # unwanted
    ("unwanted", rf"nicht mehr (?:ben{_O}tigt|gebraucht|erforderlich|notwendig|gew{_U}nscht)"
                 r"|kein bedarf(?: mehr)?"),
    ("unwanted", r"brauche (?:es |ihn |sie |das )?nicht mehr|will (?:es |ihn |sie )?nicht mehr"),
    ("unwanted", rf"gef{_A}llt (?:mir |uns )?nicht(?: mehr)?|(?:hat|haben) (?:mir |uns )?nicht"
                 rf" gefallen|gefiel (?:mir |uns )?nicht"),
    ("unwanted", rf"anders {_U}berlegt|meinung ge{_A}ndert|sinneswandel"),
    ("unwanted", rf"(?:versehentlich|aus versehen|irrt{_U}mlich|f{_A}lschlich|doppelt)"
                 rf" (?:bestellt|gekauft)|fehlkauf|widerruf\w*"),
    ("unwanted", rf"falsche[rsn]? (?:{_THING}) bestellt"),
    ("unwanted", rf"woanders (?:g{_U}nstiger|billiger)"),
    ("unwanted", r"(?:hat )?zu lange gedauert|lieferzeit zu lang"),
)  # fmt: skip
