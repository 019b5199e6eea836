"""Completion for the faces: command names, Python names and attributes (looked up without
calling anything), op and scope names, sessions and files."""

from __future__ import annotations

import builtins
import glob
import keyword
import os
import re
from dataclasses import dataclass

from . import commands

_DOTTED = re.compile(r"[A-Za-z_][\w.]*$")
_OP_NAME = re.compile(r"[\w./:-]*$")
# The word being completed follows `)`, `]`, `}`, a string or a number and a dot (`f().`,
# `x[0].`, `"a".`): an attribute of a value only running the code would give.
_ATTRIBUTE_OF_A_RESULT = re.compile(r"""(?:[)\]}'"]|\b\d+)\s*\.\s*\w*$""")
_DIGITS = re.compile(r"(\d+)")
MAX_COMPLETIONS = 200


def natural_key(text: str) -> tuple:
    """Orders `AddN_2` before `AddN_10`: digit runs compare as numbers, the rest as text."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(text)))


def _natural(names) -> list[str]:
    return sorted(names, key=natural_key)


@dataclass
class Completion:
    text: str          # what replaces the word being completed
    start: int         # where the replaced word starts, as an offset (<= 0) from the cursor
    meta: str = ""     # a short description (type of a value, "command")


def complete(shell, text: str, cursor: int) -> list[Completion]:
    before = text[:cursor]
    stripped = before.lstrip()
    if stripped.startswith(":"):
        if " " not in stripped:
            return _commands(stripped)
        name, _, args = stripped[1:].partition(" ")
        found = commands.COMMANDS.get(name)
        kind = found.completes if found else "python"
        return _arguments(shell, kind, before)
    return python_names(shell.namespace, before)


def _commands(word: str):
    prefix = word[1:]
    return [Completion(":" + name, -len(word), "command") for name in _natural(commands.COMMANDS)
            if name.startswith(prefix)]


def _arguments(shell, kind: str, before: str):
    if kind == "op" or kind == "scope":
        word = _OP_NAME.search(before).group(0)
        return _graph_names(shell, word, scopes_only=kind == "scope") or \
            python_names(shell.namespace, before)
    if kind == "value":  # a Python expression, or an op's name (:eval add_1)
        found = python_names(shell.namespace, before)
        word = _OP_NAME.search(before).group(0)
        if word and "." not in word:
            shown = {completion.text for completion in found}
            found += [c for c in _graph_names(shell, word, scopes_only=False)
                      if c.text not in shown]
        return found[:MAX_COMPLETIONS]
    if kind == "session":
        word = _DOTTED.search(before)
        word = word.group(0) if word else ""
        return [Completion(name, -len(word), "session") for name, value in
                sorted(shell.namespace.items(), key=lambda item: natural_key(item[0]))
                if shell.engine.is_session(value) and name.startswith(word)]
    if kind == "file":
        word = before.rsplit(" ", 1)[-1]
        paths = _natural(glob.glob(os.path.expanduser(word) + "*"))[:MAX_COMPLETIONS]
        return [Completion(p + ("/" if os.path.isdir(p) else ""), -len(word), "file")
                for p in paths]
    return python_names(shell.namespace, before)


def _graph_names(shell, word: str, scopes_only: bool):
    names = set()
    for op in shell.engine.default_graph().get_operations():
        parts = op.name.split("/")
        for depth in range(1, len(parts) + (0 if scopes_only else 1)):
            names.add("/".join(parts[:depth]))
    matches = _natural(n for n in names if n.startswith(word))[:MAX_COMPLETIONS]
    return [Completion(n, -len(word), "scope" if scopes_only else "op") for n in matches]


def python_names(namespace: dict, before: str):
    """Names and dotted attributes; only plain attribute look-ups, never calls."""
    if _ATTRIBUTE_OF_A_RESULT.search(before):
        return []
    match = _DOTTED.search(before)
    word = match.group(0) if match else ""
    if "." in word:
        owner_path, _, prefix = word.rpartition(".")
        owner = _lookup(namespace, owner_path)
        if owner is _MISSING:
            return []
        names = [n for n in dir(owner) if n.startswith(prefix)
                 and (prefix.startswith("_") or not n.startswith("_"))]
        return [Completion(n, -len(prefix), _kind(owner, n)) for n in _natural(names)]
    candidates = set(namespace) | set(dir(builtins)) | set(keyword.kwlist)
    names = _natural(n for n in candidates if n.startswith(word) and not n.startswith("__"))
    return [Completion(n, -len(word), _meta(namespace.get(n))) for n in
            names[:MAX_COMPLETIONS]]


_MISSING = object()


def _lookup(namespace, path: str):
    parts = path.split(".")
    value = namespace.get(parts[0], getattr(builtins, parts[0], _MISSING))
    for part in parts[1:]:
        if value is _MISSING:
            break
        try:
            value = getattr(value, part)
        except Exception:
            return _MISSING
    return value


def _kind(owner, name: str) -> str:
    try:
        return _meta(getattr(owner, name))
    except Exception:
        return ""


def _meta(value) -> str:
    if value is None:
        return ""
    return type(value).__name__
