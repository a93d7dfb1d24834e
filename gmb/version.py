"""gmb's version, in the one place every layer may read it from.

>>> __version__.count(".")
2
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
