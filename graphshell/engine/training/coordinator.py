"""tf.train.Coordinator: threads ask it whether to stop, report errors to it, and are joined
through it; its join re-raises the first error a thread reported, as TF's does.

The threads queue runners start here are deterministic stand-ins (queue_runner.RunnerThread):
they run their steps when a dequeue needs them, and when `join` waits for them. Real Python
threads registered with a coordinator are waited for as TF waits for them.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time

from ..graph import errors

_log = logging.getLogger("graphshell")


class Coordinator:
    """A stop flag shared by threads, the first error one of them reported, and join."""

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads: set = set()

    def _filter_exception(self, ex):
        error = ex[1] if isinstance(ex, tuple) else ex
        return None if isinstance(error, self._clean_stop_exception_types) else ex

    def request_stop(self, ex=None) -> None:
        """Asks every thread to stop; `ex` (an exception or an exc_info tuple) is kept for
        `join` to raise, unless it is a clean-stop type (OutOfRangeError by default)."""
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1]
                if ex is not None:
                    raise sys.exc_info()[1] or ex
            if self._stop_event.is_set():
                return
            if ex and self._exc_info_to_raise is None:
                self._exc_info_to_raise = ex if isinstance(ex, tuple) else (
                    type(ex), ex, ex.__traceback__)
                _log.info("Error reported to Coordinator: %s", self._exc_info_to_raise[1])
            self._stop_event.set()
            watchers = [t for t in self._registered_threads if hasattr(t, "on_stop")]
        for watcher in watchers:  # the queue runners' close-on-stop threads cancel their queues
            watcher.on_stop()

    def clear_stop(self) -> None:
        """Clears the stop request (and the kept error), so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A context in which any exception requests a stop (and is kept for join)."""
        try:
            yield
        except:  # noqa: E722 - as TF's, it catches everything, KeyboardInterrupt included
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None) -> bool:
        return self._stop_event.wait(timeout)

    def register_thread(self, thread) -> None:
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False) -> None:
        """Waits until a stop is requested and the threads end; re-raises a reported error,
        or raises RuntimeError naming threads still running after the grace period."""
        with self._lock:
            threads = set(self._registered_threads) | set(threads or ())
            threads = sorted(threads, key=lambda t: t.name)
        while any(t.is_alive() for t in threads) and not self._stop_event.is_set():
            if not any(_advance(t) for t in threads):
                self.wait_for_stop(1.0)
        wait_secs = 0.001
        while any(t.is_alive() for t in threads) and stop_grace_period_secs >= 0.0:
            time.sleep(wait_secs)
            stop_grace_period_secs -= wait_secs
            wait_secs = max(min(2 * wait_secs, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if stragglers:
                if ignore_live_threads:
                    _log.info("Coordinator stopped with threads still running: %s",
                              " ".join(stragglers))
                else:
                    raise RuntimeError("Coordinator stopped with threads still running: "
                                       + " ".join(stragglers))

    @property
    def joined(self) -> bool:
        return self._joined

    def raise_requested_exception(self) -> None:
        """Raises the error a thread reported, if any."""
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


def _advance(thread) -> bool:
    """Runs one step of a stand-in runner thread that can run one; False for real threads."""
    advance = getattr(thread, "advance", None)
    return bool(advance and advance())

