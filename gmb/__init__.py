"""gmb: causal loop diagrams from group model building, analysed and simulated.

Example
-------
>>> from gmb import CausalMap
>>> CausalMap.new("Trivsel").languages
['da', 'en']
"""

from gmb.causalmap import CausalMap
from gmb.errors import GmbError, MapEditError, MapFileError, UnknownVariableError
from gmb.store import edit_map, load_map, new_map, save_map, validate_file
from gmb.validate import validate

__version__ = "0.1.0"
__all__ = ["CausalMap", "GmbError", "MapEditError", "MapFileError", "UnknownVariableError",
           "edit_map", "load_map", "new_map", "save_map", "validate", "validate_file", "__version__"]
