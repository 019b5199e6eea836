"""The initializers under `tf.keras.initializers` in TF1 mode: TF's own classes, except that
Keras' random ones default to a scale of 0.05 and name the fan-based schemes as classes."""

from __future__ import annotations

from ..graph import dtypes
from . import init_ops


class RandomNormal(init_ops.RandomNormal):
    """Normal samples with Keras' default standard deviation of 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=dtypes.float32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


class RandomUniform(init_ops.RandomUniform):
    """Uniform samples in Keras' default range [-0.05, 0.05)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=dtypes.float32):
        super().__init__(minval=minval, maxval=maxval, seed=seed, dtype=dtype)


class TruncatedNormal(init_ops.TruncatedNormal):
    """Truncated normal samples with Keras' default standard deviation of 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=dtypes.float32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


def _fan_scheme(class_name: str, scale: float, distribution: str) -> type:
    def __init__(self, seed=None):
        init_ops.VarianceScaling.__init__(self, scale=scale, mode="fan_in",
                                          distribution=distribution, seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}

    doc = f"VarianceScaling(scale={scale}, mode='fan_in', distribution='{distribution}')."
    return type(class_name, (init_ops.VarianceScaling,),
                {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                 "__module__": __name__})


LecunNormal = _fan_scheme("LecunNormal", 1.0, "truncated_normal")
LecunUniform = _fan_scheme("LecunUniform", 1.0, "uniform")
HeNormal = _fan_scheme("HeNormal", 2.0, "truncated_normal")
HeUniform = _fan_scheme("HeUniform", 2.0, "uniform")
