"""The watchdog adapter: file-system events become hints (paths to look at) in a thread-safe queue.

Native events by default, polling (with an interval of seconds) for network shares. Moves count for
their destination, the way Excel saves (a temp file renamed over the original). The service checks
``healthy()`` and calls ``restart()`` when an observer thread died, a root went away or came back, or a
root is now another folder than the one being watched (a share mounted again: the old watch sees nothing).
"""

from __future__ import annotations

import logging
import os
import queue
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("toolbox_docs.service")


class _Handler(FileSystemEventHandler):
    def __init__(self, hints: queue.SimpleQueue[tuple[str, Path]]) -> None:
        self.hints = hints

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            # A new or moved-in folder may arrive with files inside (no events for those): look into it.
            # A folder's own "modified" only says its listing changed; the files bring their own events.
            if event.event_type == "created":
                self.hints.put(("dir", Path(str(event.src_path))))
            elif event.event_type == "moved":
                self.hints.put(("dir", Path(str(event.dest_path))))
            return
        if event.event_type in ("created", "modified", "closed"):
            self.hints.put(("file", Path(str(event.src_path))))
        elif event.event_type == "moved":
            self.hints.put(("file", Path(str(event.dest_path))))
        elif event.event_type == "deleted":
            # Deleting an owner file (~$…) may release a deferred document: let the service look around.
            self.hints.put(("deleted", Path(str(event.src_path))))


class Watch:
    def __init__(self, roots: tuple[Path, ...], *, polling: bool, interval: float) -> None:
        self.roots = roots
        self.polling = polling
        self.interval = interval
        # A SimpleQueue: its put may be called from a signal handler (``wake``), a Queue's may deadlock.
        self.hints: queue.SimpleQueue[tuple[str, Path]] = queue.SimpleQueue()
        self._observer: BaseObserver | None = None
        self.watched: tuple[Path, ...] = ()
        self._identity: dict[Path, tuple[int, int] | None] = {}

    def wake(self) -> None:
        """Wake the service's loop now (it waits for hints): a stop is asked. Safe in a signal handler."""
        self.hints.put(("wake", Path()))

    def start(self) -> None:
        observer = PollingObserver(timeout=self.interval) if self.polling else Observer()
        handler = _Handler(self.hints)
        watched = []
        for root in self.roots:
            if root.is_dir():
                try:
                    observer.schedule(handler, str(root), recursive=True)
                    watched.append(root)
                    self._identity[root] = _identity(root)
                except OSError as error:
                    log.warning("Map %s kan niet bewaakt worden: %s", root, error)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self.watched = tuple(watched)

    def healthy(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        emitters = list(getattr(observer, "emitters", ()))
        if any(not emitter.is_alive() for emitter in emitters):
            return False
        if set(self.watched) != {r for r in self.roots if r.is_dir()}:
            return False
        return all(_identity(root) == self._identity.get(root) for root in self.watched)

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        observer = self._observer
        self._observer = None
        if observer is None:
            return
        try:
            observer.stop()
            observer.join(timeout=5)
        except (RuntimeError, OSError) as error:
            log.warning("Bewaker stoppen gaf een fout: %s", error)


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at this path now (device and inode), None when none is."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino
