//! The worker: the same binary started with `--worker`, reading cases from
//! its standard input and answering one line per case on its standard
//! output. It limits its own memory (so an input that makes the reader
//! allocate without bound ends in an allocation failure the supervisor
//! reports, rather than in the machine swapping) and turns core dumps off.
//!
//! Protocol: each case is a little-endian `u32` byte count followed by the
//! case file ([`crate::case`]). Each answer is one line of tab-separated
//! fields, text fields escaped with [`escape`]:
//!
//! ```text
//! ok      SUMMARY
//! error   LOCATED(0|1)  MESSAGE
//! panic   LOCATION      MESSAGE
//! bad     REASON        (the case itself could not be read)
//! ```

use crate::case::Case;
use crate::exec::{Context, Verdict};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::sync::Mutex;

/// Stack of the thread each case runs on: the main thread's under Linux's
/// default `ulimit -s`, where the CLI runs the loader.
pub const CASE_STACK_BYTES: usize = 8 << 20;

/// Longest message sent back (the rest is cut).
const MAX_MESSAGE: usize = 64 << 10;

/// The last panic's location and message, set by the panic hook.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

/// Escapes a text for one tab-separated field.
pub fn escape(s: &str) -> String {
    let mut cut = s.len().min(MAX_MESSAGE);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut out = String::with_capacity(cut + 8);
    for c in s[..cut].chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape`].
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Limits this process's address space to `memory_mb` MiB (0: no limit)
/// and turns core dumps off.
#[cfg(unix)]
fn limit_resources(memory_mb: u64) {
    let set = |resource, bytes: u64| {
        let lim = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
        // SAFETY: setrlimit reads the struct we pass and nothing else.
        let rc = unsafe { libc::setrlimit(resource, &lim) };
        if rc != 0 {
            eprintln!("frontline-fuzz worker: setrlimit failed: {}", std::io::Error::last_os_error());
        }
    };
    set(libc::RLIMIT_CORE, 0);
    if memory_mb > 0 {
        set(libc::RLIMIT_AS, memory_mb << 20);
    }
}

#[cfg(not(unix))]
fn limit_resources(_memory_mb: u64) {}

/// Runs the worker loop until its input ends. Returns the exit code.
pub fn main(root: &Path, dir: &Path, memory_mb: u64) -> i32 {
    limit_resources(memory_mb);
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map_or("unknown".to_string(), |l| format!("{}:{}", l.file(), l.line()));
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(a panic with a non-text payload)".into());
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some((location, message));
    }));
    let mut ctx = Context::new(root, dir);
    let mut input = std::io::stdin().lock();
    let mut output = BufWriter::new(std::io::stdout().lock());
    loop {
        let mut len = [0u8; 4];
        if input.read_exact(&mut len).is_err() {
            return 0;
        }
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        if input.read_exact(&mut bytes).is_err() {
            return 0;
        }
        let answer = match Case::decode(&bytes) {
            Err(e) => format!("bad\t{}", escape(&e)),
            Ok(case) => run_isolated(&mut ctx, &case),
        };
        if writeln!(output, "{answer}").and_then(|()| output.flush()).is_err() {
            return 0;
        }
    }
}

/// Runs one case on its own thread, turning a panic into an answer.
fn run_isolated(ctx: &mut Context, case: &Case) -> String {
    *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let result = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("case".into())
            .stack_size(CASE_STACK_BYTES)
            .spawn_scoped(scope, || ctx.execute(case));
        match handle {
            Ok(h) => h.join().map_err(|_| ()),
            Err(e) => {
                Ok(Verdict::Error { text: format!("harness: cannot start the case thread: {e}"), located: false })
            }
        }
    });
    match result {
        Ok(Verdict::Ok(summary)) => format!("ok\t{}", escape(&summary)),
        Ok(Verdict::Error { text, located }) => format!("error\t{}\t{}", u8::from(located), escape(&text)),
        Err(()) => {
            let (location, message) = LAST_PANIC
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_else(|| ("unknown".into(), "(no message)".into()));
            format!("panic\t{}\t{}", escape(&location), escape(&message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_and_keeps_one_line() {
        let s = "a\tb\nc\\d\re\u{2028}";
        let e = escape(s);
        assert!(!e.contains(['\n', '\t', '\r']));
        assert_eq!(unescape(&e), s);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let s = "é".repeat(MAX_MESSAGE);
        let e = escape(&s);
        assert!(e.len() <= MAX_MESSAGE && e.chars().all(|c| c == 'é'));
    }
}
