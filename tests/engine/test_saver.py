"""tf.train.Saver and the checkpoint helpers: saving, restoring, max_to_keep, state files,
SaverDefs, the readers and init_from_checkpoint, with TF's names, files and errors."""

import os
import pathlib

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.training import saver as saver_module

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoints"


def _variables():
    a = tf.Variable([1.0, 2.0], name="a")
    with tf.variable_scope("s"):
        b = tf.get_variable("b", initializer=tf.constant([[3, 4]], tf.int64))
    return a, b


def _files(directory) -> list[str]:
    return sorted(os.listdir(directory))


# -- the graph it builds ---------------------------------------------------------------------
def test_the_saver_graph_is_tfs():
    a, b = _variables()
    saver = tf.train.Saver()
    graph = tf.get_default_graph()
    names = [op.name for op in graph.get_operations() if op.name.startswith("save/")]
    assert names == ["save/filename/input", "save/filename", "save/Const",
                     "save/SaveV2/tensor_names", "save/SaveV2/shape_and_slices", "save/SaveV2",
                     "save/control_dependency", "save/RestoreV2/tensor_names",
                     "save/RestoreV2/shape_and_slices", "save/RestoreV2", "save/Assign",
                     "save/Assign_1", "save/restore_all"]
    save = graph.get_operation_by_name("save/SaveV2")
    assert [t.name for t in save.inputs[3:]] == ["a:0", "s/b:0"]
    assert save.get_attr("dtypes") == [tf.float32, tf.int64]
    assert graph.get_operation_by_name("save/RestoreV2").device == "/device:CPU:0"
    saver_def = saver.as_saver_def()
    assert (saver_def.filename_tensor_name, saver_def.save_tensor_name,
            saver_def.restore_op_name) == ("save/Const:0", "save/control_dependency:0",
                                           "save/restore_all")
    assert (saver_def.max_to_keep, saver_def.version, saver_def.sharded) == (5, 2, False)
    assert tf.train.Saver([a]).as_saver_def().restore_op_name == "save_1/restore_all"


def test_var_list_forms_and_their_errors():
    a, b = _variables()
    graph = tf.get_default_graph()
    tf.train.Saver({"renamed": a, "other": b})
    save = graph.get_operation_by_name("save/SaveV2")
    assert [t.name for t in save.inputs[3:]] == ["s/b:0", "a:0"]  # sorted by checkpoint name
    with pytest.raises(ValueError, match="The same saveable will be restored with two names"):
        tf.train.Saver({"x": a, "y": a})
    with pytest.raises(TypeError, match="Variable to save is not a Variable"):
        tf.train.Saver([tf.constant(1.0)])
    with pytest.raises(TypeError, match="Variables to save should be passed in a dict or a"):
        tf.train.Saver(a)
    with pytest.raises(ValueError, match="If `var_list` is provided then build cannot be"):
        tf.train.Saver([a], defer_build=True)


def test_no_variables_is_an_error_unless_allowed(tmp_path, sess):
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    empty = tf.train.Saver(allow_empty=True)
    assert empty.save(sess, str(tmp_path / "m"), write_meta_graph=False) is None
    assert empty.restore(sess, str(tmp_path / "m")) is None
    assert _files(tmp_path) == []


# -- saving and restoring --------------------------------------------------------------------
def test_save_then_restore_in_a_new_graph_and_session(tmp_path):
    a, b = _variables()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(a.assign([5.0, 6.0]))
        path = saver.save(sess, str(tmp_path / "model"), global_step=12)
    assert path == str(tmp_path / "model-12")
    assert _files(tmp_path) == ["checkpoint", "model-12.data-00000-of-00001",
                                "model-12.index", "model-12.meta"]
    with tf.Graph().as_default():
        a2, b2 = _variables()
        saver2 = tf.train.Saver()
        with tf.Session() as sess:
            saver2.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
            assert sess.run(a2).tolist() == [5.0, 6.0]
            assert sess.run(b2).tolist() == [[3, 4]]


def test_global_step_tensors_pad_step_number_and_latest_filename(tmp_path, sess):
    step = tf.train.get_or_create_global_step()
    _variables()
    saver = tf.train.Saver(pad_step_number=True)
    sess.run(tf.global_variables_initializer())
    sess.run(step.assign(42))
    path = saver.save(sess, str(tmp_path / "m"), global_step=step, latest_filename="latest",
                      write_meta_graph=False)
    assert path == str(tmp_path / "m-00000042")
    assert (tmp_path / "latest").read_text() == (
        f'model_checkpoint_path: "{path}"\nall_model_checkpoint_paths: "{path}"\n')
    assert tf.train.latest_checkpoint(str(tmp_path), latest_filename="latest") == path
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    with pytest.raises(ValueError, match="'latest_filename' must not contain path components"):
        saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
    with pytest.raises(ValueError, match="'latest_filename' collides with 'save_path'"):
        saver.save(sess, str(tmp_path / "checkpoint"))
    with pytest.raises(TypeError, match="'sess' must be a Session"):
        saver.save(object(), str(tmp_path / "m"), global_step=1)


def test_max_to_keep_deletes_the_oldest_files(tmp_path, sess):
    _variables()
    saver = tf.train.Saver(max_to_keep=2)
    sess.run(tf.global_variables_initializer())
    for step in (1, 2, 3):
        saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert saver.last_checkpoints == [str(tmp_path / "m-2"), str(tmp_path / "m-3")]
    assert [f for f in _files(tmp_path) if f.startswith("m-1")] == []
    assert "m-2.meta" in _files(tmp_path) and "m-3.index" in _files(tmp_path)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == saver.last_checkpoints
    saver.save(sess, str(tmp_path / "m"), global_step=3)  # again: it moves to the end once
    assert saver.last_checkpoints == [str(tmp_path / "m-2"), str(tmp_path / "m-3")]


def test_max_to_keep_none_keeps_every_file_but_records_only_the_last(tmp_path, sess):
    _variables()
    saver = tf.train.Saver(max_to_keep=None)
    assert saver.as_saver_def().max_to_keep == 0
    sess.run(tf.global_variables_initializer())
    for step in (1, 2):
        saver.save(sess, str(tmp_path / "m"), global_step=step, write_meta_graph=False)
    assert saver.last_checkpoints == []
    assert "m-1.index" in _files(tmp_path)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / "m-2")]


def test_keep_checkpoint_every_n_hours_keeps_one_per_period(tmp_path, sess, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(saver_module.time, "time", lambda: clock[0])
    _variables()
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1.0)
    sess.run(tf.global_variables_initializer())
    for step, hours in ((1, 0.5), (2, 1.2), (3, 1.3), (4, 1.4)):
        clock[0] = 1000.0 + hours * 3600
        saver.save(sess, str(tmp_path / "m"), global_step=step, write_meta_graph=False)
    # m-1 was older than the first hour: deleted; m-2 passed it: kept; m-3 is within the next
    kept = sorted(f.split(".")[0] for f in _files(tmp_path) if f.endswith(".index"))
    assert kept == ["m-2", "m-4"]


def test_write_state_false_leaves_the_state_file_alone(tmp_path, sess):
    _variables()
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), write_state=False, write_meta_graph=False)
    assert _files(tmp_path) == ["m.data-00000-of-00001", "m.index"]
    assert saver.last_checkpoints == []


def test_relative_paths_as_tf_writes_them(tmp_path, sess, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    _variables()
    sess.run(tf.global_variables_initializer())
    tf.train.Saver().save(sess, "run/m", write_meta_graph=False)
    assert (tmp_path / "run" / "checkpoint").read_text() == (
        'model_checkpoint_path: "m"\nall_model_checkpoint_paths: "m"\n')
    assert tf.train.latest_checkpoint("run") == "run/m"
    relative = tf.train.Saver(save_relative_paths=True)
    relative.save(sess, str(tmp_path / "run" / "n"), write_meta_graph=False)
    assert (tmp_path / "run" / "checkpoint").read_text() == (
        'model_checkpoint_path: "n"\nall_model_checkpoint_paths: "n"\n')
    assert tf.train.latest_checkpoint(str(tmp_path / "run")) == str(tmp_path / "run" / "n")


def test_a_missing_parent_directory_is_tfs_value_error(tmp_path, sess):
    _variables()
    sess.run(tf.global_variables_initializer())
    missing = str(tmp_path / "no" / "such" / "m")
    with pytest.raises(ValueError, match="Parent directory of .* doesn't exist, can't save."):
        tf.train.Saver().save(sess, missing)


# -- restore errors ----------------------------------------------------------------------------
def test_restore_errors_are_tfs(tmp_path, sess):
    a, b = _variables()
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), write_meta_graph=False)
    with pytest.raises(ValueError, match="Can't load save_path when it is None."):
        saver.restore(sess, None)
    with pytest.raises(ValueError, match="The passed save_path is not a valid checkpoint: "):
        saver.restore(sess, str(tmp_path / "nothing"))
    extra = tf.Variable(0.0, name="extra")
    with pytest.raises(tf.errors.NotFoundError,
                       match="(?s)Restoring from checkpoint failed.*a Variable name or other "
                             "graph key that is missing.*Key extra not found in checkpoint"):
        tf.train.Saver([a, extra]).restore(sess, str(tmp_path / "m"))
    wrong = tf.Variable([0.0, 0.0, 0.0], name="wrong")
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="(?s)a mismatch between the current graph and the graph.*Assign "
                             r"requires shapes of both tensors to match. lhs shape= \[3\] rhs "
                             r"shape= \[2\]"):
        tf.train.Saver({"a": wrong}).restore(sess, str(tmp_path / "m"))


# -- SaverDefs -------------------------------------------------------------------------------
def test_saver_defs_round_trip_and_scopes(tmp_path, sess):
    with tf.name_scope("outer"):
        a = tf.Variable([1.0], name="a")
        saver = tf.train.Saver([a])
    proto = saver.to_proto(export_scope="outer")
    assert proto.filename_tensor_name == "save/Const:0"
    assert proto.restore_op_name == "save/restore_all"
    assert saver.to_proto(export_scope="elsewhere") is None
    assert saver.to_proto() is saver.as_saver_def()
    again = tf.train.Saver.from_proto(proto, import_scope="outer")
    assert again.as_saver_def().save_tensor_name == "outer/save/control_dependency:0"
    sess.run(tf.global_variables_initializer())
    assert again.save(sess, str(tmp_path / "m"), write_meta_graph=False) == str(tmp_path / "m")
    copy = tf.train.Saver(saver_def=saver.as_saver_def())
    sess.run(a.assign([9.0]))
    copy.restore(sess, str(tmp_path / "m"))
    assert sess.run(a).tolist() == [1.0]
    with pytest.raises(ValueError, match="saver_def must be a saver_pb2.SaverDef"):
        tf.train.Saver(saver_def="nope")
    with pytest.raises(ValueError, match="saver_def must specify the save_tensor_name"):
        tf.train.Saver(saver_def=tf.train.SaverDef(restore_op_name="x"))


def test_defer_build_and_the_last_checkpoints_setters(tmp_path, sess):
    _variables()
    saver = tf.train.Saver(defer_build=True)
    assert saver.as_saver_def() is None
    sess.run(tf.global_variables_initializer())
    with pytest.raises(RuntimeError, match=r"`build\(\)` should be called before save"):
        saver.save(sess, str(tmp_path / "m"))
    saver.build()
    saver.save(sess, str(tmp_path / "m"), global_step=1, write_meta_graph=False)
    saver.set_last_checkpoints(["x", "y"])
    assert saver.last_checkpoints == ["x", "y"]
    saver.set_last_checkpoints_with_time([("z", 5.0)])
    assert saver.last_checkpoints == ["z"]
    saver.recover_last_checkpoints([str(tmp_path / "m-1"), str(tmp_path / "m-9")])
    assert saver.last_checkpoints == [str(tmp_path / "m-1")]


def test_write_meta_graph_writes_a_metagraph_with_the_saver_def(tmp_path, sess):
    _variables()
    saver = tf.train.Saver()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), global_step=3)
    with tf.Graph().as_default():
        restored = tf.train.import_meta_graph(str(tmp_path / "m-3.meta"))
        assert restored.as_saver_def().restore_op_name == "save/restore_all"
        with tf.Session() as second:
            restored.restore(second, str(tmp_path / "m-3"))
            assert second.run("a:0").tolist() == [1.0, 2.0]


# -- state files -----------------------------------------------------------------------------
def test_state_file_helpers(tmp_path, caplog):
    directory = str(tmp_path)
    tf.train.update_checkpoint_state(directory, str(tmp_path / "b"),
                                     [str(tmp_path / "a")])
    state = tf.train.get_checkpoint_state(directory)
    assert state.model_checkpoint_path == str(tmp_path / "b")
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert tf.train.latest_checkpoint(directory) is None  # no files for b
    proto = tf.train.generate_checkpoint_state_proto("rel", "rel/m-1", ["rel/m-0"])
    assert list(proto.all_model_checkpoint_paths) == ["m-0", "m-1"]
    assert proto.model_checkpoint_path == "m-1"
    (tmp_path / "checkpoint").write_text("not a state file {")
    assert tf.train.get_checkpoint_state(directory) is None
    (tmp_path / "checkpoint").write_text('all_model_checkpoint_paths: "x"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state loaded from"):
        tf.train.get_checkpoint_state(directory)
    assert tf.train.get_checkpoint_state(str(tmp_path / "absent")) is None
    with pytest.raises(RuntimeError, match="conflicts with path used for checkpoint state"):
        tf.train.update_checkpoint_state(directory, str(tmp_path / "checkpoint"))
    assert tf.compat.v1.train.checkpoint_exists(str(FIXTURES / "tf" / "basic" / "model-7"))
    assert not tf.train.checkpoint_exists(str(tmp_path / "b"))
    assert len(tf.train.get_checkpoint_mtimes([str(FIXTURES / "tf" / "basic" / "model-7"),
                                               str(tmp_path / "b")])) == 1


# -- readers -----------------------------------------------------------------------------------
def test_readers_see_what_tf_sees(expected):
    prefix = str(FIXTURES / "tf" / "basic" / "model-7")
    recorded = expected["tf"]["basic"]
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.debug_string().decode("latin-1") == recorded["debug_string"]
    assert reader.get_variable_to_shape_map() == recorded["shape_map"]
    assert {n: d.name for n, d in reader.get_variable_to_dtype_map().items()} == \
        recorded["dtype_map"]
    assert reader.has_tensor("weights") and not reader.has_tensor("nope")
    for name, value in recorded["values"].items():
        assert _plain(reader.get_tensor(name)) == value, name
    assert isinstance(reader.get_tensor("global_step"), np.int64)  # scalars as numpy scalars
    with pytest.raises(tf.errors.NotFoundError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")
    with pytest.raises(tf.errors.NotFoundError, match="Unsuccessful TensorSliceReader "
                                                      "constructor: Failed to find any matching"):
        tf.train.NewCheckpointReader(prefix + "x")


def test_load_variable_list_variables_and_load_checkpoint(tmp_path):
    directory = str(FIXTURES / "tf" / "basic")
    assert tf.train.list_variables(directory)[:2] == [("big", [2, 1]), ("counts", [4])]
    assert tf.train.load_variable(directory, "scope/bias:0").tolist() == [0.1, -0.2]
    assert tf.train.load_checkpoint(directory).has_tensor("words")
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints in "
                                         "given directory"):
        tf.train.load_checkpoint(str(tmp_path))


def test_init_from_checkpoint_assignment_map_forms(sess):
    directory = str(FIXTURES / "tf" / "basic")
    with tf.variable_scope("scope"):
        bias = tf.get_variable("bias", [2], tf.float64)
    weights = tf.get_variable("w", [2, 3])
    counts = tf.get_variable("c", [4], tf.int32)
    tf.train.init_from_checkpoint(directory, {"scope/": "scope/", "weights": weights,
                                              "counts": "c"})
    assert weights.initializer.op.type == "Assign"  # the Assign's tensor, as TF keeps it
    # in sorted order of checkpoint names: counts, scope/bias, weights
    assert weights.initializer.op.inputs[1].op.name == "checkpoint_initializer_2"
    sess.run(tf.global_variables_initializer())
    assert sess.run(bias).tolist() == [0.1, -0.2]
    assert sess.run(weights).tolist() == [[0.5, -1.25, 3.0], [2.0, 0.0, -0.75]]
    assert sess.run(counts).tolist() == [1, -2, 3, 2147483647]
    wrong = tf.get_variable("wrong", [5])
    with pytest.raises(ValueError, match="Tensor nope is not found in"):
        tf.train.init_from_checkpoint(directory, {"nope": wrong})
    with pytest.raises(ValueError, match=r"Shape of variable wrong:0 \(\(5,\)\) doesn't match"):
        tf.train.init_from_checkpoint(directory, {"weights": wrong})
    with pytest.raises(ValueError, match="Should be 'scope/': 'other_scope/'"):
        tf.train.init_from_checkpoint(directory, {"weights": "scope/"})


# -- round trips with TensorFlow ------------------------------------------------------------------
def _programs():
    import importlib.util
    spec = importlib.util.spec_from_file_location("checkpoint_programs",
                                                  FIXTURES / "programs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plain(value) -> dict:
    array = np.asarray(value, dtype=object if isinstance(value, bytes) else None)
    if array.dtype == object:
        items = [v.decode() for v in array.reshape(-1)]
        return {"dtype": "string", "shape": list(array.shape),
                "value": np.array(items, dtype=object).reshape(array.shape).tolist()}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


@pytest.fixture
def expected():
    import json
    return json.loads((FIXTURES / "expected.json").read_text())


def test_tfs_checkpoints_restore_in_graphshell(expected, monkeypatch):
    programs = _programs()
    monkeypatch.chdir(FIXTURES / "tf")
    made = programs.build_variables(tf, zeros=True)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint("basic"))
        for name, variable in made.items():
            assert _plain(sess.run(variable)) == expected["tf"]["basic"]["values"][name], name
    assert tf.train.latest_checkpoint("keep") == expected["tf"]["keep"]["latest"]
    state = tf.train.get_checkpoint_state("keep")
    assert list(state.all_model_checkpoint_paths) == \
        expected["tf"]["keep"]["all_model_checkpoint_paths"]


@pytest.mark.parametrize("program", ["basic", "keep", "sharded", "meta"])
def test_graphshell_writes_tfs_files_byte_for_byte(program, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _programs().PROGRAMS[program](tf, program)
    tf_files = FIXTURES / "tf" / program
    assert _files(program) == _files(tf_files)
    for name in _files(tf_files):
        if name.endswith(".meta"):  # MetaGraphs: TF imports graphshell's (see below)
            continue
        assert (tmp_path / program / name).read_bytes() == (tf_files / name).read_bytes(), name
        assert (FIXTURES / "graphshell" / program / name).read_bytes() == \
            (tf_files / name).read_bytes(), name


def test_tf_restored_what_graphshell_wrote(expected):
    programs = _programs()
    read = expected["tf_reads_graphshell"]
    for name in programs.VARIABLES:
        assert read["basic"]["restored"][name] == _plain(programs.initial_value(name)), name
    assert read["basic"]["restored"]["global_step"]["value"] == programs.GLOBAL_STEP
    assert read["basic"]["debug_string"] == expected["tf"]["basic"]["debug_string"]
    assert read["keep"] == {"latest": "keep/model-3", "x": _plain(np.float32([3.0, -3.0])),
                            "all_model_checkpoint_paths": ["keep/model-2", "keep/model-3"]}
    assert read["sharded"]["values"] == expected["tf"]["sharded"]["values"]


def test_checkpoints_with_metagraphs_restore_both_ways(expected):
    read = expected["tf_reads_graphshell"]["meta"]
    assert read["values"] == {"p": _plain(np.float32([0.25, -4.0])), "q": _plain(b"label")}
    assert read["saver_def"] == _saver_def_text()
    prefix = str(FIXTURES / "tf" / "meta" / "model-1")
    saver = tf.train.import_meta_graph(prefix + ".meta")
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        assert sess.run("p:0").tolist() == [0.25, -4.0] and sess.run("q:0") == b"label"


def _saver_def_text() -> str:
    return ('filename_tensor_name: "save/Const:0"\nsave_tensor_name: "save/control_dependency:0"'
            '\nrestore_op_name: "save/restore_all"\nmax_to_keep: 5\n'
            'keep_checkpoint_every_n_hours: 10000\nversion: V2\n')


# -- partitioned variables TF saved in slices ---------------------------------------------------
def test_tfs_sliced_tensors_read_whole(expected):
    recorded = expected["tf"]["partitioned"]
    reader = tf.train.NewCheckpointReader(str(FIXTURES / "tf" / "partitioned" / "model"))
    assert reader.debug_string().decode("latin-1") == recorded["debug_string"]
    assert reader.get_variable_to_shape_map() == recorded["shape_map"]
    for name, value in recorded["values"].items():
        assert _plain(reader.get_tensor(name)) == value, name
    assert tf.train.list_variables(str(FIXTURES / "tf" / "partitioned")) == [
        ("emb", [6, 2]), ("w2", [2, 5])]


def test_restore_v2_reads_the_slices_tfs_partitioned_saver_asks_for(expected, sess):
    from graphshell.engine.ops import checkpoint_ops
    recorded = expected["tf"]["partitioned"]
    prefix = str(FIXTURES / "tf" / "partitioned" / "model")
    for part, spec in recorded["specs"].items():
        name = part.split("/")[0]
        dtype = tf.float32 if name == "emb" else tf.int64
        value = sess.run(checkpoint_ops.restore_v2(prefix, [name], [spec], [dtype])[0])
        full = np.array(recorded["values"][name]["value"])
        shape_text, slices = spec.rsplit(" ", 1)
        index = tuple(slice(int(s.split(",")[0]), sum(map(int, s.split(","))))
                      for s in slices.split(":"))
        np.testing.assert_array_equal(value, full[index])
    bad = checkpoint_ops.restore_v2(prefix, ["emb"], ["5 2 0,2:0,2"], [tf.float32])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not match the shape stored"):
        sess.run(bad)


def test_a_partitioned_tensor_initialises_a_whole_variable(expected, sess):
    emb = tf.get_variable("emb", [6, 2])
    tf.train.init_from_checkpoint(str(FIXTURES / "tf" / "partitioned"), {"emb": "emb"})
    sess.run(emb.initializer)
    assert sess.run(emb).tolist() == expected["tf"]["partitioned"]["values"]["emb"]["value"]


def test_save_v2_writes_slices_byte_for_byte_as_tf(expected, tmp_path, sess):
    from graphshell.engine.ops import checkpoint_ops
    recorded = expected["tf"]["partitioned"]
    values = []
    for name, spec in zip(recorded["save_v2_names"], recorded["save_v2_slices"]):
        full = np.array(recorded["values"][name]["value"],
                        dtype=recorded["values"][name]["dtype"])
        slices = spec.rsplit(" ", 1)[1]
        index = tuple(slice(int(s.split(",")[0]), sum(map(int, s.split(","))))
                      for s in slices.split(":"))
        values.append(full[index])
    sess.run(checkpoint_ops.save_v2(str(tmp_path / "model"), recorded["save_v2_names"],
                                    recorded["save_v2_slices"], values))
    for suffix in (".index", ".data-00000-of-00001"):
        assert (tmp_path / f"model{suffix}").read_bytes() == \
            (FIXTURES / "tf" / "partitioned" / f"model{suffix}").read_bytes()


def test_the_tensorflow_python_paths_hold_the_checkpoint_names():
    assert tf.python.training.saver.Saver is tf.train.Saver
    assert tf.python.training.checkpoint_management.latest_checkpoint is \
        tf.train.latest_checkpoint
    assert tf.python.training.checkpoint_utils.init_from_checkpoint is \
        tf.train.init_from_checkpoint
    assert tf.python.training.py_checkpoint_reader.NewCheckpointReader is \
        tf.train.NewCheckpointReader


def test_waiting_for_checkpoints_without_sleeping(tmp_path, monkeypatch):
    from graphshell.engine.training import checkpoint_utils
    monkeypatch.setattr(checkpoint_utils.time, "sleep", lambda seconds: pytest.fail("slept"))
    directory = str(FIXTURES / "tf" / "keep")
    latest = tf.train.latest_checkpoint(directory)
    assert not hasattr(tf.train, "wait_for_new_checkpoint")  # TF does not export it
    assert checkpoint_utils.wait_for_new_checkpoint(directory, timeout=0) == latest
    assert checkpoint_utils.wait_for_new_checkpoint(directory, latest, timeout=0) is None
    assert list(tf.train.checkpoints_iterator(directory, timeout=0)) == [latest]
    assert list(tf.train.checkpoints_iterator(str(tmp_path), timeout=0)) == []
    calls = []
    assert list(tf.train.checkpoints_iterator(
        directory, timeout=0, timeout_fn=lambda: calls.append(1) or True)) == [latest]
    assert calls == [1]
