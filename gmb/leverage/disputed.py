"""Which scenarios and ideas lean on links whose polarity is not agreed (``?``).

The model leaves a ``?`` link out (:mod:`gmb.sd.spec`), so a scenario that pushes a variable whose
way to the outcome runs through one loses that part of its effect without a word, and an idea that
copies an action's links (``from_map``) skips the action's ``?`` links. :func:`disputed_dependencies`
finds them, grouped by link, for ``gmb validate MAP --scenarios FILE --ideas FILE``.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("trail", "walks", "mood"):
...     cmap.add_variable(var, var.title())
>>> _ = cmap.add_link("trail", "walks", "?")
>>> _ = cmap.add_link("walks", "mood", "+")
>>> cmap.set_outcome(["mood"])
['mood']
>>> [p.message for p in disputed_dependencies(cmap, {"more walking paths": (["trail"], 4)})]
["scenario 'more walking paths' has no effect on mood in the model: every way from trail runs through \
trail → walks of polarity ? (left out of the model); agree its polarity (gmb link set MAP trail walks polarity=+ or -)"]
>>> _ = cmap.add_link("trail", "mood", "+")
>>> [p.message for p in disputed_dependencies(cmap, {"paths": (["trail"], 4), "signs": (["trail"], 9)})]
['trail → walks has polarity ? (left out of the model), so 2 scenarios miss part of their way to mood: paths, \
signs; agree its polarity (gmb link set MAP trail walks polarity=+ or -)']
"""

from __future__ import annotations

import shlex

import networkx as nx

from gmb.leverage.ideas import IdeaBank
from gmb.maps.causalmap import CausalMap
from gmb.maps.problems import Problem
from gmb.sd.scenarios import ScenarioPlan
from gmb.sd.spec import ModelSpec

__all__ = ["disputed_dependencies", "scenario_pushes", "idea_pushes"]

CODE = "depends-on-unknown-link"


def scenario_pushes(plan: ScenarioPlan, spec: ModelSpec) -> dict[str, tuple[list[str], int | None]]:
    """Per scenario: the map's variables it pushes, switches on or sets (a per-segment copy counts as its
    variable), and the line it starts on."""
    original = spec.segmentation.original if spec.segmentation else (lambda var: var)
    owner = {param: original(var.id) for var in spec.variables.values() for param in var.params.values()}
    return {s.name: (sorted({owner[name] for name in s.settings if name in owner}), s.line) for s in plan.scenarios}


def idea_pushes(bank: IdeaBank) -> dict[str, tuple[list[str], int | None]]:
    """Per idea: the variables it acts on (an action's own links then carry it on), and its line."""
    return {idea.id: (sorted({effect.variable for effect in idea.effects}), idea.line) for idea in bank.ideas}


def disputed_dependencies(cmap: CausalMap, pushes: dict, what: str = "scenario", bank: IdeaBank | None = None,
                          map_path: str = "MAP") -> list[Problem]:
    """Warnings for the ``?`` links that ``pushes`` (name → (variables, line); ``what`` they are:
    scenario or idea) lean on: one per name that has no effect at all in the model, one per ``?`` link
    on the way of the others (naming them), and one per ``from_map`` idea of ``bank`` whose action
    has ``?`` links it skips. Each carries the line of the first scenario or idea it names; the fix it
    suggests names ``map_path``."""
    graph = cmap.graph
    unknown = sorted((u, v) for u, v, attrs in cmap.links() if attrs.get("polarity") == "?")
    outcomes = [var for var in cmap.outcome if var in graph]
    if not unknown or not outcomes:
        return []
    agreed = nx.DiGraph(((u, v) for u, v, attrs in cmap.links() if attrs.get("polarity") != "?"))
    agreed.add_nodes_from(graph)
    upstream = set(outcomes).union(*(nx.ancestors(graph, var) for var in outcomes))
    goal, problems, leaning = " and ".join(outcomes), [], {}
    for name, (variables, line) in pushes.items():
        reached = set(variables).union(*(nx.descendants(graph, var) for var in variables if var in graph))
        on_the_way = [(u, v) for u, v in unknown if u in reached and v in upstream]
        if on_the_way and not any(nx.has_path(agreed, var, out) for var in variables if var in agreed
                                  for out in outcomes):
            problems.append(Problem("warning", CODE, f"{what} {name!r} has no effect on {goal} in the model: every "
                                    f"way from {', '.join(variables)} runs through {_links(on_the_way)} of polarity ? "
                                    f"(left out of the model); {_fix(on_the_way, map_path)}", link=on_the_way[0], line=line))
            continue
        for link in on_the_way:
            leaning.setdefault(link, []).append((name, line))
    for (u, v), names in leaning.items():
        listed = ", ".join(name for name, _ in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        plural = f"{len(names)} {what}s" if len(names) > 1 else f"{what}"
        problems.append(Problem("warning", CODE, f"{u} → {v} has polarity ? (left out of the model), so {plural} "
                                f"miss part of their way to {goal}: {listed}; {_fix([(u, v)], map_path)}",
                                link=(u, v), line=names[0][1]))
    for idea in bank.ideas if bank else []:
        for action in sorted({effect.from_map for effect in idea.effects if effect.from_map}):
            skipped = [(u, v) for u, v in unknown if u == action]
            if skipped:
                problems.append(Problem("warning", CODE, f"idea {idea.id!r} copies the links of {action} from the "
                                        f"map but skips {_links(skipped)} of polarity ?; {_fix(skipped, map_path)}",
                                        link=skipped[0], line=idea.line))
    return problems


def _links(links: list[tuple[str, str]]) -> str:
    return ", ".join(f"{u} → {v}" for u, v in links)


def _fix(links: list[tuple[str, str]], map_path: str) -> str:
    u, v = links[0]
    return (f"agree {'its polarity' if len(links) == 1 else 'their polarities'} "
            f"(gmb link set {shlex.quote(map_path)} {u} {v} polarity=+ or -)")
