//! The rule language: small, typed, safe expressions over the theatre state.
//!
//! Grammar (no loops, no assignment, no user functions):
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | atom
//! atom    := number | date | "true" | "false" | "tick" | "date"
//!          | parameter | function "(" args ")" | "(" expr ")"
//! ```
//!
//! Types are number, boolean and date; dates compare with dates and
//! `date - date` is a number of days. Identifiers in function arguments are
//! resolved to actor, region, force-group or identity indices once, when the
//! scenario is loaded; evaluation never looks up a name or re-parses text.
//!
//! Expressions nest at most [`MAX_EXPR_DEPTH`] levels; the lexer accepts
//! ASCII only and names any other character in its error.
//!
//! Adding a function: one entry in [`FUNCTIONS`] (name, signatures, result
//! type, whether it reads run state), one arm in `call_expr` building its
//! [`Expr`], a row in `docs/model.md` §6, and, for a new question about the
//! state, a [`Query`] variant (with its ids in [`Query::for_each_name`]) that
//! the engine's [`World`] answers. The tests compile every table entry and
//! check the docs row.
//!
//! Owns parsing, type checking and evaluation. The state it reads is behind
//! the [`World`] trait, which the engine implements; this module must not
//! depend on the engine.

use crate::diag::{Diagnostic, Loc, choice_hint};
use frontline_date::Day;

/// The static type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A real number.
    Num,
    /// True or false.
    Bool,
    /// A calendar day.
    Date,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Num => "number",
            Type::Bool => "boolean",
            Type::Date => "date",
        }
    }
}

/// A question the expression asks of the theatre state; indices are resolved.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // fields are self-describing indices
pub enum Query {
    /// Threat to an actor: its most threatened key region, or one region.
    Threat { actor: usize, region: Option<usize> },
    /// 1 if the actor controls the region.
    Controls { actor: usize, region: usize },
    /// 1 if the region is contested.
    Contested { region: usize },
    /// Personnel of a force group, in all regions or in one.
    Strength { force: usize, region: Option<usize> },
    /// Personnel of all of an actor's active groups, in all regions or one.
    ActorStrength { actor: usize, region: Option<usize> },
    /// Effective strength of the actor and its allies over that of their enemies, in a region.
    Ratio { actor: usize, region: usize },
    /// Effective strength of the actor and its allies in a region and its
    /// neighbours over that of their enemies in the region: the odds of an
    /// attack on it from where the side stands.
    AttackOdds { actor: usize, region: usize },
    /// Money of an actor.
    Money { actor: usize },
    /// Weapons stock of an actor.
    Weapons { actor: usize },
    /// Equipment of a force group.
    Equipment { force: usize },
    /// Morale of a force group.
    Morale { force: usize },
    /// Quality of a force group.
    Quality { force: usize },
    /// Grievance of an identity in a region.
    Grievance { identity: usize, region: usize },
    /// Support of an identity for an actor in a region.
    Support { identity: usize, actor: usize, region: usize },
    /// Number of regions an actor controls.
    RegionsHeld { actor: usize },
    /// Population of the regions an actor controls.
    PopulationHeld { actor: usize },
    /// 1 if the force group is active.
    Active { force: usize },
    /// 1 if the mechanism is switched on.
    Mechanism { mechanism: crate::spec::MechanismName },
    /// Value of an input series on the current day.
    Input { input: usize },
    /// Money an actor took in over its last supply phase, per week.
    Income { actor: usize },
    /// An actor's payroll: what its active groups cost per week in upkeep.
    Payroll { actor: usize },
    /// People in a force group's training pipeline.
    Trainees { force: usize },
    /// Trainers an actor has this tick (its own, less those lent, plus those borrowed).
    Trainers { actor: usize },
    /// Men of fighting age of an identity, in one region or the whole theatre.
    Manpower { identity: usize, region: Option<usize> },
    /// An actor's momentum score (recent gains less losses of ground).
    Momentum { actor: usize },
    /// The force ratio the actor's side could reach at a region after
    /// massing what can get there within the actor's planning horizon.
    AchievableRatio { actor: usize, region: usize },
    /// 1 while the force group has an operation (massing or launched).
    OperationActive { force: usize },
    /// 1 if the region is the objective of the force group's operation.
    OperationTarget { force: usize, region: usize },
    /// Sorties an air group flew at the last strategy phase (air_campaign).
    Sorties { force: usize },
    /// An air group's fatigue in [0, 1] (air_campaign).
    Fatigue { force: usize },
    /// The contact of an actor's side with the enemy in a region, in [0, 2]:
    /// 2 · friendly / (friendly + hostile) effective ground strength.
    Contact { actor: usize, region: usize },
    /// Hidden personnel of a force group, in all regions or in one.
    Hidden { force: usize, region: Option<usize> },
    /// Share of the force group's hidden fighters in the region detected this tick.
    Detected { force: usize, region: usize },
    /// Population-weighted max(0, support) for the actor in the region.
    Cooperation { actor: usize, region: usize },
    /// People of an identity away from their home region (displacement).
    Displaced { identity: usize },
    /// Civilians killed in a region so far (civilian_harm).
    CivilianDeaths { region: usize },
    /// Civilians killed by an actor so far (civilian_harm).
    CivilianDeathsBy { actor: usize },
}

/// The kinds of id an expression can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// An actor id.
    Actor,
    /// A region id.
    Region,
    /// A force group id.
    Force,
    /// An identity id.
    Identity,
    /// A parameter id.
    Parameter,
    /// An input series id.
    Input,
}

impl Query {
    /// Calls `f` with every id the query names.
    pub fn for_each_name(&self, f: &mut dyn FnMut(NameKind, usize)) {
        use NameKind::*;
        let region = |r: &Option<usize>, f: &mut dyn FnMut(NameKind, usize)| {
            if let Some(r) = r {
                f(Region, *r);
            }
        };
        match self {
            Query::Threat { actor, region: r } | Query::ActorStrength { actor, region: r } => {
                f(Actor, *actor);
                region(r, f);
            }
            Query::Strength { force, region: r } => {
                f(Force, *force);
                region(r, f);
            }
            Query::Controls { actor, region }
            | Query::Ratio { actor, region }
            | Query::AttackOdds { actor, region }
            | Query::AchievableRatio { actor, region }
            | Query::Contact { actor, region } => {
                f(Actor, *actor);
                f(Region, *region);
            }
            Query::Contested { region } => f(Region, *region),
            Query::Money { actor }
            | Query::Weapons { actor }
            | Query::RegionsHeld { actor }
            | Query::PopulationHeld { actor }
            | Query::Income { actor }
            | Query::Payroll { actor }
            | Query::Trainers { actor } => f(Actor, *actor),
            Query::Input { input } => f(Input, *input),
            Query::Equipment { force }
            | Query::Morale { force }
            | Query::Quality { force }
            | Query::Active { force }
            | Query::Trainees { force }
            | Query::OperationActive { force }
            | Query::Sorties { force }
            | Query::Fatigue { force } => f(Force, *force),
            Query::OperationTarget { force, region } | Query::Detected { force, region } => {
                f(Force, *force);
                f(Region, *region);
            }
            Query::Hidden { force, region: r } => {
                f(Force, *force);
                region(r, f);
            }
            Query::Cooperation { actor, region } => {
                f(Actor, *actor);
                f(Region, *region);
            }
            Query::Grievance { identity, region } => {
                f(Identity, *identity);
                f(Region, *region);
            }
            Query::Support { identity, actor, region } => {
                f(Identity, *identity);
                f(Actor, *actor);
                f(Region, *region);
            }
            Query::Mechanism { .. } => {}
            Query::Manpower { identity, region: r } => {
                f(Identity, *identity);
                region(r, f);
            }
            Query::Momentum { actor } => f(Actor, *actor),
            Query::Displaced { identity } => f(Identity, *identity),
            Query::CivilianDeaths { region } => f(Region, *region),
            Query::CivilianDeathsBy { actor } => f(Actor, *actor),
        }
    }
}

/// What an expression can read. The engine implements it over its state.
pub trait World {
    /// Answers a query (booleans as 1.0 / 0.0).
    fn query(&self, q: &Query) -> f64;
    /// Current value of parameter `i`.
    fn param(&self, i: usize) -> f64;
    /// Current tick (0-based).
    fn tick(&self) -> f64;
    /// Current day (days since 1970-01-01).
    fn today(&self) -> f64;
}

/// Binary arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arith {
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// / (division by zero gives 0, never NaN)
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmp {
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
    /// ==
    Eq,
    /// !=
    Ne,
}

/// A type-checked expression with resolved names.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant (numbers, dates as day numbers, booleans as 1/0).
    Const(f64),
    /// A parameter's current value.
    Param(usize),
    /// The current tick.
    Tick,
    /// The current day.
    Today,
    /// Negation.
    Neg(Box<Expr>),
    /// Logical not.
    Not(Box<Expr>),
    /// Arithmetic.
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// Comparison.
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    /// Logical and (short-circuit).
    And(Box<Expr>, Box<Expr>),
    /// Logical or (short-circuit).
    Or(Box<Expr>, Box<Expr>),
    /// min(a, b)
    Min(Box<Expr>, Box<Expr>),
    /// max(a, b)
    Max(Box<Expr>, Box<Expr>),
    /// abs(a)
    Abs(Box<Expr>),
    /// if(c, a, b): a when c holds, else b.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A question about the state.
    Query(Query),
}

impl Expr {
    /// Evaluates to a number (booleans are 1 or 0, dates are day numbers).
    pub fn eval(&self, w: &dyn World) -> f64 {
        match self {
            Expr::Const(x) => *x,
            Expr::Param(i) => w.param(*i),
            Expr::Tick => w.tick(),
            Expr::Today => w.today(),
            Expr::Neg(a) => -a.eval(w),
            Expr::Not(a) => f64::from(a.eval(w) == 0.0),
            Expr::Arith(op, a, b) => {
                let (x, y) = (a.eval(w), b.eval(w));
                match op {
                    Arith::Add => x + y,
                    Arith::Sub => x - y,
                    Arith::Mul => x * y,
                    Arith::Div => {
                        if y == 0.0 {
                            0.0
                        } else {
                            x / y
                        }
                    }
                }
            }
            Expr::Cmp(op, a, b) => {
                let (x, y) = (a.eval(w), b.eval(w));
                f64::from(match op {
                    Cmp::Lt => x < y,
                    Cmp::Le => x <= y,
                    Cmp::Gt => x > y,
                    Cmp::Ge => x >= y,
                    Cmp::Eq => x == y,
                    Cmp::Ne => x != y,
                })
            }
            Expr::And(a, b) => f64::from(a.eval(w) != 0.0 && b.eval(w) != 0.0),
            Expr::Or(a, b) => f64::from(a.eval(w) != 0.0 || b.eval(w) != 0.0),
            Expr::Min(a, b) => a.eval(w).min(b.eval(w)),
            Expr::Max(a, b) => a.eval(w).max(b.eval(w)),
            Expr::Abs(a) => a.eval(w).abs(),
            Expr::If(c, a, b) => {
                if c.eval(w) != 0.0 {
                    a.eval(w)
                } else {
                    b.eval(w)
                }
            }
            Expr::Query(q) => w.query(q),
        }
    }

    /// Evaluates a boolean expression.
    pub fn holds(&self, w: &dyn World) -> bool {
        self.eval(w) != 0.0
    }

    /// Calls `f` with every id the expression names (parameters read, and
    /// the actors, regions, force groups and identities its queries ask
    /// about). Iterative, so it cannot overflow the stack whatever the depth.
    pub fn for_each_name(&self, f: &mut dyn FnMut(NameKind, usize)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Const(_) | Expr::Tick | Expr::Today => {}
                Expr::Param(i) => f(NameKind::Parameter, *i),
                Expr::Query(q) => q.for_each_name(f),
                Expr::Neg(a) | Expr::Not(a) | Expr::Abs(a) => stack.push(a),
                Expr::If(c, a, b) => stack.extend([&**c, &**a, &**b]),
                Expr::Arith(_, a, b)
                | Expr::Cmp(_, a, b)
                | Expr::And(a, b)
                | Expr::Or(a, b)
                | Expr::Min(a, b)
                | Expr::Max(a, b) => stack.extend([&**a, &**b]),
            }
        }
    }

    /// True if the expression reads only constants and parameters.
    pub fn is_static(&self) -> bool {
        match self {
            Expr::Const(_) | Expr::Param(_) => true,
            Expr::Tick | Expr::Today | Expr::Query(_) => false,
            Expr::Neg(a) | Expr::Not(a) | Expr::Abs(a) => a.is_static(),
            Expr::If(c, a, b) => c.is_static() && a.is_static() && b.is_static(),
            Expr::Arith(_, a, b)
            | Expr::Cmp(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Min(a, b)
            | Expr::Max(a, b) => a.is_static() && b.is_static(),
        }
    }
}

/// The names an expression may use, in index order.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// Actor ids.
    pub actors: &'a [String],
    /// Region ids.
    pub regions: &'a [String],
    /// Force group ids.
    pub forces: &'a [String],
    /// Identity ids.
    pub identities: &'a [String],
    /// Parameter ids.
    pub params: &'a [String],
    /// Input series ids.
    pub inputs: &'a [String],
    /// Names of places (ids, names and aliases, lowercased) with the index
    /// of their region: a region argument accepts them, ignoring case.
    pub places: &'a [(String, usize)],
}

/// Where expression text sits in a scenario file, for error positions.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Location of the TOML string value (including its quotes).
    pub loc: Loc,
    /// Byte offset of the expression text within that span (1 for `"…"`).
    pub offset: usize,
}

impl Origin {
    /// The origin of a string value whose source text is `raw` (as written, with quotes).
    pub fn of_string(loc: &Loc, raw: &str) -> Origin {
        let offset = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3 + usize::from(raw[3..].starts_with('\n'))
        } else if raw.starts_with('"') || raw.starts_with('\'') {
            1
        } else {
            0
        };
        Origin { loc: loc.clone(), offset }
    }
    fn at(&self, span: std::ops::Range<usize>) -> Loc {
        let base = self.loc.span.start + self.offset;
        let end = (base + span.end).min(self.loc.span.end.max(base + span.end));
        Loc::new(self.loc.file, base + span.start..end)
    }
}

/// The deepest an expression may nest: parentheses, function calls, `not`,
/// unary `-` and each binary operator in a chain (`a + b + c` is two levels)
/// all count. Deeper expressions are refused with a located error, so that
/// parsing, type checking, evaluation and dropping an expression (all
/// recursive) cannot overflow the stack; 256 is far beyond what a
/// hand-written rule needs.
pub const MAX_EXPR_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Date(Day),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

/// The name of a character that is easy to type by accident and hard to see
/// (pasted from a word processor or a web page), for error messages.
fn char_name(ch: char) -> Option<&'static str> {
    Some(match ch {
        '\u{00A0}' => "no-break space",
        '\u{2007}' => "figure space",
        '\u{202F}' => "narrow no-break space",
        '\u{2000}'..='\u{200A}' => "typographic space",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{3000}' => "ideographic space",
        '\u{FEFF}' => "byte order mark",
        '\u{2212}' => "minus sign",
        '\u{2013}' => "en dash",
        '\u{2014}' => "em dash",
        '\u{00D7}' => "multiplication sign",
        '\u{00F7}' => "division sign",
        '\u{2264}' => "less-than or equal to",
        '\u{2265}' => "greater-than or equal to",
        '\u{2260}' => "not equal to",
        '\u{201C}' | '\u{201D}' => "curly double quote",
        '\u{2018}' | '\u{2019}' => "curly single quote",
        _ => return None,
    })
}

/// `unexpected character U+00A0 (no-break space)`, or `` unexpected character `é` (U+00E9) ``.
fn unexpected_char(ch: char) -> String {
    let code = format!("U+{:04X}", u32::from(ch));
    match char_name(ch) {
        Some(name) => format!("unexpected character {code} ({name})"),
        None if ch.is_control() || ch.is_whitespace() => format!("unexpected character {code}"),
        None => format!("unexpected character `{ch}` ({code})"),
    }
}

fn lex(src: &str, origin: &Origin) -> Result<Vec<(Tok, std::ops::Range<usize>)>, Diagnostic> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && i + 1 < b.len() && b[i + 1].is_ascii_digit()) {
            // A date YYYY-MM-DD, or a number.
            if i + 10 <= b.len()
                && b[i..i + 4].iter().all(u8::is_ascii_digit)
                && b[i + 4] == b'-'
                && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
                && b[i + 7] == b'-'
                && b[i + 8..i + 10].iter().all(u8::is_ascii_digit)
            {
                let text = &src[i..i + 10];
                let day = Day::parse(text).map_err(|_| {
                    Diagnostic::at(&origin.at(i..i + 10), format!("`{text}` is not a valid date"))
                        .expected("a date like 2014-06-01")
                })?;
                i += 10;
                out.push((Tok::Date(day), start..i));
                continue;
            }
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                i += 1;
                if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                    i += 1;
                }
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text = src[start..i].replace('_', "");
            let x: f64 = text.parse().map_err(|_| {
                Diagnostic::at(&origin.at(start..i), format!("malformed number `{}`", &src[start..i]))
                    .expected("a number like 42, 0.5 or 1e6")
            })?;
            out.push((Tok::Num(x), start..i));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
                i += 1;
            }
            out.push((Tok::Ident(src[start..i].to_string()), start..i));
            continue;
        }
        // Compare bytes, not `str` slices: the byte after a one-byte operator
        // may be the first of a multi-byte character.
        let two = b.get(i..i + 2).unwrap_or(&[]);
        let op2 = ["<=", ">=", "==", "!=", "&&", "||"].into_iter().find(|o| o.as_bytes() == two);
        if let Some(op) = op2 {
            let op = match op {
                "&&" => "and",
                "||" => "or",
                o => o,
            };
            i += 2;
            out.push((Tok::Op(op), start..i));
            continue;
        }
        let tok = match c {
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b'+' => Tok::Op("+"),
            b'-' => Tok::Op("-"),
            b'*' => Tok::Op("*"),
            b'/' => Tok::Op("/"),
            b'<' => Tok::Op("<"),
            b'>' => Tok::Op(">"),
            b'!' => Tok::Op("not"),
            _ => {
                // `i` is on a character boundary: every branch above advances
                // over whole ASCII characters only.
                let ch = src.get(i..).and_then(|s| s.chars().next()).unwrap_or(char::REPLACEMENT_CHARACTER);
                return Err(Diagnostic::at(&origin.at(i..i + ch.len_utf8()), unexpected_char(ch))
                    .expected("a number, a name, an operator (+ - * / < <= > >= == != and or not) or parentheses")
                    .hint("retype this character: only ASCII spaces, letters, digits and operators are allowed"));
            }
        };
        i += 1;
        out.push((tok, start..i));
    }
    out.push((Tok::End, b.len()..b.len()));
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ArgKind {
    Actor,
    Region,
    Force,
    Identity,
    Mechanism,
    Input,
    Num,
    Bool,
}

impl ArgKind {
    fn name(self) -> &'static str {
        match self {
            ArgKind::Actor => "an actor id",
            ArgKind::Region => "a region id",
            ArgKind::Force => "a force group id",
            ArgKind::Identity => "an identity id",
            ArgKind::Mechanism => "a mechanism name",
            ArgKind::Input => "an input series id",
            ArgKind::Num => "a number",
            ArgKind::Bool => "a condition",
        }
    }
}

/// A function of the rule language. Adding one takes an entry in
/// [`FUNCTIONS`] and an arm in `call_expr` (plus, for a new state question,
/// a [`Query`] variant that the engine's [`World`] answers); the tests check
/// that the two agree and that `docs/model.md` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Function {
    /// Name as written in expressions.
    pub name: &'static str,
    /// Accepted signatures, as shown in error messages and docs.
    pub signature: &'static str,
    /// What it returns.
    pub doc: &'static str,
    /// Accepted argument lists; the kind of the n-th argument must be the
    /// same in every list that has one.
    args: &'static [&'static [ArgKind]],
    /// Type of the result.
    result: Type,
    /// True if it reads the state of a run (refused in build-time quantities).
    reads_state: bool,
}

impl Function {
    /// How many arguments it takes, once per accepted argument list.
    pub fn arities(&self) -> impl Iterator<Item = usize> + '_ {
        self.args.iter().map(|a| a.len())
    }
}

macro_rules! function {
    ($name:literal, $sig:literal, $doc:literal, [$([$($arg:ident),*]),+] -> $result:ident, state: $state:literal) => {
        Function {
            name: $name,
            signature: $sig,
            doc: $doc,
            args: &[$(&[$(ArgKind::$arg),*]),+],
            result: Type::$result,
            reads_state: $state,
        }
    };
}

/// The functions of the language.
pub const FUNCTIONS: &[Function] = &[
    function!("threat", "threat(actor) | threat(actor, region)",
        "perceived threat in [0, 1] to the actor's most threatened key region, or to one region",
        [[Actor], [Actor, Region]] -> Num, state: true),
    function!("controls", "controls(actor, region)", "true if the actor controls the region",
        [[Actor, Region]] -> Bool, state: true),
    function!("contested", "contested(region)", "true if hostile forces contest the region",
        [[Region]] -> Bool, state: true),
    function!("strength", "strength(force) | strength(force, region)", "personnel of a force group",
        [[Force], [Force, Region]] -> Num, state: true),
    function!("actor_strength", "actor_strength(actor) | actor_strength(actor, region)",
        "personnel of all the actor's active groups",
        [[Actor], [Actor, Region]] -> Num, state: true),
    function!("ratio", "ratio(actor, region)",
        "effective strength of the actor's side over its enemies' in the region (large if no enemy)",
        [[Actor, Region]] -> Num, state: true),
    function!("attack_odds", "attack_odds(actor, region)",
        "effective strength of the actor's side in the region and next to it over its enemies' in the region (large if no enemy)",
        [[Actor, Region]] -> Num, state: true),
    function!("money", "money(actor)", "the actor's money", [[Actor]] -> Num, state: true),
    function!("weapons", "weapons(actor)", "the actor's weapons stock", [[Actor]] -> Num, state: true),
    function!("equipment", "equipment(force)", "weapon sets held by a force group", [[Force]] -> Num, state: true),
    function!("morale", "morale(force)", "morale of a force group in [0, 1]", [[Force]] -> Num, state: true),
    function!("quality", "quality(force)", "training quality of a force group in [0, 1]", [[Force]] -> Num, state: true),
    function!("grievance", "grievance(identity, region)", "grievance in [0, 1]",
        [[Identity, Region]] -> Num, state: true),
    function!("support", "support(identity, actor, region)", "support in [-1, 1]",
        [[Identity, Actor, Region]] -> Num, state: true),
    function!("regions_held", "regions_held(actor)", "number of regions the actor controls",
        [[Actor]] -> Num, state: true),
    function!("population_held", "population_held(actor)", "population of the regions the actor controls",
        [[Actor]] -> Num, state: true),
    function!("active", "active(force)", "true if the force group is active", [[Force]] -> Bool, state: true),
    function!("input", "input(series)", "value of the input series `[inputs.<series>]` on the current day",
        [[Input]] -> Num, state: true),
    function!("income", "income(actor)", "money the actor took in per week at its last supply phase",
        [[Actor]] -> Num, state: true),
    function!("payroll", "payroll(actor)", "what the actor's active force groups cost per week in upkeep",
        [[Actor]] -> Num, state: true),
    function!("trainees", "trainees(force)", "people in the force group's training pipeline",
        [[Force]] -> Num, state: true),
    function!("trainers", "trainers(actor)",
        "trainers the actor has this tick: its own, less those it lent, plus those lent to it",
        [[Actor]] -> Num, state: true),
    function!("manpower", "manpower(identity) | manpower(identity, region)",
        "men of fighting age of the identity, in the whole theatre or one region",
        [[Identity], [Identity, Region]] -> Num, state: true),
    function!("momentum", "momentum(actor)",
        "the actor's momentum: recent gains less losses of ground, decaying (0 with the momentum mechanism off)",
        [[Actor]] -> Num, state: true),
    function!("min", "min(x, y)", "smaller of two numbers", [[Num, Num]] -> Num, state: false),
    function!("max", "max(x, y)", "larger of two numbers", [[Num, Num]] -> Num, state: false),
    function!("abs", "abs(x)", "absolute value", [[Num]] -> Num, state: false),
    function!("if", "if(condition, x, y)", "x when the condition holds, else y", [[Bool, Num, Num]] -> Num, state: false),
    function!("mechanism_on", "mechanism_on(mechanism)",
        "true if the mechanism (e.g. enemy_dependent_goals) is switched on",
        [[Mechanism]] -> Bool, state: true),
    function!("achievable_ratio", "achievable_ratio(actor, region)",
        "force ratio the actor's side could reach at the region after massing what can get there within its planning horizon (2 ticks without a planning table), over the enemy in and next to it (large if no enemy)",
        [[Actor, Region]] -> Num, state: true),
    function!("operation_active", "operation_active(force)",
        "true while the force group has a planned operation, massing or launched",
        [[Force]] -> Bool, state: true),
    function!("operation_target", "operation_target(force, region)",
        "true if the region is the objective of the force group's operation",
        [[Force, Region]] -> Bool, state: true),
    function!("sorties", "sorties(force)",
        "sorties the air group flew at the last strategy phase (0 with the air_campaign mechanism off)",
        [[Force]] -> Num, state: true),
    function!("fatigue", "fatigue(force)",
        "the air group's fatigue in [0, 1], which lowers its sortie capacity (air_campaign)",
        [[Force]] -> Num, state: true),
    function!("contact", "contact(actor, region)",
        "the actor's side's contact with the enemy in the region, 2 · friendly / (friendly + hostile) effective ground strength, in [0, 2] (0 with nobody there)",
        [[Actor, Region]] -> Num, state: true),
    function!("hidden", "hidden(force) | hidden(force, region)",
        "hidden personnel of a force group, in all regions or one (0 with the irregular mechanism off)",
        [[Force], [Force, Region]] -> Num, state: true),
    function!("detected", "detected(force, region)",
        "share in [0, 1] of the force group's hidden fighters in the region detected this tick",
        [[Force, Region]] -> Num, state: true),
    function!("cooperation", "cooperation(actor, region)",
        "the population's cooperation with the actor in the region: population-weighted max(0, support) in [0, 1]",
        [[Actor, Region]] -> Num, state: true),
    function!("displaced", "displaced(identity)",
        "people of the identity away from their home region (0 with the displacement mechanism off)",
        [[Identity]] -> Num, state: true),
    function!("civilian_deaths", "civilian_deaths(region)",
        "civilians killed in the region so far (0 with the civilian_harm mechanism off)",
        [[Region]] -> Num, state: true),
    function!("civilian_deaths_by", "civilian_deaths_by(actor)",
        "civilians the actor's forces have killed so far (0 with the civilian_harm mechanism off)",
        [[Actor]] -> Num, state: true),
];

/// The expression for a call of `name` whose arguments have been checked
/// against its [`Function::args`]: `ids` holds the resolved name arguments
/// and `nums` the expression arguments, each in order.
fn call_expr(name: &str, ids: &[usize], mut nums: Vec<Expr>) -> Expr {
    let opt = |i: usize| ids.get(i).copied();
    let mut arg = || Box::new(nums.remove(0));
    Expr::Query(match name {
        "threat" => Query::Threat { actor: ids[0], region: opt(1) },
        "controls" => Query::Controls { actor: ids[0], region: ids[1] },
        "contested" => Query::Contested { region: ids[0] },
        "strength" => Query::Strength { force: ids[0], region: opt(1) },
        "actor_strength" => Query::ActorStrength { actor: ids[0], region: opt(1) },
        "ratio" => Query::Ratio { actor: ids[0], region: ids[1] },
        "attack_odds" => Query::AttackOdds { actor: ids[0], region: ids[1] },
        "money" => Query::Money { actor: ids[0] },
        "weapons" => Query::Weapons { actor: ids[0] },
        "regions_held" => Query::RegionsHeld { actor: ids[0] },
        "population_held" => Query::PopulationHeld { actor: ids[0] },
        "equipment" => Query::Equipment { force: ids[0] },
        "morale" => Query::Morale { force: ids[0] },
        "quality" => Query::Quality { force: ids[0] },
        "active" => Query::Active { force: ids[0] },
        "trainees" => Query::Trainees { force: ids[0] },
        "trainers" => Query::Trainers { actor: ids[0] },
        "grievance" => Query::Grievance { identity: ids[0], region: ids[1] },
        "support" => Query::Support { identity: ids[0], actor: ids[1], region: ids[2] },
        "mechanism_on" => Query::Mechanism {
            mechanism: crate::spec::MechanismName::parse(crate::spec::MechanismName::NAMES[ids[0]])
                .expect("ident_arg returns the index of a mechanism name"),
        },
        "input" => Query::Input { input: ids[0] },
        "income" => Query::Income { actor: ids[0] },
        "payroll" => Query::Payroll { actor: ids[0] },
        "manpower" => Query::Manpower { identity: ids[0], region: opt(1) },
        "momentum" => Query::Momentum { actor: ids[0] },
        "achievable_ratio" => Query::AchievableRatio { actor: ids[0], region: ids[1] },
        "operation_active" => Query::OperationActive { force: ids[0] },
        "operation_target" => Query::OperationTarget { force: ids[0], region: ids[1] },
        "sorties" => Query::Sorties { force: ids[0] },
        "fatigue" => Query::Fatigue { force: ids[0] },
        "contact" => Query::Contact { actor: ids[0], region: ids[1] },
        "hidden" => Query::Hidden { force: ids[0], region: opt(1) },
        "detected" => Query::Detected { force: ids[0], region: ids[1] },
        "cooperation" => Query::Cooperation { actor: ids[0], region: ids[1] },
        "displaced" => Query::Displaced { identity: ids[0] },
        "civilian_deaths" => Query::CivilianDeaths { region: ids[0] },
        "civilian_deaths_by" => Query::CivilianDeathsBy { actor: ids[0] },
        "abs" => return Expr::Abs(arg()),
        "min" => return Expr::Min(arg(), arg()),
        "max" => return Expr::Max(arg(), arg()),
        "if" => return Expr::If(arg(), arg(), arg()),
        _ => unreachable!("`{name}` is in FUNCTIONS but has no arm in call_expr"),
    })
}

struct Parser<'a> {
    toks: Vec<(Tok, std::ops::Range<usize>)>,
    pos: usize,
    names: &'a Names<'a>,
    origin: &'a Origin,
    static_only: bool,
    /// How many nested parser calls (parentheses, calls, `not`, unary `-`)
    /// are open: bounded by [`MAX_EXPR_DEPTH`] so parsing cannot overflow the stack.
    nesting: usize,
}

/// A parsed, type-checked subexpression.
struct Typed {
    expr: Expr,
    ty: Type,
    /// Depth of `expr` as a tree (a leaf is 1); bounded by [`MAX_EXPR_DEPTH`].
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn span(&self) -> std::ops::Range<usize> {
        self.toks[self.pos].1.clone()
    }
    fn next(&mut self) -> (Tok, std::ops::Range<usize>) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn err(&self, span: std::ops::Range<usize>, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::at(&self.origin.at(span), msg)
    }
    fn too_deep(&self, span: std::ops::Range<usize>) -> Diagnostic {
        self.err(span, format!("expression nested more than {MAX_EXPR_DEPTH} levels deep"))
            .expected(format!(
                "at most {MAX_EXPR_DEPTH} levels of parentheses, function calls, `not`, `-` and chained operators"
            ))
            .hint("simplify the expression, e.g. drop redundant parentheses or split a long chain over several rules")
    }
    /// Opens one level of parser recursion.
    fn enter(&mut self, span: std::ops::Range<usize>) -> Result<(), Diagnostic> {
        self.nesting += 1;
        if self.nesting > MAX_EXPR_DEPTH { Err(self.too_deep(span)) } else { Ok(()) }
    }
    fn leave(&mut self) {
        self.nesting -= 1;
    }
    /// A node over children of the given depths, refused past [`MAX_EXPR_DEPTH`].
    fn node(
        &self,
        expr: Expr,
        ty: Type,
        children: &[usize],
        span: std::ops::Range<usize>,
    ) -> Result<Typed, Diagnostic> {
        let depth = 1 + children.iter().copied().max().unwrap_or(0);
        if depth > MAX_EXPR_DEPTH {
            return Err(self.too_deep(span));
        }
        Ok(Typed { expr, ty, depth })
    }
    fn leaf(expr: Expr, ty: Type) -> Result<Typed, Diagnostic> {
        Ok(Typed { expr, ty, depth: 1 })
    }
    fn end_of_last(&self) -> usize {
        self.toks[self.pos.saturating_sub(1)].1.end
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
            || matches!(self.peek(), Tok::Ident(s) if s == op && (op == "and" || op == "or" || op == "not"))
    }
    fn expect_type(&self, t: Type, want: Type, span: std::ops::Range<usize>, ctx: &str) -> Result<(), Diagnostic> {
        if t == want {
            Ok(())
        } else {
            Err(self
                .err(span, format!("type error: {ctx} needs a {}, found a {}", want.name(), t.name()))
                .expected(format!("a {} expression", want.name())))
        }
    }

    fn or(&mut self) -> Result<Typed, Diagnostic> {
        let s0 = self.span().start;
        let mut lhs = self.and()?;
        while self.is_op("or") {
            self.next();
            let rhs = self.and()?;
            let end = self.end_of_last();
            self.expect_type(lhs.ty, Type::Bool, s0..end, "`or`")?;
            self.expect_type(rhs.ty, Type::Bool, s0..end, "`or`")?;
            let expr = Expr::Or(Box::new(lhs.expr), Box::new(rhs.expr));
            lhs = self.node(expr, Type::Bool, &[lhs.depth, rhs.depth], s0..end)?;
        }
        Ok(lhs)
    }
    fn and(&mut self) -> Result<Typed, Diagnostic> {
        let s0 = self.span().start;
        let mut lhs = self.not()?;
        while self.is_op("and") {
            self.next();
            let rhs = self.not()?;
            let end = self.end_of_last();
            self.expect_type(lhs.ty, Type::Bool, s0..end, "`and`")?;
            self.expect_type(rhs.ty, Type::Bool, s0..end, "`and`")?;
            let expr = Expr::And(Box::new(lhs.expr), Box::new(rhs.expr));
            lhs = self.node(expr, Type::Bool, &[lhs.depth, rhs.depth], s0..end)?;
        }
        Ok(lhs)
    }
    fn not(&mut self) -> Result<Typed, Diagnostic> {
        if self.is_op("not") {
            let sp = self.next().1;
            self.enter(sp.clone())?;
            let inner = self.not()?;
            self.leave();
            self.expect_type(inner.ty, Type::Bool, sp.clone(), "`not`")?;
            return self.node(Expr::Not(Box::new(inner.expr)), Type::Bool, &[inner.depth], sp);
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Typed, Diagnostic> {
        let s0 = self.span().start;
        let lhs = self.sum()?;
        let op = match self.peek() {
            Tok::Op("<") => Cmp::Lt,
            Tok::Op("<=") => Cmp::Le,
            Tok::Op(">") => Cmp::Gt,
            Tok::Op(">=") => Cmp::Ge,
            Tok::Op("==") => Cmp::Eq,
            Tok::Op("!=") => Cmp::Ne,
            _ => return Ok(lhs),
        };
        self.next();
        let rhs = self.sum()?;
        let end = self.end_of_last();
        if lhs.ty != rhs.ty || (lhs.ty == Type::Bool && !matches!(op, Cmp::Eq | Cmp::Ne)) {
            return Err(self
                .err(s0..end, format!("type error: cannot compare a {} with a {}", lhs.ty.name(), rhs.ty.name()))
                .expected("two numbers or two dates"));
        }
        let expr = Expr::Cmp(op, Box::new(lhs.expr), Box::new(rhs.expr));
        self.node(expr, Type::Bool, &[lhs.depth, rhs.depth], s0..end)
    }
    fn sum(&mut self) -> Result<Typed, Diagnostic> {
        let s0 = self.span().start;
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => Arith::Add,
                Tok::Op("-") => Arith::Sub,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.product()?;
            let end = self.end_of_last();
            let ty = match (lhs.ty, rhs.ty, op) {
                (Type::Num, Type::Num, _) => Type::Num,
                (Type::Date, Type::Date, Arith::Sub) => Type::Num,
                (Type::Date, Type::Num, _) => Type::Date,
                _ => {
                    return Err(self
                        .err(
                            s0..end,
                            format!(
                                "type error: cannot apply `{}` to a {} and a {}",
                                if op == Arith::Add { "+" } else { "-" },
                                lhs.ty.name(),
                                rhs.ty.name()
                            ),
                        )
                        .expected("numbers (or date ± days, or date − date)"));
                }
            };
            let expr = Expr::Arith(op, Box::new(lhs.expr), Box::new(rhs.expr));
            lhs = self.node(expr, ty, &[lhs.depth, rhs.depth], s0..end)?;
        }
    }
    fn product(&mut self) -> Result<Typed, Diagnostic> {
        let s0 = self.span().start;
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => Arith::Mul,
                Tok::Op("/") => Arith::Div,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.unary()?;
            let end = self.end_of_last();
            self.expect_type(lhs.ty, Type::Num, s0..end, "`*` and `/`")?;
            self.expect_type(rhs.ty, Type::Num, s0..end, "`*` and `/`")?;
            let expr = Expr::Arith(op, Box::new(lhs.expr), Box::new(rhs.expr));
            lhs = self.node(expr, Type::Num, &[lhs.depth, rhs.depth], s0..end)?;
        }
    }
    fn unary(&mut self) -> Result<Typed, Diagnostic> {
        if matches!(self.peek(), Tok::Op("-")) {
            let sp = self.next().1;
            self.enter(sp.clone())?;
            let inner = self.unary()?;
            self.leave();
            self.expect_type(inner.ty, Type::Num, sp.clone(), "unary `-`")?;
            return self.node(Expr::Neg(Box::new(inner.expr)), Type::Num, &[inner.depth], sp);
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Typed, Diagnostic> {
        let (tok, span) = self.next();
        match tok {
            Tok::Num(x) => Self::leaf(Expr::Const(x), Type::Num),
            Tok::Date(d) => Self::leaf(Expr::Const(f64::from(d.epoch_days())), Type::Date),
            Tok::LParen => {
                self.enter(span)?;
                let e = self.or()?;
                self.leave();
                match self.next() {
                    (Tok::RParen, _) => Ok(e),
                    (_, sp) => Err(self.err(sp, "missing `)`").expected("`)` to close the parenthesis")),
                }
            }
            Tok::Ident(name) => {
                if matches!(self.peek(), Tok::LParen) {
                    return self.call(&name, span);
                }
                match name.as_str() {
                    "true" => return Self::leaf(Expr::Const(1.0), Type::Bool),
                    "false" => return Self::leaf(Expr::Const(0.0), Type::Bool),
                    _ => {}
                }
                if !self.static_only {
                    match name.as_str() {
                        "tick" => return Self::leaf(Expr::Tick, Type::Num),
                        "date" => return Self::leaf(Expr::Today, Type::Date),
                        _ => {}
                    }
                }
                if let Some(i) = self.names.params.iter().position(|p| *p == name) {
                    return Self::leaf(Expr::Param(i), Type::Num);
                }
                let mut cands: Vec<&str> = self.names.params.iter().map(String::as_str).collect();
                if !self.static_only {
                    cands.extend(["tick", "date"]);
                }
                let what = if self.static_only {
                    "only numbers and parameters can be used here"
                } else {
                    "a parameter, `tick`, `date`, or a function call"
                };
                Err(self
                    .err(span, format!("unknown name `{name}`"))
                    .expected(what.to_string())
                    .hint(choice_hint(&name, &cands)))
            }
            Tok::End => Err(self.err(span, "unexpected end of expression").expected("a value after this")),
            t => Err(self.err(span, format!("unexpected {}", describe(&t))).expected("a number, date, name or `(`")),
        }
    }

    fn ident_arg(&mut self, kind: ArgKind, fname: &str) -> Result<usize, Diagnostic> {
        let (tok, span) = self.next();
        let Tok::Ident(id) = tok else {
            return Err(self.err(span, format!("`{fname}` expects {} here", kind.name())).expected(kind.name()));
        };
        let list = match kind {
            ArgKind::Actor => self.names.actors,
            ArgKind::Region => self.names.regions,
            ArgKind::Force => self.names.forces,
            ArgKind::Identity => self.names.identities,
            ArgKind::Input => self.names.inputs,
            ArgKind::Mechanism => {
                return match crate::spec::MechanismName::parse(&id) {
                    Some(m) => Ok(m as usize),
                    None => Err(self
                        .err(span, format!("unknown mechanism `{id}` in `{fname}(…)`"))
                        .expected(format!("one of: {}", crate::spec::MechanismName::NAMES.join(", ")))
                        .hint(choice_hint(&id, crate::spec::MechanismName::NAMES))),
                };
            }
            ArgKind::Num | ArgKind::Bool => unreachable!("expression arguments are parsed by `call`"),
        };
        if let Some(i) = list.iter().position(|x| *x == id) {
            return Ok(i);
        }
        if kind == ArgKind::Region {
            let low = id.to_lowercase();
            if let Some(&(_, r)) = self.names.places.iter().find(|(n, _)| *n == low) {
                return Ok(r);
            }
        }
        Err({
            let mut cands: Vec<&str> = list.iter().map(String::as_str).collect();
            if kind == ArgKind::Region {
                cands.extend(self.names.places.iter().map(|(n, _)| n.as_str()));
            }
            self.err(
                span,
                format!("unknown {} `{id}` in `{fname}(…)`", &kind.name()[kind.name().find(' ').unwrap_or(0) + 1..]),
            )
            .expected(kind.name())
            .hint(choice_hint(&id, &cands))
        })
    }

    fn call(&mut self, name: &str, name_span: std::ops::Range<usize>) -> Result<Typed, Diagnostic> {
        let Some(function) = FUNCTIONS.iter().find(|f| f.name == name) else {
            let cands: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
            return Err(self
                .err(name_span, format!("unknown function `{name}`"))
                .expected("one of the rule language's functions")
                .hint(choice_hint(name, &cands)));
        };
        let sigs = function.args;
        if self.static_only && function.reads_state {
            return Err(self
                .err(name_span, format!("`{name}(…)` reads the state of a run, which does not exist yet here"))
                .expected("numbers, parameters and min/max/abs")
                .hint("state queries belong in rule conditions and tactic amounts"));
        }
        let sig_text = function.signature;
        let open = self.next().1; // (
        self.enter(open)?;
        let mut ids: Vec<usize> = Vec::new();
        let mut nums: Vec<Expr> = Vec::new();
        let mut depth = 0;
        let max_len = sigs.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut n = 0;
        if !matches!(self.peek(), Tok::RParen) {
            loop {
                if n >= max_len {
                    return Err(self
                        .err(self.span(), format!("too many arguments to `{name}`"))
                        .expected(sig_text.to_string()));
                }
                // The kind of the n-th argument is the same in every signature that has one.
                let kind = sigs.iter().find(|s| s.len() > n).map(|s| s[n]).unwrap_or(ArgKind::Num);
                if kind == ArgKind::Num || kind == ArgKind::Bool {
                    let sp = self.span();
                    let arg = self.or()?;
                    let want = if kind == ArgKind::Num { Type::Num } else { Type::Bool };
                    let end = self.end_of_last();
                    self.expect_type(arg.ty, want, sp.start..end, &format!("argument {} of `{name}`", n + 1))?;
                    depth = depth.max(arg.depth);
                    nums.push(arg.expr);
                } else {
                    ids.push(self.ident_arg(kind, name)?);
                }
                n += 1;
                match self.peek() {
                    Tok::Comma => {
                        self.next();
                    }
                    Tok::RParen => break,
                    _ => {
                        return Err(self
                            .err(self.span(), format!("expected `,` or `)` in `{name}(…)`"))
                            .expected(sig_text.to_string()));
                    }
                }
            }
        }
        self.leave();
        let close = self.next().1;
        if !sigs.iter().any(|s| s.len() == n) {
            return Err(self
                .err(
                    name_span.start..close.end,
                    format!(
                        "`{name}` takes {} argument(s), found {n}",
                        sigs.iter().map(|s| s.len().to_string()).collect::<Vec<_>>().join(" or ")
                    ),
                )
                .expected(sig_text.to_string()));
        }
        self.node(call_expr(name, &ids, nums), function.result, &[depth], name_span.start..close.end)
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(x) => format!("number {x}"),
        Tok::Date(_) => "date".into(),
        Tok::Ident(s) => format!("name `{s}`"),
        Tok::Op(o) => format!("operator `{o}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::End => "end of expression".into(),
    }
}

/// Parses and type-checks `src`, which must have type `want`. With
/// `static_only`, only constants, parameters and min/max/abs are allowed
/// (for quantities fixed when the model is built). An expression nested
/// deeper than [`MAX_EXPR_DEPTH`] is refused.
pub fn compile(
    src: &str,
    want: Type,
    names: &Names<'_>,
    origin: &Origin,
    static_only: bool,
) -> Result<Expr, Diagnostic> {
    let toks = lex(src, origin)?;
    let mut p = Parser { toks, pos: 0, names, origin, static_only, nesting: 0 };
    if matches!(p.peek(), Tok::End) {
        return Err(p.err(0..src.len(), "empty expression").expected(format!("a {} expression", want.name())));
    }
    let Typed { expr, ty, .. } = p.or()?;
    if !matches!(p.peek(), Tok::End) {
        let sp = p.span();
        let d = describe(p.peek());
        return Err(p
            .err(sp, format!("unexpected {d} after a complete expression"))
            .hint("join conditions with `and` / `or`"));
    }
    if ty != want {
        return Err(p
            .err(0..src.len(), format!("type error: this is a {} expression", ty.name()))
            .expected(format!("a {} expression", want.name()))
            .hint(if want == Type::Bool { "compare it, e.g. `… > 0.5`" } else { "use a numeric expression" }));
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct W;
    impl World for W {
        fn query(&self, q: &Query) -> f64 {
            match q {
                Query::Threat { .. } => 0.7,
                Query::Controls { actor, .. } => f64::from(*actor == 1),
                _ => 10.0,
            }
        }
        fn param(&self, i: usize) -> f64 {
            [0.25, 4.0][i]
        }
        fn tick(&self) -> f64 {
            3.0
        }
        fn today(&self) -> f64 {
            f64::from(Day::parse("2014-10-01").unwrap().epoch_days())
        }
    }

    /// Actor, region, force, identity and parameter names, in that order.
    fn names() -> [Vec<String>; 5] {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        [s(&["gov", "isis"]), s(&["baghdad", "ramadi"]), s(&["army"]), s(&["sunni"]), s(&["distrust", "k"])]
    }

    fn run(src: &str, want: Type) -> Result<f64, Diagnostic> {
        let [a, r, f, i, p] = names();
        let n = Names { actors: &a, regions: &r, forces: &f, identities: &i, params: &p, inputs: &[], places: &[] };
        let o = Origin { loc: Loc::new(0, 0..src.len() + 2), offset: 1 };
        compile(src, want, &n, &o, false).map(|e| e.eval(&W))
    }

    #[test]
    fn arithmetic_precedence_and_params() {
        assert_eq!(run("1 + 2 * 3", Type::Num).unwrap(), 7.0);
        assert_eq!(run("(1 + 2) * 3", Type::Num).unwrap(), 9.0);
        assert_eq!(run("-distrust + k / 2", Type::Num).unwrap(), 1.75);
        assert_eq!(run("1 / 0", Type::Num).unwrap(), 0.0);
        assert_eq!(run("max(1, min(5, 3))", Type::Num).unwrap(), 3.0);
        assert_eq!(run("if(tick > 2, 10, 20)", Type::Num).unwrap(), 10.0);
        assert!(run("if(1, 10, 20)", Type::Num).unwrap_err().message.contains("argument 1 of `if`"));
    }

    #[test]
    fn booleans_queries_and_dates() {
        assert_eq!(run("threat(gov, baghdad) > 0.5 and date >= 2014-09-01", Type::Bool).unwrap(), 1.0);
        assert_eq!(run("controls(isis, ramadi) and not controls(gov, ramadi)", Type::Bool).unwrap(), 1.0);
        assert_eq!(run("date - 2014-09-01 == 30", Type::Bool).unwrap(), 1.0);
        assert_eq!(run("tick < 2 or threat(gov) < 0.1", Type::Bool).unwrap(), 0.0);
        assert_eq!(run("attack_odds(gov, ramadi) >= 3", Type::Bool).unwrap(), 1.0);
    }

    #[test]
    fn type_errors_are_reported() {
        let e = run("threat(gov) and true", Type::Bool).unwrap_err();
        assert!(e.message.contains("type error"), "{e:?}");
        let e = run("1 + 2", Type::Bool).unwrap_err();
        assert!(e.message.contains("number expression"), "{e:?}");
        let e = run("date > 3", Type::Bool).unwrap_err();
        assert!(e.message.contains("cannot compare a date with a number"), "{e:?}");
    }

    #[test]
    fn unknown_names_get_hints_and_positions() {
        let e = run("threat(gvo) > 1", Type::Bool).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `gov`?"));
        // Offset 1 for the opening quote, 7 into the text.
        assert_eq!(e.loc.unwrap().span.start, 8);
        let e = run("thret(gov) > 1", Type::Bool).unwrap_err();
        assert!(e.message.contains("unknown function `thret`"));
        let e = run("distrst > 1", Type::Bool).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `distrust`?"));
    }

    #[test]
    fn syntax_errors() {
        assert!(run("(1 + 2", Type::Num).unwrap_err().message.contains("missing `)`"));
        assert!(run("1 +", Type::Num).unwrap_err().message.contains("unexpected end"));
        assert!(run("1 2", Type::Num).unwrap_err().message.contains("after a complete expression"));
        assert!(run("threat(gov, ramadi, 1)", Type::Num).unwrap_err().message.contains("too many arguments"));
        assert!(run("1 $ 2", Type::Num).unwrap_err().message.contains("unexpected character"));
        assert!(run("", Type::Num).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn static_mode_rejects_state() {
        let [a, r, f, i, p] = names();
        let n = Names { actors: &a, regions: &r, forces: &f, identities: &i, params: &p, inputs: &[], places: &[] };
        let o = Origin { loc: Loc::new(0, 0..20), offset: 1 };
        assert!(compile("threat(gov)", Type::Num, &n, &o, true).is_err());
        assert!(compile("tick", Type::Num, &n, &o, true).is_err());
        assert!(compile("k * 2", Type::Num, &n, &o, true).unwrap().is_static());
    }

    fn run_static(src: &str) -> Result<Expr, Diagnostic> {
        let [a, r, f, i, p] = names();
        let n = Names { actors: &a, regions: &r, forces: &f, identities: &i, params: &p, inputs: &[], places: &[] };
        compile(src, Type::Num, &n, &Origin { loc: Loc::new(0, 0..src.len() + 2), offset: 1 }, false)
    }

    #[test]
    fn regression_multibyte_char_after_one_byte_token_is_a_located_error() {
        for (src, code, name) in [
            ("(1)\u{a0}> 0", "U+00A0", "no-break space"),
            ("2 *\u{2028}3 > 1", "U+2028", "line separator"),
            ("tick >\u{feff}1", "U+FEFF", "byte order mark"),
            ("1 <\u{2264} 2", "U+2264", "less-than or equal to"),
            ("\u{20ac} > 1", "U+20AC", ""),
            ("k\u{00e9} > 1", "U+00E9", ""),
        ] {
            let e = run(src, Type::Bool).unwrap_err();
            assert!(e.message.starts_with("unexpected character"), "{src:?}: {e:?}");
            assert!(e.message.contains(code) && e.message.contains(name), "{src:?}: {}", e.message);
            // The location covers exactly the offending character (offset 1 for the quote).
            let at = src.char_indices().find(|(_, c)| !c.is_ascii()).unwrap();
            let span = e.loc.unwrap().span;
            assert_eq!(span, 1 + at.0..1 + at.0 + at.1.len_utf8(), "{src:?}");
        }
    }

    #[test]
    fn regression_deeply_nested_rules_are_refused_naming_the_limit() {
        let deep = [
            format!("{}1{}", "(".repeat(3000), ")".repeat(3000)),
            format!("{}1{}", "if(true, ".repeat(2500), ", 0)".repeat(2500)),
            format!("{}1", "-".repeat(20_000)),
            format!("{}(1 > 0)", "not ".repeat(50_000)),
            format!("{}1", "!".repeat(50_000)),
            // Chains are loops in the parser but trees of that depth.
            format!("1{}", " + 1".repeat(100_000)),
            format!("true{}", " and true".repeat(100_000)),
            format!("1 > 0{}", " or 1 > 0".repeat(100_000)),
        ];
        for src in &deep {
            let e = run_static(src).err().or_else(|| run(src, Type::Bool).err()).unwrap();
            assert!(e.message.contains(&format!("more than {MAX_EXPR_DEPTH} levels")), "{}", e.message);
            assert!(e.loc.is_some());
        }
    }

    #[test]
    fn expressions_at_the_depth_limit_parse_and_evaluate_on_a_small_stack() {
        // Parsing, evaluation, cloning and dropping recurse over the tree: at
        // the limit they must fit in the 2 MiB stack of a spawned thread.
        let n = MAX_EXPR_DEPTH - 1;
        let parens = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        let negs = format!("{}1", "-".repeat(n));
        let chain = format!("1{}", " + 1".repeat(n - 1));
        let ifs = format!("{}1{}", "if(true, ".repeat(n - 1), ", 0)".repeat(n - 1));
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                assert_eq!(run(&parens, Type::Num).unwrap(), 1.0);
                assert_eq!(run(&negs, Type::Num).unwrap(), if n.is_multiple_of(2) { 1.0 } else { -1.0 });
                assert_eq!(run(&chain, Type::Num).unwrap(), n as f64);
                let e = run_static(&ifs).unwrap();
                assert_eq!(e.clone().eval(&W), 1.0);
                let mut params = 0;
                e.for_each_name(&mut |_, _| params += 1);
                assert_eq!(params, 0);
            })
            .unwrap()
            .join()
            .unwrap();
        let over = format!("{}1", "-".repeat(MAX_EXPR_DEPTH + 1));
        assert!(run(&over, Type::Num).is_err());
    }

    #[test]
    fn every_function_in_the_table_compiles_and_is_documented() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/model.md")).unwrap();
        for f in FUNCTIONS {
            for sig in f.args {
                let args: Vec<&str> = sig
                    .iter()
                    .map(|k| match k {
                        ArgKind::Actor => "gov",
                        ArgKind::Region => "baghdad",
                        ArgKind::Force => "army",
                        ArgKind::Identity => "sunni",
                        ArgKind::Mechanism => "rout",
                        ArgKind::Input => "brent",
                        ArgKind::Num => "k",
                        ArgKind::Bool => "true",
                    })
                    .collect();
                let src = format!("{}({})", f.name, args.join(", "));
                let want = f.result;
                let e = compile_any(&src, want).unwrap_or_else(|d| panic!("{src}: {d:?}"));
                let _ = e.eval(&W);
            }
            assert!(doc.contains(&format!("`{}(", f.name)), "docs/model.md §6 does not list `{}`", f.name);
        }
    }

    fn compile_any(src: &str, want: Type) -> Result<Expr, Diagnostic> {
        let [a, r, f, i, p] = names();
        let inputs = ["brent".to_string()];
        let n = Names { actors: &a, regions: &r, forces: &f, identities: &i, params: &p, inputs: &inputs, places: &[] };
        compile(src, want, &n, &Origin { loc: Loc::new(0, 0..src.len() + 2), offset: 1 }, false)
    }

    #[test]
    fn for_each_name_lists_parameters_and_query_ids() {
        let e = compile_any("support(sunni, isis, ramadi) > k and strength(army) > distrust", Type::Bool).unwrap();
        let mut seen = Vec::new();
        e.for_each_name(&mut |kind, i| seen.push((kind, i)));
        seen.sort_by_key(|x| (x.0 as u8, x.1));
        assert_eq!(
            seen,
            vec![
                (NameKind::Actor, 1),
                (NameKind::Region, 1),
                (NameKind::Force, 0),
                (NameKind::Identity, 0),
                (NameKind::Parameter, 0),
                (NameKind::Parameter, 1)
            ]
        );
    }
}
