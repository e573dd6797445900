//! The scenario file format as written by users: one struct per TOML table,
//! each declared with `record!` so that its decoder and JSON Schema cannot
//! drift apart. Field doc comments are the format's reference documentation
//! (they become the schema's descriptions).
//!
//! Owns the shape of the format only. Cross-references, sums and bounds are
//! checked by `model`, which turns a `ScenarioSpec` into a validated `Model`.

use crate::decode::{At, Date, Map, Quantity};
use crate::{keyword, record};

keyword! {
    /// Terrain of a region; sets the defender's combat multiplier.
    pub enum Terrain { Urban = "urban", Rural = "rural", Desert = "desert", Mountain = "mountain" }
}

keyword! {
    /// What kind of armed body a force group is. `air` groups fly strikes
    /// instead of holding ground; `militia` groups can abuse civilians of
    /// another identity (C8).
    pub enum ForceKind {
        Army = "army", Police = "police", Militia = "militia", Tribal = "tribal",
        Insurgent = "insurgent", Air = "air", GroundTroops = "ground_troops", Other = "other"
    }
}

keyword! {
    /// Probability distribution of an uncertain parameter.
    pub enum Distribution { Fixed = "fixed", Uniform = "uniform", Triangular = "triangular", Normal = "normal", LogUniform = "loguniform" }
}

keyword! {
    /// What a rule or event does.
    pub enum TacticKind {
        /// Move `fraction` of `force` one region per tick towards `to`.
        Deploy = "deploy",
        /// Like deploy, but `to` defaults to the most promising enemy-held target.
        Attack = "attack",
        /// Move towards `to` (default: most threatened key region) and fight there with the defence posture bonus.
        Defend = "defend",
        /// Split the actor's weapons issue between force groups by `shares`.
        AllocateWeapons = "allocate_weapons",
        /// Split the actor's recruitment money between force groups by `shares`.
        AllocateMoney = "allocate_money",
        /// Transfer `amount` money per week to `actor`.
        Fund = "fund",
        /// Multiply the recruitment drive of `force` by `amount` this tick.
        Recruit = "recruit",
        /// Train `force` this tick (raises quality, costs money).
        Train = "train",
        /// Fly `fraction` of the air group `force`'s sorties over `to` (default: where allies fight).
        AirStrike = "air_strike",
        /// Move `fraction` of `force`'s fighters, with their share of its weapons, into the group `into` of the same actor, where they stand.
        Transfer = "transfer",
        /// Send `fraction` of `force`'s detachment in region `from` as a column to region `to`; the engine carries it one region per tick until it arrives.
        March = "march",
        /// Include `identity` politically (lowers its grievance baseline).
        Include = "include",
        /// Exclude `identity` politically (raises its grievance).
        Exclude = "exclude",
        /// Lend `fraction` of the actor's trainers to the actor `to` for this tick (training_pipeline).
        LendTrainers = "lend_trainers",
        /// Activate `force` and raise `amount` people from its identity's population where its owner's side holds ground.
        Raise = "raise",
        /// Let the air group `force` fly up to (1 + `amount`) times its sustainable sorties this tick, at a cost in fatigue (air_campaign).
        AirSurge = "air_surge",
        /// Hide `fraction` (default 1) of the open fighters of `force` in region `to` (absent: every region) (mechanism `irregular`).
        GoUnderground = "go_underground",
        /// Bring `fraction` (default 1) of the hidden fighters of `force` in region `to` (absent: every region) into the open (mechanism `irregular`).
        Surface = "surface",
    }
}

keyword! {
    /// The mechanisms of the design brief (C1–C9), each of which can be
    /// switched off to test the claim it expresses, and the engine features
    /// by which a war can turn (manpower, force generation, money, planning),
    /// each of which a scenario switches on.
    pub enum MechanismName {
        /// C1: exclusion raises grievance; inclusion lowers it.
        Inclusion = "inclusion",
        /// C2: actors fund other actors (`fund` tactic).
        ExternalSupport = "external_support",
        /// C3: `allocate_weapons` / `allocate_money` tactics take effect (off: split by personnel).
        WeaponsAllocation = "weapons_allocation",
        /// C4: perceived threat is updated each tick (off: frozen at its initial value).
        ThreatFeedback = "threat_feedback",
        /// C5: rules tagged with this mechanism (an actor's interest depending on enemy strength) fire.
        EnemyDependentGoals = "enemy_dependent_goals",
        /// C6: morale breaks into a rout that abandons equipment to the victor.
        Rout = "rout",
        /// C7: air strikes kill and multiply the supported side's strength.
        AirPower = "air_power",
        /// C8: militias of another identity raise grievance where they are.
        SectarianAbuse = "sectarian_abuse",
        /// C9: threat decays with distance (off: all enemy strength counts fully).
        DistanceDecay = "distance_decay",
        /// Engine feature (off by default): a finite stock of men of fighting age per region and identity, which recruitment draws from and never exceeds.
        Manpower = "manpower",
        /// Engine feature (off by default): voluntary recruitment is deterred by hostile armed presence (Epstein's net risk).
        Deterrence = "deterrence",
        /// Engine feature (off by default): groups with a `conscription` rate conscript where their owner controls, at a grievance cost.
        Conscription = "conscription",
        /// Engine feature (off by default): an owner's recent gains or losses of ground raise or lower its recruitment (bandwagoning).
        Momentum = "momentum",
        /// Engine feature (off by default): a group recruits only what its owner can pay; a shortfall cuts recruitment before pay.
        Payroll = "payroll",
        /// Engine feature (off by default): income from oil and revenue series, and costs of weapons bought.
        Economy = "economy",
        /// Engine feature (off by default): recruits pass through a training pipeline (delay, trainer capacity) before they fight.
        TrainingPipeline = "training_pipeline",
        /// Engine feature (off by default): quality rises with combat experience and decays without training or combat.
        Experience = "experience",
        /// Engine feature (off by default): routed deserters reassemble at a rear region after a delay, partly armed.
        Reassembly = "reassembly",
        /// Engine feature (off by default): actors with a `[actors.<id>.planning]` table choose, mass for, launch and end operations.
        Planning = "planning",
        /// Engine feature (off by default): the air campaign as a decision: sortie tempo within a capacity that can surge (with fatigue), close air support that scales with the partner's contact, interdiction of movement and resupply, and strikes on oil.
        AirCampaign = "air_campaign",
        /// Engine feature (off by default): force groups can fight hidden; attackers must detect them (the population's cooperation), and undetected fighters are fought by area fire (Deitchman).
        Irregular = "irregular",
        /// Engine feature (off by default): a side holds a region only while it keeps a garrison there or the population does not turn against it; control lapses to whoever is present or supported.
        Presence = "presence",
        /// Engine feature (off by default): battles, air strikes and area fire kill civilians, by terrain and kind of fire; the deaths raise grievance and lower support for the side that caused them.
        CivilianHarm = "civilian_harm",
        /// Engine feature (off by default): people flee combat, abuse and feared control to safer neighbouring regions or camps, with their identity, grievance and manpower, and return when home is safe.
        Displacement = "displacement",
    }
}

impl MechanismName {
    /// Whether the mechanism is on when a scenario does not name it: the
    /// claims C1–C9 are on, so that each can be switched off to test it; the
    /// engine features added after them are off, so that a scenario written
    /// before them runs as it did until it opts in.
    pub fn on_by_default(self) -> bool {
        !matches!(
            self,
            MechanismName::Manpower
                | MechanismName::Deterrence
                | MechanismName::Conscription
                | MechanismName::Momentum
                | MechanismName::Payroll
                | MechanismName::Economy
                | MechanismName::TrainingPipeline
                | MechanismName::Experience
                | MechanismName::Reassembly
                | MechanismName::Planning
                | MechanismName::AirCampaign
                | MechanismName::Irregular
                | MechanismName::Presence
                | MechanismName::CivilianHarm
                | MechanismName::Displacement
        )
    }
}

record! {
    /// `[scenario]`: metadata and the clock.
    pub struct ScenarioMeta ("[scenario]") {
        /// Human-readable name.
        name: String,
        /// What the scenario is for, its sources and caveats.
        description: Option<String>,
        /// First day simulated.
        start: At<Date>,
        /// Days per tick (default 7: weekly).
        tick_days: Option<At<u64>>,
        /// Number of ticks to run. Give either `ticks` or `end`.
        ticks: Option<At<u64>>,
        /// Last day simulated (inclusive); alternative to `ticks`.
        end: Option<At<Date>>,
        /// Default random seed (overridden by `--seed`).
        seed: Option<u64>,
        /// GeoJSON file (relative to this file) with one polygon per region; neighbours and positions come from it unless declared.
        map: Option<At<String>>,
        /// Feature property holding the region id in `map` (default "id").
        map_id_property: Option<String>,
        /// Posterior sample of the uncertain parameters (CSV, relative to this file) that ensemble, compare and backtest draw from by default (`--no-posterior` switches it off).
        posterior: Option<At<String>>,
        /// Events whose first date the record phase reports, e.g. `"controls(isis, ramadi)"`. Names map to expressions.
        watch: Map<At<String>>,
        /// Dates that matter to the question, by label, e.g. `"fall of Ramadi" = 2015-05-17`: charts mark them, and maps and reports default to them (with the last date).
        key_dates: Map<At<Date>>,
    }
}

record! {
    /// `[places.<id>]`: a named place (a key city) in a region, so that outcomes, rules and views can name it (`controls(isis, Ramadi)`); maps label it.
    pub struct PlaceSpec ("a place") {
        /// Name shown on maps and beside region ids (default: the id).
        name: Option<At<String>>,
        /// The region it is in (a region id).
        region: At<String>,
        /// Other names it goes by (e.g. another spelling); expressions and searches accept them, ignoring case.
        aliases: Vec<At<String>>,
        /// [longitude, latitude] in degrees of its label; default: the region's position.
        position: Option<At<Vec<f64>>>,
        /// Where the place's region assignment comes from.
        source: Option<String>,
    }
}

record! {
    /// `[identities.<id>]`: an identity group (Sunni Arab, Shia Arab, Kurd, …).
    pub struct IdentitySpec ("an identity") {
        /// Human-readable name.
        name: Option<String>,
    }
}

record! {
    /// `[regions.<id>]`: a place on the map.
    pub struct RegionSpec ("a region") {
        /// Human-readable name.
        name: Option<String>,
        /// Parent area (e.g. governorate id), for grouping in reports.
        parent: Option<String>,
        /// Terrain (default "rural").
        terrain: Option<Terrain>,
        /// Strategic value (default 1, at most 1e6); attack targeting weighs regions by it.
        value: Option<Quantity>,
        /// Neighbouring region ids; if absent and a map is given, derived from shared borders. Declared neighbours are symmetric.
        neighbours: Option<At<Vec<At<String>>>>,
        /// [longitude, latitude] in degrees; if absent, the map centroid.
        position: Option<At<Vec<f64>>>,
        /// Revenue per week (money units, at most 1e12) to whoever controls the region (oil, crossings).
        income: Option<Quantity>,
        /// Actor id controlling the region at the start; absent: nobody.
        control: Option<At<String>>,
        /// Population by identity id (each at most 1e10).
        population: Map<Quantity>,
        /// Alternative to `population`: the total population, split by `composition`.
        total_population: Option<At<Quantity>>,
        /// Shares of `total_population` by identity id; they must sum to 1.
        composition: Map<Quantity>,
        /// Initial grievance in [0, 1] by identity (default 0.2).
        grievance: Map<Quantity>,
        /// Initial support in [-1, 1] by identity, then by actor (default 0).
        support: Map<Map<Quantity>>,
        /// Where the numbers come from, or "assumption: …".
        source: Option<String>,
        /// Oil produced per day (barrels, at most 1e8) while the region is held; the holder earns 7 · oil · its `oil_price` per week (mechanism `economy`).
        oil: Option<Quantity>,
        /// Men of fighting age as a share of the population, in [0, 1], by identity id (default `constants.manpower.share`); read only when the `manpower` mechanism (or `conscription`) is on.
        manpower_share: Map<Quantity>,
        /// Whether the region takes in the displaced (a camp; default false): with the `displacement` mechanism on, people fleeing within `constants.civilians.camp_reach` hops of it through ground not held by a side they fear go there.
        camp: Option<bool>,
    }
}

record! {
    /// One tactic: what a rule or event does. Which other keys apply depends on `tactic`.
    pub struct TacticSpec ("a tactic") {
        /// The tactic.
        tactic: At<TacticKind>,
        /// Force group id (deploy, attack, defend, recruit, train, air_strike, transfer, raise).
        force: Option<At<String>>,
        /// Target: a region id, or "best_target" (most valuable weakly held enemy region next to the force), or "most_threatened" (the actor's most threatened key region), or "allied_fronts" (air_strike: where allies fight), or "broad_front" (deploy, attack: every detachment attacks the best enemy-held region next to it); for lend_trainers, the id of the actor that receives the trainers.
        to: Option<At<String>>,
        /// Receiving force group id (transfer): a ground group of the same actor.
        into: Option<At<String>>,
        /// Share of the force (deploy, attack, defend, air_strike, transfer, march), or of the actor's trainers (lend_trainers), in [0, 1]; default 0.5 (air_strike: 1, transfer: 0.1, lend_trainers: 1). A number outside [0, 1] is refused; an expression is computed when the tactic runs and clamped to [0, 1].
        fraction: Option<At<Quantity>>,
        /// Where movers come from: "adjacent" (default; only regions next to the target), "all" (every region, one step per tick) or a region id (only the detachment there moves one step along the shortest path each time; men who have left it are not carried on).
        from: Option<At<String>>,
        /// Amount: money per week (fund, at most 1e12), recruitment multiplier (recruit) or training intensity (train), both at most 1e3, or people raised (raise, at most 1e10). A number is checked against these bounds; an expression is computed when the tactic runs and clamped to ≥ 0.
        amount: Option<At<Quantity>>,
        /// Shares by force group id (allocate_weapons, allocate_money): numbers in [0, 1e6] or expressions (clamped to ≥ 0), normalised to sum to 1.
        shares: Option<Map<At<Quantity>>>,
        /// Recipient actor id (fund).
        actor: Option<At<String>>,
        /// Identity id (include, exclude).
        identity: Option<At<String>>,
        /// What an air_strike's sorties do (mechanism `air_campaign`): "support" (default: close air support, kills and the C7 bonus), "interdiction" (slow the enemy's movement and resupply in the region) or "oil" (put the region's oil output out of action). Ignored while `air_campaign` is off.
        mission: Option<At<AirMission>>,
    }
}

keyword! {
    /// The mission of an air strike (mechanism `air_campaign`).
    pub enum AirMission {
        /// Close air support: kills and the C7 multiplier, scaled by the partner's contact.
        Support = "support",
        /// Interdiction: enemy movement out of or into the region and its resupply are cut.
        Interdiction = "interdiction",
        /// Strikes on oil: the region's oil output is put out of action.
        Oil = "oil",
    }
}

record! {
    /// `[actors.<id>.rules.<name>]`: when `when` holds, do `then`.
    pub struct RuleSpec ("a rule") {
        /// Higher runs first (default 0); ties by name.
        priority: Option<Priority>,
        /// Condition: a boolean expression, e.g. `"threat(gov, baghdad) > 0.4 and date >= 2014-09-01"`. Default "true".
        when: Option<At<String>>,
        /// What to do.
        then: TacticSpec,
        /// Mechanism this rule expresses; the rule is off when that mechanism is switched off.
        mechanism: Option<At<MechanismName>>,
        /// Why the rule exists (source or reasoning).
        note: Option<String>,
    }
}

record! {
    /// `[actors.<id>]`: a decision maker.
    pub struct ActorSpec ("an actor") {
        /// Human-readable name.
        name: Option<String>,
        /// Fixed income per week (money units, e.g. million USD; at most 1e12).
        income: Option<Quantity>,
        /// Income per week per inhabitant of the regions it controls (taxation; at most 1e6).
        tax: Option<Quantity>,
        /// Weapon sets received per week from outside the theatre (at most 1e10).
        weapons_income: Option<Quantity>,
        /// Money at the start (at most 1e12).
        money: Option<Quantity>,
        /// Weapon sets in stock at the start (at most 1e10).
        weapons: Option<Quantity>,
        /// Region ids it must protect; threat is measured against them.
        key_regions: Vec<At<String>>,
        /// Actor ids it fights (hostility is symmetric).
        hostile: Vec<At<String>>,
        /// Actor ids it fights beside (alliance is symmetric).
        allies: Vec<At<String>>,
        /// Identity ids it excludes politically at the start (C1).
        excludes: Vec<At<String>>,
        /// Regions it wants to hold, with weights: attack targeting prefers them.
        goals: Map<Quantity>,
        /// Its strategy.
        rules: Map<RuleSpec>,
        /// Money it realises per barrel of oil from the regions it holds: an expression evaluated every tick, e.g. `"input(brent) * 0.4 / 1e6"` (mechanism `economy`; default 0).
        oil_price: Option<At<String>>,
        /// Other income per week: an expression evaluated every tick, e.g. `"input(aid)"` (mechanism `economy`; default 0).
        revenue: Option<At<String>>,
        /// Money per weapon set of `weapons_income`: deliveries are bought, and only what it can pay for arrives (mechanism `economy`; default 0, free; at most 1e6).
        weapons_price: Option<Quantity>,
        /// Trainers (people) who run its training pipelines: they graduate at most trainers × `force_generation.trainees_per_trainer` recruits per week (training_pipeline; default 0: no limit, only the delay applies; at most 1e10).
        trainers: Option<Quantity>,
        /// Planned operations (used when the `planning` mechanism is on): which of its force groups plan, mass for, launch and end operations, and with what thresholds.
        planning: Option<PlanningSpec>,
    }
}

record! {
    /// `[actors.<id>.planning]`: how an actor plans operations (the `planning` mechanism). Each listed ground group runs at most one operation at a time: it picks an objective by value and achievable force ratio, masses for it, launches at `launch_ratio`, and stops when it takes it or its ratio falls below `culminate_ratio`.
    pub struct PlanningSpec ("a planning table") {
        /// Ids of this actor's ground force groups that plan operations (at least one).
        forces: Vec<At<String>>,
        /// Ticks (a whole number, 1–1000) within which massing forces must be able to reach the objective, and after which an operation still massing launches or is abandoned (default `constants.planning.horizon`).
        horizon: Option<Quantity>,
        /// Force ratio (own side in and next to the objective over the enemy in it) at which an operation launches, in [1, 100] (default `constants.planning.launch_ratio`, 3).
        launch_ratio: Option<Quantity>,
        /// Force ratio below which an operation under way culminates and stops, in [0, launch_ratio] (default `constants.planning.culminate_ratio`, 1).
        culminate_ratio: Option<Quantity>,
        /// Share of each planning group kept out of operations, in [0, 1] (default `constants.planning.reserve`).
        reserve: Option<Quantity>,
        /// Personnel each planning group leaves in each held region it is in, ≥ 0 (default `constants.planning.garrison`).
        garrison: Option<Quantity>,
        /// Hostile over own side's effective strength at which a held region that cannot be reinforced in time is given up, ≥ 0; 0 never (default `constants.planning.withdraw_ratio`).
        withdraw_ratio: Option<Quantity>,
        /// Launch only once the planning group's own free men stand in or next to the objective (default false). With false, the odds that launch an operation count allies around the objective, so an operation can launch, find nobody of the group engaged and culminate on the same tick while the group is still in the rear, and be planned again the next (a known defect, docs/model.md §3.15); the default stays false until the scenarios calibrated with it are refitted.
        arrive_before_launch: Option<bool>,
        /// Region ids the actor may choose objectives among (default: every region).
        objectives: Option<Vec<At<String>>>,
    }
}

record! {
    /// `[forces.<id>]`: an armed body owned by an actor.
    pub struct ForceSpec ("a force group") {
        /// Owning actor id.
        actor: At<String>,
        /// Kind of force.
        kind: ForceKind,
        /// Identity it recruits from (absent: it does not recruit locally).
        identity: Option<At<String>>,
        /// Personnel by region id, each at most 1e10 (for air groups: strike sorties available per week, by base region).
        personnel: Map<Quantity>,
        /// Weapon sets held (default: one per person; at most 1e10).
        equipment: Option<Quantity>,
        /// Training quality in [0, 1] (default 0.5).
        quality: Option<Quantity>,
        /// Morale in [0, 1] (default 0.5).
        morale: Option<Quantity>,
        /// Morale below which this group breaks on contact whatever the odds (default: `constants.rout.panic_morale`).
        panic_morale: Option<Quantity>,
        /// Money per person per week (at most 1e6).
        upkeep: Option<Quantity>,
        /// Share of willing inhabitants recruited per week (default 0).
        recruit_rate: Option<Quantity>,
        /// Whether the group takes part from the start (default true); events can enable it later.
        active: Option<bool>,
        /// Where the numbers come from, or "assumption: …".
        source: Option<String>,
        /// Region id where its recruits train and join it (training_pipeline, raise; default: the region where it has most personnel at the start, else its owner's first key region, else the first region).
        depot: Option<At<String>>,
        /// Weeks its recruits train before they join it, in [0, 520] (training_pipeline; default `force_generation.training_weeks`).
        training_weeks: Option<Quantity>,
        /// Quality in [0, 1] of its graduates (training_pipeline; default `force_generation.graduate_quality`).
        graduate_quality: Option<Quantity>,
        /// Region id where its routed stragglers reassemble (reassembly; default: the depot).
        rally: Option<At<String>>,
        /// Share of its identity's manpower conscripted per week where its owner controls the region, in [0, 1] (default 0); acts only when the `conscription` mechanism is on.
        conscription: Option<Quantity>,
        /// People per week joining the group from outside the theatre (foreign fighters, volunteers from abroad): a number ≥ 0 or an expression computed every tick, e.g. `"ff_rate * 100"`; negative or undefined values count as 0. Needs `inflow_region`.
        inflow: Option<Quantity>,
        /// Region id where the `inflow` arrives.
        inflow_region: Option<At<String>>,
        /// Whether the group starts hidden (insurgent cells) in every region (mechanism `irregular`; default false): hidden fighters cannot take or hold control and are fought by area fire until detected. Not for air groups.
        hidden: Option<At<bool>>,
    }
}

record! {
    /// `[events.<id>]`: something scheduled on a date.
    pub struct EventSpec ("an event") {
        /// Date on which it happens (the first tick on or after it).
        date: At<Date>,
        /// Force group ids switched on.
        enable: Vec<At<String>>,
        /// Force group ids switched off.
        disable: Vec<At<String>>,
        /// Parameter values set from this date; each must lie in the parameter's declared range.
        set: Map<At<f64>>,
        /// Actor on whose behalf `then` acts.
        actor: Option<At<String>>,
        /// Tactics carried out once on that date.
        then: Vec<TacticSpec>,
        /// What happened and the source.
        note: Option<String>,
    }
}

record! {
    /// `[parameters.<id>]`: an uncertain parameter, usable by name in expressions.
    pub struct ParameterSpec ("a parameter") {
        /// Value used by a single run (magnitude at most 1e12).
        value: At<f64>,
        /// Lower end of its range (default: value).
        min: Option<At<f64>>,
        /// Upper end of its range (default: value).
        max: Option<At<f64>>,
        /// Distribution over [min, max] for sweeps (default uniform; normal uses mean = value, sd = (max − min)/4, truncated).
        distribution: Option<Distribution>,
        /// Source for the value, or the reasoning if it is an assumption.
        source: Option<String>,
        /// True if the value is a guess rather than a sourced number.
        assumption: Option<bool>,
    }
}

record! {
    /// A whole scenario: the tables at the top of a scenario file.
    pub struct ScenarioSpec ("the scenario") {
        /// Other scenario files (relative paths) merged into this one before it is read; later files and this file win on conflicts.
        include: Vec<String>,
        /// Metadata and clock.
        scenario: ScenarioMeta,
        /// Mechanism switches: the claims C1–C9 are on by default, the engine features (manpower, deterrence, conscription, momentum, payroll, economy, training_pipeline, experience, reassembly, planning, air_campaign) off.
        mechanisms: Map<At<bool>>,
        /// Overrides of model constants: `[constants.<group>] <name> = value`.
        constants: Map<Map<At<f64>>>,
        /// Uncertain parameters.
        parameters: Map<ParameterSpec>,
        /// Identity groups.
        identities: Map<IdentitySpec>,
        /// Regions.
        regions: Map<RegionSpec>,
        /// Named places (key cities) in the regions.
        places: Map<PlaceSpec>,
        /// Actors.
        actors: Map<ActorSpec>,
        /// Force groups.
        forces: Map<ForceSpec>,
        /// Scheduled events.
        events: Map<EventSpec>,
        /// Exogenous input series (oil price, foreign fighters, aid), read in expressions with `input(<id>)`.
        inputs: Map<InputSpec>,
    }
}

keyword! {
    /// How an input series is read between its points.
    pub enum Interpolation {
        /// Straight lines between points.
        Linear = "linear",
        /// Each point's value holds until the next point.
        Step = "step",
    }
}

record! {
    /// `[inputs.<id>]`: an exogenous series, given by dated points. Before the first point it has the first value, after the last the last value.
    pub struct InputSpec ("an input series") {
        /// Values by date: `points = { 2015-06-30 = 60.0, 2016-06-30 = 55.0 }` (each magnitude at most 1e12).
        points: Map<At<f64>>,
        /// `linear` (default) or `step`.
        interpolation: Option<Interpolation>,
        /// Multiplier of every value (default 1): a number or an expression over parameters, e.g. `"oil_scale"`, so that the series' level is an uncertain parameter.
        scale: Option<Quantity>,
        /// Unit of the values, for readers (e.g. "USD per barrel").
        unit: Option<String>,
        /// Where the values come from, with its date, or the reasoning if they are assumed.
        source: Option<String>,
        /// True if the values are assumptions (e.g. a forecaster's projection) rather than observations.
        assumption: Option<bool>,
    }
}

/// An integer priority that may be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(pub i64);

impl crate::decode::Decode for Priority {
    fn decode(v: &crate::value::Value, d: &mut crate::diag::Diagnostics) -> Option<Self> {
        match &v.kind {
            crate::value::Kind::Int(i) => Some(Priority(*i)),
            _ => {
                d.push(
                    crate::diag::Diagnostic::at(&v.loc, format!("wrong type: found {}", v.kind.type_name()))
                        .expected("an integer"),
                );
                None
            }
        }
    }
    fn schema() -> serde_json::Value {
        serde_json::json!({"type": "integer"})
    }
}
