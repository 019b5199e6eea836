"""`import tensorflow...` in the shell and in `graphshell prog.py`: the module paths TF1 code
imports (tensorflow.compat.v1, tensorflow.python.framework.ops, tensorflow.python.ops.*) bind
graphshell's own namespaces, and a path graphshell lacks is an ImportError naming it."""

import subprocess
import sys
import textwrap

import pytest
from shell_helpers import run_lines

from graphshell import tf


def _value_of(shell, expression):
    result = shell.execute(f"_probe = {expression}")
    assert result.ok, result.text
    return shell.namespace["_probe"]


@pytest.mark.parametrize("statement, name, expected", [
    ("import tensorflow.compat.v1 as tf1", "tf1", lambda: tf),
    ("from tensorflow.compat import v1 as tf1", "tf1", lambda: tf),
    ("import tensorflow as tf1", "tf1", lambda: tf),
    ("import tensorflow.python.framework.ops as ops", "ops", lambda: tf.python.framework.ops),
    ("from tensorflow.python.framework import ops", "ops", lambda: tf.python.framework.ops),
    ("from tensorflow.python.ops import math_ops", "math_ops", lambda: tf.python.ops.math_ops),
    ("from tensorflow.python.framework import dtypes", "dtypes",
     lambda: tf.python.framework.dtypes),
])
def test_import_forms_bind_graphshell_modules(shell, statement, name, expected):
    assert shell.execute(statement).ok
    assert shell.namespace[name] is expected()


def test_import_of_a_dotted_path_binds_the_top_module_with_walkable_attributes(shell):
    assert shell.execute("import tensorflow.python.framework.ops").ok
    assert shell.namespace["tensorflow"] is tf
    assert _value_of(shell, "tensorflow.python.framework.ops.Graph") is tf.Graph


def test_ops_module_builds_and_resets_the_default_graph(shell):
    text, result = run_lines(
        shell, "from tensorflow.python.framework import ops",
        "ops.reset_default_graph()",
        "c = ops.convert_to_tensor([1.0, 2.0], name='c')",
        "with ops.name_scope('outer'):\n    d = tf.identity(c)\n",
        "ops.add_to_collection('mine', d)",
        "g = ops.get_default_graph()")
    assert result.ok, text
    namespace = shell.namespace
    assert namespace["c"].name == "c:0" and namespace["d"].name == "outer/Identity:0"
    assert namespace["g"].get_collection("mine") == [namespace["d"]]
    assert isinstance(namespace["g"], _value_of(shell, "ops.Graph"))


def test_module_members_are_the_tf_functions(shell):
    shell.execute("from tensorflow.python.ops import array_ops, math_ops, nn_ops, variables")
    assert _value_of(shell, "math_ops.reduce_sum") is tf.reduce_sum
    assert _value_of(shell, "math_ops.matmul") is tf.matmul
    assert _value_of(shell, "array_ops.placeholder") is tf.placeholder
    assert _value_of(shell, "nn_ops.relu") is tf.nn.relu
    assert _value_of(shell, "variables.Variable") is tf.Variable


def test_tensor_shape_keeps_tf1_constructors(shell):
    shell.execute("from tensorflow.python.framework import tensor_shape")
    assert _value_of(shell, "tensor_shape.scalar()").as_list() == []
    assert _value_of(shell, "tensor_shape.vector(3)").as_list() == [3]
    assert _value_of(shell, "tensor_shape.matrix(2, None)").as_list() == [2, None]
    assert _value_of(shell, "tensor_shape.unknown_shape()").ndims is None
    assert _value_of(shell, "tensor_shape.unknown_shape(2)").as_list() == [None, None]
    assert _value_of(shell, "tensor_shape.as_dimension(4)").value == 4
    assert _value_of(shell, "tensor_shape.TensorShape") is tf.TensorShape


def test_errors_and_errors_impl_hold_the_error_classes_and_codes(shell):
    shell.execute("from tensorflow.python.framework import errors, errors_impl")
    assert _value_of(shell, "errors.InvalidArgumentError") is tf.errors.InvalidArgumentError
    assert _value_of(shell, "errors_impl.OpError") is tf.errors.OpError
    assert _value_of(shell, "errors.INVALID_ARGUMENT") == 3


def test_dtypes_module_maps_names_as_tf(shell):
    shell.execute("from tensorflow.python.framework import dtypes")
    assert _value_of(shell, "dtypes.as_dtype('float')") is tf.float32
    assert _value_of(shell, "dtypes.float32") is tf.float32


def test_missing_module_is_an_import_error_naming_it(shell):
    result = shell.execute("from tensorflow.examples.tutorials.mnist import input_data")
    assert result.error.type_name == "ModuleNotFoundError"
    assert "No module named 'tensorflow.examples'" in result.error.message


def test_missing_submodule_of_a_provided_package_names_the_full_path(shell):
    result = shell.execute("import tensorflow.python.framework.no_such_module")
    assert "No module named 'tensorflow.python.framework.no_such_module'" in result.error.message


def test_missing_member_is_an_import_error_naming_member_and_module(shell):
    result = shell.execute("from tensorflow.python.framework import no_such_module")
    assert result.error.type_name == "ImportError"
    assert "cannot import name 'no_such_module' from 'tensorflow.python.framework'" in \
        result.error.message


def test_a_function_is_not_importable_as_a_module(shell):
    result = shell.execute("import tensorflow.constant")
    assert result.error.type_name == "ModuleNotFoundError"


def test_import_error_can_be_caught_by_the_program(shell):
    text, result = run_lines(
        shell, "try:\n    import tensorflow.contrib.slim as slim\nexcept ImportError:\n"
               "    slim = None\n")
    assert result.ok and shell.namespace["slim"] is None


def test_modules_are_real_modules_registered_under_graphshell(shell):
    import graphshell.tf.python.ops.math_ops as math_ops
    assert math_ops is tf.python.ops.math_ops
    assert "reduce_sum" in dir(math_ops) and "MODULES" not in dir(math_ops)


PROGRAM = textwrap.dedent("""\
    import numpy as np
    import tensorflow.compat.v1 as tf
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import math_ops, array_ops
    from tensorflow.compat import v1 as tf_again

    ops.reset_default_graph()
    x = array_ops.placeholder("float", [None, 2], name="x")
    total = math_ops.reduce_sum(x * 2.0)
    with tf.Session() as sess:
        print(x.dtype.name, sess.run(total, {x: np.ones((3, 2))}), tf_again is tf)
    """)


def _run_program(tmp_path, text):
    program = tmp_path / "prog.py"
    program.write_text(text)
    return subprocess.run([sys.executable, "-m", "graphshell.cli", str(program)],
                          capture_output=True, text=True, timeout=120)


def test_a_program_file_imports_tensorflow_paths(tmp_path):
    done = _run_program(tmp_path, PROGRAM)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "float32 12.0 True"


def test_a_program_file_with_a_missing_module_fails_naming_it(tmp_path):
    done = _run_program(tmp_path, "from tensorflow.contrib import slim\nprint('not reached')\n")
    assert done.returncode == 1
    assert "No module named 'tensorflow.contrib'" in done.stdout + done.stderr
    assert "not reached" not in done.stdout
