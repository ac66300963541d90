//! Cells of an exported CSV file, made safe to open in a spreadsheet: a cell that starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula (and a
//! formula can fetch addresses or run commands), so it gets a leading apostrophe, which
//! spreadsheets show as text and do not display.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `value` as a cell that a spreadsheet shows as typed.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_prefixed() {
        for formula in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
    }

    #[test]
    fn other_cells_are_left_as_they_are() {
        for plain in ["Ada Lovelace", "ada@example.com", "", "1+1", "a=b", " =x", "'quoted", "72"] {
            assert_eq!(neutralise(plain), plain);
            assert!(matches!(neutralise(plain), Cow::Borrowed(_)));
        }
    }
}
