"""The shell core and its faces (REPL, script runner); see core.Shell."""
