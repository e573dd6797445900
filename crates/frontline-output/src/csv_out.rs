//! CSV encoding of a [`Table`].

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;

use crate::{Column, OutputError, Table};

/// Writes `table` as CSV (header row, then one record per row) into `file`.
/// A table without columns gives an empty file. `path` is the final path,
/// used only in error messages.
pub(crate) fn write_csv(file: &mut File, table: &Table, path: &Path) -> Result<(), OutputError> {
    let csv_err = |e: csv::Error| OutputError::Csv { path: path.to_path_buf(), message: e.to_string() };
    if table.columns.is_empty() {
        // No columns: an empty file (the csv crate would write `""` for an
        // empty header record).
        return Ok(());
    }
    let mut w = csv::WriterBuilder::new().from_writer(file);
    w.write_record(table.columns.iter().map(|(name, _)| name.as_str())).map_err(csv_err)?;
    let mut buf = String::new();
    for row in 0..table.len() {
        for (_, column) in &table.columns {
            buf.clear();
            // `write!` into a String cannot fail.
            match column {
                Column::Str(v) => buf.push_str(&v[row]),
                Column::I64(v) => {
                    let _ = write!(buf, "{}", v[row]);
                }
                Column::F64(v) => {
                    let _ = write!(buf, "{}", v[row]);
                }
                Column::Bool(v) => buf.push_str(if v[row] { "true" } else { "false" }),
                Column::Date(v) => {
                    let _ = write!(buf, "{}", v[row]);
                }
                Column::OptDate(v) => {
                    if let Some(d) = v[row] {
                        let _ = write!(buf, "{d}");
                    }
                }
                Column::OptStr(v) => {
                    if let Some(s) = &v[row] {
                        buf.push_str(s);
                    }
                }
            }
            w.write_field(&buf).map_err(csv_err)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_err)?;
    }
    w.flush().map_err(|e| OutputError::Io { path: path.to_path_buf(), source: e })
}
