"""Text written into a model file beside the equations (documentation, units, the title), made safe
for every program that reads the file.

PySD's builder copies a variable's documentation into a Python triple-quoted docstring without
escaping it (and turns each backslash into a line break), so a label holding ``\"\"\"`` would end
the docstring and what follows would run as Python when the model is translated. Vensim ends a
field at ``~`` or ``|``; control characters confuse every reader. :func:`model_text` gives the copy
for the model file: double quotes become single quotes, backslashes slashes, control characters
and line breaks spaces, and very long text is cut. The map, the HTML and ``ASSUMPTIONS.md`` keep the
text exactly as typed.

Example
-------
>>> model_text('x\"\"\"; __import__("os").system("id") #')
"x'''; __import__('os').system('id') #"
>>> model_text("Søvn\\\\hvile\\n“ro”")
'Søvn/hvile “ro”'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["model_text", "MAX_MODEL_TEXT"]

MAX_MODEL_TEXT = 400
"""The longest documentation or units text written into a model file, in characters."""

_REPLACE = str.maketrans({'"': "'", "\\": "/"})
_SPACES = re.compile(r"\s+")


def model_text(text: object, limit: int = MAX_MODEL_TEXT) -> str:
    """``text`` as it may appear in a model file's documentation, units or title (see the module notes)."""
    text = str(text).encode("utf-8", "replace").decode("utf-8").translate(_REPLACE)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") else ch
                   for ch in text)
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
