"""engine/graph/frames.py: the contexts ops are built in and the walks up their chain, on
structures built with tf.cond, tf.while_loop and tf.gradients."""

from __future__ import annotations

import pytest

from graphshell import tf
from graphshell.engine.graph import frames
from graphshell.engine.graph.frames import CondBranch, ControlFlowContext, WhileLoop
from graphshell.engine.ops.control_flow import CondContext
from graphshell.engine.ops.while_loop import WhileContext


def build_cond_in_while_in_while(graph):
    """An outer loop whose body runs an inner loop whose body runs a cond."""
    with graph.as_default():
        x = tf.placeholder(tf.float32, [], name="x")

        def inner_body(j, acc):
            picked = tf.cond(j < 2, lambda: tf.multiply(acc, x, name="scaled"),
                             lambda: tf.identity(acc, name="kept"))
            return j + 1, picked

        def outer_body(i, acc):
            _, acc = tf.while_loop(lambda j, a: j < 3, inner_body, [0, acc], name="inner")
            return i + 1, acc

        _, result = tf.while_loop(lambda i, a: i < 2, outer_body, [0, x], name="outer")
        return x, result


@pytest.fixture
def nested():
    graph = tf.Graph()
    x, result = build_cond_in_while_in_while(graph)
    op = graph.get_operation_by_name
    outer = op("outer/LoopCond")._control_flow_context
    inner = op("outer/inner/LoopCond")._control_flow_context
    return graph, op, outer, inner, x, result


# -- an op in a cond inside a while inside a while -----------------------------------------------
def test_contexts_of_lists_the_branch_then_the_loops_innermost_first(nested):
    _, op, outer, inner, _, _ = nested
    scaled = op("outer/inner/cond/scaled")
    branch, *loops = frames.contexts_of(scaled)
    assert isinstance(branch, CondContext) and branch.branch == 1 and not branch.is_while
    assert loops == [inner, outer] and all(loop.is_while for loop in loops)
    assert (inner.label, outer.label, branch.label) == ("outer/inner", "outer", "outer/inner/cond")
    assert list(frames.enclosing_contexts(branch)) == [branch, inner, outer]


def test_while_loop_walkers_see_both_loops_of_an_op_in_a_branch(nested):
    _, op, outer, inner, _, _ = nested
    scaled = op("outer/inner/cond/scaled")
    branch = scaled._control_flow_context
    assert frames.while_loop_of(scaled) is inner
    assert frames.innermost_while_loop(branch) is inner
    assert frames.innermost_while_loop(inner) is inner
    assert frames.innermost_while_loop(outer) is outer
    assert frames.while_loops_of(scaled) == [outer, inner]
    assert frames.outermost_while_loop_of(scaled) is outer
    assert frames.outermost_while_loop_of(scaled, within=outer) is inner
    assert frames.outermost_while_loop_of(scaled, within=inner) is None


def test_cond_branch_of_finds_the_branch_only_inside_the_given_context(nested):
    _, op, outer, inner, _, _ = nested
    scaled, kept = op("outer/inner/cond/scaled"), op("outer/inner/cond/kept")
    assert frames.cond_branch_of(scaled) is scaled._control_flow_context
    assert frames.cond_branch_of(scaled, within=inner) is scaled._control_flow_context
    assert frames.cond_branch_of(kept).branch == 0
    assert frames.cond_branch_of(kept) is not frames.cond_branch_of(scaled)
    assert frames.cond_branch_of(op("outer/inner/add")) is None  # in the loop, not the cond
    # the cond's own Switch and Merge stand in the loop, around the branches
    assert frames.cond_branch_of(op("outer/inner/cond/Merge")) is None
    assert frames.cond_branch_of(op("outer/inner/cond/scaled/Switch")) is None


def test_is_within_holds_for_the_context_and_those_around_it(nested):
    _, op, outer, inner, _, _ = nested
    scaled = op("outer/inner/cond/scaled")
    assert frames.is_within(scaled, scaled._control_flow_context)
    assert frames.is_within(scaled, inner) and frames.is_within(scaled, outer)
    outer_add = op("outer/add")
    assert frames.is_within(outer_add, outer) and not frames.is_within(outer_add, inner)


def test_enter_ops_belong_to_the_loop_they_enter_and_exits_to_the_loop_they_leave(nested):
    _, op, outer, inner, _, _ = nested
    assert frames.while_loops_of(op("outer/Enter")) == [outer]
    assert frames.while_loops_of(op("outer/inner/Enter")) == [outer, inner]
    assert frames.while_loop_of(op("outer/inner/Exit")) is inner
    assert frames.while_loop_of(op("outer/Exit")) is outer
    assert inner.outer is outer and outer.outer is None


# -- an op in no frame ------------------------------------------------------------------------
def test_an_op_outside_every_context_has_no_frames(nested):
    _, op, outer, _, x, result = nested
    for top_level in (x.op, op("outer/Const")):
        assert top_level._control_flow_context is None
        assert list(frames.contexts_of(top_level)) == []
        assert frames.while_loop_of(top_level) is None
        assert frames.while_loops_of(top_level) == []
        assert frames.outermost_while_loop_of(top_level) is None
        assert frames.cond_branch_of(top_level) is None
        assert not frames.is_within(top_level, outer)
    assert frames.innermost_while_loop(None) is None
    assert list(frames.enclosing_contexts(None)) == []


def test_an_op_in_a_top_level_cond_is_in_a_branch_but_no_loop():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [])
        tf.cond(x > 0.0, lambda: tf.sqrt(x, name="root"), lambda: x, name="pick")
    root = graph.get_operation_by_name("pick/root")
    assert frames.cond_branch_of(root).branch == 1
    assert frames.while_loop_of(root) is None and frames.while_loops_of(root) == []
    assert frames.outermost_while_loop_of(root) is None


# -- a gradient loop's ops --------------------------------------------------------------------
def test_gradient_loops_nest_like_the_forward_loops_and_read_them_through_stacks(nested):
    graph, op, outer, inner, x, result = nested
    with graph.as_default():
        tf.gradients(result, x)
    grad_outer = op("gradients/outer_grad/while/LoopCond")._control_flow_context
    grad_inner = op("gradients/outer_grad/while/outer/inner_grad/while/LoopCond"
                    )._control_flow_context
    assert grad_outer.gradient_state.forward is outer
    assert grad_inner.gradient_state.forward is inner
    assert grad_inner.outer is grad_outer and grad_outer.outer is None
    pops = [o for o in graph.get_operations() if o.type == "StackPopV2"]
    pushes = [o for o in graph.get_operations() if o.type == "StackPushV2"]
    stacks = [o for o in graph.get_operations() if o.type == "StackV2"]
    assert pops and len(pops) == len(pushes) == len(stacks)
    assert {frames.while_loop_of(pop) for pop in pops} <= {grad_outer, grad_inner}
    assert {frames.while_loop_of(push) for push in pushes} <= {outer, inner}
    assert all(frames.while_loop_of(stack) is None for stack in stacks)  # made at the top
    for pop in pops:
        assert frames.outermost_while_loop_of(pop) is grad_outer
        assert not frames.is_within(pop, outer) and not frames.is_within(pop, inner)


def test_a_gradient_loop_pops_a_branch_value_only_where_the_forward_branch_ran(nested):
    graph, _, outer, inner, x, result = nested
    with graph.as_default():
        tf.gradients(result, x)
    ops = graph.get_operations()
    branch_pushes = [o for o in ops if o.type == "StackPushV2"
                     and o._inputs[1].op.attrs.get("_branch") == 1]  # `scaled`'s inputs
    assert branch_pushes
    assert all(frames.while_loops_of(push) == [outer, inner] for push in branch_pushes)
    [taken] = [o for o in ops if o.name.endswith("/branch_taken")]
    grad_inner = frames.while_loop_of(taken)
    assert grad_inner.gradient_state.forward is inner
    waiting = taken._control_outputs
    assert len(waiting) == len(branch_pushes)
    assert all(o.type == "StackPopV2" and frames.while_loop_of(o) is grad_inner for o in waiting)


def test_the_frames_of_a_gradient_step_still_compute_the_right_value():
    graph = tf.Graph()
    x, result = build_cond_in_while_in_while(graph)
    with graph.as_default():
        grad = tf.gradients(result, x)[0]
        with tf.Session() as sess:
            # per pass of the outer loop the inner cond scales twice: result = x**5
            assert sess.run([result, grad], {x: 2.0}) == pytest.approx([32.0, 5 * 16.0])


# -- the common base ------------------------------------------------------------------------------
def test_both_contexts_share_the_base_and_say_which_they_are_by_class(nested):
    _, op, outer, _, _, _ = nested
    branch = op("outer/inner/cond/scaled")._control_flow_context
    assert isinstance(branch, CondBranch) and isinstance(outer, WhileLoop)
    assert isinstance(branch, ControlFlowContext) and isinstance(outer, ControlFlowContext)
    assert CondContext.is_while is False and WhileContext.is_while is True
    assert "is_while" not in vars(outer) and "is_while" not in vars(branch)


def test_as_current_restores_the_context_before_even_on_error(nested):
    graph, _, outer, inner, _, _ = nested
    assert graph._control_flow_context is None
    with pytest.raises(RuntimeError), outer.as_current():
        assert graph._control_flow_context is outer
        with inner.as_current():
            assert graph._control_flow_context is inner
        assert graph._control_flow_context is outer
        raise RuntimeError("in the loop")
    assert graph._control_flow_context is None
    with inner.as_current(), frames.building_in(graph, None):
        assert graph._control_flow_context is None
    assert graph._control_flow_context is None


def test_walks_are_loops_not_recursion_so_any_depth_works():
    class Graph:
        _control_flow_context = None

    graph, depth = Graph(), 5000  # deeper than Python's recursion limit
    made = []
    for k in range(depth):  # branch, loop, branch, loop, ...
        context = WhileLoop(graph, f"c{k}/") if k % 2 else CondBranch(graph, f"c{k}/", None,
                                                                       None, 1)
        made.append(context)
        graph._control_flow_context = context

    class Op:
        _control_flow_context = made[-1]

    assert len(list(frames.contexts_of(Op))) == depth
    assert len(frames.while_loops_of(Op)) == depth // 2
    assert frames.while_loops_of(Op)[0] is made[1]
    assert frames.while_loop_of(Op) is made[-1]
    assert frames.outermost_while_loop_of(Op) is made[1]
    assert frames.cond_branch_of(Op, within=made[-1]) is None
    assert frames.cond_branch_of(Op) is made[-2]
    assert frames.is_within(Op, made[0])
