"""The model as a Vensim ``.mdl`` file (equations only; Vensim draws no sketch for it).

Units and comments pass through :func:`gmb.sd.modeltext.model_text`, then lose the characters that
end a Vensim field (``~``, ``|``) or start a range in the units (``[``, ``]``, ``,``).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("søvn", "Søvn | hvile")
>>> print(to_mdl(build_spec(cmap)).splitlines()[1])
søvn = INTEG(change_søvn, 1)
"""

from __future__ import annotations

import re

from gmb.sd.equations import Lookup, format_number, render
from gmb.sd.formulas import file_elements
from gmb.sd.modeltext import model_text
from gmb.sd.spec import ModelSpec

__all__ = ["to_mdl"]

_COMMENT_UNSAFE = re.compile(r"[~|\\\n\r\t]")
_UNITS_UNSAFE = re.compile(r"[~|\\\[\],\n\r\t]")


def to_mdl(spec: ModelSpec, final_time: float = 120.0, dt: float | None = None,
           tunable: set[str] | None = None) -> str:
    """The Vensim text of the model, simulating from 0 to ``final_time`` with Euler steps ``dt``.

    ``tunable``: the scenario constants to keep (default all), see :func:`gmb.sd.formulas.model_elements`.
    """
    dt = spec.default_dt() if dt is None else dt
    unit = spec.time_unit.capitalize()
    name_of = lambda var: spec.variables[var].name  # noqa: E731 - user equations name variables by id
    out = ["{UTF-8}"]
    for element in file_elements(spec, tunable):
        equation = render(element.equation, "vensim", name_of)
        if isinstance(element.equation, Lookup):
            table = element.equation
            (xs, ys), points = zip(*table.points), ",".join(f"({format_number(x)},{format_number(y)})"
                                                            for x, y in table.points)
            box = f"[({format_number(min(xs))},{format_number(min(ys))})-({format_number(max(xs))},{format_number(max(ys))})]"
            equation = f"WITH LOOKUP({render(table.arg, 'vensim', name_of)}, ({box},{points}))"
        if element.kind == "stock":
            net = " + ".join(element.inflows) or "0"
            net += "".join(f" - {f}" for f in element.outflows)
            equation = f"INTEG({net}, {equation})"
        out.append(_entry(element.name, equation, element.units, element.doc))
    out += ["********************************************************\n\t.Control\n"
            "********************************************************~\n\t\tSimulation Control Parameters, written by gmb\n\t|\n",
            _entry("INITIAL TIME", "0", unit, "The initial time for the simulation."),
            _entry("FINAL TIME", format_number(final_time), unit, "The final time for the simulation."),
            _entry("TIME STEP", format_number(dt), unit, "The time step for the simulation."),
            _entry("SAVEPER", "TIME STEP", unit, "The save time step for the simulation."),
            "\\\\\\---/// Sketch information - do not modify anything except names\n"
            "V300  Do not put anything below this section - it will be ignored\n"]
    return "\n".join(out)


def _entry(name: str, equation: str, units: str, doc: str) -> str:
    units = _UNITS_UNSAFE.sub(" ", model_text(units)).strip()
    doc = _COMMENT_UNSAFE.sub(" ", model_text(doc)).strip()
    return f"{name} = {equation}\n\t~\t{units}\n\t~\t{doc}\t|\n"
