"""tf.test: TestCase and main for users' own tests."""

from __future__ import annotations

from ..engine.autodiff import gradient_checker
from . import namespace, test_case

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {
    "test": namespace(
        "test", "Testing (tf.test): TestCase with a fresh default graph per test, and main.",
        TestCase=test_case.TestCase, main=test_case.main, get_temp_dir=test_case.get_temp_dir,
        is_gpu_available=test_case.is_gpu_available,
        is_built_with_cuda=test_case.is_built_with_cuda,
        is_built_with_gpu_support=test_case.is_built_with_gpu_support,
        gpu_device_name=test_case.gpu_device_name,
        compute_gradient=gradient_checker.compute_gradient,
        compute_gradient_error=gradient_checker.compute_gradient_error),
}
