"""Snippet fragments: windows of context around the match spans, best ones first.

Kept apart from finding the spans (``search.present.highlight``): this part only cuts plain
text at word boundaries and shifts the spans into the snippet.
"""

from __future__ import annotations

from search.results import Span

#: Characters of context kept on each side of a match in a snippet fragment.
CONTEXT_CHARS = 60
#: Longest fragment: dense matches start a new fragment rather than growing one.
MAX_FRAGMENT_CHARS = 170
#: Fragments per snippet, and the length of a snippet with no match (the lede).
MAX_FRAGMENTS = 3
LEDE_CHARS = 240
ELLIPSIS = "…"


def lede(text: str) -> str:
    if len(text) <= LEDE_CHARS:
        return text
    cut = text.rfind(" ", 0, LEDE_CHARS)
    return text[: cut if cut > LEDE_CHARS // 2 else LEDE_CHARS] + ELLIPSIS


def _word_start(text: str, position: int) -> int:
    if position <= 0:
        return 0
    space = text.find(" ", position)
    return space + 1 if 0 <= space < position + 20 else position


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", 0, position)
    return space if space > position - 20 else position


def fragments(text: str, spans: tuple[Span, ...]) -> tuple[str, tuple[Span, ...]]:
    """Windows of context around the matches, best (most distinct words) first."""
    windows: list[list[int]] = []
    for start, end in spans:
        low = _word_start(text, start - CONTEXT_CHARS)
        high = _word_end(text, end + CONTEXT_CHARS)
        low, high = min(low, start), max(high, end)
        if windows and low <= windows[-1][1]:
            if high - windows[-1][0] <= MAX_FRAGMENT_CHARS or start < windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], high)
                continue
            low = windows[-1][1] + 1  # a fragment of its own, not overlapping
        windows.append([low, high])

    inside = _spans_by_window(windows, spans)

    def distinct_words(number: int) -> int:
        return len({text[s:e].lower() for s, e in inside[number]})

    chosen = sorted(range(len(windows)), key=lambda n: (-distinct_words(n), windows[n][0]))
    best = sorted(chosen[:MAX_FRAGMENTS])
    pieces: list[str] = []
    out_spans: list[Span] = []
    offset = 0
    for number in best:
        low, high = windows[number]
        prefix = ELLIPSIS if low > 0 and not pieces else (f" {ELLIPSIS} " if pieces else "")
        offset += len(prefix)
        pieces.append(prefix + text[low:high])
        out_spans.extend((s - low + offset, e - low + offset) for s, e in inside[number])
        offset += high - low
    snippet = "".join(pieces)
    if best and windows[best[-1]][1] < len(text):
        snippet += ELLIPSIS
    return snippet, tuple(out_spans)


def _spans_by_window(windows: list[list[int]], spans: tuple[Span, ...]) -> list[list[Span]]:
    """The spans lying wholly inside each window, in one pass over both.

    Windows are disjoint and in text order, and so are the spans (whole tokens), so a
    span can only lie in the first window reaching past its end.  Spans out of order
    (never seen) fall back to testing every window.
    """
    inside: list[list[Span]] = [[] for _ in windows]
    at, last_end = 0, -1
    for start, end in spans:
        if end < last_end:
            return [[(s, e) for s, e in spans if low <= s and e <= high] for low, high in windows]
        last_end = end
        while at < len(windows) and windows[at][1] < end:
            at += 1
        if at == len(windows):
            break
        if windows[at][0] <= start:
            inside[at].append((start, end))
    return inside
