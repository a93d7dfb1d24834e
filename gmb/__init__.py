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

__version__ = "0.1.0"

_EXPORTS = {
    "CausalMap": "gmb.causalmap",
    "GmbError": "gmb.errors", "MapEditError": "gmb.errors", "MapFileError": "gmb.errors",
    "UnknownVariableError": "gmb.errors",
    "edit_map": "gmb.store", "load_map": "gmb.store", "new_map": "gmb.store", "save_map": "gmb.store",
    "validate_file": "gmb.store",
    "validate": "gmb.validate",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'gmb' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
