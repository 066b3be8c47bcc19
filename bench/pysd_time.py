"""Median wall time of one PySD run per model. Arguments: name=path.xmile ..."""
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

import pysd

for argument in sys.argv[1:]:
    name, path = argument.split("=", 1)
    # PySD writes its Python translation beside the model; keep it out of the repository.
    scratch = pathlib.Path(tempfile.mkdtemp()) / pathlib.Path(path).name
    shutil.copy(path, scratch)
    model = pysd.read_xmile(str(scratch))
    model.run()  # warm-up: PySD builds its namespace and caches on the first run
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        model.run()
        samples.append(time.perf_counter() - start)
    steps = round((model.components.final_time() - model.components.initial_time()) / model.components.time_step())
    print(f"{name}\t{statistics.median(samples) * 1e9:.0f}\t{steps}")
