"""Decompressing lz-string's ``compressToUTF16`` text, as PRSM saves its ``.prsm`` map files.

lz-string (pieroxy, MIT/WTFPL) is an LZW variant: the compressed text carries 15 bits per character
(each code is the value plus 32, so the text is printable) and ends with a space. PRSM writes its maps
with ``compressToUTF16(JSON.stringify(map))`` and reads a file whose first character is not ``{`` with
``decompressFromUTF16`` (PRSM ``js/files.js``, ``loadPRSMfile``). This is that decompressor in plain
Python; it only rebuilds text from a dictionary, it never runs anything.

Example
-------
>>> decompress_from_utf16("\\u10e1\\u0ca0 ")
'ab'
>>> decompress_from_utf16("{not compressed}") is None
True
"""

from __future__ import annotations

__all__ = ["decompress_from_utf16", "MAX_CHARS"]

MAX_CHARS = 50 * 2 ** 20
"""The most characters a decompressed map may have (a bomb that unpacks to more is refused as not a map)."""


def decompress_from_utf16(compressed: str, max_chars: int = MAX_CHARS) -> str | None:
    """The text ``compressToUTF16`` made ``compressed`` from; None if it is not such text (or too large)."""
    codes = [ord(ch) - 32 for ch in compressed]
    if not codes or any(not 0 <= code < 32768 for code in codes[:-1]):
        return None
    reader = _Bits(codes)
    kind = reader.read(2)
    if kind == 2:
        return ""
    if kind not in (0, 1):
        return None
    word = chr(reader.read(8 if kind == 0 else 16))
    dictionary: list[str] = ["", "", "", word]
    out, size, bits, enlarge_in = [word], len(word), 3, 4
    while True:
        if reader.index > len(codes):
            return None
        code = reader.read(bits)
        if code in (0, 1):
            dictionary.append(chr(reader.read(8 if code == 0 else 16)))
            code = len(dictionary) - 1
            enlarge_in -= 1
        elif code == 2:
            return _joined(out)
        if enlarge_in == 0:
            enlarge_in, bits = 2 ** bits, bits + 1
        if code < len(dictionary) and code > 2:
            entry = dictionary[code]
        elif code == len(dictionary):
            entry = word + word[0]
        else:
            return None
        size += len(entry)
        if size > max_chars:
            return None
        out.append(entry)
        dictionary.append(word + entry[0])
        enlarge_in -= 1
        word = entry
        if enlarge_in == 0:
            enlarge_in, bits = 2 ** bits, bits + 1


class _Bits:
    """Reads bits, lowest first, from 15-bit codes (``compressToUTF16`` puts 15 bits in each character)."""

    def __init__(self, codes: list[int]) -> None:
        self.codes, self.value, self.position, self.index = codes, codes[0], 16384, 1

    def read(self, count: int) -> int:
        number = 0
        for power in range(count):
            bit = self.value & self.position
            self.position >>= 1
            if self.position == 0:
                self.position = 16384
                self.value = self.codes[self.index] if self.index < len(self.codes) else 0
                self.index += 1
            number |= (1 if bit else 0) << power
        return number


def _joined(parts: list[str]) -> str | None:
    """The UTF-16 code units as Python text (pairs of surrogates joined); None if they do not form text."""
    try:
        return "".join(parts).encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None
