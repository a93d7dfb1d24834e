"""Feedback loops told in plain language (Danish and English), generated from the chain of links.

A loop ``screen_time → sleep → tiredness → screen_time`` with polarities ``-``, ``-``, ``+`` reads
"More screen time → less sleep → more tiredness → more screen time — a reinforcing loop".
Each step says which way the next variable moves when the first one goes up; delayed links say
"after a while". In Danish the verb follows the noun ("venskaber stiger", never "mere venskaber"), so
the sentence is grammatical whatever the noun. A facilitator's own story in the map file (``loops: {id: {story: ...}}``)
is used instead where there is one. :func:`story_steps` chooses the loops the page's story mode tells.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("screen_time", {"da": "Skærmtid", "en": "Screen time"})
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> cmap.add_variable("tired", {"da": "Træthed", "en": "Tiredness"})
>>> _ = cmap.add_link("screen_time", "sleep", "-")
>>> _ = cmap.add_link("sleep", "tired", "-", delay=True)
>>> _ = cmap.add_link("tired", "screen_time", "+")
>>> chain = ("screen_time", "sleep", "tired")
>>> loop_story(cmap, chain, "en")
'More screen time → less sleep → (after a while) more tiredness → more screen time — a reinforcing loop'
>>> loop_story(cmap, chain, "da")
'Skærmtid stiger → søvn falder → (efter et stykke tid) træthed stiger → skærmtid stiger — en forstærkende løkke'
"""

from __future__ import annotations

from gmb.analysis.loopset import MapLoops
from gmb.analysis.signed import chain_sign, link_sign
from gmb.maps.causalmap import CausalMap

__all__ = ["loop_story", "chain_text", "loop_count_text", "is_delayed", "story_steps", "lower_label", "WORDS", "STORY_STEPS"]

WORDS = {
    "da": {"more": "stiger", "less": "falder", "change": "ændrer sig", "delay": "efter et stykke tid", "after": True,
           "R": "en forstærkende løkke", "B": "en balancerende løkke",
           "?": "en løkke, hvor en pils fortegn ikke er afklaret"},
    "en": {"more": "more", "less": "less", "change": "a change in", "delay": "after a while", "after": False,
           "R": "a reinforcing loop", "B": "a balancing loop",
           "?": "a loop with an arrow whose sign is not agreed"},
}
"""The words stories are built from, per language (other languages fall back to English); ``after``: the
verb follows the noun ("søvn falder"), else the word goes before it ("less sleep")."""
STORY_STEPS = 5
"""At most this many loops in a story built for a map without named loops."""


def loop_story(cmap: CausalMap, variables: tuple[str, ...] | list[str], lang: str) -> str:
    """The loop as a sentence in ``lang``: the chain of changes back to the start, then its kind."""
    words = _words(lang)
    steps = [_capitalise(_step(words, words["more"], lower_label(cmap.label(variables[0], lang))))]
    direction = 1  # +1 the variable goes up, -1 down, 0 unknown
    for u, v in _links(variables):
        attrs = cmap.graph.edges[u, v]
        sign = link_sign(attrs)
        direction = 0 if direction == 0 or sign == "?" else direction * (1 if sign == "+" else -1)
        word = {1: words["more"], -1: words["less"], 0: words["change"]}[direction]
        delay = f"({words['delay']}) " if is_delayed(attrs.get("delay")) else ""
        steps.append(delay + _step(words, word, lower_label(cmap.label(v, lang))))
    kind = {"+": "R", "-": "B", "?": "?"}[chain_sign(cmap, _links(variables))]
    return f"{' → '.join(steps)} — {words[kind]}"


def story_steps(loops: list[dict], named: int, outcome: list[str], limit: int = STORY_STEPS) -> list[str]:
    """The ids of the loops story mode tells, in order: the facilitator's named loops (the first ``named``
    of ``loops``), or for a map without any the most telling loops through the outcome: the shortest
    first, reinforcing and balancing taken in turn so both kinds are shown; else the shortest loops."""
    if named:
        return [loop["id"] for loop in loops[:named]]
    through = [loop for loop in loops if set(loop["variables"]) & set(outcome)] or loops
    ordered = sorted(through, key=lambda loop: (len(loop["variables"]), loops.index(loop)))
    kinds = {kind: [loop for loop in ordered if loop["kind"] == kind] for kind in ("R", "B")}
    chosen = []
    for pair in zip(kinds["R"], kinds["B"]):
        chosen.extend(pair)
    rest = [loop for loop in ordered if loop not in chosen]
    return [loop["id"] for loop in (chosen + rest)[:limit]]


def chain_text(cmap: CausalMap, variables: tuple[str, ...] | list[str], lang: str, limit: int = 4) -> str:
    """A short title for an unnamed loop: its labels joined by arrows, cut after ``limit``."""
    labels = [cmap.label(v, lang) for v in variables]
    shown = labels[:limit] + (["…"] if len(labels) > limit else [labels[0]])
    return " → ".join(shown)


def loop_count_text(found: MapLoops, lang: str) -> str:
    """The map's stated number of loops (:meth:`gmb.analysis.loopset.MapLoops.stated`) in ``lang``:
    the same count as every command, in Danish or (any other language) English.

    >>> from gmb.analysis.loops import LoopCounts
    >>> loop_count_text(MapLoops(LoopCounts(total=12_000), cut=7, longer=None), "da")
    '12.000+ feedback-løkker med op til 8 variabler (optællingen stoppede ved 10.000)'
    """
    if lang != "da":
        return found.stated()
    text = f"{found.shown_total().replace(',', '.')} feedback-løkke{'' if found.total == 1 else 'r'}"
    if found.max_length is not None and found.longer is not False:
        text += f" med op til {found.max_length} variabler"
    if found.stopped:
        return text + f" (optællingen stoppede ved {found.cap:,})".replace(",", ".")
    if found.max_length is not None and found.longer is not False:
        text += " (kortet har længere løkker, de er ikke talt med)" if found.longer else " (der kan være længere)"
    return text


def _step(words: dict, word: str, label: str) -> str:
    return f"{label} {word}" if words["after"] else f"{word} {label}"


def _links(variables) -> list[tuple[str, str]]:
    variables = list(variables)
    return list(zip(variables, variables[1:] + variables[:1]))


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def is_delayed(delay) -> bool:
    """Whether a link's ``delay`` value marks it as delayed (``true`` or a positive number)."""
    return delay is True or (not isinstance(delay, bool) and isinstance(delay, (int, float)) and delay > 0)


def lower_label(label: str) -> str:
    """Lower-case the first letter, unless the first word looks like an acronym (LAN, TV)."""
    first = label.split(" ", 1)[0].split("-", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
