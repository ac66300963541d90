//! Application stages.

/// Where an application stands in the hiring process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "application_stage", rename_all = "snake_case")]
pub enum Stage {
    Applied,
    Screening,
    Interviewing,
    Offer,
    Hired,
    Rejected,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Self::Applied, Self::Screening, Self::Interviewing, Self::Offer, Self::Hired, Self::Rejected];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Screening => "screening",
            Self::Interviewing => "interviewing",
            Self::Offer => "offer",
            Self::Hired => "hired",
            Self::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Applied => "Applied",
            Self::Screening => "Screening",
            Self::Interviewing => "Interviewing",
            Self::Offer => "Offer",
            Self::Hired => "Hired",
            Self::Rejected => "Rejected",
        }
    }

    /// In progress grey/amber/blue, good outcomes green, rejected red; the label says it.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Applied => "badge-grey",
            Self::Screening | Self::Interviewing => "badge-blue",
            Self::Offer => "badge-amber",
            Self::Hired => "badge-green",
            Self::Rejected => "badge-red",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        assert_eq!(Stage::parse("bogus"), None);
    }
}
