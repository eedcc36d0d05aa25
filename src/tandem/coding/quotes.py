"""Finding a pasted passage in a text, so that coding works without JavaScript.

The lead copies a passage from the page and pastes it into a text box; the server works out
where it is. Browsers change what they copy and submit: line breaks arrive as CRLF, runs of
spaces collapse, curly quotes and dashes may be straightened by an editor. So an exact match is
tried first, then a match that ignores those differences and letter case.
"""

from __future__ import annotations

_QUOTE_FOLDS = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "`": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "\u00a0": " ",
}


class QuoteError(ValueError):
    """The passage cannot be placed in the text; the message tells the lead what to do."""


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` with whitespace runs as one space, quotes and dashes straightened, lower case;
    and for each character of the result, the index in `text` it came from."""
    chars: list[str] = []
    origins: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        folded = _QUOTE_FOLDS.get(char, char)
        if folded.isspace():
            if previous_space:
                continue
            previous_space = True
            folded = " "
        else:
            previous_space = False
            lowered = folded.lower()
            # A few letters lower-case to two characters (İ); keep them as they are.
            folded = lowered if len(lowered) == 1 else folded
        chars.append(folded)
        origins.append(index)
    return "".join(chars), origins


def _occurrences(haystack: str, needle: str) -> list[int]:
    found = []
    start = haystack.find(needle)
    while start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def locate_quote(text: str, quote: str) -> tuple[int, int]:
    """The start and end (exclusive) of `quote` in `text`.

    Raises `QuoteError` when the passage is empty, is not in the text, or is in it more than
    once (the lead is asked for a longer passage rather than given the first one silently).
    """
    wanted = quote.strip()
    if not wanted:
        raise QuoteError("Paste the passage you want to code.")
    exact = _occurrences(text, wanted)
    if len(exact) == 1:
        return exact[0], exact[0] + len(wanted)
    if not exact:
        normal_text, origins = _normalised(text)
        normal_quote, _ = _normalised(wanted)
        loose = _occurrences(normal_text, normal_quote)
        if len(loose) == 1:
            first = loose[0]
            last = first + len(normal_quote) - 1
            return origins[first], origins[last] + 1
        exact = loose
    if not exact:
        raise QuoteError(
            "This passage is not in the text. Copy the words exactly as they appear above "
            "and paste them again."
        )
    raise QuoteError(
        f"This passage appears {len(exact)} times in the text. Paste a longer passage, "
        "so that it points to one place."
    )
