"""tf.summary: summary ops (scalar, histogram, image, audio, text, merge) and FileWriter's
event files."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from ..engine.graph import dtypes, graph_api
from ..engine.graph.build import OpScope
from ..engine.graph.convert import convert_to_tensor
from ..engine.graph.graph_keys import GraphKeys
from ..engine.ops import image_summary_ops, summary_ops
from ..engine.ops.summary_ops import protos
from . import namespace, tf_logging
from .summary_writer import FileWriter, FileWriterCache, LazyProtoClass

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")


def _clean_tag(name):
    """`name` with characters TensorBoard does not allow replaced by '_' (logged as TF does)."""
    if name is None:
        return None
    cleaned = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    if cleaned != name:
        tf_logging.log(tf_logging.INFO,
                       f"Summary name {name} is illegal; using {cleaned} instead.")
    return cleaned


@contextlib.contextmanager
def _summary_scope(name, family=None, default_name=None, values=None) -> Iterator[tuple]:
    """TF's summary scope: a unique name scope for the op, yielding (tag, scope); the tag is
    the scope's name, prefixed by `family` when given."""
    name, family = _clean_tag(name), _clean_tag(family)
    base_name = name if family is None else f"{family}/{name}"
    with OpScope(base_name, default_name, values or []) as scope:
        tag = scope.rstrip("/")
        yield (tag if family is None else f"{family}/{tag}"), scope


def _collect(value, collections, default_collections) -> None:
    for key in default_collections if collections is None else collections:
        graph_api.add_to_collection(key, value)


def scalar(name, tensor, collections=None, family=None):
    """A string tensor: a serialized Summary holding the single value of `tensor`, tagged with
    the op's scope name; added to GraphKeys.SUMMARIES (or `collections`)."""
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        value = summary_ops.scalar_summary(tags=tag, values=tensor, name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def histogram(name, values, collections=None, family=None):
    """A string tensor: a serialized Summary holding a histogram of `values` (TF's default
    buckets); the step fails on NaN or infinite values."""
    with _summary_scope(name, family, "HistogramSummary", [values]) as (tag, scope):
        value = summary_ops.histogram_summary(tag=tag, values=values, name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """A string tensor: a serialized Summary holding PNG images of up to `max_outputs` images
    of the batch `tensor` [batch, height, width, 1|3|4] (floats scaled into 0..255 per
    image), tagged `<scope>/image/<i>` (`<scope>/image` when max_outputs is 1)."""
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        value = image_summary_ops.image_summary(tag=tag, tensor=tensor, max_images=max_outputs,
                                                name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """A string tensor: a serialized Summary holding 16-bit WAV clips of up to `max_outputs`
    of the float32 batch `tensor` [batch, frames(, channels)] in [-1, 1]."""
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        value = image_summary_ops.audio_summary_v2(tag=tag, tensor=tensor,
                                                   sample_rate=sample_rate,
                                                   max_outputs=max_outputs, name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A string tensor: a serialized Summary holding `tensor` as a TensorProto, with metadata."""
    if summary_metadata is None:
        summary_metadata = summary_ops.protos().summary.SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    serialized_metadata = summary_metadata.SerializeToString()
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        value = summary_ops.tensor_summary_v2(tag, tensor, serialized_metadata, name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def text(name, tensor, collections=None):
    """A string tensor: a serialized Summary of the string `tensor` for TensorBoard's text
    plugin."""
    if tensor.dtype != dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                         f"{tensor.dtype}")
    metadata_class = summary_ops.protos().summary.SummaryMetadata
    metadata = metadata_class(plugin_data=metadata_class.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, summary_metadata=metadata, collections=collections)


def merge(inputs, collections=None, name=None):
    """A string tensor: one serialized Summary holding the values of all `inputs`; the step
    fails when two of them use the same tag."""
    name = _clean_tag(name)
    with OpScope(name, "Merge", inputs):
        value = summary_ops.merge_summary(inputs, name=name)
        _collect(value, collections, [])
    return value


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """`merge` of every summary in the default graph's collection `key` (None when empty)."""
    summaries = graph_api.get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None


def get_summary_description(node_def):
    """The SummaryDescription a (legacy) TensorSummary node carries in its `description`
    attr, as JSON; ValueError for any other op type."""
    if node_def.op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {node_def.op}")
    from google.protobuf import json_format  # protobuf comes with tensorboard

    description = node_def.attr["description"]
    text = getattr(description, "s", description)
    text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
    return json_format.Parse(text, protos().summary.SummaryDescription())


_PROTO_NAMES = {"Summary": "summary", "SummaryDescription": "summary",
                "SummaryMetadata": "summary", "HistogramProto": "summary", "Event": "event",
                "SessionLog": "event", "TaggedRunMetadata": "event"}
PROTO_CLASSES = {name: LazyProtoClass(module, name) for name, module in _PROTO_NAMES.items()}

_SUMMARY_MEMBERS = ("Summary", "SummaryDescription", "Event", "SessionLog", "TaggedRunMetadata")

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {
    "summary": namespace(
        "summary", "TF1 graph-mode summaries and the event files TensorBoard reads (tf.summary).",
        scalar=scalar, histogram=histogram, image=image, audio=audio, text=text,
        tensor_summary=tensor_summary, merge=merge, merge_all=merge_all,
        get_summary_description=get_summary_description, FileWriter=FileWriter,
        FileWriterCache=FileWriterCache,
        **{name: PROTO_CLASSES[name] for name in _SUMMARY_MEMBERS}),
    **{name: PROTO_CLASSES[name] for name in ("Summary", "SummaryMetadata", "HistogramProto",
                                              "Event", "SessionLog")},
}
