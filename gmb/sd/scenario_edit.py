"""Scenario files edited without touching YAML: new scenarios, interventions added and removed.

Each function reads the scenario file (:mod:`gmb.sd.scenarios` describes it), makes one change,
checks the result as ``gmb simulate`` reads it (against the map and its model), and replaces the
file in one step, keeping its comments and formatting (:func:`gmb.maps.yamledit.edit_yaml`). A
mistake (an unknown variable or scenario, an action pushed, an intervention that repeats another)
leaves the file byte-identical and says what is wrong, with "did you mean" where a name is close.
Variables may be named by id or label; the file gets their ids.

Example
-------
>>> import pathlib, tempfile
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["da", "en"])
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> cmap.add_variable("walks", {"da": "Gåture", "en": "Walks"}, kind="action")
>>> _ = cmap.add_link("walks", "sleep", "+")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "scenarios.yaml"
>>> new_scenario(path, cmap, "walking", intervention(cmap, "action", "Gåture", start=6), label="Gå mere")
>>> add_intervention(path, cmap, "walking", intervention(cmap, "push", "sleep", by=0.1))
>>> print(path.read_text(encoding="utf-8").split("scenarios:\\n")[1], end="")
  walking:
    label: {da: Gå mere}
    interventions:
      - {action: walks, level: 1, start: 6}
      - {push: sleep, by: 0.1}
>>> remove_intervention(path, cmap, "walkng", 2)
Traceback (most recent call last):
...
gmb.errors.MapEditError: ...scenarios.yaml: no scenario 'walkng'; did you mean 'walking'?
>>> [(row["name"], len(row["interventions"])) for row in list_scenarios(path, cmap)]
[('walking', 2)]
"""

from __future__ import annotations

import os
from pathlib import Path

from gmb.errors import MapEditError
from gmb.maps.causalmap import CausalMap
from gmb.maps.yamledit import YAMLEdit, edit_yaml, parse_named, suggest
from gmb.sd.scenarios import load_scenarios
from gmb.sd.spec import build_spec

__all__ = ["intervention", "new_scenario", "add_intervention", "remove_scenario", "remove_intervention",
           "list_scenarios", "NEW_FILE", "KINDS"]

KINDS = {"action": ("level", "start", "ramp", "reach"), "push": ("by", "start", "ramp", "reach"), "link": ("strength",),
         "constant": ("value",)}
"""The kinds of intervention and the numbers each takes (see :mod:`gmb.sd.scenarios`)."""

NEW_FILE = ("# What-if runs for the map, made with 'gmb scenario'. Times are in the time unit below.\n"
            "horizon: 120          # ten years\n"
            "time_unit: month\n"
            "scenarios:\n")
"""The start of a scenario file that :func:`new_scenario` creates."""


def intervention(cmap: CausalMap, kind: str, target: str | list[str], **numbers) -> dict:
    """One intervention as the file writes it: ``kind`` (action, push, link, constant) of ``target``
    (a variable, or a link's two ends), with the numbers given (None is left out). An action gets
    ``level: 1`` unless told otherwise; whole numbers are written without ``.0``."""
    if kind not in KINDS:
        raise MapEditError(f"unknown kind of intervention {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "link":
        target = [cmap.resolve(end) for end in target]
    else:
        target = cmap.resolve(target)
    if kind == "action" and numbers.get("level") is None:
        numbers["level"] = 1
    unknown = set(numbers) - set(KINDS[kind]) - {k for k, v in numbers.items() if v is None}
    if unknown:
        raise MapEditError(f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} intervention takes {', '.join(KINDS[kind])}, not {', '.join(sorted(unknown))}")
    return {kind: target} | {key: _number(numbers[key]) for key in KINDS[kind] if numbers.get(key) is not None}


def new_scenario(path: str | os.PathLike, cmap: CausalMap, name: str, first: dict, label: str | dict | None = None,
                 description: str | None = None) -> None:
    """Add the scenario ``name`` with its ``first`` intervention (the file is created if missing)."""
    def change(edit: YAMLEdit) -> None:
        scenarios = _scenarios(edit, path)
        if name in scenarios:
            raise MapEditError(f"{path}: scenario {name!r} exists already; add to it with 'gmb scenario add'")
        text = {cmap.languages[0]: label} if isinstance(label, str) else label
        body = {"label": text, "description": description, "interventions": [first]}
        edit.add_block(scenarios, name, {k: v for k, v in body.items() if v})

    _edit(path, cmap, change, create=NEW_FILE)


def add_intervention(path: str | os.PathLike, cmap: CausalMap, name: str, item: dict) -> None:
    """Add an intervention to the scenario ``name``."""
    def change(edit: YAMLEdit) -> None:
        _items(edit, path, name).append(item)

    _edit(path, cmap, change)


def remove_intervention(path: str | os.PathLike, cmap: CausalMap, name: str, number: int) -> dict:
    """Remove the ``number``-th (from 1) intervention of scenario ``name``; returns it."""
    removed = []

    def change(edit: YAMLEdit) -> None:
        items = _items(edit, path, name)
        if not 1 <= number <= len(items):
            raise MapEditError(f"{path}: scenario {name!r} has {len(items)} intervention(s); "
                               f"give a number from 1 to {len(items)}")
        if len(items) == 1:
            raise MapEditError(f"{path}: it is the only intervention of scenario {name!r}; remove the scenario "
                               "instead")
        removed.append(items.pop(number - 1))

    _edit(path, cmap, change)
    return removed[0]


def remove_scenario(path: str | os.PathLike, cmap: CausalMap, name: str) -> None:
    """Remove the scenario ``name`` (refused for the file's only scenario)."""
    def change(edit: YAMLEdit) -> None:
        scenarios = _scenarios(edit, path)
        _known(scenarios, name, path)
        if len(scenarios) == 1:
            raise MapEditError(f"{path}: {name!r} is the file's only scenario; a scenario file needs one")
        del scenarios[name]

    _edit(path, cmap, change)


def list_scenarios(path: str | os.PathLike, cmap: CausalMap) -> list[dict]:
    """The scenarios of a checked file: name, label, description, interventions (as written), line."""
    plan = load_scenarios(path, cmap, build_spec(cmap))
    _, data = parse_named(path, Path(path).read_text(encoding="utf-8-sig"))
    rows = []
    for scenario in plan.scenarios:
        value = data["scenarios"][scenario.name]
        fields = value if isinstance(value, dict) else {"interventions": value}
        rows.append({"name": scenario.name, "label": scenario.label, "description": fields.get("description"),
                     "interventions": fields["interventions"], "line": scenario.line})
    return rows


def _edit(path, cmap: CausalMap, change, create: str | None = None) -> None:
    spec = build_spec(cmap)
    edit_yaml(path, change, lambda text: load_scenarios(path, cmap, spec, text=text), create=create)


def _scenarios(edit: YAMLEdit, path) -> dict:
    if not isinstance(edit.data, dict):  # an empty new file
        raise MapEditError(f"{path}: is not a scenario file (expected 'horizon:' and 'scenarios:')")
    if not edit.data.get("scenarios"):
        edit.data["scenarios"] = {}
    return edit.data["scenarios"]


def _known(scenarios: dict, name: str, path) -> None:
    if name not in scenarios:
        raise MapEditError(f"{path}: no scenario {name!r}{suggest(name, scenarios) or _listing(scenarios)}")


def _listing(scenarios: dict) -> str:
    return f" (the file has {', '.join(map(str, scenarios))})"


def _items(edit: YAMLEdit, path, name: str) -> list:
    scenarios = _scenarios(edit, path)
    _known(scenarios, name, path)
    value = scenarios[name]
    return value if isinstance(value, list) else value.setdefault("interventions", [])


def _number(value):
    if isinstance(value, dict):  # reach: {segment: share}
        return {key: _number(share) for key, share in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
