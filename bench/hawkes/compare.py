"""Compare blowback's Hawkes likelihood and fit with the PyPI package `hawkes` (T. Omi).

Run through compare.sh, which makes the virtual environment and builds the binary. For each
size it simulates a univariate exponential-kernel sequence with Omi's simulator (seeded),
writes it as CSV, then prints:
  - log-likelihoods of both tools at the true and at perturbed parameters, and their
    relative difference (target 1e-6);
  - maximum-likelihood fits of both tools: fitted log-likelihood, parameters, wall time.
blowback's time is the wall time of the whole `blowback events fit` process (start-up, CSV
parsing, fit, standard errors, KS test), so it overstates the fit itself; the criterion bench
`cargo bench -p blowback-events --bench hawkes_fit` times the fit alone.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import Hawkes as hk

BLOWBACK = os.environ.get("BLOWBACK", "target/release/blowback")
TRUTH = {"mu": 0.5, "alpha": 0.5, "beta": 1.0}
REPEATS = 5


def blowback(*args):
    start = time.perf_counter()
    out = subprocess.run([BLOWBACK, "events", *args], check=True, capture_output=True, text=True)
    return out.stdout, time.perf_counter() - start


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [1_000, 10_000, 100_000]
    worst = 0.0
    workdir = tempfile.mkdtemp(prefix="hawkes-compare-")
    print(f"{'events':>8} {'params':>26} {'omi logL':>22} {'blowback logL':>22} {'rel diff':>9}")
    rows = []
    for n in sizes:
        np.random.seed(n)
        end = float(n)  # stationary rate mu / (1 - alpha) = 1 event per unit time
        simulator = hk.simulator().set_kernel("exp").set_baseline("const").set_parameter(TRUTH)
        times = simulator.simulate([0.0, end])
        path = os.path.join(workdir, f"seq_{n}.csv")
        np.savetxt(path, times, header="t", comments="", fmt="%.17g")
        estimator = hk.estimator().set_kernel("exp").set_baseline("const")
        estimator.set_data({"T": times}, [0.0, end])
        for mu, alpha, beta in [(0.5, 0.5, 1.0), (0.3, 0.7, 2.5), (0.9, 0.1, 0.2)]:
            para = {"mu": mu, "alpha": np.array([alpha]), "beta": np.array([beta])}
            omi = float(estimator.LG(para, only_L=True)[0])
            text, _ = blowback("likelihood", path, "--time-column", "t", "--end", repr(end),
                               "--mu", repr(mu), "--alpha", repr(alpha), "--beta", repr(beta))
            ours = float(text)
            rel = abs(ours - omi) / abs(omi)
            worst = max(worst, rel)
            print(f"{len(times):>8} {f'({mu}, {alpha}, {beta})':>26} {omi:>22.12f} {ours:>22.12f} {rel:>9.1e}")
        # The machine is shared, so every time is the minimum of REPEATS runs.
        omi_time = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            fitted = hk.estimator().set_kernel("exp").set_baseline("const").fit(times, [0.0, end])
            omi_time = min(omi_time, time.perf_counter() - start)
        fit_args = ["fit", path, "--time-column", "t", "--start", "0", "--end", repr(end), "--json"]
        ours_time = ours_one_time = float("inf")
        for _ in range(REPEATS):
            text, seconds = blowback(*fit_args)
            ours, ours_time = json.loads(text), min(ours_time, seconds)
            text, seconds = blowback(*fit_args, "--beta-start", "1")
            ours_one, ours_one_time = json.loads(text), min(ours_one_time, seconds)
        rows.append((len(times), fitted, omi_time, ours, ours_time, ours_one, ours_one_time))
    print(f"\nworst relative log-likelihood difference: {worst:.1e} (target 1e-6)")
    print(f"\n{'events':>8} {'tool':>22} {'logL':>18} {'mu':>8} {'alpha':>8} {'beta':>8} {'seconds':>8}")
    for n, fitted, omi_time, ours, ours_time, ours_one, ours_one_time in rows:
        p = fitted.para
        print(f"{n:>8} {'hawkes (Omi)':>22} {fitted.L:>18.6f} {float(p['mu']):>8.4f} "
              f"{float(np.ravel(p['alpha'])[0]):>8.4f} {float(np.ravel(p['beta'])[0]):>8.4f} {omi_time:>8.3f}")
        for label, fit, seconds in [("blowback, default", ours, ours_time),
                                    ("blowback, 1 start", ours_one, ours_one_time)]:
            print(f"{n:>8} {label:>22} {fit['log_likelihood']:>18.6f} {fit['mu'][0][0]:>8.4f} "
                  f"{fit['adjacency'][0][0]:>8.4f} {fit['beta']:>8.4f} {seconds:>8.3f}")
        gap = abs(ours["log_likelihood"] - fitted.L) / abs(fitted.L)
        print(f"{'':>8} fitted logL relative gap {gap:.1e}; wall-time ratio Omi / blowback: "
              f"default {omi_time / ours_time:.1f}x, 1 start {omi_time / ours_one_time:.1f}x (whole process)")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
