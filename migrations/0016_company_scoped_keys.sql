-- Every company-scoped row points at its parent through (company_id, id), so the
-- database itself refuses a row that links two companies' data, whatever a statement
-- forgets. Each composite key replaces the single-column key it makes redundant.

alter table users add unique (company_id, id);
alter table jobs add unique (company_id, id);
alter table interview_templates add unique (company_id, id);
alter table template_versions add unique (company_id, id);
alter table candidates add unique (company_id, id);
alter table applications add unique (company_id, id);
alter table interviews add unique (company_id, id);
alter table answers add unique (company_id, id);
alter table evaluations add unique (company_id, id);

alter table interview_templates
    drop constraint interview_templates_job_id_fkey,
    add foreign key (company_id, job_id) references jobs (company_id, id) on delete cascade;

alter table interview_templates
    drop constraint interview_templates_published_version_fk,
    add foreign key (company_id, published_version_id) references template_versions (company_id, id);

alter table template_versions
    drop constraint template_versions_template_id_fkey,
    add foreign key (company_id, template_id) references interview_templates (company_id, id) on delete cascade;

alter table applications
    drop constraint applications_candidate_id_fkey,
    drop constraint applications_job_id_fkey,
    add foreign key (company_id, candidate_id) references candidates (company_id, id) on delete cascade,
    add foreign key (company_id, job_id) references jobs (company_id, id) on delete cascade;

alter table interviews
    drop constraint interviews_application_id_fkey,
    drop constraint interviews_candidate_id_fkey,
    drop constraint interviews_job_id_fkey,
    drop constraint interviews_template_version_id_fkey,
    drop constraint interviews_sent_by_fkey,
    add foreign key (company_id, application_id) references applications (company_id, id) on delete cascade,
    add foreign key (company_id, candidate_id) references candidates (company_id, id) on delete cascade,
    add foreign key (company_id, job_id) references jobs (company_id, id) on delete cascade,
    add foreign key (company_id, template_version_id) references template_versions (company_id, id),
    -- A removed sender leaves the interview in its company: only sent_by is cleared.
    add foreign key (company_id, sent_by) references users (company_id, id) on delete set null (sent_by);

alter table interview_events
    drop constraint interview_events_interview_id_fkey,
    add foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade;

alter table emails
    drop constraint emails_interview_id_fkey,
    add foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade;

alter table answers
    drop constraint answers_interview_id_fkey,
    add foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade;

alter table evaluations
    drop constraint evaluations_interview_id_fkey,
    drop constraint evaluations_requested_by_fkey,
    add foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade,
    add foreign key (company_id, requested_by) references users (company_id, id) on delete set null (requested_by);

alter table evaluation_answers
    drop constraint evaluation_answers_evaluation_id_fkey,
    drop constraint evaluation_answers_answer_id_fkey,
    add foreign key (company_id, evaluation_id) references evaluations (company_id, id) on delete cascade,
    add foreign key (company_id, answer_id) references answers (company_id, id) on delete cascade;

alter table answer_transcripts
    drop constraint answer_transcripts_answer_id_fkey,
    add foreign key (company_id, answer_id) references answers (company_id, id) on delete cascade;

alter table answer_reviews
    drop constraint answer_reviews_answer_id_fkey,
    drop constraint answer_reviews_user_id_fkey,
    add foreign key (company_id, answer_id) references answers (company_id, id) on delete cascade,
    add foreign key (company_id, user_id) references users (company_id, id) on delete cascade;

alter table interview_decisions
    drop constraint interview_decisions_interview_id_fkey,
    drop constraint interview_decisions_decided_by_fkey,
    add foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade,
    add foreign key (company_id, decided_by) references users (company_id, id) on delete set null (decided_by);
