//! # frontline-fuzz
//!
//! A mutation fuzzer for the readers of untrusted input: the scenario loader
//! (`frontline_scenario::load` and the civil-violence loader, with includes,
//! variant overlays and `--set` overrides, and the rendering of their
//! errors), the backtest's history CSV reader (with the scoring that follows
//! it) and the GeoJSON map reader.
//!
//! It needs no nightly toolchain and no instrumentation: cases are built from
//! the shipped scenarios (`scenarios/iraq/` and `examples/`, with their
//! includes, variants, map and history) and the committed corpus, by
//! structured mutations (TOML keys, values and strings, rule-language text,
//! deep nesting, long dotted keys, `--set` paths taken from the scenarios'
//! own keys, variant overlays, includes of devices and named pipes, CSV
//! fields, GeoJSON nodes) and byte-level ones (bit flips, insertions,
//! deletions, splices, awkward characters such as U+00A0, U+2028, a BOM and
//! invalid UTF-8). Case *i* of a campaign depends only on `--seed` and *i*.
//!
//! Each case runs in a worker process (this binary with `--worker`), under a
//! memory limit and a per-case timeout, so that what would kill the CLI is
//! caught and reported with its input:
//!
//! | outcome | meaning | campaign |
//! | --- | --- | --- |
//! | ok | accepted | fine |
//! | error | refused with a message | fine (errors that name no place are counted) |
//! | panic | a Rust panic | **fails** |
//! | crash | abort, signal, stack overflow, allocation failure | **fails** |
//! | timeout | no answer within `--timeout` | **fails** |
//! | unexpected | a corpus case broke its `expect` line | **fails** |
//!
//! Each distinct failure (a panic's place, a crash's cause) is reported once;
//! its input is shrunk for a few seconds and saved to `--crashes`
//! (default `target/fuzz-crashes/`). Replay one with `--replay FILE`.
//!
//! ## Running it
//!
//! ```text
//! # What CI runs (bounded):
//! cargo run -p frontline-fuzz --profile test -- --seconds 75 --seed 1 --jobs 2
//! # A long run, all targets, a fresh seed each time (printed), Ctrl-C to stop:
//! cargo run -p frontline-fuzz --profile test -- --seconds 3600 --jobs 4
//! # One reader only; replay a saved input (or the whole corpus folder):
//! cargo run -p frontline-fuzz --profile test -- --target history --seconds 600
//! cargo run -p frontline-fuzz -- --replay target/fuzz-crashes/panic-1a2b3c4d.case
//! ```
//!
//! The `test` profile is the one `cargo test` builds (so CI builds nothing
//! more), optimised enough for a few hundred cases a second, and it keeps
//! integer overflow checks: an overflow a release build would wrap silently
//! is a panic here, and reported. With `--jobs` above 1 the same cases run,
//! but which of several inputs hitting one failure is saved first may vary.
//! libFuzzer (`libfuzzer-sys`) also builds on the stable toolchain with
//! sancov flags, but instrumenting every dependency would cost CI minutes of
//! building; this harness needs none.
//!
//! The corpus (`crates/frontline-fuzz/corpus/*.case`, format in [`case`]) is
//! replayed before the generated cases and seeds them. A corpus case may say
//! what it must give (`expect error`, `expect-contains TEXT`), which turns a
//! silently accepted bad input into a failure. To add one, copy a saved crash
//! file (or write one: a few header lines and the files that differ from the
//! shipped base), give it a name that says what it is and an `expect` line.

pub mod campaign;
pub mod case;
pub mod exec;
pub mod mutate;
pub mod rng;
pub mod supervisor;
pub mod worker;
