"""Italian words for why an item came back.

Patterns match `normalize`'s output: casefolded, no accents ("più" -> "piu",
"è" -> "e"), apostrophes as spaces ("l'articolo" -> "l articolo").
"""

LANGUAGE = "it"

NEGATORS = frozenset(
    {"non", "nessun", "nessuna", "nessuno", "mai", "senza", "niente", "nulla", "neanche",
     "nemmeno", "neppure"}
)  # fmt: skip
CONTRASTS = frozenset(
    {"ma", "pero", "solo", "soltanto", "semplicemente", "tuttavia", "bensi", "invece"}
)

_SENT = r"(?:inviat|mandat|spedit|consegnat|ricevut|arrivat|recapitat)[oa]"
_WRONG = r"(?:sbagliat[oaie]|errat[oaie]|divers[oaie])"
_THING = r"(?:articol[oi]|prodott[oi]|modell[oi]|colore|oggett[oi])"
_LOOK = r"(?:descrizione|foto|immagin[ei]|annuncio|scheda(?: prodotto)?)"
_ORDERED = r"(?:ordinat[oa]|comprat[oa]|acquistat[oa]|chiest[oa]|scelt[oa]|richiest[oa])"
_SMALL = r"(?:piccol|strett|cort|attillat|abbondant)[oaie]"
_BIG = r"(?:grand[ei]|larg(?:o|a|hi|he)|lung(?:o|a|hi|he)|ampi[oae]?)"

PATTERNS = (
    # defective
    ("defective", r"difettos[oaie]|difett[oi]|guast[oaie]|fallat[oaie]|malfunzionament[oi]"
                  r"|macchiat[oaie]|macchi[ae]|non funzionante"),
    ("defective", r"non (?:funziona|funzionano|funzionava|si accende|si accendono|si carica"
                  r"|carica|parte)"),
    ("defective", r"(?:ha |hanno )?smesso di funzionare|(?:si e|si sono) rott[oaie]"),
    ("damaged_in_transit", r"(?:si e|si sono) rott[oaie] (?:durante|nel|in) (?:la |il )?"
                           r"(?:spedizione|trasporto|viaggio|consegna)"),
    ("defective", r"mancano (?:dei |delle )?(?:pezzi|parti|componenti|accessori|viti)"
                  r"|(?:pezzi|parti|componenti|accessori) mancanti"),
    # damage and transit cues
    ("damage", r"rott[oaie]|danneggiat[oaie]|dann[oi]|rovinat[oaie]|graffiat[oaie]|graffi"
               r"|ammaccat[oaie]|ammaccatur[ae]|schiacciat[oaie]|crepat[oaie]|crep[ae]"
               r"|incrinat[oaie]|spaccat[oaie]|strappat[oaie]|distrutt[oaie]|frantumat[oaie]"
               r"|scheggiat[oaie]|piegat[oaie]|sfondat[oaie]"),
    ("transit", r"arrivat[oaie]|arriv(?:a|ano|o)|giunt[oaie]|consegn(?:a|e|at[oaie])"
                r"|spedizion[ei]|spedit[oaie]|trasporto|pacc(?:o|hi)|scatol[ae]"
                r"|imballaggi[oi]|imballo|confezion[ei]|corriere|ricevut[oaie]|in transito"),
    # wrong_item
    ("wrong_item", rf"{_THING} (?:{_WRONG}|non corrispondente)|ordine sbagliato"),
    ("wrong_item", rf"{_SENT} (?:un |una |l )?(?:altr[oa]|{_THING} divers[oa]|cosa diversa)"),
    ("wrong_item", r"non e (?:quello|cio|il prodotto|l articolo|il modello|il colore) che ho"
                   rf" {_ORDERED}"),
    ("wrong_item", rf"non corrisponde (?:al|all) (?:ordine|{_ORDERED}|articolo {_ORDERED})"),
    ("wrong_item", rf"{_SENT} (?:la |una |un )?(?:taglia|misura|numero) {_WRONG}"),
    ("wrong_item", rf"non e la taglia (?:che ho )?{_ORDERED}|taglia diversa da quella"
                   rf" {_ORDERED}"),
    # not_as_described
    ("not_as_described", r"non (?:corrisponde|corrispondono|e conforme|sono conformi|conforme)"
                         rf" (?:alla |alle |all |a |ai |al )?{_LOOK}"),
    ("not_as_described", rf"divers[oaie] (?:dalla|dalle|dall|da|dal) {_LOOK}"),
    ("not_as_described", r"non e come (?:descritto|mostrato|in foto|nella foto|nelle foto"
                         r"|nell immagine|da descrizione|nella descrizione)"),
    ("not_as_described", r"qualita (?:scadente|pessima|bassa|scarsa)|(?:scarsa|bassa|pessima"
                         r"|cattiva) qualita"),
    ("not_as_described", r"descrizione (?:errata|sbagliata|ingannevole|fuorviante|non corretta)"
                         r"|contraffatt[oaie]|non originale|imitazione"),
    # size: which way the fit is off
    ("size_too_small", rf"troppo {_SMALL}|(?:un po|molto|piuttosto|leggermente) {_SMALL}"),
    ("size_too_small", r"(?:misura|numero|numerazione|taglia) (?:piccol[oa]|strett[oa])"
                       rf"|(?:veste|vestono|calza|calzano) {_SMALL}"
                       r"|non mi (?:entra|entrano)|(?:serve|servirebbe|vorrei) (?:una )?taglia"
                       r" (?:piu grande|in piu)"),
    ("size_too_large", rf"troppo {_BIG}|(?:un po|molto|piuttosto|leggermente) {_BIG}"),
    ("size_too_large", r"(?:misura|numero|numerazione|taglia) grande"
                       r"|(?:veste|vestono|calza|calzano) grand[ei]"
                       r"|(?:serve|servirebbe|vorrei) (?:una )?taglia (?:piu piccola|in meno)"),
    ("fit", rf"tagli[ae]|(?:misura|numero|numerazione) (?:{_WRONG}|non (?:giusta|corretta"
            r"|adatta))"),
    ("fit", r"non mi (?:sta|stanno|va|vanno|calza|calzano)(?: bene)?"),
    ("fit", r"ho sbagliato (?:la )?(?:taglia|misura|numero)|cambio (?:taglia|misura|numero)"),
    ("fit", rf"(?:ordinato|scelto|preso) (?:la )?(?:taglia|misura|numero) {_WRONG}"),
    # colour and style
    ("colour", r"(?:il )?colore non mi (?:piace|convince)|non mi (?:piace|convince|e piaciuto)"
               r" (?:il )?colore|colore (?:troppo )?(?:acceso|scuro|chiaro|brutto|spento"
               rf"|sbiadito)|(?:ordinato|scelto|preso) (?:il )?colore {_WRONG}"),
    ("style", r"non (?:e )?(?:il )?mio stile|non mi (?:piace|convince|e piaciuto)"
              r" (?:lo stile|il design|il modello|la fantasia|il taglio)"
              r"|(?:lo )?stile non mi (?:piace|convince)"),
    # unwanted
    ("unwanted", r"(?:ho )?cambiato idea|cambio (?:di )?idea|ripensamento"),
    ("unwanted", r"non (?:mi |ci )?serv(?:e|ono) piu|non (?:ne )?(?:ho|abbiamo) piu bisogno"
                 r"|non piu (?:necessari[oaie]|utile)"),
    ("unwanted", r"non mi (?:piace|piacciono|e piaciut[oaie]|sono piaciut[oaie]|convince)"),
    ("unwanted", r"non (?:lo|la|li|le) voglio piu"),
    ("unwanted", r"(?:ordinat[oaie]|acquistat[oaie]|comprat[oaie]) per (?:errore|sbaglio)"
                 r"|ordine (?:doppio|duplicato)"),
    ("unwanted", rf"(?:ordinato|comprato|acquistato|scelto) (?:l |il |un |una |la )?{_THING}"
                 rf" {_WRONG}"),
    ("unwanted", r"(?:trovato|visto) (?:a )?(?:meno|un prezzo (?:migliore|piu basso))"
                 r"|(?:diritto di )?recesso"),
)  # fmt: skip
