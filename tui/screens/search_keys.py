"""The search screen's keys (its footer shows those not marked ``show=False``; every one
is in the help screen and the command palette)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

SEARCH_KEYS: list[BindingType] = [
    # Help first, so the footer never cuts it off (the app's F1, shown here).
    Binding("f1", "app.help", "Help"),
    Binding("slash", "focus_search", "Search", tooltip="Move to the search bar", show=False),
    Binding("f2", "toggle_sort", "Sort", tooltip="Relevance → newest → oldest"),
    Binding("f3", "accept_suggestion", "Suggestion", tooltip="Search the suggestion"),
    Binding("f4", "clear_filters", "Clear", tooltip="Clear the filters"),
    Binding("f6", "focus_facets", "Facets", tooltip="Move to the facet list"),
    Binding(
        "f7",
        "export",
        "Export",
        tooltip="Write every result to a file (CSV, JSON Lines, Markdown, BibTeX)",
    ),
    Binding(
        "f8",
        "copy",
        "Copy",
        tooltip="Copy the story's id, headline, citation, link or text",
        show=False,
    ),
    Binding(
        "ctrl+o",
        "open",
        "Open",
        tooltip="The story's web address in the browser, or its file in $PAGER",
        show=False,
    ),
    Binding(
        "ctrl+s",
        "save_search",
        "Save search",
        tooltip="Keep this search under a name",
        show=False,
    ),
    Binding(
        "f9",
        "saved_searches",
        "Saved",
        tooltip="Saved searches and their new stories",
        show=False,
    ),
    Binding("ctrl+b", "mark", "Mark", tooltip="Mark the story ★ (again: unmark)", show=False),
    Binding(
        "ctrl+t",
        "toggle_sidebar",
        "Sidebar",
        tooltip="Hide or show the facets and timeline",
        show=False,
    ),
    Binding(
        "ctrl+g",
        "toggle_versions",
        "Versions",
        tooltip="Each story once (its versions folded), or every version listed and counted",
        show=False,
    ),
    Binding("ctrl+y", "toggle_preview", "Preview", tooltip="Hide or show the preview", show=False),
    Binding("escape", "back_to_search", "Search bar", show=False),
]
