"""Search terms as Wagtail's search backends can take them."""

# The SQLite search backend puts each term in "…" without escaping, so a double quote or a NUL in
# the query is an FTS5 syntax error, a server error (wagtail/wagtail#13227). Neither is part of a
# search term: the tokenizer separates words there anyway, so both become spaces.
_NOT_IN_SEARCH_TERMS = str.maketrans({'"': " ", "\x00": " "})

MAX_LENGTH = 200


def search_terms(value: str | None, *, max_length: int = MAX_LENGTH) -> str:
    """What a person typed into a search box, safe for ``.search()`` on every backend."""
    return " ".join((value or "").translate(_NOT_IN_SEARCH_TERMS).split())[:max_length]
