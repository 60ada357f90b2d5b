"""Read why an item came back from the words a customer or merchant typed.

WooCommerce refund reasons and return-plugin notes are free text, often not in
English (woocommerce.md §3.2-3.3); Shopify return lines carry a customer note.
`classify_reason` maps such text to one of `CANONICAL_REASONS` and keeps the
words. Each language is a table of patterns in its own module (`en`, `es`, `it`,
`ru`, `de`, `fr`), written against `normalize`'s output and compiled once here.

Besides the canonical reasons, a pattern may be of three cue kinds:

- `damage`: the item is physically damaged ("broken", "roto", "kaputt"). Alone
  it counts as `defective`; near a `transit` cue in the same clause it is
  `damaged_in_transit` ("arrived broken", "caja aplastada").
- `transit`: arrival, carrier or packaging ("arrived", "box", "посылка"). It
  decides nothing alone.
- `fit`: the size is off, which way unsaid ("doesn't fit", "wrong size",
  "Taglia", "passt nicht"). The taxonomy has a size too small and a size too
  large, no size in general; a fit without its direction decides nothing, so the
  text is `other` (its words kept) unless another phrase says more.

Deliberate readings:

- "too small", "runs small", "need a bigger size", "size up" are
  `size_too_small`; "too big", "too long", "size down" `size_too_large`.
- "wrong size *sent*" (the store shipped another variant than ordered) is
  `wrong_item`. The same for "talla equivocada" sent, "не тот размер" sent...
- "ordered the wrong colour", "don't like the colour" are `colour`; "not my
  style", "don't like the design", "not to my taste" are `style`: the customer's
  taste, as Shopify's COLOR and STYLE reasons. "Ordered by mistake", "ordered the
  wrong item" are `unwanted`: the customer's own error, not the store's.
- "poor quality", "fake" are `not_as_described`; "broke after a week",
  "se rompió", "сломался" (it broke in use) are `defective`.
- When patterns overlap, the longest wins, so a specific phrase ("ordered the
  wrong size", size) overrides the general one inside it ("wrong size").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from types import ModuleType

from connectors.reasons import de, en, es, fr, it, ru
from plugin.events import CANONICAL_REASONS

__all__ = ["PRECEDENCE", "ReasonMatch", "classify_reason", "normalize", "reason_of"]

DAMAGE = "damage"
TRANSIT = "transit"
FIT = "fit"

# Store faults first, the customer's own last; see `classify_reason`.
PRECEDENCE = (
    "damaged_in_transit",
    "defective",
    "wrong_item",
    "not_as_described",
    "size_too_small",
    "size_too_large",
    "colour",
    "style",
    "unwanted",
    "other",
    "unknown",
)
# Reasons of one rank: among them the earliest phrase wins ("too tight at the
# shoulders, too long in the sleeves" is too small).
_RANK = {reason: index for index, reason in enumerate(PRECEDENCE)} | {
    "size_too_large": PRECEDENCE.index("size_too_small"),
    "style": PRECEDENCE.index("colour"),
}
# Faults can be denied ("not broken"); a fit or a change of mind is never
# negated away ("no es mi talla", "не тот размер" still speak of size).
NEGATABLE = frozenset({DAMAGE, "defective", "damaged_in_transit", "wrong_item", "not_as_described"})
NEGATION_WINDOW = 3  # words before a keyword where a negator cancels it
TRANSIT_WINDOW = 5  # words allowed between a damage word and a transit word

_LANGUAGES = (en, es, it, ru, de, fr)
_KINDS = (CANONICAL_REASONS - {"other", "unknown"}) | {DAMAGE, TRANSIT, FIT}
_SENTENCE_MARKS = frozenset(".!?;…/|¡¿\n\r\t\v\f")
_CLAUSE_MARKS = frozenset(',:()[]{}"«»„“”‹›—–')
_SEPARATOR_RANK = {"": 0, " ": 1, ", ": 2, ". ": 3}
_LIGATURES = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class ReasonMatch:
    """A canonical reason read from `text`, with the words that decided it."""

    reason: str  # one of CANONICAL_REASONS
    text: str | None  # the original text, unchanged
    language: str | None = None  # informative only: script and matching lexicon
    evidence: str | None = None  # the deciding phrase as written in `text` (NFC)


@dataclass(frozen=True)
class _Entry:
    kind: str
    language: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Hit:
    kind: str
    language: str
    start: int
    end: int


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _fold_char(char: str) -> str:
    """Casefold one character; drop accents from Latin letters only, read ё as е."""
    kept: list[str] = []
    for part in unicodedata.normalize("NFD", char.casefold()):
        if unicodedata.combining(part):
            if kept and _is_latin(kept[-1][-1]):
                continue  # é -> e, but the breve of Cyrillic й stays
            kept.append(part)
        else:
            kept.append(_LIGATURES.get(part, part))
    return unicodedata.normalize("NFC", "".join(kept)).replace("ё", "е")


def _separator(char: str) -> str:
    if char in _SENTENCE_MARKS:
        return ". "
    if char in _CLAUSE_MARKS:
        return ", "
    return " "


def _fold(text: str) -> tuple[str, list[int]]:
    """Return the normalised text and, per character, its index in `text`."""
    chars: list[str] = []
    origins: list[int] = []
    pending = ""  # the separator seen since the last letter, the strongest wins
    for index, char in enumerate(text):
        for part in _fold_char(char):
            if not part.isalnum():
                pending = max(pending, _separator(part), key=_SEPARATOR_RANK.__getitem__)
                continue
            if pending and chars:
                chars.extend(pending)
                origins.extend([index] * len(pending))
            pending = ""
            chars.append(part)
            origins.append(index)
    return "".join(chars), origins


def normalize(text: str) -> str:
    """Fold `text` for matching: casefolded, accents off Latin letters, ё as е.

    Runs of punctuation and whitespace collapse to one separator: ". " after a
    sentence mark, ", " after a clause mark, else a space. Apostrophes and
    hyphens are spaces: "doesn't" -> "doesn t", "d'avis" -> "d avis".
    """
    return _fold(unicodedata.normalize("NFC", text))[0]


def _compile(module: ModuleType) -> tuple[_Entry, ...]:
    """Compile one language's table, refusing unknown kinds and unfolded words."""
    entries = []
    for kind, source in module.PATTERNS:
        if kind not in _KINDS:
            raise ValueError(f"{module.__name__}: unknown kind {kind!r} for {source!r}")
        unfolded = {c for c in source if c.isalpha() and _fold_char(c) != c}
        if unfolded:
            raise ValueError(f"{module.__name__}: write {source!r} without {sorted(unfolded)}")
        pattern = re.compile(rf"(?<!\w)(?:{source})(?!\w)")
        entries.append(_Entry(kind, module.LANGUAGE, pattern))
    return tuple(entries)


_LEXICON = tuple(entry for module in _LANGUAGES for entry in _compile(module))
_NEGATORS = frozenset().union(*(module.NEGATORS for module in _LANGUAGES))
_CONTRASTS = frozenset().union(*(module.CONTRASTS for module in _LANGUAGES))


def _find(folded: str) -> list[_Hit]:
    return [
        _Hit(entry.kind, entry.language, found.start(), found.end())
        for entry in _LEXICON
        for found in entry.pattern.finditer(folded)
    ]


def _longest(hits: list[_Hit]) -> list[_Hit]:
    """Drop every hit lying inside a longer one: the specific phrase wins."""
    return [
        hit
        for hit in hits
        if not any(
            other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            for other in hits
        )
    ]


def _merge(hits: list[_Hit]) -> list[_Hit]:
    """Join touching hits of one kind: "прислали не тот" + "не тот товар"."""
    merged: list[_Hit] = []
    for hit in sorted(hits, key=lambda hit: (hit.kind, hit.start)):
        last = merged[-1] if merged else None
        if last is not None and last.kind == hit.kind and hit.start <= last.end + 1:
            merged[-1] = replace(last, end=max(last.end, hit.end))
        else:
            merged.append(hit)
    return sorted(merged, key=lambda hit: hit.start)


def _is_negated(folded: str, hit: _Hit, hits: list[_Hit]) -> bool:
    """Tell whether a negator stands a few words before a fault `hit` in its clause.

    A phrase that carries its own negator ("doesn't work", "no funciona") is
    not negated again, and a negator inside another phrase belongs to that one.
    """
    if hit.kind not in NEGATABLE:
        return False
    if {w.group() for w in _WORD.finditer(folded, hit.start, hit.end)} & _NEGATORS:
        return False
    clause = max(folded.rfind(",", 0, hit.start), folded.rfind(".", 0, hit.start)) + 1
    words = list(_WORD.finditer(folded, clause, hit.start))[-NEGATION_WINDOW:]
    for word in reversed(words):
        if word.group() in _CONTRASTS:
            return False
        if word.group() in _NEGATORS and not _inside(word.start(), hits):
            return True
    return False


def _inside(position: int, hits: list[_Hit]) -> bool:
    return any(hit.start <= position < hit.end for hit in hits)


def _near(folded: str, one: _Hit, other: _Hit) -> bool:
    """Tell whether two hits share a clause, a few words apart, no "but" between."""
    first, second = sorted((one, other), key=lambda hit: hit.start)
    gap = folded[first.end : second.start]
    if "." in gap:
        return False
    words = _WORD.findall(gap)
    return len(words) <= TRANSIT_WINDOW and not set(words) & _CONTRASTS


def _read_damage(folded: str, damage: _Hit, transits: list[_Hit]) -> _Hit:
    """Read a damage word as `damaged_in_transit` near a transit word, else `defective`."""
    near = [cue for cue in transits if _near(folded, damage, cue)]
    if not near:
        return replace(damage, kind="defective")
    cue = min(near, key=lambda hit: abs(hit.start - damage.start))
    start, end = min(cue.start, damage.start), max(cue.end, damage.end)
    return _Hit("damaged_in_transit", damage.language, start, end)


def _decide(folded: str, hits: list[_Hit]) -> list[_Hit]:
    """Turn cues into reasons: damage words become one, transit and fit words none."""
    transits = [hit for hit in hits if hit.kind == TRANSIT]
    decided = []
    for hit in hits:
        if hit.kind == DAMAGE:
            decided.append(_read_damage(folded, hit, transits))
        elif hit.kind not in (TRANSIT, FIT):
            decided.append(hit)
    return decided


def _language(folded: str, hits: list[_Hit], winner: _Hit | None) -> str | None:
    if _CYRILLIC.search(folded):
        return "ru"
    if winner is not None:
        return winner.language
    return hits[0].language if hits else None


def classify_reason(text: str | None) -> ReasonMatch:
    """Classify free text giving why an item came back into a canonical reason.

    When several reasons match, the first in `PRECEDENCE` wins: transport
    damage is the most specific store fault (it needs a damage word *and* an
    arrival or packaging word, and says who pays: the carrier), then a
    defect, then the store's picking error, then a misleading listing; size
    and a change of mind are the customer's side and rank last, because a
    customer who mentions a fault alongside them ("too big and broken")
    returns for the fault. Among equals (the two sizes; colour and style)
    the earliest phrase wins. A fault preceded by a negator ("not broken", "no
    está roto") does not count. No text at all is "unknown" (no reason was
    given); text that says none of the reasons is "other".
    """
    if not text or not text.strip():
        return ReasonMatch("unknown", text)
    source = unicodedata.normalize("NFC", text)
    folded, origins = _fold(source)
    found = _find(folded)
    kept = _longest(found)
    live = [hit for hit in kept if not _is_negated(folded, hit, kept)]
    decided = _decide(folded, _merge(live))
    if not decided:
        return ReasonMatch("other", text, _language(folded, found, None))
    winner = min(decided, key=lambda hit: (_RANK[hit.kind], hit.start))
    evidence = source[origins[winner.start] : origins[winner.end - 1] + 1]
    return ReasonMatch(winner.kind, text, _language(folded, found, winner), evidence)


def reason_of(text: str | None) -> str:
    """Return only the canonical reason of `text`: the callable connectors take."""
    return classify_reason(text).reason
