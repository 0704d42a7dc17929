"""The bench's whole-process figures count the whole process tree: a descendant nobody waits
for (a pool's worker under a forkserver) is in the CPU seconds and the peak memory."""

from __future__ import annotations

import sys

from mscflow.eval.bench import run_command

# the CLI's stand-in: a child that works for a while, started and never waited for
UNWAITED_WORKER = (
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', 'import time\\nt = time.process_time()\\n"
    "while time.process_time() - t < 0.8: pass'])\n"
    "time.sleep(1.5)\n"
    "print('{}')\n"
)


def test_the_cpu_of_a_descendant_nobody_waits_for_is_counted():
    wall, cpu, peak_mb, summary = run_command([sys.executable, "-c", UNWAITED_WORKER], {})
    assert summary == {}
    assert cpu >= 0.6, cpu  # the worker's 0.8 s (the parent itself sleeps)
    assert wall >= 1.5 and peak_mb > 5
