"""Timing commands in turns, run for run, for the benchmark scripts.

This machine's speed drifts within minutes, so timing one command's runs
after the other's would charge the drift to whichever came second; run for
run, both see the same machine. Imported by the scripts' inline Python
(they put this directory on PYTHONPATH).
"""

import os
import random
import sys
import time

_DEVNULL = os.open(os.devnull, os.O_WRONLY)


def timed(name, argv):
    """Wall time in seconds of one run of argv (found on PATH), its stdout
    discarded; a failed run ends the benchmark, naming `name`."""
    started = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, _DEVNULL, 1)])
    _, status = os.waitpid(pid, 0)
    took = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{name} failed (wait status {status}) while timed in turns: {' '.join(argv)}")
    return took


def in_turns(commands, rounds, warmup=3, shuffle=False, before=None):
    """Times each of `commands` ({name: argv}) once per round, for `rounds`
    rounds after `warmup` untimed ones; in a random order each round when
    `shuffle`. `before(name)`, if given, runs untimed before each run.
    Returns {name: [seconds, ...]}."""
    times = {name: [] for name in commands}
    for round_number in range(warmup + rounds):
        order = list(commands)
        if shuffle:
            random.shuffle(order)
        for name in order:
            if before:
                before(name)
            took = timed(name, commands[name])
            if round_number >= warmup:
                times[name].append(took)
    return times
