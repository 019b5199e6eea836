"""The engine: TF1 graphs, sessions and steps on numpy. Imports only numpy and the stdlib."""
