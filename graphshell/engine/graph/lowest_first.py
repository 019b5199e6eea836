"""Kahn's topological order that takes the lowest-numbered ready item first (a heap).

TF's GraphDef importer picks ready nodes in file order, and a while loop's body runs its
items with ties in creation order: both are this order over item numbers 0..n-1.
"""

from __future__ import annotations

import heapq


def lowest_first_order(successors: list[list[int]], waiting: list[int]) -> list[int]:
    """Every item after the items it waits on, the lowest ready one first, O(n log n).
    `successors[k]` lists the items waiting on k (once per edge) and `waiting[k]` how many
    edges k waits on; `waiting` is used up. Items on a cycle are left out of the order."""
    ready = [k for k, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        k = heapq.heappop(ready)
        order.append(k)
        for target in successors[k]:
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready, target)
    return order
