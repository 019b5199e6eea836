"""The engine: TF1 graphs, sessions and steps on numpy, in four layers, each importing only the
ones below it: autodiff -> ops -> run -> graph."""
