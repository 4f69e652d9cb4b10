"""What a run of the pipeline needs and gives: the ``Runtime`` (settings, state, advice data and wording,
loaded once) and the ``ProcessResult`` with its ``Outcome``."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolbox_docs.advice.advise import advise, load_advice_data
from toolbox_docs.advice.catalogue import Catalogue
from toolbox_docs.advice.checklist import Checklist
from toolbox_docs.advice.model import Advice
from toolbox_docs.advice.rules import Rules
from toolbox_docs.documents.wording import Wording
from toolbox_docs.forms.records import Intake
from toolbox_docs.forms.validate import Problem
from toolbox_docs.names import printable
from toolbox_docs.pipeline.outcome import Outcome
from toolbox_docs.register.projects import Register
from toolbox_docs.settings import Settings
from toolbox_docs.share.publish import Action, Did
from toolbox_docs.state import DEFAULT_BUSY_SECONDS, State

# Problems of a processed file that are about the project and its documents rather than the workbook's cells.
NOTE_CODES = frozenset({"project-identity", "proposal"})


@dataclass(frozen=True)
class ProcessResult:
    path: Path
    outcome: Outcome
    kind: str | None = None
    sha256: str | None = None
    actions: tuple[Action, ...] = ()
    problems: tuple[Problem, ...] = ()
    message: str = ""
    advice: Advice | None = None
    project_id: str | None = None

    @property
    def written(self) -> tuple[Path, ...]:
        return tuple(a.path for a in self.actions if a.did in (Did.CREATED, Did.UPDATED))

    @property
    def outputs(self) -> tuple[Path, ...]:
        """What stands beside the input after the run (a deleted one is made again: the service checks)."""
        return tuple(a.path for a in self.actions if a.did not in (Did.REMOVED, Did.MOVED, Did.SKIPPED))

    def notes(self) -> tuple[str, ...]:
        """The lines the admin should read in the log at once, not only at debug level: what the run decided
        about the project's identity (a copy, a move) and proposals it could not write."""
        return tuple(f"  - {p.severity}: {printable(p.message)}" for p in self.problems if p.code in NOTE_CODES)

    def lines(self) -> list[str]:
        """A Dutch summary for people."""
        head = f"{printable(self.path)}: {self.outcome.value}"
        if self.message:
            head += f" — {printable(self.message)}"
        lines = [head]
        lines += [f"  {action.line()}" for action in self.actions]
        lines += [f"  - {p.severity} ({p.place()}): {printable(p.message)}" if p.place()
                  else f"  - {p.severity}: {printable(p.message)}" for p in self.problems]
        return lines


@dataclass
class Runtime:
    """What the pipeline needs, loaded once: settings, state, advice data and wording."""

    settings: Settings
    state: State
    catalogue: Catalogue
    rules: Rules
    checklist: Checklist
    wording: Wording
    register: Register
    on_register_change: Callable[[], None] | None = None
    roots: tuple[Path, ...] = field(default=())

    @classmethod
    def open(cls, settings: Settings, *, roots: tuple[Path, ...] = (),
             busy_seconds: float = DEFAULT_BUSY_SECONDS) -> Runtime:
        catalogue, rules, checklist = load_advice_data(settings)
        wording = Wording(settings.wording_dir)
        wording.phrases  # noqa: B018 - load and check zinnen.toml now: a broken sentence is reported at start
        state = State(settings.state_db, busy_seconds=busy_seconds)
        return cls(settings, state, catalogue, rules, checklist, wording, Register(state), roots=roots)

    def close(self) -> None:
        self.state.close()

    def advise(self, intake: Intake) -> Advice:
        return advise(intake, settings=self.settings, catalogue=self.catalogue, rules=self.rules,
                      checklist=self.checklist)

    def root_of(self, path: Path) -> Path | None:
        """The watched root ``path`` lies in, by its name (a link on the way is not followed to find one)."""
        absolute = os.path.abspath(path)
        for root in self.roots:
            if Path(absolute).is_relative_to(os.path.abspath(root)):
                return root
        return None
