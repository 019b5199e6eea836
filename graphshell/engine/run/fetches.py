"""Fetch structures: flatten any nesting of lists, tuples, namedtuples and mappings of fetchable
leaves into unique fetches, and rebuild the same structure from their values (as TF's
`_FetchMapper` family does).

One small mapper class per kind of structure; the executor only ever sees the flat list.
"""

from __future__ import annotations

import collections.abc

from ..graph import errors
from ..graph.indexed_slices import IndexedSlices, IndexedSlicesValue
from ..graph.operation import Operation
from ..graph.sparse_tensor import SparseTensor, SparseTensorValue
from ..graph.tensor import Tensor


def mapper_for(graph, fetch):
    if fetch is None:
        raise TypeError(f'Argument `fetch` = {fetch} has invalid type "{type(fetch).__name__}". '
                        "Cannot be None")
    if isinstance(fetch, (list, tuple)):
        return _SequenceMapper(graph, fetch)
    if isinstance(fetch, collections.abc.Mapping):
        return _MappingMapper(graph, fetch)
    if isinstance(fetch, IndexedSlices):
        return _IndexedSlicesMapper(graph, fetch)
    if isinstance(fetch, SparseTensor):
        return _SparseTensorMapper(graph, fetch)
    return _ElementMapper(graph, fetch)


class _ElementMapper:
    """A single Tensor, Operation, Variable or name."""

    def __init__(self, graph, fetch):
        try:
            self.element = graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
        except TypeError as error:
            raise TypeError(f'Argument `fetch` = {fetch} has invalid type "{type(fetch).__name__}" '
                            f"must be a string or Tensor. ({error})") from None
        except (ValueError, KeyError) as error:
            raise ValueError(f"Argument `fetch` = {fetch} cannot be interpreted as a Tensor. "
                             f"({error})") from None
        if not graph.is_fetchable(self.element):
            op = self.element.op if isinstance(self.element, Tensor) else self.element
            raise errors.InaccessibleTensorError(
                f"Operation {op.name} has been marked as not fetchable. Typically this happens "
                "when it is defined in another function or code block. Use return values, "
                "explicit Python locals or TensorFlow collections to access it.")
        self.count = 1

    def leaves(self):
        return [self.element]

    def build(self, values):
        return values[0]


class _SequenceMapper:
    """A list, tuple or namedtuple: the result has the same container type."""

    def __init__(self, graph, fetch):
        self.kind = type(fetch)
        self.children = [mapper_for(graph, item) for item in fetch]
        self.count = sum(child.count for child in self.children)

    def leaves(self):
        return [leaf for child in self.children for leaf in child.leaves()]

    def build(self, values):
        results = _build_children(self.children, values)
        if self.kind is list:
            return results
        if self.kind is tuple:
            return tuple(results)
        if hasattr(self.kind, "_fields"):
            return self.kind(*results)
        return self.kind(results)


class _MappingMapper:
    """A dict, OrderedDict, defaultdict or other Mapping: same type, same key order."""

    def __init__(self, graph, fetch):
        self.fetch = fetch
        self.keys = list(fetch.keys())
        self.children = [mapper_for(graph, fetch[key]) for key in self.keys]
        self.count = sum(child.count for child in self.children)

    def leaves(self):
        return [leaf for child in self.children for leaf in child.leaves()]

    def build(self, values):
        pairs = list(zip(self.keys, _build_children(self.children, values)))
        if isinstance(self.fetch, collections.defaultdict):
            return type(self.fetch)(self.fetch.default_factory, pairs)
        return type(self.fetch)(pairs)


class _IndexedSlicesMapper:
    """An IndexedSlices: fetched as an IndexedSlicesValue of its values, indices and dense
    shape (None when it has none), as TF's session expands it."""

    def __init__(self, graph, fetch):
        parts = [fetch.values, fetch.indices]
        if fetch.dense_shape is not None:
            parts.append(fetch.dense_shape)
        self.children = [_ElementMapper(graph, part) for part in parts]
        self.count = len(self.children)

    def leaves(self):
        return [child.element for child in self.children]

    def build(self, values):
        return IndexedSlicesValue(values[0], values[1], values[2] if self.count == 3 else None)


class _SparseTensorMapper:
    """A SparseTensor: fetched as a SparseTensorValue of its indices, values and dense shape."""

    def __init__(self, graph, fetch):
        parts = [fetch.indices, fetch.values, fetch.dense_shape]
        self.children = [_ElementMapper(graph, part) for part in parts]
        self.count = 3

    def leaves(self):
        return [child.element for child in self.children]

    def build(self, values):
        return SparseTensorValue(*values)


def _build_children(children, values):
    results, start = [], 0
    for child in children:
        results.append(child.build(values[start:start + child.count]))
        start += child.count
    return results


class FetchHandler:
    """The unique tensors and ops of a fetch structure, and how to put their values back."""

    def __init__(self, graph, fetches, feeds):
        self._mapper = mapper_for(graph, fetches)
        self._leaves = self._mapper.leaves()
        unique = list(dict.fromkeys(self._leaves))
        self.targets = [e for e in unique if isinstance(e, Operation)]
        self.fed_fetches = [e for e in unique if isinstance(e, Tensor) and e in feeds]
        self.tensors = [e for e in unique if isinstance(e, Tensor) and e not in feeds]
        self._feeds = feeds

    def build_results(self, tensor_values):
        """Rebuilds the structure; duplicate leaves share one value object (TF's
        `_uniquify_fetches`)."""
        by_element = dict(zip(self.tensors, tensor_values))
        leaf_values = []
        for leaf in self._leaves:
            if isinstance(leaf, Operation):
                leaf_values.append(None)
            elif leaf in by_element:
                leaf_values.append(by_element[leaf])
            else:
                leaf_values.append(self._feeds[leaf])
        return self._mapper.build(leaf_values)
