"""Catalog search as people type: without regard to capitals or Vietnamese diacritics ("KẾT HÔN",
"ket hon" and "kết hôn" find the same procedures). Pure: no Django."""

from __future__ import annotations

import unicodedata

_NOT_DECOMPOSED = str.maketrans({"đ": "d", "Đ": "d"})  # đ is a letter of its own, not d with a mark


def fold(text: str) -> str:
    """Lower case, diacritics removed, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.translate(_NOT_DECOMPOSED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def words(query: str) -> list[str]:
    """The folded words of a query; a procedure matches when its text holds every one."""
    return fold(query).split()
