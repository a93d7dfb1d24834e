"""From causal map to stock-and-flow model, and scenario simulation.

One idea per module, in the order data flows:

- :mod:`gmb.sd.spec` — a map as a plain, engine-independent model spec, with the ledger of choices
- :mod:`gmb.sd.identifiers`, :mod:`gmb.sd.equations` — model names; user equations, parsed safely
- :mod:`gmb.sd.formulas` — the spec's elements as equation trees, shared by
  :mod:`gmb.sd.xmile` and :mod:`gmb.sd.mdl` (the writers)
- :mod:`gmb.sd.ledger` — ``ASSUMPTIONS.md``; :mod:`gmb.sd.units` — the units check of the elements;
  :mod:`gmb.sd.linear` — the model's exact linearisation;
  :mod:`gmb.sd.stability` — the eigenvalue check
- :mod:`gmb.sd.scenarios` — scenario files; :mod:`gmb.sd.pysd_engine` — PySD, cached;
  :mod:`gmb.sd.forms`, :mod:`gmb.sd.batch` — the numpy batch engine, K runs at once, compiled from
  the same element trees; :mod:`gmb.sd.simulate` — baseline and scenarios

May import :mod:`gmb.maps` only (:mod:`gmb.analysis` sits above it). The files a run writes are
in :mod:`gmb.outputs.simulation_files`.

Example
-------
>>> import tempfile
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.scenarios import Scenario, ScenarioPlan
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("walks", "Gåture", kind="action")
>>> cmap.add_variable("mood", "Humør", adjust_time=1)
>>> _ = cmap.add_link("walks", "mood", "+", strength="strong")
>>> plan = ScenarioPlan("inline", 36, "month", None, [Scenario("walk", settings={"level_walks": 0.2})])
>>> results = simulate(build_spec(cmap), plan, ["mood"], cache=tempfile.mkdtemp())
>>> round(results.summary()[0]["change"], 6)   # s·w·A = 0.75 · 0.2
0.15
"""

from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec

__all__ = ["build_spec", "simulate"]
