"""Side-by-side timings of the Python package against the CLI, PySD and EMA Workbench's PySD
connector, on the same model in one run. Prints medians and ratios.

Usage (bench/python/run.sh sets up the environment):
    python bench/python/compare.py BLOWBACK_BINARY MODEL.mdl [RUNS=10000] [EXPERIMENTS=1000]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pysd  # noqa: E402

import blowback  # noqa: E402

binary, model_path = sys.argv[1], sys.argv[2]
n_runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
n_experiments = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000
scratch = tempfile.mkdtemp()
# PySD writes its Python translation beside the model: work on a copy.
model_copy = shutil.copy(model_path, os.path.join(scratch, os.path.basename(model_path)))
csv = os.path.join(scratch, "out.csv")


def median_time(function, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), repeats


rows = []


def report(label, ours, theirs, unit="s"):
    (a, na), (b, nb) = ours, theirs
    rows.append((label, a, na, b, nb, b / a))
    print(f"{label}: blowback {a * 1e3:.2f} ms (median of {na}), other {b * 1e3:.2f} ms "
          f"(median of {nb}), ratio {b / a:.1f}x", flush=True)


# 1. The binding's overhead: one run from Python against one CLI process on the same file.
model = blowback.load(model_copy)
model.run()
subprocess.run([binary, "run", model_copy, "--csv", csv], check=True, capture_output=True)
run_only = median_time(lambda: model.run(), 50)
load_and_run = median_time(lambda: blowback.load(model_copy).run(), 50)
cli = median_time(
    lambda: subprocess.run([binary, "run", model_copy, "--csv", csv], check=True, capture_output=True), 50
)
report("model.run (compiled once) vs CLI `run --csv`", run_only, cli)
report("blowback.load(path).run() vs CLI `run --csv`", load_and_run, cli)

# 2. An ensemble: run_many against PySD in a loop, same parameters, one output.
rng = np.random.default_rng(1)
temperatures = rng.uniform(50, 80, n_runs)
params = [{"Room Temperature": float(t)} for t in temperatures]
ensemble = median_time(lambda: model.run_many(params, vars=["Teacup Temperature"]), 5)
pysd_model = pysd.read_vensim(model_copy)
pysd_model.run()


def pysd_loop():
    for t in temperatures:
        pysd_model.run(params={"Room Temperature": float(t)}, return_columns=["Teacup Temperature"])


pysd_many = median_time(pysd_loop, 3)
# The two agree on the numbers before their times are compared.
ours = model.run_many(params[:3], vars=["Teacup Temperature"])
for i in range(3):
    theirs = pysd_model.run(params={"Room Temperature": params[i]["Room Temperature"]},
                            return_columns=["Teacup Temperature"])["Teacup Temperature"].to_numpy()
    assert np.allclose(ours.loc[i, "Teacup Temperature"].to_numpy(), theirs, rtol=1e-9), "results differ"
report(f"run_many {n_runs} runs vs PySD loop", ensemble, pysd_many)

# 3. EMA Workbench: perform_experiments on the blowback backend against the PySD connector.
from ema_workbench import RealParameter, ScalarOutcome, TimeSeriesOutcome, perform_experiments  # noqa: E402
from ema_workbench.connectors.pysd_connector import PysdModel  # noqa: E402
from ema_workbench.em_framework.evaluators import SequentialEvaluator  # noqa: E402

from blowback.ema import BlowbackEvaluator, BlowbackModel  # noqa: E402


def specify(ema):
    ema.uncertainties = [RealParameter("Room Temperature", 50, 80), RealParameter("Characteristic Time", 5, 15)]
    ema.outcomes = [TimeSeriesOutcome("Teacup Temperature")]
    return ema


ours_ema = specify(BlowbackModel("teacupblowback", model))
theirs_ema = specify(PysdModel("teacuppysd", mdl_file=model_copy))


def run_ours():
    with BlowbackEvaluator(ours_ema) as evaluator:
        evaluator.perform_experiments(scenarios=n_experiments)


def run_theirs():
    with SequentialEvaluator(theirs_ema) as evaluator:
        evaluator.perform_experiments(scenarios=n_experiments)


import logging  # noqa: E402

logging.disable(logging.WARNING)
sys.stderr = open(os.devnull, "w")  # EMA's progress bars
report(f"EMA perform_experiments {n_experiments} (BlowbackEvaluator vs PySD connector)",
       median_time(run_ours, 5), median_time(run_theirs, 3))
sys.stderr = sys.__stderr__

print()
print("| comparison | blowback (median) | other (median) | ratio |")
print("|---|---|---|---|")
for label, a, na, b, nb, ratio in rows:
    print(f"| {label} | {a * 1e3:.2f} ms (n={na}) | {b * 1e3:.2f} ms (n={nb}) | {ratio:.1f}x |")
