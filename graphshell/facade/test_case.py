"""tf.test.TestCase and tf.test.main: unittest for users' own graph-building tests, as TF's
test_util.TensorFlowTestCase behaves in graph mode (a fresh default graph per test)."""

from __future__ import annotations

import contextlib
import math
import os
import random
import re
import sys
import tempfile
import types
import unittest
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from ..engine.graph import errors
from ..engine.graph.devices import canonical_name
from ..engine.graph.graph import Graph, reset_default_graph
from ..engine.graph.stacks import get_default_session
from ..engine.graph.tensor import Tensor
from ..engine.ops.random_ops import set_random_seed
from ..engine.run.protos import ConfigProto
from ..engine.run.session import Session

DEFAULT_GRAPH_SEED = 87654321  # TF's random_seed.DEFAULT_GRAPH_SEED, set before each test


def _test_config(config, force_gpu: bool):
    """TF's test sessions place softly unless a test forces the GPU or brings its config."""
    return ConfigProto(allow_soft_placement=not force_gpu) if config is None else config


class TestCase(unittest.TestCase):
    """A unittest.TestCase whose tests each start in a fresh default graph, with sessions and
    assertions over tensors and numpy values (TF's tf.test.TestCase in graph mode)."""

    def __init__(self, methodName: str = "runTest") -> None:
        super().__init__(methodName)
        self._cached_session: Session | None = None
        self._tempdir: str | None = None

    def setUp(self) -> None:
        super().setUp()
        self._clear_cached_session()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        reset_default_graph()
        set_random_seed(DEFAULT_GRAPH_SEED)

    def tearDown(self) -> None:
        self._clear_cached_session()
        super().tearDown()

    def _clear_cached_session(self) -> None:
        if self._cached_session is not None:
            self._cached_session.close()
            self._cached_session = None

    def get_temp_dir(self) -> str:
        """A temporary directory for this test, the same one on every call."""
        if not self._tempdir:
            self._tempdir = tempfile.mkdtemp(dir=get_temp_dir())
        return self._tempdir

    # -- sessions ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self, graph: Graph | None = None, config=None, use_gpu: bool = True,
                force_gpu: bool = False) -> Iterator[Session]:
        """A new session on `graph` (the default graph if None), default while the block runs."""
        config = _test_config(config, force_gpu)
        with Session(graph=graph, config=config) as sess, sess.graph.as_default(), \
                sess.as_default():
            yield sess

    @contextlib.contextmanager
    def cached_session(self, graph: Graph | None = None, config=None, use_gpu: bool = True,
                       force_gpu: bool = False) -> Iterator[Session]:
        """The test's one session, made on first use and closed when the test ends."""
        if self._cached_session is None:
            self._cached_session = Session(graph=graph, config=_test_config(config, force_gpu))
        elif graph is not None and graph is not self._cached_session.graph:
            raise ValueError("The graph used to get the cached session is different than the "
                             "one that was used to create the session. Maybe create a new "
                             "session with self.session()")
        sess = self._cached_session
        with sess.graph.as_default(), sess.as_default():
            yield sess

    def test_session(self, graph: Graph | None = None, config=None, use_gpu: bool = True,
                     force_gpu: bool = False):
        """The cached session without a graph, else a new session on `graph` (TF1's name)."""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")
        if graph is None:
            return self.cached_session(config=config)
        return self.session(graph, config)

    test_session.__test__ = False  # type: ignore[attr-defined]  # pytest: not a test

    def evaluate(self, tensors):
        """The values of a tensor or a nested structure of tensors, run in the default session
        (or the test's cached one)."""
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as sess:
            return sess.run(tensors)

    # -- assertions ----------------------------------------------------------------------------
    def _as_array(self, value) -> np.ndarray:
        if isinstance(value, Tensor) or hasattr(type(value), "_graphshell_tensor"):
            value = self.evaluate(value)
        if isinstance(value, np.ndarray):
            return value
        try:
            return np.array(value)
        except ValueError:
            return np.array(value, dtype=object)

    def assertNear(self, f1, f2, err, msg=None) -> None:
        """|f1 - f2| <= err."""
        f1, f2 = np.squeeze(f1), np.squeeze(f2)
        if f1 != f2:
            diff = math.fabs(f1 - f2)
            note = f" ({msg})" if msg is not None else ""
            self.assertTrue(diff <= err, f"{f1:f} != {f2:f} +/- {err:f} (difference: {diff:g})"
                                         f"{note}")

    def assertArrayNear(self, farray1, farray2, err, msg=None) -> None:
        """Each pair of elements is within `err`."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None) -> None:
        """Arrays, tensors, or nested lists, tuples and dicts of them are element-wise close."""
        pending = [(a, b, "")]
        while pending:
            first, second, path = pending.pop()
            nested = _nested_pairs(first, second, path)
            if nested is None:
                self._assert_arrays_close(first, second, rtol, atol, path, msg)
            else:
                pending.extend(reversed(nested))

    def _assert_arrays_close(self, a, b, rtol, atol, path, msg) -> None:
        a, b = self._as_array(a), self._as_array(b)
        where = f" at {path}" if path else ""
        self.assertEqual(a.shape, b.shape, f"Shape mismatch{where}: expected {a.shape}, got "
                                           f"{b.shape}.")
        if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{msg or ''}{where} dtype = {a.dtype}")

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6,
                                      float_rtol=1e-6, float_atol=1e-6, half_rtol=1e-3,
                                      half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None) -> None:
        """assertAllClose with tolerances widened for float32 and float16 arguments."""
        a, b = self._as_array(a), self._as_array(b)
        kinds = {a.dtype, b.dtype}
        if kinds & {np.dtype(np.float32), np.dtype(np.complex64)}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if np.dtype(np.float16) in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertAllEqual(self, a, b, msg=None) -> None:
        """Same shape and equal elements (NaN equals NaN for floats)."""
        a, b = self._as_array(a), self._as_array(b)
        self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got "
                                           f"{b.shape}. Contents: {b!r}. \n{msg or ''}.")
        same = a == b
        if a.dtype.kind == "f":
            same = np.logical_or(same, np.logical_and(np.isnan(a), np.isnan(b)))
        if not np.all(same):
            np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertAllGreater(self, a, comparison_target) -> None:
        """Every element of `a` is greater than `comparison_target`."""
        self.assertGreater(np.min(self._as_array(a)), comparison_target)

    def assertAllLess(self, a, comparison_target) -> None:
        """Every element of `a` is less than `comparison_target`."""
        self.assertLess(np.max(self._as_array(a)), comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target) -> None:
        """Every element of `a` is at least `comparison_target`."""
        self.assertGreaterEqual(np.min(self._as_array(a)), comparison_target)

    def assertAllLessEqual(self, a, comparison_target) -> None:
        """Every element of `a` is at most `comparison_target`."""
        self.assertLessEqual(np.max(self._as_array(a)), comparison_target)

    def assertAllInRange(self, target, lower_bound, upper_bound,
                         open_lower_bound=False, open_upper_bound=False) -> None:
        """Every element lies in the range (brackets as the open_ flags say), none is NaN."""
        target = self._as_array(target)
        if target.dtype.kind not in "fiu":
            raise AssertionError(f"The value of {target} does not have an ordered numeric "
                                 f"type, instead it has type: {target.dtype}")
        nans = int(np.count_nonzero(np.isnan(target))) if target.dtype.kind == "f" else 0
        if nans:
            raise AssertionError(f"{nans} of the {target.size} element(s) are NaN.")
        below = target <= lower_bound if open_lower_bound else target < lower_bound
        above = target >= upper_bound if open_upper_bound else target > upper_bound
        outside = int(np.count_nonzero(below | above))
        if outside:
            brackets = ("(" if open_lower_bound else "[", ")" if open_upper_bound else "]")
            raise AssertionError(
                f"{outside} of the {target.size} element(s) are outside the range "
                f"{brackets[0]}{lower_bound}, {upper_bound}{brackets[1]}.")

    def assertShapeEqual(self, input_a, input_b, msg=None) -> None:
        """A numpy value's shape equals a tensor's static shape (or another value's)."""
        for name, value in (("input_a", input_a), ("input_b", input_b)):
            if not isinstance(value, (np.ndarray, np.generic, Tensor)):
                raise TypeError(f"{name} must be a Numpy ndarray, Numpy scalar, or a Tensor."
                                f"Instead received {type(value)}")
        shape_a = input_a.get_shape().as_list() if isinstance(input_a, Tensor) else \
            list(np.shape(input_a))
        shape_b = input_b.get_shape().as_list() if isinstance(input_b, Tensor) else \
            list(np.shape(input_b))
        self.assertAllEqual(shape_a, shape_b, msg=msg)

    def assertDeviceEqual(self, device1, device2, msg=None) -> None:
        """The two device names (strings or DeviceSpecs) name the same device."""
        self.assertEqual(canonical_name(device1), canonical_name(device2), msg)

    def assertDTypeEqual(self, target, expected_dtype) -> None:
        """The value's numpy dtype is `expected_dtype`."""
        self.assertEqual(self._as_array(target).dtype, expected_dtype)

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type,
                                       expected_err_re_or_predicate) -> Iterator[None]:
        """The block raises `exception_type` whose message matches (or satisfies) the second
        argument."""
        predicate = expected_err_re_or_predicate if callable(expected_err_re_or_predicate) \
            else (lambda error: re.search(expected_err_re_or_predicate, _error_text(error)))
        try:
            yield
        except Exception as error:
            if not isinstance(error, exception_type) or not predicate(error):
                raise AssertionError(f"Exception of type {type(error)}: {error}") from error
            return
        self.fail(f"{exception_type.__name__} not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate):
        """The block raises an OpError matching the pattern (or predicate)."""
        return self.assertRaisesWithPredicateMatch(errors.OpError, expected_err_re_or_predicate)


def _error_text(error: BaseException) -> str:
    """An error's message; an OpError's with the name of the op that failed, as TF searches."""
    if isinstance(error, errors.OpError):
        op = getattr(error, "op", None)
        return str(error.message) + (f"\nCaused by: {op.name}" if op is not None else "")
    return str(error)


def _nested_pairs(a, b, path: str) -> list[tuple[Any, Any, str]] | None:
    """The element pairs of two dicts, or of two lists/tuples holding containers; None for
    leaves (arrays, tensors, numbers, flat lists of numbers)."""
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        if not (isinstance(a, Mapping) and isinstance(b, Mapping)):
            raise ValueError(f"Can't compare dict to non-dict, a{path} vs b{path}.")
        if set(a) != set(b):
            raise AssertionError(f"mismatched keys: a{path} has keys {sorted(map(str, a))}, "
                                 f"but b{path} has keys {sorted(map(str, b))}")
        return [(a[key], b[key], f"{path}[{key}]") for key in a]
    sequences = (list, tuple)
    if isinstance(a, sequences) and isinstance(b, sequences) and \
            any(isinstance(item, (Mapping, *sequences, Tensor)) for item in (*a, *b)):
        if len(a) != len(b):
            raise AssertionError(f"Length of a{path} ({len(a)}) differs from length of "
                                 f"b{path} ({len(b)})")
        return [(x, y, f"{path}[{index}]") for index, (x, y) in enumerate(zip(a, b))]
    return None


# -- module-level tf.test functions --------------------------------------------------------------
def get_temp_dir() -> str:
    """A temporary directory for tests (TEST_TMPDIR when set, else the system's)."""
    return os.environ.get("TEST_TMPDIR") or tempfile.gettempdir()


def main(argv=None) -> None:
    """Runs the TestCase classes of the calling program with unittest and exits with its
    status (the calling program's globals, also when graphshell runs the file)."""
    caller = sys._getframe(1).f_globals
    module = types.ModuleType(str(caller.get("__name__", "__main__")))
    module.__dict__.update(caller)
    unittest.main(module=module, argv=_program_argv(argv, caller.get("__file__")))


def _program_argv(argv, program_file) -> list[str]:
    """`argv`, or the command line from the program's own path on (`graphshell prog.py -v`
    runs prog.py, so what follows its path are the program's arguments)."""
    if argv is not None:
        return list(argv)
    if program_file:
        for index, argument in enumerate(sys.argv):
            if os.path.abspath(argument) == os.path.abspath(program_file):
                return sys.argv[index:]
    return list(sys.argv)


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability=None) -> bool:
    """False: graphshell runs every op on the CPU."""
    return False


def is_built_with_cuda() -> bool:
    """False: graphshell is numpy."""
    return False


def is_built_with_gpu_support() -> bool:
    """False: graphshell is numpy."""
    return False


def gpu_device_name() -> str:
    """'': there is no GPU device."""
    return ""

