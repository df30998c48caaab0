"""The use cases, once: every adapter (the CLI, each Slack listener) calls these and does
nothing of its own beyond parsing input and rendering output.

- `ask`: retrieve passages, quote them (or decline), then let a configured model phrase
  the answer under the grounding guard, falling back to the quotes; model text streams
  through `on_text`.
- `check`: scan a draft for jargon (with the team's own terms), then let a configured
  model judge the word senses the scan was unsure of.
- `rewrite`: a plain rewrite from the findings the person was shown.
- `reader_for`, `set_audience`: who a person's drafts are checked for (the audience named
  in the request, else the person's choice, else the workspace's default, else the one the
  draft's opening names).

CPU-bound work (retrieval, scanning) runs inside `cpu_gate`, which the Slack app sets so
that acknowledgements go first; model calls, which wait on I/O or native code, run
outside it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.asks import read_ask
from bot.config import Settings
from bot.db import PerThread, connect_sqlite, sqlite_has_team_terms
from bot.health import Check
from bot.llm import OnText
from bot.llm import doctor as model_doctor

# The answer side (numpy, the knowledge index) and the jargon side (its compiled lists) are
# imported where they are used: each command line starts a process for one of them, and
# `ask` or `check` would otherwise pay for the other's imports (about 60 ms and 140 ms).
if TYPE_CHECKING:
    from bot.answer import Answer, Turn
    from bot.jargon import Checker, Report
    from bot.knowledge import IndexReport, KnowledgeIndex, Progress
    from bot.llm.rewrite import RewriteResult
    from bot.storage import AudienceChoice, Storage

log = logging.getLogger("cio_coach")

CpuGate = Callable[[], AbstractContextManager[Any]]
CLI_TEAM = "local"  # the command line's own team for team terms
DEFAULT_TOP = 5


@dataclass(frozen=True)
class Reader:
    """Who a draft is checked for, and why: `source` is "named" (in the request itself),
    "person" (their choice), "workspace" (its default), "guess" (`audience` None: the
    readers the draft's opening names, else general) or "unread" (a guess too: the choice
    could not be read)."""

    audience: str | None
    source: str


class Coach:
    """The program's use cases for one set of settings; safe to share between threads."""

    def __init__(self, settings: Settings, *, cpu_gate: CpuGate = nullcontext) -> None:
        self.settings = settings
        self.cpu_gate = cpu_gate
        self._indexes = PerThread(lambda: connect_sqlite(settings.db_path))

    def __deepcopy__(self, memo: dict) -> Coach:
        # Bolt copies a request's context for its lazy listeners; this object holds no
        # per-request state (and its per-thread connections cannot be copied).
        return self

    # --- knowledge --------------------------------------------------------------------

    def knowledge(self) -> KnowledgeIndex:
        """This thread's view of the knowledge index (not refreshed). With a model, texts
        without takeaways kept as data get the model's guarded ones when indexed."""
        from bot.knowledge import KnowledgeIndex
        from bot.llm.takeaway import write_takeaway

        writer = (lambda passage: write_takeaway(passage, self.settings)) \
            if self.settings.model_configured else None
        return KnowledgeIndex(self._indexes.get(), self.settings.knowledge_dir,
                              write_takeaway=writer)

    def close_thread_connections(self) -> None:
        """Close this thread's index connection (before a fork, say)."""
        self._indexes.discard()

    def refresh_index(self, progress: Progress | None = None, *,
                      rebuild: bool = False) -> IndexReport:
        index = self.knowledge()
        return index.rebuild(progress) if rebuild else index.refresh(progress)

    # --- answers ----------------------------------------------------------------------

    def ask(self, question: str, *, history: list[Turn] | None = None,
            on_text: OnText | None = None, top: int = DEFAULT_TOP) -> Answer:
        """The cited answer to `question`, phrased by a model when one is configured."""
        with self.cpu_gate():
            quoted = self._quoted(question, history, top)
        if self.settings.model_configured and quoted.answered:
            from bot.llm.grounded import generate_answer

            return generate_answer(quoted, self.settings, history=history, on_text=on_text)
        return quoted

    def _quoted(self, question: str, history: list[Turn] | None, top: int) -> Answer:
        from bot.answer import (
            example_questions,
            is_follow_up,
            needs_context,
            quoted_answer,
            shown_in,
            small_talk,
            wants_example,
        )
        from bot.retrieval import Retriever

        knowledge_dir = self.settings.knowledge_dir
        examples = example_questions(knowledge_dir)
        ask = read_ask(question, knowledge_dir)
        if ask.small_talk:
            return small_talk(ask, examples)
        if ask.bare_follow_up and not history:
            return needs_context(question, examples)
        index = self.knowledge()
        index.refresh()
        retriever = Retriever(index)
        result = retriever.search(question, k=top)
        if history and is_follow_up(question, result, knowledge_dir):
            # "why?", "give me an example of that": the earlier question carries the topic,
            # and what the thread already showed is not shown again.
            result = retriever.search(f"{history[-1].question} {question}", k=top)
            result.question = question
            return quoted_answer(result, examples, shown=shown_in(history),
                                 prefer_example=wants_example(question))
        return quoted_answer(result, examples)

    # --- jargon -----------------------------------------------------------------------

    def storage(self) -> Storage:
        # Imported here: SQLAlchemy takes about 180 ms to import (measured on this 2-core
        # machine), more than answering a question, and `ask` never needs it.
        from bot.storage import open_storage

        return open_storage(self.settings)

    def checker(self, team_id: str = CLI_TEAM) -> Checker:
        """The knowledge folder's lists plus the team's own terms; the lists alone (and a
        warning in the log) when the team's terms cannot be read."""
        from bot.jargon import default_checker

        lists = self.settings.knowledge_dir
        if not self._may_hold_team_terms(team_id):
            return default_checker(lists)
        try:
            return self.storage().team_terms.checker(team_id, lists)
        except Exception as exc:  # a broken database must not stop the check
            log.warning("team terms not loaded (%s); using the built-in lists only", exc)
            return default_checker(lists)

    def check(self, draft: str, *, team_id: str = CLI_TEAM, checker: Checker | None = None,
              audience: str | None = None) -> Report:
        """The jargon report of `draft` for `audience` (None: guessed from its opening);
        a configured model judges the senses the scan was unsure of."""
        from bot.jargon import check as check_draft

        checker = checker or self.checker(team_id)
        with self.cpu_gate():
            report = check_draft(draft, checker=checker, audience=audience)
        if self.settings.model_configured:
            from bot.llm.sense import judge_report

            report = judge_report(report, self.settings)
        return report

    def rewrite(self, report: Report, *, team_id: str = CLI_TEAM,
                on_text: OnText | None = None) -> RewriteResult:
        """A plain rewrite of `report.text` from the findings in `report`."""
        from bot.llm.rewrite import rewrite_draft

        return rewrite_draft(report, self.settings, checker=self.checker(team_id),
                             on_text=on_text)

    # --- audiences --------------------------------------------------------------------

    def audience_names(self) -> list[str]:
        """The audiences a draft can be checked for, general first (the data files)."""
        from bot.jargon.audiences import AUDIENCES, load_audiences
        from bot.jargon.terms import jargon_dir

        loaded = load_audiences(jargon_dir(self.settings.knowledge_dir))
        return [n for n in AUDIENCES if n in loaded] + sorted(set(loaded) - set(AUDIENCES))

    def audience_choice(self, team_id: str, user_id: str) -> AudienceChoice:
        """The person's chosen audience and the workspace's default; a stored name whose
        data file is gone counts as no choice (and is logged)."""
        choice = self.storage().audiences.get(team_id, user_id)
        known = set(self.audience_names())
        stale = {n for n in (choice.person, choice.workspace) if n and n not in known}
        if not stale:
            return choice
        log.warning("audience %s of %s/%s has no data file; ignored", ", ".join(sorted(stale)),
                    team_id, user_id)
        return dataclasses.replace(
            choice, person=None if choice.person in stale else choice.person,
            workspace=None if choice.workspace in stale else choice.workspace)

    def set_audience(self, team_id: str, user_id: str, name: str | None, *,
                     workspace: bool = False) -> AudienceChoice:
        """Choose who the person's drafts are checked for (with `workspace`, the workspace's
        default, set by `user_id`); None clears the choice (`general` is a choice: a
        person in a workspace whose default is finance may want general readers). Raises
        AudienceError for a name with no data file. Returns the choice now in force."""
        from bot.jargon.audiences import AudienceError

        name = (name or "").strip().lower() or None
        if name is not None and name not in self.audience_names():
            raise AudienceError(f"unknown audience {name!r}")
        stored = name
        audiences = self.storage().audiences
        if workspace:
            audiences.set_workspace(team_id, stored, user_id=user_id)
        else:
            audiences.set_person(team_id, user_id, stored)
        log.info("%s audience in %s set to %s by %s", "workspace" if workspace else "personal",
                 team_id, stored or "none", user_id)
        return self.audience_choice(team_id, user_id)

    def reader_for(self, team_id: str, user_id: str, named: str | None = None) -> Reader:
        """The audience named in the request, else the person's choice, else the workspace's
        default, else None (guessed from the draft's opening). A choice that cannot be read
        is logged and the draft's opening decides ("unread"): the check must not fail on it."""
        if named:
            return Reader(named, "named")
        try:
            choice = self.audience_choice(team_id, user_id)
        except Exception as exc:
            log.warning("audience choice of %s/%s not read (%s); guessing from the draft",
                        team_id, user_id, exc)
            return Reader(None, "unread")
        if choice.person:
            return Reader(choice.person, "person")
        if choice.workspace:
            return Reader(choice.workspace, "workspace")
        return Reader(None, "guess")

    def _may_hold_team_terms(self, team_id: str) -> bool:
        """Team terms can only exist in a database that exists (the CLI must not create
        one just to find it empty) and, in a SQLite file, only where a row says so."""
        if self.settings.database_url:
            return True
        path = self.settings.db_path
        return path.is_file() and sqlite_has_team_terms(path, team_id)

    # --- health -----------------------------------------------------------------------

    def health(self) -> list[Check]:
        """What `doctor` reports for the core, the shared state and the model."""
        return [*self._core_checks(), *self._storage_checks(), *model_doctor.checks(
            self.settings)]

    def _core_checks(self) -> list[Check]:
        folder = self.settings.knowledge_dir
        checks = [Check("core", "knowledge folder", folder.is_dir(), str(folder))]
        try:
            report = self.refresh_index()
        except Exception as exc:  # doctor reports, it does not crash
            checks.append(Check("core", "database", False, f"{self.settings.db_path}: {exc}"))
            return checks
        checks.append(Check("core", "database", True, str(self.settings.db_path)))
        checks.append(Check("core", "knowledge index", report.passages > 0,
                            f"{report.documents} documents, {report.passages} passages"))
        return checks

    def _storage_checks(self) -> list[Check]:
        """Backend, connection and schema, read without migrating anything."""
        from bot.storage.engine import database_url, make_engine, reason, safe_url, schema_status

        backend = "PostgreSQL" if self.settings.database_url else "SQLite"
        url = database_url(self.settings)
        where = safe_url(self.settings.database_url) if self.settings.database_url else \
            str(self.settings.db_path)
        engine = make_engine(url)
        try:
            applied, pending = schema_status(engine)
        except Exception as exc:
            return [Check("storage", "backend", False,
                          f"{backend} at {where}: cannot connect ({reason(exc)})")]
        finally:
            engine.dispose()
        version = applied[-1] if applied else "none"
        return [Check("storage", "backend", True, f"{backend} at {where}, connected"),
                Check("storage", "schema", not pending,
                      f"{len(applied)} migrations applied (latest {version}), "
                      f"{len(pending)} pending"
                      + (f": {', '.join(pending)}; run `cio-coach db migrate`" if pending
                         else ""))]


def report_from_json(data: dict[str, Any]) -> Report:
    """A report as stored (`Report.to_json`), for a rewrite of what the person was shown."""
    from bot.jargon import Finding, Report

    finding_fields = {f.name for f in dataclasses.fields(Finding)}
    report_fields = {f.name for f in dataclasses.fields(Report)}
    findings = [Finding(**{k: v for k, v in item.items() if k in finding_fields})
                for item in data.get("findings", [])]
    values = {k: v for k, v in data.items() if k in report_fields and k != "findings"}
    return Report(findings=findings, **values)

