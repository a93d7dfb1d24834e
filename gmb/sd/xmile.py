"""The model as XMILE 1.0 (the canonical file; PySD, Stella and Vensim read it).

Documentation, units and the title pass through :func:`gmb.sd.modeltext.model_text`, so that no
label can become code in PySD; names are identifiers (:mod:`gmb.sd.identifiers`).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("Trivsel & søvn")
>>> cmap.add_variable("søvn", "Søvn")
>>> text = to_xmile(build_spec(cmap))
>>> '<stock name="søvn">' in text, "<name>Trivsel &amp; søvn</name>" in text
(True, True)
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from gmb.sd.equations import Lookup, format_number, render
from gmb.sd.formulas import file_elements
from gmb.sd.modeltext import model_text
from gmb.sd.spec import ModelSpec
from gmb.version import __version__

__all__ = ["to_xmile", "XMILE_NAMESPACE"]

XMILE_NAMESPACE = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"


def to_xmile(spec: ModelSpec, final_time: float = 120.0, dt: float | None = None,
             tunable: set[str] | None = None) -> str:
    """The XMILE text of the model, simulating from 0 to ``final_time`` with Euler steps ``dt``.

    ``tunable``: the scenario constants to keep (default all), see :func:`gmb.sd.formulas.model_elements`.
    """
    dt = spec.default_dt() if dt is None else dt
    unit = spec.time_unit.capitalize()
    name_of = lambda var: spec.variables[var].name  # noqa: E731 - user equations name variables by id
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<xmile version="1.0" xmlns="{XMILE_NAMESPACE}">',
        f"  <header><name>{escape(model_text(spec.title or 'gmb model'))}</name><vendor>gmb</vendor>"
        f'<product version="{__version__}">gmb</product></header>',
        f'  <sim_specs method="Euler" time_units="{unit}"><start>0</start>'
        f"<stop>{format_number(final_time)}</stop><dt>{format_number(dt)}</dt></sim_specs>",
        "  <model>",
        "    <variables>",
    ]
    for element in file_elements(spec, tunable):
        table = element.equation if isinstance(element.equation, Lookup) else None
        parts = [f"<eqn>{escape(render(table.arg if table else element.equation, 'xmile', name_of))}</eqn>"]
        if table:
            xs, ys = (",".join(format_number(v) for v in values) for values in zip(*table.points))
            parts.append(f"<gf><xpts>{xs}</xpts><ypts>{ys}</ypts></gf>")
        parts += [f"<inflow>{escape(f)}</inflow>" for f in element.inflows]
        parts += [f"<outflow>{escape(f)}</outflow>" for f in element.outflows]
        parts += [f"<units>{escape(model_text(element.units))}</units>",
                  f"<doc>{escape(model_text(element.doc))}</doc>"]
        lines.append(f"      <{element.kind} name={quoteattr(element.name)}>{''.join(parts)}</{element.kind}>")
    lines += ["    </variables>", "  </model>", "</xmile>", ""]
    return "\n".join(lines)
