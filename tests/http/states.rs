//! Every state column is an enum type of the database: a value it does not know is
//! refused where it is written, and a misspelt state in a query is an error rather than
//! a filter that quietly matches nothing.

use sqlx::PgPool;

/// Each state column, named by what it holds.
const STATE_COLUMNS: [(&str, &str, &str); 18] = [
    ("job status", "jobs", "status"),
    ("template status", "interview_templates", "status"),
    ("template difficulty", "interview_templates", "difficulty"),
    ("published difficulty", "template_versions", "difficulty"),
    ("question answer kind", "template_questions", "answer_kind"),
    ("published question answer kind", "version_questions", "answer_kind"),
    ("answer kind", "answers", "answer_kind"),
    ("candidate status", "candidates", "status"),
    ("candidate count status", "candidate_counts", "status"),
    ("application stage", "applications", "stage"),
    ("interview status", "interviews", "status"),
    ("interview event kind", "interview_events", "kind"),
    ("email kind", "emails", "kind"),
    ("email status", "emails", "status"),
    ("task status", "tasks", "status"),
    ("evaluation run status", "evaluations", "status"),
    ("recommendation", "evaluations", "recommendation"),
    ("decision", "interview_decisions", "decision"),
];

/// PostgreSQL's `invalid_text_representation`: the value is not one of the type's.
const NOT_A_VALUE_OF_THE_TYPE: &str = "22P02";

#[sqlx::test]
async fn an_unknown_state_is_refused_by_the_database(pool: PgPool) {
    // `where false` writes no row: only the column's type can refuse the value.
    for (name, table, column) in STATE_COLUMNS {
        let refused = sqlx::query(&format!("update {table} set {column} = 'pendng' where false"))
            .execute(&pool)
            .await
            .expect_err(&format!("the {name} accepted a value it does not know"));
        let code = refused.as_database_error().and_then(|e| e.code()).map(|c| c.into_owned());
        assert_eq!(code.as_deref(), Some(NOT_A_VALUE_OF_THE_TYPE), "{name}: {refused}");
    }
}

#[sqlx::test]
async fn a_misspelt_state_in_a_query_is_an_error(pool: PgPool) {
    for (name, table, column) in STATE_COLUMNS {
        let refused = sqlx::query(&format!("select count(*) from {table} where {column} = 'pendng'"))
            .fetch_one(&pool)
            .await
            .expect_err(&format!("a query compared the {name} with a value it does not know"));
        let code = refused.as_database_error().and_then(|e| e.code()).map(|c| c.into_owned());
        assert_eq!(code.as_deref(), Some(NOT_A_VALUE_OF_THE_TYPE), "{name}: {refused}");
    }
}
