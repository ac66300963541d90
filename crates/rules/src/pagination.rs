//! Page numbers for list pages. Links keep the rest of the query string, so a filtered,
//! searched page can be bookmarked and shared.

use serde::Deserialize;

pub const PER_PAGE: i64 = 25;

/// The `page` query parameter: 1-based, anything invalid means the first page.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(transparent)]
pub struct PageNumber(#[serde(deserialize_with = "lenient")] i64);

fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let raw = String::deserialize(d)?;
    // Bounded so that offsets and page arithmetic can never overflow.
    Ok(raw.trim().parse::<i64>().ok().filter(|n| (1..=1_000_000).contains(n)).unwrap_or(1))
}

impl Default for PageNumber {
    fn default() -> Self {
        Self(1)
    }
}

impl PageNumber {
    /// Page `number`; out of range means the first page, as in a query string.
    pub fn new(number: i64) -> Self {
        Self(Some(number).filter(|n| (1..=1_000_000).contains(n)).unwrap_or(1))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    pub fn offset(self) -> i64 {
        (self.0 - 1).saturating_mul(PER_PAGE)
    }

    pub fn limit(self) -> i64 {
        PER_PAGE
    }
}

/// What `templates/pagination.html` renders: "Showing 26–50 of 1,234" and page links.
pub struct Pager {
    pub page: i64,
    pub total: i64,
    /// The query string without `page`, e.g. `q=ann&status=invited`.
    pub query: String,
    pub path: &'static str,
    /// The total is an estimate (a broad search), shown as "about 1,700".
    pub approximate: bool,
}

impl Pager {
    /// `params` are the list's other query parameters; empty values are left out.
    pub fn new(path: &'static str, page: PageNumber, total: i64, params: &[(&str, &str)]) -> Self {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        Self { page: page.get(), total, query, path, approximate: false }
    }

    /// Marks the total as an estimate.
    pub fn approximate(self, approximate: bool) -> Self {
        Self { approximate, ..self }
    }

    pub fn last_page(&self) -> i64 {
        ((self.total + PER_PAGE - 1) / PER_PAGE).max(1)
    }

    pub fn first_shown(&self) -> i64 {
        if self.total == 0 { 0 } else { (self.page - 1) * PER_PAGE + 1 }
    }

    pub fn last_shown(&self) -> i64 {
        (self.page * PER_PAGE).min(self.total)
    }

    pub fn total_text(&self) -> String {
        if self.approximate { format!("about {}", thousands(self.total)) } else { thousands(self.total) }
    }

    pub fn href(&self, page: i64) -> String {
        let sep = if self.query.is_empty() { "" } else { "&" };
        format!("{}?{}{sep}page={page}", self.path, self.query)
    }

    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| self.href((self.page - 1).min(self.last_page())))
    }

    pub fn next(&self) -> Option<String> {
        (self.page < self.last_page()).then(|| self.href(self.page + 1))
    }

    pub fn is_beyond_last(&self) -> bool {
        self.page > self.last_page()
    }
}

/// A list's total when its page already knows it: carried by the page's first row
/// (`first_row` is that row's count, when the row exists). None for a page past the last
/// one, which has no row to carry it: the list counts again.
pub fn known_total(first_row: Option<Option<i64>>, page: PageNumber) -> Option<i64> {
    match first_row {
        Some(carried) => Some(carried.unwrap_or_default()),
        None if page.offset() > 0 => None,
        None => Some(0),
    }
}

/// An estimate to two significant digits, as a person would say it: 1,749 → 1,700.
pub fn rounded_estimate(n: i64) -> i64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

/// 1234567 → "1,234,567".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links() {
        let pager = Pager::new("/candidates", PageNumber(2), 1234, &[("q", "ann lee"), ("status", "")]);
        assert_eq!(pager.last_page(), 50);
        assert_eq!((pager.first_shown(), pager.last_shown()), (26, 50));
        assert_eq!(pager.next().unwrap(), "/candidates?q=ann+lee&page=3");
        assert_eq!(pager.prev().unwrap(), "/candidates?q=ann+lee&page=1");
        assert_eq!(pager.total_text(), "1,234");
        assert_eq!(thousands(100_000), "100,000");
    }

    #[test]
    fn a_total_is_counted_again_only_past_the_last_page() {
        assert_eq!(known_total(Some(Some(31)), PageNumber(2)), Some(31), "carried by the first row");
        assert_eq!(known_total(None, PageNumber(1)), Some(0), "an empty first page");
        assert_eq!(known_total(None, PageNumber(9)), None, "past the end");
    }

    #[test]
    fn an_approximate_total_says_about_and_is_rounded() {
        assert_eq!(
            [rounded_estimate(7), rounded_estimate(99), rounded_estimate(1749), rounded_estimate(1750)],
            [7, 99, 1700, 1800]
        );
        assert_eq!(rounded_estimate(16_666), 17_000);
        let pager = Pager::new("/candidates", PageNumber(1), 1700, &[]).approximate(true);
        assert_eq!(pager.total_text(), "about 1,700");
        assert_eq!(pager.last_page(), 68);
    }

    fn page_param(raw: &str) -> i64 {
        let de = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(raw);
        PageNumber::deserialize(de).unwrap().get()
    }

    fn pager(page: i64, total: i64) -> Pager {
        Pager::new("/jobs", PageNumber(page), total, &[])
    }

    #[test]
    fn the_page_parameter_is_a_number_from_one_to_a_million() {
        assert_eq!(page_param("3"), 3);
        assert_eq!(page_param(" 7 "), 7);
        assert_eq!(page_param("1000000"), 1_000_000);
    }

    #[test]
    fn an_invalid_page_parameter_means_the_first_page() {
        for raw in ["", "0", "-2", "two", "1000001", "99999999999999999999"] {
            assert_eq!(page_param(raw), 1, "{raw:?}");
        }
    }

    #[test]
    fn no_page_parameter_means_the_first_page() {
        assert_eq!(PageNumber::default().get(), 1);
    }

    #[test]
    fn a_page_holds_25_rows_from_its_offset() {
        assert_eq!((PageNumber(1).offset(), PageNumber(1).limit()), (0, 25));
        assert_eq!((PageNumber(3).offset(), PageNumber(3).limit()), (50, 25));
    }

    #[test]
    fn the_last_page_is_the_one_holding_the_last_row() {
        for (total, last) in [(0, 1), (1, 1), (25, 1), (26, 2), (50, 2), (51, 3)] {
            assert_eq!(pager(1, total).last_page(), last, "{total} rows");
        }
    }

    #[test]
    fn rows_shown_are_counted_from_one() {
        assert_eq!((pager(1, 0).first_shown(), pager(1, 0).last_shown()), (0, 0));
        assert_eq!((pager(1, 7).first_shown(), pager(1, 7).last_shown()), (1, 7));
        assert_eq!((pager(3, 60).first_shown(), pager(3, 60).last_shown()), (51, 60));
    }

    #[test]
    fn the_first_page_has_no_previous_and_the_last_no_next() {
        assert_eq!(pager(1, 60).prev(), None);
        assert_eq!(pager(1, 60).next().as_deref(), Some("/jobs?page=2"));
        assert_eq!(pager(3, 60).next(), None);
        assert_eq!(pager(3, 60).prev().as_deref(), Some("/jobs?page=2"));
    }

    #[test]
    fn previous_from_beyond_the_last_page_goes_to_the_last() {
        let beyond = pager(9, 60);
        assert!(beyond.is_beyond_last());
        assert_eq!(beyond.prev().as_deref(), Some("/jobs?page=3"));
        assert_eq!(beyond.next(), None);
        assert!(!pager(3, 60).is_beyond_last());
        assert!(!pager(1, 0).is_beyond_last(), "an empty list has one, empty, page");
    }

    #[test]
    fn thousands_are_separated_with_commas() {
        for (n, text) in [(0, "0"), (999, "999"), (1000, "1,000"), (12_345, "12,345"), (1_234_567, "1,234,567")] {
            assert_eq!(thousands(n), text);
        }
        assert_eq!(thousands(-1234), "-1,234");
    }
}
