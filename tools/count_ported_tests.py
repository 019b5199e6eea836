"""Counts the TensorFlow test methods ported into tests/ and how many of them pass.

Two marks name a ported TF method (a name `testCamelCase`, possibly "-like" when the port
follows the TF method's idea rather than its every step):
- a test function or method whose `def` line ends in a comment naming TF methods
  (`def test_nested_scopes_inner_wins():  # testNesting, testNestingString`), the rule the
  earlier ports already follow;
- a method of a `tf.test.TestCase` class in a tests/**/test_ported_*.py file named exactly as
  the TF method it follows (`def testPartialRunDirect(self):`).
Tests of graphshell's own (no TF method named) are not counted.

    python tools/count_ported_tests.py            # count, then run them with pytest
    python tools/count_ported_tests.py --no-run   # count only
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parent.parent
TF_NAME = re.compile(r"\btest[A-Z]\w*")


def ported_in_file(path: pathlib.Path) -> dict[str, list[str]]:
    """`name` or `Class::name` -> the TF methods it ports: those its `def` line's comment
    names, or, in a test_ported_* file, the method's own name if it is TF's camelCase one."""
    lines = path.read_text().splitlines()
    found: dict[str, list[str]] = {}

    def visit(function, prefix: str) -> None:
        if not function.name.startswith("test"):
            return
        line = lines[function.lineno - 1]
        comment = line.split("#", 1)[1] if "#" in line else ""
        names = TF_NAME.findall(comment)
        if not names and path.name.startswith("test_ported_") and prefix \
                and TF_NAME.fullmatch(function.name):
            names = [function.name]
        if names:
            found[prefix + function.name] = names
    for node in ast.parse("\n".join(lines)).body:
        if isinstance(node, ast.FunctionDef):
            visit(node, "")
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    visit(item, node.name + "::")
    return found


def ported_tests() -> dict[str, list[str]]:
    """pytest node id -> the TF methods it ports."""
    tests: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for name, tf_names in ported_in_file(path).items():
            tests[f"{relative}::{name}"] = tf_names
    return tests


def passing(node_ids: list[str]) -> set[str]:
    """The node ids pytest reports as passed."""
    with tempfile.TemporaryDirectory() as scratch:
        report = pathlib.Path(scratch) / "report.xml"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        f"--junitxml={report}", *node_ids], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        passed = set()
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            if len(case):  # a failure, error or skip child
                continue
            passed.add((case.get("classname", ""), case.get("name", "")))
        return {node for node in node_ids if _key(node) in passed}


def _key(node_id: str) -> tuple[str, str]:
    """The (classname, name) junit gives a pytest node id."""
    parts = node_id.split("::")
    module = parts[0].removesuffix(".py").replace("/", ".")
    classname = ".".join([module, *parts[1:-1]])
    return classname, parts[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true", help="count without running pytest")
    args = parser.parse_args()
    tests = ported_tests()
    tf_methods = sum(len(names) for names in tests.values())
    by_file: dict[str, int] = {}
    for node, names in tests.items():
        by_file[node.split("::")[0]] = by_file.get(node.split("::")[0], 0) + len(names)
    for file, count in sorted(by_file.items()):
        print(f"{count:5d}  {file}")
    print(f"{tf_methods} TF test methods ported, in {len(tests)} tests")
    if not args.no_run:
        passed = passing(list(tests))
        passed_methods = sum(len(tests[node]) for node in passed)
        print(f"{len(passed)} of {len(tests)} tests pass, covering {passed_methods} of "
              f"{tf_methods} TF methods")
        for node in sorted(set(tests) - passed):
            print(f"  not passing: {node}")


if __name__ == "__main__":
    main()
