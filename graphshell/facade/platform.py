"""What TF1 programs use around the graph: tf.app, tf.flags, tf.gfile, tf.logging."""

from __future__ import annotations

from . import flags as flags_module
from . import gfile as gfile_module
from . import namespace, tf_logging

_FLAG_NAMES = ("FLAGS", "FlagValues", "Flag", "Error", "DuplicateFlagError",
               "IllegalFlagValueError", "UnrecognizedFlagError", "UnparsedFlagAccessError",
               "DEFINE_string", "DEFINE_boolean", "DEFINE_bool", "DEFINE_integer",
               "DEFINE_float", "DEFINE_list", "DEFINE_enum")

flags = namespace("flags", "Command-line flags (tf.flags, absl's flags as TF 1.x reads them).",
                  **{name: getattr(flags_module, name) for name in _FLAG_NAMES})

TOP_LEVEL: dict[str, object] = {
    "flags": flags,
    "app": namespace("app", "tf.app: run a program's main after parsing its flags.",
                     run=flags_module.run, flags=flags),
    "gfile": namespace("gfile", "TF's file API (tf.gfile) over the local file system.",
                       **gfile_module.MEMBERS),
    "logging": namespace("logging", "TF's logger (tf.logging).", **tf_logging.MEMBERS),
}
