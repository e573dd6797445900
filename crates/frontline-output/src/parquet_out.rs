//! Parquet encoding of a [`Table`] with parquet's low-level writer API.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DataType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::types::Type;

use crate::{Column, OutputError, Table};

/// Rows per row group; tables longer than this are split.
const ROW_GROUP_ROWS: usize = 1_000_000;

/// Fixed `created_by` so files do not depend on the parquet crate's version
/// string and stay byte-identical across runs.
const CREATED_BY: &str = concat!("frontline ", env!("CARGO_PKG_VERSION"));

/// Writes `table` as a Snappy-compressed Parquet file into `file`.
/// `path` is the final path, used only in error messages.
pub(crate) fn write_parquet(file: &mut File, table: &Table, path: &Path) -> Result<(), OutputError> {
    encode(file, table).map_err(|e| OutputError::Parquet { path: path.to_path_buf(), message: e.to_string() })
}

fn schema(table: &Table) -> Result<Type, ParquetError> {
    let mut fields = Vec::with_capacity(table.columns.len());
    for (name, column) in &table.columns {
        let (physical, logical, repetition) = match column {
            Column::Str(_) => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String), Repetition::REQUIRED),
            Column::I64(_) => (PhysicalType::INT64, None, Repetition::REQUIRED),
            Column::F64(_) => (PhysicalType::DOUBLE, None, Repetition::REQUIRED),
            Column::Bool(_) => (PhysicalType::BOOLEAN, None, Repetition::REQUIRED),
            Column::Date(_) => (PhysicalType::INT64, Some(date_type()), Repetition::REQUIRED),
            Column::OptDate(_) => (PhysicalType::INT64, Some(date_type()), Repetition::OPTIONAL),
            Column::OptStr(_) => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String), Repetition::OPTIONAL),
        };
        // Setting only the logical type makes the builder fill in the legacy
        // converted type (UTF8 / TIMESTAMP_MILLIS) too, for older readers.
        let field = Type::primitive_type_builder(name, physical)
            .with_repetition(repetition)
            .with_logical_type(logical)
            .build()?;
        fields.push(Arc::new(field));
    }
    Type::group_type_builder("schema").with_fields(fields).build()
}

/// The logical type of a date column: a timestamp in milliseconds, not
/// adjusted to UTC (a wall-clock date, midnight, no time zone). Not
/// Parquet's `DATE`: pandas loads that as Python `date` objects.
fn date_type() -> LogicalType {
    LogicalType::timestamp(false, TimeUnit::MILLIS)
}

/// Milliseconds since 1970-01-01 at midnight of `d`.
fn millis(d: &frontline_date::Day) -> i64 {
    i64::from(d.epoch_days()) * 86_400_000
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::SNAPPY)
        .set_created_by(CREATED_BY.to_string())
        .build()
}

fn encode(file: &mut File, table: &Table) -> Result<(), ParquetError> {
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema(table)?), Arc::new(properties()))?;
    let rows = table.len();
    let mut start = 0;
    // An empty table gets no row group at all: a valid file holding only the
    // schema.
    while start < rows {
        let end = rows.min(start + ROW_GROUP_ROWS);
        let mut row_group = writer.next_row_group()?;
        for (name, column) in &table.columns {
            let mut cw = row_group
                .next_column()?
                .ok_or_else(|| ParquetError::General(format!("schema has no column writer for `{name}`")))?;
            match column {
                Column::Str(v) => {
                    let values: Vec<ByteArray> = v[start..end].iter().map(|s| ByteArray::from(s.as_str())).collect();
                    write::<ByteArrayType>(&mut cw, &values, None)?;
                }
                Column::I64(v) => write::<Int64Type>(&mut cw, &v[start..end], None)?,
                Column::F64(v) => write::<DoubleType>(&mut cw, &v[start..end], None)?,
                Column::Bool(v) => write::<BoolType>(&mut cw, &v[start..end], None)?,
                Column::Date(v) => {
                    let ms: Vec<i64> = v[start..end].iter().map(millis).collect();
                    write::<Int64Type>(&mut cw, &ms, None)?;
                }
                Column::OptDate(v) => {
                    let slice = &v[start..end];
                    let def_levels: Vec<i16> = slice.iter().map(|d| i16::from(d.is_some())).collect();
                    let ms: Vec<i64> = slice.iter().flatten().map(millis).collect();
                    write::<Int64Type>(&mut cw, &ms, Some(&def_levels))?;
                }
                Column::OptStr(v) => {
                    let slice = &v[start..end];
                    let def_levels: Vec<i16> = slice.iter().map(|s| i16::from(s.is_some())).collect();
                    let values: Vec<ByteArray> = slice.iter().flatten().map(|s| ByteArray::from(s.as_str())).collect();
                    write::<ByteArrayType>(&mut cw, &values, Some(&def_levels))?;
                }
            }
            cw.close()?;
        }
        row_group.close()?;
        start = end;
    }
    writer.close()?;
    Ok(())
}

/// Writes one batch through the typed column writer.
fn write<T: DataType>(
    cw: &mut SerializedColumnWriter<'_>,
    values: &[T::T],
    def_levels: Option<&[i16]>,
) -> Result<(), ParquetError> {
    cw.typed::<T>().write_batch(values, def_levels, None)?;
    Ok(())
}
