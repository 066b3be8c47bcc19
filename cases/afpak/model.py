"""
Python model 'model.py'
Translated using PySD
"""

from pathlib import Path
import numpy as np

from pysd.py_backend.functions import step
from pysd.py_backend.statefuls import Smooth, Integ, NonNegativeInteg
from pysd import Component

__pysd_version__ = "3.14.3"

__data = {"scope": None, "time": lambda: 0}

_root = Path(__file__).parent


component = Component()

#######################################################################
#                          CONTROL VARIABLES                          #
#######################################################################

_control_vars = {
    "initial_time": lambda: 2001,
    "final_time": lambda: 2035,
    "time_step": lambda: 0.0625,
    "saveper": lambda: time_step(),
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


@component.add(
    name="INITIAL TIME", units="year", comp_type="Constant", comp_subtype="Normal"
)
def initial_time():
    """
    The initial time for the simulation.
    """
    return __data["time"].initial_time()


@component.add(
    name="FINAL TIME", units="year", comp_type="Constant", comp_subtype="Normal"
)
def final_time():
    """
    The final time for the simulation.
    """
    return __data["time"].final_time()


@component.add(
    name="TIME STEP", units="year", comp_type="Constant", comp_subtype="Normal"
)
def time_step():
    """
    The time step for the simulation.
    """
    return __data["time"].time_step()


@component.add(
    name="SAVEPER",
    units="year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"time_step": 1},
)
def saveper():
    """
    The save time step for the simulation.
    """
    return __data["time"].saveper()


#######################################################################
#                           MODEL VARIABLES                           #
#######################################################################


@component.add(
    name="policy_start_year", units="year", comp_type="Constant", comp_subtype="Normal"
)
def policy_start_year():
    """
    Scenario convention: the year from which every policy lever acts (the essay's vantage point, mid-2022). The no_support_after_2001 counterfactual sets it to 2001.5.
    """
    return 2022.5


@component.add(
    name="policy_active",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"policy_start_year": 1, "time": 1},
)
def policy_active():
    """
    Scenario convention: 0 before policy_start_year, 1 from then on; multiplies every lever.
    """
    return step(__data["time"], 1, policy_start_year())


@component.add(
    name="pressure_on_taliban",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def pressure_on_taliban():
    """
    Lever (0..1): Pakistan presses the Afghan Taliban militarily and economically and demands power-sharing and a reversal of their harshest policies, the option the essay names but expects the generals to refuse [P17].
    """
    return 0


@component.add(
    name="us_support_offer", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def us_support_offer():
    """
    Lever (0..1): size of a new US/IMF support package on offer, as a share of support_package_size; the essay says Pakistan's economic distress makes it turn to Washington [P19].
    """
    return 0


@component.add(
    name="us_conditionality", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def us_conditionality():
    """
    Lever (0..1): share of the new package paid only against delivered reform, including shutting down jihadi infrastructure and revising the India/Afghanistan view [P19].
    """
    return 0


@component.add(
    name="dismantle_effort", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def dismantle_effort():
    """
    Lever (0..1): Pakistan's own effort to shut down militant groups and training/indoctrination centres, which the essay makes a precondition for a new start [P19].
    """
    return 0


@component.add(
    name="doctrine_shift", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def doctrine_shift():
    """
    Lever (0..1): a deliberate revision of the India-as-existential-foe doctrine, the change of course the essay calls needed but improbable [P17] [P19] [P20].
    """
    return 0


@component.add(
    name="talks_commitment", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def talks_commitment():
    """
    Lever (0..1): Islamabad keeps negotiating with the TTP through Kabul's mediation whatever the TTP does, as in the 2021-22 talks and ceasefires [P14].
    """
    return 0


@component.add(
    name="support_cut", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def support_cut():
    """
    Lever (0..1): Pakistan stops backing the Afghan Taliban (sanctuary, logistics, leadership shelter); the counterfactual to two decades of backing [P8].
    """
    return 0


@component.add(
    name="anti_us_mobilisation",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def anti_us_mobilisation():
    """
    Lever (0..1): Imran Khan's return on a wave of anti-American, pro-Taliban sentiment [P18].
    """
    return 0


@component.add(
    name="strike_policy", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def strike_policy():
    """
    Lever (0..1): how readily Pakistan answers TTP attacks with air and drone strikes inside Afghanistan; 1 = the 2022 practice [P4] [P14].
    """
    return 1


@component.add(
    name="us_presence",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def us_presence():
    """
    Exogenous input: US and coalition military presence in Afghanistan, 1 = full presence. Source: public record via data/timeline.csv (invasion late 2001, end of the ISAF combat mission Dec 2014, Doha agreement Feb 2020, withdrawal complete Aug 2021 = 2021.62). Intermediate levels are judgement (0.6 after 2014, 0.4 during the 2021 drawdown). [P3] [P12]
    """
    return np.interp(
        time(),
        [2001.0, 2001.75, 2001.95, 2014.9, 2015.1, 2020.15, 2021.3, 2021.62, 2035.0],
        [0.0, 0.0, 1.0, 1.0, 0.6, 0.6, 0.4, 0.0, 0.0],
    )


@component.add(
    name="post_911_alignment",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def post_911_alignment():
    """
    Exogenous input: how far Pakistan's September 2001 decision to side with the US suppressed its backing of the Taliban, fading as the insurgency was rebuilt from Pakistani soil. Source: public record (Pakistan joined the US campaign in Sept 2001); the decay profile is judgement. [P8] [P9]
    """
    return np.interp(
        time(),
        [2001.0, 2001.7, 2001.75, 2003.0, 2005.0, 2007.0, 2035.0],
        [0.0, 0.0, 0.8, 0.6, 0.2, 0.0, 0.0],
    )


@component.add(
    name="haven_clearing_operations",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def haven_clearing_operations():
    """
    Exogenous input: fractional rate at which army operations clear militant havens in the tribal areas. Source: data/timeline.csv (Operation Zarb-e-Azb from June 2014, 2014.45) and public record (Swat/South Waziristan 2009, Radd-ul-Fasaad 2017); rates are judgement (1.5/yr in 2014-16, 0.2/yr of continuing operations after 2019). [P13]
    """
    return np.interp(
        time(),
        [
            2001.0,
            2009.3,
            2009.4,
            2010.5,
            2010.6,
            2014.4,
            2014.5,
            2016.5,
            2017.0,
            2019.0,
            2019.5,
            2035.0,
        ],
        [0.0, 0.0, 0.3, 0.3, 0.05, 0.05, 1.5, 1.5, 0.5, 0.5, 0.2, 0.2],
    )


@component.add(
    name="ct_campaign_push",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def ct_campaign_push():
    """
    Exogenous input: the national counter-terrorism mobilisation after Zarb-e-Azb and the Dec 2014 Peshawar school massacre (National Action Plan, Jan 2015). Source: data/timeline.csv; size is judgement, plausible range 0.2-0.5. [P13]
    """
    return np.interp(
        time(),
        [2001.0, 2014.4, 2014.5, 2015.0, 2018.0, 2035.0],
        [0.0, 0.0, 0.2, 0.35, 0.3, 0.3],
    )


@component.add(
    name="fence_build_effort",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def fence_build_effort():
    """
    Exogenous input: fractional rate at which the unfenced border is closed. Source: fitted by hand to data/border_fence.csv (0 in Mar 2017, 31% end 2018, 83% end 2020, 94% Jan 2022: ISPR via press); after mid-2022 held at the 2021 rate (judgement). [P4]
    """
    return np.interp(
        time(),
        [2001.0, 2017.1, 2017.2, 2019.0, 2019.01, 2021.0, 2021.01, 2035.0],
        [0.0, 0.0, 0.25, 0.25, 0.85, 0.85, 1.1, 1.1],
    )


@component.add(
    name="us_aid_history",
    units="musd/year",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def us_aid_history():
    """
    Exogenous input: US appropriations plus Coalition Support Fund reimbursements to Pakistan, million USD per year, plotted at fiscal-year midpoints. Source: CRS tables via data/us_aid.csv (FY2008-FY2018). 2002-2007 are not in our data and are held at the FY2008 level, and 2019 on at 100 (judgement, plausible range 0-300). [P9]
    """
    return np.interp(
        time(),
        [
            2001.0,
            2001.75,
            2002.5,
            2008.25,
            2009.25,
            2010.25,
            2011.25,
            2012.25,
            2013.25,
            2014.25,
            2015.25,
            2016.25,
            2017.25,
            2018.25,
            2019.25,
            2035.0,
        ],
        [
            100.0,
            100.0,
            2043.0,
            2043.0,
            3040.0,
            4504.0,
            3581.0,
            2604.0,
            1548.0,
            2177.0,
            1604.0,
            1203.0,
            590.0,
            108.0,
            100.0,
            100.0,
        ],
    )


@component.add(
    name="us_drone_campaign",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def us_drone_campaign():
    """
    Exogenous input: intensity of US drone strikes in Pakistan's tribal areas, normalised to the 2010 peak. Source: annual strike counts compiled by New America and the Bureau of Investigative Journalism (shape only, confidence C; not used for fitting). [P14]
    """
    return np.interp(
        time(),
        [
            2001.0,
            2004.0,
            2007.0,
            2008.0,
            2009.0,
            2010.0,
            2011.0,
            2012.0,
            2013.0,
            2014.0,
            2015.0,
            2016.0,
            2018.0,
            2035.0,
        ],
        [0.0, 0.02, 0.05, 0.3, 0.45, 1.0, 0.6, 0.4, 0.22, 0.2, 0.1, 0.03, 0.0, 0.0],
    )


@component.add(
    name="historical_ceasefire",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="with Lookup",
    depends_on={"time": 1},
)
def historical_ceasefire():
    """
    Exogenous input: TTP ceasefires in force, known to mid-2022 only: 9 Nov-9 Dec 2021 and from 2 June 2022. Source: data/timeline.csv (Business Recorder; Newsweek Pakistan). After 2022.5 the model does not assume the ceasefire holds; talks_posture carries it endogenously. [P14]
    """
    return np.interp(
        time(),
        [
            2001.0,
            2021.85,
            2021.86,
            2021.94,
            2021.95,
            2022.41,
            2022.42,
            2022.5,
            2022.51,
            2035.0,
        ],
        [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
    )


@component.add(
    name="prisoner_release_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def prisoner_release_time():
    """
    Source: public record and UN Monitoring Team reports: the Taliban freed TTP prisoners from Afghan jails when they took Kabul in August 2021 (data/timeline.csv, 2021-08-15). [P4] [P13]
    """
    return 2021.62


@component.add(
    name="salience_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "salience_base": 1,
        "military_dominance": 1,
        "dominance_salience_weight": 1,
        "india_influence_weight": 1,
        "india_influence_in_afghanistan": 1,
        "doctrine_shift": 1,
        "policy_active": 1,
        "reform_doctrine_effect": 1,
        "reform_progress": 1,
    },
)
def salience_target():
    """
    The level of threat salience that current conditions sustain: a military that dominates politics keeps the India-centric view alive, an India-friendly Kabul feeds it, and reform or a deliberate doctrine shift erodes it. [P7] [P8] [P17] [P19] [P20]
    """
    return (
        float(
            np.minimum(
                1,
                salience_base()
                + dominance_salience_weight() * military_dominance()
                + india_influence_weight() * india_influence_in_afghanistan(),
            )
        )
        * (1 - doctrine_shift() * policy_active())
        * (1 - reform_doctrine_effect() * reform_progress())
    )


@component.add(
    name="salience_base", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def salience_base():
    """
    Judgement, plausible range 0.1-0.5. Residual India threat salience without military dominance; the rivalry is real but the essay says the fear is overdrawn. [P20]
    """
    return 0.3


@component.add(
    name="dominance_salience_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def dominance_salience_weight():
    """
    Judgement, plausible range 0.3-0.6. How much military dominance props up the India-centric doctrine. [P17]
    """
    return 0.45


@component.add(
    name="india_influence_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def india_influence_weight():
    """
    Judgement, plausible range 0.1-0.4. How much Indian influence in Kabul raises Pakistan's threat perception (the fear of encirclement). [P7] [P8]
    """
    return 0.2


@component.add(
    name="doctrine_change_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def doctrine_change_time():
    """
    Judgement, plausible range 5-15. Time for a security doctrine to adjust; decades-old beliefs change slowly. [P6] [P17]
    """
    return 8.0


@component.add(
    name="reform_doctrine_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def reform_doctrine_effect():
    """
    Judgement, plausible range 0.2-0.7. How far completed reform revises the view of India as an existential foe. [P19]
    """
    return 0.5


@component.add(
    name="india_influence_in_afghanistan",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"india_afghan_ties": 1, "taliban_control": 1},
)
def india_influence_in_afghanistan():
    """
    India's influence in Afghanistan, which lives with the non-Taliban share of power and evaporated when the republic fell. [P8] [P15]
    """
    return india_afghan_ties() * (1 - taliban_control())


@component.add(
    name="india_afghan_ties", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def india_afghan_ties():
    """
    Judgement, plausible range 0.5-1.0. Closeness of India to a non-Taliban Kabul (aid, consulates). Source for the relation: VOA 2022 via the design's actor map. [P8]
    """
    return 0.8


@component.add(
    name="dominance_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "dominance_base": 1,
        "salience_dominance_weight": 1,
        "india_threat_salience": 1,
        "reform_progress": 1,
        "reform_dominance_effect": 1,
    },
)
def dominance_target():
    """
    Military primacy that the India-centric doctrine justifies, reduced by political reform; with salience_target this closes the praetorian-doctrine loop. [P16] [P17] [P19]
    """
    return float(
        np.minimum(
            1, dominance_base() + salience_dominance_weight() * india_threat_salience()
        )
    ) * (1 - reform_dominance_effect() * reform_progress())


@component.add(
    name="dominance_base", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def dominance_base():
    """
    Judgement, plausible range 0.1-0.4. Military dominance without a threat rationale. [P16]
    """
    return 0.25


@component.add(
    name="salience_dominance_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def salience_dominance_weight():
    """
    Judgement, plausible range 0.3-0.7. How much the threat doctrine justifies military primacy. [P17]
    """
    return 0.55


@component.add(
    name="dominance_change_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def dominance_change_time():
    """
    Judgement, plausible range 4-12. Time for civil-military balance to shift. [P16]
    """
    return 6.0


@component.add(
    name="reform_dominance_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def reform_dominance_effect():
    """
    Judgement, plausible range 0.2-0.6. How far completed reform reduces military dominance. [P19]
    """
    return 0.4


@component.add(
    name="support_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "depth_motive_weight": 1,
        "india_threat_salience": 1,
        "constituency_support_weight": 1,
        "pro_taliban_constituency": 1,
        "post_911_alignment": 1,
        "policy_active": 2,
        "support_cut": 1,
        "pressure_support_reduction": 1,
        "pressure_on_taliban": 1,
        "reform_progress": 1,
        "reform_support_effect": 1,
        "us_support_leverage": 1,
        "us_ties_restraint": 1,
    },
)
def support_target():
    """
    The backing the military wants to give: driven by the wish to keep India out of Afghanistan and by sympathisers at home; cut by the post-9/11 alignment, by the counterfactual cut, by a turn to pressure, by reform, and a little by dependence on US support. [P3] [P8] [P12] [P17] [P19]
    """
    return (
        float(
            np.minimum(
                1,
                depth_motive_weight() * india_threat_salience()
                + constituency_support_weight() * pro_taliban_constituency(),
            )
        )
        * (1 - post_911_alignment())
        * (1 - support_cut() * policy_active())
        * (1 - pressure_support_reduction() * pressure_on_taliban() * policy_active())
        * (1 - reform_support_effect() * reform_progress())
        * (1 - us_ties_restraint() * us_support_leverage())
    )


@component.add(
    name="depth_motive_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def depth_motive_weight():
    """
    Judgement, plausible range 0.6-1.0. How strongly India threat salience drives support for the Taliban (strategic depth; denying India a foothold). [P3] [P8]
    """
    return 0.8


@component.add(
    name="constituency_support_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def constituency_support_weight():
    """
    Judgement, plausible range 0.1-0.5. How much the domestic pro-Taliban lobby raises the cost of reversing the policy. [P12] [P17]
    """
    return 0.3


@component.add(
    name="support_adjust_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def support_adjust_time():
    """
    Judgement, plausible range 1-5. Time to build up or wind down covert backing. [P8]
    """
    return 2.0


@component.add(
    name="pressure_support_reduction",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def pressure_support_reduction():
    """
    Judgement, plausible range 0.3-0.8. How much a turn to pressure cuts backing. [P17]
    """
    return 0.5


@component.add(
    name="reform_support_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def reform_support_effect():
    """
    Judgement, plausible range 0.3-0.9. How far completed reform ends backing for the Taliban (revising the view of Afghanistan as a satellite). [P19]
    """
    return 0.6


@component.add(
    name="us_ties_restraint", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def us_ties_restraint():
    """
    Judgement, plausible range 0.0-0.4. How much dependence on US support restrains backing of the Taliban; weak, since billions of aid did not change the calculus. [P9]
    """
    return 0.2


@component.add(
    name="us_support_leverage",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"external_support": 1, "support_package_size": 1},
)
def us_support_leverage():
    """
    US and IMF money relative to a large package: the leverage the essay says Washington never used well. [P9] [P19]
    """
    return float(np.minimum(1, external_support() / support_package_size()))


@component.add(
    name="taliban_control_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "insurgent_base_potential": 1,
        "support_for_taliban": 1,
        "support_potential_weight": 1,
        "us_barrier": 1,
        "us_presence": 1,
        "power_sharing_effect": 1,
        "taliban_compliance": 1,
    },
)
def taliban_control_target():
    """
    The control the Taliban can hold: their own base plus what Pakistani backing adds, held down by US forces, and reduced if pressure forces power-sharing. [P5] [P8] [P17]
    """
    return (
        float(
            np.minimum(
                1,
                insurgent_base_potential()
                + support_potential_weight() * support_for_taliban(),
            )
        )
        * (1 - us_barrier() * us_presence())
        * (1 - power_sharing_effect() * taliban_compliance())
    )


@component.add(
    name="insurgent_base_potential",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def insurgent_base_potential():
    """
    Judgement, plausible range 0.3-0.6. Control the Taliban could hold without Pakistani backing. [P5]
    """
    return 0.45


@component.add(
    name="support_potential_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def support_potential_weight():
    """
    Judgement, plausible range 0.4-1.0. How much Pakistani backing adds to Taliban potential; the essay credits it with their return. [P5] [P20]
    """
    return 0.75


@component.add(
    name="us_barrier", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def us_barrier():
    """
    Judgement, plausible range 0.5-0.9. Share of Taliban potential US forces deny at full presence. [P3]
    """
    return 0.75


@component.add(
    name="taliban_gain_time",
    units="year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"fast_takeover_time": 1, "insurgency_gain_time": 1, "us_presence": 1},
)
def taliban_gain_time():
    """
    Time for the Taliban to take ground: years while US forces fight them, months once they leave (Kabul fell weeks after the withdrawal). [P3] [P12]
    """
    return fast_takeover_time() + insurgency_gain_time() * us_presence()


@component.add(
    name="fast_takeover_time", units="year", comp_type="Constant", comp_subtype="Normal"
)
def fast_takeover_time():
    """
    Judgement, plausible range 0.1-0.5. Time to take the country once US forces leave (public record: about three months in 2021). [P3]
    """
    return 0.25


@component.add(
    name="insurgency_gain_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def insurgency_gain_time():
    """
    Judgement, plausible range 3-10. Time for the insurgency to gain ground against US forces. [P9]
    """
    return 6.0


@component.add(
    name="taliban_loss_time", units="year", comp_type="Constant", comp_subtype="Normal"
)
def taliban_loss_time():
    """
    Judgement, plausible range 0.2-1.0. Time for the Taliban to lose ground when their potential falls (late 2001: weeks). [P6]
    """
    return 0.3


@component.add(
    name="power_sharing_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def power_sharing_effect():
    """
    Judgement, plausible range 0.1-0.5. Share of power the Taliban cede to other Afghan factions when they fully comply with Pakistani pressure. [P17]
    """
    return 0.3


@component.add(
    name="taliban_rules_kabul",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"taliban_control": 1},
)
def taliban_rules_kabul():
    """
    0..1 indicator that the Taliban govern Afghanistan (control above roughly three quarters); the threshold is judgement. [P3] [P12]
    """
    return float(np.minimum(1, float(np.maximum(0, (taliban_control() - 0.7) / 0.25))))


@component.add(
    name="taliban_compliance",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Smooth",
    depends_on={"_smooth_taliban_compliance": 1},
    other_deps={
        "_smooth_taliban_compliance": {
            "initial": {},
            "step": {
                "pressure_on_taliban": 1,
                "policy_active": 1,
                "coercive_capacity": 1,
                "compliance_delay": 1,
            },
        }
    },
)
def taliban_compliance():
    """
    How far Kabul has bent to Pakistani pressure; it follows pressure only after a delay, which is why the pressure option pays off late. [P17]
    """
    return _smooth_taliban_compliance()


_smooth_taliban_compliance = Smooth(
    lambda: pressure_on_taliban() * policy_active() * coercive_capacity(),
    lambda: compliance_delay(),
    lambda: 0,
    lambda: 1,
    "_smooth_taliban_compliance",
)


@component.add(
    name="coercive_capacity",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"leverage_over_kabul": 1},
)
def coercive_capacity():
    """
    Pakistan's ability to make pressure bite (trade, transit, refugees, force); higher when it still holds leverage in Kabul. Judgement on the functional form. [P12] [P17]
    """
    return 0.5 + 0.5 * float(np.minimum(1, leverage_over_kabul() + 0.5))


@component.add(
    name="compliance_delay", units="year", comp_type="Constant", comp_subtype="Normal"
)
def compliance_delay():
    """
    Judgement, plausible range 1-4. Time for pressure to change Taliban behaviour. [P17]
    """
    return 2.0


@component.add(
    name="leverage_over_kabul",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "support_for_taliban": 1,
        "taliban_autonomy_weight": 1,
        "taliban_control": 1,
        "recognition_autonomy_weight": 1,
        "taliban_recognition": 1,
    },
)
def leverage_over_kabul():
    """
    Output: Pakistan's leverage over the rulers in Kabul, from its material support; it shrinks as the Taliban rule all of Afghanistan and as the world recognises them: influence runs both ways. [P12]
    """
    return float(
        np.minimum(
            1,
            support_for_taliban()
            * (1 - taliban_autonomy_weight() * taliban_control())
            * (1 - recognition_autonomy_weight() * taliban_recognition()),
        )
    )


@component.add(
    name="taliban_autonomy_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def taliban_autonomy_weight():
    """
    Judgement, plausible range 0.3-0.7. How much ruling all of Afghanistan frees the Taliban from Pakistani leverage. [P12]
    """
    return 0.5


@component.add(
    name="recognition_autonomy_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def recognition_autonomy_weight():
    """
    Judgement, plausible range 0.2-0.8. How much international recognition frees the Taliban from dependence on Pakistan. [P12]
    """
    return 0.5


@component.add(
    name="recognition_rate", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def recognition_rate():
    """
    Judgement, plausible range 0.2-1.0. Speed of recognition once the Taliban moderate and Pakistan lobbies. [P5]
    """
    return 0.5


@component.add(
    name="taliban_moderation",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "base_moderation": 1,
        "compliance_moderation": 1,
        "taliban_compliance": 1,
    },
)
def taliban_moderation():
    """
    How far the Taliban soften their hard line (girls' schooling, women's rights, power-sharing); near zero on their own, more under pressure. [P5] [P17]
    """
    return base_moderation() + compliance_moderation() * taliban_compliance()


@component.add(
    name="base_moderation", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def base_moderation():
    """
    Judgement, plausible range 0-0.15. Taliban moderation without pressure; they have refused to relax their stance. [P5]
    """
    return 0.05


@component.add(
    name="compliance_moderation",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def compliance_moderation():
    """
    Judgement, plausible range 0.3-0.9. Moderation that sustained pressure extracts. [P17]
    """
    return 0.6


@component.add(
    name="afghan_support_burden",
    units="busd/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "burden_scale": 1,
        "taliban_rules_kabul": 1,
        "taliban_recognition": 1,
        "support_for_taliban": 1,
    },
)
def afghan_support_burden():
    """
    Outflow of Pakistan's reserves to prop up a pariah ally and its cash-starved population (trade credit, dollar outflows, refugees). [P5]
    """
    return (
        burden_scale()
        * taliban_rules_kabul()
        * (1 - taliban_recognition())
        * support_for_taliban()
    )


@component.add(
    name="burden_scale", units="busd/year", comp_type="Constant", comp_subtype="Normal"
)
def burden_scale():
    """
    Judgement, plausible range 0.3-2.0. Cost to Pakistan's external accounts of propping up an unrecognised Taliban government (press reports of dollar smuggling in 2021-22). [P5]
    """
    return 1.0


@component.add(
    name="sanctuary_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "taliban_control": 2,
        "ttp_kinship": 1,
        "taliban_restraint_of_ttp": 1,
        "republic_era_shelter": 1,
    },
)
def sanctuary_target():
    """
    Sanctuary the TTP can count on: Taliban-held Afghanistan shelters its ideological kin unless Kabul restrains them; the republic gave less (Pakistan alleged some). [P4] [P13] [P15]
    """
    return (
        taliban_control() * ttp_kinship() * (1 - taliban_restraint_of_ttp())
        + (1 - taliban_control()) * republic_era_shelter()
    )


@component.add(
    name="ttp_kinship", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def ttp_kinship():
    """
    Judgement, plausible range 0.7-1.0. Strength of the Afghan Taliban's ties to the TTP; their ideologues refuse to cut them. [P13]
    """
    return 0.9


@component.add(
    name="republic_era_shelter",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def republic_era_shelter():
    """
    Judgement, plausible range 0.1-0.4. Shelter the TTP found in areas the republic held (alleged by Islamabad; Source: VOA 2022 via the design's actor map). [P13] [P15]
    """
    return 0.25


@component.add(
    name="sanctuary_adjust_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def sanctuary_adjust_time():
    """
    Judgement, plausible range 0.25-1.0. Time for sanctuary conditions to change. [P4]
    """
    return 0.5


@component.add(
    name="taliban_restraint_of_ttp",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "goodwill_restraint": 1,
        "pak_kabul_relations": 1,
        "leverage_over_kabul": 1,
        "compliance_restraint": 1,
        "taliban_compliance": 1,
    },
)
def taliban_restraint_of_ttp():
    """
    How far Kabul reins in the TTP: a little out of goodwill when relations are good and Pakistan has leverage, more under sustained pressure. [P4] [P12] [P13] [P17]
    """
    return float(
        np.minimum(
            1,
            goodwill_restraint()
            * float(np.maximum(0, pak_kabul_relations()))
            * leverage_over_kabul()
            + compliance_restraint() * taliban_compliance(),
        )
    )


@component.add(
    name="goodwill_restraint", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def goodwill_restraint():
    """
    Judgement, plausible range 0.1-0.6. Restraint Kabul offers out of goodwill. [P13]
    """
    return 0.4


@component.add(
    name="compliance_restraint",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def compliance_restraint():
    """
    Judgement, plausible range 0.4-0.9. Restraint that full compliance with Pakistani pressure brings. [P17]
    """
    return 0.7


@component.add(
    name="recruitment_capacity",
    units="persons/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def recruitment_capacity():
    """
    Judgement, plausible range 4000-15000. Recruits per year at full pressure and full safe space; set so fighters peak near 20,000 before 2014.
    """
    return 9000.0


@component.add(
    name="recruitment_pressure",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "infra_recruit_weight": 1,
        "jihadi_infrastructure": 1,
        "grievance_recruit_weight": 1,
        "pashtun_grievance": 1,
        "militant_momentum": 1,
        "momentum_recruit_weight": 1,
    },
)
def recruitment_pressure():
    """
    Push into militancy from jihadi infrastructure, Pashtun-belt grievance and militant momentum. [P4] [P19] [P20]
    """
    return (
        infra_recruit_weight() * jihadi_infrastructure()
        + grievance_recruit_weight() * pashtun_grievance()
        + momentum_recruit_weight() * militant_momentum()
    )


@component.add(
    name="infra_recruit_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def infra_recruit_weight():
    """
    Judgement, plausible range 0.2-0.5. Recruits supplied by the jihadi infrastructure. [P19]
    """
    return 0.35


@component.add(
    name="grievance_recruit_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def grievance_recruit_weight():
    """
    Judgement, plausible range 0.1-0.5. Recruits driven by grievance (Caulkins et al. 2008; Kress & Szechtman 2009).
    """
    return 0.35


@component.add(
    name="momentum_recruit_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def momentum_recruit_weight():
    """
    Judgement, plausible range 0.2-0.8. Recruits drawn by a victorious jihadist narrative. [P4]
    """
    return 0.5


@component.add(
    name="safe_space",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "tribal_haven": 1,
        "cross_border_access": 1,
        "ttp_sanctuary": 1,
        "sanctuary_space_weight": 1,
    },
)
def safe_space():
    """
    Space to recruit and train: the tribal-area haven at home plus the Afghan sanctuary as far as the border lets fighters through. [P4] [P13]
    """
    return float(
        np.minimum(
            1,
            tribal_haven()
            + sanctuary_space_weight() * ttp_sanctuary() * cross_border_access(),
        )
    )


@component.add(
    name="cross_border_access",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"fence_effectiveness": 1, "fence_completion": 1},
)
def cross_border_access():
    """
    How freely militants cross the border; the fence cuts it only partly. [P4]
    """
    return 1 - fence_effectiveness() * fence_completion()


@component.add(
    name="sanctuary_space_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def sanctuary_space_weight():
    """
    Judgement, plausible range 0.3-1.0. How far an Afghan sanctuary can stand in for a home haven as a place to recruit and train. [P4] [P13]
    """
    return 0.6


@component.add(
    name="fence_effectiveness",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def fence_effectiveness():
    """
    Judgement, plausible range 0.2-0.7. Share of cross-border movement a finished fence stops. [P4]
    """
    return 0.5


@component.add(
    name="released_prisoners",
    units="persons",
    comp_type="Constant",
    comp_subtype="Normal",
)
def released_prisoners():
    """
    Judgement, plausible range 500-3000. TTP members freed in August 2021 (reports speak of hundreds to a few thousand). [P13]
    """
    return 1500.0


@component.add(
    name="release_duration", units="year", comp_type="Constant", comp_subtype="Normal"
)
def release_duration():
    """
    Modelling convention: the release is spread over two time steps (1.5 months).
    """
    return 0.125


@component.add(
    name="natural_exit_rate",
    units="1/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def natural_exit_rate():
    """
    Judgement, plausible range 0.05-0.2. Fighters leaving or dying without state action.
    """
    return 0.1


@component.add(
    name="ct_attrition_rate",
    units="1/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def ct_attrition_rate():
    """
    Judgement, plausible range 0.3-1.5. Attrition per unit of CT capacity against fully exposed fighters. [P13]
    """
    return 0.8


@component.add(
    name="talks_ct_pause", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def talks_ct_pause():
    """
    Judgement, plausible range 0.2-0.8. How much operations pause while talks run. [P14]
    """
    return 0.5


@component.add(
    name="strike_attrition", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def strike_attrition():
    """
    Judgement, plausible range 0.0-0.3. Attrition from cross-border strikes at unit intensity. [P14]
    """
    return 0.1


@component.add(
    name="ct_exposure",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "haven_shield": 1,
        "tribal_haven": 2,
        "ttp_sanctuary": 1,
        "sanctuary_shield": 1,
    },
)
def ct_exposure():
    """
    Share of fighters the state can reach: those in the tribal haven are partly shielded, those in Afghan sanctuary mostly so. [P13]
    """
    return float(
        np.maximum(
            0.05,
            1
            - haven_shield() * tribal_haven()
            - sanctuary_shield() * ttp_sanctuary() * (1 - tribal_haven()),
        )
    )


@component.add(
    name="haven_shield", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def haven_shield():
    """
    Judgement, plausible range 0.3-0.8. Protection the tribal-area haven gives. [P13]
    """
    return 0.6


@component.add(
    name="sanctuary_shield", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def sanctuary_shield():
    """
    Judgement, plausible range 0.5-0.95. Protection Afghan sanctuary gives. [P13]
    """
    return 0.8


@component.add(
    name="ttp_attacks_per_year",
    units="attacks/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "ttp_fighters": 1,
        "attacks_per_fighter": 1,
        "operational_reach": 1,
        "ct_suppression": 1,
        "militant_momentum": 1,
        "momentum_attack_effect": 1,
        "ceasefire_effect": 1,
    },
)
def ttp_attacks_per_year():
    """
    Output: TTP attacks in Pakistan (PIPS counts). Fighters times their tempo, limited by reach into Pakistan and by CT, raised by momentum, cut by ceasefires. Fitted to data/group_attacks.csv. [P4] [P13] [P14]
    """
    return (
        ttp_fighters()
        * attacks_per_fighter()
        * operational_reach()
        * ct_suppression()
        * (1 + momentum_attack_effect() * militant_momentum())
        * (1 - ceasefire_effect())
    )


@component.add(
    name="attacks_per_fighter",
    units="attacks/person/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def attacks_per_fighter():
    """
    Judgement, plausible range 0.02-0.2. Attack tempo per fighter at full reach and no suppression; calibrated to the 2014-2021 PIPS series.
    """
    return 0.06


@component.add(
    name="operational_reach",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"tribal_haven": 2, "cross_border_access": 1, "cross_border_reach": 1},
)
def operational_reach():
    """
    How easily fighters reach targets: full from a home haven, only partly from across the border, and less as the fence closes it. [P4] [P13]
    """
    return (
        tribal_haven()
        + (1 - tribal_haven()) * cross_border_reach() * cross_border_access()
    )


@component.add(
    name="cross_border_reach", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def cross_border_reach():
    """
    Judgement, plausible range 0.2-0.7. Reach of fighters based across an open border relative to a home haven (calibrated). [P13]
    """
    return 0.4


@component.add(
    name="momentum_attack_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def momentum_attack_effect():
    """
    Judgement, plausible range 0.3-2.0. Extra tempo of a galvanised movement. [P4]
    """
    return 1.0


@component.add(
    name="ct_suppression",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"ct_suppression_strength": 1, "ct_capacity": 1},
)
def ct_suppression():
    """
    Share of attempted attacks that CT capacity fails to prevent. [P13]
    """
    return 1 / (1 + ct_suppression_strength() * ct_capacity())


@component.add(
    name="ct_suppression_strength",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def ct_suppression_strength():
    """
    Judgement, plausible range 0.5-3.0. Attacks prevented per unit of CT capacity.
    """
    return 1.5


@component.add(
    name="ceasefire_effect",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "ceasefire_strength": 1,
        "historical_ceasefire": 1,
        "talks_posture": 1,
        "ttp_ceasefire_compliance": 1,
    },
)
def ceasefire_effect():
    """
    Share of TTP attacks a ceasefire suppresses: the real 2021-22 ceasefires up to mid-2022, afterwards the model's own talks; a stronger TTP keeps a truce less. [P14]
    """
    return (
        ceasefire_strength()
        * float(np.maximum(historical_ceasefire(), talks_posture()))
        * ttp_ceasefire_compliance()
    )


@component.add(
    name="ceasefire_strength", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def ceasefire_strength():
    """
    Judgement, plausible range 0.5-1.0. Share of attacks a fully kept ceasefire stops. [P14]
    """
    return 0.8


@component.add(
    name="ttp_ceasefire_compliance",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"ttp_fighters": 1, "compliance_reference": 1},
)
def ttp_ceasefire_compliance():
    """
    How far the TTP keeps a truce; the stronger it is, the less it needs one. Source for the mechanism: PIPS Pakistan Security Report (talks helped the TTP regroup). [P14]
    """
    return 1 / (1 + (ttp_fighters() / compliance_reference()) ** 2)


@component.add(
    name="compliance_reference",
    units="persons",
    comp_type="Constant",
    comp_subtype="Normal",
)
def compliance_reference():
    """
    Judgement, plausible range 4000-12000. TTP size at which it keeps only half of a truce. [P14]
    """
    return 8000.0


@component.add(
    name="success_momentum", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def success_momentum():
    """
    Judgement, plausible range 0.0-0.3. Momentum a sustained TTP campaign generates for itself. [P4]
    """
    return 0.1


@component.add(
    name="success_reference",
    units="attacks/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def success_reference():
    """
    Judgement, plausible range 100-400. TTP attack rate at which its own campaign adds full momentum.
    """
    return 150.0


@component.add(
    name="victory_momentum", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def victory_momentum():
    """
    Judgement, plausible range 1-4. Momentum per unit of Taliban territorial gain. [P4]
    """
    return 2.0


@component.add(
    name="momentum_decay_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def momentum_decay_time():
    """
    Judgement, plausible range 1-5. Time for the glow of a victory to fade. [P4]
    """
    return 3.0


@component.add(
    name="grievance_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "grievance_base": 1,
        "haven_clearing_operations": 1,
        "operations_harm": 1,
        "drone_harm": 1,
        "us_drone_campaign": 1,
        "cross_border_strikes": 1,
        "strike_harm": 1,
        "fence_hardship": 1,
        "fence_completion": 1,
    },
)
def grievance_target():
    """
    Grievance that current harm sustains: army operations and displacement, US drone strikes, Pakistani strikes into Afghanistan, a fence that splits Pashtun communities. [P6] [P14]
    """
    return float(
        np.minimum(
            1,
            grievance_base()
            + operations_harm() * haven_clearing_operations()
            + drone_harm() * us_drone_campaign()
            + strike_harm() * cross_border_strikes()
            + fence_hardship() * fence_completion(),
        )
    )


@component.add(
    name="grievance_base", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def grievance_base():
    """
    Judgement, plausible range 0.05-0.3. Background grievance. [P8]
    """
    return 0.15


@component.add(
    name="operations_harm", units="year", comp_type="Constant", comp_subtype="Normal"
)
def operations_harm():
    """
    Judgement, plausible range 0.1-0.5. Grievance per unit clearing rate (Zarb-e-Azb displaced about a million people, public record). [P13]
    """
    return 0.25


@component.add(
    name="drone_harm", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def drone_harm():
    """
    Judgement, plausible range 0.1-0.6. Grievance from US drone strikes at their 2010 peak. [P14]
    """
    return 0.4


@component.add(
    name="strike_harm", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def strike_harm():
    """
    Judgement, plausible range 0.1-0.5. Grievance from Pakistani cross-border strikes. [P14]
    """
    return 0.3


@component.add(
    name="fence_hardship", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def fence_hardship():
    """
    Judgement, plausible range 0.0-0.3. Grievance from a fence dividing Pashtun communities. [P6]
    """
    return 0.1


@component.add(
    name="grievance_time", units="year", comp_type="Constant", comp_subtype="Normal"
)
def grievance_time():
    """
    Judgement, plausible range 1-4. Time for grievance to build or fade.
    """
    return 2.0


@component.add(
    name="haven_regrowth_rate",
    units="1/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def haven_regrowth_rate():
    """
    Judgement, plausible range 0.1-0.6. Speed at which a haven regrows. [P13]
    """
    return 0.15


@component.add(
    name="haven_fighter_reference",
    units="persons",
    comp_type="Constant",
    comp_subtype="Normal",
)
def haven_fighter_reference():
    """
    Judgement, plausible range 5000-20000. TTP size at which it can regrow a haven at full speed.
    """
    return 5000.0


@component.add(
    name="ct_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "ct_base": 1,
        "threat_response": 1,
        "perceived_threat": 1,
        "ct_campaign_push": 1,
        "fiscal_capacity": 1,
        "pro_taliban_constituency": 1,
        "constituency_ct_drag": 1,
    },
)
def ct_target():
    """
    The CT effort the state sustains: a base, a response to perceived threat and the post-2014 campaign, scaled by what the budget allows and blunted by Taliban sympathisers in politics. [P12] [P13] [P18]
    """
    return float(
        np.minimum(
            1,
            (ct_base() + threat_response() * perceived_threat() + ct_campaign_push())
            * fiscal_capacity()
            * (1 - constituency_ct_drag() * pro_taliban_constituency()),
        )
    )


@component.add(
    name="ct_base", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def ct_base():
    """
    Judgement, plausible range 0.1-0.3. CT effort without a recent threat.
    """
    return 0.2


@component.add(
    name="threat_response", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def threat_response():
    """
    Judgement, plausible range 0.2-0.8. Extra effort at 1000 attacks a year. [P13]
    """
    return 0.4


@component.add(
    name="perceived_threat",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Smooth",
    depends_on={"_smooth_perceived_threat": 1, "threat_reference": 1},
    other_deps={
        "_smooth_perceived_threat": {
            "initial": {"terrorist_attacks_per_year": 1},
            "step": {"terrorist_attacks_per_year": 1, "threat_perception_time": 1},
        }
    },
)
def perceived_threat():
    """
    Recent terrorism as the state perceives it, relative to a reference level. [P13]
    """
    return float(np.minimum(1.5, _smooth_perceived_threat() / threat_reference()))


_smooth_perceived_threat = Smooth(
    lambda: terrorist_attacks_per_year(),
    lambda: threat_perception_time(),
    lambda: terrorist_attacks_per_year(),
    lambda: 1,
    "_smooth_perceived_threat",
)


@component.add(
    name="threat_perception_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def threat_perception_time():
    """
    Judgement, plausible range 0.5-2. Averaging time of threat perception.
    """
    return 1.0


@component.add(
    name="threat_reference",
    units="attacks/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def threat_reference():
    """
    Modelling convention: about the 2014 level of terrorist attacks (data/pips_attacks.csv).
    """
    return 1000.0


@component.add(
    name="fiscal_capacity",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"economic_confidence": 1},
)
def fiscal_capacity():
    """
    Share of the desired CT effort the budget can fund (design link L38; Choucri et al. 2007). Judgement on the form. [P18]
    """
    return 0.5 + 0.5 * economic_confidence()


@component.add(
    name="constituency_ct_drag",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def constituency_ct_drag():
    """
    Judgement, plausible range 0.1-0.6. How much Taliban sympathisers blunt action against militants. [P12]
    """
    return 0.4


@component.add(
    name="ct_build_time", units="year", comp_type="Constant", comp_subtype="Normal"
)
def ct_build_time():
    """
    Judgement, plausible range 1-4. Time to build or run down CT capacity.
    """
    return 2.0


@component.add(
    name="cross_border_strikes",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Smooth",
    depends_on={
        "strike_policy": 1,
        "us_presence": 1,
        "_smooth_cross_border_strikes": 1,
        "strike_threshold": 1,
        "strike_tolerance": 1,
        "ttp_sanctuary": 1,
    },
    other_deps={
        "_smooth_cross_border_strikes": {
            "initial": {"ttp_attacks_per_year": 1},
            "step": {"ttp_attacks_per_year": 1, "strike_reaction_time": 1},
        }
    },
)
def cross_border_strikes():
    """
    Intensity of Pakistani air and drone strikes on TTP targets in Afghanistan: an answer to TTP attacks aimed at their sanctuary, held back while US forces were there. [P4] [P14]
    """
    return (
        strike_policy()
        * (1 - us_presence())
        * float(
            np.minimum(
                1.5,
                float(
                    np.maximum(0, _smooth_cross_border_strikes() - strike_tolerance())
                )
                / strike_threshold(),
            )
        )
        * ttp_sanctuary()
    )


_smooth_cross_border_strikes = Smooth(
    lambda: ttp_attacks_per_year(),
    lambda: strike_reaction_time(),
    lambda: ttp_attacks_per_year(),
    lambda: 1,
    "_smooth_cross_border_strikes",
)


@component.add(
    name="strike_reaction_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def strike_reaction_time():
    """
    Judgement, plausible range 0.1-0.5. Delay between attacks and retaliation. [P4]
    """
    return 0.25


@component.add(
    name="strike_threshold",
    units="attacks/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def strike_threshold():
    """
    Judgement, plausible range 50-300. TTP attacks above the tolerance that bring strikes at unit intensity. [P14]
    """
    return 100.0


@component.add(
    name="strike_tolerance",
    units="attacks/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def strike_tolerance():
    """
    Judgement, plausible range 0-150. TTP attack rate Pakistan tolerates before striking across the border (no strikes in late 2021 at about 90 a year; strikes in April 2022). [P4] [P14]
    """
    return 80.0


@component.add(
    name="talks_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "mediation_availability": 1,
        "accommodation_bias": 1,
        "constituency_talks_weight": 1,
        "pro_taliban_constituency": 1,
        "ttp_ceasefire_compliance": 1,
        "policy_active": 1,
        "talks_commitment": 1,
    },
)
def talks_target():
    """
    Willingness to talk: possible only with a Taliban mediator on good terms with Islamabad, more attractive with Taliban sympathisers in politics, abandoned when the TTP does not keep its truces (unless committed to by the lever). [P4] [P12] [P14]
    """
    return float(
        np.minimum(
            1,
            mediation_availability()
            * accommodation_bias()
            * (1 + constituency_talks_weight() * pro_taliban_constituency())
            * ttp_ceasefire_compliance()
            + talks_commitment() * policy_active(),
        )
    )


@component.add(
    name="mediation_availability",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"taliban_rules_kabul": 1, "pak_kabul_relations": 1},
)
def mediation_availability():
    """
    Kabul's availability as mediator between Islamabad and the TTP. [P4] [P14]
    """
    return taliban_rules_kabul() * float(np.maximum(0, pak_kabul_relations()))


@component.add(
    name="accommodation_bias", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def accommodation_bias():
    """
    Judgement, plausible range 0.2-1.0. The state's inclination to settle with the TTP when a mediator is available. [P14]
    """
    return 0.6


@component.add(
    name="constituency_talks_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def constituency_talks_weight():
    """
    Judgement, plausible range 0.3-2.0. How much the pro-Taliban lobby favours talks. [P12]
    """
    return 1.0


@component.add(
    name="talks_regroup_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def talks_regroup_effect():
    """
    Judgement, plausible range 0.2-1.0. Extra recruitment while talks run (releases, returns); Source: PIPS Pakistan Security Report. [P14]
    """
    return 0.6


@component.add(
    name="talks_adjust_time", units="year", comp_type="Constant", comp_subtype="Normal"
)
def talks_adjust_time():
    """
    Judgement, plausible range 0.1-0.5. Time to open or drop talks. [P14]
    """
    return 0.25


@component.add(
    name="relations_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "taliban_control": 2,
        "republic_relations": 1,
        "taliban_relations_component": 1,
    },
)
def relations_target():
    """
    Relations Kabul's mix of rulers sustains: a cool republic, and Taliban goodwill bought by backing but eroded by strikes, border rows and pressure not yet complied with. [P4] [P6] [P14] [P17]
    """
    return float(
        np.maximum(
            -1,
            float(
                np.minimum(
                    1,
                    (1 - taliban_control()) * republic_relations()
                    + taliban_control() * taliban_relations_component(),
                )
            ),
        )
    )


@component.add(
    name="republic_relations", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def republic_relations():
    """
    Judgement, plausible range -0.7--0.1. Relations with the republic, which never accepted the border and leaned to India. [P6] [P8]
    """
    return -0.4


@component.add(
    name="taliban_relations_component",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "patronage_goodwill": 1,
        "support_for_taliban": 1,
        "strike_damage": 1,
        "cross_border_strikes": 1,
        "friction_damage": 1,
        "border_friction": 1,
        "pressure_cost": 1,
        "pressure_on_taliban": 1,
        "taliban_compliance": 1,
        "policy_active": 1,
    },
)
def taliban_relations_component():
    """
    Relations with the Taliban: goodwill from years of patronage minus strikes, border friction and the resentment of pressure. [P4] [P14] [P17]
    """
    return (
        patronage_goodwill() * support_for_taliban()
        - strike_damage() * cross_border_strikes()
        - friction_damage() * border_friction()
        - pressure_cost()
        * float(
            np.maximum(
                0, pressure_on_taliban() * policy_active() - taliban_compliance()
            )
        )
    )


@component.add(
    name="patronage_goodwill", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def patronage_goodwill():
    """
    Judgement, plausible range 0.5-1.0. Goodwill bought by backing. [P12]
    """
    return 0.8


@component.add(
    name="strike_damage", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def strike_damage():
    """
    Judgement, plausible range 0.3-1.2. Damage to relations from strikes at unit intensity. [P4] [P14]
    """
    return 1.0


@component.add(
    name="friction_damage", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def friction_damage():
    """
    Judgement, plausible range 0.2-1.0. Damage to relations from border friction. [P4]
    """
    return 0.8


@component.add(
    name="pressure_cost", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def pressure_cost():
    """
    Judgement, plausible range 0.3-1.2. Damage to relations from pressure Kabul has not yet bowed to. [P17]
    """
    return 0.8


@component.add(
    name="relations_adjust_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def relations_adjust_time():
    """
    Judgement, plausible range 0.25-1.0. Time for relations to follow events.
    """
    return 0.5


@component.add(
    name="fence_obstruction", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def fence_obstruction():
    """
    Judgement, plausible range 0.0-0.6. How far friction slows fencing. [P4]
    """
    return 0.3


@component.add(
    name="friction_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "durand_dispute": 1,
        "fence_friction_weight": 1,
        "fence_building": 1,
        "cross_border_strikes": 1,
        "strike_friction": 1,
        "pak_kabul_relations": 1,
        "hostility_friction": 1,
    },
)
def friction_target():
    """
    Friction that Kabul's rejection of the Durand Line, active fencing, strikes and hostility sustain. [P4] [P6]
    """
    return float(
        np.minimum(
            1,
            durand_dispute()
            + fence_friction_weight() * fence_building()
            + strike_friction() * cross_border_strikes()
            + hostility_friction() * float(np.maximum(0, 0 - pak_kabul_relations())),
        )
    )


@component.add(
    name="durand_dispute", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def durand_dispute():
    """
    Judgement, plausible range 0.05-0.3. Background friction: no Kabul government has accepted the 1896 border. [P6]
    """
    return 0.15


@component.add(
    name="fence_friction_weight",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def fence_friction_weight():
    """
    Judgement, plausible range 0.3-2.0. Friction per unit fencing rate (share of border per year). [P4]
    """
    return 1.0


@component.add(
    name="strike_friction", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def strike_friction():
    """
    Judgement, plausible range 0.1-0.6. Friction from strikes. [P14]
    """
    return 0.3


@component.add(
    name="hostility_friction", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def hostility_friction():
    """
    Judgement, plausible range 0.1-0.6. Friction from hostile relations. [P4]
    """
    return 0.3


@component.add(
    name="friction_adjust_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def friction_adjust_time():
    """
    Judgement, plausible range 0.25-1.0. Time for friction to follow events.
    """
    return 0.5


@component.add(
    name="constituency_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "constituency_base": 1,
        "jihadi_infrastructure": 1,
        "infra_constituency_weight": 1,
        "victory_constituency_weight": 1,
        "taliban_control": 1,
        "anti_us_constituency": 1,
        "policy_active": 1,
        "anti_us_mobilisation": 1,
        "reform_progress": 1,
        "reform_constituency_effect": 1,
    },
)
def constituency_target():
    """
    Constituency that current conditions sustain: the madrasa and party networks, the Taliban's own success (influence moving both ways), and anti-American mobilisation; reform shrinks it. [P8] [P12] [P18] [P20]
    """
    return float(
        np.minimum(
            1,
            constituency_base()
            + infra_constituency_weight() * jihadi_infrastructure()
            + victory_constituency_weight() * taliban_control()
            + anti_us_constituency() * anti_us_mobilisation() * policy_active(),
        )
    ) * (1 - reform_constituency_effect() * reform_progress())


@component.add(
    name="constituency_base", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def constituency_base():
    """
    Judgement, plausible range 0.05-0.3. Core constituency of clerics and Islamist parties. [P12]
    """
    return 0.15


@component.add(
    name="infra_constituency_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def infra_constituency_weight():
    """
    Judgement, plausible range 0.1-0.4. Constituency supplied by seminaries and militant fronts. [P8]
    """
    return 0.2


@component.add(
    name="victory_constituency_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def victory_constituency_weight():
    """
    Judgement, plausible range 0.1-0.5. Constituency the Taliban's own success builds inside Pakistan. [P12]
    """
    return 0.3


@component.add(
    name="anti_us_constituency",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def anti_us_constituency():
    """
    Judgement, plausible range 0.1-0.4. Constituency that a Khan-led anti-American campaign adds. [P18]
    """
    return 0.25


@component.add(
    name="reform_constituency_effect",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def reform_constituency_effect():
    """
    Judgement, plausible range 0.1-0.5. How far completed reform shrinks the constituency. [P20]
    """
    return 0.3


@component.add(
    name="constituency_time", units="year", comp_type="Constant", comp_subtype="Normal"
)
def constituency_time():
    """
    Judgement, plausible range 2-6. Time for political sympathies to shift. [P12]
    """
    return 3.0


@component.add(
    name="infra_build_rate", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def infra_build_rate():
    """
    Judgement, plausible range 0.1-0.5. Build rate at full dominance and salience. [P7]
    """
    return 0.25


@component.add(
    name="infra_decay", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def infra_decay():
    """
    Judgement, plausible range 0.02-0.1. Natural decay of networks.
    """
    return 0.05


@component.add(
    name="dismantle_strength",
    units="1/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def dismantle_strength():
    """
    Judgement, plausible range 0.2-0.8. Dismantling rate at full effort. [P19]
    """
    return 0.4


@component.add(
    name="nap_crackdown", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def nap_crackdown():
    """
    Judgement, plausible range 0.0-0.4. Dismantling per unit of the post-2014 campaign (the National Action Plan's partial crackdown).
    """
    return 0.2


@component.add(
    name="reform_pressure",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "us_conditionality": 1,
        "us_support_offer": 1,
        "policy_active": 2,
        "need_floor": 2,
        "economic_need": 1,
        "doctrine_shift": 1,
        "doctrine_reform_push": 1,
    },
)
def reform_pressure():
    """
    Pressure to reform: conditional money weighs more the worse the economic need; a chosen doctrine shift adds its own push. [P19] [P20]
    """
    return float(
        np.minimum(
            1,
            us_conditionality()
            * us_support_offer()
            * policy_active()
            * (need_floor() + (1 - need_floor()) * economic_need())
            + doctrine_reform_push() * doctrine_shift() * policy_active(),
        )
    )


@component.add(
    name="need_floor", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def need_floor():
    """
    Judgement, plausible range 0.2-0.8. Weight of conditional money even when reserves are comfortable. [P19]
    """
    return 0.5


@component.add(
    name="doctrine_reform_push",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def doctrine_reform_push():
    """
    Judgement, plausible range 0.2-0.8. Reform pressure that a chosen doctrine shift adds. [P20]
    """
    return 0.5


@component.add(
    name="reform_resistance",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "resistance_weight": 1,
        "military_dominance": 1,
        "pro_taliban_constituency": 1,
    },
)
def reform_resistance():
    """
    Resistance to reform from the military and the Taliban lobby; why the essay calls change unlikely. [P16] [P17]
    """
    return resistance_weight() * (military_dominance() + pro_taliban_constituency()) / 2


@component.add(
    name="resistance_weight", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def resistance_weight():
    """
    Judgement, plausible range 0.3-0.9. Strength of resistance to reform. [P17]
    """
    return 0.6


@component.add(
    name="reform_speed", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def reform_speed():
    """
    Judgement, plausible range 0.2-1.0. Fractional reform speed at full pressure. [P19]
    """
    return 0.6


@component.add(
    name="backsliding_rate", units="1/year", comp_type="Constant", comp_subtype="Normal"
)
def backsliding_rate():
    """
    Judgement, plausible range 0.05-0.4. Erosion of reform without pressure.
    """
    return 0.2


@component.add(
    name="economic_need",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"fx_reserves": 1, "reserve_comfort": 1},
)
def economic_need():
    """
    Pakistan's need for outside money: how far reserves fall short of a comfortable level. [P18] [P19]
    """
    return float(
        np.minimum(1, float(np.maximum(0, 1 - fx_reserves() / reserve_comfort())))
    )


@component.add(
    name="reserve_comfort", units="busd", comp_type="Constant", comp_subtype="Normal"
)
def reserve_comfort():
    """
    Judgement, plausible range 12-20. Reserves (SBP) at which the state feels no external pressure (about three months of imports). [P18]
    """
    return 16.0


@component.add(
    name="baloch_grievance_drive",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "baloch_grievance_base": 1,
        "distress_weight": 1,
        "economic_confidence": 1,
        "india_influence_in_afghanistan": 1,
        "alleged_foreign_support": 1,
    },
)
def baloch_grievance_drive():
    """
    Drivers of Baloch recruitment; the alleged Indian/Afghan-republic help is weighted low, since the insurgency grew after it vanished. [P15]
    """
    return (
        baloch_grievance_base()
        + distress_weight() * (1 - economic_confidence())
        + alleged_foreign_support() * india_influence_in_afghanistan()
    )


@component.add(
    name="baloch_growth_rate",
    units="1/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def baloch_growth_rate():
    """
    Judgement, plausible range 0.2-1.0. Growth rate at unit drive. [P15]
    """
    return 0.5


@component.add(
    name="baloch_grievance_base",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def baloch_grievance_base():
    """
    Judgement, plausible range 0.1-0.5. Standing Baloch grievance (Source: Grare, Carnegie 2013, via the design's actor map). [P15]
    """
    return 0.3


@component.add(
    name="distress_weight", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def distress_weight():
    """
    Judgement, plausible range 0.1-0.6. Drive from economic distress. [P15] [P18]
    """
    return 0.4


@component.add(
    name="alleged_foreign_support",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def alleged_foreign_support():
    """
    Judgement, plausible range 0.0-0.3. Drive from the foreign help Pakistan alleges (disputed). [P15]
    """
    return 0.1


@component.add(
    name="baloch_ct_attrition",
    units="1/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def baloch_ct_attrition():
    """
    Judgement, plausible range 0.3-1.5. Attrition per unit of CT capacity. [P15]
    """
    return 0.8


@component.add(
    name="ct_in_balochistan",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"ct_capacity": 1, "ct_diversion": 1, "ttp_threat_index": 1},
)
def ct_in_balochistan():
    """
    CT capacity left for Balochistan once the TTP front draws forces away (design link L34). [P15]
    """
    return ct_capacity() * (
        1 - ct_diversion() * float(np.minimum(1, ttp_threat_index()))
    )


@component.add(
    name="ct_diversion", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def ct_diversion():
    """
    Judgement, plausible range 0.2-0.7. Share of capacity a full TTP threat diverts. [P15]
    """
    return 0.5


@component.add(
    name="ttp_threat_index",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Smooth",
    depends_on={"_smooth_ttp_threat_index": 1, "strike_threshold": 1},
    other_deps={
        "_smooth_ttp_threat_index": {
            "initial": {"ttp_attacks_per_year": 1},
            "step": {"ttp_attacks_per_year": 1, "threat_perception_time": 1},
        }
    },
)
def ttp_threat_index():
    """
    TTP violence as the state perceives it, relative to the strike threshold. [P4]
    """
    return _smooth_ttp_threat_index() / strike_threshold()


_smooth_ttp_threat_index = Smooth(
    lambda: ttp_attacks_per_year(),
    lambda: threat_perception_time(),
    lambda: ttp_attacks_per_year(),
    lambda: 1,
    "_smooth_ttp_threat_index",
)


@component.add(
    name="baloch_attacks_per_year",
    units="attacks/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"baloch_strength": 1, "baloch_attack_scale": 1, "ct_suppression": 1},
)
def baloch_attacks_per_year():
    """
    Output: attacks by Baloch nationalist insurgents, including on Chinese-built projects. Checked against data/group_attacks.csv (80 in 2018). [P15]
    """
    return baloch_strength() * baloch_attack_scale() * ct_suppression()


@component.add(
    name="baloch_attack_scale",
    units="attacks/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def baloch_attack_scale():
    """
    Judgement, plausible range 200-800. Baloch attacks per year at full strength and no suppression; calibrated to PIPS 2018. [P15]
    """
    return 450.0


@component.add(
    name="other_attacks_per_year",
    units="attacks/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "other_attack_scale": 1,
        "jihadi_infrastructure": 1,
        "militant_momentum": 1,
        "other_momentum_weight": 1,
        "other_base_reach": 1,
        "tribal_haven": 1,
        "ct_suppression": 1,
    },
)
def other_attacks_per_year():
    """
    Output: attacks by other militant and sectarian groups (IS-K, sectarian and local outfits), fed by the jihadi infrastructure and havens. [P19] [P20]
    """
    return (
        other_attack_scale()
        * jihadi_infrastructure()
        * (
            other_base_reach()
            + tribal_haven()
            + other_momentum_weight() * militant_momentum()
        )
        * ct_suppression()
    )


@component.add(
    name="other_attack_scale",
    units="attacks/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def other_attack_scale():
    """
    Judgement, plausible range 200-800. Scale of other militant attacks; calibrated to the PIPS residual.
    """
    return 450.0


@component.add(
    name="other_base_reach", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def other_base_reach():
    """
    Judgement, plausible range 0.05-0.3. Reach of other groups without a haven.
    """
    return 0.15


@component.add(
    name="other_momentum_weight",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def other_momentum_weight():
    """
    Judgement, plausible range 0.2-1.0. Extra activity from militant momentum. [P4]
    """
    return 0.5


@component.add(
    name="terrorist_attacks_per_year",
    units="attacks/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "ttp_attacks_per_year": 1,
        "baloch_attacks_per_year": 1,
        "other_attacks_per_year": 1,
    },
)
def terrorist_attacks_per_year():
    """
    Output: all terrorist attacks in Pakistan as PIPS counts them (militant, nationalist and sectarian; no security operations or drone strikes). Source for fitting: data/pips_attacks.csv. [P3] [P4]
    """
    return ttp_attacks_per_year() + baloch_attacks_per_year() + other_attacks_per_year()


@component.add(
    name="confidence_target",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "confidence_base": 1,
        "terrorist_attacks_per_year": 1,
        "threat_reference": 1,
        "violence_drag": 1,
        "economic_need": 1,
        "reserve_stress_drag": 1,
        "trade_closure_drag": 1,
        "border_friction": 1,
        "baloch_strength": 1,
        "cpec_drag": 1,
        "polarisation_drag": 1,
        "anti_us_mobilisation": 1,
        "policy_active": 1,
        "reform_dividend": 1,
        "reform_progress": 1,
    },
)
def confidence_target():
    """
    Confidence conditions sustain: hurt by terrorism, reserve stress, border closures, attacks on Chinese projects and political polarisation; helped by reform that opens trade with India and Afghanistan. [P15] [P18] [P20]
    """
    return float(
        np.maximum(
            0,
            float(
                np.minimum(
                    1,
                    confidence_base()
                    - violence_drag()
                    * float(
                        np.minimum(
                            1.5, terrorist_attacks_per_year() / threat_reference()
                        )
                    )
                    - reserve_stress_drag() * economic_need()
                    - trade_closure_drag() * border_friction()
                    - cpec_drag() * baloch_strength()
                    - polarisation_drag() * anti_us_mobilisation() * policy_active()
                    + reform_dividend() * reform_progress(),
                )
            ),
        )
    )


@component.add(
    name="confidence_base", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def confidence_base():
    """
    Judgement, plausible range 0.6-0.9. Confidence without these drags.
    """
    return 0.75


@component.add(
    name="violence_drag", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def violence_drag():
    """
    Judgement, plausible range 0.1-0.4. Confidence lost at 1000 attacks a year.
    """
    return 0.15


@component.add(
    name="reserve_stress_drag",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def reserve_stress_drag():
    """
    Judgement, plausible range 0.1-0.5. Confidence lost in a full reserve crisis. [P18]
    """
    return 0.3


@component.add(
    name="trade_closure_drag", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def trade_closure_drag():
    """
    Judgement, plausible range 0.0-0.2. Confidence lost to border closures. [P4]
    """
    return 0.1


@component.add(
    name="cpec_drag", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def cpec_drag():
    """
    Judgement, plausible range 0.0-0.2. Confidence lost to Baloch attacks on Chinese projects. [P15]
    """
    return 0.1


@component.add(
    name="polarisation_drag", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def polarisation_drag():
    """
    Judgement, plausible range 0.05-0.3. Confidence lost to anti-US polarisation. [P18]
    """
    return 0.15


@component.add(
    name="reform_dividend", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def reform_dividend():
    """
    Judgement, plausible range 0.05-0.3. Confidence gained from completed reform (treating neighbours as trading partners). [P20]
    """
    return 0.2


@component.add(
    name="confidence_adjust_time",
    units="year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def confidence_adjust_time():
    """
    Judgement, plausible range 0.5-2.0. Time for confidence to follow conditions.
    """
    return 1.0


@component.add(
    name="balance_sensitivity",
    units="busd/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def balance_sensitivity():
    """
    Judgement, plausible range 5-20. Change in the balance per unit confidence.
    """
    return 4.0


@component.add(
    name="balance_neutral_confidence",
    units="dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def balance_neutral_confidence():
    """
    Judgement, plausible range 0.4-0.7. Confidence at which the private balance is neutral.
    """
    return 0.5


@component.add(
    name="import_compression",
    units="busd/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def import_compression():
    """
    Judgement, plausible range 1-6. Balance improvement when reserves are exhausted.
    """
    return 3.0


@component.add(
    name="structural_drain",
    units="busd/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def structural_drain():
    """
    Judgement, plausible range 0.5-4. Debt service and structural deficit. [P18]
    """
    return 2.0


@component.add(
    name="external_support_target",
    units="busd/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"us_aid_history": 1, "other_official_inflows": 1, "new_us_package": 1},
)
def external_support_target():
    """
    Official money Pakistan can count on: the historical US aid stream, other official lenders (IMF, China, Gulf) and any new US package. [P9] [P19]
    """
    return us_aid_history() / 1000 + other_official_inflows() + new_us_package()


@component.add(
    name="other_official_inflows",
    units="busd/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def other_official_inflows():
    """
    Judgement, plausible range 0.5-3.0. Baseline support from the IMF, China and Gulf states (rollovers and programmes). [P19]
    """
    return 1.5


@component.add(
    name="new_us_package",
    units="busd/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "us_support_offer": 1,
        "policy_active": 2,
        "support_package_size": 1,
        "reform_delivery": 1,
        "us_conditionality": 2,
        "anti_us_penalty": 1,
        "anti_us_mobilisation": 1,
    },
)
def new_us_package():
    """
    A new US/IMF package: unconditional money flows at once; the conditional share flows only as reform is delivered; an anti-American turn cuts it. [P18] [P19]
    """
    return (
        us_support_offer()
        * policy_active()
        * support_package_size()
        * (1 - us_conditionality() + us_conditionality() * reform_delivery())
        * (1 - anti_us_penalty() * anti_us_mobilisation() * policy_active())
    )


@component.add(
    name="support_package_size",
    units="busd/year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def support_package_size():
    """
    Judgement, plausible range 1-6. Size of a major US/IMF package per year. [P19]
    """
    return 3.0


@component.add(
    name="reform_delivery",
    units="dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"reform_progress": 1, "reform_benchmark": 1},
)
def reform_delivery():
    """
    Share of the reform benchmark met, which releases conditional money. [P19]
    """
    return float(np.minimum(1, reform_progress() / reform_benchmark()))


@component.add(
    name="reform_benchmark", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def reform_benchmark():
    """
    Judgement, plausible range 0.2-0.6. Reform progress that unlocks the full conditional package. [P19]
    """
    return 0.4


@component.add(
    name="anti_us_penalty", units="dmnl", comp_type="Constant", comp_subtype="Normal"
)
def anti_us_penalty():
    """
    Judgement, plausible range 0.3-1.0. Share of US support lost to an anti-American government. [P18] [P19]
    """
    return 0.7


@component.add(
    name="disbursement_lag", units="year", comp_type="Constant", comp_subtype="Normal"
)
def disbursement_lag():
    """
    Judgement, plausible range 0.5-2.0. Time from commitment to disbursement.
    """
    return 1.0


@component.add(
    name="salience_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "salience_target": 1,
        "india_threat_salience": 1,
        "doctrine_change_time": 1,
    },
)
def salience_change():
    """
    Flow (bi-directional): the doctrine drifts towards what military dominance, Indian influence in Kabul and reform pressures sustain. [P6] [P17] [P20]
    """
    return (salience_target() - india_threat_salience()) / doctrine_change_time()


@component.add(
    name="dominance_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "dominance_target": 1,
        "military_dominance": 1,
        "dominance_change_time": 1,
    },
)
def dominance_change():
    """
    Flow (bi-directional): dominance drifts towards what the threat doctrine justifies. [P16] [P17]
    """
    return (dominance_target() - military_dominance()) / dominance_change_time()


@component.add(
    name="support_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "support_target": 1,
        "support_for_taliban": 1,
        "support_adjust_time": 1,
    },
)
def support_change():
    """
    Flow (bi-directional): backing adjusts towards what the doctrine and the domestic lobby demand. [P8] [P17]
    """
    return (support_target() - support_for_taliban()) / support_adjust_time()


@component.add(
    name="taliban_gains",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "taliban_control_target": 1,
        "taliban_control": 1,
        "taliban_gain_time": 1,
    },
)
def taliban_gains():
    """
    Flow: the insurgency gains ground, slowly against US forces, fast once they leave. [P3] [P12]
    """
    return (
        float(np.maximum(0, taliban_control_target() - taliban_control()))
        / taliban_gain_time()
    )


@component.add(
    name="taliban_losses",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "taliban_control": 1,
        "taliban_control_target": 1,
        "taliban_loss_time": 1,
    },
)
def taliban_losses():
    """
    Flow: the Taliban lose ground, as in the late-2001 collapse. Source: public record. [P6]
    """
    return (
        float(np.maximum(0, taliban_control() - taliban_control_target()))
        / taliban_loss_time()
    )


@component.add(
    name="recognition_gain",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "recognition_rate": 1,
        "support_for_taliban": 1,
        "taliban_moderation": 1,
        "taliban_rules_kabul": 1,
        "taliban_recognition": 1,
    },
)
def recognition_gain():
    """
    Flow: Pakistan lobbies for recognition, but the world waits for the Taliban to change their conduct, so lobbying alone achieves little. [P5]
    """
    return (
        recognition_rate()
        * support_for_taliban()
        * taliban_moderation()
        * taliban_rules_kabul()
        * (1 - taliban_recognition())
    )


@component.add(
    name="sanctuary_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"sanctuary_target": 1, "ttp_sanctuary": 1, "sanctuary_adjust_time": 1},
)
def sanctuary_change():
    """
    Flow (bi-directional): sanctuary adjusts to who rules Kabul and whether they restrain the TTP. [P4] [P13]
    """
    return (sanctuary_target() - ttp_sanctuary()) / sanctuary_adjust_time()


@component.add(
    name="ttp_recruitment",
    units="persons/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "recruitment_capacity": 1,
        "recruitment_pressure": 1,
        "safe_space": 1,
        "talks_posture": 1,
        "talks_regroup_effect": 1,
    },
)
def ttp_recruitment():
    """
    Flow: recruits join when jihadi networks, grievance and a victorious narrative push them, provided the group has a safe place to organise; talks let it regroup. [P4] [P13] [P14]
    """
    return (
        recruitment_capacity()
        * recruitment_pressure()
        * safe_space()
        * (1 + talks_regroup_effect() * talks_posture())
    )


@component.add(
    name="prisoner_release",
    units="persons/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "released_prisoners": 1,
        "release_duration": 2,
        "taliban_rules_kabul": 1,
        "prisoner_release_time": 2,
        "time": 2,
    },
)
def prisoner_release():
    """
    Flow: TTP members freed from Afghan jails when the Taliban took power (only if they do take power). [P4] [P13]
    """
    return (
        released_prisoners()
        / release_duration()
        * taliban_rules_kabul()
        * (
            step(__data["time"], 1, prisoner_release_time())
            - step(__data["time"], 1, prisoner_release_time() + release_duration())
        )
    )


@component.add(
    name="ttp_attrition",
    units="persons/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "ttp_fighters": 1,
        "talks_posture": 1,
        "strike_attrition": 1,
        "natural_exit_rate": 1,
        "ct_exposure": 1,
        "ct_attrition_rate": 1,
        "ct_capacity": 1,
        "talks_ct_pause": 1,
        "cross_border_strikes": 1,
    },
)
def ttp_attrition():
    """
    Flow: fighters lost to desertion and death, to counter-terrorism operations where the state can reach them (less during talks), and to cross-border strikes (Anderson 2011; Deitchman 1962). [P13] [P14]
    """
    return ttp_fighters() * (
        natural_exit_rate()
        + ct_attrition_rate()
        * ct_capacity()
        * ct_exposure()
        * (1 - talks_ct_pause() * talks_posture())
        + strike_attrition() * cross_border_strikes()
    )


@component.add(
    name="momentum_gain",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "victory_momentum": 1,
        "taliban_gains": 1,
        "success_momentum": 1,
        "success_reference": 1,
        "ttp_attacks_per_year": 1,
    },
)
def momentum_gain():
    """
    Flow: each gain of the Afghan Taliban energises Pakistani militants, the 2021 victory dramatically; the TTP's own campaign adds a little. [P4]
    """
    return victory_momentum() * taliban_gains() + success_momentum() * float(
        np.minimum(1, ttp_attacks_per_year() / success_reference())
    )


@component.add(
    name="momentum_decay",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"militant_momentum": 1, "momentum_decay_time": 1},
)
def momentum_decay():
    """
    Flow: momentum fades without new victories. Judgement on the form. [P4]
    """
    return militant_momentum() / momentum_decay_time()


@component.add(
    name="grievance_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"grievance_target": 1, "pashtun_grievance": 1, "grievance_time": 1},
)
def grievance_change():
    """
    Flow (bi-directional): grievance follows current harm with a lag. [P14]
    """
    return (grievance_target() - pashtun_grievance()) / grievance_time()


@component.add(
    name="haven_clearing",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"tribal_haven": 1, "haven_clearing_operations": 1},
)
def haven_clearing():
    """
    Flow: army operations clear the haven (exogenous campaigns). [P13]
    """
    return tribal_haven() * haven_clearing_operations()


@component.add(
    name="haven_regrowth",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "haven_regrowth_rate": 1,
        "tribal_haven": 1,
        "haven_fighter_reference": 1,
        "ttp_fighters": 1,
        "ct_capacity": 1,
    },
)
def haven_regrowth():
    """
    Flow: a strong TTP re-establishes itself in the tribal districts where the state is thin. [P13]
    """
    return (
        haven_regrowth_rate()
        * (1 - tribal_haven())
        * float(np.minimum(1, ttp_fighters() / haven_fighter_reference()))
        * (1 - ct_capacity())
    )


@component.add(
    name="ct_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"ct_target": 1, "ct_capacity": 1, "ct_build_time": 1},
)
def ct_change():
    """
    Flow (bi-directional): capacity follows the threat, funded by the economy. [P13]
    """
    return (ct_target() - ct_capacity()) / ct_build_time()


@component.add(
    name="talks_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"talks_target": 1, "talks_posture": 1, "talks_adjust_time": 1},
)
def talks_change():
    """
    Flow (bi-directional): engagement follows willingness. [P14]
    """
    return (talks_target() - talks_posture()) / talks_adjust_time()


@component.add(
    name="relations_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "relations_target": 1,
        "pak_kabul_relations": 1,
        "relations_adjust_time": 1,
    },
)
def relations_change():
    """
    Flow (bi-directional): relations follow current conditions. [P4]
    """
    return (relations_target() - pak_kabul_relations()) / relations_adjust_time()


@component.add(
    name="fence_building",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "fence_build_effort": 1,
        "fence_completion": 1,
        "border_friction": 1,
        "fence_obstruction": 1,
    },
)
def fence_building():
    """
    Flow: fencing proceeds at the historical pace on what remains, slowed when Afghan border guards obstruct it. [P4]
    """
    return (
        fence_build_effort()
        * (1 - fence_completion())
        * (1 - fence_obstruction() * border_friction())
    )


@component.add(
    name="friction_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"friction_target": 1, "border_friction": 1, "friction_adjust_time": 1},
)
def friction_change():
    """
    Flow (bi-directional): friction follows its drivers. [P4]
    """
    return (friction_target() - border_friction()) / friction_adjust_time()


@component.add(
    name="constituency_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "constituency_target": 1,
        "pro_taliban_constituency": 1,
        "constituency_time": 1,
    },
)
def constituency_change():
    """
    Flow (bi-directional): the constituency follows Taliban fortunes and mobilisation. [P12]
    """
    return (constituency_target() - pro_taliban_constituency()) / constituency_time()


@component.add(
    name="infra_build",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "infra_build_rate": 1,
        "military_dominance": 1,
        "india_threat_salience": 1,
        "jihadi_infrastructure": 1,
    },
)
def infra_build():
    """
    Flow: a dominant military pursuing an India-centric doctrine keeps building the infrastructure. [P7] [P20]
    """
    return (
        infra_build_rate()
        * military_dominance()
        * india_threat_salience()
        * (1 - jihadi_infrastructure())
    )


@component.add(
    name="infra_dismantling",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "jihadi_infrastructure": 1,
        "dismantle_strength": 1,
        "policy_active": 1,
        "reform_progress": 1,
        "infra_decay": 1,
        "nap_crackdown": 1,
        "dismantle_effort": 1,
        "ct_campaign_push": 1,
    },
)
def infra_dismantling():
    """
    Flow: decay, deliberate dismantling (lever or reform) and the partial post-2014 crackdown. [P19]
    """
    return jihadi_infrastructure() * (
        infra_decay()
        + dismantle_strength()
        * float(np.minimum(1, dismantle_effort() * policy_active() + reform_progress()))
        + nap_crackdown() * ct_campaign_push()
    )


@component.add(
    name="reform_gain",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "reform_speed": 1,
        "reform_pressure": 1,
        "reform_progress": 1,
        "reform_resistance": 1,
    },
)
def reform_gain():
    """
    Flow: reform advances when money depends on it (or when Pakistan chooses a doctrine shift), against resistance from the military and the Taliban lobby. [P17] [P19]
    """
    return (
        reform_speed()
        * reform_pressure()
        * (1 - reform_progress())
        * (1 - reform_resistance())
    )


@component.add(
    name="reform_backsliding",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"reform_progress": 1, "backsliding_rate": 1, "reform_pressure": 1},
)
def reform_backsliding():
    """
    Flow: reform erodes once the pressure for it lifts. Judgement on the form. [P19]
    """
    return reform_progress() * backsliding_rate() * (1 - reform_pressure())


@component.add(
    name="baloch_recruitment",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "baloch_growth_rate": 1,
        "baloch_grievance_drive": 1,
        "baloch_strength": 1,
    },
)
def baloch_recruitment():
    """
    Flow: the insurgency grows on grievance and economic distress, with a small contribution from the foreign support Islamabad alleges. [P15]
    """
    return baloch_growth_rate() * baloch_grievance_drive() * (1 - baloch_strength())


@component.add(
    name="baloch_attrition",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"baloch_strength": 1, "baloch_ct_attrition": 1, "ct_in_balochistan": 1},
)
def baloch_attrition():
    """
    Flow: losses to security operations in Balochistan. [P15]
    """
    return baloch_strength() * baloch_ct_attrition() * ct_in_balochistan()


@component.add(
    name="attack_accrual",
    units="attacks/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"terrorist_attacks_per_year": 1},
)
def attack_accrual():
    """
    Flow (accounting): attacks add up. [P3]
    """
    return terrorist_attacks_per_year()


@component.add(
    name="confidence_change",
    units="1/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "confidence_target": 1,
        "economic_confidence": 1,
        "confidence_adjust_time": 1,
    },
)
def confidence_change():
    """
    Flow (bi-directional): confidence follows conditions. [P18]
    """
    return (confidence_target() - economic_confidence()) / confidence_adjust_time()


@component.add(
    name="underlying_balance",
    units="busd/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "balance_sensitivity": 1,
        "economic_confidence": 1,
        "balance_neutral_confidence": 1,
        "economic_need": 1,
        "import_compression": 1,
        "structural_drain": 1,
    },
)
def underlying_balance():
    """
    Flow (bi-directional): the balance of payments before official support: better with confidence, and imports are squeezed when reserves run low. Judgement on the form. [P18]
    """
    return (
        balance_sensitivity() * (economic_confidence() - balance_neutral_confidence())
        + import_compression() * economic_need()
        - structural_drain()
    )


@component.add(
    name="external_support_disbursed",
    units="busd/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"external_support": 1},
)
def external_support_disbursed():
    """
    Flow: official money from the US, the IMF and friendly lenders entering reserves. [P19]
    """
    return external_support()


@component.add(
    name="support_pipeline_change",
    units="busd/year/year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "external_support_target": 1,
        "external_support": 1,
        "disbursement_lag": 1,
    },
)
def support_pipeline_change():
    """
    Flow (bi-directional): disbursements follow commitments with a lag. [P19]
    """
    return (external_support_target() - external_support()) / disbursement_lag()


@component.add(
    name="india_threat_salience",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_india_threat_salience": 1},
    other_deps={
        "_integ_india_threat_salience": {"initial": {}, "step": {"salience_change": 1}}
    },
)
def india_threat_salience():
    """
    Stock: how strongly Pakistan's military sees India as an existential threat and Afghanistan as a second front (0..1); the slow-moving belief behind the whole policy. Initial value is judgement, plausible range 0.7-0.9. [P6] [P7] [P17]
    """
    return _integ_india_threat_salience()


_integ_india_threat_salience = NonNegativeInteg(
    lambda: salience_change(), lambda: 0.8, "_integ_india_threat_salience"
)


@component.add(
    name="military_dominance",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_military_dominance": 1},
    other_deps={
        "_integ_military_dominance": {"initial": {}, "step": {"dominance_change": 1}}
    },
)
def military_dominance():
    """
    Stock: the military's dominance over civilian politics and over Afghanistan policy (0..1). Initial value (Musharraf era) is judgement, plausible range 0.7-0.95. [P16] [P17]
    """
    return _integ_military_dominance()


_integ_military_dominance = NonNegativeInteg(
    lambda: dominance_change(), lambda: 0.85, "_integ_military_dominance"
)


@component.add(
    name="support_for_taliban",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_support_for_taliban": 1},
    other_deps={
        "_integ_support_for_taliban": {"initial": {}, "step": {"support_change": 1}}
    },
)
def support_for_taliban():
    """
    Stock: Pakistan's accumulated backing of the Afghan Taliban: sanctuary, logistics, shelter for the leadership (0..1). Initial value is judgement, plausible range 0.7-1 (Pakistan was one of three states recognising the Taliban regime in 2001). [P3] [P8]
    """
    return _integ_support_for_taliban()


_integ_support_for_taliban = NonNegativeInteg(
    lambda: support_change(), lambda: 0.85, "_integ_support_for_taliban"
)


@component.add(
    name="taliban_control",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_taliban_control": 1},
    other_deps={
        "_integ_taliban_control": {
            "initial": {},
            "step": {"taliban_gains": 1, "taliban_losses": 1},
        }
    },
)
def taliban_control():
    """
    Stock: share of Afghanistan's territory and power held by the Taliban (0..1). Initial value: they ruled most of the country in early 2001 (public record), judgement 0.85-0.95. [P3] [P6]
    """
    return _integ_taliban_control()


_integ_taliban_control = NonNegativeInteg(
    lambda: taliban_gains() - taliban_losses(), lambda: 0.9, "_integ_taliban_control"
)


@component.add(
    name="taliban_recognition",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_taliban_recognition": 1},
    other_deps={
        "_integ_taliban_recognition": {"initial": {}, "step": {"recognition_gain": 1}}
    },
)
def taliban_recognition():
    """
    Stock: international recognition of the Taliban government (0..1). Starts at 0 after the three recognitions of 2001 lapsed (judgement). [P5]
    """
    return _integ_taliban_recognition()


_integ_taliban_recognition = NonNegativeInteg(
    lambda: recognition_gain(), lambda: 0.0, "_integ_taliban_recognition"
)


@component.add(
    name="ttp_sanctuary",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_ttp_sanctuary": 1},
    other_deps={
        "_integ_ttp_sanctuary": {"initial": {}, "step": {"sanctuary_change": 1}}
    },
)
def ttp_sanctuary():
    """
    Stock: quality of the TTP's sanctuary in Afghanistan: shelter, stipends, freedom of movement (0..1). Initial value judgement 0.05-0.3 (the TTP had not yet formed). [P4] [P13]
    """
    return _integ_ttp_sanctuary()


_integ_ttp_sanctuary = NonNegativeInteg(
    lambda: sanctuary_change(), lambda: 0.15, "_integ_ttp_sanctuary"
)


@component.add(
    name="ttp_fighters",
    units="persons",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_ttp_fighters": 1},
    other_deps={
        "_integ_ttp_fighters": {
            "initial": {},
            "step": {"ttp_recruitment": 1, "prisoner_release": 1, "ttp_attrition": 1},
        }
    },
)
def ttp_fighters():
    """
    Stock: TTP fighters (the TTP formed in 2007 from militants already in the tribal areas). Initial value judgement, plausible range 500-3000. For scale: the UN Monitoring Team (12th report, 2021) put TTP fighters in Afghanistan at 2,500-6,000. [P4] [P13]
    """
    return _integ_ttp_fighters()


_integ_ttp_fighters = NonNegativeInteg(
    lambda: ttp_recruitment() + prisoner_release() - ttp_attrition(),
    lambda: 1500,
    "_integ_ttp_fighters",
)


@component.add(
    name="militant_momentum",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_militant_momentum": 1},
    other_deps={
        "_integ_militant_momentum": {
            "initial": {},
            "step": {"momentum_gain": 1, "momentum_decay": 1},
        }
    },
)
def militant_momentum():
    """
    Stock: militant momentum and morale, the galvanising effect of jihadist victories (0..1+). Initial value judgement 0.1-0.3. [P4]
    """
    return _integ_militant_momentum()


_integ_militant_momentum = NonNegativeInteg(
    lambda: momentum_gain() - momentum_decay(), lambda: 0.2, "_integ_militant_momentum"
)


@component.add(
    name="pashtun_grievance",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_pashtun_grievance": 1},
    other_deps={
        "_integ_pashtun_grievance": {"initial": {}, "step": {"grievance_change": 1}}
    },
)
def pashtun_grievance():
    """
    Stock: grievance in the Pashtun belt from civilian harm, displacement and border hardship (0..1). Initial value judgement 0.1-0.3. Source for the mechanism: Caulkins et al. 2008 ('fire'), Kress & Szechtman 2009. [P14]
    """
    return _integ_pashtun_grievance()


_integ_pashtun_grievance = NonNegativeInteg(
    lambda: grievance_change(), lambda: 0.2, "_integ_pashtun_grievance"
)


@component.add(
    name="tribal_haven",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_tribal_haven": 1},
    other_deps={
        "_integ_tribal_haven": {
            "initial": {},
            "step": {"haven_regrowth": 1, "haven_clearing": 1},
        }
    },
)
def tribal_haven():
    """
    Stock: militant haven inside Pakistan's tribal areas (0..1), which Zarb-e-Azb largely cleared. Initial value judgement 0.6-0.9. [P13]
    """
    return _integ_tribal_haven()


_integ_tribal_haven = NonNegativeInteg(
    lambda: haven_regrowth() - haven_clearing(), lambda: 0.8, "_integ_tribal_haven"
)


@component.add(
    name="ct_capacity",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_ct_capacity": 1},
    other_deps={"_integ_ct_capacity": {"initial": {}, "step": {"ct_change": 1}}},
)
def ct_capacity():
    """
    Stock: Pakistan's counter-terrorism capacity and tempo: forces, intelligence, CTD policing (0..1). Initial value judgement 0.1-0.3. Source for the mechanism: Choucri et al. 2007 (state capacity against insurgent load). [P13]
    """
    return _integ_ct_capacity()


_integ_ct_capacity = NonNegativeInteg(
    lambda: ct_change(), lambda: 0.2, "_integ_ct_capacity"
)


@component.add(
    name="talks_posture",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_talks_posture": 1},
    other_deps={"_integ_talks_posture": {"initial": {}, "step": {"talks_change": 1}}},
)
def talks_posture():
    """
    Stock: Islamabad's engagement in talks with the TTP (0..1), mediated by Kabul. Zero before the 2021 talks. [P4] [P14]
    """
    return _integ_talks_posture()


_integ_talks_posture = NonNegativeInteg(
    lambda: talks_change(), lambda: 0.0, "_integ_talks_posture"
)


@component.add(
    name="pak_kabul_relations",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_pak_kabul_relations": 1},
    other_deps={
        "_integ_pak_kabul_relations": {"initial": {}, "step": {"relations_change": 1}}
    },
)
def pak_kabul_relations():
    """
    Stock: Pakistan-Kabul relations, -1 hostile to +1 close, with whoever governs Kabul. Initial value judgement 0.6-0.8 (Pakistan recognised the Taliban regime). [P4] [P6]
    """
    return _integ_pak_kabul_relations()


_integ_pak_kabul_relations = Integ(
    lambda: relations_change(), lambda: 0.7, "_integ_pak_kabul_relations"
)


@component.add(
    name="fence_completion",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_fence_completion": 1},
    other_deps={
        "_integ_fence_completion": {"initial": {}, "step": {"fence_building": 1}}
    },
)
def fence_completion():
    """
    Stock: share of the 2,611 km border fenced. Source: data/border_fence.csv (ISPR via press). [P4]
    """
    return _integ_fence_completion()


_integ_fence_completion = NonNegativeInteg(
    lambda: fence_building(), lambda: 0.0, "_integ_fence_completion"
)


@component.add(
    name="border_friction",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_border_friction": 1},
    other_deps={
        "_integ_border_friction": {"initial": {}, "step": {"friction_change": 1}}
    },
)
def border_friction():
    """
    Stock: border friction: clashes, closures and disputes over the fence (0..1). Initial value judgement 0.1-0.3. [P4] [P6]
    """
    return _integ_border_friction()


_integ_border_friction = NonNegativeInteg(
    lambda: friction_change(), lambda: 0.2, "_integ_border_friction"
)


@component.add(
    name="pro_taliban_constituency",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_pro_taliban_constituency": 1},
    other_deps={
        "_integ_pro_taliban_constituency": {
            "initial": {},
            "step": {"constituency_change": 1},
        }
    },
)
def pro_taliban_constituency():
    """
    Stock: the pro-Taliban constituency inside Pakistan: clerics, Islamist parties, sympathetic public and parts of the elite (0..1). Initial value judgement 0.2-0.4. [P12] [P18]
    """
    return _integ_pro_taliban_constituency()


_integ_pro_taliban_constituency = NonNegativeInteg(
    lambda: constituency_change(), lambda: 0.3, "_integ_pro_taliban_constituency"
)


@component.add(
    name="jihadi_infrastructure",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_jihadi_infrastructure": 1},
    other_deps={
        "_integ_jihadi_infrastructure": {
            "initial": {},
            "step": {"infra_build": 1, "infra_dismantling": 1},
        }
    },
)
def jihadi_infrastructure():
    """
    Stock: Pakistan's jihadi infrastructure: militant groups, fronts, training and indoctrination centres (0..1). Initial value judgement 0.6-0.9. [P7] [P19] [P20]
    """
    return _integ_jihadi_infrastructure()


_integ_jihadi_infrastructure = NonNegativeInteg(
    lambda: infra_build() - infra_dismantling(),
    lambda: 0.75,
    "_integ_jihadi_infrastructure",
)


@component.add(
    name="reform_progress",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_reform_progress": 1},
    other_deps={
        "_integ_reform_progress": {
            "initial": {},
            "step": {"reform_gain": 1, "reform_backsliding": 1},
        }
    },
)
def reform_progress():
    """
    Stock: progress of the political and economic reform the essay asks the US to demand (0..1). Zero at start. [P19]
    """
    return _integ_reform_progress()


_integ_reform_progress = NonNegativeInteg(
    lambda: reform_gain() - reform_backsliding(), lambda: 0.0, "_integ_reform_progress"
)


@component.add(
    name="baloch_strength",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_baloch_strength": 1},
    other_deps={
        "_integ_baloch_strength": {
            "initial": {},
            "step": {"baloch_recruitment": 1, "baloch_attrition": 1},
        }
    },
)
def baloch_strength():
    """
    Stock: strength of the Baloch nationalist insurgency (0..1). Initial value judgement 0.1-0.4 (the current phase began in the mid-2000s). [P15]
    """
    return _integ_baloch_strength()


_integ_baloch_strength = NonNegativeInteg(
    lambda: baloch_recruitment() - baloch_attrition(),
    lambda: 0.3,
    "_integ_baloch_strength",
)


@component.add(
    name="cumulative_terrorist_attacks",
    units="attacks",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_cumulative_terrorist_attacks": 1},
    other_deps={
        "_integ_cumulative_terrorist_attacks": {
            "initial": {},
            "step": {"attack_accrual": 1},
        }
    },
)
def cumulative_terrorist_attacks():
    """
    Stock (accounting): terrorist attacks since 2001. [P3]
    """
    return _integ_cumulative_terrorist_attacks()


_integ_cumulative_terrorist_attacks = NonNegativeInteg(
    lambda: attack_accrual(), lambda: 0, "_integ_cumulative_terrorist_attacks"
)


@component.add(
    name="economic_confidence",
    units="dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_economic_confidence": 1},
    other_deps={
        "_integ_economic_confidence": {"initial": {}, "step": {"confidence_change": 1}}
    },
)
def economic_confidence():
    """
    Stock: investor and economic confidence, a proxy for growth (0..1). Initial value judgement 0.4-0.6. [P18]
    """
    return _integ_economic_confidence()


_integ_economic_confidence = NonNegativeInteg(
    lambda: confidence_change(), lambda: 0.5, "_integ_economic_confidence"
)


@component.add(
    name="fx_reserves",
    units="busd",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_fx_reserves": 1},
    other_deps={
        "_integ_fx_reserves": {
            "initial": {},
            "step": {
                "external_support_disbursed": 1,
                "underlying_balance": 1,
                "afghan_support_burden": 1,
            },
        }
    },
)
def fx_reserves():
    """
    Stock: State Bank of Pakistan foreign-exchange reserves, billion USD. Initial value judgement 3-4.5 (mid-2001, not in our data). Checked against data/fx_reserves.csv (SBP weekly data, 2017-2022). [P18] [P19]
    """
    return _integ_fx_reserves()


_integ_fx_reserves = NonNegativeInteg(
    lambda: external_support_disbursed()
    + underlying_balance()
    - afghan_support_burden(),
    lambda: 3.5,
    "_integ_fx_reserves",
)


@component.add(
    name="external_support",
    units="busd/year",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_external_support": 1},
    other_deps={
        "_integ_external_support": {
            "initial": {},
            "step": {"support_pipeline_change": 1},
        }
    },
)
def external_support():
    """
    Stock: the pipeline of US and IMF support as an annual disbursement rate. Initial value judgement 1-2. [P9] [P19]
    """
    return _integ_external_support()


_integ_external_support = NonNegativeInteg(
    lambda: support_pipeline_change(), lambda: 1.5, "_integ_external_support"
)
