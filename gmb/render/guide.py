"""The residents' page's first-visit guide and voices: where the map came from, and who said what.

The guide tells what the map is (its title, and from the site's workshop record, when one is given,
each session's title, date and how many took part, by role), how to read an arrow with two arrows
taken from the map itself (one of each sign, next to the outcome where it can), and what R and B loops
mean with the first loop of the story. A link's *voice* is who proposed it (workshop session and
breakout group, from its ``source:``) and the quote behind it; the page shows them in variable cards
and in the text version.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> for var in ("sleep", "stress", "mood"):
...     cmap.add_variable(var, var.title())
>>> _ = cmap.add_link("sleep", "mood", "+", source={"workshop": "w1", "group": "A", "quote": "Søvn er alt"})
>>> _ = cmap.add_link("stress", "mood", "-")
>>> _ = cmap.set_outcome(["mood"])
>>> examples({("sleep", "mood"): "e1", ("stress", "mood"): "e2"}, cmap)
['e1', 'e2']
>>> voice(cmap.graph.edges["sleep", "mood"])
{'workshop': 'w1', 'group': 'A', 'quote': 'Søvn er alt'}
"""

from __future__ import annotations

import os

from gmb.analysis.signed import link_sign
from gmb.maps.causalmap import CausalMap

__all__ = ["guide_data", "examples", "voice"]


def guide_data(cmap: CausalMap, edge_ids: dict, workshop: str | os.PathLike | None = None) -> dict:
    """``{"examples": [edge ids], "record": {...} or None}`` for the page's guide."""
    return {"examples": examples(edge_ids, cmap), "record": _record(workshop) if workshop is not None else None}


def examples(edge_ids: dict, cmap: CausalMap) -> list[str]:
    """Edge ids of up to two links to explain arrows with: a ``+`` and a ``-`` one, into an outcome if it
    has them, else touching it, else any."""
    outcome = set(cmap.outcome)
    links = [(u, v, link_sign(attrs)) for u, v, attrs in cmap.links()]
    ranked = sorted(links, key=lambda link: (link[1] not in outcome, link[0] not in outcome))
    chosen = []
    for sign in ("+", "-"):
        found = next((link for link in ranked if link[2] == sign), None)
        if found:
            chosen.append(edge_ids[found[0], found[1]])
    return chosen


def voice(attrs: dict) -> dict:
    """Who proposed a link and what they said: ``workshop``, ``group``, ``quote`` (those given)."""
    source = attrs.get("source") if isinstance(attrs.get("source"), dict) else {}
    return {key: str(source[key]) for key in ("workshop", "group", "quote") if source.get(key) not in (None, "")}


def _record(path) -> dict:
    from gmb.workshops.records import load_workshop

    record = load_workshop(path)
    return {"title": record.title, "illustrative": record.illustrative, "note": record.note,
            "sessions": [{"id": s.id, "title": s.title, "date": s.date, "people": s.participants_total,
                          "roles": dict(s.participants)} for s in record.sessions]}
