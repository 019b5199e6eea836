"""What the shell core asks of an engine: its `tf`, its default stacks, its sessions, graphs
and steps. The numpy engine (graphshell's own) and the TensorFlow adapter both provide it.

Graph elements are the engine's own objects; the shell reads only what TF's public API has
on both: an op's `name`, `type`, `inputs`, `control_inputs`, `outputs`, `device`, `graph`,
a tensor's `name`, `op`, `dtype`, `value_index`, a graph's `get_operations()`,
`get_tensor_by_name()`, `get_all_collection_keys()`. Anything else goes through the engine.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class StepRecord(Protocol):
    """One `Session.run` as the shell's commands and the explorer read it (engine.run.steps
    Step is the numpy engine's; the TensorFlow adapter records the same from RunMetadata)."""

    number: int
    session: Any
    origin: str            # "run", "eval", "op.run", "callable"
    fetches: Any
    feed_dict: Any
    graph: Any
    graph_size: int        # how many of graph.get_operations() existed when it ran
    error: BaseException | None
    results: Any
    values: list | None
    values_dropped: str | None
    values_missing: dict[int, str] | None
    counts: list[int] | None
    plan: Any              # .ops (needed ops), .slots (tensor -> value slot), .fetches,
    #                        .targets, .position (op -> index), .template (slot -> constant)
    executed_ops: list
    executed_names: list[str]
    fed_ops: list
    fed_tensors: list
    fetched_tensors: list
    target_ops: list
    pruned_ops: list
    op_times_ns: list[tuple[Any, int]]
    duration_ns: int
    interrupted: bool
    failed_op: Any
    loop_iterations: list[tuple[str, int]]
    repeated_ops: list[tuple[Any, int]]

    def value_of(self, tensor: Any) -> Any: ...
    def value_note(self, tensor: Any) -> str | None: ...
    def drop_value(self, slot: int, reason: str) -> None: ...
    def release_values(self, reason: str = ...) -> None: ...


class EngineState(Protocol):
    """One shell's defaults and numbering inside an engine: its default-graph and
    default-session stacks, its step numbers and who hears about its steps."""

    def installed(self) -> AbstractContextManager[Any]:
        """Makes this state current in the thread that enters it (nests)."""

    def restart(self) -> None:
        """Empty stacks, a fresh global default graph, steps numbered from 1 (:reset)."""

    def close(self) -> None:
        """Steps run later are no longer reported."""


class Engine(Protocol):
    """An engine the shell can run on; chosen once per shell (`engines.load(name)`)."""

    name: str                 # "numpy" or "tensorflow"
    tf: types.ModuleType      # what `tf` is in the user's namespace

    def new_state(self, seed: int | None, on_step: Callable[[StepRecord], Any]) -> EngineState:
        """A shell's own state: unseeded random ops draw from `seed` where the engine can;
        `on_step(step)` is called after every step run while the state is installed."""

    # -- defaults (read in the installed state) --------------------------------------------
    def default_graph(self) -> Any: ...
    def default_session(self) -> Any: ...
    def session_stack(self) -> list:
        """The default-session stack, top first."""
    def graph_stack(self) -> list:
        """The explicitly entered default graphs, top first (without the global one)."""
    def global_graph(self) -> Any: ...
    def is_session(self, value: Any) -> bool: ...
    def session_closed(self, session: Any) -> bool: ...
    def is_graph(self, value: Any) -> bool: ...

    # -- names and facts the commands show ---------------------------------------------------
    def session_name(self, session: Any) -> str:
        """`Session#3`: the engine's own label for a session."""
    def graph_name(self, graph: Any) -> str: ...
    def op_count(self, graph: Any) -> int: ...
    def op_named(self, graph: Any, name: str) -> Any:
        """The op called `name` in `graph`, or None."""
    def shape_text(self, tensor: Any) -> str:
        """The tensor's static shape as TF1 prints it: `(?, 2)`, `<unknown>`."""
    def existed_at(self, op: Any, step: StepRecord) -> bool:
        """Whether `op` was in its graph when `step` ran."""
    def why_needed(self, fetches: Sequence, targets: Sequence, fed: Sequence, op: Any
                   ) -> list | None:
        """[(op, edge kind, tensor), ...] from a fetch down to `op`; None if not needed."""
    def while_loop_of(self, op: Any) -> Any:
        """The while loop `op` is in (with `.label` and `.loop_cond`), or None."""
    def is_out_of_memory(self, error: BaseException) -> bool: ...

    # -- Python, files and TensorBoard -------------------------------------------------------
    def import_tensorflow(self, name: str, fromlist: Sequence[str]) -> types.ModuleType:
        """What the shell's `import name` gives for a `tensorflow` module path."""
    def tensorflow_modules(self, needed: bool) -> AbstractContextManager[None]:
        """sys.modules as the user's own modules should see `tensorflow` while input runs."""
    import_note: str | None  # said once when the user imports tensorflow, or None
    def load_graph_file(self, path: str) -> str:
        """Imports a GraphDef or MetaGraph file as the new global default graph; returns
        the line saying so."""
    def write_tensorboard(self, logdir: str, graph: Any, steps: Sequence[StepRecord]) -> None:
        """One event file in `logdir`: the graph and each step's RunMetadata (step_N)."""


def top_first(stack: Sequence) -> Iterator:
    """A stack kept innermost-last, read top first."""
    return reversed(list(stack))
