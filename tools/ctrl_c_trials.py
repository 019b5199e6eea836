"""Ctrl-C in a loop of steps: how many interrupts are lost, and how many tear a step.

    python tools/ctrl_c_trials.py [--trials 1000] [--shell] [--seed 0]

Each trial runs `sess.run(tf.group(assign_add(a, 1), assign_add(b, 1), assign_add(c, 1)))` in a
loop (in a graphshell Shell with `--shell`, as a user's input) while a second thread sends the
process a real SIGINT after a random delay of up to two milliseconds. A Ctrl-C is *lost* when
the loop keeps running for LOST_AFTER more steps after the signal was sent; a step is *torn*
when a, b and c differ afterwards. A measurement, not a test: the delays are random on purpose.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphshell import tf

LOST_AFTER = 10_000  # steps run after the signal was sent without stopping: the Ctrl-C was lost
MAX_DELAY_S = 0.002

_LOOP = """for _ in range(10**9):
    sess.run(step)
    if trial.sent.is_set():
        trial.steps_after += 1
        if trial.steps_after > trial.lost_after:
            trial.lost = True
            break
"""


class Trial:
    """One interrupted loop: the signal thread sets `sent` once the SIGINT is on its way."""

    def __init__(self, delay: float):
        self.delay = delay
        self.sent = threading.Event()
        self.lost = False
        self.lost_after = LOST_AFTER
        self.steps_after = 0  # steps that began after the signal was sent

    def run(self, loop) -> None:
        """Runs `loop()` while a thread sends SIGINT; returns once the signal is handled."""
        def send():
            time.sleep(self.delay)
            os.kill(os.getpid(), signal.SIGINT)
            self.sent.set()
        thread = threading.Thread(target=send, daemon=True)
        try:
            thread.start()  # a short delay may interrupt this already: then the loop never ran
            loop()
        except KeyboardInterrupt:
            pass
        thread.join()


def _engine_namespace():
    graph = tf.Graph()
    with graph.as_default():
        counters = [tf.Variable(0.0, name=name) for name in "abc"]
        step = tf.group(*[tf.assign_add(v, 1.0) for v in counters])
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    return {"sess": sess, "step": step, "counters": counters}


def run_engine_trial(trial: Trial, namespace) -> list[float]:
    trial.run(lambda: exec(_LOOP, dict(namespace, trial=trial)))
    return [float(v) for v in namespace["sess"].run(namespace["counters"])]


def _shell():
    from graphshell.shell.core import Shell
    shell = Shell()
    for line in ("a, b, c = [tf.Variable(0.0, name=n) for n in 'abc']",
                 "step = tf.group(tf.assign_add(a, 1.0), tf.assign_add(b, 1.0), "
                 "tf.assign_add(c, 1.0))",
                 "sess = tf.Session()", "sess.run(tf.global_variables_initializer())"):
        result = shell.execute(line)
        assert result.ok, result.text
    return shell


def _check(result) -> None:
    """A shell input ends by Ctrl-C (reported as such) or, if the Ctrl-C was lost, normally."""
    if result.error is not None and result.error.type_name != "KeyboardInterrupt":
        raise RuntimeError(result.text)


def run_shell_trial(trial: Trial, shell) -> list[float]:
    shell.namespace["trial"] = trial
    trial.run(lambda: _check(shell.execute(_LOOP)))
    shell.execute("counts = sess.run([a, b, c])")
    return [float(v) for v in shell.namespace["counts"]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--shell", action="store_true", help="run the loop as a Shell input")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rng = random.Random(args.seed)
    target = _shell() if args.shell else _engine_namespace()
    run = run_shell_trial if args.shell else run_engine_trial
    lost = torn = 0
    for _ in range(args.trials):
        trial = Trial(rng.uniform(0.0, MAX_DELAY_S))
        counts = run(trial, target)
        lost += trial.lost
        if len(set(counts)) != 1:
            torn += 1
            if args.shell:
                target.execute("sess.run(tf.group(a.assign(0.0), b.assign(0.0), c.assign(0.0)))")
            else:
                target = _engine_namespace()
    where = "shell" if args.shell else "engine"
    print(f"{args.trials} Ctrl-C trials ({where}): {lost} lost, {torn} tore a step")
    return 0 if lost == torn == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
