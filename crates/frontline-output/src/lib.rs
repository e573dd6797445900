//! Writing result tables and manifests to disk.
//!
//! This crate owns:
//!
//! * the in-memory [`Table`] / [`Column`] representation handed to it by callers,
//! * serialising tables as Parquet (the default, see [`Format`]) or CSV,
//! * the typed [`Manifest`] every command writes and the viewer reads, and
//!   writing JSON documents with [`write_json`],
//! * the atomic-write protocol ([`write_atomic`]): every file is written to a
//!   temporary sibling, fsynced, and renamed over its final name, so an
//!   interrupted run never leaves a half-written file under the final name,
//! * output folders ([`OutputDir`]): one job at a time ([`FolderLock`]), a
//!   job's files staged and committed together, and nothing of the previous
//!   job left beside them,
//! * writing date columns ([`Column::Date`], frontline-date's [`Day`]) as
//!   `YYYY-MM-DD` in CSV and as a Parquet `TIMESTAMP` at midnight (INT64
//!   milliseconds, no time zone), which pandas loads as `datetime64`.
//!
//! It must not know anything about the simulation model: no scenario, engine
//! or domain types appear here, and it must not decide *which* tables exist or
//! what their columns mean. Callers build generic tables; this crate only
//! puts them on disk faithfully and deterministically (writing the same table
//! twice yields byte-identical files).

#![warn(missing_docs)]

mod atomic;
mod csv_out;
mod lock;
mod manifest;
mod outdir;
mod parquet_out;

use std::fmt;

use frontline_date::Day;
use std::path::{Path, PathBuf};

pub use atomic::{is_temp_name, remove_stale_temp_files, write_atomic};
pub use lock::{FolderLock, LOCK_FILE};
pub use manifest::{Command, CompareResult, MAX_MANIFEST_BYTES, Manifest, THEATRE_MODEL, VariantHash};
pub use outdir::{Checkpoints, FolderError, OutputDir, STAGING_DIR};

/// One column of a table. All columns of a table have the same length.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Non-null UTF-8 strings. Parquet: `BYTE_ARRAY` with the `String` logical
    /// type (UTF8). CSV: the string, quoted where needed.
    Str(Vec<String>),
    /// 64-bit signed integers. Parquet: `INT64`.
    I64(Vec<i64>),
    /// 64-bit floats. Parquet: `DOUBLE`. CSV: Rust's shortest round-trip
    /// formatting, so values read back exactly.
    F64(Vec<f64>),
    /// Booleans. Parquet: `BOOLEAN`. CSV: `true` / `false`.
    Bool(Vec<bool>),
    /// Dates ([`Day`], the workspace's date type from frontline-date).
    /// Parquet: `INT64` milliseconds since 1970-01-01 at midnight, with the
    /// `Timestamp` logical type (unit milliseconds, not adjusted to UTC: a
    /// calendar date, no time zone), so that pandas reads it as
    /// `datetime64[ms]` (a Parquet `DATE` loads in pandas as Python objects,
    /// on which `.dt` and plotting fail), polars as `Datetime("ms")` and
    /// DuckDB as `TIMESTAMP`. CSV: `YYYY-MM-DD`, as `Day` displays it
    /// (`pd.read_csv(..., parse_dates=["date"])`).
    Date(Vec<Day>),
    /// Nullable dates (e.g. "never happened"), written as [`Column::Date`];
    /// Parquet: `OPTIONAL`, so `None` reads as `NaT` / null. CSV: `None` is an
    /// empty cell.
    OptDate(Vec<Option<Day>>),
    /// Nullable strings. Parquet: `OPTIONAL` `BYTE_ARRAY` with the `String`
    /// logical type. CSV: `None` is an empty cell.
    OptStr(Vec<Option<String>>),
}

impl Column {
    /// Number of values (rows) in the column.
    pub fn len(&self) -> usize {
        match self {
            Column::Str(v) => v.len(),
            Column::I64(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::OptDate(v) => v.len(),
            Column::OptStr(v) => v.len(),
        }
    }

    /// Whether the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named table: an ordered list of named, equally long columns.
///
/// The name is used as the file stem when the table is written
/// (`<dir>/<name>.<ext>`), so it must be a plain file name (non-empty, no path
/// separators).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Table name; becomes the file stem.
    pub name: String,
    /// Columns in output order, each with its column name.
    pub columns: Vec<(String, Column)>,
}

impl Table {
    /// Creates an empty table (no columns) called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Table { name: name.into(), columns: Vec::new() }
    }

    /// Appends a column (builder style) and returns the table.
    pub fn with(mut self, column_name: impl Into<String>, column: Column) -> Self {
        self.columns.push((column_name.into(), column));
        self
    }

    /// Number of rows: the length of the first column, or 0 without columns.
    ///
    /// Column lengths are only checked when the table is written.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that every column has as many rows as the first one.
    fn check_lengths(&self) -> Result<(), OutputError> {
        let expected = self.len();
        for (name, column) in &self.columns {
            if column.len() != expected {
                return Err(OutputError::ColumnLength {
                    table: self.name.clone(),
                    column: name.clone(),
                    expected,
                    found: column.len(),
                });
            }
        }
        Ok(())
    }
}

/// On-disk table format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Apache Parquet, Snappy-compressed (the default).
    #[default]
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// File extension without the dot: `"parquet"` or `"csv"`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    /// Writes the same name that [`str::parse`] accepts (`parquet` / `csv`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// Parses `parquet` or `csv` (ASCII case-insensitive, surrounding
    /// whitespace ignored). The error message lists the valid values.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("parquet") {
            Ok(Format::Parquet)
        } else if t.eq_ignore_ascii_case("csv") {
            Ok(Format::Csv)
        } else {
            Err(format!("unknown output format `{s}`; valid values are `parquet` and `csv`"))
        }
    }
}

/// Errors from writing tables or JSON documents.
///
/// Whenever an error is returned, nothing was left under the final file name
/// that was not there before (an existing file is left untouched).
#[derive(Debug)]
pub enum OutputError {
    /// A filesystem operation failed (creating the directory, the temporary
    /// file, writing, syncing or renaming).
    Io {
        /// The file or directory the operation was about.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The Parquet encoder reported an error.
    Parquet {
        /// The final path of the table being written.
        path: PathBuf,
        /// The encoder's message.
        message: String,
    },
    /// The CSV encoder reported an error.
    Csv {
        /// The final path of the table being written.
        path: PathBuf,
        /// The encoder's message.
        message: String,
    },
    /// A column's length differs from the table's first column; detected
    /// before anything is written.
    ColumnLength {
        /// Table name.
        table: String,
        /// The offending column.
        column: String,
        /// Length of the table's first column.
        expected: usize,
        /// Length of the offending column.
        found: usize,
    },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Io { path, source } => write!(
                f,
                "cannot write `{}`: {source}; check that the output directory is writable and \
                 the disk is not full, then run again",
                path.display()
            ),
            OutputError::Parquet { path, message } => write!(
                f,
                "cannot write Parquet file `{}`: {message}; check free disk space and \
                 permissions, or write CSV instead (format `csv`); if it persists, report a bug",
                path.display()
            ),
            OutputError::Csv { path, message } => write!(
                f,
                "cannot write CSV file `{}`: {message}; check free disk space and permissions, \
                 then run again",
                path.display()
            ),
            OutputError::ColumnLength { table, column, expected, found } => write!(
                f,
                "table `{table}`: column `{column}` has {found} rows but the first column has \
                 {expected}; nothing was written. This is a bug in the code that built the \
                 table; please report it"
            ),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Writes `table` to `dir/<table.name>.<ext>` atomically.
///
/// It writes to a temporary file in the same directory
/// (`.<name>.<ext>.tmp-<pid>-<n>`), fsyncs it, then renames it over the
/// target, so an interrupted write never leaves a half-written table under the
/// final name. Creates `dir` if missing. Returns the final path.
///
/// Rejects tables whose columns differ in length
/// ([`OutputError::ColumnLength`]) and table names that are not plain file
/// names ([`OutputError::Io`] with kind `InvalidInput`) before writing
/// anything. Output is deterministic: the same table gives the same bytes.
pub fn write_table(dir: &Path, table: &Table, format: Format) -> Result<PathBuf, OutputError> {
    let path = dir.join(format!("{}.{}", table.name, format.extension()));
    if table.name.is_empty() || table.name.contains(['/', '\\']) || table.name == "." || table.name == ".." {
        return Err(OutputError::Io {
            path,
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "table name `{}` is not a plain file name (it must be non-empty and \
                     contain no path separators)",
                    table.name
                ),
            ),
        });
    }
    table.check_lengths()?;
    match format {
        Format::Parquet => write_atomic(&path, |file| parquet_out::write_parquet(file, table, &path))?,
        Format::Csv => write_atomic(&path, |file| csv_out::write_csv(file, table, &path))?,
    }
    Ok(path)
}

/// Writes `value` to `path` as pretty-printed JSON with a trailing newline,
/// using the same atomic protocol as [`write_table`]. Creates the parent
/// directory if missing.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), OutputError> {
    write_atomic(path, |file| {
        let io_err = |source: std::io::Error| OutputError::Io { path: path.to_path_buf(), source };
        let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| io_err(e.into()))?;
        bytes.push(b'\n');
        std::io::Write::write_all(file, &bytes).map_err(io_err)
    })
}

#[cfg(test)]
mod tests;
