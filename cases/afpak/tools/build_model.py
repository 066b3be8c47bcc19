#!/usr/bin/env python3
"""Generate cases/afpak/model.xmile from the compact specification below.

Why a generator: the model has ~150 variables, each with units and a provenance note; writing the
XML by hand invites typos, and a table of (name, equation, units, doc) is easier to review. The
generated model.xmile is the artefact the project ships and the engine reads; edit either this file
(then re-run `python3 cases/afpak/tools/build_model.py`) or the XMILE directly, but keep them in
step (the README says which one is canonical).

Doc conventions: "[Pn]" = the essay paragraph whose claim the variable encodes (paraphrased);
"Source:" = a named outside source; "Judgement, plausible range a-b" = a modelling judgement.
"""
from __future__ import annotations

import pathlib
import sys
from xml.sax.saxutils import escape

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "model.xmile"

VARS: list[dict] = []


def stock(name, init, inflows=(), outflows=(), units="dmnl", doc="", nonneg=True):
    VARS.append(dict(kind="stock", name=name, eqn=str(init), inflows=list(inflows),
                     outflows=list(outflows), units=units, doc=doc, nonneg=nonneg))


def flow(name, eqn, units, doc):
    VARS.append(dict(kind="flow", name=name, eqn=eqn, units=units, doc=doc))


def aux(name, eqn, units, doc, gf=None):
    VARS.append(dict(kind="aux", name=name, eqn=eqn, units=units, doc=doc, gf=gf))


def const(name, value, units, doc):
    VARS.append(dict(kind="aux", name=name, eqn=repr(value) if isinstance(value, float) else str(value),
                     units=units, doc=doc, gf=None))


def judg(lo, hi, text, paras=""):
    p = f" {paras}" if paras else ""
    return f"Judgement, plausible range {lo}-{hi}. {text}{p}"


# ---------------------------------------------------------------------------------------------
# Scenario machinery: levers are 0..1 intensities that act from policy_start_year on.
# ---------------------------------------------------------------------------------------------
const("policy_start_year", 2022.5, "year",
      "Scenario convention: the year from which every policy lever acts (the essay's vantage point, "
      "mid-2022). The no_support_after_2001 counterfactual sets it to 2001.5.")
aux("policy_active", "STEP(1, policy_start_year)", "dmnl",
    "Scenario convention: 0 before policy_start_year, 1 from then on; multiplies every lever.")
const("pressure_on_taliban", 0, "dmnl",
      "Lever (0..1): Pakistan presses the Afghan Taliban militarily and economically and demands power-"
      "sharing and a reversal of their harshest policies, the option the essay names but expects the "
      "generals to refuse [P17].")
const("us_support_offer", 0, "dmnl",
      "Lever (0..1): size of a new US/IMF support package on offer, as a share of support_package_size; "
      "the essay says Pakistan's economic distress makes it turn to Washington [P19].")
const("us_conditionality", 0, "dmnl",
      "Lever (0..1): share of the new package paid only against delivered reform, including shutting "
      "down jihadi infrastructure and revising the India/Afghanistan view [P19].")
const("dismantle_effort", 0, "dmnl",
      "Lever (0..1): Pakistan's own effort to shut down militant groups and training/indoctrination "
      "centres, which the essay makes a precondition for a new start [P19].")
const("doctrine_shift", 0, "dmnl",
      "Lever (0..1): a deliberate revision of the India-as-existential-foe doctrine, the change of "
      "course the essay calls needed but improbable [P17] [P19] [P20].")
const("talks_commitment", 0, "dmnl",
      "Lever (0..1): Islamabad keeps negotiating with the TTP through Kabul's mediation whatever the "
      "TTP does, as in the 2021-22 talks and ceasefires [P14].")
const("support_cut", 0, "dmnl",
      "Lever (0..1): Pakistan stops backing the Afghan Taliban (sanctuary, logistics, leadership "
      "shelter); the counterfactual to two decades of backing [P8].")
const("anti_us_mobilisation", 0, "dmnl",
      "Lever (0..1): Imran Khan's return on a wave of anti-American, pro-Taliban sentiment [P18].")
const("strike_policy", 1, "dmnl",
      "Lever (0..1): how readily Pakistan answers TTP attacks with air and drone strikes inside "
      "Afghanistan; 1 = the 2022 practice [P4] [P14].")

# ---------------------------------------------------------------------------------------------
# Exogenous history (graphical functions of TIME; sources in data/SOURCES.md)
# ---------------------------------------------------------------------------------------------
aux("us_presence", "TIME", "dmnl",
    "Exogenous input: US and coalition military presence in Afghanistan, 1 = full presence. Source: "
    "public record via data/timeline.csv (invasion late 2001, end of the ISAF combat mission Dec 2014, "
    "Doha agreement Feb 2020, Bagram handed over July 2021, withdrawal complete 30 Aug 2021 = 2021.66). Intermediate levels are "
    "judgement (0.6 after 2014, 0.4 as the 2021 drawdown began). [P3] [P12]",
    gf=([2001, 2001.75, 2001.95, 2014.9, 2015.1, 2020.15, 2021.3, 2021.5, 2021.66, 2035],
        [0, 0, 1, 1, 0.6, 0.6, 0.4, 0.1, 0, 0]))
aux("post_911_alignment", "TIME", "dmnl",
    "Exogenous input: how far Pakistan's September 2001 decision to side with the US suppressed its "
    "backing of the Taliban, fading as the insurgency was rebuilt from Pakistani soil. Source: public "
    "record (Pakistan joined the US campaign in Sept 2001); the decay profile is judgement. [P8] [P9]",
    gf=([2001, 2001.7, 2001.75, 2003, 2005, 2007, 2035], [0, 0, 0.8, 0.6, 0.2, 0, 0]))
aux("haven_clearing_operations", "TIME", "1/year",
    "Exogenous input: fractional rate at which army operations clear militant havens in the tribal "
    "areas. Source: data/timeline.csv (Operation Zarb-e-Azb from June 2014, 2014.45) and public record "
    "(Swat/South Waziristan 2009, Radd-ul-Fasaad 2017); rates are judgement (1.5/yr in 2014-16, 0.2/yr of continuing operations after 2019). [P13]",
    gf=([2001, 2009.3, 2009.4, 2010.5, 2010.6, 2014.4, 2014.5, 2016.5, 2017.0, 2019.0, 2019.5, 2035],
        [0, 0, 0.3, 0.3, 0.05, 0.05, 1.5, 1.5, 0.5, 0.5, 0.2, 0.2]))
aux("ct_campaign_push", "TIME", "dmnl",
    "Exogenous input: the national counter-terrorism mobilisation after Zarb-e-Azb and the Dec 2014 "
    "Peshawar school massacre (National Action Plan, Jan 2015). Source: data/timeline.csv; size is "
    "judgement, plausible range 0.2-0.5. [P13]",
    gf=([2001, 2014.4, 2014.5, 2015.0, 2018.0, 2035], [0, 0, 0.2, 0.35, 0.3, 0.3]))
aux("fence_build_effort", "TIME", "1/year",
    "Exogenous input: fractional rate at which the unfenced border is closed. Source: fitted by hand "
    "to data/border_fence.csv (0 in Mar 2017, 31% end 2018, 83% end 2020, 94% Jan 2022: ISPR via press); "
    "after mid-2022 held at the 2021 rate (judgement). [P4]",
    gf=([2001, 2017.1, 2017.2, 2019.0, 2019.01, 2021.0, 2021.01, 2035],
        [0, 0, 0.25, 0.25, 0.85, 0.85, 1.1, 1.1]))
aux("us_aid_history", "TIME", "musd/year",
    "Exogenous input: US appropriations plus Coalition Support Fund reimbursements to Pakistan, "
    "million USD per year, plotted at fiscal-year midpoints. Source: CRS tables via data/us_aid.csv "
    "(FY2008-FY2018). 2002-2007 are not in our data and are held at the FY2008 level, and 2019 on at "
    "100 (judgement, plausible range 0-300). [P9]",
    gf=([2001, 2001.75, 2002.5, 2008.25, 2009.25, 2010.25, 2011.25, 2012.25, 2013.25, 2014.25,
         2015.25, 2016.25, 2017.25, 2018.25, 2019.25, 2035],
        [100, 100, 2043, 2043, 3040, 4504, 3581, 2604, 1548, 2177, 1604, 1203, 590, 108, 100, 100]))
aux("us_drone_campaign", "TIME", "dmnl",
    "Exogenous input: intensity of US drone strikes in Pakistan's tribal areas, normalised to the 2010 "
    "peak. Source: annual strike counts compiled by New America and the Bureau of Investigative "
    "Journalism (shape only, confidence C; not used for fitting). [P14]",
    gf=([2001, 2004, 2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2018, 2035],
        [0, 0.02, 0.05, 0.3, 0.45, 1.0, 0.6, 0.4, 0.22, 0.2, 0.1, 0.03, 0, 0]))
aux("historical_ceasefire", "TIME", "dmnl",
    "Exogenous input: TTP ceasefires in force, known to mid-2022 only: 9 Nov-9 Dec 2021 and from 2 June "
    "2022. Source: data/timeline.csv (Business Recorder; Newsweek Pakistan). After 2022.5 the model "
    "does not assume the ceasefire holds; talks_posture carries it endogenously. [P14]",
    gf=([2001, 2021.85, 2021.86, 2021.94, 2021.95, 2022.41, 2022.42, 2022.5, 2022.51, 2035],
        [0, 0, 1, 1, 0, 0, 1, 1, 0, 0]))
const("prisoner_release_time", 2021.62, "year",
      "Source: public record and UN Monitoring Team reports: the Taliban freed TTP prisoners from Afghan "
      "jails when they took Kabul in August 2021 (data/timeline.csv, 2021-08-15). [P4] [P13]")

# ---------------------------------------------------------------------------------------------
# Pakistan's strategy: doctrine, military dominance, support for the Taliban
# ---------------------------------------------------------------------------------------------
stock("india_threat_salience", 0.8, ["salience_change"], [],
      doc="Stock: how strongly Pakistan's military sees India as an existential threat and Afghanistan "
          "as a second front (0..1); the slow-moving belief behind the whole policy. Initial value is "
          "judgement, plausible range 0.7-0.9. [P6] [P7] [P17]")
flow("salience_change", "(salience_target - india_threat_salience) / doctrine_change_time", "1/year",
     "Flow (bi-directional): the doctrine drifts towards what military dominance, Indian influence in "
     "Kabul and reform pressures sustain. [P6] [P17] [P20]")
aux("salience_target",
    "MIN(1, salience_base + dominance_salience_weight * military_dominance + india_influence_weight * "
    "india_influence_in_afghanistan) * (1 - doctrine_shift * policy_active) * "
    "(1 - reform_doctrine_effect * reform_progress)", "dmnl",
    "The level of threat salience that current conditions sustain: a military that dominates politics "
    "keeps the India-centric view alive, an India-friendly Kabul feeds it, and reform or a deliberate "
    "doctrine shift erodes it. [P7] [P8] [P17] [P19] [P20]")
const("salience_base", 0.3, "dmnl", judg(0.1, 0.5, "Residual India threat salience without military "
      "dominance; the rivalry is real but the essay says the fear is overdrawn.", "[P20]"))
const("dominance_salience_weight", 0.45, "dmnl", judg(0.3, 0.6, "How much military dominance props up "
      "the India-centric doctrine.", "[P17]"))
const("india_influence_weight", 0.2, "dmnl", judg(0.1, 0.4, "How much Indian influence in Kabul "
      "raises Pakistan's threat perception (the fear of encirclement).", "[P7] [P8]"))
const("doctrine_change_time", 8.0, "year", judg(5, 15, "Time for a security doctrine to adjust; "
      "decades-old beliefs change slowly.", "[P6] [P17]"))
const("reform_doctrine_effect", 0.5, "dmnl", judg(0.2, 0.7, "How far completed reform revises the view "
      "of India as an existential foe.", "[P19]"))

aux("india_influence_in_afghanistan", "india_afghan_ties * (1 - taliban_control)", "dmnl",
    "India's influence in Afghanistan, which lives with the non-Taliban share of power and evaporated "
    "when the republic fell. [P8] [P15]")
const("india_afghan_ties", 0.8, "dmnl", judg(0.5, 1.0, "Closeness of India to a non-Taliban Kabul "
      "(aid, consulates). Source for the relation: VOA 2022 via the design's actor map.", "[P8]"))

stock("military_dominance", 0.85, ["dominance_change"], [],
      doc="Stock: the military's dominance over civilian politics and over Afghanistan policy (0..1). "
          "Initial value (Musharraf era) is judgement, plausible range 0.7-0.95. [P16] [P17]")
flow("dominance_change", "(dominance_target - military_dominance) / dominance_change_time", "1/year",
     "Flow (bi-directional): dominance drifts towards what the threat doctrine justifies. [P16] [P17]")
aux("dominance_target",
    "MIN(1, dominance_base + salience_dominance_weight * india_threat_salience) * "
    "(1 - reform_dominance_effect * reform_progress)", "dmnl",
    "Military primacy that the India-centric doctrine justifies, reduced by political reform; with "
    "salience_target this closes the praetorian-doctrine loop. [P16] [P17] [P19]")
const("dominance_base", 0.25, "dmnl", judg(0.1, 0.4, "Military dominance without a threat rationale.",
      "[P16]"))
const("salience_dominance_weight", 0.55, "dmnl", judg(0.3, 0.7, "How much the threat doctrine "
      "justifies military primacy.", "[P17]"))
const("dominance_change_time", 6.0, "year", judg(4, 12, "Time for civil-military balance to shift.",
      "[P16]"))
const("reform_dominance_effect", 0.4, "dmnl", judg(0.2, 0.6, "How far completed reform reduces military "
      "dominance.", "[P19]"))

stock("support_for_taliban", 0.85, ["support_change"], [],
      doc="Stock: Pakistan's accumulated backing of the Afghan Taliban: sanctuary, logistics, shelter for "
          "the leadership (0..1). Initial value is judgement, plausible range 0.7-1 (Pakistan was one of "
          "three states recognising the Taliban regime in 2001). [P3] [P8]")
flow("support_change", "(support_target - support_for_taliban) / support_adjust_time", "1/year",
     "Flow (bi-directional): backing adjusts towards what the doctrine and the domestic lobby demand. "
     "[P8] [P17]")
aux("support_target",
    "MIN(1, depth_motive_weight * india_threat_salience + constituency_support_weight * "
    "pro_taliban_constituency) * (1 - post_911_alignment) * (1 - support_cut * policy_active) * "
    "(1 - pressure_support_reduction * pressure_on_taliban * policy_active) * "
    "(1 - reform_support_effect * reform_progress) * (1 - us_ties_restraint * us_support_leverage)",
    "dmnl",
    "The backing the military wants to give: driven by the wish to keep India out of Afghanistan and by "
    "sympathisers at home; cut by the post-9/11 alignment, by the counterfactual cut, by a turn to "
    "pressure, by reform, and a little by dependence on US support. [P3] [P8] [P12] [P17] [P19]")
const("depth_motive_weight", 0.8, "dmnl", judg(0.6, 1.0, "How strongly India threat salience drives "
      "support for the Taliban (strategic depth; denying India a foothold).", "[P3] [P8]"))
const("constituency_support_weight", 0.3, "dmnl", judg(0.1, 0.5, "How much the domestic pro-Taliban "
      "lobby raises the cost of reversing the policy.", "[P12] [P17]"))
const("support_adjust_time", 2.0, "year", judg(1, 5, "Time to build up or wind down covert backing.",
      "[P8]"))
const("pressure_support_reduction", 0.5, "dmnl", judg(0.3, 0.8, "How much a turn to pressure cuts "
      "backing.", "[P17]"))
const("reform_support_effect", 0.6, "dmnl", judg(0.3, 0.9, "How far completed reform ends backing for "
      "the Taliban (revising the view of Afghanistan as a satellite).", "[P19]"))
const("us_ties_restraint", 0.2, "dmnl", judg(0.0, 0.4, "How much dependence on US support restrains "
      "backing of the Taliban; weak, since billions of aid did not change the calculus.", "[P9]"))
aux("us_support_leverage", "MIN(1, external_support / support_package_size)", "dmnl",
    "US and IMF money relative to a large package: the leverage the essay says Washington never used "
    "well. [P9] [P19]")

# ---------------------------------------------------------------------------------------------
# Afghanistan: Taliban control, recognition, leverage
# ---------------------------------------------------------------------------------------------
stock("taliban_control", 0.9, ["taliban_gains"], ["taliban_losses"],
      doc="Stock: share of Afghanistan's territory and power held by the Taliban (0..1). Initial value: "
          "they ruled most of the country in early 2001 (public record), judgement 0.85-0.95. [P3] [P6]")
flow("taliban_gains", "MAX(0, taliban_control_target - taliban_control) / taliban_gain_time", "1/year",
     "Flow: the insurgency gains ground, slowly against US forces, fast once they leave. [P3] [P12]")
flow("taliban_losses", "MAX(0, taliban_control - taliban_control_target) / taliban_loss_time", "1/year",
     "Flow: the Taliban lose ground, as in the late-2001 collapse. Source: public record. [P6]")
aux("taliban_control_target",
    "MIN(1, insurgent_base_potential + support_potential_weight * support_for_taliban) * "
    "(1 - us_barrier * us_presence) * (1 - power_sharing_effect * taliban_compliance)", "dmnl",
    "The control the Taliban can hold: their own base plus what Pakistani backing adds, held down by "
    "US forces, and reduced if pressure forces power-sharing. [P5] [P8] [P17]")
const("insurgent_base_potential", 0.45, "dmnl", judg(0.3, 0.6, "Control the Taliban could hold without "
      "Pakistani backing.", "[P5]"))
const("support_potential_weight", 0.75, "dmnl", judg(0.4, 1.0, "How much Pakistani backing adds to "
      "Taliban potential; the essay credits it with their return.", "[P5] [P20]"))
const("us_barrier", 0.75, "dmnl", judg(0.5, 0.9, "Share of Taliban potential US forces deny at full "
      "presence.", "[P3]"))
aux("taliban_gain_time", "fast_takeover_time + insurgency_gain_time * us_presence", "year",
    "Time for the Taliban to take ground: years while US forces fight them, months once they leave "
    "(Kabul fell weeks after the withdrawal). [P3] [P12]")
const("fast_takeover_time", 0.1, "year", judg(0.07, 0.5, "Time to take the country once US forces "
      "leave (public record: most provincial capitals fell within ten days in August 2021).", "[P3]"))
const("insurgency_gain_time", 6.0, "year", judg(3, 10, "Time for the insurgency to gain ground "
      "against US forces.", "[P9]"))
const("taliban_loss_time", 0.3, "year", judg(0.2, 1.0, "Time for the Taliban to lose ground when "
      "their potential falls (late 2001: weeks).", "[P6]"))
const("power_sharing_effect", 0.3, "dmnl", judg(0.1, 0.5, "Share of power the Taliban cede to other "
      "Afghan factions when they fully comply with Pakistani pressure.", "[P17]"))
aux("taliban_rules_kabul", "MIN(1, MAX(0, (taliban_control - 0.7) / 0.25))", "dmnl",
    "0..1 indicator that the Taliban govern Afghanistan (control above roughly three quarters); "
    "the threshold is judgement. [P3] [P12]")
aux("taliban_compliance", "SMTH1(pressure_on_taliban * policy_active * coercive_capacity, "
    "compliance_delay, 0)", "dmnl",
    "How far Kabul has bent to Pakistani pressure; it follows pressure only after a delay, which is why "
    "the pressure option pays off late. [P17]")
aux("coercive_capacity", "0.5 + 0.5 * MIN(1, leverage_over_kabul + 0.5)", "dmnl",
    "Pakistan's ability to make pressure bite (trade, transit, refugees, force); higher when it still "
    "holds leverage in Kabul. Judgement on the functional form. [P12] [P17]")
const("compliance_delay", 2.0, "year", judg(1, 4, "Time for pressure to change Taliban behaviour.",
      "[P17]"))
aux("leverage_over_kabul",
    "MIN(1, support_for_taliban * (1 - taliban_autonomy_weight * taliban_control) * "
    "(1 - recognition_autonomy_weight * taliban_recognition))", "dmnl",
    "Output: Pakistan's leverage over the rulers in Kabul, from its material support; it shrinks as "
    "the Taliban rule all of Afghanistan and as the world recognises them: influence runs both ways. "
    "[P12]")
const("taliban_autonomy_weight", 0.5, "dmnl", judg(0.3, 0.7, "How much ruling all of Afghanistan "
      "frees the Taliban from Pakistani leverage.", "[P12]"))
const("recognition_autonomy_weight", 0.5, "dmnl", judg(0.2, 0.8, "How much international recognition "
      "frees the Taliban from dependence on Pakistan.", "[P12]"))
stock("taliban_recognition", 0.0, ["recognition_gain"], [],
      doc="Stock: international recognition of the Taliban government (0..1). Starts at 0 after the "
          "three recognitions of 2001 lapsed (judgement). [P5]")
flow("recognition_gain",
     "recognition_rate * support_for_taliban * taliban_moderation * taliban_rules_kabul * "
     "(1 - taliban_recognition)", "1/year",
     "Flow: Pakistan lobbies for recognition, but the world waits for the Taliban to change their "
     "conduct, so lobbying alone achieves little. [P5]")
const("recognition_rate", 0.5, "1/year", judg(0.2, 1.0, "Speed of recognition once the Taliban "
      "moderate and Pakistan lobbies.", "[P5]"))
aux("taliban_moderation", "base_moderation + compliance_moderation * taliban_compliance", "dmnl",
    "How far the Taliban soften their hard line (girls' schooling, women's rights, power-sharing); "
    "near zero on their own, more under pressure. [P5] [P17]")
const("base_moderation", 0.05, "dmnl", judg(0, 0.15, "Taliban moderation without pressure; they have "
      "refused to relax their stance.", "[P5]"))
const("compliance_moderation", 0.6, "dmnl", judg(0.3, 0.9, "Moderation that sustained pressure "
      "extracts.", "[P17]"))
aux("afghan_support_burden",
    "burden_scale * taliban_rules_kabul * (1 - taliban_recognition) * support_for_taliban", "busd/year",
    "Outflow of Pakistan's reserves to prop up a pariah ally and its cash-starved population (trade "
    "credit, dollar outflows, refugees). [P5]")
const("burden_scale", 1.0, "busd/year", judg(0.3, 2.0, "Cost to Pakistan's external accounts of "
      "propping up an unrecognised Taliban government (press reports of dollar smuggling in 2021-22).",
      "[P5]"))

# ---------------------------------------------------------------------------------------------
# The TTP: sanctuary, fighters, momentum, grievance, tribal haven
# ---------------------------------------------------------------------------------------------
stock("ttp_sanctuary", 0.15, ["sanctuary_change"], [],
      doc="Stock: quality of the TTP's sanctuary in Afghanistan: shelter, stipends, freedom of movement "
          "(0..1). Initial value judgement 0.05-0.3 (the TTP had not yet formed). [P4] [P13]")
flow("sanctuary_change", "(sanctuary_target - ttp_sanctuary) / sanctuary_adjust_time", "1/year",
     "Flow (bi-directional): sanctuary adjusts to who rules Kabul and whether they restrain the TTP. "
     "[P4] [P13]")
aux("sanctuary_target",
    "taliban_control * ttp_kinship * (1 - taliban_restraint_of_ttp) + (1 - taliban_control) * "
    "republic_era_shelter", "dmnl",
    "Sanctuary the TTP can count on: Taliban-held Afghanistan shelters its ideological kin unless "
    "Kabul restrains them; the republic gave less (Pakistan alleged some). [P4] [P13] [P15]")
const("ttp_kinship", 0.9, "dmnl", judg(0.7, 1.0, "Strength of the Afghan Taliban's ties to the TTP; "
      "their ideologues refuse to cut them.", "[P13]"))
const("republic_era_shelter", 0.25, "dmnl", judg(0.1, 0.4, "Shelter the TTP found in areas the "
      "republic held (alleged by Islamabad; Source: VOA 2022 via the design's actor map).", "[P13] [P15]"))
const("sanctuary_adjust_time", 0.5, "year", judg(0.25, 1.0, "Time for sanctuary conditions to change.",
      "[P4]"))
aux("taliban_restraint_of_ttp",
    "MIN(1, goodwill_restraint * leverage_over_kabul * MIN(1, MAX(0, 0.5 + "
    "taliban_relations_component)) + compliance_restraint * taliban_compliance)", "dmnl",
    "How far the Afghan Taliban rein in the TTP: some, while they depend on Pakistan and relations with "
    "it are good (as insurgents before 2021); less once they rule all of Afghanistan and strikes sour "
    "relations; more under sustained pressure. [P4] [P12] [P13] [P17]")
const("goodwill_restraint", 0.8, "dmnl", judg(0.3, 1.0, "Restraint the Taliban offer per unit of "
      "Pakistani leverage when relations are good.", "[P12] [P13]"))
const("compliance_restraint", 0.7, "dmnl", judg(0.4, 0.9, "Restraint that full compliance with "
      "Pakistani pressure brings.", "[P17]"))

stock("ttp_fighters", 1500, ["ttp_recruitment", "prisoner_release"], ["ttp_attrition"], units="persons",
      doc="Stock: TTP fighters (the TTP formed in 2007 from militants already in the tribal areas). "
          "Initial value judgement, plausible range 500-3000. For scale: the UN Monitoring Team (12th "
          "report, 2021) put TTP fighters in Afghanistan at 2,500-6,000. [P4] [P13]")
flow("ttp_recruitment",
     "recruitment_capacity * recruitment_pressure * safe_space * (1 + talks_regroup_effect * talks_posture)",
     "persons/year",
     "Flow: recruits join when jihadi networks, grievance and a victorious narrative push them, provided "
     "the group has a safe place to organise; talks let it regroup. [P4] [P13] [P14]")
const("recruitment_capacity", 5400.0, "persons/year", judg(4000, 15000, "Recruits per year at full "
      "pressure and full safe space. Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); "
      "fitted value 5400."))
aux("recruitment_pressure",
    "infra_recruit_weight * jihadi_infrastructure + grievance_recruit_weight * pashtun_grievance + "
    "momentum_recruit_weight * militant_momentum", "dmnl",
    "Push into militancy from jihadi infrastructure, Pashtun-belt grievance and militant momentum. "
    "[P4] [P19] [P20]")
const("infra_recruit_weight", 0.35, "dmnl", judg(0.2, 0.5, "Recruits supplied by the jihadi "
      "infrastructure.", "[P19]"))
const("grievance_recruit_weight", 0.35, "dmnl", judg(0.1, 0.5, "Recruits driven by grievance "
      "(Caulkins et al. 2008; Kress & Szechtman 2009)."))
const("momentum_recruit_weight", 0.5, "dmnl", judg(0.2, 0.8, "Recruits drawn by a victorious jihadist "
      "narrative.", "[P4]"))
aux("safe_space", "MIN(1, tribal_haven + sanctuary_space_weight * ttp_sanctuary * cross_border_access)",
    "dmnl",
    "Space to recruit and train: the tribal-area haven at home plus the Afghan sanctuary as far as the "
    "border lets fighters through. [P4] [P13]")
aux("cross_border_access", "1 - fence_effectiveness * fence_completion", "dmnl",
    "How freely militants cross the border; the fence cuts it only partly. [P4]")
const("sanctuary_space_weight", 0.6, "dmnl", judg(0.3, 1.0, "How far an Afghan sanctuary can stand "
      "in for a home haven as a place to recruit and train.", "[P4] [P13]"))
const("fence_effectiveness", 0.5, "dmnl", judg(0.2, 0.7, "Share of cross-border movement a finished "
      "fence stops.", "[P4]"))
flow("prisoner_release",
     "released_prisoners / release_duration * taliban_rules_kabul * "
     "(STEP(1, prisoner_release_time) - STEP(1, prisoner_release_time + release_duration))",
     "persons/year",
     "Flow: TTP members freed from Afghan jails when the Taliban took power (only if they do take "
     "power). [P4] [P13]")
const("released_prisoners", 1500.0, "persons", judg(500, 3000, "TTP members freed in August 2021 "
      "(reports speak of hundreds to a few thousand).", "[P13]"))
const("release_duration", 0.25, "year", "Modelling convention: the release is spread over a quarter "
      "year, as the Taliban emptied prisons province by province.")
flow("ttp_attrition",
     "ttp_fighters * (natural_exit_rate + ct_attrition_rate * ct_capacity * ct_exposure * "
     "(1 - talks_ct_pause * talks_posture) + strike_attrition * cross_border_strikes)", "persons/year",
     "Flow: fighters lost to desertion and death, to counter-terrorism operations where the state can "
     "reach them (less during talks), and to cross-border strikes (Anderson 2011; Deitchman 1962). [P13] "
     "[P14]")
const("natural_exit_rate", 0.1, "1/year", judg(0.05, 0.2, "Fighters leaving or dying without state "
      "action."))
const("ct_attrition_rate", 1.5, "1/year", judg(0.3, 1.5, "Attrition per unit of CT capacity against "
      "fully exposed fighters. Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); fitted value 1.5 (at the "
      "top of its range).", "[P13]"))
const("talks_ct_pause", 0.5, "dmnl", judg(0.2, 0.8, "How much operations pause while talks run.",
      "[P14]"))
const("strike_attrition", 0.1, "1/year", judg(0.0, 0.3, "Attrition from cross-border strikes at unit "
      "intensity.", "[P14]"))
aux("ct_exposure",
    "MAX(0.05, 1 - haven_shield * tribal_haven - sanctuary_shield * ttp_sanctuary * (1 - tribal_haven))",
    "dmnl",
    "Share of fighters the state can reach: those in the tribal haven are partly shielded, those in "
    "Afghan sanctuary mostly so. [P13]")
const("haven_shield", 0.6, "dmnl", judg(0.3, 0.8, "Protection the tribal-area haven gives.", "[P13]"))
const("sanctuary_shield", 0.8, "dmnl", judg(0.5, 0.95, "Protection Afghan sanctuary gives.", "[P13]"))

aux("ttp_attacks_per_year",
    "ttp_fighters * attacks_per_fighter * operational_reach * ct_suppression * "
    "(1 + momentum_attack_effect * militant_momentum) * (1 - ceasefire_effect)", "attacks/year",
    "Output: TTP attacks in Pakistan (PIPS counts). Fighters times their tempo, limited by reach into "
    "Pakistan and by CT, raised by momentum, cut by ceasefires. Fitted to data/group_attacks.csv. [P4] "
    "[P13] [P14]")
const("attacks_per_fighter", 0.11, "attacks/person/year", judg(0.02, 0.2, "Attack tempo per fighter at "
      "full reach and no suppression. Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); "
      "fitted value 0.11."))
aux("operational_reach", "tribal_haven + (1 - tribal_haven) * cross_border_reach * cross_border_access",
    "dmnl",
    "How easily fighters reach targets: full from a home haven, only partly from across the border, "
    "and less as the fence closes it. [P4] [P13]")
const("cross_border_reach", 0.33, "dmnl", judg(0.2, 0.7, "Reach of fighters based across an open "
      "border relative to a home haven. Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); fitted value 0.33.", "[P13]"))
const("momentum_attack_effect", 1.0, "dmnl", judg(0.3, 2.0, "Extra tempo of a galvanised movement.",
      "[P4]"))
aux("ct_suppression", "1 / (1 + ct_suppression_strength * ct_capacity)", "dmnl",
    "Share of attempted attacks that CT capacity fails to prevent. [P13]")
const("ct_suppression_strength", 1.5, "dmnl", judg(0.5, 3.0, "Attacks prevented per unit of CT "
      "capacity."))
aux("ceasefire_effect",
    "ceasefire_strength * MAX(historical_ceasefire, talks_posture) * ttp_ceasefire_compliance", "dmnl",
    "Share of TTP attacks a ceasefire suppresses: the real 2021-22 ceasefires up to mid-2022, "
    "afterwards the model's own talks; a stronger TTP keeps a truce less. [P14]")
const("ceasefire_strength", 0.8, "dmnl", judg(0.5, 1.0, "Share of attacks a fully kept ceasefire "
      "stops.", "[P14]"))
aux("ttp_ceasefire_compliance", "1 / (1 + (ttp_fighters / compliance_reference) ^ 2)", "dmnl",
    "How far the TTP keeps a truce; the stronger it is, the less it needs one. Source for the mechanism: "
    "PIPS Pakistan Security Report (talks helped the TTP regroup). [P14]")
const("compliance_reference", 8000.0, "persons", judg(4000, 12000, "TTP size at which it keeps only "
      "half of a truce.", "[P14]"))

stock("militant_momentum", 0.2, ["momentum_gain"], ["momentum_decay"],
      doc="Stock: militant momentum and morale, the galvanising effect of jihadist victories (0..1+). "
          "Initial value judgement 0.1-0.3. [P4]")
flow("momentum_gain",
     "victory_momentum * taliban_gains + success_momentum * MIN(1, ttp_attacks_per_year / "
     "success_reference)", "1/year",
     "Flow: each gain of the Afghan Taliban energises Pakistani militants, the 2021 victory "
     "dramatically; the TTP's own campaign adds a little. [P4]")
const("success_momentum", 0.1, "1/year", judg(0.0, 0.23, "Momentum a sustained TTP campaign generates "
      "for itself. Upper end from the Hawkes fit of UCDP TTP events (notes/events.md, section 5): "
      "the self-excitation of TTP attacks has branching ratio 0.68, so this slower loop's gain near "
      "the reference rate, momentum_attack_effect x success_momentum x momentum_decay_time (0.3 at "
      "the defaults), must stay below it.", "[P4]"))
const("success_reference", 150.0, "attacks/year", judg(100, 400, "TTP attack rate at which its own "
      "campaign adds full momentum."))
const("victory_momentum", 2.0, "dmnl", judg(1, 4, "Momentum per unit of Taliban territorial gain.",
      "[P4]"))
flow("momentum_decay", "militant_momentum / momentum_decay_time", "1/year",
     "Flow: momentum fades without new victories. Judgement on the form. [P4]")
const("momentum_decay_time", 3.0, "year", judg(1, 5, "Time for the glow of a victory to fade.", "[P4]"))

stock("pashtun_grievance", 0.2, ["grievance_change"], [],
      doc="Stock: grievance in the Pashtun belt from civilian harm, displacement and border hardship "
          "(0..1). Initial value judgement 0.1-0.3. Source for the mechanism: Caulkins et al. 2008 "
          "('fire'), Kress & Szechtman 2009. [P14]")
flow("grievance_change", "(grievance_target - pashtun_grievance) / grievance_time", "1/year",
     "Flow (bi-directional): grievance follows current harm with a lag. [P14]")
aux("grievance_target",
    "MIN(1, grievance_base + operations_harm * haven_clearing_operations + drone_harm * "
    "us_drone_campaign + strike_harm * cross_border_strikes + fence_hardship * fence_completion)",
    "dmnl",
    "Grievance that current harm sustains: army operations and displacement, US drone strikes, "
    "Pakistani strikes into Afghanistan, a fence that splits Pashtun communities. [P6] [P14]")
const("grievance_base", 0.15, "dmnl", judg(0.05, 0.3, "Background grievance.", "[P8]"))
const("operations_harm", 0.25, "year", judg(0.1, 0.5, "Grievance per unit clearing rate (Zarb-e-Azb "
      "displaced about a million people, public record).", "[P13]"))
const("drone_harm", 0.4, "dmnl", judg(0.1, 0.6, "Grievance from US drone strikes at their 2010 peak.",
      "[P14]"))
const("strike_harm", 0.3, "dmnl", judg(0.1, 0.5, "Grievance from Pakistani cross-border strikes.",
      "[P14]"))
const("fence_hardship", 0.1, "dmnl", judg(0.0, 0.3, "Grievance from a fence dividing Pashtun "
      "communities.", "[P6]"))
const("grievance_time", 2.0, "year", judg(1, 4, "Time for grievance to build or fade."))

stock("tribal_haven", 0.8, ["haven_regrowth"], ["haven_clearing"],
      doc="Stock: militant haven inside Pakistan's tribal areas (0..1), which Zarb-e-Azb largely "
          "cleared. Initial value judgement 0.6-0.9. [P13]")
flow("haven_clearing", "tribal_haven * haven_clearing_operations", "1/year",
     "Flow: army operations clear the haven (exogenous campaigns). [P13]")
flow("haven_regrowth",
     "haven_regrowth_rate * (1 - tribal_haven) * MIN(1, ttp_fighters / haven_fighter_reference) * "
     "(1 - ct_capacity)", "1/year",
     "Flow: a strong TTP re-establishes itself in the tribal districts where the state is thin. [P13]")
const("haven_regrowth_rate", 0.15, "1/year", judg(0.1, 0.6, "Speed at which a haven regrows.", "[P13]"))
const("haven_fighter_reference", 5000.0, "persons", judg(5000, 20000, "TTP size at which it can "
      "regrow a haven at full speed."))

# ---------------------------------------------------------------------------------------------
# Pakistan's counter-terrorism, strikes and talks
# ---------------------------------------------------------------------------------------------
stock("ct_capacity", 0.2, ["ct_change"], [],
      doc="Stock: Pakistan's counter-terrorism capacity and tempo: forces, intelligence, CTD policing "
          "(0..1). Initial value judgement 0.1-0.3. Source for the mechanism: Choucri et al. 2007 "
          "(state capacity against insurgent load). [P13]")
flow("ct_change", "(ct_target - ct_capacity) / ct_build_time", "1/year",
     "Flow (bi-directional): capacity follows the threat, funded by the economy. [P13]")
aux("ct_target",
    "MIN(1, (ct_base + threat_response * perceived_threat + ct_campaign_push) * fiscal_capacity * "
    "(1 - constituency_ct_drag * pro_taliban_constituency))", "dmnl",
    "The CT effort the state sustains: a base, a response to perceived threat and the post-2014 "
    "campaign, scaled by what the budget allows and blunted by Taliban sympathisers in politics. [P12] "
    "[P13] [P18]")
const("ct_base", 0.2, "dmnl", judg(0.1, 0.3, "CT effort without a recent threat."))
const("threat_response", 0.2, "dmnl", judg(0.2, 0.8, "Extra effort at 1000 attacks a year. "
      "Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); fitted value 0.2 (bottom of range).", "[P13]"))
aux("perceived_threat", "MIN(1.5, SMTH1(terrorist_attacks_per_year, threat_perception_time) / "
    "threat_reference)", "dmnl",
    "Recent terrorism as the state perceives it, relative to a reference level. [P13]")
const("threat_perception_time", 1.0, "year", judg(0.5, 2, "Averaging time of threat perception."))
const("threat_reference", 1000.0, "attacks/year", "Modelling convention: about the 2014 level of "
      "terrorist attacks (data/pips_attacks.csv).")
aux("fiscal_capacity", "0.5 + 0.5 * economic_confidence", "dmnl",
    "Share of the desired CT effort the budget can fund (design link L38; Choucri et al. 2007). "
    "Judgement on the form. [P18]")
const("constituency_ct_drag", 0.4, "dmnl", judg(0.1, 0.6, "How much Taliban sympathisers blunt action "
      "against militants.", "[P12]"))
const("ct_build_time", 2.0, "year", judg(1, 4, "Time to build or run down CT capacity."))

aux("cross_border_strikes",
    "strike_policy * (1 - us_presence) * MIN(1.5, MAX(0, SMTH1(ttp_attacks_per_year, strike_reaction_time) "
    "- strike_tolerance) / strike_threshold) * ttp_sanctuary", "dmnl",
    "Intensity of Pakistani air and drone strikes on TTP targets in Afghanistan: an answer to TTP "
    "attacks aimed at their sanctuary, held back while US forces were there. [P4] [P14]")
const("strike_reaction_time", 0.25, "year", judg(0.1, 0.5, "Delay between attacks and retaliation.",
      "[P4]"))
const("strike_threshold", 100.0, "attacks/year", judg(50, 300, "TTP attacks above the tolerance that "
      "bring strikes at unit intensity.", "[P14]"))
const("strike_tolerance", 80.0, "attacks/year", judg(0, 150, "TTP attack rate Pakistan tolerates before "
      "striking across the border (no strikes in late 2021 at about 90 a year; strikes in April 2022).",
      "[P4] [P14]"))

stock("talks_posture", 0.0, ["talks_change"], [],
      doc="Stock: Islamabad's engagement in talks with the TTP (0..1), mediated by Kabul. Zero before "
          "the 2021 talks. [P4] [P14]")
flow("talks_change", "(talks_target - talks_posture) / talks_adjust_time", "1/year",
     "Flow (bi-directional): engagement follows willingness. [P14]")
aux("talks_target",
    "MIN(1, mediation_availability * accommodation_bias * (1 + constituency_talks_weight * "
    "pro_taliban_constituency) * ttp_ceasefire_compliance + talks_commitment * policy_active)", "dmnl",
    "Willingness to talk: possible only with a Taliban mediator on good terms with Islamabad, more "
    "attractive with Taliban sympathisers in politics, abandoned when the TTP does not keep its "
    "truces (unless committed to by the lever). [P4] [P12] [P14]")
aux("mediation_availability", "taliban_rules_kabul * MAX(0, pak_kabul_relations)", "dmnl",
    "Kabul's availability as mediator between Islamabad and the TTP. [P4] [P14]")
const("accommodation_bias", 0.6, "dmnl", judg(0.2, 1.0, "The state's inclination to settle with the "
      "TTP when a mediator is available.", "[P14]"))
const("constituency_talks_weight", 1.0, "dmnl", judg(0.3, 2.0, "How much the pro-Taliban lobby favours "
      "talks.", "[P12]"))
const("talks_regroup_effect", 0.6, "dmnl", judg(0.2, 1.0, "Extra recruitment while talks run "
      "(releases, returns); Source: PIPS Pakistan Security Report.", "[P14]"))
const("talks_adjust_time", 0.25, "year", judg(0.1, 0.5, "Time to open or drop talks.", "[P14]"))

# ---------------------------------------------------------------------------------------------
# Bilateral relations and the border
# ---------------------------------------------------------------------------------------------
stock("pak_kabul_relations", 0.7, ["relations_change"], [], nonneg=False,
      doc="Stock: Pakistan-Kabul relations, -1 hostile to +1 close, with whoever governs Kabul. Initial "
          "value judgement 0.6-0.8 (Pakistan recognised the Taliban regime). [P4] [P6]")
flow("relations_change", "(relations_target - pak_kabul_relations) / relations_adjust_time", "1/year",
     "Flow (bi-directional): relations follow current conditions. [P4]")
aux("relations_target",
    "MAX(-1, MIN(1, (1 - taliban_control) * republic_relations + taliban_control * "
    "taliban_relations_component))", "dmnl",
    "Relations Kabul's mix of rulers sustains: a cool republic, and Taliban goodwill bought by backing "
    "but eroded by strikes, border rows and pressure not yet complied with. [P4] [P6] [P14] [P17]")
const("republic_relations", -0.4, "dmnl", judg(-0.7, -0.1, "Relations with the republic, which never "
      "accepted the border and leaned to India.", "[P6] [P8]"))
aux("taliban_relations_component",
    "patronage_goodwill * support_for_taliban - strike_damage * cross_border_strikes - friction_damage "
    "* border_friction - pressure_cost * pressure_resentment", "dmnl",
    "Relations with the Taliban: goodwill from years of patronage minus strikes, border friction and "
    "the resentment of pressure. [P4] [P14] [P17]")
aux("pressure_resentment", "MAX(0, pressure_on_taliban * policy_active - taliban_compliance)", "dmnl",
    "Pressure Kabul has not yet bowed to; it resents it, which is the short-term price of the pressure "
    "option. [P17]")
const("patronage_goodwill", 0.8, "dmnl", judg(0.5, 1.0, "Goodwill bought by backing.", "[P12]"))
const("strike_damage", 1.0, "dmnl", judg(0.3, 1.2, "Damage to relations from strikes at unit "
      "intensity.", "[P4] [P14]"))
const("friction_damage", 0.8, "dmnl", judg(0.2, 1.0, "Damage to relations from border friction.",
      "[P4]"))
const("pressure_cost", 0.8, "dmnl", judg(0.3, 1.2, "Damage to relations from pressure Kabul has not "
      "yet bowed to.", "[P17]"))
const("relations_adjust_time", 0.5, "year", judg(0.25, 1.0, "Time for relations to follow events."))

stock("fence_completion", 0.0, ["fence_building"], [],
      doc="Stock: share of the 2,611 km border fenced. Source: data/border_fence.csv (ISPR via press). "
          "[P4]")
flow("fence_building",
     "fence_build_effort * (1 - fence_completion) * (1 - fence_obstruction * border_friction)", "1/year",
     "Flow: fencing proceeds at the historical pace on what remains, slowed when Afghan border guards "
     "obstruct it. [P4]")
const("fence_obstruction", 0.3, "dmnl", judg(0.0, 0.6, "How far friction slows fencing.", "[P4]"))

stock("border_friction", 0.2, ["friction_change"], [],
      doc="Stock: border friction: clashes, closures and disputes over the fence (0..1). Initial value "
          "judgement 0.1-0.3. [P4] [P6]")
flow("friction_change", "(friction_target - border_friction) / friction_adjust_time", "1/year",
     "Flow (bi-directional): friction follows its drivers. [P4]")
aux("friction_target",
    "MIN(1, durand_dispute + fence_friction_weight * fence_building + strike_friction * "
    "cross_border_strikes + hostility_friction * MAX(0, 0 - pak_kabul_relations))", "dmnl",
    "Friction that Kabul's rejection of the Durand Line, active fencing, strikes and hostility "
    "sustain. [P4] [P6]")
const("durand_dispute", 0.15, "dmnl", judg(0.05, 0.3, "Background friction: no Kabul government has "
      "accepted the 1896 border.", "[P6]"))
const("fence_friction_weight", 1.0, "year", judg(0.3, 2.0, "Friction per unit fencing rate (share of "
      "border per year).", "[P4]"))
const("strike_friction", 0.3, "dmnl", judg(0.1, 0.6, "Friction from strikes.", "[P14]"))
const("hostility_friction", 0.3, "dmnl", judg(0.1, 0.6, "Friction from hostile relations.", "[P4]"))
const("friction_adjust_time", 0.5, "year", judg(0.25, 1.0, "Time for friction to follow events."))

# ---------------------------------------------------------------------------------------------
# Domestic politics: pro-Taliban constituency, jihadi infrastructure, reform
# ---------------------------------------------------------------------------------------------
stock("pro_taliban_constituency", 0.3, ["constituency_change"], [],
      doc="Stock: the pro-Taliban constituency inside Pakistan: clerics, Islamist parties, sympathetic "
          "public and parts of the elite (0..1). Initial value judgement 0.2-0.4. [P12] [P18]")
flow("constituency_change", "(constituency_target - pro_taliban_constituency) / constituency_time",
     "1/year",
     "Flow (bi-directional): the constituency follows Taliban fortunes and mobilisation. [P12]")
aux("constituency_target",
    "MIN(1, constituency_base + infra_constituency_weight * jihadi_infrastructure + "
    "victory_constituency_weight * taliban_control + anti_us_constituency * anti_us_mobilisation * "
    "policy_active) * (1 - reform_constituency_effect * reform_progress)", "dmnl",
    "Constituency that current conditions sustain: the madrasa and party networks, the Taliban's own "
    "success (influence moving both ways), and anti-American mobilisation; reform shrinks it. [P8] "
    "[P12] [P18] [P20]")
const("constituency_base", 0.15, "dmnl", judg(0.05, 0.3, "Core constituency of clerics and Islamist "
      "parties.", "[P12]"))
const("infra_constituency_weight", 0.2, "dmnl", judg(0.1, 0.4, "Constituency supplied by seminaries "
      "and militant fronts.", "[P8]"))
const("victory_constituency_weight", 0.3, "dmnl", judg(0.1, 0.5, "Constituency the Taliban's own "
      "success builds inside Pakistan.", "[P12]"))
const("anti_us_constituency", 0.25, "dmnl", judg(0.1, 0.4, "Constituency that a Khan-led "
      "anti-American campaign adds.", "[P18]"))
const("reform_constituency_effect", 0.3, "dmnl", judg(0.1, 0.5, "How far completed reform shrinks the "
      "constituency.", "[P20]"))
const("constituency_time", 3.0, "year", judg(2, 6, "Time for political sympathies to shift.", "[P12]"))

stock("jihadi_infrastructure", 0.75, ["infra_build"], ["infra_dismantling"],
      doc="Stock: Pakistan's jihadi infrastructure: militant groups, fronts, training and indoctrination "
          "centres (0..1). Initial value judgement 0.6-0.9. [P7] [P19] [P20]")
flow("infra_build",
     "infra_build_rate * military_dominance * india_threat_salience * (1 - jihadi_infrastructure)",
     "1/year",
     "Flow: a dominant military pursuing an India-centric doctrine keeps building the infrastructure. "
     "[P7] [P20]")
const("infra_build_rate", 0.25, "1/year", judg(0.1, 0.5, "Build rate at full dominance and salience.",
      "[P7]"))
flow("infra_dismantling",
     "jihadi_infrastructure * (infra_decay + dismantle_strength * MIN(1, dismantle_effort * "
     "policy_active + reform_progress) + nap_crackdown * ct_campaign_push)", "1/year",
     "Flow: decay, deliberate dismantling (lever or reform) and the partial post-2014 crackdown. [P19]")
const("infra_decay", 0.05, "1/year", judg(0.02, 0.1, "Natural decay of networks."))
const("dismantle_strength", 0.4, "1/year", judg(0.2, 0.8, "Dismantling rate at full effort.", "[P19]"))
const("nap_crackdown", 0.2, "1/year", judg(0.0, 0.4, "Dismantling per unit of the post-2014 campaign "
      "(the National Action Plan's partial crackdown)."))

stock("reform_progress", 0.0, ["reform_gain"], ["reform_backsliding"],
      doc="Stock: progress of the political and economic reform the essay asks the US to demand (0..1). "
          "Zero at start. [P19]")
flow("reform_gain",
     "reform_speed * reform_pressure * (1 - reform_progress) * (1 - reform_resistance)", "1/year",
     "Flow: reform advances when money depends on it (or when Pakistan chooses a doctrine shift), "
     "against resistance from the military and the Taliban lobby. [P17] [P19]")
flow("reform_backsliding", "reform_progress * backsliding_rate * (1 - reform_pressure)", "1/year",
     "Flow: reform erodes once the pressure for it lifts. Judgement on the form. [P19]")
aux("reform_pressure",
    "MIN(1, us_conditionality * us_support_offer * policy_active * (need_floor + (1 - need_floor) * "
    "economic_need) + doctrine_reform_push * doctrine_shift * policy_active)", "dmnl",
    "Pressure to reform: conditional money weighs more the worse the economic need; a chosen doctrine "
    "shift adds its own push. [P19] [P20]")
const("need_floor", 0.5, "dmnl", judg(0.2, 0.8, "Weight of conditional money even when reserves are "
      "comfortable.", "[P19]"))
const("doctrine_reform_push", 0.5, "dmnl", judg(0.2, 0.8, "Reform pressure that a chosen doctrine "
      "shift adds.", "[P20]"))
aux("reform_resistance",
    "resistance_weight * (military_dominance + pro_taliban_constituency) / 2", "dmnl",
    "Resistance to reform from the military and the Taliban lobby; why the essay calls change "
    "unlikely. [P16] [P17]")
const("resistance_weight", 0.6, "dmnl", judg(0.3, 0.9, "Strength of resistance to reform.", "[P17]"))
const("reform_speed", 0.6, "1/year", judg(0.2, 1.0, "Fractional reform speed at full pressure.",
      "[P19]"))
const("backsliding_rate", 0.2, "1/year", judg(0.05, 0.4, "Erosion of reform without pressure."))
aux("economic_need", "MIN(1, MAX(0, 1 - fx_reserves / reserve_comfort))", "dmnl",
    "Pakistan's need for outside money: how far reserves fall short of a comfortable level. [P18] [P19]")
const("reserve_comfort", 16.0, "busd", judg(12, 20, "Reserves (SBP) at which the state feels no "
      "external pressure (about three months of imports).", "[P18]"))

# ---------------------------------------------------------------------------------------------
# Baloch insurgency and other militants
# ---------------------------------------------------------------------------------------------
stock("baloch_strength", 0.3, ["baloch_recruitment"], ["baloch_attrition"],
      doc="Stock: strength of the Baloch nationalist insurgency (0..1). Initial value judgement 0.1-0.4 "
          "(the current phase began in the mid-2000s). [P15]")
flow("baloch_recruitment",
     "baloch_growth_rate * baloch_grievance_drive * (1 - baloch_strength)", "1/year",
     "Flow: the insurgency grows on grievance and economic distress, with a small contribution from the "
     "foreign support Islamabad alleges. [P15]")
aux("baloch_grievance_drive",
    "baloch_grievance_base + distress_weight * (1 - economic_confidence) + alleged_foreign_support * "
    "india_influence_in_afghanistan", "dmnl",
    "Drivers of Baloch recruitment; the alleged Indian/Afghan-republic help is weighted low, since the "
    "insurgency grew after it vanished. [P15]")
const("baloch_growth_rate", 0.5, "1/year", judg(0.2, 1.0, "Growth rate at unit drive.", "[P15]"))
const("baloch_grievance_base", 0.3, "dmnl", judg(0.1, 0.5, "Standing Baloch grievance (Source: Grare, "
      "Carnegie 2013, via the design's actor map).", "[P15]"))
const("distress_weight", 0.6, "dmnl", judg(0.1, 0.6, "Drive from economic distress.", "[P15] [P18]"))
const("alleged_foreign_support", 0.05, "dmnl", judg(0.0, 0.3, "Drive from the foreign help Pakistan "
      "alleges (disputed).", "[P15]"))
flow("baloch_attrition", "baloch_strength * baloch_ct_attrition * ct_in_balochistan", "1/year",
     "Flow: losses to security operations in Balochistan. [P15]")
const("baloch_ct_attrition", 1.45, "1/year", judg(0.3, 1.5, "Attrition per unit of CT capacity. "
      "Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); fitted value 1.45.", "[P15]"))
aux("ct_in_balochistan", "ct_capacity * (1 - ct_diversion * MIN(1, ttp_threat_index))", "dmnl",
    "CT capacity left for Balochistan once the TTP front draws forces away (design link L34). [P15]")
const("ct_diversion", 0.6, "dmnl", judg(0.2, 0.7, "Share of capacity a full TTP threat diverts.",
      "[P15]"))
aux("ttp_threat_index", "SMTH1(ttp_attacks_per_year, threat_perception_time) / strike_threshold",
    "dmnl", "TTP violence as the state perceives it, relative to the strike threshold. [P4]")
aux("baloch_attacks_per_year", "baloch_strength * baloch_attack_scale * ct_suppression",
    "attacks/year",
    "Output: attacks by Baloch nationalist insurgents, including on Chinese-built projects. Checked "
    "against data/group_attacks.csv (80 in 2018). [P15]")
const("baloch_attack_scale", 235.0, "attacks/year", judg(200, 800, "Baloch attacks per year at full "
      "strength and no suppression. Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); fitted value 235.", "[P15]"))
aux("other_attacks_per_year",
    "other_attack_scale * jihadi_infrastructure * (other_base_reach + tribal_haven + "
    "other_momentum_weight * militant_momentum) * ct_suppression", "attacks/year",
    "Output: attacks by other militant and sectarian groups (IS-K, sectarian and local outfits), fed "
    "by the jihadi infrastructure and havens. [P19] [P20]")
const("other_attack_scale", 440.0, "attacks/year", judg(200, 800, "Scale of other militant attacks. "
      "Fitted with tools/fit_pysd.py to the PIPS series to mid-2022 (TTP fighters in 2021 held inside the UN range); fitted value 440."))
const("other_base_reach", 0.15, "dmnl", judg(0.05, 0.3, "Reach of other groups without a haven."))
const("other_momentum_weight", 0.3, "dmnl", judg(0.2, 1.0, "Extra activity from militant momentum.",
      "[P4]"))
aux("terrorist_attacks_per_year",
    "ttp_attacks_per_year + baloch_attacks_per_year + other_attacks_per_year", "attacks/year",
    "Output: all terrorist attacks in Pakistan as PIPS counts them (militant, nationalist and sectarian; "
    "no security operations or drone strikes). Source for fitting: data/pips_attacks.csv. [P3] [P4]")
stock("cumulative_terrorist_attacks", 0, ["attack_accrual"], [], units="attacks",
      doc="Stock (accounting): terrorist attacks since 2001. [P3]")
flow("attack_accrual", "terrorist_attacks_per_year", "attacks/year",
     "Flow (accounting): attacks add up. [P3]")

# ---------------------------------------------------------------------------------------------
# Economy and external support
# ---------------------------------------------------------------------------------------------
stock("economic_confidence", 0.5, ["confidence_change"], [],
      doc="Stock: investor and economic confidence, a proxy for growth (0..1). Initial value judgement "
          "0.4-0.6. [P18]")
flow("confidence_change", "(confidence_target - economic_confidence) / confidence_adjust_time",
     "1/year", "Flow (bi-directional): confidence follows conditions. [P18]")
aux("confidence_target",
    "MAX(0, MIN(1, confidence_base - violence_drag * MIN(1.5, terrorist_attacks_per_year / "
    "threat_reference) - reserve_stress_drag * economic_need - trade_closure_drag * border_friction - "
    "cpec_drag * baloch_strength - polarisation_drag * anti_us_mobilisation * policy_active + "
    "reform_dividend * reform_progress))", "dmnl",
    "Confidence conditions sustain: hurt by terrorism, reserve stress, border closures, attacks on "
    "Chinese projects and political polarisation; helped by reform that opens trade with India and "
    "Afghanistan. [P15] [P18] [P20]")
const("confidence_base", 0.75, "dmnl", judg(0.6, 0.9, "Confidence without these drags."))
const("violence_drag", 0.15, "dmnl", judg(0.1, 0.4, "Confidence lost at 1000 attacks a year."))
const("reserve_stress_drag", 0.3, "dmnl", judg(0.1, 0.5, "Confidence lost in a full reserve crisis.",
      "[P18]"))
const("trade_closure_drag", 0.1, "dmnl", judg(0.0, 0.2, "Confidence lost to border closures.", "[P4]"))
const("cpec_drag", 0.1, "dmnl", judg(0.0, 0.2, "Confidence lost to Baloch attacks on Chinese "
      "projects.", "[P15]"))
const("polarisation_drag", 0.15, "dmnl", judg(0.05, 0.3, "Confidence lost to anti-US polarisation.",
      "[P18]"))
const("reform_dividend", 0.2, "dmnl", judg(0.05, 0.3, "Confidence gained from completed reform "
      "(treating neighbours as trading partners).", "[P20]"))
const("confidence_adjust_time", 1.0, "year", judg(0.5, 2.0, "Time for confidence to follow "
      "conditions."))

stock("fx_reserves", 3.5, ["external_support_disbursed", "underlying_balance"], ["afghan_support_burden"],
      units="busd",
      doc="Stock: State Bank of Pakistan foreign-exchange reserves, billion USD. Initial value judgement "
          "3-4.5 (mid-2001, not in our data). Checked against data/fx_reserves.csv (SBP weekly data, "
          "2017-2022). [P18] [P19]")
flow("underlying_balance",
     "balance_sensitivity * (economic_confidence - balance_neutral_confidence) + import_compression * "
     "(1 - fx_reserves / reserve_comfort) - structural_drain", "busd/year",
     "Flow (bi-directional): the balance of payments before official support: better with confidence; "
     "imports are squeezed when reserves run below comfort and expand above it. Judgement on the form. "
     "[P18]")
const("balance_sensitivity", 4.0, "busd/year", judg(5, 20, "Change in the balance per unit "
      "confidence."))
const("balance_neutral_confidence", 0.5, "dmnl", judg(0.4, 0.7, "Confidence at which the private "
      "balance is neutral."))
const("import_compression", 4.0, "busd/year", judg(1, 6, "Balance improvement when reserves are "
      "exhausted (and deterioration per unit of reserves above comfort)."))
const("structural_drain", 3.9, "busd/year", judg(0.5, 4, "Debt service and structural deficit. "
      "Fitted with tools/fit_pysd.py to SBP reserves 2017-2022 (data/fx_reserves.csv); fitted value 3.9.",
      "[P18]"))
flow("external_support_disbursed", "external_support", "busd/year",
     "Flow: official money from the US, the IMF and friendly lenders entering reserves. [P19]")
stock("external_support", 1.5, ["support_pipeline_change"], [], units="busd/year",
      doc="Stock: the pipeline of US and IMF support as an annual disbursement rate. Initial value "
          "judgement 1-2. [P9] [P19]")
flow("support_pipeline_change", "(external_support_target - external_support) / disbursement_lag",
     "busd/year/year", "Flow (bi-directional): disbursements follow commitments with a lag. [P19]")
aux("external_support_target",
    "us_aid_history / musd_per_busd + other_official_inflows + new_us_package", "busd/year",
    "Official money Pakistan can count on: the historical US aid stream, other official lenders (IMF, "
    "China, Gulf) and any new US package. [P9] [P19]")
const("musd_per_busd", 1000.0, "musd/busd", "Unit conversion: a billion is a thousand million.")
const("other_official_inflows", 1.5, "busd/year", judg(0.5, 3.0, "Baseline support from the IMF, "
      "China and Gulf states (rollovers and programmes).", "[P19]"))
aux("new_us_package",
    "us_support_offer * policy_active * support_package_size * (1 - us_conditionality + "
    "us_conditionality * reform_delivery) * (1 - anti_us_penalty * anti_us_mobilisation * policy_active)",
    "busd/year",
    "A new US/IMF package: unconditional money flows at once; the conditional share flows only as "
    "reform is delivered; an anti-American turn cuts it. [P18] [P19]")
const("support_package_size", 3.0, "busd/year", judg(1, 6, "Size of a major US/IMF package per year.",
      "[P19]"))
aux("reform_delivery", "MIN(1, reform_progress / reform_benchmark)", "dmnl",
    "Share of the reform benchmark met, which releases conditional money. [P19]")
const("reform_benchmark", 0.4, "dmnl", judg(0.2, 0.6, "Reform progress that unlocks the full "
      "conditional package.", "[P19]"))
const("anti_us_penalty", 0.7, "dmnl", judg(0.3, 1.0, "Share of US support lost to an anti-American "
      "government.", "[P18] [P19]"))
const("disbursement_lag", 1.0, "year", judg(0.5, 2.0, "Time from commitment to disbursement."))


# ---------------------------------------------------------------------------------------------
def render() -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">',
             "  <header>",
             "    <vendor>blowback</vendor>",
             '    <product version="0.1">blowback cases/afpak/tools/build_model.py</product>',
             "    <name>afpak</name>",
             "    <caption>Pakistan, the Afghan Taliban and the TTP: how backing the Taliban backfired "
             "(2001-2035)</caption>",
             "  </header>",
             '  <sim_specs method="Euler" time_units="year">',
             "    <start>2001</start>",
             "    <stop>2035</stop>",
             "    <dt>0.0625</dt>",
             "  </sim_specs>",
             "  <model>",
             "    <variables>"]
    for v in VARS:
        tag = v["kind"]
        lines.append(f'      <{tag} name="{v["name"]}">')
        lines.append(f"        <doc>{escape(v['doc'])}</doc>")
        lines.append(f"        <eqn>{escape(v['eqn'])}</eqn>")
        if tag == "stock":
            for f in v["inflows"]:
                lines.append(f"        <inflow>{f}</inflow>")
            for f in v["outflows"]:
                lines.append(f"        <outflow>{f}</outflow>")
            if v["nonneg"]:
                lines.append("        <non_negative/>")
        if tag == "aux" and v.get("gf"):
            xs, ys = v["gf"]
            lines.append("        <gf>")
            lines.append(f"          <xpts>{','.join(str(x) for x in xs)}</xpts>")
            lines.append(f"          <ypts>{','.join(str(y) for y in ys)}</ypts>")
            lines.append("        </gf>")
        lines.append(f"        <units>{escape(v['units'])}</units>")
        lines.append(f"      </{tag}>")
    lines += ["    </variables>", "  </model>", "</xmile>", ""]
    return "\n".join(lines)


def check() -> list[str]:
    """Cheap structural checks: unique names, every name referenced exists, flows attached once."""
    import re
    errs = []
    names = [v["name"] for v in VARS]
    seen = set()
    for n in names:
        if n in seen:
            errs.append(f"duplicate {n}")
        seen.add(n)
    builtins = {"MIN", "MAX", "ABS", "EXP", "LN", "SQRT", "SMTH1", "DELAY1", "DELAY3", "STEP", "RAMP",
                "PULSE", "TIME", "DT", "STARTTIME", "INIT", "IF", "THEN", "ELSE", "AND", "OR", "NOT"}
    for v in VARS:
        for tok in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", v["eqn"]):
            if tok not in seen and tok not in builtins:
                errs.append(f"{v['name']}: unknown name {tok}")
        if not v["doc"]:
            errs.append(f"{v['name']}: no doc")
    attached = [f for v in VARS if v["kind"] == "stock" for f in v["inflows"] + v["outflows"]]
    for v in VARS:
        if v["kind"] == "flow" and attached.count(v["name"]) != 1:
            errs.append(f"flow {v['name']} attached {attached.count(v['name'])} times")
    return errs


if __name__ == "__main__":
    problems = check()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    OUT.write_text(render())
    n_stock = sum(v["kind"] == "stock" for v in VARS)
    print(f"wrote {OUT} ({len(VARS)} variables, {n_stock} stocks)")
