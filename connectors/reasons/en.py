"""English words for why an item came back.

Patterns match `normalize`'s output: casefolded, no accents, apostrophes as
spaces ("doesn't" -> "doesn t"), one space between words.
"""

LANGUAGE = "en"

NEGATORS = frozenset(
    {
        "not", "no", "never", "nothing", "none", "without", "neither", "nor", "cannot",
        "isn", "isnt", "wasn", "wasnt", "aren", "arent", "weren", "werent", "doesn",
        "doesnt", "don", "dont", "didn", "didnt", "hasn", "hasnt", "haven", "havent",
    }
)  # fmt: skip
CONTRASTS = frozenset({"but", "however", "though", "although", "just", "only", "instead", "yet"})

_NT = r"(?:n t|nt| not)"  # doesn't, doesnt, does not
_ISNT = r"(?:is|was|are|were)(?:n t|nt| not)|not"
_WONT = r"(?:won t|wont|will not|can t|cant|cannot)"
_PHOTO = (
    r"(?:the |its |their )?(?:photos?|pictures?|pics?|images?|description|listing|website"
    r"|site|ad|advert)"
)
_THING = (
    r"(?:item|product|article|model|colou?r|one|thing|version|style|design|variant"
    r"|flavou?r|edition|pair|shoe|book|part)s?"
)
_SENT = r"(?:sent|shipped|delivered|received|got|gave|send)(?: me| us)?"
_BOUGHT = r"(?:ordered|bought|purchased|picked|chose|selected)"

PATTERNS = (
    # defective: it does not work, or broke in use
    ("defective", r"defect(?:s|ive)?|faulty|malfunction(?:s|ing|ed)?|incomplete"),
    ("defective", rf"(?:does|do|did){_NT} (?:work|function|turn on|switch on|power on|charge"
                  r"|start|boot|connect|pair|light up|operate|hold (?:a )?charge|close|lock)"),
    ("defective", rf"(?:{_ISNT}) (?:working|functioning|charging|turning on)"),
    ("defective", rf"{_WONT} (?:work|turn on|switch on|power on|charge|start|boot)"),
    ("defective", r"(?:stopped|quit|stops) (?:working|functioning|charging)"),
    ("defective", r"dead on arrival|doa|(?:battery|screen|unit|device) (?:is |was )?dead"),
    ("defective", r"broke|(?:fell|falls|falling|came|coming) apart|not fit for purpose"),
    ("defective", r"(?:missing|lacks?|lacking) (?:parts?|pieces?|screws?|components?"
                  r"|accessories|hardware|cables?|charger)"),
    ("defective", r"(?:parts?|pieces?|screws?|components?|accessories) (?:are |were |is |was )?"
                  r"missing"),
    ("defective", r"leak(?:s|ing|ed|y)?|stain(?:s|ed)?|flicker(?:s|ing)?|overheat(?:s|ing|ed)?"
                  r"|(?:has|had|with) (?:a |some )?holes?"),
    # damage words, read with transit words nearby
    ("damage", r"broken|damaged?|damages|cracked|cracks?|crushed|dented|dents?|smashed"
               r"|shattered|scratch(?:ed|es)?|scuffed|bent|torn|ripped|chipped|snapped"
               r"|squashed|squished|busted|destroyed|wrecked|mangled"),
    ("transit", r"arriv(?:e|ed|es|ing|al)|came|received|deliver(?:y|ed|ies)?|shipping|shipped"
                r"|shipment|transit|transport(?:ation)?|post|postal|mail|mailed|courier"
                r"|carrier|box|boxes|packag(?:e|es|ed|ing)|parcel|packing|fedex|dhl|usps"),
    ("damaged_in_transit", r"broke (?:in|during) (?:shipping|transit|delivery|shipment"
                           r"|the post|the mail)"),
    # wrong_item: the store sent something else
    ("wrong_item", rf"wrong {_THING}|wrong (?:order|parcel|package)"),
    ("wrong_item", rf"(?:incorrect|different) {_THING}|someone else s (?:order|item|parcel"
                   r"|package)"),
    ("wrong_item", rf"(?:{_ISNT}) (?:the )?(?:item|product|one|model|colou?r|thing|what)"
                   r" (?:i|we) (?:ordered|purchased|bought|paid for|selected|chose)"),
    ("wrong_item", rf"{_SENT} (?:the |a |an )?(?:wrong|incorrect|different) size"),
    ("wrong_item", r"(?:wrong|incorrect|different) size (?:was |were )?(?:sent|shipped"
                   r"|delivered|received)"),
    ("wrong_item", rf"(?:{_ISNT}) (?:the )?size (?:i|we) (?:ordered|selected|chose|picked)"),
    # not_as_described: the listing promised something else
    ("not_as_described", rf"(?:{_ISNT}) as (?:described|advertised|pictured|shown|expected"
                         r"|stated|listed|depicted)"),
    ("not_as_described", r"(?:looks?|looked|is|was|are|were) (?:very |completely |totally "
                         rf"|quite )?(?:different|nothing like)(?: from| than| to)? {_PHOTO}"),
    ("not_as_described", rf"(?:different (?:from|than|to)|nothing like|not like) {_PHOTO}"),
    ("not_as_described", rf"(?:(?:does|do|did){_NT}|not) (?:match|look like|resemble)"
                         rf" {_PHOTO}"),
    ("not_as_described", r"(?:inaccurate|misleading|incorrect|false) (?:description|listing"
                         r"|photos?|pictures?|advertising)|misleading"),
    ("not_as_described", r"(?:poor|bad|cheap|low|terrible|awful|inferior|horrible) quality"
                         r"|quality (?:is |was )?(?:poor|bad|terrible|awful|low|cheap)"
                         r"|cheaply made|flimsy"),
    ("not_as_described", r"(?:not happy|unhappy|disappointed) with (?:the )?quality"),
    ("not_as_described", r"fake|counterfeit|knock ?off|replica|not (?:genuine|authentic"
                         r"|original)"),
    ("not_as_described", r"(?:smaller|bigger|larger|thinner|different) than (?:described"
                         rf"|advertised|pictured|shown|stated|it looks|in {_PHOTO})"),
    ("not_as_described", r"not what (?:i|we) expected"),
    # size: the customer's fit, which way it is off
    ("size_too_small", r"(?:too|way too|much too|a bit too|slightly too|a little too) (?:small"
                       r"|tight|short|narrow|snug)"),
    ("size_too_small", r"(?:is|are|was|were|s|runs?|ran|fits?|fitted|bit|little|very|quite"
                       r"|rather|slightly) (?:small|tight|snug)"),
    ("size_too_small", r"(?:smaller|tighter|shorter|narrower) than expected"),
    ("size_too_small", r"(?:need|needs|needed|want|wanted|exchange for|swap for) (?:a |the )?"
                       r"(?:bigger|larger) size|size up"),
    ("size_too_large", r"(?:too|way too|much too|a bit too|slightly too|a little too) (?:big"
                       r"|large|loose|long|wide|baggy|tall)"),
    ("size_too_large", r"(?:is|are|was|were|s|runs?|ran|fits?|fitted|bit|little|very|quite"
                       r"|rather|slightly) (?:big|large|loose|baggy)"),
    ("size_too_large", r"(?:bigger|larger|looser|longer|wider) than expected"),
    ("size_too_large", r"(?:need|needs|needed|want|wanted|exchange for|swap for) (?:a |the )?"
                       r"smaller size|size down"),
    # a fit without its direction decides nothing alone ("doesn't fit")
    ("fit", rf"(?:does|do|did){_NT} fit|{_WONT} fit|not (?:fit|fitting)|(?:poor|bad) fit"),
    ("fit", rf"(?:wrong|incorrect) size|(?:{_ISNT}) (?:the )?right size|not my size"),
    ("fit", rf"{_BOUGHT} (?:the |a |an )?(?:wrong|incorrect) size"),
    ("fit", r"(?:need|needs|needed|want|wanted|exchange for|swap for) (?:a |the )?different size"
            r"|sizes?|sizing|fit (?:issue|problem)s?"),
    # colour and style: the customer's taste, said of the colour or of the look
    ("colour", rf"(?:(?:does|do|did){_NT}|not) (?:like|love) (?:the |its |this |that |their )?"
               r"colou?rs?"),
    ("colour", r"colou?rs? (?:is |was |are |were )?(?:too |a bit |very |rather )?(?:bright"
               r"|dark|light|dull|pale|loud|garish|ugly)|(?:ugly|awful|horrible) colou?rs?"),
    ("colour", rf"{_BOUGHT} (?:the |a |an )?wrong colou?rs?|(?:prefer|want|wanted|exchange for"
               r"|swap for) (?:a |the )?(?:different|another) colou?r"),
    ("style", rf"not (?:my|our) style|(?:(?:does|do|did){_NT}|not) (?:like|love) (?:the |its "
              r"|this |that )?(?:style|design|look|cut|pattern|shape)"),
    ("style", rf"{_BOUGHT} (?:the |a |an )?wrong (?:style|design|pattern)|not (?:to )?my taste"
              rf"|(?:does|do|did){_NT} suit (?:me|us)|unflattering|old fashioned"),
    # unwanted: the customer's own choice
    ("unwanted", r"changed (?:my|our|her|his) minds?|change of (?:heart|mind)"),
    ("unwanted", r"no longer (?:need(?:ed|s)?|want(?:ed|s)?|required|necessary|useful)"
                 r"|no need|(?:not|no longer) needed|unwanted|unneeded|unnecessary"),
    ("unwanted", rf"(?:does|do|did){_NT} (?:need|want|like|love)"),
    ("unwanted", r"(?:ordered|bought|purchased)(?: it| this| them| the item)? (?:by mistake"
                 r"|by accident|accidentally|in error|twice|mistakenly)"),
    ("unwanted", r"(?:accidental|mistaken|duplicate|double) (?:order|purchase)"
                 r"|(?:accidentally|mistakenly) (?:ordered|bought|purchased)"),
    ("unwanted", rf"{_BOUGHT} (?:the |a |an )?wrong {_THING}"),
    ("unwanted", r"(?:found|saw) (?:it |a |one )?(?:cheaper|better (?:price|deal|one))"
                 r"|cheaper elsewhere"),
    ("unwanted", r"not for me"),
    ("unwanted", r"(?:took|takes|taking) (?:too|way too) long"
                 r"|(?:(?:arrived|came|delivered) )?too late"),
)  # fmt: skip
