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
}

impl Pager {
    /// `params` are the list's other query parameters; empty values are left out.
    pub fn new(path: &'static str, page: PageNumber, total: i64, params: &[(&str, &str)]) -> Self {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        Self { page: page.get(), total, query, path }
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
        thousands(self.total)
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
}
