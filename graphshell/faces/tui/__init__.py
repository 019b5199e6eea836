"""The explorer (textual). Imported only when `--tui` or `:tui` opens it."""
