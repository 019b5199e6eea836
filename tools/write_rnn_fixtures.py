"""Writes the RNN fixture graphs as graphshell builds them (tests/fixtures/rnn/graphshell/rnn.pb,
and rnn_gradients.pb with the loop gradients), for tools/record_rnn_fixtures.py to run in
TensorFlow.

    python tools/write_rnn_fixtures.py      (graphshell's venv; then the recorder, with TF)
"""

from __future__ import annotations

from fixture_files import fixture_folder, load_programs

from graphshell import tf

HERE = fixture_folder("rnn")


def main() -> None:
    model = load_programs("rnn", "model.py")
    with tf.Graph().as_default() as graph:
        model.build(tf)
        tf.train.write_graph(graph, str(HERE / "graphshell"), "rnn.pb", as_text=False)
        model.build_gradients(tf)
        tf.train.write_graph(graph, str(HERE / "graphshell"), "rnn_gradients.pb", as_text=False)


if __name__ == "__main__":
    main()
