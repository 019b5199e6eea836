"""Nested structures (`tf.nest`): lists, tuples, namedtuples and mappings of leaves, flattened
in TF's order (mapping values by sorted key) and rebuilt from flat lists."""

from __future__ import annotations

import collections.abc
from collections.abc import Callable
from typing import Any


def is_nested(structure: Any) -> bool:
    """True for the containers nest descends into: lists, tuples, mappings (not strings)."""
    return isinstance(structure, (list, tuple, collections.abc.Mapping))


def _sorted_keys(mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError:
        raise TypeError("nest only supports dicts with sortable keys.") from None


def _children(structure) -> list:
    if isinstance(structure, collections.abc.Mapping):
        return [structure[key] for key in _sorted_keys(structure)]
    return list(structure)


def _rebuilt_like(structure, children: list):
    """A container of structure's kind holding `children` (in flatten's order)."""
    if isinstance(structure, collections.abc.Mapping):
        by_key = dict(zip(_sorted_keys(structure), children))
        if isinstance(structure, collections.defaultdict):
            rebuilt: Any = collections.defaultdict(structure.default_factory)
            rebuilt.update((key, by_key[key]) for key in structure)
            return rebuilt
        mapping_type: Any = type(structure)
        return mapping_type((key, by_key[key]) for key in structure)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*children)  # a namedtuple
    return type(structure)(children)


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """The leaves of `structure` in TF's order; a leaf (or None) gives a one-element list."""
    leaves = []
    pending = [structure]
    while pending:
        item = pending.pop()
        if is_nested(item):
            pending.extend(reversed(_children(item)))
        else:
            leaves.append(item)
    return leaves


def _count_leaves(structure) -> int:
    return len(flatten(structure))


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """`structure` rebuilt with the leaves of `flat_sequence`, in flatten's order."""
    if not is_nested(flat_sequence):
        raise TypeError(f"Attempted to pack value:\n  {flat_sequence!r}\ninto a structure, but "
                        f"found incompatible type `{type(flat_sequence)}` instead.")
    flat_sequence = list(flat_sequence)
    if not is_nested(structure):
        if len(flat_sequence) != 1:
            raise ValueError(f"The target structure is of type `{type(structure)}`\n  "
                             f"{structure!r}\nHowever the input is a sequence "
                             f"({type(flat_sequence)}) of length {len(flat_sequence)}.\n  "
                             f"{flat_sequence!r}\nnest cannot guarantee that it is safe to map "
                             "one to the other.")
        return flat_sequence[0]
    wanted = _count_leaves(structure)
    if wanted != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {wanted} atoms, but "
                         f"flat_sequence had {len(flat_sequence)} items.  Structure: "
                         f"{structure}, flat_sequence: {flat_sequence}.")
    leaves = iter(flat_sequence)
    return _pack(structure, leaves)


def _pack(structure, leaves):
    """Rebuilds `structure` bottom-up with an explicit stack (nesting depth is unbounded)."""
    root: list = []
    stack = [(structure, _children(structure), 0, [])]
    while stack:
        node, children, index, built = stack[-1]
        if index == len(children):
            stack.pop()
            rebuilt = _rebuilt_like(node, built)
            (stack[-1][3] if stack else root).append(rebuilt)
            continue
        stack[-1] = (node, children, index + 1, built)
        child = children[index]
        if is_nested(child):
            stack.append((child, _children(child), 0, []))
        else:
            built.append(next(leaves))
    return root[0]


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raises ValueError if the two differ in nesting or leaf count, TypeError if (with
    `check_types`) the same place holds different kinds of container."""
    pending = [(nest1, nest2)]
    while pending:
        first, second = pending.pop()
        if is_nested(first) != is_nested(second) or (
                is_nested(first) and len(first) != len(second)):
            raise ValueError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {nest1}\n\nSecond structure: {nest2}\n\n"
                f"More specifically: Substructure \"{first}\" is a sequence, while substructure "
                f"\"{second}\" is not" if is_nested(first) != is_nested(second) else
                "The two structures don't have the same number of elements.\n\n"
                f"First structure ({_count_leaves(nest1)} elements): {nest1}\n\n"
                f"Second structure ({_count_leaves(nest2)} elements): {nest2}")
        if not is_nested(first):
            continue
        if check_types and not _same_kind(first, second):
            raise TypeError("The two structures don't have the same sequence type. Input "
                            f"structure has type {type(first)}, while shallow structure has "
                            f"type {type(second)}.")
        if isinstance(first, collections.abc.Mapping) and set(first) != set(second):
            raise ValueError("The two dictionaries don't have the same set of keys. First "
                             f"structure has keys {list(first)}, while second structure has "
                             f"keys {list(second)}.")
        pending.extend(zip(_children(first), _children(second)))


def _same_kind(first, second) -> bool:
    if isinstance(first, collections.abc.Mapping):
        return isinstance(second, collections.abc.Mapping)
    return type(first) is type(second)


def map_structure(func: Callable[..., Any], *structure: Any, **kwargs: Any) -> Any:
    """`func` applied leaf by leaf to structures of the same shape, in the first's shape."""
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: `{', '.join(kwargs)}`")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flat = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flat)])
