"""The map: :class:`CausalMap` and its files — the one in-memory model every other layer reads.

Holds the schema (allowed values, strength classes), the YAML text that keeps a file's formatting,
the store (load, locked atomic save, edit), validation, bounded cycle search, stable loop ids,
the limits on what gmb reads (file sizes, YAML anchors and nesting, warning lines), where outputs
may be written (:mod:`~gmb.maps.outpaths`) and the CSV dialects every CSV writer uses
(:mod:`~gmb.maps.excel_csv`: byte-order mark, Danish ``;`` and decimal commas, no formulas).
May import only :mod:`gmb.errors` and :mod:`gmb.version`; every layer above may import it.

Example
-------
>>> from gmb.maps import CausalMap
>>> cmap = CausalMap.new("Trivsel", ["en"])
>>> cmap.add_variable("sleep", "Sleep")
>>> list(cmap.graph.nodes)
['sleep']
"""

from gmb.maps.causalmap import CausalMap

__all__ = ["CausalMap"]
