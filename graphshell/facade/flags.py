"""tf.flags and tf.app.run: command-line flags as TF 1.x scripts define and read them.

TF's flags are absl's, read through a wrapper that parses `sys.argv` on the first access, so a
script may read `FLAGS.x` before `tf.app.run()` and unknown flags are left for `main`. These
are the parts TF1 programs use: DEFINE_* with absl's parsing rules and error messages,
`--name=value`, `--name value`, `--flag` / `--noflag`, `FLAGS(argv)` and `app.run`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from ..engine.graph.context import current_context


class Error(Exception):
    """The base of the flag errors, as absl.flags.Error."""


class DuplicateFlagError(Error):
    pass


class IllegalFlagValueError(Error):
    pass


class UnrecognizedFlagError(Error):
    pass


class UnparsedFlagAccessError(Error):
    pass


class Flag:
    """One defined flag: its parser, default, help and current value."""

    def __init__(self, name: str, default: Any, help_text: str, parse: Callable[[str], Any],
                 boolean: bool = False, defined_in: str = "") -> None:
        self.name, self.help, self.boolean = name, help_text, boolean
        self.parse, self.defined_in = parse, defined_in
        self.default = default if default is None or not isinstance(default, str) \
            or parse is str else self._parsed(default)
        self.value = self.default

    def _parsed(self, text: str) -> Any:
        try:
            return self.parse(text)
        except (TypeError, ValueError) as error:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {_reason(error)}") from None

    def set_from_text(self, text: str) -> None:
        self.value = self._parsed(text)


def _reason(error: Exception) -> str:
    return str(error.args[0]) if len(error.args) == 1 else str(error.args)


class FlagValues:
    """The registry of flags, FLAGS: attribute access reads values; calling it parses argv."""

    def __init__(self) -> None:
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    def define(self, flag: Flag) -> None:
        existing = self._flags.get(flag.name)
        if existing is not None:
            raise DuplicateFlagError(
                f"The flag '{flag.name}' is defined twice. First from {existing.defined_in}, "
                f"second from {flag.defined_in}. Description from first occurrence: "
                f"{existing.help}")
        self._flags[flag.name] = flag

    def __getattr__(self, name: str) -> Any:
        flags = object.__getattribute__(self, "_flags")
        if name not in flags:
            raise AttributeError(name)
        if not object.__getattribute__(self, "_parsed"):
            self(sys.argv, known_only=True)  # TF's wrapper parses lazily, tolerating unknowns
        return flags[name].value

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._flags:
            raise AttributeError(name)
        self._flags[name].value = value

    def __contains__(self, name: str) -> bool:
        return name in self._flags

    def __call__(self, argv: Sequence[str], known_only: bool = False) -> list[str]:
        """Parses argv[1:]; returns argv[0] and the arguments that were not flags."""
        argv = list(argv)
        remaining = argv[:1]
        args = iter(argv[1:])
        for arg in args:
            if arg == "--":
                remaining.extend(args)
                break
            if not arg.startswith("-") or arg == "-":
                remaining.append(arg)
                continue
            if self._take(arg, args):
                continue
            if not known_only:
                raise UnrecognizedFlagError(
                    f"Unknown command line flag '{arg.lstrip('-').partition('=')[0]}'")
            remaining.append(arg)
        object.__setattr__(self, "_parsed", True)
        return remaining

    def _is_negated_boolean(self, arg: str) -> bool:
        name = arg.lstrip("-").partition("=")[0]
        return name.startswith("no") and getattr(self._flags.get(name[2:]), "boolean", False)

    def _take(self, arg: str, args) -> bool:
        """Sets the flag `arg` names (reading its value from `args` if needed)."""
        name, has_value, text = arg.lstrip("-").partition("=")
        flag = self._flags.get(name)
        if flag is None and self._is_negated_boolean(arg):
            self._flags[name[2:]].value = False
            return True
        if flag is None:
            return False
        if flag.boolean and not has_value:
            flag.value = True
        elif not has_value:
            text = next(args, None)
            if text is None:
                raise IllegalFlagValueError(f"flag --{name}: value is missing")
            flag.set_from_text(text)
        else:
            flag.set_from_text(text)
        return True

    def is_parsed(self) -> bool:
        return self._parsed

    def mark_as_parsed(self) -> None:
        object.__setattr__(self, "_parsed", True)

    def flag_values_dict(self) -> dict[str, Any]:
        return {name: flag.value for name, flag in self._flags.items()}

    def __iter__(self):
        return iter(self._flags)

    def __dir__(self):
        return list(self._flags)


def current_flags() -> FlagValues:
    """The running program's flags: each engine context (a shell, a thread) has its own, so
    a shell's :reset or a second shell starts with no flags defined."""
    context = current_context()
    if context.flag_values is None:
        context.flag_values = FlagValues()
    return context.flag_values


class _CurrentFlags:
    """tf.flags.FLAGS: whatever the current program's registry is."""

    def __getattr__(self, name: str) -> Any:
        return getattr(current_flags(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(current_flags(), name, value)

    def __call__(self, argv: Sequence[str], known_only: bool = False) -> list[str]:
        return current_flags()(argv, known_only)

    def __contains__(self, name: str) -> bool:
        return name in current_flags()

    def __iter__(self):
        return iter(current_flags())

    def __dir__(self):
        return dir(current_flags())


FLAGS = _CurrentFlags()


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "t", "1"):
        return True
    if lowered in ("false", "f", "0"):
        return False
    raise ValueError("Non-boolean argument to boolean flag", text)


def _bounded(convert, lower_bound, upper_bound, words):
    def parse(text):
        value = convert(text)
        if lower_bound is not None and value < lower_bound:
            raise ValueError(f"{value} is not {_bound_words(lower_bound, upper_bound, words)}")
        if upper_bound is not None and value > upper_bound:
            raise ValueError(f"{value} is not {_bound_words(lower_bound, upper_bound, words)}")
        return value
    return parse


def _bound_words(lower_bound, upper_bound, words: str) -> str:
    if lower_bound == 0 and upper_bound is None:
        return f"a non-negative {words}"
    if upper_bound is None:
        return f"{words} >= {lower_bound}"
    if lower_bound is None:
        return f"{words} <= {upper_bound}"
    return f"{words} in the range [{lower_bound}, {upper_bound}]"


def _to_float(text):
    return float(text)


def _to_int(text):
    return text if isinstance(text, int) else int(text, 0)


def _to_list(text):
    if isinstance(text, list):
        return text
    return [item.strip() for item in text.split(",") if item.strip()]


def _define(flag_values: FlagValues | None, name, default, help_text, parse, **how) -> None:
    flag = Flag(name, default, help_text, parse, defined_in=_caller(), **how)
    (flag_values or current_flags()).define(flag)


def _caller() -> str:
    return sys._getframe(3).f_globals.get("__file__", "<input>")


def DEFINE_string(name, default, help, flag_values=None, **_):  # noqa: A002
    _define(flag_values, name, default, help, str)


def DEFINE_boolean(name, default, help, flag_values=None, **_):  # noqa: A002
    _define(flag_values, name, default, help, _boolean, boolean=True)


def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: A002
                   flag_values=None, **_):
    _define(flag_values, name, default, help,
            _bounded(_to_int, lower_bound, upper_bound, "integer"))


def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: A002
                 flag_values=None, **_):
    _define(flag_values, name, default, help,
            _bounded(_to_float, lower_bound, upper_bound, "number"))


def DEFINE_list(name, default, help, flag_values=None, **_):  # noqa: A002
    _define(flag_values, name, default, help, _to_list)


def DEFINE_enum(name, default, enum_values, help, flag_values=None, **_):  # noqa: A002
    def parse(text):
        if text not in enum_values:
            raise ValueError(f"value should be one of <{'|'.join(enum_values)}>")
        return text
    _define(flag_values, name, default, help, parse)


DEFINE_bool = DEFINE_boolean


def run(main: Callable[[list[str]], Any] | None = None, argv: Sequence[str] | None = None):
    """tf.app.run: parse the flags in argv (default sys.argv), then exit with main(rest)."""
    if main is None:  # absl calls __main__.main; here that is the caller's module
        main = sys._getframe(1).f_globals["main"]
    rest = FLAGS(sys.argv if argv is None else argv, known_only=True)
    sys.exit(main(rest))
