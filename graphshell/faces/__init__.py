"""The faces over the shell core: the REPL, the script runner and the TUI explorer. They talk
to the shell core only, never to the engine."""
