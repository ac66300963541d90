//! Reading an uploaded CSV file of candidates and deciding each row's outcome. Pure: the
//! caller supplies the company's existing addresses and open jobs, so the preview and the
//! import decide with the same code.

use std::collections::{HashMap, HashSet};

use super::model::ImportOutcome;
use crate::ids::JobId;
use crate::{candidates::model::parse_phone, domain::EmailAddress};

/// The most rows a file may hold.
pub const MAX_ROWS: usize = 10_000;
/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
const NAME_MAX_CHARS: usize = 120;

/// A row of the file as written, before any check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    /// Its line in the file, the header being line 1 (a field with line breaks spans several).
    pub line: i32,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub job: String,
}

/// Why a whole file is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooLarge,
    NotUtf8,
    NoColumns,
    NoRows,
    TooManyRows,
    Unreadable { line: u64 },
}

impl Refused {
    pub fn message(&self) -> String {
        match self {
            Self::TooLarge => format!("This file is larger than {} MB. Split it into smaller files.", MAX_BYTES >> 20),
            Self::NotUtf8 => {
                "This file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8\" and upload it again.".into()
            }
            Self::NoColumns => {
                "The first line must name the columns: name and email, and optionally phone and job.".into()
            }
            Self::NoRows => "This file has no candidates below its first line.".into(),
            Self::TooManyRows => {
                format!("This file has more than {} candidates. Split it into smaller files.", thousands(MAX_ROWS))
            }
            Self::Unreadable { line } => format!("Line {line} of this file could not be read as CSV."),
        }
    }
}

fn thousands(n: usize) -> String {
    rules::pagination::thousands(n as i64)
}

#[derive(Clone, Copy)]
enum Column {
    Name,
    Email,
    Phone,
    Job,
}

fn column(header: &str) -> Option<Column> {
    match header.trim().to_lowercase().as_str() {
        "name" | "full name" | "candidate" | "candidate name" => Some(Column::Name),
        "email" | "e-mail" | "email address" => Some(Column::Email),
        "phone" | "phone number" | "telephone" => Some(Column::Phone),
        "job" | "job title" => Some(Column::Job),
        _ => None,
    }
}

/// The rows of a CSV file: UTF-8 with or without a byte order mark, a header line naming
/// the columns (in any order), blank lines skipped.
pub fn read(bytes: &[u8]) -> Result<Vec<FileRow>, Refused> {
    if bytes.len() > MAX_BYTES {
        return Err(Refused::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| Refused::NotUtf8)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| Refused::Unreadable { line: 1 })?.clone();
    let columns: Vec<Option<Column>> = headers.iter().map(column).collect();
    let has = |wanted: fn(&Column) -> bool| columns.iter().flatten().any(wanted);
    if !has(|c| matches!(c, Column::Name)) || !has(|c| matches!(c, Column::Email)) {
        return Err(Refused::NoColumns);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        // Counted from the bytes: a record's position is where the reader started, before
        // any blank lines it skipped, and its own line count leaves those out.
        let line = |position: Option<&csv::Position>| {
            let Some(start) = position.and_then(|p| usize::try_from(p.byte()).ok()) else { return 0 };
            let blank = text[start..].bytes().take_while(|b| matches!(b, b'\r' | b'\n')).count();
            text.as_bytes()[..start + blank].iter().filter(|&&b| b == b'\n').count() as u64 + 1
        };
        let record = record.map_err(|err| Refused::Unreadable { line: line(err.position()) })?;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(Refused::TooManyRows);
        }
        let mut row = FileRow {
            line: i32::try_from(line(record.position())).unwrap_or(i32::MAX),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            job: String::new(),
        };
        for (field, column) in record.iter().zip(&columns) {
            let target = match column {
                Some(Column::Name) => &mut row.name,
                Some(Column::Email) => &mut row.email,
                Some(Column::Phone) => &mut row.phone,
                Some(Column::Job) => &mut row.job,
                None => continue,
            };
            *target = field.trim().to_owned();
        }
        // A spreadsheet cell may break a name over lines; a name is one line.
        row.name = row.name.split_whitespace().collect::<Vec<_>>().join(" ");
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(Refused::NoRows);
    }
    Ok(rows)
}

/// A row with its outcome.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedRow {
    pub row: FileRow,
    pub outcome: ImportOutcome,
    /// What is wrong with an invalid row.
    pub problem: Option<String>,
    /// The open job the row names.
    pub job_id: Option<JobId>,
}

/// Each row's outcome, given the addresses of the company's candidates (lowercase) and
/// its open jobs by lowercase title. The first of two rows with one address is the one
/// that counts; the second is a duplicate.
pub fn check(rows: Vec<FileRow>, existing: &HashSet<String>, open_jobs: &HashMap<String, JobId>) -> Vec<CheckedRow> {
    let mut seen = HashSet::new();
    rows.into_iter()
        .map(|row| {
            let job_id = open_jobs.get(&row.job.to_lowercase()).copied();
            let checked = |outcome, problem: Option<String>| (outcome, problem);
            let (outcome, problem) = if EmailAddress::parse(&row.email).is_err() {
                checked(ImportOutcome::InvalidEmail, None)
            } else if !seen.insert(row.email.to_lowercase()) {
                checked(ImportOutcome::Duplicate, None)
            } else if let Err(problem) = details(&row) {
                checked(ImportOutcome::InvalidDetails, Some(problem))
            } else if !row.job.is_empty() && job_id.is_none() {
                checked(ImportOutcome::UnknownJob, None)
            } else if existing.contains(&row.email.to_lowercase()) {
                checked(ImportOutcome::Existing, None)
            } else {
                checked(ImportOutcome::Add, None)
            };
            CheckedRow { row, outcome, problem, job_id }
        })
        .collect()
}

/// The name and phone, checked as the candidate form checks them.
fn details(row: &FileRow) -> Result<(), String> {
    crate::domain::RequiredText::parse(&row.name, "the candidate's name", NAME_MAX_CHARS)?;
    parse_phone(&row.phone).map_err(|problem| format!("Phone: {problem}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: i32, name: &str, email: &str, phone: &str, job: &str) -> FileRow {
        FileRow { line, name: name.into(), email: email.into(), phone: phone.into(), job: job.into() }
    }

    #[test]
    fn quotes_commas_and_line_breaks_inside_fields_are_read() {
        let file = "Email,Name,Job\nada@example.com,\"Lovelace, Ada \"\"Countess\"\"\",\"Backend\nEngineer\"\n\nbob@example.com,\"Bob\n Smith\",\n";
        assert_eq!(
            read(file.as_bytes()).unwrap(),
            [
                row(2, "Lovelace, Ada \"Countess\"", "ada@example.com", "", "Backend\nEngineer"),
                row(5, "Bob Smith", "bob@example.com", "", ""),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_other_encodings_refused() {
        assert_eq!(read(b"\xEF\xBB\xBFname,email\nAda,ada@example.com\n").unwrap()[0].name, "Ada");
        assert_eq!(read(b"name,email\nRen\xE9e,renee@example.com\n"), Err(Refused::NotUtf8), "Latin-1");
        assert_eq!(read(b"\xFF\xFEn\0a\0m\0e\0"), Err(Refused::NotUtf8), "UTF-16");
    }

    #[test]
    fn a_file_needs_named_columns_rows_and_no_more_than_the_limits() {
        assert_eq!(read(b"first,second\nAda,ada@example.com\n"), Err(Refused::NoColumns));
        assert_eq!(read(b"name,email\n\n"), Err(Refused::NoRows));
        let mut many = String::from("name,email\n");
        for n in 0..=MAX_ROWS {
            many.push_str(&format!("C{n},c{n}@example.com\n"));
        }
        assert_eq!(read(many.as_bytes()), Err(Refused::TooManyRows));
        assert_eq!(read(&vec![b'a'; MAX_BYTES + 1]), Err(Refused::TooLarge));
    }

    #[test]
    fn each_row_gets_its_outcome() {
        let existing = HashSet::from(["old@example.com".to_owned()]);
        let backend = JobId::generate();
        let jobs = HashMap::from([("backend engineer".to_owned(), backend)]);
        let rows = vec![
            row(2, "Ada", "ada@example.com", "", "Backend Engineer"),
            row(3, "Old", "OLD@example.com", "", ""),
            row(4, "Bad", "not-an-address", "", ""),
            row(5, "Ada again", "Ada@Example.com", "", ""),
            row(6, "Jo", "jo@example.com", "", "Astronaut"),
            row(7, "", "nameless@example.com", "", ""),
            row(8, "Pat", "pat@example.com", "call me", ""),
        ];
        let outcomes: Vec<_> = check(rows, &existing, &jobs).into_iter().map(|c| (c.outcome, c.job_id)).collect();
        assert_eq!(
            outcomes,
            [
                (ImportOutcome::Add, Some(backend)),
                (ImportOutcome::Existing, None),
                (ImportOutcome::InvalidEmail, None),
                (ImportOutcome::Duplicate, None),
                (ImportOutcome::UnknownJob, None),
                (ImportOutcome::InvalidDetails, None),
                (ImportOutcome::InvalidDetails, None),
            ]
        );
    }
}
