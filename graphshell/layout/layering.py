"""Layers and order: a Sugiyama-style pipeline on networkx primitives, all iterative.

1. Break cycles by reversing DFS back edges (they are drawn pointing up).
2. Layer with `nx.topological_generations`, then pull sources down next to their first
   consumer (constants and variables sit just above where they are used).
3. Detach edges that would cross many layers or leave a node with a large fan-out (they are
   listed instead of drawn, like TensorBoard's auxiliary nodes); split the other long edges
   with dummy nodes, one per layer crossed.
4. Order each layer by barycenter sweeps, keeping the order with the fewest crossings
   (counted by inversions, O(E log E) per pair of layers).
"""

from __future__ import annotations

import networkx as nx

MAX_SPAN = 6          # longer edges are detached instead of drawn through many layers
HIGH_FAN_OUT = 12     # edges from nodes with more consumers are detached beyond MAX_SPAN / 3
SWEEPS = 6


def break_cycles(graph: nx.DiGraph):
    """(dag, reversed edges): DFS back edges reversed so the graph can be layered."""
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.nodes)
    reversed_edges = set()
    state = dict.fromkeys(graph, 0)  # 0 new, 1 on the DFS stack, 2 done
    for root in graph:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(graph.successors(root)))]
        while stack:
            node, successors = stack[-1]
            for child in successors:
                if state[child] == 1:
                    reversed_edges.add((node, child))
                elif state[child] == 0:
                    state[child] = 1
                    stack.append((child, iter(graph.successors(child))))
                    break
            else:
                state[node] = 2
                stack.pop()
    for source, target in graph.edges:
        if (source, target) in reversed_edges:
            dag.add_edge(target, source)
        elif source != target:
            dag.add_edge(source, target)
    return dag, reversed_edges


def assign_layers(dag: nx.DiGraph) -> dict[str, int]:
    layer = {}
    for index, generation in enumerate(nx.topological_generations(dag)):
        for node in generation:
            layer[node] = index
    for node in dag:
        if dag.in_degree(node) == 0 and dag.out_degree(node) > 0:
            layer[node] = max(0, min(layer[s] for s in dag.successors(node)) - 1)
    return layer


def split_long_edges(dag: nx.DiGraph, layer: dict[str, int]):
    """(edges to draw as chains of nodes, detached edges). A chain is [source, dummies...,
    target]; dummies are ('~', source, target, k) tuples."""
    chains, detached = [], []
    for source, target in dag.edges:
        span = layer[target] - layer[source]
        fan_out = dag.out_degree(source)
        limit = MAX_SPAN if fan_out <= HIGH_FAN_OUT else max(1, MAX_SPAN // 3)
        if span > limit:
            detached.append((source, target))
            continue
        chain = [source] + [("~", source, target, k) for k in range(1, span)] + [target]
        chains.append(chain)
    return chains, detached


def build_layers(nodes, layer: dict, chains) -> list[list]:
    depth = max(layer.values(), default=-1) + 1
    layers = [[] for _ in range(depth)]
    for node in nodes:
        layers[layer[node]].append(node)
    for chain in chains:
        start = layer[chain[0]]
        for k, dummy in enumerate(chain[1:-1], 1):
            layer[dummy] = start + k
            layers[start + k].append(dummy)
    return layers


def order_layers(layers: list[list], chains) -> list[list]:
    """Barycenter sweeps down and up; returns the best ordering found."""
    if all(len(level) < 2 for level in layers):
        return layers  # a chain: nothing to order
    up, down = _neighbours(chains)
    best = [list(level) for level in layers]
    best_crossings = count_crossings(best, down)
    current = [list(level) for level in layers]
    for sweep in range(SWEEPS):
        indices = range(1, len(current)) if sweep % 2 == 0 else range(len(current) - 2, -1, -1)
        neighbours = up if sweep % 2 == 0 else down
        for i in indices:
            if len(current[i]) < 2:
                continue
            reference = current[i - 1] if sweep % 2 == 0 else current[i + 1]
            position = {node: k for k, node in enumerate(reference)}
            current[i] = _sorted_by_barycenter(current[i], neighbours, position)
        crossings = count_crossings(current, down)
        if crossings < best_crossings:
            best, best_crossings = [list(level) for level in current], crossings
    return best


def _neighbours(chains):
    up, down = {}, {}
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)
    return up, down


def _sorted_by_barycenter(level, neighbours, position):
    keyed = []
    for k, node in enumerate(level):
        placed = [position[n] for n in neighbours.get(node, ()) if n in position]
        keyed.append((sum(placed) / len(placed) if placed else k, k, node))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [node for _, _, node in keyed]


def count_crossings(layers: list[list], down) -> int:
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        if len(upper) < 2 and len(lower) < 2:
            continue
        lower_position = {node: k for k, node in enumerate(lower)}
        pairs: list[tuple[int, int]] = []
        for k, node in enumerate(upper):
            pairs.extend((k, lower_position[n]) for n in down.get(node, ()) if n in lower_position)
        pairs.sort()
        total += _inversions([b for _, b in pairs])
    return total


def _inversions(sequence) -> int:
    """Pairs i < j with sequence[i] > sequence[j], with a Fenwick tree: O(n log n)."""
    if not sequence:
        return 0
    size = max(sequence) + 1
    tree = [0] * (size + 1)
    count = 0
    for seen, value in enumerate(sequence):
        index, at_most = value + 1, 0
        while index > 0:
            at_most += tree[index]
            index -= index & -index
        count += seen - at_most
        index = value + 1
        while index <= size:
            tree[index] += 1
            index += index & -index
    return count
