"""tf.train: optimizers, the global step, learning-rate schedules, moving averages."""

from __future__ import annotations

from ..engine.training import global_step as global_step_api
from ..engine.training import learning_rate_decay as decay
from ..engine.training.adam import AdamOptimizer
from ..engine.training.adaptive import AdadeltaOptimizer, AdagradOptimizer, RMSPropOptimizer
from ..engine.training.ftrl import FtrlOptimizer
from ..engine.training.gradient_descent import GradientDescentOptimizer, MomentumOptimizer
from ..engine.training.moving_averages import ExponentialMovingAverage
from ..engine.training.optimizer import Optimizer
from ..engine.training.proximal import (
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
)
from . import checkpoints as checkpoints_api
from . import meta_graph as meta_graph_api
from . import namespace
from .data import TRAIN_MEMBERS as _EXAMPLE_MEMBERS
from .graph_io import write_graph
from .queues import TRAIN_MEMBERS as _QUEUE_MEMBERS
from .summary_writer import summary_iterator

MEMBERS: dict[str, object] = dict(
    Optimizer=Optimizer, GradientDescentOptimizer=GradientDescentOptimizer,
    MomentumOptimizer=MomentumOptimizer, AdamOptimizer=AdamOptimizer,
    AdagradOptimizer=AdagradOptimizer, AdadeltaOptimizer=AdadeltaOptimizer,
    RMSPropOptimizer=RMSPropOptimizer, FtrlOptimizer=FtrlOptimizer,
    ProximalGradientDescentOptimizer=ProximalGradientDescentOptimizer,
    ProximalAdagradOptimizer=ProximalAdagradOptimizer,
    ExponentialMovingAverage=ExponentialMovingAverage,
    global_step=global_step_api.global_step, get_global_step=global_step_api.get_global_step,
    create_global_step=global_step_api.create_global_step,
    get_or_create_global_step=global_step_api.get_or_create_global_step,
    assert_global_step=global_step_api.assert_global_step,
    exponential_decay=decay.exponential_decay, natural_exp_decay=decay.natural_exp_decay,
    inverse_time_decay=decay.inverse_time_decay, polynomial_decay=decay.polynomial_decay,
    cosine_decay=decay.cosine_decay, piecewise_constant=decay.piecewise_constant,
    piecewise_constant_decay=decay.piecewise_constant, write_graph=write_graph,
    summary_iterator=summary_iterator, **meta_graph_api.TRAIN_MEMBERS, **_EXAMPLE_MEMBERS,
    **checkpoints_api.TRAIN_MEMBERS, **_QUEUE_MEMBERS,
)

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {
    "train": namespace("train", "Training: optimizers, schedules, moving averages (tf.train).",
                       **MEMBERS),
}
