#!/usr/bin/env python3
"""Writes bench/arrays/population.mdl: a large arrayed Vensim model for engine benchmarks.

Population by region and age cohort, aging through a dimension mapping, births summed over the
fertile cohorts, crowding smoothed per region, a lookup of mortality. With the default sizes
(60 regions x 20 cohorts) it has about 8,000 scalar variables. Usage: gen_model.py [REGIONS] [COHORTS]
"""
import sys

regions = int(sys.argv[1]) if len(sys.argv) > 1 else 60
cohorts = int(sys.argv[2]) if len(sys.argv) > 2 else 20

equations = [
    ("region", f"(r1-r{regions})"),
    ("cohort", f"(c1-c{cohorts})"),
    ("older", f"(c2-c{cohorts})"),
    ("previous", f"(c1-c{cohorts - 1}) -> older"),
    ("fertile", "(c4-c9)"),
    ("population[region,cohort]",
     "INTEG(inflow[region,cohort] - aging[region,cohort] - deaths[region,cohort],"
     " initial population[region,cohort])"),
    ("initial population[region,cohort]", "1000 + 10 * cohort + region"),
    ("inflow[region,c1]", "births[region]"),
    ("inflow[region,older]", "aging[region,previous]"),
    ("aging[region,cohort]", "population[region,cohort] / cohort duration"),
    ("deaths[region,cohort]", "population[region,cohort] * mortality[region,cohort]"),
    ("mortality[region,cohort]",
     "base mortality * mortality by age(cohort) * crowding effect[region]"),
    ("mortality by age", "([(0,0)-(25,10)],(0,1),(5,0.5),(10,0.8),(15,2),(20,6),(25,10))"),
    ("births[region]", "SUM(population[region,fertile!]) * fertility * birth policy[region]"),
    ("birth policy[region]", "1 + 0.1 * SIN(Time / 5 + region)"),
    ("total population[region]", "SUM(population[region,cohort!])"),
    ("perceived population[region]", "SMOOTH(total population[region], 5)"),
    ("crowding effect[region]",
     "1 + MAX(0, perceived population[region] / carrying capacity[region] - 1)"),
    ("carrying capacity[region]", "25000 + 500 * region"),
    ("world population", "SUM(total population[region!])"),
    ("cohort duration", "5"),
    ("fertility", "0.06"),
    ("base mortality", "0.004"),
    ("FINAL TIME", "100"),
    ("INITIAL TIME", "0"),
    ("TIME STEP", "0.125"),
    ("SAVEPER", "1"),
]

out = ["{UTF-8}"]
for name, equation in equations:
    separator = ":" if name in ("region", "cohort", "older", "previous", "fertile") else "="
    if name == "mortality by age":
        out.append(f"{name}{equation}\n\t~\t\n\t~\t\t|\n")
    else:
        out.append(f"{name}{separator}\n\t{equation}\n\t~\t\n\t~\t\t|\n")
out.append("\\\\\\---/// Sketch information - do not modify anything except names\n")
with open(sys.argv[3] if len(sys.argv) > 3 else "bench/arrays/population.mdl", "w") as f:
    f.write("\n".join(out))
