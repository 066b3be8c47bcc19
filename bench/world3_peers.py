"""Median wall time of loading and running World3-03 from its .mdl with simlin and with PySD.

Arguments: path/to/wrld3-03.mdl. Prints one line per tool: name, median ns, samples.
"""
import pathlib
import shutil
import statistics
import sys
import tempfile
import time
import warnings

import pysd
import simlin

model = pathlib.Path(sys.argv[1])


def median_ns(load_and_run, samples):
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        load_and_run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e9


def simlin_once():
    simlin.load(str(model)).run(analyze_loops=False)


def pysd_once():
    # PySD writes its Python translation beside the model: work on a copy in a scratch folder.
    scratch = pathlib.Path(tempfile.mkdtemp()) / model.name
    shutil.copy(model, scratch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pysd.read_vensim(str(scratch)).run()
    shutil.rmtree(scratch.parent)


simlin_once()  # warm-up: loads the shared library
print(f"simlin\t{median_ns(simlin_once, 21):.0f}\t21")
print(f"pysd\t{median_ns(pysd_once, 3):.0f}\t3")
