//! Unit tests for the output crate.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use parquet::basic::{LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use super::*;
use frontline_date::Day;

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

/// A fresh, empty, uniquely named directory under the system temp dir,
/// removed again on drop.
struct TestDir(PathBuf);

impl TestDir {
    fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "frontline-output-test-{}-{}-{}",
            std::process::id(),
            tag,
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        TestDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Sorted file names in the directory.
    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = match fs::read_dir(&self.0) {
            Ok(rd) => rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn all_types_table() -> Table {
    Table::new("all_types")
        .with("name", Column::Str(vec!["alpha".into(), "with, comma".into(), "ünïcødé \"q\"".into()]))
        .with("count", Column::I64(vec![0, -42, i64::MAX]))
        .with("ratio", Column::F64(vec![0.1, -2.5e-10, f64::MAX]))
        .with("flag", Column::Bool(vec![true, false, true]))
        .with("day", Column::Date(vec![Day::EPOCH, day("2014-06-01"), day("1969-12-31")]))
        .with("note", Column::OptStr(vec![Some("x".into()), None, Some(String::new())]))
}

fn read_parquet_rows(path: &Path) -> Vec<Vec<(String, Field)>> {
    let reader = SerializedFileReader::new(fs::File::open(path).unwrap()).unwrap();
    reader.get_row_iter(None).unwrap().map(|r| r.unwrap().into_columns()).collect()
}

#[test]
fn parquet_round_trip_all_column_types() {
    let dir = TestDir::new("pq-roundtrip");
    let table = all_types_table();
    let path = write_table(dir.path(), &table, Format::Parquet).unwrap();
    assert_eq!(path, dir.path().join("all_types.parquet"));

    let reader = SerializedFileReader::new(fs::File::open(&path).unwrap()).unwrap();
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows(), 3);
    assert_eq!(meta.created_by(), Some(concat!("frontline ", env!("CARGO_PKG_VERSION"))));
    let schema = meta.schema_descr();
    let expected: [(&str, PhysicalType, Option<LogicalType>, Repetition); 6] = [
        ("name", PhysicalType::BYTE_ARRAY, Some(LogicalType::String), Repetition::REQUIRED),
        ("count", PhysicalType::INT64, None, Repetition::REQUIRED),
        ("ratio", PhysicalType::DOUBLE, None, Repetition::REQUIRED),
        ("flag", PhysicalType::BOOLEAN, None, Repetition::REQUIRED),
        // A date is a timestamp at midnight without a time zone: pandas loads a Parquet DATE as objects.
        ("day", PhysicalType::INT64, Some(LogicalType::timestamp(false, TimeUnit::MILLIS)), Repetition::REQUIRED),
        ("note", PhysicalType::BYTE_ARRAY, Some(LogicalType::String), Repetition::OPTIONAL),
    ];
    assert_eq!(schema.num_columns(), expected.len());
    for (i, (name, physical, logical, repetition)) in expected.iter().enumerate() {
        let col = schema.column(i);
        assert_eq!(col.name(), *name);
        assert_eq!(col.physical_type(), *physical, "column {name}");
        assert_eq!(col.logical_type_ref(), logical.as_ref(), "column {name}");
        assert_eq!(col.self_type().get_basic_info().repetition(), *repetition, "column {name}");
    }
    // The legacy converted type is filled in too, for older readers.
    assert_eq!(schema.column(4).converted_type(), parquet::basic::ConvertedType::TIMESTAMP_MILLIS);
    assert_eq!(schema.column(0).converted_type(), parquet::basic::ConvertedType::UTF8);

    let rows = read_parquet_rows(&path);
    let expected_rows = vec![
        vec![
            Field::Str("alpha".into()),
            Field::Long(0),
            Field::Double(0.1),
            Field::Bool(true),
            Field::TimestampMillis(0),
            Field::Str("x".into()),
        ],
        vec![
            Field::Str("with, comma".into()),
            Field::Long(-42),
            Field::Double(-2.5e-10),
            Field::Bool(false),
            Field::TimestampMillis(16222 * 86_400_000),
            Field::Null,
        ],
        vec![
            Field::Str("ünïcødé \"q\"".into()),
            Field::Long(i64::MAX),
            Field::Double(f64::MAX),
            Field::Bool(true),
            Field::TimestampMillis(-86_400_000),
            Field::Str(String::new()),
        ],
    ];
    assert_eq!(rows.len(), expected_rows.len());
    for (row, expected) in rows.iter().zip(&expected_rows) {
        let names: Vec<&str> = row.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["name", "count", "ratio", "flag", "day", "note"]);
        let values: Vec<&Field> = row.iter().map(|(_, f)| f).collect();
        assert_eq!(values, expected.iter().collect::<Vec<_>>());
    }
}

#[test]
fn parquet_empty_table_keeps_schema() {
    let dir = TestDir::new("pq-empty");
    let table = Table::new("empty")
        .with("a", Column::I64(vec![]))
        .with("d", Column::Date(vec![]))
        .with("s", Column::OptStr(vec![]));
    assert!(table.is_empty());
    let path = write_table(dir.path(), &table, Format::Parquet).unwrap();
    let reader = SerializedFileReader::new(fs::File::open(&path).unwrap()).unwrap();
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows(), 0);
    let schema = meta.schema_descr();
    assert_eq!(schema.num_columns(), 3);
    assert_eq!(schema.column(1).logical_type_ref(), Some(&LogicalType::timestamp(false, TimeUnit::MILLIS)));
    assert!(read_parquet_rows(&path).is_empty());
}

#[test]
fn nullable_dates_are_null_in_parquet_and_empty_in_csv() {
    let dir = TestDir::new("optdate");
    let day = Day::from_ymd(2014, 6, 10).unwrap();
    let table = Table::new("firsts").with("first", Column::OptDate(vec![Some(day), None]));
    let csv = write_table(dir.path(), &table, Format::Csv).unwrap();
    assert_eq!(fs::read_to_string(csv).unwrap(), "first\n2014-06-10\n\"\"\n");
    let pq = write_table(dir.path(), &table, Format::Parquet).unwrap();
    let rows = read_parquet_rows(&pq);
    let ms = i64::from(day.epoch_days()) * 86_400_000;
    assert_eq!(rows[0][0].1, Field::TimestampMillis(ms));
    assert_eq!(rows[1][0].1, Field::Null);
}

#[test]
fn parquet_splits_large_tables_into_row_groups() {
    let dir = TestDir::new("pq-rowgroups");
    let n = 1_000_003_i64;
    let table = Table::new("big").with("i", Column::I64((0..n).collect()));
    let path = write_table(dir.path(), &table, Format::Parquet).unwrap();
    let reader = SerializedFileReader::new(fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), n);
    assert_eq!(reader.num_row_groups(), 2);
    let last = reader.get_row_iter(None).unwrap().last().unwrap().unwrap();
    assert_eq!(last.into_columns()[0].1, Field::Long(n - 1));
}

#[test]
fn csv_content_is_exact() {
    let dir = TestDir::new("csv-exact");
    let path = write_table(dir.path(), &all_types_table(), Format::Csv).unwrap();
    assert_eq!(path, dir.path().join("all_types.csv"));
    let text = fs::read_to_string(&path).unwrap();
    let expected = format!(
        "name,count,ratio,flag,day,note\n\
         alpha,0,0.1,true,1970-01-01,x\n\
         \"with, comma\",-42,-0.00000000025,false,2014-06-01,\n\
         \"ünïcødé \"\"q\"\"\",{},{},true,1969-12-31,\n",
        i64::MAX,
        f64::MAX
    );
    assert_eq!(text, expected);
    // Floats round-trip exactly through the text.
    assert_eq!(f64::MAX.to_string().parse::<f64>().unwrap(), f64::MAX);
    assert_eq!("-0.00000000025".parse::<f64>().unwrap(), -2.5e-10);
}

#[test]
fn csv_empty_table_writes_header_only() {
    let dir = TestDir::new("csv-empty");
    let table = Table::new("empty").with("a", Column::I64(vec![])).with("b", Column::Str(vec![]));
    let path = write_table(dir.path(), &table, Format::Csv).unwrap();
    assert_eq!(fs::read_to_string(path).unwrap(), "a,b\n");
}

#[test]
fn column_length_mismatch_is_rejected_without_writing() {
    let dir = TestDir::new("mismatch");
    let table = Table::new("bad").with("a", Column::I64(vec![1, 2, 3])).with("b", Column::Bool(vec![true]));
    for format in [Format::Parquet, Format::Csv] {
        let err = write_table(dir.path(), &table, format).unwrap_err();
        match &err {
            OutputError::ColumnLength { table, column, expected, found } => {
                assert_eq!(table, "bad");
                assert_eq!(column, "b");
                assert_eq!((*expected, *found), (3, 1));
            }
            other => panic!("unexpected error {other:?}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("`b`") && msg.contains("nothing was written"), "{msg}");
    }
    // Nothing at all was created, not even the directory.
    assert!(!dir.path().exists());
}

#[test]
fn invalid_table_name_is_rejected() {
    let dir = TestDir::new("badname");
    for name in ["", "a/b", "..", "."] {
        let table = Table::new(name).with("a", Column::I64(vec![1]));
        let err = write_table(dir.path(), &table, Format::Csv).unwrap_err();
        assert!(matches!(err, OutputError::Io { .. }), "{name}: {err:?}");
    }
    assert!(!dir.path().exists());
}

#[test]
fn writing_twice_gives_identical_bytes() {
    let dir_a = TestDir::new("determinism-a");
    let dir_b = TestDir::new("determinism-b");
    for format in [Format::Parquet, Format::Csv] {
        let a = write_table(dir_a.path(), &all_types_table(), format).unwrap();
        let first = fs::read(&a).unwrap();
        let a_again = write_table(dir_a.path(), &all_types_table(), format).unwrap();
        assert_eq!(first, fs::read(&a_again).unwrap(), "{format} rewrite");
        let b = write_table(dir_b.path(), &all_types_table(), format).unwrap();
        assert_eq!(first, fs::read(&b).unwrap(), "{format} other dir");
    }
}

#[test]
fn no_temp_files_remain_after_writes() {
    let dir = TestDir::new("no-temp");
    write_table(dir.path(), &all_types_table(), Format::Parquet).unwrap();
    write_table(dir.path(), &all_types_table(), Format::Csv).unwrap();
    // Overwrite once more, replacing existing files.
    write_table(dir.path(), &all_types_table(), Format::Parquet).unwrap();
    write_json(&dir.path().join("manifest.json"), &serde_json::json!({"a": 1})).unwrap();
    assert_eq!(dir.entries(), ["all_types.csv", "all_types.parquet", "manifest.json"]);
}

#[test]
fn overwrite_replaces_previous_contents() {
    let dir = TestDir::new("overwrite");
    let t1 = Table::new("t").with("a", Column::I64(vec![1, 2]));
    let t2 = Table::new("t").with("a", Column::I64(vec![3]));
    write_table(dir.path(), &t1, Format::Csv).unwrap();
    let path = write_table(dir.path(), &t2, Format::Csv).unwrap();
    assert_eq!(fs::read_to_string(path).unwrap(), "a\n3\n");
}

#[test]
fn failed_writer_keeps_old_file_and_removes_temp() {
    let dir = TestDir::new("failed-writer");
    let target = dir.path().join("out.bin");
    write_atomic(&target, |f| {
        std::io::Write::write_all(f, b"old").map_err(|source| OutputError::Io { path: target.clone(), source })
    })
    .unwrap();
    let err = write_atomic(&target, |f| {
        std::io::Write::write_all(f, b"partial new").unwrap();
        Err(OutputError::Csv { path: target.clone(), message: "simulated failure".into() })
    })
    .unwrap_err();
    assert!(err.to_string().contains("simulated failure"));
    assert_eq!(fs::read(&target).unwrap(), b"old");
    assert_eq!(dir.entries(), ["out.bin"]);
}

#[test]
fn panicking_writer_removes_temp() {
    let dir = TestDir::new("panic-writer");
    let target = dir.path().join("out.bin");
    let result = std::panic::catch_unwind(|| {
        let _ = write_atomic(&target, |_| panic!("boom"));
    });
    assert!(result.is_err());
    assert!(dir.entries().is_empty());
}

#[test]
fn write_json_is_pretty_with_trailing_newline() {
    let dir = TestDir::new("json");
    let path = dir.path().join("nested").join("manifest.json");
    let value = serde_json::json!({"b": [1, 2], "a": "x"});
    write_json(&path, &value).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let expected = format!("{}\n", serde_json::to_string_pretty(&value).unwrap());
    assert_eq!(text, expected);
    assert!(text.ends_with("}\n") && text.contains("\n  \"b\": ["));
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, value);
}

#[test]
fn io_error_names_the_path() {
    let dir = TestDir::new("io-error");
    fs::create_dir_all(dir.path()).unwrap();
    // A regular file where the output directory should be.
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, b"").unwrap();
    let table = Table::new("t").with("a", Column::I64(vec![1]));
    let err = write_table(&blocker.join("sub"), &table, Format::Parquet).unwrap_err();
    assert!(matches!(err, OutputError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("blocker"), "{err}");
}

#[test]
fn format_parses_and_displays() {
    assert_eq!("parquet".parse::<Format>(), Ok(Format::Parquet));
    assert_eq!("CSV".parse::<Format>(), Ok(Format::Csv));
    assert_eq!(Format::default(), Format::Parquet);
    assert_eq!(Format::Csv.extension(), "csv");
    assert_eq!(Format::Parquet.to_string(), "parquet");
    let err = "xlsx".parse::<Format>().unwrap_err();
    assert!(err.contains("parquet") && err.contains("csv") && err.contains("xlsx"));
}

#[test]
fn table_len_and_builder() {
    let t = Table::new("t").with("a", Column::Bool(vec![true, false])).with("b", Column::F64(vec![1.0, 2.0]));
    assert_eq!(t.len(), 2);
    assert!(!t.is_empty());
    assert_eq!(t.columns[1].0, "b");
    assert!(Table::new("x").is_empty());
}

#[test]
fn zero_column_table_writes_valid_files() {
    let dir = TestDir::new("zero-cols");
    let table = Table::new("z");
    let pq = write_table(dir.path(), &table, Format::Parquet).unwrap();
    let reader = SerializedFileReader::new(fs::File::open(&pq).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
    let csv = write_table(dir.path(), &table, Format::Csv).unwrap();
    assert_eq!(fs::read(csv).unwrap(), b"");
}

#[test]
fn temp_names_are_recognised_exactly() {
    assert!(is_temp_name(".control.parquet.tmp-123-0"));
    assert!(is_temp_name(".batch-000001.bin.tmp-9-17"));
    for name in ["control.parquet", ".tmp-1-2", ".x.tmp-1", ".x.tmp-a-2", "x.tmp-1-2", ".x.tmp-1-2 "] {
        assert!(!is_temp_name(name), "{name}");
    }
}

#[test]
fn folder_lock_is_exclusive_and_leaves_nothing_when_released() {
    let dir = TestDir::new("lock");
    let lock = FolderLock::acquire(dir.path()).unwrap();
    assert!(!lock.took_over());
    let text = fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
    assert_eq!(text, format!("pid {}\n", std::process::id()));
    match FolderLock::acquire(dir.path()) {
        Err(e @ FolderError::Busy { holder: Some(pid), .. }) => {
            assert_eq!(pid, std::process::id());
            assert!(e.is_refusal());
            assert!(e.to_string().contains("in use by another Frontline job"), "{e}");
        }
        other => panic!("a held lock must be refused, got {other:?}"),
    }
    drop(lock);
    assert_eq!(dir.entries(), Vec::<String>::new(), "a released lock removes its file");
    drop(FolderLock::acquire(dir.path()).unwrap());
}

#[test]
fn a_lock_file_left_by_a_dead_job_is_taken_over() {
    let dir = TestDir::new("stale-lock");
    fs::create_dir_all(dir.path()).unwrap();
    fs::write(dir.path().join(LOCK_FILE), "pid 4000000000\n").unwrap();
    let lock = FolderLock::acquire(dir.path()).unwrap();
    assert!(lock.took_over());
    assert_eq!(fs::read_to_string(lock.path()).unwrap(), format!("pid {}\n", std::process::id()));
}

/// A folder as a previous job left it: a Frontline manifest, CSV tables,
/// maps, plots and a report, plus a user's note.
fn previous_output(dir: &Path) {
    fs::create_dir_all(dir.join("maps")).unwrap();
    fs::create_dir_all(dir.join("plots")).unwrap();
    fs::write(dir.join("manifest.json"), "{\"frontline_version\": \"0.1.0\"}\n").unwrap();
    for f in ["control.csv", "forces.csv", "report.html", "maps/control-2015.svg", "maps/control-2015.geojson"] {
        fs::write(dir.join(f), "old").unwrap();
    }
    fs::write(dir.join("plots/forces.svg"), "old").unwrap();
    fs::write(dir.join("notes.md"), "mine").unwrap();
}

#[test]
fn commit_leaves_exactly_the_new_jobs_files_and_no_user_file_is_removed() {
    let dir = TestDir::new("commit");
    previous_output(dir.path());
    let mut out = OutputDir::open(dir.path(), Checkpoints::None).unwrap();
    write_table(out.staging(), &Table::new("control").with("x", Column::I64(vec![1])), Format::Parquet).unwrap();
    write_json(&out.staging().join("plots").join("unused.json"), &serde_json::json!(1)).unwrap();
    let mut manifest = crate::Manifest::new(crate::Command::Run, crate::THEATRE_MODEL, "s.toml", "S", "00");
    manifest.detail("new", true);
    out.commit(&manifest).unwrap();
    assert_eq!(dir.entries(), [LOCK_FILE, "control.parquet", "manifest.json", "notes.md", "plots"]);
    assert_eq!(fs::read_dir(dir.path().join("plots")).unwrap().count(), 1, "only the new job's file in plots/");
    drop(out);
    assert_eq!(dir.entries(), ["control.parquet", "manifest.json", "notes.md", "plots"]);
    assert_eq!(fs::read_to_string(dir.path().join("notes.md")).unwrap(), "mine");
    let manifest = fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"new\": true"), "{manifest}");
}

#[test]
fn a_job_that_does_not_commit_leaves_the_previous_output_as_it_was() {
    let dir = TestDir::new("uncommitted");
    previous_output(dir.path());
    let before = dir.entries();
    let out = OutputDir::open(dir.path(), Checkpoints::None).unwrap();
    write_table(out.staging(), &Table::new("control").with("x", Column::I64(vec![1])), Format::Csv).unwrap();
    drop(out);
    assert_eq!(dir.entries(), before);
    assert_eq!(fs::read_to_string(dir.path().join("control.csv")).unwrap(), "old");
    // A folder the job created and wrote nothing to is removed again.
    let fresh = TestDir::new("uncommitted-fresh");
    drop(OutputDir::open(fresh.path(), Checkpoints::Kept).unwrap());
    assert!(!fresh.path().exists());
}

#[test]
fn a_folder_that_is_not_a_frontline_output_is_refused_untouched() {
    let dir = TestDir::new("foreign");
    fs::create_dir_all(dir.path()).unwrap();
    fs::write(dir.path().join("thesis.csv"), "mine").unwrap();
    fs::write(dir.path().join("manifest.json"), "{\"name\": \"someone else's\"}").unwrap();
    let e = OutputDir::open(dir.path(), Checkpoints::None).unwrap_err();
    assert!(matches!(e, FolderError::NotAnOutput { .. }), "{e:?}");
    assert!(e.is_refusal());
    assert!(e.to_string().contains("not a Frontline output folder"), "{e}");
    assert_eq!(dir.entries(), ["manifest.json", "thesis.csv"], "nothing added, nothing removed");
}

#[test]
fn regression_a_fifo_named_manifest_json_is_refused_without_blocking() {
    // Reading it to see whether it is Frontline's would block forever.
    let dir = TestDir::new("fifo-manifest");
    fs::create_dir_all(dir.path()).unwrap();
    let fifo = dir.path().join("manifest.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let e = OutputDir::open(dir.path(), Checkpoints::None).unwrap_err();
    assert!(matches!(e, FolderError::NotAnOutput { .. }), "{e:?}");
}

#[test]
fn a_job_without_checkpoints_refuses_a_folder_holding_a_jobs_runs() {
    let dir = TestDir::new("runs");
    fs::create_dir_all(dir.path().join(".runs")).unwrap();
    fs::write(dir.path().join(".runs/job.json"), "{}").unwrap();
    let e = OutputDir::open(dir.path(), Checkpoints::None).unwrap_err();
    assert!(matches!(e, FolderError::Checkpoints { .. }), "{e:?}");
    assert!(OutputDir::open(dir.path(), Checkpoints::Kept).is_ok());
}

#[test]
fn replacing_discards_a_jobs_runs_but_never_a_foreign_folder() {
    let dir = TestDir::new("replace");
    fs::create_dir_all(dir.path().join(".runs")).unwrap();
    fs::write(dir.path().join(".runs/job.json"), "{}").unwrap();
    fs::write(dir.path().join(".runs/batch-0"), "runs").unwrap();
    let e = OutputDir::open(dir.path(), Checkpoints::None).unwrap_err();
    assert!(e.to_string().contains("--force"), "the refusal names the way out: {e}");
    let out = OutputDir::open_replacing(dir.path(), Checkpoints::None, true).unwrap();
    assert!(!dir.path().join(".runs").exists(), "the previous job's runs are gone");
    drop(out);

    let foreign = TestDir::new("replace-foreign");
    fs::create_dir_all(foreign.path()).unwrap();
    fs::write(foreign.path().join("thesis.csv"), "mine").unwrap();
    let e = OutputDir::open_replacing(foreign.path(), Checkpoints::Kept, true).unwrap_err();
    assert!(matches!(e, FolderError::NotAnOutput { .. }), "{e:?}");
    assert_eq!(foreign.entries(), ["thesis.csv"], "nothing removed");
}

#[test]
fn opening_removes_what_a_killed_job_left() {
    let dir = TestDir::new("debris");
    previous_output(dir.path());
    fs::create_dir_all(dir.path().join(".runs")).unwrap();
    fs::create_dir_all(dir.path().join(STAGING_DIR).join("maps")).unwrap();
    let debris = [".control.parquet.tmp-77-0", "maps/.a.svg.tmp-77-1", ".runs/.batch-000002.bin.tmp-77-2"];
    for f in debris {
        fs::write(dir.path().join(f), "partial").unwrap();
    }
    fs::write(dir.path().join(STAGING_DIR).join("maps/x.svg"), "partial").unwrap();
    fs::write(dir.path().join(".runs/job.json"), "{}").unwrap();
    let out = OutputDir::open(dir.path(), Checkpoints::Kept).unwrap();
    for f in debris {
        assert!(!dir.path().join(f).exists(), "{f} must be removed");
    }
    assert_eq!(fs::read_dir(out.staging()).unwrap().count(), 0, "a fresh staging folder");
    assert!(dir.path().join(".runs/job.json").exists() && dir.path().join("notes.md").exists());
}

#[test]
fn csv_dates_are_written_as_day_displays_them_across_the_range() {
    let dir = TestDir::new("csv-date-range");
    let table = Table::new("d").with("d", Column::Date(vec![Day::MIN, day("2016-02-29"), Day::MAX]));
    let path = write_table(dir.path(), &table, Format::Csv).unwrap();
    assert_eq!(fs::read_to_string(path).unwrap(), "d\n0000-01-01\n2016-02-29\n9999-12-31\n");
}
