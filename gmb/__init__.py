"""gmb: causal loop diagrams from group model building, analysed and simulated.

The names below are imported when first used, so that ``import gmb`` (and the command line's
start-up) stays quick.

Example
-------
>>> from gmb import CausalMap
>>> CausalMap.new("Trivsel").languages
['da', 'en']
"""

import importlib

from gmb.version import __version__

_EXPORTS = {
    "CausalMap": "gmb.maps.causalmap",
    "GmbError": "gmb.errors", "MapEditError": "gmb.errors", "MapFileError": "gmb.errors",
    "UnknownVariableError": "gmb.errors",
    "edit_map": "gmb.maps.store", "load_map": "gmb.maps.store", "new_map": "gmb.maps.store", "save_map": "gmb.maps.store",
    "validate_file": "gmb.maps.store",
    "validate": "gmb.maps.validate",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'gmb' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
