-- Reviewers: the teammates assigned to rate an interview (or, by default, every interview
-- of a job), the team rating the Interviews page sorts by, and whether a reviewer must
-- rate before seeing the evaluation and the others' ratings.

alter table companies
    -- On: a reviewer sees the evaluation's scores and the others' ratings only once they
    -- have rated every answer themselves, so nobody anchors on them.
    add column blind_review boolean not null default true;

-- Assigned to every interview sent for the job from then on.
create table job_reviewers (
    company_id uuid not null,
    job_id uuid not null,
    user_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (job_id, user_id),
    foreign key (company_id, job_id) references jobs (company_id, id) on delete cascade,
    foreign key (company_id, user_id) references users (company_id, id) on delete cascade
);
create index job_reviewers_company_job_idx on job_reviewers (company_id, job_id);
create index job_reviewers_user_idx on job_reviewers (company_id, user_id);

create table interview_reviewers (
    company_id uuid not null,
    interview_id uuid not null,
    user_id uuid not null,
    -- The day the review is wanted by, when one was set.
    due_on date,
    -- When the "ready for your review" email was queued: once per reviewer and interview.
    notified_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (interview_id, user_id),
    foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade,
    foreign key (company_id, user_id) references users (company_id, id) on delete cascade
);
create index interview_reviewers_company_interview_idx on interview_reviewers (company_id, interview_id);
create index interview_reviewers_user_idx on interview_reviewers (company_id, user_id);

-- A reviewer's "ready for your review" email: an account email, to a member, naming the
-- interview (its page is the link).
alter type account_email_kind add value 'review_request';
alter table account_emails add column interview_id uuid references interviews (id) on delete cascade;
create index account_emails_interview_idx on account_emails (interview_id) where interview_id is not null;

-- The team rating, kept on the interview so the Interviews page sorts by it with an index:
-- the mean of each reviewer's mean rating, over the reviewers who rated every answer; the
-- spread is the highest of those means less the lowest.
alter table interviews
    add column team_rating double precision,
    add column team_rating_spread double precision,
    -- How many reviewers rated every answer.
    add column team_raters integer not null default 0;
create index interviews_team_rating_idx on interviews (company_id, team_rating desc nulls last, created_at desc, id desc);

-- Ratings change one row at a time, so the aggregate is recomputed for the rated
-- interview by whatever statement writes a rating, including deletes by cascade.
create function refresh_team_rating() returns trigger language plpgsql as $$
declare
    rated_answer uuid := case when tg_op = 'DELETE' then old.answer_id else new.answer_id end;
    target uuid;
begin
    select a.interview_id into target from answers a where a.id = rated_answer;
    if target is null then
        return null;
    end if;
    update interviews i
    set team_rating = s.mean, team_rating_spread = s.spread, team_raters = s.raters
    from (
        select avg(m.mean) as mean, max(m.mean) - min(m.mean) as spread, count(*)::int as raters
        from (
            select avg(r.rating)::double precision as mean
            from answer_reviews r join answers a on a.id = r.answer_id
            where a.interview_id = target
            group by r.user_id
            having count(*) = (select count(*) from answers where interview_id = target)
        ) m
    ) s
    where i.id = target;
    return null;
end;
$$;
create trigger answer_reviews_team_rating after insert or update or delete on answer_reviews
    for each row execute function refresh_team_rating();
