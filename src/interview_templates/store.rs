//! SQL for interview templates, their questions and their published versions. Every
//! statement is scoped by the company; questions are reached through their template.
//!
//! The versioning rule lives here: a template is edited only while it is a draft (each
//! change locks the template row and checks); publishing copies the template and its
//! questions into an immutable version in one transaction; "edit as new draft" turns
//! the template back into a draft and leaves every version as it was, since sent
//! interviews point at versions.
//!
//! The sending feature reads [`sendable_templates`] and [`questions_of_versions`].

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::model::{AnswerKind, Difficulty, MAX_QUESTIONS, QuestionFields, TemplateFields, TemplateStatus};
use crate::ids::{CompanyId, JobId, QuestionId, TemplateId};
use crate::pagination::PageNumber;

/// Why a change to a template was not made.
#[derive(Debug)]
pub enum EditError {
    /// No such template (or question) in this company.
    NotFound,
    /// The template is published: it is not changed in place.
    Published,
    TooManyQuestions,
    /// Publishing needs at least one question.
    NoQuestions,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for EditError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

/// A row of a template list (the Interview Templates page, a job's page).
pub struct TemplateSummary {
    pub id: TemplateId,
    pub job_id: JobId,
    pub job_title: String,
    pub name: String,
    pub difficulty: Difficulty,
    pub status: TemplateStatus,
    pub question_count: i64,
    /// The version new interviews are sent with; `None` for a draft.
    pub version_number: Option<i32>,
    pub updated_at: OffsetDateTime,
}

impl TemplateSummary {
    pub fn is_published(&self) -> bool {
        self.status == TemplateStatus::Published
    }

    pub fn difficulty_label(&self) -> &'static str {
        self.difficulty.label()
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub job_id: Option<JobId>,
    pub status: Option<TemplateStatus>,
}

/// One page of the company's templates, newest first, and the total matching the filter.
pub async fn list(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    page: PageNumber,
) -> sqlx::Result<(Vec<TemplateSummary>, i64)> {
    let rows = sqlx::query_as!(
        TemplateSummary,
        r#"select t.id, t.job_id, j.title as job_title, t.name, t.difficulty as "difficulty: _", t.status as "status: _",
                  (select count(*) from template_questions q where q.template_id = t.id) as "question_count!",
                  v.number as "version_number?", t.updated_at
           from interview_templates t
           join jobs j on j.id = t.job_id
           left join template_versions v on v.id = t.published_version_id
           where t.company_id = $1
             and ($2::uuid is null or t.job_id = $2)
             and ($3::template_status is null or t.status = $3)
           order by t.created_at desc, t.id desc
           limit $4 offset $5"#,
        company_id as CompanyId,
        filter.job_id as Option<JobId>,
        filter.status as Option<TemplateStatus>,
        page.limit(),
        page.offset(),
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from interview_templates t
           where t.company_id = $1 and ($2::uuid is null or t.job_id = $2) and ($3::template_status is null or t.status = $3)"#,
        company_id as CompanyId,
        filter.job_id as Option<JobId>,
        filter.status as Option<TemplateStatus>,
    )
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// Every template of one job: published first, then newest first.
pub async fn for_job(pool: &PgPool, company_id: CompanyId, job_id: JobId) -> sqlx::Result<Vec<TemplateSummary>> {
    sqlx::query_as!(
        TemplateSummary,
        r#"select t.id, t.job_id, j.title as job_title, t.name, t.difficulty as "difficulty: _", t.status as "status: _",
                  (select count(*) from template_questions q where q.template_id = t.id) as "question_count!",
                  v.number as "version_number?", t.updated_at
           from interview_templates t
           join jobs j on j.id = t.job_id
           left join template_versions v on v.id = t.published_version_id
           where t.company_id = $1 and t.job_id = $2
           order by t.status = 'draft', t.created_at desc, t.id desc"#,
        company_id as CompanyId,
        job_id as JobId,
    )
    .fetch_all(pool)
    .await
}

pub struct Template {
    pub id: TemplateId,
    pub job_id: JobId,
    pub job_title: String,
    pub name: String,
    pub difficulty: Difficulty,
    pub focus_area: Option<String>,
    pub duration_minutes: i32,
    pub intro: Option<String>,
    pub retakes: i32,
    pub practice_prompt: Option<String>,
    pub status: TemplateStatus,
    /// The version new interviews are sent with, while published.
    pub version_number: Option<i32>,
    /// The newest version ever published (also while the template is a draft again).
    pub latest_version_number: Option<i32>,
    pub created_at: OffsetDateTime,
}

impl Template {
    pub fn is_published(&self) -> bool {
        self.status == TemplateStatus::Published
    }

    pub fn difficulty_label(&self) -> &'static str {
        self.difficulty.label()
    }

    /// The number the next publish gets.
    pub fn next_version_number(&self) -> i32 {
        self.latest_version_number.unwrap_or(0) + 1
    }
}

pub async fn get(pool: &PgPool, company_id: CompanyId, id: TemplateId) -> sqlx::Result<Option<Template>> {
    sqlx::query_as!(
        Template,
        r#"select t.id, t.job_id, j.title as job_title, t.name, t.difficulty as "difficulty: _", t.focus_area, t.duration_minutes,
                  t.intro, t.retakes, t.practice_prompt, t.status as "status: _", v.number as "version_number?",
                  (select max(number) from template_versions tv where tv.template_id = t.id) as latest_version_number,
                  t.created_at
           from interview_templates t
           join jobs j on j.id = t.job_id
           left join template_versions v on v.id = t.published_version_id
           where t.id = $1 and t.company_id = $2"#,
        id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_optional(pool)
    .await
}

pub struct Question {
    pub id: QuestionId,
    pub position: i32,
    pub prompt: String,
    pub answer_kind: AnswerKind,
    pub thinking_seconds: i32,
    pub answer_seconds: i32,
    pub key_points: Vec<String>,
}

impl Question {
    pub fn fields(&self) -> QuestionFields {
        QuestionFields {
            prompt: self.prompt.clone(),
            answer_kind: self.answer_kind,
            thinking_seconds: self.thinking_seconds,
            answer_seconds: self.answer_seconds,
            key_points: self.key_points.clone(),
        }
    }
}

/// The template's current questions in order.
pub async fn questions(pool: &PgPool, company_id: CompanyId, template_id: TemplateId) -> sqlx::Result<Vec<Question>> {
    sqlx::query_as!(
        Question,
        r#"select q.id, q.position, q.prompt, q.answer_kind as "answer_kind: _", q.thinking_seconds, q.answer_seconds,
                  q.key_points
           from template_questions q
           join interview_templates t on t.id = q.template_id
           where q.template_id = $1 and t.company_id = $2
           order by q.position"#,
        template_id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

pub async fn question(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
    question_id: QuestionId,
) -> sqlx::Result<Option<Question>> {
    sqlx::query_as!(
        Question,
        r#"select q.id, q.position, q.prompt, q.answer_kind as "answer_kind: _", q.thinking_seconds, q.answer_seconds,
                  q.key_points
           from template_questions q
           join interview_templates t on t.id = q.template_id
           where q.id = $1 and q.template_id = $2 and t.company_id = $3"#,
        question_id as QuestionId,
        template_id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_optional(pool)
    .await
}

/// Creates a draft template with `id` (the form's idempotency key) for one of the
/// company's jobs. Submitting the same key again changes nothing. False when the job
/// is not the company's.
pub async fn create(
    pool: &PgPool,
    company_id: CompanyId,
    id: TemplateId,
    job_id: JobId,
    fields: &TemplateFields,
) -> sqlx::Result<Option<bool>> {
    let inserted = sqlx::query!(
        "insert into interview_templates
             (id, company_id, job_id, name, difficulty, focus_area, duration_minutes, intro, retakes, practice_prompt)
         select $1, j.company_id, j.id, $4, $5, $6, $7, $8, $9, $10
         from jobs j where j.id = $3 and j.company_id = $2
         on conflict (id) do nothing",
        id as TemplateId,
        company_id as CompanyId,
        job_id as JobId,
        fields.name,
        fields.difficulty as Difficulty,
        fields.focus_area,
        fields.duration_minutes,
        fields.intro,
        fields.retakes,
        fields.practice_prompt,
    )
    .execute(pool)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        return Ok(Some(true));
    }
    let exists = sqlx::query_scalar!(
        r#"select exists(select 1 from interview_templates where id = $1 and company_id = $2) as "exists!""#,
        id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_one(pool)
    .await?;
    Ok(exists.then_some(false))
}

/// Locks the template row for the rest of the transaction and checks that it is a
/// draft. Every change takes this lock, and so does publishing, so a question can never
/// be added between the copy into a version and the switch to published.
async fn lock_draft(tx: &mut PgConnection, company_id: CompanyId, template_id: TemplateId) -> Result<(), EditError> {
    let status = sqlx::query_scalar!(
        r#"select status as "status: TemplateStatus" from interview_templates where id = $1 and company_id = $2 for update"#,
        template_id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    match status {
        None => Err(EditError::NotFound),
        Some(TemplateStatus::Draft) => Ok(()),
        Some(TemplateStatus::Published) => Err(EditError::Published),
    }
}

pub async fn update(
    pool: &PgPool,
    company_id: CompanyId,
    id: TemplateId,
    fields: &TemplateFields,
) -> Result<(), EditError> {
    let mut tx = pool.begin().await?;
    lock_draft(&mut tx, company_id, id).await?;
    sqlx::query!(
        "update interview_templates
         set name = $3, difficulty = $4, focus_area = $5, duration_minutes = $6, intro = $7, retakes = $8,
             practice_prompt = $9, updated_at = now()
         where id = $1 and company_id = $2",
        id as TemplateId,
        company_id as CompanyId,
        fields.name,
        fields.difficulty as Difficulty,
        fields.focus_area,
        fields.duration_minutes,
        fields.intro,
        fields.retakes,
        fields.practice_prompt,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn touch(tx: &mut PgConnection, company_id: CompanyId, template_id: TemplateId) -> sqlx::Result<()> {
    sqlx::query!(
        "update interview_templates set updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        template_id as TemplateId
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Adds a question at the end. `question_id` is the form's idempotency key, so a double
/// submit adds it once.
pub async fn add_question(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
    question_id: QuestionId,
    question: &QuestionFields,
) -> Result<(), EditError> {
    let mut tx = pool.begin().await?;
    lock_draft(&mut tx, company_id, template_id).await?;
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from template_questions where template_id = $1"#,
        template_id as TemplateId
    )
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_QUESTIONS {
        return Err(EditError::TooManyQuestions);
    }
    sqlx::query!(
        "insert into template_questions
             (id, template_id, position, prompt, answer_kind, thinking_seconds, answer_seconds, key_points)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (id) do nothing",
        question_id as QuestionId,
        template_id as TemplateId,
        count as i32 + 1,
        question.prompt,
        question.answer_kind as AnswerKind,
        question.thinking_seconds,
        question.answer_seconds,
        &question.key_points,
    )
    .execute(&mut *tx)
    .await?;
    touch(&mut tx, company_id, template_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn update_question(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
    question_id: QuestionId,
    question: &QuestionFields,
) -> Result<(), EditError> {
    let mut tx = pool.begin().await?;
    lock_draft(&mut tx, company_id, template_id).await?;
    let result = sqlx::query!(
        "update template_questions
         set prompt = $3, answer_kind = $4, thinking_seconds = $5, answer_seconds = $6, key_points = $7
         where id = $1 and template_id = $2",
        question_id as QuestionId,
        template_id as TemplateId,
        question.prompt,
        question.answer_kind as AnswerKind,
        question.thinking_seconds,
        question.answer_seconds,
        &question.key_points,
    )
    .execute(&mut *tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(EditError::NotFound);
    }
    touch(&mut tx, company_id, template_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a question and closes the gap, so positions stay 1, 2, 3…
pub async fn remove_question(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
    question_id: QuestionId,
) -> Result<(), EditError> {
    let mut tx = pool.begin().await?;
    lock_draft(&mut tx, company_id, template_id).await?;
    let result = sqlx::query!(
        "delete from template_questions where id = $1 and template_id = $2",
        question_id as QuestionId,
        template_id as TemplateId
    )
    .execute(&mut *tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(EditError::NotFound);
    }
    // The (template_id, position) constraint is deferred, so renumbering may pass
    // through duplicates within the transaction.
    sqlx::query!(
        "update template_questions q set position = r.n
         from (select id, (row_number() over (order by position))::int as n
               from template_questions where template_id = $1) r
         where q.id = r.id and q.position <> r.n",
        template_id as TemplateId,
    )
    .execute(&mut *tx)
    .await?;
    touch(&mut tx, company_id, template_id).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Swaps a question with its neighbour above or below. False when it is already first
/// (moving up) or last (moving down).
pub async fn move_question(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
    question_id: QuestionId,
    direction: Direction,
) -> Result<bool, EditError> {
    let mut tx = pool.begin().await?;
    lock_draft(&mut tx, company_id, template_id).await?;
    let position = sqlx::query_scalar!(
        "select position from template_questions where id = $1 and template_id = $2",
        question_id as QuestionId,
        template_id as TemplateId,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(EditError::NotFound)?;
    let up = direction == Direction::Up;
    let neighbour = sqlx::query!(
        "select id, position from template_questions
         where template_id = $1 and (case when $3 then position < $2 else position > $2 end)
         order by case when $3 then -position else position end
         limit 1",
        template_id as TemplateId,
        position,
        up,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(neighbour) = neighbour else { return Ok(false) };
    sqlx::query!(
        "update template_questions set position = case when id = $1 then $2::int else $3::int end
         where template_id = $4 and id in ($1, $5)",
        question_id as QuestionId,
        neighbour.position,
        position,
        template_id as TemplateId,
        neighbour.id,
    )
    .execute(&mut *tx)
    .await?;
    touch(&mut tx, company_id, template_id).await?;
    tx.commit().await?;
    Ok(true)
}

/// Publishes a draft: in one transaction, a new version (the next number) with copies
/// of the template's fields and questions, then status published pointing at it.
/// Returns the version number.
pub async fn publish(pool: &PgPool, company_id: CompanyId, template_id: TemplateId) -> Result<i32, EditError> {
    let mut tx = pool.begin().await?;
    lock_draft(&mut tx, company_id, template_id).await?;
    let questions = sqlx::query_scalar!(
        r#"select count(*) as "count!" from template_questions where template_id = $1"#,
        template_id as TemplateId
    )
    .fetch_one(&mut *tx)
    .await?;
    if questions == 0 {
        return Err(EditError::NoQuestions);
    }
    let number = sqlx::query_scalar!(
        r#"select coalesce(max(number), 0) + 1 as "number!" from template_versions where template_id = $1"#,
        template_id as TemplateId,
    )
    .fetch_one(&mut *tx)
    .await?;
    let version_id = Uuid::new_v4();
    sqlx::query!(
        "insert into template_versions
             (id, template_id, company_id, number, name, difficulty, focus_area, duration_minutes, intro, retakes, practice_prompt)
         select $1, t.id, t.company_id, $3, t.name, t.difficulty, t.focus_area, t.duration_minutes, t.intro, t.retakes,
                t.practice_prompt
         from interview_templates t where t.id = $2",
        version_id,
        template_id as TemplateId,
        number,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into version_questions
             (id, version_id, position, prompt, answer_kind, thinking_seconds, answer_seconds, key_points)
         select gen_random_uuid(), $1, (row_number() over (order by q.position))::int, q.prompt, q.answer_kind,
                q.thinking_seconds, q.answer_seconds, q.key_points
         from template_questions q where q.template_id = $2",
        version_id,
        template_id as TemplateId,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update interview_templates set status = 'published', published_version_id = $2, updated_at = now()
         where id = $1 and company_id = $3",
        template_id as TemplateId,
        version_id,
        company_id as CompanyId,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(number)
}

/// Turns a published template back into a draft to change it. Its versions stay as they
/// are (interviews already sent point at them); until it is published again, it is not
/// offered for sending. Doing it twice is harmless.
pub async fn edit_as_new_draft(pool: &PgPool, company_id: CompanyId, template_id: TemplateId) -> Result<(), EditError> {
    let mut tx = pool.begin().await?;
    let status = sqlx::query_scalar!(
        r#"select status as "status: TemplateStatus" from interview_templates where id = $1 and company_id = $2 for update"#,
        template_id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(EditError::NotFound)?;
    if status == TemplateStatus::Published {
        sqlx::query!(
            "update interview_templates set status = 'draft', published_version_id = null, updated_at = now()
             where id = $1 and company_id = $2",
            template_id as TemplateId,
            company_id as CompanyId,
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub struct VersionSummary {
    pub id: Uuid,
    pub number: i32,
    pub published_at: OffsetDateTime,
    pub question_count: i64,
}

/// Every published version of a template, newest first.
pub async fn versions(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
) -> sqlx::Result<Vec<VersionSummary>> {
    sqlx::query_as!(
        VersionSummary,
        r#"select v.id, v.number, v.published_at,
                  (select count(*) from version_questions vq where vq.version_id = v.id) as "question_count!"
           from template_versions v
           where v.template_id = $1 and v.company_id = $2
           order by v.number desc"#,
        template_id as TemplateId,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

pub async fn version_id_by_number(
    pool: &PgPool,
    company_id: CompanyId,
    template_id: TemplateId,
    number: i32,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "select id from template_versions where template_id = $1 and company_id = $2 and number = $3",
        template_id as TemplateId,
        company_id as CompanyId,
        number,
    )
    .fetch_optional(pool)
    .await
}

/// A published template of an open job, with the version an interview would be sent
/// with: what the Send Interview modal lists. Closed jobs and drafts are left out.
pub struct SendableTemplate {
    pub job_id: JobId,
    pub job_title: String,
    pub template_id: TemplateId,
    pub version_id: Uuid,
    pub name: String,
    pub difficulty: Difficulty,
    pub focus_area: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
}

pub async fn sendable_templates(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<SendableTemplate>> {
    sqlx::query_as!(
        SendableTemplate,
        r#"select j.id as job_id, j.title as job_title, t.id as template_id, v.id as version_id,
                  v.name, v.difficulty as "difficulty: _", v.focus_area, v.duration_minutes,
                  (select count(*) from version_questions q where q.version_id = v.id) as "question_count!"
           from interview_templates t
           join template_versions v on v.id = t.published_version_id
           join jobs j on j.id = t.job_id
           where t.company_id = $1 and t.status = 'published' and j.status = 'open'
           order by j.title, j.id, v.name"#,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

/// The questions of published versions, for previews before sending.
pub struct QuestionPreview {
    pub version_id: Uuid,
    pub position: i32,
    pub prompt: String,
    pub answer_kind: AnswerKind,
    pub thinking_seconds: i32,
    pub answer_seconds: i32,
}

pub async fn questions_of_versions(
    pool: &PgPool,
    company_id: CompanyId,
    version_ids: &[Uuid],
) -> sqlx::Result<Vec<QuestionPreview>> {
    sqlx::query_as!(
        QuestionPreview,
        r#"select q.version_id, q.position, q.prompt, q.answer_kind as "answer_kind: _", q.thinking_seconds,
                  q.answer_seconds
           from version_questions q join template_versions v on v.id = q.version_id
           where q.version_id = any($1) and v.company_id = $2
           order by q.version_id, q.position"#,
        version_ids,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

/// A published version: the template as it was when published. Never changes.
#[derive(Debug)]
pub struct Version {
    pub id: Uuid,
    pub template_id: TemplateId,
    pub job_id: JobId,
    pub job_title: String,
    pub number: i32,
    pub name: String,
    pub difficulty: Difficulty,
    pub focus_area: Option<String>,
    pub duration_minutes: i32,
    pub intro: Option<String>,
    pub retakes: i32,
    pub published_at: OffsetDateTime,
}

#[derive(Debug)]
pub struct VersionQuestion {
    pub id: QuestionId,
    pub position: i32,
    pub prompt: String,
    pub answer_kind: AnswerKind,
    pub thinking_seconds: i32,
    pub answer_seconds: i32,
    pub key_points: Vec<String>,
}

#[derive(Debug)]
pub struct VersionWithQuestions {
    pub version: Version,
    pub questions: Vec<VersionQuestion>,
}

/// One of the company's versions with its questions in order; `None` for an unknown id
/// or another company's.
pub async fn version_with_questions(
    pool: &PgPool,
    company_id: CompanyId,
    version_id: Uuid,
) -> sqlx::Result<Option<VersionWithQuestions>> {
    let version = sqlx::query_as!(
        Version,
        r#"select v.id, v.template_id, t.job_id, j.title as job_title, v.number, v.name,
                  v.difficulty as "difficulty: _", v.focus_area, v.duration_minutes, v.intro, v.retakes,
                  v.published_at
           from template_versions v
           join interview_templates t on t.id = v.template_id
           join jobs j on j.id = t.job_id
           where v.id = $1 and v.company_id = $2"#,
        version_id,
        company_id as CompanyId,
    )
    .fetch_optional(pool)
    .await?;
    let Some(version) = version else { return Ok(None) };
    let questions = sqlx::query_as!(
        VersionQuestion,
        r#"select id, position, prompt, answer_kind as "answer_kind: _", thinking_seconds, answer_seconds, key_points
           from version_questions where version_id = $1 order by position"#,
        version.id,
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(VersionWithQuestions { version, questions }))
}
