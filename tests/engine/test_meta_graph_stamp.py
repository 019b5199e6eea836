"""Every MetaGraph graphshell writes says which TF it implements (tensorflow_version 1.15.0,
git version "unknown"), as TF stamps its own: tf.train.export_meta_graph, Saver.save's .meta
and Saver.export_meta_graph alike, whatever version a given meta_info_def names."""

from __future__ import annotations

import pytest

from graphshell import tf
from graphshell.engine.graph.meta_graph import read_meta_graph_file

pytest.importorskip("tensorboard")
STAMP = ("1.15.0", "unknown")


def _stamp(meta_graph_def) -> tuple:
    info = meta_graph_def.meta_info_def
    return info.tensorflow_version, info.tensorflow_git_version


def test_the_meta_file_saver_save_writes_is_stamped(tmp_path):
    with tf.Graph().as_default():
        tf.Variable([1.0, 2.0], name="v")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            prefix = saver.save(sess, str(tmp_path / "model"), global_step=3)
        assert _stamp(read_meta_graph_file(prefix + ".meta")) == STAMP
        assert _stamp(saver.export_meta_graph()) == STAMP


def test_a_given_meta_info_def_keeps_its_fields_under_the_stamp():
    with tf.Graph().as_default():
        tf.constant(1.0, name="c")
        given = tf.MetaGraphDef.MetaInfoDef(meta_graph_version="v7", tensorflow_version="9.9")
        exported = tf.train.export_meta_graph(meta_info_def=given)
    assert _stamp(exported) == STAMP
    assert exported.meta_info_def.meta_graph_version == "v7"
