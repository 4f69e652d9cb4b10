"""The service loop: scan, listen, wait until files are ready, process each content version once.

Events are hints: the roots are scanned at start and every ``herscan_seconden``, and work is keyed on
the content hash in the ledger, so a missed or doubled event is harmless. Each ready file goes to the
worker process (time and memory bounds); deferred and failed work is retried after
``opnieuw_proberen_seconden``, doubling for each further attempt on the same content up to
``schedule.MAX_RETRY_SECONDS``, so that files that cannot be finished (documents left open, a read-only folder)
do not crowd out new work; a change of the file, or an owner file going away, brings its turn forward
(the policy is ``schedule.Schedule``; when a file is ready is ``readiness.Readiness``).
A root that goes away is reported in the log and the heartbeat, and watched again when it is back; so is
a share mounted at or below a root that is unmounted (``mounts.py``): nothing is read or written there
until it is mounted again, then everything is looked at again.
SIGTERM and Ctrl-C finish the file in hand and stop cleanly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import queue
import signal
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from toolbox_docs.errors import ExitCode, StateError, StateUnavailable, ToolboxError
from toolbox_docs.forms.schema import Severity
from toolbox_docs.forms.validate import Problem
from toolbox_docs.names import printable
from toolbox_docs.pipeline.outcome import Outcome
from toolbox_docs.service.candidates import is_candidate, scan
from toolbox_docs.service.lease import Lease
from toolbox_docs.service.mounts import MountWatch
from toolbox_docs.service.observer import Watch
from toolbox_docs.service.readiness import FileState, Readiness
from toolbox_docs.service.schedule import Schedule
from toolbox_docs.service.status import BEAT_SECONDS, counts_text, status_path, write_status
from toolbox_docs.service.worker import BUSY_SECONDS, Failure, Worker, WorkResult
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import read_private_copy, sha256
from toolbox_docs.share.outputs import feedback_path
from toolbox_docs.state import LedgerEntry, State, path_key

log = logging.getLogger("toolbox_docs.service")


class _PrintableArguments(logging.Filter):
    """Every text or path put into a log line is shown with ``names.printable``: a file name with a line
    break cannot forge a log line, and one that is not valid UTF-8 cannot break the (UTF-8) log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(printable(a) if isinstance(a, str | PurePath)
                                else printable(str(a)) if isinstance(a, BaseException) else a for a in record.args)
        return True


for _name in ("toolbox_docs.service", "toolbox_docs.register"):
    logging.getLogger(_name).addFilter(_PrintableArguments())

# How often the service looks whether its watch still works and which shares are mounted: one read of
# /proc/self/mountinfo and a stat per root, cheap enough to do as often as the heartbeat, so that a share
# that comes back (or a root replaced by another folder) is picked up within seconds.
HEALTH_SECONDS = 2.0
MAX_STATE_WAIT_SECONDS = 60.0


def file_id(path: Path) -> str:
    return hashlib.sha1(path_key(path).encode()).hexdigest()[:8]


def _outputs_gone(entry: LedgerEntry) -> bool:
    """Whether a document the last run left beside the input was deleted since: then the file is done
    again, so that what a person deleted by mistake comes back without a change of the workbook."""
    return any(not os.path.lexists(output) for output in entry.outputs)


def check_setup(roots: tuple[Path, ...], settings: Settings) -> None:
    """Refuse a setup that cannot work: a missing root, an output folder inside a watched root."""
    if not roots:
        raise ToolboxError("geef minstens één map op om te bewaken.")
    for root in roots:
        if not root.exists():
            raise ToolboxError("de map bestaat niet of is niet bereikbaar (netwerkschijf niet gekoppeld? "
                               "Gebruik een UNC-pad zoals \\\\server\\share\\Participatie).", path=root)
        if not root.is_dir():
            raise ToolboxError("dit is geen map.", path=root)
        if not os.access(root, os.R_OK | os.X_OK):
            raise ToolboxError("de dienst heeft geen leesrechten op deze map.", path=root)
    _check_templates(settings)
    output = settings.output_dir
    if output is not None:
        resolved = output.resolve()
        for root in roots:
            if resolved == root or resolved.is_relative_to(root):
                raise ToolboxError(f"de uitvoermap ligt binnen de bewaakte map {root}; dan zou de dienst zijn "
                                   "eigen uitvoer steeds opnieuw oppakken. Kies een map erbuiten of laat "
                                   "[dienst] uitvoermap leeg (uitvoer naast de werkboeken).", path=output)


def _check_templates(settings: Settings) -> None:
    """The configured proposal templates must open and carry one anchor, or every intake would fail."""
    from toolbox_docs.documents.blocks import Paragraph
    from toolbox_docs.documents.docx_writer import write_section
    from toolbox_docs.errors import DocumentError

    for template in (settings.college_template, settings.council_template):
        try:
            write_section(template.read_bytes(), (Paragraph.of("controle"),), limits=settings.limits)
        except OSError as error:
            raise ToolboxError(f"het voorstelsjabloon kan niet gelezen worden ({error.strerror}).",
                               path=template) from None
        except DocumentError as error:
            raise ToolboxError(f"het voorstelsjabloon is niet bruikbaar: {error.message}", path=template) from None


@dataclass
class _Stats:
    started: float = field(default_factory=time.time)
    counts: Counter[str] = field(default_factory=Counter)
    last: dict[str, Any] = field(default_factory=dict)


class Service:
    def __init__(self, roots: tuple[Path, ...], settings: Settings, *, polling: bool = False,
                 interval: float | None = None, once: bool = False) -> None:
        self.roots = tuple(r.resolve() for r in roots)
        self.settings = settings
        self.once = once
        self.stopping = threading.Event()
        self.watch = Watch(self.roots, polling=polling, interval=interval or settings.polling_interval)
        self.readiness = Readiness(settings.stability_delay)
        self.schedule = Schedule(settings.retry_interval)  # which files wait, until when; the back-off
        self.digests: dict[Path, tuple[int, int, str]] = {}
        self.stats = _Stats()
        self.results: list[WorkResult] = []
        self.missing_roots: set[Path] = set()
        self.mounts = MountWatch(self.roots)
        self.status_file = status_path(settings)
        self.reminders_at = dt.datetime.min  # when _daily next looks at the evaluation reminders
        self.busy: dict[str, Any] = {}  # the file in the worker's hands, for the heartbeat
        self._last_beat = 0.0
        self._state_pause_until = 0.0  # while the state database is busy or full: no new work before this
        self._state_quiet_until = 0.0  # one log line a minute about it, not one per loop
        self.lost_lease = False  # another service took a root over: this one stopped

    # --- lifecycle ----------------------------------------------------------------------------

    def request_stop(self, *_: Any) -> None:
        if not self.stopping.is_set():
            log.info("Stoppen gevraagd; het bestand dat nu wordt verwerkt wordt afgemaakt.")
        self.stopping.set()
        self.watch.wake()  # the loop may be waiting for hints: it stops now, not after its wait

    def run(self) -> ExitCode:
        check_setup(self.roots, self.settings)
        self.lease = Lease(self.roots, self.settings.state_db)
        for line in self.lease.acquire():  # LeaseRefused: another service has this root or this state
            log.warning(line)
        previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.state = self._open_state()
        except BaseException:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.lease.release()
            raise
        self.worker = Worker(self.settings, self.roots)
        try:
            try:
                self.worker.start()
            except StateUnavailable as error:
                log.warning("%s Het verwerkingsproces start met het eerste bestand.", error)
            if not self.once:
                self.watch.start()
            log.info("Dienst gestart: %s (%s).", ", ".join(map(str, self.roots)),
                     "eenmalig" if self.once else ("polling" if self.watch.polling else "bewaken"))
            self._scan_all()
            self._loop()
        finally:
            self.watch.stop()
            self.worker.close()
            self._beat(final=True)
            self.state.close()
            self.lease.release()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("Dienst gestopt. Bestanden in deze run: %s.", counts_text(self.stats.counts))
        if self.lost_lease:
            return ExitCode.USAGE_OR_SYSTEM
        # --once reports failures in its exit code (for cron); a service stopped on request ends with 0.
        return ExitCode.PROBLEMS if self.once and self.stats.counts.get(Outcome.FAILED) else ExitCode.OK

    def _open_state(self) -> State:
        """The state database; while it is busy or full the service waits (and says so), it does not stop.
        A database that cannot be opened at all (no rights, a newer version) stops the start with a message."""
        while True:
            try:
                return State(self.settings.state_db, busy_seconds=BUSY_SECONDS)
            except StateUnavailable as error:
                log.warning("%s De dienst wacht %g s en probeert het dan opnieuw.", error, self._state_delay())
                if self.stopping.wait(self._state_delay()):
                    raise ToolboxError("gestopt voordat de statusdatabase beschikbaar was.") from None

    def _state_delay(self) -> float:
        return float(min(max(self.settings.retry_interval, 1.0), MAX_STATE_WAIT_SECONDS))

    def _state_trouble(self, error: StateError) -> None:
        """The service's own use of the state failed (busy, full): say so for the admin, pause the work."""
        now = time.monotonic()
        if now >= self._state_quiet_until:
            log.warning("Statusdatabase niet te gebruiken: %s De verwerking wacht %g s.", error, self._state_delay())
            self._state_quiet_until = now + 60.0
        self._state_pause_until = now + self._state_delay()

    def _loop(self) -> None:
        last_scan = last_health = time.monotonic()
        while not self.stopping.is_set():
            self._drain_hints()
            moment = time.monotonic()
            lost = self.lease.renew(away=self.mounts.absent_now)
            if lost:
                log.error("%s", lost)
                self.lost_lease = True
                self.stopping.set()
                break
            try:
                if not self.once and moment - last_scan >= self.settings.rescan_interval:
                    self._scan_all()
                    last_scan = moment
                if not self.once and moment - last_health >= HEALTH_SECONDS:
                    self._check_health()
                    last_health = moment
                self._beat_soon()
                if moment >= self._state_pause_until:
                    self._work()
            except StateError as error:
                self._state_trouble(error)
            self._daily()
            if self.once and not self.schedule:
                break
            self._wait()

    def _wait(self) -> None:
        try:
            hint = self.watch.hints.get(timeout=0.1 if self.schedule else 0.5)
        except queue.Empty:
            return
        self._hint(*hint)

    # --- finding work -------------------------------------------------------------------------

    def _root_of(self, path: Path) -> Path | None:
        for root in self.roots:
            if path.is_relative_to(root):
                return root
        return None

    def _want(self, path: Path) -> None:
        root = self._root_of(path)
        if root is not None and is_candidate(path, root):
            self.schedule.want(path)

    def _scan_all(self) -> None:
        for root in self.roots:
            if not root.is_dir() or self.mounts.is_gone(root):
                if root not in self.missing_roots:
                    log.warning("Bewaakte map %s is niet bereikbaar; de dienst wacht tot hij terug is.", root)
                    self.missing_roots.add(root)
                continue
            if root in self.missing_roots:
                log.info("Bewaakte map %s is weer bereikbaar.", root)
                self.missing_roots.discard(root)
                if not self.once and not self.watch.healthy():
                    self._restart_watch()
            temps: list[Path] = []
            for path in scan(root, temps):
                if path in self.schedule and not self._stat_changed(path):
                    continue  # already has its turn (a retry keeps its later turn unless the file changed)
                if self._changed(path):
                    self._want(path)
            self._remove_orphans(temps)

    def _stat_changed(self, path: Path) -> bool:
        cached = self.digests.get(path)
        try:
            info = path.stat()
        except OSError:
            return False
        return cached is None or cached[:2] != (info.st_size, info.st_mtime_ns)

    def _remove_orphans(self, temps: list[Path]) -> None:
        """Temp files of ours that outlived any write (a crash between writing and renaming): remove them.
        Older than twice the per-file time limit, they cannot belong to a write in progress."""
        limit = time.time() - max(2 * self.settings.limits.seconds_per_file, 60.0)
        for temp in temps:
            try:
                if temp.stat().st_mtime < limit:
                    temp.unlink()
                    log.info("Achtergebleven tijdelijk bestand verwijderd: %s", temp)
            except OSError:
                continue

    def _changed(self, path: Path) -> bool:
        """Whether a scanned file may need work: unknown, changed since last seen, or not finally done."""
        cached = self.digests.get(path)
        try:
            info = path.stat()
        except OSError:
            return False
        if cached is not None and cached[:2] == (info.st_size, info.st_mtime_ns):
            entry = self.state.ledger_entry(path)
            return entry is None or entry.sha256 != cached[2] or not Outcome(entry.outcome).final \
                or _outputs_gone(entry)
        return True

    def _drain_hints(self) -> None:
        for _ in range(10_000):
            try:
                hint = self.watch.hints.get_nowait()
            except queue.Empty:
                return
            self._hint(*hint)

    def _hint(self, kind: str, path: Path) -> None:
        if kind == "file":
            self._want(path)
        elif kind == "dir":
            root = self._root_of(path)
            if root is not None and path.is_dir():
                for found in scan(path):
                    if is_candidate(found, root):
                        self._want(found)
        elif kind == "deleted" and path.name.startswith("~$"):
            self.schedule.owner_gone(path.parent)

    def _check_health(self) -> None:
        if self._check_mounts() or not self.watch.healthy():
            self._restart_watch()
            self._scan_all()

    def _check_mounts(self) -> bool:
        """Say which shares went away or came back; True when one came back (then look at everything)."""
        went, back = self.mounts.check()
        for mount in went:
            log.warning("De netwerkschijf op %s (%s) is niet meer gekoppeld. De dienst wacht tot hij terug is; "
                        "er gaat niets verloren.", mount.point, mount.fstype)
        for mount in back:
            log.info("De netwerkschijf op %s (%s) is weer gekoppeld; de dienst kijkt alles opnieuw na.",
                     mount.point, mount.fstype)
        return bool(back)

    def _restart_watch(self) -> None:
        log.warning("Bewaker werkt niet (meer) voor alle mappen; wordt opnieuw gestart.")
        try:
            self.watch.restart()
        except Exception as error:  # keep serving by scanning even if the observer cannot start
            log.error("Bewaker kon niet opnieuw starten: %s", error)

    # --- doing work ---------------------------------------------------------------------------

    def _work(self) -> None:
        for path in self.schedule.due():
            if self.stopping.is_set():
                return
            self._beat_soon()  # a long run of files must not look like a dead service
            readiness = self.readiness.check(path)
            if readiness is FileState.GONE:
                self.schedule.forget(path)
            elif readiness is FileState.READY:
                self.schedule.take(path)
                self._handle(path)

    def _digest(self, path: Path) -> str | None:
        try:
            info = path.stat()
            if info.st_size > self.settings.limits.max_file_bytes:
                return None
            cached = self.digests.get(path)
            if cached is not None and cached[:2] == (info.st_size, info.st_mtime_ns):
                return cached[2]
            digest = sha256(read_private_copy(path, max_bytes=self.settings.limits.max_file_bytes,
                                              follow_symlinks=False))
        except (OSError, ToolboxError):
            return None
        self.digests[path] = (info.st_size, info.st_mtime_ns, digest)
        return digest

    def _handle(self, path: Path) -> None:
        digest = self._digest(path)
        entry = self.state.ledger_entry(path)
        if digest is not None and entry is not None and entry.sha256 == digest and Outcome(entry.outcome).final \
                and not _outputs_gone(entry):
            return
        ident = file_id(path)
        self.busy = {"path": printable(path), "since": time.time(), "id": ident}
        self._beat()  # `toolbox-docs status` names the file in hand from its first moment, not 2 s later
        try:
            self._run(path, digest, ident)
        finally:
            self.busy = {}
            self._beat()  # and, once the run is logged and counted, no longer names it

    def _run(self, path: Path, digest: str | None, ident: str) -> None:
        started = time.monotonic()
        result = self.worker.process(path, dt.datetime.now().replace(microsecond=0), on_wait=self._beat_soon)
        if result.failure is Failure.STATE:
            self._state_waits(path, ident, result)
            return
        if result.failure is not None:
            result = self._failed(path, digest, result)
        took = time.monotonic() - started
        for number, line in enumerate(result.lines or (f"{path}: {result.outcome} — {result.message}",)):
            (log.info if number == 0 or line in result.notes else log.debug)(
                "[%s] %s", ident, line if number else f"{line} ({took:.1f} s)")
        self.stats.counts[result.outcome] += 1
        self.stats.last = {"path": printable(path), "outcome": result.outcome, "message": printable(result.message),
                           "at": dt.datetime.now().isoformat(timespec="seconds"), "id": ident}
        if self.once:
            self.results.append(result)
        elif result.outcome in (Outcome.DEFERRED, Outcome.FAILED):
            self.schedule.later(path, result.sha256 or digest or "")
        else:
            self.schedule.finished(path)

    def _state_waits(self, path: Path, ident: str, result: WorkResult) -> None:
        """The state database was busy or full while the file was processed: not the file's fault. No
        feedback, no attempt counted, nothing final: the file waits and is done once the state is usable."""
        delay = self._state_delay()
        log.warning("[%s] %s: wacht op de statusdatabase (%s); volgt over %g s opnieuw. Dit ligt niet aan het "
                    "bestand.", ident, path, result.message, delay)
        self.stats.counts["wacht"] += 1
        self._state_pause_until = time.monotonic() + delay
        if self.once:
            self.results.append(result)
            self.stats.counts[Outcome.FAILED] += 1
        else:
            self.schedule.wait(path, delay)

    def _failed(self, path: Path, digest: str | None, result: WorkResult) -> WorkResult:
        """A file that hit a bound or crashed the worker: feedback when final, else a retry later."""
        attempt = self.schedule.failed(path, digest or "", crashed=result.failure is Failure.CRASH)
        if attempt is not None:
            log.error("[%s] %s: verwerking mislukt (poging %d): %s", file_id(path), path, attempt,
                      result.message.strip().splitlines()[-1] if result.message.strip() else "")
            return WorkResult(str(path), Outcome.FAILED, None, digest, "verwerking mislukt; volgt opnieuw", ())
        if result.failure is Failure.LIMIT:
            text = (f"De verwerking van dit bestand is afgebroken: {result.message}. Dat is de grens per bestand, "
                    "zodat één bestand de andere niet ophoudt. Een intake- of evaluatiewerkboek blijft daar ruim "
                    "onder; dit bestand is veel groter of ingewikkelder. Controleer of het echt een werkboek uit de "
                    "map Sjablonen is; neem anders contact op met de beheerder van de participatietoolbox.")
        else:
            text = ("Het bestand kon niet verwerkt worden door een onverwachte fout in de toolbox. Neem contact op "
                    "met de beheerder van de participatietoolbox.")
        problem = Problem("too-complex" if result.failure is Failure.LIMIT else "internal-error", Severity.ERROR, text)
        now = dt.datetime.now().replace(microsecond=0)
        target = feedback_path(path)
        # The pipeline's writing side, only here: the service itself never loads the pipeline (its worker
        # does), which keeps its start and its memory small.
        from toolbox_docs.pipeline.process import open_folders
        from toolbox_docs.pipeline.rejection import publish_feedback

        try:
            # Where the pipeline puts every feedback file: beside the input, or in the [dienst] uitvoermap.
            source, out = open_folders(path, self.settings, root=self._root_of(path))
            try:
                target = feedback_path(path, out.path)
                publish_feedback(out, target.name, (problem,), source=path, unreadable=True, state=self.state,
                                 now=now)
            finally:
                source.close()
                if out is not source:
                    out.close()
        except ToolboxError as error:
            log.error("[%s] feedback niet geschreven: %s", file_id(path), error)
        if digest is not None:
            self.state.record(path, sha256=digest, outcome=Outcome.REJECTED, kind=None,
                              at=now.isoformat(timespec="seconds"), outputs=(target,), message=text)
        return WorkResult(str(path), Outcome.REJECTED, None, digest, text,
                          (f"{printable(path)}: afgekeurd — {text}",))

    # --- daily: the evaluation reminders ------------------------------------------------------

    def _daily(self) -> None:
        """Once a day (an hour after a failed send), mail the due reminders, or list them in the log.

        Only in the running service (not with --once); sends when [herinneringen] verzenden is on and a
        mail server is set. A problem here is logged and never stops the service.
        """
        if self.once or not self.settings.reminders_enabled or dt.datetime.now() < self.reminders_at:
            return
        now = dt.datetime.now().replace(microsecond=0)
        try:
            from toolbox_docs.register.reminders import run_daily

            self.reminders_at = run_daily(self.state, self.settings, now=now, log=log)
        except Exception as error:
            log.error("Herinneringen mislukt (nieuwe poging over een uur): %s", error)
            self.reminders_at = now + dt.timedelta(hours=1)

    def _beat_soon(self) -> None:
        """The heartbeat while the worker is busy with a long file (the loop is waiting for it)."""
        if time.monotonic() - self._last_beat >= BEAT_SECONDS:
            self._beat()

    def _beat(self, *, final: bool = False) -> None:
        self._last_beat = time.monotonic()
        write_status(self.status_file, {
            "state": "stopped" if final else "running",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "roots": [printable(r) for r in self.roots],
            "missing_roots": sorted(printable(r) for r in self.missing_roots | self.mounts.gone),
            "polling": self.watch.polling,
            "started": self.stats.started,
            "beat": time.time(),
            "pending": len(self.schedule),
            "counts": dict(self.stats.counts),
            "last": self.stats.last,
            "busy": self.busy,
        })
