//! An access request's answer: a ZIP of everything held about a candidate, `data.json`
//! (the candidate, applications, interviews with their timeline, consent, emails,
//! answers, transcripts, evaluations, ratings, notes and decisions) and the recordings
//! under `media/`. A candidate's recordings can add up to gigabytes, so the archive is
//! written to a temporary file, read from storage a chunk at a time, and the file is
//! streamed to the browser: memory holds a chunk, never a recording.

use std::{
    fs::File,
    io::{Seek, SeekFrom, Write},
    path::Path,
};

use anyhow::Context;
use futures_util::StreamExt;
use sqlx::PgPool;
use uuid::Uuid;

use crate::ids::{CandidateId, CompanyId};
use crate::storage::MediaStore;

/// The archive in a file with no name, read from its start; `None`: no such candidate.
/// The file is created in `dir` and unlinked at once, so it is gone when it is closed,
/// even after a crash.
pub async fn build(
    pool: &PgPool,
    media: &MediaStore,
    dir: &Path,
    company_id: CompanyId,
    candidate_id: CandidateId,
) -> anyhow::Result<Option<File>> {
    // Everything as JSON in one statement, each part scoped by the company; secrets of
    // the link (its nonce, the form's key) are left out.
    let data = sqlx::query_scalar!(
        r#"select jsonb_build_object(
             'candidate', to_jsonb(c) - 'company_id',
             'applications', coalesce((select jsonb_agg(to_jsonb(a) - 'company_id' order by a.created_at)
                                       from applications a where a.company_id = c.company_id and a.candidate_id = c.id), '[]'),
             'interviews', coalesce((select jsonb_agg(to_jsonb(i) - 'company_id' - 'link_nonce' - 'idempotency_key' || jsonb_build_object(
                 'timeline', coalesce((select jsonb_agg(jsonb_build_object('at', e.created_at, 'kind', e.kind, 'detail', e.detail) order by e.created_at)
                                       from interview_events e where e.company_id = i.company_id and e.interview_id = i.id), '[]'),
                 'emails', coalesce((select jsonb_agg(jsonb_build_object('kind', m.kind, 'to', m.to_address, 'status', m.status, 'sent_at', m.sent_at, 'opened_at', m.opened_at) order by m.created_at)
                                     from emails m where m.company_id = i.company_id and m.interview_id = i.id), '[]'),
                 'answers', coalesce((select jsonb_agg(jsonb_build_object(
                       'question', q.prompt, 'kind', an.answer_kind, 'text', an.text_answer, 'recording', an.media_key,
                       'recording_deleted_at', an.media_deleted_at, 'answered_at', an.created_at,
                       'transcripts', coalesce((select jsonb_agg(t.transcript) from answer_transcripts t
                                                where t.company_id = an.company_id and t.answer_id = an.id), '[]'),
                       'ratings', coalesce((select jsonb_agg(jsonb_build_object('rating', r.rating, 'note', r.note, 'at', r.updated_at))
                                            from answer_reviews r where r.company_id = an.company_id and r.answer_id = an.id), '[]')
                     ) order by q.position)
                     from answers an join version_questions q on q.id = an.question_id
                     where an.company_id = i.company_id and an.interview_id = i.id), '[]'),
                 'evaluations', coalesce((select jsonb_agg(to_jsonb(ev) - 'company_id' - 'task_id' || jsonb_build_object(
                       'per_answer', coalesce((select jsonb_agg(to_jsonb(ea) - 'company_id') from evaluation_answers ea
                                               where ea.company_id = ev.company_id and ea.evaluation_id = ev.id), '[]')) order by ev.created_at)
                     from evaluations ev where ev.company_id = i.company_id and ev.interview_id = i.id), '[]'),
                 'decision', (select jsonb_build_object('decision', d.decision, 'note', d.note, 'at', d.updated_at)
                              from interview_decisions d where d.company_id = i.company_id and d.interview_id = i.id)
               ) order by i.created_at)
               from interviews i where i.company_id = c.company_id and i.candidate_id = c.id), '[]')
           ) as "data!"
           from candidates c where c.company_id = $1 and c.id = $2"#,
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_optional(pool)
    .await?;
    let Some(data) = data else { return Ok(None) };
    let keys = sqlx::query_scalar!(
        r#"select a.media_key as "media_key!" from answers a
           join interviews i on i.company_id = a.company_id and i.id = a.interview_id
           where i.company_id = $1 and i.candidate_id = $2 and a.media_key is not null
           order by a.media_key"#,
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_all(pool)
    .await?;
    let data = serde_json::to_vec_pretty(&data)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("archive-{}.zip", Uuid::new_v4()));
    let file = File::options().read(true).write(true).create_new(true).open(&path).context("creating the archive")?;
    std::fs::remove_file(&path).context("unlinking the archive")?;
    // The ZIP writer writes to the file as it goes: on a blocking thread, which takes
    // each recording's chunks from storage as it needs them.
    let media = media.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut archive = zip::ZipWriter::new(file);
        archive.start_file("data.json", stored)?;
        archive.write_all(&data)?;
        for key in keys {
            // The data's "recording" names each file by the same key.
            archive.start_file(format!("media/{key}"), stored)?;
            let mut chunks = runtime.block_on(media.read(&key, None)).with_context(|| format!("reading {key}"))?;
            while let Some(chunk) = runtime.block_on(chunks.next()) {
                archive.write_all(&chunk.with_context(|| format!("reading {key}"))?)?;
            }
        }
        let mut file = archive.finish()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(Some(file))
    })
    .await?
}

/// The file's bytes from where it stands to its end, a chunk at a time.
pub fn chunks(file: File) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> {
    const CHUNK: usize = 256 * 1024;
    futures_util::stream::try_unfold(tokio::fs::File::from_std(file), |mut file| async move {
        let mut chunk = bytes::BytesMut::zeroed(CHUNK);
        let read = tokio::io::AsyncReadExt::read(&mut file, &mut chunk).await?;
        chunk.truncate(read);
        Ok((read > 0).then(|| (chunk.freeze(), file)))
    })
}
