//! The input limits: the largest value each kind of scenario number may take,
//! and how a bound is written in messages.
//!
//! Reads nothing; the builders check their numbers against these limits
//! through `Builder::check_range`. It must not
//! build any part of the model.

/// The largest value a kind of scenario number may take. The bounds are far
/// beyond what a real theatre needs, and low enough that the engine's sums
/// and products over 100,000 ticks stay finite: a value past one is refused
/// with an error naming the limit, rather than turning into `inf` or `NaN`
/// in the tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The largest allowed value.
    pub max: f64,
    /// Its name in this module, as reported in errors.
    pub name: &'static str,
    /// What it bounds, for error messages.
    pub applies_to: &'static str,
}

/// People and weapon sets: populations, personnel (air sorties), equipment,
/// weapons stocks and weapons income (10^10, more than the world's population).
pub const MAX_PEOPLE: Limit =
    Limit { max: 1e10, name: "MAX_PEOPLE", applies_to: "populations, personnel, equipment and weapons" };
/// Money: incomes, money stocks and funding per week (10^12 money units).
pub const MAX_MONEY: Limit = Limit { max: 1e12, name: "MAX_MONEY", applies_to: "money, incomes and funding" };
/// Money per person per week: `tax` and `upkeep` (10^6 money units).
pub const MAX_MONEY_PER_HEAD: Limit =
    Limit { max: 1e6, name: "MAX_MONEY_PER_HEAD", applies_to: "money per person per week (tax, upkeep)" };
/// Weights: region values, goal weights and allocation shares (10^6).
pub const MAX_WEIGHT: Limit =
    Limit { max: 1e6, name: "MAX_WEIGHT", applies_to: "region values, goal weights and allocation shares" };
/// Multipliers given as tactic amounts: `recruit` and `train` (10^3).
pub const MAX_MULTIPLIER: Limit =
    Limit { max: 1e3, name: "MAX_MULTIPLIER", applies_to: "recruitment and training multipliers" };
/// Magnitude of a parameter's value, range ends and event `set` values (10^12).
pub const MAX_PARAMETER: Limit =
    Limit { max: 1e12, name: "MAX_PARAMETER", applies_to: "parameter values, ranges and event `set` values" };

/// Oil output: barrels per day of one region (world output is about 1e8).
pub const MAX_OIL: Limit = Limit { max: 1e8, name: "MAX_OIL", applies_to: "oil output per region (barrels per day)" };
/// Every limit, for the documentation test.
pub const LIMITS: &[Limit] =
    &[MAX_PEOPLE, MAX_MONEY, MAX_MONEY_PER_HEAD, MAX_WEIGHT, MAX_MULTIPLIER, MAX_PARAMETER, MAX_OIL];

/// A bound as written in messages: `1e10` rather than `10000000000`.
pub(super) fn show(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { format!("{x}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_limit_is_documented_with_its_value() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/model.md")).unwrap();
        for l in LIMITS {
            let exponent = format!("{:e}", l.max);
            let power = exponent.trim_start_matches("1e");
            let superscript: String =
                power.chars().map(|c| "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().nth(c.to_digit(10).unwrap() as usize).unwrap()).collect();
            let row = format!("| `{}` |", l.name);
            let line = doc.lines().find(|x| x.starts_with(&row));
            assert!(
                line.is_some_and(|x| x.contains(&format!("10{superscript}"))),
                "docs/model.md has no row `{row} … 10{superscript}`"
            );
        }
    }

    #[test]
    fn bounds_are_shown_as_powers_of_ten() {
        assert_eq!(show(1e12), "1e12");
        assert_eq!(show(0.95), "0.95");
        assert_eq!(show(-250000.0), "-250000");
    }
}
