//! The simulation core: a flat torus grid of cell codes, agents in flat
//! arrays, sequential random activation. One seeded generator per run; no
//! allocation per step.

use crate::params::{ArrestRule, Params, VisionShape};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Cell code: nobody.
pub const EMPTY: u8 = 0;
/// Cell code: a quiet citizen.
pub const QUIET: u8 = 1;
/// Cell code: an active citizen.
pub const ACTIVE: u8 = 2;
/// Cell code: a jailed (arrested) citizen. Jailed citizens keep their cell,
/// as in Mesa: they block movement and are seen (as neither cop nor active).
pub const JAILED: u8 = 3;
/// Cell code: a cop.
pub const COP: u8 = 4;

/// Citizen counts after a step (step 0: the initial state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Step number.
    pub step: u32,
    /// Active citizens.
    pub active: u32,
    /// Quiet citizens.
    pub quiet: u32,
    /// Jailed citizens (state "arrested": includes those whose term has run
    /// out but who have not been activated since).
    pub jailed: u32,
    /// Arrests made during this step.
    pub arrests: u32,
}

/// The arrest probability `1 - exp(-k * f(C/A))` for `cops` cops and
/// `actives` actives (the citizen herself included, so `actives >= 1`).
pub fn arrest_probability(rule: ArrestRule, k: f64, cops: u32, actives: u32) -> f64 {
    debug_assert!(actives >= 1);
    let ratio = match rule {
        ArrestRule::Exact => cops as f64 / actives as f64,
        ArrestRule::Floor => (cops / actives) as f64,
        ArrestRule::RoundHalfEven => round_half_even_ratio(cops, actives) as f64,
    };
    1.0 - (-k * ratio).exp()
}

/// `round(c / a)` with ties to even (Python's `round`), in exact integer
/// arithmetic. Equal to Python's `round(c / a)` on floats for any counts a
/// grid can hold (a true tie is exactly representable; a non-tie is at least
/// `1/(2a)` away from one).
pub fn round_half_even_ratio(c: u32, a: u32) -> u32 {
    let q = c / a;
    let r2 = 2 * (c % a);
    if r2 > a || (r2 == a && q % 2 == 1) { q + 1 } else { q }
}

/// The rebellion rule: a citizen with grievance `g`, risk aversion `r` and
/// estimated arrest probability `p` is active iff `g - r * p > threshold`
/// (strict, as in Mesa and the paper).
#[inline]
pub fn rebels(grievance: f64, risk_aversion: f64, p: f64, threshold: f64) -> bool {
    (grievance - risk_aversion * p) > threshold
}

/// The neighbourhood within vision, as offsets, precomputed once.
#[derive(Debug, Clone)]
struct Vision {
    /// Per row offset dy (index dy + r): the half-width of the run of cells.
    /// Empty when the fast path does not apply (see `fast`).
    half: Vec<u32>,
    radius: u32,
    /// True when 2r+1 <= width and height: runs never overlap themselves.
    fast: bool,
    /// Distinct (dx, dy) offsets (dx in 0..W, dy in 0..H, i.e. already
    /// reduced modulo the torus), centre excluded. Used for random sampling
    /// of a cell and, on small grids, for scanning.
    offsets: Vec<(u32, u32)>,
    /// Same offsets as signed linear index deltas `dy * W + dx` (for cells
    /// at least `radius` away from every edge).
    lin: Vec<isize>,
}

impl Vision {
    fn new(radius: u32, shape: VisionShape, w: u32, h: u32) -> Self {
        let r = radius as i64;
        let half: Vec<u32> = (-r..=r)
            .map(|dy| match shape {
                VisionShape::VonNeumann => (r - dy.abs()) as u32,
                VisionShape::Moore => r as u32,
                VisionShape::Euclidean => {
                    // largest dx with dx^2 + dy^2 <= r^2, in integers
                    let mut dx = 0i64;
                    while (dx + 1) * (dx + 1) + dy * dy <= r * r {
                        dx += 1;
                    }
                    dx as u32
                }
            })
            .collect();
        let fast = 2 * radius < w && 2 * radius < h;
        let mut seen = vec![false; (w as usize) * (h as usize)];
        let mut offsets = Vec::new();
        seen[0] = true; // the centre
        for (i, &hw) in half.iter().enumerate() {
            let dy = i as i64 - r;
            for dx in -(hw as i64)..=(hw as i64) {
                let ox = dx.rem_euclid(w as i64) as u32;
                let oy = dy.rem_euclid(h as i64) as u32;
                let k = oy as usize * w as usize + ox as usize;
                if !seen[k] {
                    seen[k] = true;
                    offsets.push((ox, oy));
                }
            }
        }
        let lin = offsets
            .iter()
            .map(|&(ox, oy)| {
                let dx = if ox > w / 2 { ox as isize - w as isize } else { ox as isize };
                let dy = if oy > h / 2 { oy as isize - h as isize } else { oy as isize };
                dy * w as isize + dx
            })
            .collect();
        Vision { half, radius, fast, offsets, lin }
    }
}

/// A running model.
pub struct World {
    /// Parameters.
    pub p: Params,
    w: u32,
    h: u32,
    /// Cell codes, row-major (`y * width + x`).
    pub cells: Vec<u8>,
    /// Agent id in each cell (`u32::MAX`: empty).
    occ: Vec<u32>,
    /// Cell of each agent; citizens are ids `0..n_citizens`, cops the rest.
    pos: Vec<u32>,
    n_citizens: u32,
    grievance: Vec<f64>,
    risk: Vec<f64>,
    jail: Vec<u32>,
    order: Vec<u32>,
    cvision: Vision,
    kvision: Vision,
    buf: Vec<u32>,
    /// Cops within citizen vision of each cell (centre excluded), kept up to date.
    cops_seen: Vec<u16>,
    /// Active citizens within citizen vision of each cell (centre excluded), kept up to date.
    actives_seen: Vec<u16>,
    /// True when cops see exactly what citizens see (same radius), so a cop
    /// can use `actives_seen` to skip scanning when nobody is active.
    shared_vision: bool,
    /// Arrest probability per rounded ratio (for the floor / round rules).
    ptable: Vec<f64>,
    rng: Pcg64Mcg,
    /// Steps done.
    pub step: u32,
    arrests: u32,
}

impl World {
    /// Places agents as Mesa does: each cell in row-major order gets a
    /// citizen with probability `citizen_density`, else a cop with
    /// probability `cop_density`, else stays empty (one uniform draw per cell;
    /// then a citizen draws hardship and risk aversion from U(0,1)).
    pub fn new(p: &Params, seed: u64) -> Self {
        let (w, h) = (p.width, p.height);
        let n = w as usize * h as usize;
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let mut cells = vec![EMPTY; n];
        let mut cit_cells = Vec::new();
        let mut cop_cells = Vec::new();
        let mut grievance = Vec::new();
        let mut risk = Vec::new();
        for (i, c) in cells.iter_mut().enumerate() {
            let u: f64 = rng.random();
            if u < p.citizen_density {
                *c = QUIET;
                cit_cells.push(i as u32);
                let hardship: f64 = rng.random();
                let ra: f64 = rng.random();
                grievance.push(hardship * (1.0 - p.legitimacy));
                risk.push(ra);
            } else if u < p.citizen_density + p.cop_density {
                *c = COP;
                cop_cells.push(i as u32);
            }
        }
        let n_citizens = cit_cells.len() as u32;
        let mut pos = cit_cells;
        pos.extend_from_slice(&cop_cells);
        let mut occ = vec![u32::MAX; n];
        for (id, &c) in pos.iter().enumerate() {
            occ[c as usize] = id as u32;
        }
        let cvision = Vision::new(p.citizen_vision, p.vision_shape, w, h);
        let kvision = Vision::new(p.cop_vision, p.vision_shape, w, h);
        let maxk = cvision.offsets.len().max(kvision.offsets.len());
        let ptable = (0..=maxk as u32 + 1).map(|r| 1.0 - (-p.arrest_prob_constant * r as f64).exp()).collect();
        let mut world = World {
            p: p.clone(),
            w,
            h,
            cells,
            occ,
            order: (0..pos.len() as u32).collect(),
            jail: vec![0; n_citizens as usize],
            pos,
            n_citizens,
            grievance,
            risk,
            cvision,
            kvision,
            buf: vec![0; maxk + 1],
            ptable,
            cops_seen: vec![0; n],
            actives_seen: vec![0; n],
            shared_vision: p.citizen_vision == p.cop_vision,
            rng,
            step: 0,
            arrests: 0,
        };
        world.rebuild_fields();
        world
    }

    /// Recomputes `cops_seen` and `actives_seen` from the grid.
    fn rebuild_fields(&mut self) {
        self.cops_seen.iter_mut().for_each(|c| *c = 0);
        self.actives_seen.iter_mut().for_each(|c| *c = 0);
        for q in 0..self.cells.len() as u32 {
            match self.cells[q as usize] {
                COP => Self::add_around(&mut self.cops_seen, self.w, self.h, &self.cvision, q, 1),
                ACTIVE => Self::add_around(&mut self.actives_seen, self.w, self.h, &self.cvision, q, 1),
                _ => {}
            }
        }
    }

    /// Adds `delta` (1 or `u16::MAX` for -1, wrapping) to `field` over the
    /// neighbourhood of cell `p`, centre excluded.
    #[inline]
    fn add_around(field: &mut [u16], w: u32, h: u32, v: &Vision, p: u32, delta: u16) {
        if v.fast {
            Self::runs(w, h, v, p, |s, n| {
                for c in &mut field[s..s + n] {
                    *c = c.wrapping_add(delta);
                }
            });
        } else {
            for &o in &v.offsets {
                let q = Self::offset_cell(w, h, p, o) as usize;
                field[q] = field[q].wrapping_add(delta);
            }
        }
    }

    /// Number of agents (citizens and cops).
    pub fn n_agents(&self) -> usize {
        self.pos.len()
    }

    /// Number of citizens.
    pub fn n_citizens(&self) -> usize {
        self.n_citizens as usize
    }

    /// Width and height.
    pub fn size(&self) -> (u32, u32) {
        (self.w, self.h)
    }

    /// Current counts (arrests: those of the last step).
    pub fn counts(&self) -> Counts {
        let mut c = Counts { step: self.step, arrests: self.arrests, ..Default::default() };
        for &p in &self.pos[..self.n_citizens as usize] {
            match self.cells[p as usize] {
                QUIET => c.quiet += 1,
                ACTIVE => c.active += 1,
                _ => c.jailed += 1,
            }
        }
        c
    }

    /// Calls `f(start, len)` for each contiguous run of cells (row-major
    /// indices) in the neighbourhood of cell `p`, centre excluded. Fast path
    /// only (`vision.fast`).
    #[inline(always)]
    fn runs(w: u32, h: u32, v: &Vision, p: u32, mut f: impl FnMut(usize, usize)) {
        let (x, y) = ((p % w) as i64, (p / w) as i64);
        let (wi, hi) = (w as i64, h as i64);
        let r = v.radius as i64;
        for (i, &hw) in v.half.iter().enumerate() {
            let dy = i as i64 - r;
            let mut yy = y + dy;
            if yy < 0 {
                yy += hi;
            } else if yy >= hi {
                yy -= hi;
            }
            let row = (yy * wi) as usize;
            let hw = hw as i64;
            let mut run = |a: i64, b: i64| {
                // inclusive column range a..=b, possibly wrapping once
                if a > b {
                    return;
                }
                if a < 0 {
                    f(row + (a + wi) as usize, (-a) as usize);
                    f(row, (b + 1) as usize);
                } else if b >= wi {
                    f(row + a as usize, (wi - a) as usize);
                    f(row, (b - wi + 1) as usize);
                } else {
                    f(row + a as usize, (b - a + 1) as usize);
                }
            };
            if dy == 0 {
                run(x - hw, x - 1);
                run(x + 1, x + hw);
            } else {
                run(x - hw, x + hw);
            }
        }
    }

    #[inline(always)]
    fn offset_cell(w: u32, h: u32, p: u32, o: (u32, u32)) -> u32 {
        let (x, y) = (p % w, p / w);
        let mut xx = x + o.0;
        if xx >= w {
            xx -= w;
        }
        let mut yy = y + o.1;
        if yy >= h {
            yy -= h;
        }
        yy * w + xx
    }

    /// (cops, actives) in the neighbourhood of cell `p` (centre excluded).
    #[inline]
    fn count_cops_actives(&self, v: &Vision, p: u32) -> (u32, u32) {
        // packed counters: cops in bits 0..32, actives in bits 32..64
        const LUT: [u64; 5] = [0, 0, 1 << 32, 0, 1];
        let cells = &self.cells;
        let mut acc: u64 = 0;
        if v.fast {
            Self::runs(self.w, self.h, v, p, |s, n| {
                for &c in &cells[s..s + n] {
                    acc += LUT[c as usize];
                }
            });
        } else {
            for &o in &v.offsets {
                acc += LUT[cells[Self::offset_cell(self.w, self.h, p, o) as usize] as usize];
            }
        }
        (acc as u32, (acc >> 32) as u32)
    }

    /// Moves the agent `id` at cell `p` to a uniformly chosen empty cell of
    /// its neighbourhood, if there is one. Rejection sampling over the
    /// neighbourhood (uniform over the empty cells given acceptance), with a
    /// full scan after 16 misses, so the choice is exactly uniform.
    #[inline]
    fn move_agent(&mut self, id: u32, p: u32, cop: bool) -> u32 {
        let v = if cop { &self.kvision } else { &self.cvision };
        let k = v.offsets.len();
        if k == 0 {
            return p;
        }
        let (w, h) = (self.w, self.h);
        let (x, y) = (p % w, p / w);
        let r = v.radius;
        let interior = v.fast && x >= r && x + r < w && y >= r && y + r < h;
        let at = |j: usize| -> u32 {
            if interior { (p as isize + v.lin[j]) as u32 } else { Self::offset_cell(w, h, p, v.offsets[j]) }
        };
        let mut dest = u32::MAX;
        for _ in 0..16 {
            let j = self.rng.random_range(0..k);
            let q = at(j);
            if self.cells[q as usize] == EMPTY {
                dest = q;
                break;
            }
        }
        if dest == u32::MAX {
            let mut n = 0usize;
            for j in 0..k {
                let q = at(j);
                self.buf[n] = q;
                n += (self.cells[q as usize] == EMPTY) as usize;
            }
            if n == 0 {
                return p;
            }
            dest = self.buf[self.rng.random_range(0..n)];
        }
        let code = self.cells[p as usize];
        self.cells[p as usize] = EMPTY;
        self.occ[p as usize] = u32::MAX;
        self.cells[dest as usize] = code;
        self.occ[dest as usize] = id;
        self.pos[id as usize] = dest;
        dest
    }

    fn citizen_step(&mut self, i: u32) {
        let iu = i as usize;
        if self.jail[iu] > 0 {
            self.jail[iu] -= 1;
            return;
        }
        let p = self.pos[iu];
        let g = self.grievance[iu];
        let t = self.p.active_threshold;
        // g - r*P > t needs g > t (r*P >= 0): skip the count when impossible.
        let active = if g > t {
            let (cops, others) = (self.cops_seen[p as usize] as u32, self.actives_seen[p as usize] as u32);
            let prob = match self.p.arrest_rule {
                ArrestRule::Exact => {
                    arrest_probability(ArrestRule::Exact, self.p.arrest_prob_constant, cops, others + 1)
                }
                ArrestRule::Floor => self.ptable[(cops / (others + 1)) as usize],
                ArrestRule::RoundHalfEven => self.ptable[round_half_even_ratio(cops, others + 1) as usize],
            };
            rebels(g, self.risk[iu], prob, t)
        } else {
            false
        };
        let was_active = self.cells[p as usize] == ACTIVE;
        self.cells[p as usize] = if active { ACTIVE } else { QUIET };
        if active != was_active {
            Self::add_around(
                &mut self.actives_seen,
                self.w,
                self.h,
                &self.cvision,
                p,
                if active { 1 } else { u16::MAX },
            );
        }
        if self.p.movement {
            let dest = self.move_agent(i, p, false);
            if active && dest != p {
                Self::add_around(&mut self.actives_seen, self.w, self.h, &self.cvision, p, u16::MAX);
                Self::add_around(&mut self.actives_seen, self.w, self.h, &self.cvision, dest, 1);
            }
        }
    }

    fn cop_step(&mut self, id: u32) {
        let p = self.pos[id as usize];
        let v = &self.kvision;
        let cells = &self.cells;
        let buf = &mut self.buf;
        let mut n = 0usize;
        if self.shared_vision && self.actives_seen[p as usize] == 0 {
            // nobody active in sight: nothing to scan
        } else if v.fast {
            Self::runs(self.w, self.h, v, p, |s, len| {
                for (j, &c) in cells[s..s + len].iter().enumerate() {
                    buf[n] = (s + j) as u32;
                    n += (c == ACTIVE) as usize;
                }
            });
        } else {
            for &o in &v.offsets {
                let q = Self::offset_cell(self.w, self.h, p, o);
                buf[n] = q;
                n += (cells[q as usize] == ACTIVE) as usize;
            }
        }
        if n > 0 {
            let q = self.buf[self.rng.random_range(0..n)];
            let who = self.occ[q as usize] as usize;
            self.jail[who] = self.rng.random_range(0..=self.p.max_jail_term);
            self.cells[q as usize] = JAILED;
            Self::add_around(&mut self.actives_seen, self.w, self.h, &self.cvision, q, u16::MAX);
            self.arrests += 1;
        }
        if self.p.movement {
            let dest = self.move_agent(id, p, true);
            if dest != p {
                Self::add_around(&mut self.cops_seen, self.w, self.h, &self.cvision, p, u16::MAX);
                Self::add_around(&mut self.cops_seen, self.w, self.h, &self.cvision, dest, 1);
            }
        }
    }

    /// One step: every agent (citizens and cops together) is activated once
    /// in a fresh uniformly random order (Mesa's `shuffle_do`), each acting
    /// on the current state left by those before it.
    pub fn step(&mut self) -> Counts {
        self.arrests = 0;
        // Fisher-Yates, in place.
        let n = self.order.len();
        for i in (1..n).rev() {
            let j = self.rng.random_range(0..=i);
            self.order.swap(i, j);
        }
        for k in 0..n {
            let id = self.order[k];
            if id < self.n_citizens {
                self.citizen_step(id);
            } else {
                self.cop_step(id);
            }
        }
        self.step += 1;
        self.counts()
    }

    /// The jail term left for citizen `i` (test helper and snapshots).
    pub fn jail_left(&self, i: usize) -> u32 {
        self.jail[i]
    }

    /// Cell of agent `id`.
    pub fn position(&self, id: usize) -> u32 {
        self.pos[id]
    }
}

/// Test-facing constructors for hand-built worlds.
#[doc(hidden)]
pub mod testing {
    use super::*;

    /// A world with agents placed by hand: `citizens` as (cell, grievance,
    /// risk aversion, code) and `cops` as cells.
    pub fn world(p: &Params, seed: u64, citizens: &[(u32, f64, f64, u8)], cops: &[u32]) -> World {
        let mut q = p.clone();
        q.citizen_density = 0.0;
        q.cop_density = 0.0;
        let mut w = World::new(&q, seed);
        w.p = p.clone();
        for &(c, g, r, code) in citizens {
            w.cells[c as usize] = code;
            w.pos.push(c);
            w.grievance.push(g);
            w.risk.push(r);
            w.jail.push(0);
        }
        w.n_citizens = citizens.len() as u32;
        for &c in cops {
            w.cells[c as usize] = COP;
            w.pos.push(c);
        }
        for (id, &c) in w.pos.iter().enumerate() {
            w.occ[c as usize] = id as u32;
        }
        w.order = (0..w.pos.len() as u32).collect();
        w.shared_vision = p.citizen_vision == p.cop_vision;
        w.rebuild_fields();
        w
    }

    /// Checks the incrementally kept fields against a fresh count.
    pub fn fields_consistent(w: &World) -> bool {
        let mut v = World {
            p: w.p.clone(),
            w: w.w,
            h: w.h,
            cells: w.cells.clone(),
            occ: vec![],
            pos: vec![],
            n_citizens: 0,
            grievance: vec![],
            risk: vec![],
            jail: vec![],
            order: vec![],
            cvision: w.cvision.clone(),
            kvision: w.kvision.clone(),
            buf: vec![],
            cops_seen: w.cops_seen.clone(),
            actives_seen: w.actives_seen.clone(),
            shared_vision: w.shared_vision,
            ptable: vec![],
            rng: w.rng.clone(),
            step: 0,
            arrests: 0,
        };
        v.rebuild_fields();
        v.cops_seen == w.cops_seen && v.actives_seen == w.actives_seen
    }

    /// Sets a citizen's jail term.
    pub fn set_jail(w: &mut World, i: usize, t: u32) {
        w.jail[i] = t;
    }

    /// Runs one citizen's step.
    pub fn citizen_step(w: &mut World, i: u32) {
        w.citizen_step(i)
    }

    /// Runs one cop's step (`id` counts citizens first).
    pub fn cop_step(w: &mut World, id: u32) {
        w.cop_step(id)
    }

    /// (cops, actives) seen by a citizen standing at `cell`.
    pub fn seen_by_citizen(w: &World, cell: u32) -> (u32, u32) {
        w.count_cops_actives(&w.cvision, cell)
    }

    /// The distinct neighbourhood offsets of the citizens' vision.
    pub fn citizen_offsets(w: &World) -> Vec<(u32, u32)> {
        w.cvision.offsets.clone()
    }
}
