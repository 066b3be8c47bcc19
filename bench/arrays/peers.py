"""Median times of PySD and simlin on one Vensim model: load (translate, parse, compile) and run.

Arguments: MODEL.mdl RUNS_SIMLIN RUNS_PYSD. Prints `tool<TAB>phase<TAB>median seconds<TAB>runs` and
the last value of `world population` from each, so the results can be checked to agree.
"""
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

import pysd
import simlin

path, simlin_runs, pysd_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def median(samples):
    return statistics.median(samples)


loads, runs = [], []
for _ in range(simlin_runs):
    start = time.perf_counter()
    model = simlin.load(path)
    loads.append(time.perf_counter() - start)
    start = time.perf_counter()
    result = model.run(analyze_loops=False)
    runs.append(time.perf_counter() - start)
print(f"simlin\tload\t{median(loads):.6f}\t{simlin_runs}")
print(f"simlin\trun\t{median(runs):.6f}\t{simlin_runs}")
print(f"simlin\tvalue\t{result.results['world_population'].iloc[-1]:.10g}\t1")

# PySD writes its Python translation beside the model; keep it out of the repository.
loads, runs = [], []
for _ in range(pysd_runs):
    scratch = pathlib.Path(tempfile.mkdtemp()) / pathlib.Path(path).name
    shutil.copy(path, scratch)
    start = time.perf_counter()
    model = pysd.read_vensim(str(scratch))
    loads.append(time.perf_counter() - start)
    start = time.perf_counter()
    out = model.run(return_columns=["world population"])
    runs.append(time.perf_counter() - start)
print(f"pysd\tload\t{median(loads):.6f}\t{pysd_runs}")
print(f"pysd\trun\t{median(runs):.6f}\t{pysd_runs}")
print(f"pysd\tvalue\t{out['world population'].iloc[-1]:.10g}\t1")
