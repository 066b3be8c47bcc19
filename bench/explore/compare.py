"""Times EMA Workbench + PySD, SALib and EMA's PRIM, and prints ratios against blowback's figures.

Called by compare.sh with: SIR model path, EMA run count, our runs/s on 1 and 2 threads, and the
`cargo bench --output-format bencher` lines of the blowback-explore analysis benchmark.
"""

import re
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def ema_pysd_rate(model_path: str, runs: int) -> float:
    import pysd
    from ema_workbench import (Model, RealParameter, ScalarOutcome, SequentialEvaluator,
                               perform_experiments)
    from ema_workbench.em_framework.samplers import LHSSampler

    sd_model = pysd.read_xmile(model_path)

    def sir(contact_infectivity, duration, total_population):
        result = sd_model.run(
            params={"contact_infectivity": contact_infectivity, "duration": duration,
                    "total_population": total_population},
            return_columns=["infectious", "recovered"])
        return {"peak_infectious": float(result["infectious"].max()),
                "final_recovered": float(result["recovered"].iloc[-1])}

    model = Model("sir", function=sir)
    # The same ranges as bench/explore/sir_uncertainties.toml.
    model.uncertainties = [RealParameter("contact_infectivity", 0.2, 0.6),
                           RealParameter("duration", 2, 10),
                           RealParameter("total_population", 500, 2000)]
    model.outcomes = [ScalarOutcome("peak_infectious"), ScalarOutcome("final_recovered")]
    with SequentialEvaluator(model) as evaluator:
        start = time.perf_counter()
        perform_experiments(model, scenarios=runs, evaluator=evaluator,
                            uncertainty_sampling=LHSSampler())
        elapsed = time.perf_counter() - start
    return runs / elapsed


def salib_seconds() -> float:
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 8192, calc_second_order=False)
    y = Ishigami.evaluate(x)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sobol.analyze(problem, y, calc_second_order=False, num_resamples=100)
        best = min(best, time.perf_counter() - start)
    return best


def ema_prim_seconds() -> float:
    from ema_workbench.analysis import prim

    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((10_000, 8)), columns=[f"x{j}" for j in range(8)])
    y = ((x["x0"] > 0.6) & (x["x3"] < 0.5)).to_numpy()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        p = prim.Prim(x, y, threshold=0.8, peel_alpha=0.05)
        p.find_box()
        best = min(best, time.perf_counter() - start)
    return best


def bencher_seconds(lines: str, name: str) -> float:
    for line in lines.splitlines():
        match = re.match(r"test (\S+) \.\.\. bench:\s+([\d,]+) ns/iter", line)
        if match and match.group(1) == name:
            return int(match.group(2).replace(",", "")) / 1e9
    raise SystemExit(f"no benchmark {name} in the cargo bench output")


def main() -> None:
    model_path, ema_runs, ours_1, ours_2, bench_lines = sys.argv[1:6]
    ema_rate = ema_pysd_rate(model_path, int(ema_runs))
    ours_1, ours_2 = float(ours_1), float(ours_2)
    print(f"ensemble, SIR (dt 1/32, 100 time units), LHS over 3 parameters:")
    print(f"  EMA Workbench + PySD, sequential: {ema_rate:10.1f} runs/s")
    print(f"  blowback explore, 1 thread:       {ours_1:10.1f} runs/s  ({ours_1 / ema_rate:,.0f}x)")
    print(f"  blowback explore, 2 threads:      {ours_2:10.1f} runs/s  ({ours_2 / ema_rate:,.0f}x)")
    salib = salib_seconds()
    ours_sobol = bencher_seconds(bench_lines, "sobol_analysis/ishigami_n8192_boot100")
    print("Sobol analysis, Ishigami, N = 8192, first + total order, 100 bootstrap resamples:")
    print(f"  SALib {salib * 1e3:8.1f} ms   blowback {ours_sobol * 1e3:8.1f} ms   ({salib / ours_sobol:.1f}x)")
    ema_prim = ema_prim_seconds()
    ours_prim = bencher_seconds(bench_lines, "prim/10000x8")
    print("PRIM, 10,000 points x 8 parameters, peel alpha 0.05:")
    print(f"  EMA Workbench {ema_prim * 1e3:8.1f} ms   blowback {ours_prim * 1e3:8.1f} ms   ({ema_prim / ours_prim:.1f}x)")


if __name__ == "__main__":
    main()
