"""The Textual app: opens the index (building the sample on first run) and shows the screens.

The App itself only wires things together; each screen owns its behaviour.  Tests build
it with :func:`create_app` over a fixture index and a temporary history file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from corpus.errors import NewsdeskError
from index.errors import IndexMissingError
from search.results import Hit
from tui.backend import SearchBackend
from tui.history import QueryHistory
from tui.idle_gc import IdleCollector
from tui.index_job import JobSummary, error_kind
from tui.preferences import PreferenceStore
from tui.screens.build import BuildScreen, typed_text
from tui.screens.help import HelpScreen
from tui.screens.problem import ProblemScreen
from tui.screens.search import SearchScreen
from tui.settings import Settings

#: How often the app checks whether the user has paused (see :mod:`tui.idle_gc`).
IDLE_GC_CHECK_SECONDS = 0.5


class NewsdeskApp(App[Hit | None]):
    """newsdesk's terminal UI; as ``newsdesk pick``, it ends with the story chosen."""

    TITLE = "newsdesk"
    CSS_PATH = "app.tcss"
    #: Screens get the class "-narrow" below 110 columns (their .tcss adapts the layout).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f5", "refresh_index", "Refresh index", tooltip="Re-read the recorded corpora"),
    ]

    def __init__(self, settings: Settings, engine: SearchBackend | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.engine = engine
        self._owns_engine = engine is None
        self.history = QueryHistory(settings.history_path)
        self.preferences = PreferenceStore(settings.preferences_path)
        self.idle_gc = IdleCollector()
        #: A search typed before the search screen exists (first-run build, opening).
        self.pending_query = ""

    def on_mount(self) -> None:
        theme = self.settings.theme or self.preferences.current.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        if not self.settings.theme:  # a theme fixed by the settings is not a choice
            self.watch(self, "theme", self._theme_chosen, init=False)
        self.set_interval(IDLE_GC_CHECK_SECONDS, self.idle_gc.collect_if_due)
        if self.engine is not None:
            self._show_search(self.engine)
        else:
            self._open_engine()

    def _theme_chosen(self, theme: str) -> None:
        self.preferences.update(theme=theme)

    def on_unmount(self) -> None:
        self.idle_gc.stop()
        if self._owns_engine and self.engine is not None:
            self.engine.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.idle_gc.activity()  # full garbage collections wait for a pause
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """Keys typed while the index opens (no screen of ours yet) start the search."""
        if len(self.screen_stack) <= 1:
            typed = typed_text(self.pending_query, event)
            if typed is not None:
                self.pending_query = typed

    # -- opening the index ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_engine(self) -> None:
        from search import Engine

        engine = Engine.open(self.settings.index_dir, cluster=self.settings.cluster)
        self.call_from_thread(self._show_search, engine)

    def _show_search(self, engine: SearchBackend) -> None:
        self.engine = engine
        self.idle_gc.start()  # the index is open: freeze what start-up made
        query, self.pending_query = self.pending_query, ""
        self.switch_or_push(
            SearchScreen(
                engine, self.settings, self.history, query=query, preferences=self.preferences
            )
        )

    def switch_or_push(self, screen: Screen[None]) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.group != "open":
            return
        error = event.worker.error
        if isinstance(error, IndexMissingError) and self.settings.build_sample_if_missing:
            self._build(heading="First run: indexing the bundled sample stories", rebuild=False)
        elif isinstance(error, NewsdeskError):
            self._show_problem(error)
        else:
            self._show_problem(NewsdeskError(f"{type(error).__name__}: {error}"))

    def _build(self, *, heading: str, rebuild: bool) -> None:
        screen = BuildScreen(
            self.settings.index_dir,
            None,
            heading=heading,
            rebuild=rebuild,
            typed=self.pending_query,
        )
        self.switch_or_push_build(screen)

    def switch_or_push_build(self, screen: BuildScreen) -> None:
        def built(result: JobSummary | NewsdeskError | None) -> None:
            self.pending_query = screen.typed  # the search typed while it built
            if isinstance(result, NewsdeskError):
                self._show_problem(result)
            elif result is not None and result.total == 0:
                self._show_problem(
                    NewsdeskError(
                        "The corpus has no articles, so there is nothing to search.",
                        title="Empty corpus",
                    )
                )
            else:
                self._open_engine()

        self.push_screen(screen, built)

    def _show_problem(self, error: NewsdeskError) -> None:
        hint = problem_hint(error)
        can_rebuild = error_kind(error) in ("IndexCorruptError", "SchemaVersionError")
        screen = ProblemScreen(error.title, str(error), hint, can_rebuild=can_rebuild)

        def chosen(choice: str | None) -> None:
            if choice == "rebuild":
                self._build(heading="Rebuilding the index", rebuild=True)
            else:
                self._open_engine()

        self.push_screen(screen, chosen)

    # -- actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(type(self.screen).BINDINGS, self.BINDINGS))

    def action_refresh_index(self) -> None:
        if isinstance(self.screen, SearchScreen):
            self.screen.refresh_index()
        else:
            self.notify("Refresh the index from the search screen.", markup=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists the screen's and the app's actions by their descriptions,
        each once (a screen's ``app.help`` and the app's ``help`` are one command)."""
        seen: set[str] = set()
        for command in super().get_system_commands(screen):
            seen.add(command.title.casefold())
            yield command
        for source, bindings in ((screen, type(screen).BINDINGS), (self, self.BINDINGS)):
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.description.casefold() in seen:
                    continue
                seen.add(binding.description.casefold())
                help_text = binding.tooltip or f"key: {self.get_key_display(binding)}"
                yield SystemCommand(
                    binding.description,
                    help_text,
                    lambda s=source, a=binding.action: self.call_later(s.run_action, a),
                )


def problem_hint(error: NewsdeskError) -> str:
    """What the user can do now, in the keys of the problem screen."""
    name = error_kind(error)
    if name in ("IndexCorruptError", "SchemaVersionError"):
        return "Press F9 to rebuild the index from its corpora, or q to quit."
    if name == "IndexLockedError":
        return "Another newsdesk is updating the index: press F5 to try again when it is done."
    if name == "IndexMissingError" and getattr(error, "builder", None) is not None:
        return "Its first build is running: press F5 to try again when it is done."
    if name == "IndexMissingError":
        return "Build one with `newsdesk index PATH`, then press F5 to try again."
    if error.title == "Empty corpus":
        return "Add articles with `newsdesk index PATH` (files, folders or archives), then F5."
    return "Press F5 to try again, or q to quit."


def create_app(
    settings: Settings | None = None, engine: SearchBackend | None = None
) -> NewsdeskApp:
    """The app over ``engine`` (or the index in ``settings.index_dir`` when None)."""
    return NewsdeskApp(settings or Settings(), engine)
