"""
Python model 'population.py'
Translated using PySD
"""

from pathlib import Path
import numpy as np
import xarray as xr

from pysd.py_backend.functions import sum
from pysd.py_backend.statefuls import Integ, Smooth
from pysd.py_backend.lookups import HardcodedLookups
from pysd import Component

__pysd_version__ = "3.14.3"

__data = {"scope": None, "time": lambda: 0}

_root = Path(__file__).parent


_subscript_dict = {
    "region": [
        "r1",
        "r2",
        "r3",
        "r4",
        "r5",
        "r6",
        "r7",
        "r8",
        "r9",
        "r10",
        "r11",
        "r12",
        "r13",
        "r14",
        "r15",
        "r16",
        "r17",
        "r18",
        "r19",
        "r20",
        "r21",
        "r22",
        "r23",
        "r24",
        "r25",
        "r26",
        "r27",
        "r28",
        "r29",
        "r30",
        "r31",
        "r32",
        "r33",
        "r34",
        "r35",
        "r36",
        "r37",
        "r38",
        "r39",
        "r40",
        "r41",
        "r42",
        "r43",
        "r44",
        "r45",
        "r46",
        "r47",
        "r48",
        "r49",
        "r50",
        "r51",
        "r52",
        "r53",
        "r54",
        "r55",
        "r56",
        "r57",
        "r58",
        "r59",
        "r60",
    ],
    "cohort": [
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
        "c6",
        "c7",
        "c8",
        "c9",
        "c10",
        "c11",
        "c12",
        "c13",
        "c14",
        "c15",
        "c16",
        "c17",
        "c18",
        "c19",
        "c20",
    ],
    "older": [
        "c2",
        "c3",
        "c4",
        "c5",
        "c6",
        "c7",
        "c8",
        "c9",
        "c10",
        "c11",
        "c12",
        "c13",
        "c14",
        "c15",
        "c16",
        "c17",
        "c18",
        "c19",
        "c20",
    ],
    "previous": [
        "c1",
        "c2",
        "c3",
        "c4",
        "c5",
        "c6",
        "c7",
        "c8",
        "c9",
        "c10",
        "c11",
        "c12",
        "c13",
        "c14",
        "c15",
        "c16",
        "c17",
        "c18",
        "c19",
    ],
    "fertile": ["c4", "c5", "c6", "c7", "c8", "c9"],
}

component = Component()

#######################################################################
#                          CONTROL VARIABLES                          #
#######################################################################

_control_vars = {
    "initial_time": lambda: 0,
    "final_time": lambda: 100,
    "time_step": lambda: 0.125,
    "saveper": lambda: 1,
}


def _init_outer_references(data):
    for key in data:
        __data[key] = data[key]


@component.add(name="Time")
def time():
    """
    Current time of the model.
    """
    return __data["time"]()


@component.add(name="FINAL TIME", comp_type="Constant", comp_subtype="Normal")
def final_time():
    return __data["time"].final_time()


@component.add(name="INITIAL TIME", comp_type="Constant", comp_subtype="Normal")
def initial_time():
    return __data["time"].initial_time()


@component.add(name="TIME STEP", comp_type="Constant", comp_subtype="Normal")
def time_step():
    return __data["time"].time_step()


@component.add(name="SAVEPER", comp_type="Constant", comp_subtype="Normal")
def saveper():
    return __data["time"].saveper()


#######################################################################
#                           MODEL VARIABLES                           #
#######################################################################


@component.add(
    name="population",
    subscripts=["region", "cohort"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_population": 1},
    other_deps={
        "_integ_population": {
            "initial": {"initial_population": 1},
            "step": {"inflow": 1, "aging": 1, "deaths": 1},
        }
    },
)
def population():
    return _integ_population()


_integ_population = Integ(
    lambda: inflow() - aging() - deaths(),
    lambda: initial_population(),
    "_integ_population",
)


@component.add(
    name="initial population",
    subscripts=["region", "cohort"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_population():
    return (
        1000
        + (
            10
            * xr.DataArray(
                np.arange(1, len(_subscript_dict["cohort"]) + 1),
                {"cohort": _subscript_dict["cohort"]},
                ["cohort"],
            )
        )
        + xr.DataArray(
            np.arange(1, len(_subscript_dict["region"]) + 1),
            {"region": _subscript_dict["region"]},
            ["region"],
        )
    ).transpose("region", "cohort")


@component.add(
    name="inflow",
    subscripts=["region", "cohort"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"births": 1, "aging": 1},
)
def inflow():
    value = xr.DataArray(
        np.nan,
        {"region": _subscript_dict["region"], "cohort": _subscript_dict["cohort"]},
        ["region", "cohort"],
    )
    value.loc[:, ["c1"]] = births().expand_dims({"cohort": ["c1"]}, 1).values
    value.loc[:, _subscript_dict["older"]] = xr.DataArray(
        aging()
        .loc[:, _subscript_dict["previous"]]
        .rename({"cohort": "previous"})
        .values,
        {"region": _subscript_dict["region"], "older": _subscript_dict["older"]},
        ["region", "older"],
    ).values
    return value


@component.add(
    name="aging",
    subscripts=["region", "cohort"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "cohort_duration": 1},
)
def aging():
    return population() / cohort_duration()


@component.add(
    name="deaths",
    subscripts=["region", "cohort"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "mortality": 1},
)
def deaths():
    return population() * mortality()


@component.add(
    name="mortality",
    subscripts=["region", "cohort"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"base_mortality": 1, "mortality_by_age": 1, "crowding_effect": 1},
)
def mortality():
    return (
        base_mortality()
        * mortality_by_age(
            xr.DataArray(
                np.arange(1, len(_subscript_dict["cohort"]) + 1),
                {"cohort": _subscript_dict["cohort"]},
                ["cohort"],
            ),
            {
                "cohort": [
                    "c1",
                    "c2",
                    "c3",
                    "c4",
                    "c5",
                    "c6",
                    "c7",
                    "c8",
                    "c9",
                    "c10",
                    "c11",
                    "c12",
                    "c13",
                    "c14",
                    "c15",
                    "c16",
                    "c17",
                    "c18",
                    "c19",
                    "c20",
                ]
            },
        )
        * crowding_effect()
    ).transpose("region", "cohort")


@component.add(
    name="mortality by age",
    comp_type="Lookup",
    comp_subtype="Normal",
    depends_on={"__lookup__": "_hardcodedlookup_mortality_by_age"},
)
def mortality_by_age(x, final_subs=None):
    return _hardcodedlookup_mortality_by_age(x, final_subs)


_hardcodedlookup_mortality_by_age = HardcodedLookups(
    [0.0, 5.0, 10.0, 15.0, 20.0, 25.0],
    [1.0, 0.5, 0.8, 2.0, 6.0, 10.0],
    {},
    "interpolate",
    {},
    "_hardcodedlookup_mortality_by_age",
)


@component.add(
    name="births",
    subscripts=["region"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "fertility": 1, "birth_policy": 1},
)
def births():
    return (
        sum(
            population()
            .loc[:, _subscript_dict["fertile"]]
            .rename({"cohort": "fertile!"}),
            dim=["fertile!"],
        )
        * fertility()
        * birth_policy()
    )


@component.add(
    name="birth policy",
    subscripts=["region"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"time": 1},
)
def birth_policy():
    return 1 + 0.1 * np.sin(
        time() / 5
        + xr.DataArray(
            np.arange(1, len(_subscript_dict["region"]) + 1),
            {"region": _subscript_dict["region"]},
            ["region"],
        )
    )


@component.add(
    name="total population",
    subscripts=["region"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1},
)
def total_population():
    return sum(population().rename({"cohort": "cohort!"}), dim=["cohort!"])


@component.add(
    name="perceived population",
    subscripts=["region"],
    comp_type="Stateful",
    comp_subtype="Smooth",
    depends_on={"_smooth_perceived_population": 1},
    other_deps={
        "_smooth_perceived_population": {
            "initial": {"total_population": 1},
            "step": {"total_population": 1},
        }
    },
)
def perceived_population():
    return _smooth_perceived_population()


_smooth_perceived_population = Smooth(
    lambda: total_population(),
    lambda: xr.DataArray(5, {"region": _subscript_dict["region"]}, ["region"]),
    lambda: total_population(),
    lambda: 1,
    "_smooth_perceived_population",
)


@component.add(
    name="crowding effect",
    subscripts=["region"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"perceived_population": 1, "carrying_capacity": 1},
)
def crowding_effect():
    return 1 + np.maximum(0, perceived_population() / carrying_capacity() - 1)


@component.add(
    name="carrying capacity",
    subscripts=["region"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def carrying_capacity():
    return 25000 + 500 * xr.DataArray(
        np.arange(1, len(_subscript_dict["region"]) + 1),
        {"region": _subscript_dict["region"]},
        ["region"],
    )


@component.add(
    name="world population",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"total_population": 1},
)
def world_population():
    return sum(total_population().rename({"region": "region!"}), dim=["region!"])


@component.add(name="cohort duration", comp_type="Constant", comp_subtype="Normal")
def cohort_duration():
    return 5


@component.add(name="fertility", comp_type="Constant", comp_subtype="Normal")
def fertility():
    return 0.06


@component.add(name="base mortality", comp_type="Constant", comp_subtype="Normal")
def base_mortality():
    return 0.004
