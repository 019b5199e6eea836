"""tf.logging: TF's Python logger ("tensorflow"), printing `LEVEL:tensorflow:message` to stderr."""

from __future__ import annotations

import logging
import sys
from typing import Any

DEBUG, INFO, WARN, ERROR, FATAL = (logging.DEBUG, logging.INFO, logging.WARN, logging.ERROR,
                                   logging.FATAL)


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is logged, so the shell's capture of a
    program's output sees it."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def get_logger() -> logging.Logger:
    """The "tensorflow" logger, given TF's handler and default verbosity (WARN) once."""
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(h, _CurrentStderr) for h in logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
        if logger.level == logging.NOTSET:
            logger.setLevel(WARN)
    return logger


def log(level: int, msg: Any, *args, **kwargs) -> None:
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg: Any, *args, **kwargs) -> None:
    get_logger().debug(msg, *args, **kwargs)


def info(msg: Any, *args, **kwargs) -> None:
    get_logger().info(msg, *args, **kwargs)


def warning(msg: Any, *args, **kwargs) -> None:
    get_logger().warning(msg, *args, **kwargs)


def error(msg: Any, *args, **kwargs) -> None:
    get_logger().error(msg, *args, **kwargs)


def fatal(msg: Any, *args, **kwargs) -> None:
    get_logger().fatal(msg, *args, **kwargs)


def vlog(level: int, msg: Any, *args, **kwargs) -> None:
    get_logger().log(level, msg, *args, **kwargs)


_counts: dict[tuple[str, int], int] = {}


def _nth_call() -> int:
    caller = sys._getframe(2)
    key = (caller.f_code.co_filename, caller.f_lineno)
    _counts[key] = _counts.get(key, 0) + 1
    return _counts[key]


def log_every_n(level: int, msg: Any, n: int, *args) -> None:
    """Logs on the 1st, (n+1)th, (2n+1)th... call from the same line, as TF does."""
    if (_nth_call() - 1) % n == 0:
        log(level, msg, *args)


def log_first_n(level: int, msg: Any, n: int, *args) -> None:
    if _nth_call() <= n:
        log(level, msg, *args)


def log_if(level: int, msg: Any, condition: Any, *args) -> None:
    if condition:
        log(level, msg, *args)


def set_verbosity(v: int) -> None:
    get_logger().setLevel(v)


def get_verbosity() -> int:
    return get_logger().getEffectiveLevel()


def flush() -> None:
    for handler in get_logger().handlers:
        handler.flush()


def TaskLevelStatusMessage(msg: Any) -> None:
    error(msg)


MEMBERS: dict[str, object] = dict(
    DEBUG=DEBUG, INFO=INFO, WARN=WARN, ERROR=ERROR, FATAL=FATAL, log=log, debug=debug,
    info=info, warning=warning, warn=warning, error=error, fatal=fatal, vlog=vlog,
    log_every_n=log_every_n, log_first_n=log_first_n, log_if=log_if,
    set_verbosity=set_verbosity, get_verbosity=get_verbosity, flush=flush,
    TaskLevelStatusMessage=TaskLevelStatusMessage)
