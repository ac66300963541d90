/// What importing a row of the file does (or would do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "import_outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A new candidate.
    Add,
    /// Already a candidate: linked (to the job, if one is chosen), not duplicated.
    Existing,
    InvalidEmail,
    /// A missing name, or a phone number that is not one.
    InvalidDetails,
    /// An address an earlier row of the file already has.
    Duplicate,
    /// The row names a job that is not one of the company's open jobs.
    UnknownJob,
}

impl ImportOutcome {
    pub const ALL: [Self; 6] =
        [Self::Add, Self::Existing, Self::InvalidEmail, Self::InvalidDetails, Self::Duplicate, Self::UnknownJob];

    pub fn label(self) -> &'static str {
        match self {
            Self::Add => "Will be added",
            Self::Existing => "Already a candidate (linked)",
            Self::InvalidEmail => "Invalid email",
            Self::InvalidDetails => "Invalid details",
            Self::Duplicate => "Duplicate in the file",
            Self::UnknownJob => "Unknown job",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::Add => "badge-green",
            Self::Existing => "badge-blue",
            _ => "badge-red",
        }
    }

    /// Whether importing writes the row (a new candidate, or a link of an existing one).
    pub fn is_imported(self) -> bool {
        matches!(self, Self::Add | Self::Existing)
    }
}
