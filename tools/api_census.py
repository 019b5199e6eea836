"""Count how real TF1 code uses `tf.<name>` and how much of it graphshell's tf provides.

    python tools/api_census.py CORPUS_DIR [--top 60] [--tf-names tools/tf_v1_names.txt]
    <python with tensorflow> tools/api_census.py CORPUS_DIR --record-tf-names tools/tf_v1_names.txt

CORPUS_DIR holds one folder per repository (`owner+name/`), each a checkout of its .py files.
A use is one attribute chain rooted at `tf` in a file that imports TensorFlow as `tf`
(`tf.compat.v1.` is read as `tf.`); it is covered when every attribute of the chain resolves on
graphshell's tf. Names that TensorFlow's own `tf.compat.v1` no longer has (tf.contrib, ...)
are reported apart, using the list `--record-tf-names` writes with a TensorFlow interpreter.
"""

from __future__ import annotations

import argparse
import ast
import collections
import pathlib
import re
import sys
from dataclasses import dataclass, field

# Folders of TF2 code, of other frameworks, or copies, inside otherwise TF1 repositories.
LEFT_OUT = ("tensorflow_v2/", "notebooks/", "keras/", "pytorch/", "mxnet/", "chainer/",
            "tf2/", "numpy/")
LEFT_OUT_AT_TOP = {"aymericdamien+TensorFlow-Examples": ("examples/",)}  # = tensorflow_v1/
_IMPORTS_TF = re.compile(r"^\s*(import|from)\s+tensorflow\b", re.MULTILINE)
_CHAIN = re.compile(r"\btf((?:\.[A-Za-z_]\w*)+)")


@dataclass
class Census:
    uses: collections.Counter = field(default_factory=collections.Counter)
    files: collections.Counter = field(default_factory=collections.Counter)
    by_repo: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    file_count: int = 0
    regex_files: int = 0


def chains_in(text: str) -> tuple[list[str], bool]:
    """The `tf.` attribute chains of one file, and whether it had to be read by regex."""
    try:
        tree = ast.parse(text)
    except SyntaxError:  # Python 2 files: a regex is near enough
        return ["tf" + m.group(1) for m in _CHAIN.finditer(text)], True
    chains = []
    roots = tensorflow_aliases(tree)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in roots:
            parts, top = [roots[node.id]], node
            while isinstance(parents.get(top), ast.Attribute):
                top = parents[top]
                parts.append(top.attr)
            if len(parts) > 1:
                chains.append(".".join(parts))
    return chains, False


def tensorflow_aliases(tree: ast.Module) -> dict[str, str]:
    """Local names bound to TensorFlow modules: `tf`, and `ops` after `from
    tensorflow.python.framework import ops` (read as `tf.python.framework.ops`)."""
    aliases = {"tf": "tf"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tensorflow.") and alias.asname:
                    aliases[alias.asname] = "tf" + alias.name.removeprefix("tensorflow")
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module and (
                node.module == "tensorflow" or node.module.startswith("tensorflow.")):
            for alias in node.names:
                path = f"{node.module}.{alias.name}".removeprefix("tensorflow")
                aliases[alias.asname or alias.name] = "tf" + path
    return aliases


def normalise(chain: str) -> str:
    return "tf." + chain.removeprefix("tf.").removeprefix("compat.v1.")


def take_census(corpus: pathlib.Path) -> Census:
    census = Census()
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for path in sorted(repo.rglob("*.py")):
            relative = path.relative_to(repo).as_posix() + "/"
            if any(part in relative for part in LEFT_OUT) or relative.startswith(
                    LEFT_OUT_AT_TOP.get(repo.name, ("//",))):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if not _IMPORTS_TF.search(text):
                continue
            chains, by_regex = chains_in(text)
            census.file_count += 1
            census.regex_files += by_regex
            names = [normalise(chain) for chain in chains]
            census.uses.update(names)
            census.files.update(set(names))
            census.by_repo[repo.name].update(names)
    return census


def resolves(root, name: str) -> bool:
    target = root
    for part in name.split(".")[1:]:
        try:
            target = getattr(target, part)
        except Exception:  # any failure to resolve is "not provided"
            return False
    return True


def record_tf_names(names, path: pathlib.Path) -> None:
    """With TensorFlow importable: write which names its tf.compat.v1 still has."""
    import tensorflow

    present = sorted(n for n in names if resolves(tensorflow.compat.v1, n))
    path.write_text("".join(f"{n}\n" for n in present), encoding="utf-8")
    print(f"{len(present)} of {len(names)} names resolve in TensorFlow {tensorflow.__version__}")


def report(census: Census, tf_names: set[str] | None, top: int) -> None:
    from graphshell import tf

    covered = {name for name in census.uses if resolves(tf, name)}
    total = sum(census.uses.values())
    hit = sum(census.uses[n] for n in covered)
    print(f"files using tf: {census.file_count} ({census.regex_files} read by regex)")
    print(f"uses of tf.<name>: {total}, distinct names: {len(census.uses)}")
    print(f"coverage of uses: {hit / total:.1%} ({hit}/{total}); distinct names: "
          f"{len(covered) / len(census.uses):.1%}")
    alive = census.uses
    if tf_names is not None:
        alive = collections.Counter({n: c for n, c in census.uses.items() if n in tf_names})
        alive_total = sum(alive.values())
        alive_hit = sum(alive[n] for n in covered if n in alive)
        print(f"uses of names TF's tf.compat.v1 still has: {alive_total}; coverage of those: "
              f"{alive_hit / alive_total:.1%} ({alive_hit}/{alive_total})")
    print(f"\ntop {top} missing names that TF still has (uses, files)")
    missing = [(c, n) for n, c in alive.items() if n not in covered]
    for count, name in sorted(missing, key=lambda item: (-item[0], item[1]))[:top]:
        print(f"  {count:5} {census.files[name]:5}  {name}")
    print("\nper repository: coverage of uses")
    for repo, uses in sorted(census.by_repo.items(), key=lambda item: -sum(item[1].values())):
        repo_total = sum(uses.values())
        repo_hit = sum(c for n, c in uses.items() if n in covered)
        print(f"  {repo:52} {repo_total:5} uses  {repo_hit / repo_total:6.1%}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=pathlib.Path, help="folder of repository checkouts")
    parser.add_argument("--top", type=int, default=60, help="how many missing names to list")
    parser.add_argument("--tf-names", type=pathlib.Path,
                        default=pathlib.Path(__file__).with_name("tf_v1_names.txt"),
                        help="names TF's tf.compat.v1 has (from --record-tf-names)")
    parser.add_argument("--record-tf-names", type=pathlib.Path, metavar="FILE",
                        help="with TensorFlow importable: write the --tf-names list and stop")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder of repository checkouts")
    census = take_census(args.corpus)
    if args.record_tf_names:
        record_tf_names(census.uses, args.record_tf_names)
        return 0
    tf_names = None
    if args.tf_names.exists():
        tf_names = set(args.tf_names.read_text(encoding="utf-8").split())
    report(census, tf_names, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
