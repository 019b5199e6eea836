"""The run layer: sessions, fetches and feeds, plans (pruning and ordering), the interpreter,
the while-loop runner, the compiled tier, per-session state, step records and protos. It sees
ops only through their definitions in the registry."""
