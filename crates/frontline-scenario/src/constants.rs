//! Model constants: every tunable coefficient of the engine, its default,
//! its bounds and the reason or source for the default, in one place.
//!
//! A scenario overrides any of them under `[constants.<group>]`; `--set
//! constants.combat.lethality=0.01` does the same from the command line.
//! `docs/model.md` explains each equation that uses them. This module owns
//! the values only; the engine phases own the equations.

macro_rules! constants {
    ( $( $group:ident : $gty:ident { $( $(#[doc = $doc:literal])* $name:ident = $default:expr, [$lo:expr, $hi:expr]; )* } )* ) => {
        $(
            #[doc = concat!("Constants of the `", stringify!($group), "` group.")]
            #[derive(Debug, Clone, PartialEq)]
            pub struct $gty { $( $(#[doc = $doc])* pub $name: f64, )* }
            impl Default for $gty {
                fn default() -> Self { $gty { $( $name: $default, )* } }
            }
        )*

        /// All model constants, grouped by the phase that uses them.
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct Constants { $( #[doc = concat!("`[constants.", stringify!($group), "]`")] pub $group: $gty, )* }

        /// Description of one constant, for validation, the schema and the docs.
        #[derive(Debug, Clone)]
        pub struct ConstantInfo {
            /// Group (phase) name.
            pub group: &'static str,
            /// Constant name.
            pub name: &'static str,
            /// Default value.
            pub default: f64,
            /// Smallest allowed value.
            pub min: f64,
            /// Largest allowed value.
            pub max: f64,
            /// Meaning, unit and source or reason for the default.
            pub doc: &'static str,
        }

        impl Constants {
            /// Every constant with its default, bounds and documentation.
            pub fn catalogue() -> Vec<ConstantInfo> {
                vec![ $( $( ConstantInfo {
                    group: stringify!($group), name: stringify!($name), default: $default,
                    min: $lo, max: $hi, doc: concat!($($doc, "\n"),*).trim_ascii(),
                }, )* )* ]
            }
            /// Sets a constant by group and name; false if no such constant.
            pub fn set(&mut self, group: &str, name: &str, value: f64) -> bool {
                match (group, name) {
                    $( $( (stringify!($group), stringify!($name)) => { self.$group.$name = value; true } )* )*
                    _ => false,
                }
            }
            /// Reads a constant by group and name.
            pub fn get(&self, group: &str, name: &str) -> Option<f64> {
                match (group, name) {
                    $( $( (stringify!($group), stringify!($name)) => Some(self.$group.$name), )* )*
                    _ => None,
                }
            }
        }
    };
}

constants! {
    perception: Perception {
        /// Length scale (km) of the exponential decay of threat with distance
        /// (C9): an enemy at distance d weighs exp(-d / scale). Assumption:
        /// 100 km makes an enemy at Ramadi (~110 km from Baghdad) weigh about
        /// a third of one at the gates, and one at Mosul (~400 km) about 2 %.
        distance_scale_km = 100.0, [1.0, 10000.0];
    }
    supply: Supply {
        /// Share of an actor's weapons stock issued to its recipient force
        /// groups per week. Assumption: stocks are distributed within weeks.
        weapons_issue_rate = 0.5, [0.0, 1.0];
        /// Morale lost per week by a force group whose upkeep goes fully
        /// unpaid (scaled by the unpaid share). Assumption.
        unpaid_morale_loss = 0.1, [0.0, 1.0];
        /// Share of personnel deserting per week when upkeep goes fully
        /// unpaid (scaled by the unpaid share). Assumption.
        unpaid_desertion = 0.05, [0.0, 1.0];
        /// Money (scenario money units) spent per recruit. 0 by default:
        /// recruitment costs are folded into upkeep.
        recruit_cost = 0.0, [0.0, 1.0e9];
        /// Quality gained per week of training, as a share of the gap to 1
        /// (quality approaches 1 geometrically). Assumption.
        training_gain = 0.02, [0.0, 1.0];
        /// Money per person per week of training. Assumption.
        training_cost = 0.0, [0.0, 1.0e9];
    }
    recruitment: Recruitment {
        /// Recruitment multiplier of a force group with no equipment at all
        /// (rises linearly to 1 at one weapon set per fighter): men join a
        /// force that can arm them (C1). Assumption.
        unarmed_factor = 0.25, [0.0, 1.0];
    }
    movement: Movement {
        /// Extra hops a group will march to keep off ground held by its
        /// enemies: it takes a path through friendly or neutral regions if
        /// one is at most this much longer than the shortest. 0 (off):
        /// shortest paths only, avoiding enemy ground only among equals.
        max_detour = 0.0, [0.0, 1000.0];
    }
    combat: Combat {
        /// Lanchester attrition coefficient per day: casualties inflicted per
        /// day by one effective fighter engaged. Assumption of the order of
        /// Helmbold's historical daily loss rates (0.5–2 % per day in
        /// sustained battle), lowered because a district is not a battlefield.
        lethality = 0.005, [0.0, 1.0];
        /// Standard deviation of the log-normal noise (mean 1) on each side's
        /// attrition rate per engagement; 0 gives the deterministic law.
        noise = 0.3, [0.0, 3.0];
        /// Weight of training quality: multiplier 1 + w·(2q − 1), so q = 0.5
        /// is neutral, q = 1 gives 1 + w. Assumption.
        quality_weight = 0.5, [0.0, 1.0];
        /// Weight of morale: multiplier 1 + w·(2m − 1). Assumption.
        morale_weight = 0.5, [0.0, 1.0];
        /// Weight of equipment: multiplier 1 + w·(min(e, 1.5) − 1) where e
        /// is weapon sets per fighter, so a fully armed force is neutral and
        /// an unarmed one fights at 1 − w. Assumption.
        equipment_weight = 0.5, [0.0, 1.0];
        /// Defender's multiplier in urban terrain. Order of magnitude of
        /// Dupuy's QJM terrain/posture factors (1.3–1.6 for urban defence).
        terrain_urban = 1.5, [0.1, 10.0];
        /// Defender's multiplier in rural (cultivated, river valley) terrain.
        terrain_rural = 1.1, [0.1, 10.0];
        /// Defender's multiplier in open desert.
        terrain_desert = 1.0, [0.1, 10.0];
        /// Defender's multiplier in mountains (Dupuy: rugged terrain 1.3–1.5).
        terrain_mountain = 1.4, [0.1, 10.0];
        /// Extra multiplier for a side ordered to `defend` a region (Dupuy's
        /// hasty defence ≈ 1.3).
        defend_posture = 1.3, [0.1, 10.0];
        /// Morale lost by a force group per unit share of its personnel lost
        /// in a tick (losing 10 % costs 0.1 × this). Assumption.
        morale_per_loss = 0.5, [0.0, 100.0];
        /// Morale gained by the side that takes a region. Assumption.
        victory_morale = 0.05, [0.0, 1.0];
    }
    air: Air {
        /// Largest extra combat multiplier that air support gives the
        /// supported side (C7): 1 + max_bonus · s/(s + half_saturation).
        /// Assumption.
        max_bonus = 0.5, [0.0, 10.0];
        /// Sorties per week at which air support gives half its largest bonus.
        /// Assumption.
        half_saturation = 20.0, [0.001, 1.0e6];
        /// Enemy fighters killed per air strike. Assumption: coalition
        /// statements in 2015 claimed on the order of 10,000 ISIS fighters
        /// killed for some 4,000+ strikes in Iraq and Syria, i.e. ≈ 1–3.
        kills_per_strike = 1.5, [0.0, 1000.0];
        /// Largest surge of an air group's sortie rate (mechanism
        /// `air_campaign`): an `air_surge` amount is clamped to [0, this], and
        /// the group may fly up to (1 + amount) × its sustainable sorties in
        /// the tick. Assumption, range 0.5–2: an air wing can roughly double
        /// its sustainable daily rate for a short surge, at the cost of crew
        /// rest and maintenance.
        max_surge = 1.0, [0.0, 10.0];
        /// Fatigue added per unit of surge (mechanism `air_campaign`):
        /// fatigue += this × surge; capacity = sorties × (1 + surge) ×
        /// (1 − fatigue). Assumption, range 0.1–0.5: a week's full surge
        /// (amount 1) costs a fifth of the next week's capacity.
        fatigue_per_surge = 0.2, [0.0, 1.0];
        /// Share of an air group's fatigue that recovers per week
        /// (mechanism `air_campaign`): fatigue ← fatigue · (1 − this)^Δ.
        /// Assumption, range 0.2–0.8: crews and aircraft recover within a
        /// few weeks of normal tempo.
        fatigue_recovery = 0.5, [0.0, 1.0];
        /// k in the interdiction share i = 1 − exp(−k · sorties / (enemy
        /// personnel in the region / 1000 + 1)) (mechanism `air_campaign`).
        /// Assumption, range 0.02–0.2: 10 sorties over a region held by 1000
        /// enemy fighters stop 1 − e^(−0.25) ≈ 22 % of their movement and
        /// resupply.
        interdiction_k = 0.05, [0.0, 100.0];
        /// k in the share of a region's remaining oil output put out of
        /// action by oil strikes, 1 − exp(−k · sorties) (mechanism
        /// `air_campaign`). Assumption, range 0.01–0.1: some 20 sorties put
        /// about 1 − e^(−1) ≈ 63 % of a field's output out of action.
        oil_k = 0.05, [0.0, 100.0];
    }
    rout: Rout {
        /// A force group routs from a region when its local morale —
        /// morale − loss_weight·(share lost this tick) −
        /// odds_weight·ln(enemy/own effective strength) — falls below this.
        threshold = 0.1, [0.0, 1.0];
        /// Weight of this tick's local loss share in local morale.
        loss_weight = 2.0, [0.0, 100.0];
        /// Weight of the log force ratio in local morale.
        odds_weight = 0.25, [0.0, 100.0];
        /// Share of a routed detachment that deserts (goes home, or is lost
        /// if the group recruits from no identity); the rest retreats.
        desert_share = 0.5, [0.0, 1.0];
        /// Share of the routed detachment's equipment abandoned and captured
        /// by the strongest enemy group in the region (C6).
        abandon_share = 0.8, [0.0, 1.0];
        /// Morale shock to the whole group, per unit share of the group that
        /// routed.
        morale_shock = 0.5, [0.0, 100.0];
        /// Morale below which a group in battle routs whatever the odds
        /// (panic). 0 (off): set it for forces known to have broken on
        /// contact, as an assumption with a range.
        panic_morale = 0.0, [0.0, 1.0];
        /// Morale lost by each other group of a routing side in the region,
        /// per unit share of the side's personnel there that routed. 0 (off).
        contagion = 0.0, [0.0, 10.0];
    }
    morale: Morale {
        /// Share of the gap to a group's initial morale recovered per week.
        recovery = 0.1, [0.0, 1.0];
    }
    control: Control {
        /// Force ratio (effective strength) at which a side takes a region
        /// from a present defender: the classic 3:1 rule of thumb.
        dominance = 3.0, [1.0, 100.0];
        /// Personnel below which a presence is ignored for control.
        min_presence = 50.0, [0.0, 1.0e9];
    }
    attitudes: Attitudes {
        /// Weekly rise of grievance (as a share of the gap to 1) of an
        /// identity excluded by the actor controlling its region (C1).
        exclusion_rate = 0.02, [0.0, 1.0];
        /// Weekly rise of grievance per unit of insecurity (combat deaths as
        /// a share of the region's population, times casualty_scale).
        insecurity_rate = 0.2, [0.0, 10.0];
        /// Deaths per inhabitant at which insecurity saturates is
        /// 1/casualty_scale (100 → 1 % of the population).
        casualty_scale = 100.0, [0.0, 1.0e9];
        /// Weekly rise of grievance at saturated abuse by militias of another
        /// identity (C8).
        abuse_rate = 0.05, [0.0, 1.0];
        /// Militia fighters of another identity per inhabitant at which abuse
        /// saturates (0.01: one fighter per hundred residents).
        abuse_saturation = 0.01, [1.0e-9, 1.0];
        /// Weekly relaxation of grievance towards its baseline.
        relaxation = 0.01, [0.0, 1.0];
        /// Share by which political inclusion lowers the grievance baseline (C1).
        inclusion_relief = 0.5, [0.0, 1.0];
        /// Weekly rate at which support moves towards its target.
        support_rate = 0.1, [0.0, 1.0];
        /// Shift of the support target per unit change of grievance: away
        /// from actors that exclude the group, towards their enemies.
        grievance_support = 0.8, [0.0, 10.0];
        /// Fall of support for a militia's owner per unit of abuse (C8).
        abuse_support = 0.5, [0.0, 10.0];
        /// Weekly rise of grievance of a group ruled by an actor it opposed
        /// at the start (per unit of that initial opposition). 0 (off): no
        /// source gives a rate; set it as an assumption with a range.
        occupation_rate = 0.0, [0.0, 1.0];
        /// Fall of the support target for a region's ruler and its allies
        /// per unit of the group's initial opposition to the ruler. 0 (off),
        /// for the same reason.
        occupation_support = 0.0, [0.0, 10.0];
    }

    manpower: Manpower {
        /// Men of fighting age (15–49) as a share of the population, where a
        /// region does not give `manpower_share`. Assumption (plausible range
        /// 0.2–0.3): in the UN World Population Prospects age structure of a
        /// young population like Iraq's, roughly half the people are aged
        /// 15–49 and half of them are men. (The Iraq CSO estimates of 2009
        /// and 2018 imply growth of about 2.1 % a year, the mark of such a
        /// population; they give no age structure.)
        share = 0.25, [0.0, 1.0];
        /// Men reaching fighting age per week, as a share of the population.
        /// Assumption (plausible range 0.00019–0.00029, i.e. 1–1.5 % a year):
        /// with about 40 % of a young population under 15, a one-year cohort
        /// is about 2.7 % of it, half of it male, ≈ 1.3 % a year ≈ 0.00025 a
        /// week. The stock regrows only up to share × population, since men
        /// also age out of it.
        coming_of_age = 0.00025, [0.0, 0.01];
        /// k in Epstein's estimated arrest probability P = 1 − exp(−k·H/(F+1))
        /// (deterrence): 2.3 makes P ≈ 0.9 when hostile and friendly armed
        /// men are one to one (Epstein 2002, PNAS, "Modeling civil violence").
        deterrence_k = 2.3, [0.0, 100.0];
        /// R in the net risk R·P subtracted from support (deterrence).
        /// Assumption (plausible range 0–1): Epstein's agents draw risk
        /// aversion uniformly on [0, 1]; 0.5 is its mean.
        risk_aversion = 0.5, [0.0, 1.0];
        /// Grievance cost of conscription: an identity's grievance rises by
        /// this × (share of its manpower conscripted this tick) × (1 − G).
        /// Assumption (plausible range 0.5–5): taking 1 % of the men adds
        /// about 1 % of the gap to full grievance.
        conscription_grievance = 1.0, [0.0, 100.0];
        /// Time constant τ (weeks) of the decay of an actor's momentum.
        /// Assumption (plausible range 4–26): a run of victories draws men
        /// for a few months, not years.
        momentum_weeks = 8.0, [0.1, 1000.0];
        /// Weight w of momentum in the recruitment multiplier exp(w·μ),
        /// clamped to [1/4, 4]. Assumption (plausible range 0–4): taking a
        /// tenth of what one holds (μ ≈ 0.1) raises recruitment by about 20 %.
        momentum_weight = 2.0, [0.0, 20.0];
    }

    force_generation: ForceGeneration {
        /// Weeks a recruit trains before he joins his group (training_pipeline;
        /// a group's `training_weeks` overrides it). Assumption, range 4–16:
        /// basic infantry training of a few weeks to a few months.
        training_weeks = 8.0, [0.0, 520.0];
        /// Recruits one trainer graduates per week: an actor's capacity is
        /// trainers × this (training_pipeline). Assumption, range 1–5: one
        /// instructor for a class of 10–20 over a course of about 8 weeks.
        trainees_per_trainer = 2.0, [0.0, 1000.0];
        /// Quality of a fresh graduate; graduates mix into their group's
        /// quality by personnel (training_pipeline; a group's
        /// `graduate_quality` overrides it). Assumption, range 0.3–0.5: below
        /// the neutral 0.5 of a seasoned unit.
        graduate_quality = 0.4, [0.0, 1.0];
        /// Weekly rise of quality, as a share of the gap to 1, of a group all
        /// of whose personnel fought (experience; scaled by the share that
        /// fought). Assumption, range 0.01–0.1: units learn in combat.
        combat_gain = 0.05, [0.0, 1.0];
        /// Weekly decay of quality, as a share of its excess over
        /// `quality_floor`, of a group that neither trained nor fought
        /// (experience). Assumption, range 0.005–0.05.
        decay = 0.01, [0.0, 1.0];
        /// Quality towards which an idle group decays (experience).
        /// Assumption, range 0.2–0.4.
        quality_floor = 0.3, [0.0, 1.0];
        /// Share of a rout's deserters who become stragglers and reassemble
        /// with their group (reassembly); the rest desert as before.
        /// Assumption, range 0.2–0.8.
        reassembly_share = 0.5, [0.0, 1.0];
        /// Weeks before stragglers reappear at their group's rally region
        /// (reassembly). Assumption, range 2–8.
        reassembly_weeks = 4.0, [0.0, 520.0];
        /// Weapon sets each reassembled straggler draws from his owner's
        /// stock, as far as it holds them; the rest return unarmed
        /// (reassembly). Assumption, range 0–1.
        reassembly_armed = 0.5, [0.0, 1.0];
    }

    economy: Economy {
        /// Weeks of payroll an owner must keep in hand before a group of its
        /// recruits (mechanism `payroll`): recruits are capped at
        /// (money − W · payroll) / (W · upkeep + recruit_cost). Assumption:
        /// armed groups hire against about a month of pay in hand; range 0–26.
        payroll_reserve_weeks = 4.0, [0.0, 520.0];
        /// Share of a region's oil damage repaired per week (mechanism
        /// `economy`). Assumption: improvised repairs restore damaged fields
        /// and refineries within months; range 0.01–0.2.
        oil_repair = 0.05, [0.0, 1.0];
    }

    planning: Planning {
        /// Ticks within which the forces an actor masses for an operation
        /// must be able to reach its objective (movement is one hop per
        /// tick, so also the hops counted), and after which an operation
        /// still massing launches or is abandoned; the default for an
        /// actor's `[actors.<id>.planning] horizon`. Assumption: 4 weekly
        /// ticks, about a month to concentrate a force; range 1–12.
        horizon = 4.0, [1.0, 1000.0];
        /// Force ratio (effective strength of the actor's side in and next
        /// to the objective over the enemy's in it) at which an operation
        /// launches; the default for `launch_ratio`. The classic 3:1 rule of
        /// thumb for the attacker, as `control.dominance` (Mearsheimer 1989
        /// discusses it and its critics).
        launch_ratio = 3.0, [1.0, 100.0];
        /// Force ratio, measured as for `launch_ratio`, below which an
        /// operation under way culminates and stops; the default for
        /// `culminate_ratio`. Assumption: parity, the point past which the
        /// attacker is no longer the stronger side; range 0.5–2.
        culminate_ratio = 1.0, [0.0, 100.0];
        /// Share of each planning force group kept out of operations (the
        /// reserve), the default for `reserve`. 0: no reserve unless the
        /// scenario declares one.
        reserve = 0.0, [0.0, 1.0];
        /// Personnel a planning force group leaves in each region its side
        /// holds when it masses or attacks (and in what it takes), the
        /// default for `garrison`. Assumption: 100, twice the default
        /// `control.min_presence`, so that a garrison counts for control;
        /// range 50–1000.
        garrison = 100.0, [0.0, 1.0e10];
        /// Ratio of hostile to own side's effective strength in a held
        /// region at which a planning group gives it up (when what it could
        /// mass there within the horizon would not bring the ratio below
        /// this), the default for `withdraw_ratio`. 0 (off): never withdraw.
        withdraw_ratio = 0.0, [0.0, 1000.0];
    }

    irregular: Irregular {
        /// k_d, detection rate per week (mechanism `irregular`): the share of
        /// hidden fighters detected in a tick of Δ weeks is
        /// 1 − exp(−k_d · Δ · coop · presence / cover). Assumption, range
        /// 0.2–5: at full cooperation and presence in rural cover about 63 %
        /// of the cells are found within a week (the population's informers,
        /// as in Athena's cooperation and PSOM's consent-and-intelligence loop).
        detection_rate = 1.0, [0.0, 100.0];
        /// Cover of hidden fighters in urban terrain (divides detection).
        /// Assumption, range 1–4: cities hide cells best.
        cover_urban = 2.0, [0.01, 100.0];
        /// Cover in rural (cultivated, river valley) terrain. Assumption,
        /// range 0.5–2: the reference.
        cover_rural = 1.0, [0.01, 100.0];
        /// Cover in open desert. Assumption, range 0.25–1: little to hide in.
        cover_desert = 0.5, [0.01, 100.0];
        /// Cover in mountains. Assumption, range 1–3.
        cover_mountain = 1.5, [0.01, 100.0];
        /// c in Deitchman's dG/dt = −c·A·G: hidden fighters killed per day
        /// per attacker per hidden fighter by area fire (scaled by the
        /// attackers' combat multiplier per head). Assumption, range
        /// 1e-7–1e-5: 1 000 attackers kill about 0.1 % of the undetected
        /// per day, a tenth of the aimed-fire rate at `combat.lethality`.
        area_lethality = 1.0e-6, [0.0, 1.0];
        /// d in Deitchman's dA/dt = −d·G: attackers killed per day per
        /// undetected fighter (raids, ambushes and bombs from cover; scaled
        /// by the hidden group's multiplier per head). Assumption, range
        /// 0.0005–0.005: below the aimed-fire `combat.lethality`.
        raid_lethality = 0.002, [0.0, 1.0];
        /// Weekly fall of support for a region's controller at saturated
        /// intimidation by hidden fighters hostile to it. Assumption, range
        /// 0–0.1.
        intimidation = 0.02, [0.0, 1.0];
        /// Hidden fighters per inhabitant at which intimidation saturates.
        /// Assumption, range 0.0005–0.01 (one cell member per 1 000
        /// inhabitants).
        intimidation_saturation = 0.001, [1.0e-9, 1.0];
        /// Share of its `tax` per head that an actor's hidden fighters
        /// extort from the population of a region it does not hold, at
        /// saturated intimidation (scaled like intimidation by
        /// min(1, hidden / (pop · intimidation_saturation))). Assumption,
        /// range 0.2–1: cells live on protection money and levies, but less
        /// of it than an administration collects.
        extortion = 0.5, [0.0, 1.0];
        /// Share of a full fighter's upkeep a hidden fighter costs.
        /// Assumption, range 0.1–0.5: cell members are part-time, live at
        /// home and are paid per operation rather than a soldier's wage.
        hidden_upkeep = 0.25, [0.0, 1.0];
    }

    presence: Presence {
        /// Population-weighted support for the holder below which a region
        /// without the holder's garrison counts as hostile to it (mechanism
        /// `presence`). Assumption, range −0.3–0.
        hostile_support = -0.1, [-1.0, 1.0];
        /// Consecutive weeks a region must stay ungarrisoned and hostile
        /// before its control lapses. Assumption, range 2–12: about a month.
        lapse_weeks = 4.0, [0.0, 520.0];
        /// Population-weighted support an actor needs to take a lapsed region
        /// by influence when nobody is present. Assumption, range 0–0.5.
        influence_support = 0.1, [-1.0, 1.0];
    }

    civilians: Civilians {
        /// Civilians killed per fighter killed in a square-law battle in
        /// urban terrain (civilian_harm). Assumption, range 0.3–3: fighting
        /// among dense housing kills more bystanders than fighting in the
        /// open (the reason urban rates are the highest; no source here gives
        /// a ratio).
        battle_rate_urban = 1.0, [0.0, 1000.0];
        /// Civilians killed per fighter killed in battle in rural terrain
        /// (civilian_harm). Assumption, range 0.1–1.
        battle_rate_rural = 0.3, [0.0, 1000.0];
        /// Civilians killed per fighter killed in battle in desert terrain
        /// (civilian_harm). Assumption, range 0–0.3: few people live there.
        battle_rate_desert = 0.05, [0.0, 1000.0];
        /// Civilians killed per fighter killed in battle in mountains
        /// (civilian_harm). Assumption, range 0.05–0.5.
        battle_rate_mountain = 0.2, [0.0, 1000.0];
        /// Civilians killed per air sortie flown over an urban region
        /// (civilian_harm, air_power). Assumption, range 0.1–2.
        strike_rate_urban = 0.5, [0.0, 1000.0];
        /// Civilians killed per sortie over a rural region. Assumption, range 0.05–1.
        strike_rate_rural = 0.2, [0.0, 1000.0];
        /// Civilians killed per sortie over desert. Assumption, range 0–0.2.
        strike_rate_desert = 0.02, [0.0, 1000.0];
        /// Civilians killed per sortie over mountains. Assumption, range 0.02–0.5.
        strike_rate_mountain = 0.1, [0.0, 1000.0];
        /// Civilians killed per unit of area fire (fire against fighters who
        /// are not located, spread over the ground they may be on) in urban
        /// terrain (civilian_harm). Assumption, range 0.5–5: unaimed fire is
        /// the most dangerous to bystanders, so area rates exceed battle rates.
        area_rate_urban = 2.0, [0.0, 1000.0];
        /// Civilians killed per unit of area fire in rural terrain. Assumption, range 0.2–2.
        area_rate_rural = 0.6, [0.0, 1000.0];
        /// Civilians killed per unit of area fire in desert. Assumption, range 0–0.5.
        area_rate_desert = 0.1, [0.0, 1000.0];
        /// Civilians killed per unit of area fire in mountains. Assumption, range 0.1–1.
        area_rate_mountain = 0.4, [0.0, 1000.0];
        /// Weekly rise of grievance (share of the gap to 1) per unit of harm,
        /// harm = min(1, attitudes.casualty_scale · civilian deaths / population)
        /// (civilian_harm). Assumption, range 0.05–1: of the order of
        /// `attitudes.insecurity_rate`, the same kind of term.
        harm_grievance = 0.2, [0.0, 10.0];
        /// Fall of the support target for the actor that killed the
        /// civilians, and its allies, per unit of harm it caused
        /// (civilian_harm). Assumption, range 0.1–2: of the order of
        /// `attitudes.abuse_support`.
        harm_support = 0.5, [0.0, 10.0];
        /// Weekly share of an identity that flees its region at saturated
        /// insecurity, insecurity = min(1, attitudes.casualty_scale ·
        /// (fighters and civilians killed) / population) (displacement).
        /// Assumption, range 0.05–0.5.
        flee_rate_combat = 0.2, [0.0, 1.0];
        /// Weekly share that flees per unit of fear of the region's
        /// controller, fear = max(0, −support for it) (displacement).
        /// Assumption, range 0–0.05: flight from feared rule is slower than
        /// flight from battle.
        flee_rate_fear = 0.01, [0.0, 1.0];
        /// Weekly share that flees at saturated abuse by militias of another
        /// identity (the C8 measure; displacement with sectarian_abuse on).
        /// Assumption, range 0–0.1.
        flee_rate_abuse = 0.02, [0.0, 1.0];
        /// Hops within which the displaced reach a camp (a region with
        /// `camp = true`) through ground not held by a side they fear; 0: no
        /// camps (displacement). Assumption, range 1–5.
        camp_reach = 3.0, [0.0, 1000.0];
        /// Weekly share of the displaced who go home once home is safe and
        /// held by a side they do not fear (displacement). Assumption, range
        /// 0.01–0.2: returns take months.
        return_rate = 0.05, [0.0, 1.0];
        /// Insecurity below which a home region counts as safe for return
        /// (displacement). Assumption, range 0–0.1: a week with fewer deaths
        /// than 0.01 % of its population (at casualty_scale 100).
        return_insecurity = 0.01, [0.0, 1.0];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_within_bounds_and_are_documented() {
        for c in Constants::catalogue() {
            assert!(c.min <= c.default && c.default <= c.max, "{}.{}", c.group, c.name);
            assert!(!c.doc.is_empty(), "{}.{} has no doc", c.group, c.name);
        }
    }

    #[test]
    fn the_model_document_tables_every_constant() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/model.md")).unwrap();
        let missing: Vec<String> = Constants::catalogue()
            .iter()
            .map(|c| format!("| `{}.{}` |", c.group, c.name))
            .filter(|row| !doc.contains(row.as_str()))
            .collect();
        assert!(missing.is_empty(), "docs/model.md has no table row for: {missing:?}");
    }

    #[test]
    fn set_and_get_round_trip() {
        let mut c = Constants::default();
        assert!(c.set("combat", "lethality", 0.01));
        assert_eq!(c.get("combat", "lethality"), Some(0.01));
        assert!(!c.set("combat", "nope", 1.0));
    }
}
