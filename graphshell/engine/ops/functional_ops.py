"""tf.map_fn, tf.scan, tf.foldl and tf.foldr as TF 1.x builds them: a bounded while loop over
TensorArrays (the elements unstacked into one, the results written into another and stacked)."""

from __future__ import annotations

from ..graph import nest
from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..graph.shapes import TensorShape, as_raw_shape
from . import array_ops, tensor_array_ops
from . import while_loop as loops


def _length(first):
    """The number of elements: static when known, else a Shape op's first entry."""
    if first.shape.ndims is not None and first.shape.ndims < 1:
        raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    known = as_raw_shape(first.shape)[0] if first.shape.ndims else None
    return known if known is not None else array_ops.shape(first)[0], known


def _unstacked(elems_flat, n, element_shapes=False):
    return [tensor_array_ops.TensorArray(
        dtype=e.dtype, size=n, dynamic_size=False, infer_shape=True,
        element_shape=TensorShape(as_raw_shape(e.shape)[1:]) if element_shapes else None
    ).unstack(e) for e in elems_flat]


def _with_first_dim(results, known):
    for result in results:
        if result.shape.ndims is not None:
            result.set_shape([known] + list(as_raw_shape(result.shape)[1:]))
    return results


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None):
    """Applies `fn` to each element of `elems` (unpacked on dimension 0) and stacks the results."""
    if not callable(fn):
        raise TypeError(f"The provided function {getattr(fn, '__name__', fn)} is not "
                        "callable.fn must be callable.")
    elems_flat = nest.flatten(elems)
    if not elems_flat:
        raise ValueError("elems must be a Tensor or (possibly nested) sequence of Tensors. "
                         f"Got {elems}, which does not contain any Tensors.")
    with OpScope(name, "map", []):
        elems_flat = [convert_to_tensor(e, name="elem") for e in elems_flat]
        n, known = _length(elems_flat[0])
        elems_ta = _unstacked(elems_flat, n)
        out_dtypes = ([e.dtype for e in elems_flat] if dtype is None else
                      [d for d in nest.flatten(dtype)])
        results_ta = [tensor_array_ops.TensorArray(dtype=d, size=n, dynamic_size=False,
                                                   infer_shape=infer_shape)
                      for d in out_dtypes]

        def compute(i, tas):
            value = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            result = fn(value)
            nest.assert_same_structure(elems if dtype is None else dtype, result)
            return i + 1, [ta.write(i, v) for ta, v in zip(tas, nest.flatten(result))]
        _, final = loops.while_loop(lambda i, _: i < n, compute,
                                    (convert_to_tensor(0), results_ta),
                                    parallel_iterations=parallel_iterations or 10,
                                    back_prop=back_prop, maximum_iterations=n)
        results = _with_first_dim([ta.stack() for ta in final], known)
        return nest.pack_sequence_as(elems if dtype is None else dtype, results)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """Every accumulator of `fn(acc, element)` over `elems`, stacked (TF1's tf.scan)."""
    elems_flat = nest.flatten(elems)
    out_structure = elems if initializer is None else initializer
    with OpScope(name, "scan", []):
        elems_flat = [convert_to_tensor(e, name="elem") for e in elems_flat]
        n, known = _length(elems_flat[0])
        elems_ta = _unstacked(elems_flat, n, element_shapes=True)
        if initializer is None:
            accs = [ta.read(n - 1 if reverse else 0) for ta in elems_ta]
            start = 1
        else:
            accs = [convert_to_tensor(v) for v in nest.flatten(initializer)]
            start = 0
        accs_ta = [tensor_array_ops.TensorArray(
            dtype=a.dtype, size=n, dynamic_size=False, infer_shape=infer_shape,
            element_shape=a.shape if infer_shape else None) for a in accs]
        if initializer is None:
            accs_ta = [ta.write(n - 1 if reverse else 0, a) for ta, a in zip(accs_ta, accs)]

        def compute(i, acc_flat, tas):
            value = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            out = fn(nest.pack_sequence_as(out_structure, acc_flat), value)
            nest.assert_same_structure(out_structure, out)
            out_flat = nest.flatten(out)
            tas = [ta.write(i, v) for ta, v in zip(tas, out_flat)]
            return (i - 1 if reverse else i + 1), out_flat, tas
        if reverse:
            first, condition = n - 1 - start, (lambda i, _1, _2: i >= 0)
        else:
            first, condition = start, (lambda i, _1, _2: i < n)
        _, _, final = loops.while_loop(condition, compute, (first, accs, accs_ta),
                                       parallel_iterations=parallel_iterations,
                                       back_prop=back_prop, maximum_iterations=n)
        results = _with_first_dim([ta.stack() for ta in final], known)
        return nest.pack_sequence_as(out_structure, results)


def _fold(fn, elems, initializer, parallel_iterations, back_prop, name, scope_name, reverse):
    with OpScope(name, scope_name, []):
        elems_flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
        n, _ = _length(elems_flat[0])
        elems_ta = nest.pack_sequence_as(elems, _unstacked(elems_flat, n))

        def element(i):
            return nest.map_structure(lambda ta: ta.read(i), elems_ta) \
                if nest.is_nested(elems_ta) else elems_ta.read(i)
        if reverse:
            i = n - 1 if initializer is not None else n - 2
            acc = initializer if initializer is not None else element(n - 1)

            def compute(i, a):
                return [i - 1, fn(a, element(i))]
            condition = lambda i, a: i >= 0  # noqa: E731 - TF's loop condition
        else:
            i = convert_to_tensor(0 if initializer is not None else 1)
            acc = initializer if initializer is not None else element(0)

            def compute(i, a):
                return [i + 1, fn(a, element(i))]
            condition = lambda i, a: i < n  # noqa: E731 - TF's loop condition
        _, result = loops.while_loop(condition, compute, [i, acc],
                                     parallel_iterations=parallel_iterations,
                                     back_prop=back_prop, maximum_iterations=n)
        return result


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """`fn(acc, element)` folded over `elems` from the first element on."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, name, "foldl", False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """`fn(acc, element)` folded over `elems` from the last element back."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, name, "foldr", True)
