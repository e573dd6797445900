//! Resource limits: the largest files a scenario may name, what kind of file
//! they must be, how deeply they may include one another, and the memory
//! budget a run must fit in.
//!
//! Owns bounded file reading (regular files only, a size cap enforced while
//! reading so that a file growing under us cannot exceed it, UTF-8 checked
//! with the place of the first bad byte), the memory estimate of one run of
//! the theatre model, and the budget it is checked against. Every limit is a
//! named constant documented here and in the README; the memory budget can
//! be raised with [`MEMORY_LIMIT_ENV`]. The loader ([`crate::load`]) and the
//! civil-violence model apply them.

use crate::model::Model;
use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

/// Largest scenario TOML file (base scenario, include or variant): 64 MiB.
/// The shipped scenarios are under 100 KiB; a bigger file is a wrong path
/// (a log, a device) rather than a scenario.
pub const MAX_SCENARIO_FILE_BYTES: u64 = 64 << 20;

/// Largest GeoJSON map file: 256 MiB. The shipped Iraq districts map is
/// 0.5 MiB; parsing holds the whole JSON tree in memory (several times the
/// file size), so this keeps a map within a few GiB.
pub const MAX_MAP_FILE_BYTES: u64 = 256 << 20;

/// Largest CSV data file (e.g. a `--history` table): 256 MiB.
pub const MAX_DATA_FILE_BYTES: u64 = 256 << 20;

/// Most files one scenario may read in all (the base file, its includes and
/// the variants with theirs, each read counted). Bounds a "diamond" of
/// includes, which the cycle check alone would let grow exponentially.
pub const MAX_SCENARIO_FILES: usize = 256;

/// Deepest chain of includes (a file including a file including …).
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Most parts in a dotted TOML key (`a.b.c` has 3) that the TOML reader
/// accepts; it refuses longer keys (its recursion limit).
pub const MAX_DOTTED_KEY_PARTS: usize = 80;

/// Memory one run may need, by default: 8 GiB. Raise it with the
/// [`MEMORY_LIMIT_ENV`] environment variable.
pub const DEFAULT_MEMORY_BUDGET: u64 = 8 << 30;

/// Environment variable overriding [`DEFAULT_MEMORY_BUDGET`]: a size such as
/// `16G`, `512M`, `16GiB` or a byte count (units are powers of 1024), or
/// `unlimited`.
pub const MEMORY_LIMIT_ENV: &str = "FRONTLINE_MEMORY_LIMIT";

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system refused (missing file, no permission, …).
    Io(std::io::Error),
    /// The path names something other than a regular file (a directory, a
    /// named pipe, a device, a socket): reading it could block or never end.
    NotRegular(&'static str),
    /// The file is larger than `limit`; `size` is its size when known before
    /// reading (`None`: it grew past the limit while being read).
    TooLarge {
        /// Its size in bytes, if known.
        size: Option<u64>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not valid UTF-8.
    NotUtf8(NotUtf8),
}

/// Where a file stops being valid UTF-8.
#[derive(Debug, Clone, PartialEq)]
pub struct NotUtf8 {
    /// The text with invalid bytes replaced by U+FFFD. Every byte before
    /// `offset` is the file's own, so `offset` is valid in this text too.
    pub lossy: String,
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// Its 1-based line.
    pub line: usize,
    /// Its 1-based column, in characters.
    pub column: usize,
    /// The invalid byte sequence (one to three bytes).
    pub bytes: Vec<u8>,
}

impl NotUtf8 {
    /// The bad bytes as `0xFF 0xFE`.
    pub fn hex(&self) -> String {
        self.bytes.iter().map(|b| format!("0x{b:02X}")).collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { size: Some(size), limit } => {
                write!(f, "it is {} ({size} bytes), over the limit of {}", format_bytes(*size), format_bytes(*limit))
            }
            ReadError::TooLarge { size: None, limit } => {
                write!(f, "it grew past the limit of {} while being read", format_bytes(*limit))
            }
            ReadError::NotUtf8(n) => write!(
                f,
                "it is not valid UTF-8: byte {} at line {}, column {} (byte offset {})",
                n.hex(),
                n.line,
                n.column,
                n.offset
            ),
        }
    }
}

impl ReadError {
    /// How to fix it, for a file of the given kind (e.g. "scenario").
    pub fn hint(&self, what: &str) -> String {
        match self {
            ReadError::Io(_) => "check the path (relative paths are resolved from the file that names them)".into(),
            ReadError::NotRegular(_) => format!(
                "name a regular {what} file; devices, pipes and sockets are refused so that loading cannot block or read without end"
            ),
            ReadError::TooLarge { .. } => {
                format!(
                    "check that the path names the intended {what} file; the size limits are listed in the README (Scenarios, Limits)"
                )
            }
            ReadError::NotUtf8(_) => {
                "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 FILE`), or fix the bytes at that place".into()
            }
        }
    }
}

/// A description of a file type that is not a regular file, or `None` for a
/// regular file.
fn irregular(t: std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Reads at most `limit` bytes of the regular file at `path`.
///
/// The file type and size are checked before opening (opening a named pipe
/// would block until a writer comes), checked again on the open handle, and
/// the read itself stops one byte past `limit`, so a file that grows while
/// it is read is refused too.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(kind) = irregular(meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: Some(meta.len()), limit });
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = irregular(meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// Reads the regular file at `path` as UTF-8 text of at most `limit` bytes
/// (see [`read_bytes`]); invalid UTF-8 is reported with its line and column.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    text_from_bytes(read_bytes(path, limit)?).map_err(ReadError::NotUtf8)
}

/// The bytes as a string, or where they stop being UTF-8.
pub fn text_from_bytes(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let offset = e.utf8_error().valid_up_to();
            let bad_len = e.utf8_error().error_len().unwrap_or(bytes.len() - offset);
            let before = std::str::from_utf8(&bytes[..offset]).expect("valid up to the error");
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            Err(NotUtf8 {
                lossy: String::from_utf8_lossy(bytes).into_owned(),
                offset,
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                bytes: bytes[offset..offset + bad_len].to_vec(),
            })
        }
    }
}

/// The first dotted key in `text` with more than [`MAX_DOTTED_KEY_PARTS`]
/// parts after the first (the condition under which the TOML reader stops
/// with "recursion limit" and no location): its byte range and part count.
pub fn overlong_dotted_key(text: &str) -> Option<(Range<usize>, usize)> {
    use toml_parser::parser::{EventReceiver, parse_document};
    use toml_parser::{ErrorSink, Span};

    /// Counts the parts of each key as the parser reports them.
    #[derive(Default)]
    struct Finder {
        parts: usize,
        start: usize,
        end: usize,
        found: Option<(Range<usize>, usize)>,
    }
    impl Finder {
        fn close(&mut self) {
            if self.found.is_none() && self.parts > MAX_DOTTED_KEY_PARTS {
                self.found = Some((self.start..self.end, self.parts));
            }
            self.parts = 0;
        }
    }
    impl EventReceiver for Finder {
        fn simple_key(&mut self, span: Span, _: Option<toml_parser::decoder::Encoding>, _: &mut dyn ErrorSink) {
            if self.parts == 0 {
                self.start = span.start();
            }
            self.parts += 1;
            self.end = span.end();
        }
        fn key_val_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.close();
        }
        fn std_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.close();
        }
        fn array_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.close();
        }
        fn newline(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.close();
        }
        fn scalar(&mut self, _: Span, _: Option<toml_parser::decoder::Encoding>, _: &mut dyn ErrorSink) {
            self.close();
        }
        fn value_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.close();
        }
        fn inline_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
            self.close();
            true
        }
        fn inline_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.close();
        }
    }

    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut finder = Finder::default();
    parse_document(&tokens, &mut finder, &mut ());
    finder.close();
    finder.found
}

/// `n` bytes for people: `512 B`, `3.0 KiB`, `1.5 GiB`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut x = n as f64 / 1024.0;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    format!("{x:.1} {}", UNITS[unit])
}

/// Parses a size: a byte count, or a number with a unit K, M, G or T
/// (optionally followed by `B` or `iB`; all powers of 1024), or
/// `unlimited`. `None` if it is not one.
pub fn parse_byte_size(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("unlimited") {
        return Some(u64::MAX);
    }
    let digits_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(digits_end);
    let number: f64 = number.parse().ok()?;
    let unit = unit.trim().to_ascii_uppercase();
    let unit = unit.strip_suffix("IB").or_else(|| unit.strip_suffix('B')).unwrap_or(&unit);
    let scale: u64 = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return None,
    };
    let bytes = number * scale as f64;
    (bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// The memory budget of one run: [`MEMORY_LIMIT_ENV`] if set, else
/// [`DEFAULT_MEMORY_BUDGET`]. An unreadable value is an error (it is not
/// silently replaced by the default).
pub fn memory_budget() -> Result<u64, String> {
    match std::env::var(MEMORY_LIMIT_ENV) {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_MEMORY_BUDGET),
        Err(std::env::VarError::NotUnicode(v)) => {
            Err(format!("{MEMORY_LIMIT_ENV}={} is not a size", v.to_string_lossy()))
        }
        Ok(v) => parse_byte_size(&v).ok_or_else(|| format!("{MEMORY_LIMIT_ENV}=`{v}` is not a size")),
    }
}

/// Bytes of the model's region-pair matrices for `regions` regions: distance
/// (f64), next hop (usize), hop count (u32) and threat weight (f64) for every
/// ordered pair, as built by the model builder and used by the engine.
pub fn pair_matrix_bytes(regions: usize) -> u64 {
    let per_pair = (2 * size_of::<f64>() + size_of::<usize>() + size_of::<u32>()) as u64;
    (regions as u64).saturating_mul(regions as u64).saturating_mul(per_pair)
}

/// Bytes that one `String` holding `len` bytes occupies in a table column:
/// its 24-byte header plus the heap block a clone allocates (glibc malloc:
/// at least 32 bytes, 8 bytes of overhead, 16-byte granularity).
pub fn string_cell_bytes(len: usize) -> u64 {
    let heap = if len == 0 { 0 } else { ((len + 8 + 15) & !15).max(32) };
    (size_of::<String>() + heap) as u64
}

/// The memory one run of a model needs, by part, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunMemory {
    /// The region-pair matrices of the model.
    pub pair_matrices: u64,
    /// The engine's in-memory trajectory: every snapshot of every per-tick array.
    pub trajectory: u64,
    /// The output tables of a run (control, forces, attitudes, actors), which
    /// are all built before they are written.
    pub tables: u64,
    /// Bytes added by each further tick (trajectory and tables).
    pub per_tick: u64,
}

impl RunMemory {
    /// All parts together.
    pub fn total(&self) -> u64 {
        self.pair_matrices.saturating_add(self.trajectory).saturating_add(self.tables)
    }
}

/// Estimates the memory of one `run` of `m`: the model's region-pair
/// matrices, the engine's trajectory (`Trajectory::with_capacity`: ticks + 1
/// snapshots of control, contested, personnel per force and region, group
/// equipment/morale/quality/trainees, grievance and population per region and
/// identity, support per region, identity and actor, money/weapons/threat/
/// income per actor) and the output tables built from it (one row per snapshot and
/// region, force × region, region × identity, actor). The event log is left
/// out: its length depends on what happens.
pub fn run_memory(m: &Model) -> RunMemory {
    let (nr, ni, na, nf) =
        (m.regions.len() as u64, m.identities.len() as u64, m.actors.len() as u64, m.forces.len() as u64);
    let (f64b, i32b, i64b) = (8u64, 4u64, 8u64);
    // One snapshot of the trajectory.
    let snapshot = i32b // day
        + nr * (i32b + 1) // control, contested
        + nf * nr * f64b // personnel
        + nf * 4 * f64b // equipment, morale, quality, trainees
        + nr * ni * 2 * f64b // grievance, population
        + if m.mechanisms.on(crate::spec::MechanismName::Manpower) { nr * ni * f64b } else { 0 } // manpower
        + if m.mechanisms.on(crate::spec::MechanismName::Irregular) { nf * f64b } else { 0 } // hidden
        + nr * ni * na * f64b // support
        + na * 4 * f64b; // money, weapons, threat, income
    // One snapshot's rows of the tables (columns tick i64, date i32, ids as strings).
    let strings = |lens: &mut dyn Iterator<Item = usize>| lens.map(string_cell_bytes).sum::<u64>();
    let region_ids = strings(&mut m.regions.iter().map(|r| r.id.len()));
    let region_names = strings(&mut m.regions.iter().map(|r| r.name.len()));
    let actor_ids = strings(&mut m.actors.iter().map(|a| a.id.len()));
    let longest_actor = m.actors.iter().map(|a| string_cell_bytes(a.id.len())).max().unwrap_or(0);
    let control_rows = nr * (i64b + i32b + 1) + region_ids + region_names + nr * longest_actor;
    let force_rows = m
        .forces
        .iter()
        .map(|f| {
            let actor = m.actors.get(f.actor).map_or(0, |a| a.id.len());
            nr * (i64b + i32b + 5 * f64b + string_cell_bytes(f.id.len()) + string_cell_bytes(actor)) + region_ids
        })
        .sum::<u64>();
    let identity_ids = strings(&mut m.identities.iter().map(|i| i.id.len()));
    let attitude_rows = nr * ni * (i64b + i32b + (2 + na) * f64b) + ni * region_ids + nr * identity_ids;
    let actor_rows = na * (i64b + i32b + 4 * f64b) + actor_ids;
    let table_row_bytes = control_rows + force_rows + attitude_rows + actor_rows;
    let snapshots = u64::from(m.ticks) + 1;
    RunMemory {
        pair_matrices: pair_matrix_bytes(m.regions.len()),
        trajectory: snapshots.saturating_mul(snapshot),
        tables: snapshots.saturating_mul(table_row_bytes),
        per_tick: snapshot + table_row_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("frontline-limits-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn sizes_parse_in_powers_of_1024() {
        assert_eq!(parse_byte_size("16G"), Some(16 << 30));
        assert_eq!(parse_byte_size("16GiB"), Some(16 << 30));
        assert_eq!(parse_byte_size("512 MB"), Some(512 << 20));
        assert_eq!(parse_byte_size("1.5k"), Some(1536));
        assert_eq!(parse_byte_size("1000"), Some(1000));
        assert_eq!(parse_byte_size("unlimited"), Some(u64::MAX));
        assert_eq!(parse_byte_size("lots"), None);
        assert_eq!(parse_byte_size("0"), None);
        assert_eq!(parse_byte_size("-3G"), None);
        assert_eq!(parse_byte_size("3X"), None);
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(3 << 30), "3.0 GiB");
    }

    #[test]
    fn reads_are_capped_and_regular_files_only() {
        let d = tmp("cap");
        let f = d.join("a.toml");
        std::fs::write(&f, "x = 1\n").unwrap();
        assert_eq!(read_text(&f, 6).unwrap(), "x = 1\n");
        match read_text(&f, 5) {
            Err(ReadError::TooLarge { size: Some(6), limit: 5 }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(read_text(&d, 100), Err(ReadError::NotRegular("a directory"))));
        #[cfg(unix)]
        assert!(matches!(read_text(Path::new("/dev/zero"), 100), Err(ReadError::NotRegular("a character device"))));
        assert!(matches!(read_text(&d.join("missing"), 100), Err(ReadError::Io(_))));
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_character_column() {
        let bytes = b"a = 1\nb = \"\xc3\xa9\xff\"\n".to_vec();
        let e = text_from_bytes(bytes).unwrap_err();
        assert_eq!((e.offset, e.line, e.column), (13, 2, 7));
        assert_eq!(e.hex(), "0xFF");
        assert_eq!(&e.lossy[..13], "a = 1\nb = \"é");
    }

    #[test]
    fn finds_the_dotted_key_the_toml_reader_refuses() {
        let long = vec!["k"; MAX_DOTTED_KEY_PARTS + 1].join(".");
        let text = format!("# c.d.e\nok.key = \"a.b.c\"\n[t]\n{long} = 1\n");
        let (span, parts) = overlong_dotted_key(&text).unwrap();
        assert_eq!(&text[span], long);
        assert_eq!(parts, MAX_DOTTED_KEY_PARTS + 1);
        let fine = vec!["k"; MAX_DOTTED_KEY_PARTS].join(".");
        assert_eq!(overlong_dotted_key(&format!("{fine} = 1\n[{fine}]\n")), None);
        let header = format!("[{long}]\n");
        assert_eq!(overlong_dotted_key(&header).map(|(s, _)| s), Some(1..1 + long.len()));
    }
}
