"""The idea bank edited without touching YAML, and checked against the map it was copied from.

:func:`add_idea` and :func:`set_idea` read the bank (:mod:`gmb.leverage.ideas` describes it), make
one change, check the result as ``gmb ideas rank`` reads it, and replace the file in one step,
keeping its comments and formatting (:func:`gmb.maps.yamledit.edit_yaml`); a mistake leaves the
file byte-identical. Variables may be named by id or label; the file gets their ids.

:func:`idea_drift` compares each idea that is one of the map's actions (the idea's id is the
action's id) and lists its effects by hand with the action's links in the map: a link the idea
lacks, a different polarity or strength, an effect the map has no link for. An idea whose effects
are ``{from_map: ACTION}`` follows the map and cannot drift.

Example
-------
>>> import pathlib, tempfile
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["da", "en"])
>>> for var in ("friends", "sleep"):
...     cmap.add_variable(var, var.title())
>>> cmap.add_variable("cafe", "Café", kind="action")
>>> _ = cmap.add_link("cafe", "friends", "+", strength="strong")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ideas.yaml"
>>> add_idea(path, cmap, "cafe", "Café", 4, [effect(cmap, "Friends", "+", "medium")])
>>> add_idea(path, cmap, "nap", "Lur", 5, [effect(cmap, "sleep", "+", "weak")], cost="low")
>>> [(row["id"], row["status"], row["differences"]) for row in idea_drift(cmap, load_ideas(path, cmap))]
[('cafe', 'drifted', ['friends: strength medium, the map says strong']), ('nap', 'own', [])]
>>> set_idea(path, cmap, "cafe", {"feasibility": 3}, acts_on=[from_map(cmap, "cafe")])
>>> print(path.read_text(encoding="utf-8").split("  cafe:\\n")[1], end="")
    title: {da: Café}
    acts_on:
      - {from_map: cafe}
    feasibility: 3
  nap:
    title: {da: Lur}
    acts_on:
      - {variable: sleep, polarity: "+", strength: weak}
    feasibility: 5
    cost: low
>>> idea_drift(cmap, load_ideas(path, cmap))[0]["status"]
'from_map'
"""

from __future__ import annotations

import os

from gmb.errors import MapEditError
from gmb.leverage.ideas import IdeaBank, load_ideas, map_effects
from gmb.maps.causalmap import CausalMap
from gmb.maps.yamledit import YAMLEdit, edit_yaml, suggest

__all__ = ["add_idea", "set_idea", "effect", "from_map", "switch_on", "idea_drift", "NEW_FILE", "SETTABLE"]

NEW_FILE = "# The idea bank of workshop 3, made with 'gmb ideas add'.\nideas:\n"
"""The start of an idea bank that :func:`add_idea` creates."""
SETTABLE = ("title", "feasibility", "cost", "working_group", "notes", "source", "offer", "reach")
"""The keys :func:`set_idea` sets (``title`` and ``working_group`` also per language: ``title.en``)."""
_REQUIRED = ("title", "feasibility")


def effect(cmap: CausalMap, variable: str, polarity: str, strength: str | float) -> dict:
    """An ``acts_on`` entry pushing ``variable``: ``effect(cmap, "Søvn", "+", "weak")``."""
    return {"variable": cmap.resolve(variable), "polarity": polarity, "strength": strength}


def from_map(cmap: CausalMap, action: str) -> dict:
    """An ``acts_on`` entry standing for the map's links out of ``action``."""
    return {"from_map": cmap.resolve(action)}


def switch_on(cmap: CausalMap, action: str, level: float = 1) -> dict:
    """An ``acts_on`` entry switching on an action of the map (its links carry the effect)."""
    return {"variable": cmap.resolve(action), "level": level}


def add_idea(path: str | os.PathLike, cmap: CausalMap, idea_id: str, title: str | dict, feasibility: int,
             acts_on: list[dict], cost: str | float | None = None, working_group: str | dict | None = None) -> None:
    """Add an idea to the bank ``path`` (created if missing); ``title`` and ``working_group`` as text
    are in the map's first language."""
    def change(edit: YAMLEdit) -> None:
        ideas = _ideas(edit, path)
        if idea_id in ideas:
            raise MapEditError(f"{path}: idea {idea_id!r} exists already; change it with 'gmb ideas set'")
        body = {"title": _text(cmap, title), "acts_on": acts_on, "feasibility": feasibility, "cost": cost,
                "working_group": _text(cmap, working_group)}
        edit.add_block(ideas, idea_id, {k: v for k, v in body.items() if v is not None})

    _edit(path, cmap, change, create=NEW_FILE)


def set_idea(path: str | os.PathLike, cmap: CausalMap, idea_id: str, updates: dict,
             acts_on: list[dict] | None = None) -> None:
    """Set keys of an idea (``{"feasibility": 3, "title.en": "Café"}``; None removes an optional key),
    and with ``acts_on`` replace its effects."""
    def change(edit: YAMLEdit) -> None:
        ideas = _ideas(edit, path)
        if idea_id not in ideas:
            raise MapEditError(f"{path}: no idea {idea_id!r}{suggest(idea_id, ideas)}")
        idea = ideas[idea_id]
        for key, value in updates.items():
            base, _, lang = key.partition(".")
            if base not in SETTABLE or (lang and base not in ("title", "working_group", "reach")):
                known = SETTABLE + ("title.LANG", "working_group.LANG", "reach.GROUP")
                raise MapEditError(f"an idea has no key {key!r}{suggest(key, known) or ''} "
                                   f"(keys: {', '.join(known)})")
            if value is None and base in _REQUIRED:
                raise MapEditError(f"every idea has a {base}; give a new one instead of removing it")
            if lang and base == "reach":  # reach.GROUP=SHARE
                idea[base] = {k: v for k, v in (dict(idea.get(base) or {}) | {lang: value}).items()
                              if v is not None} or None
            elif lang:
                old = idea.get(base)
                texts = {cmap.languages[0]: old} if isinstance(old, str) else dict(old or {})
                idea[base] = {k: v for k, v in (texts | {lang: value}).items() if v is not None} or None
            else:
                idea[base] = value
            if idea[base] is None:
                del idea[base]
        if acts_on is not None:
            idea["acts_on"] = acts_on

    _edit(path, cmap, change)


def idea_drift(cmap: CausalMap, bank: IdeaBank) -> list[dict]:
    """Per idea: ``id``, ``line``, ``action`` (the map's action it mirrors, or None), ``status``
    (``from_map``, ``matches``, ``drifted``, ``switches`` for an idea that switches its action on,
    or ``own`` for an idea that is no action of the map) and the ``differences`` as sentences."""
    rows = []
    for idea in bank.ideas:
        row = {"id": idea.id, "line": idea.line, "action": None, "status": "own", "differences": []}
        rows.append(row)
        if any(e.from_map for e in idea.effects):
            row |= {"action": next(e.from_map for e in idea.effects if e.from_map), "status": "from_map"}
            continue
        if cmap.graph.nodes.get(idea.id, {}).get("kind") != "action":
            continue
        action = row["action"] = idea.id
        if any(e.level is not None for e in idea.effects):
            row["status"] = "switches"
            continue
        row["differences"] = _differences(cmap, action, {e.variable: e for e in idea.effects})
        row["status"] = "drifted" if row["differences"] else "matches"
    return rows


def _differences(cmap: CausalMap, action: str, hand: dict) -> list[str]:
    links = {target: (sign, strength) for target, sign, strength in map_effects(cmap, action)}
    out = [f"lacks the map's link {action} → {target} ({'+' if sign > 0 else '-'}, {_says(strength)})"
           for target, (sign, strength) in links.items() if target not in hand]
    for var, e in hand.items():
        if var not in links:
            polarity = cmap.graph.edges[action, var].get("polarity") if cmap.graph.has_edge(action, var) else None
            out.append(f"pushes {var}, but the map's link {action} → {var} is undecided (?)" if polarity == "?"
                       else f"acts on {var}, but the map has no link {action} → {var}")
            continue
        sign, strength = links[var]
        if e.sign != sign:
            out.append(f"{var}: polarity {'+' if e.sign > 0 else '-'}, the map says {'+' if sign > 0 else '-'}")
        if e.strength != strength:
            out.append(f"{var}: strength {_says(e.strength)}, the map says {_says(strength)}")
    return out


def _says(strength: str | float) -> str:
    return strength if isinstance(strength, str) else f"{strength:g}"


def _text(cmap: CausalMap, text: str | dict | None) -> dict | None:
    return {cmap.languages[0]: text} if isinstance(text, str) else text


def _ideas(edit: YAMLEdit, path) -> dict:
    if not isinstance(edit.data, dict):
        raise MapEditError(f"{path}: is not an idea bank (expected 'ideas:')")
    if not edit.data.get("ideas"):
        edit.data["ideas"] = {}
    return edit.data["ideas"]


def _edit(path, cmap: CausalMap, change, create: str | None = None) -> None:
    edit_yaml(path, change, lambda text: load_ideas(path, cmap, text=text), create=create)
