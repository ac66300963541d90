-- Links that can be replaced: when a candidate's address is corrected, or a recruiter
-- issues a new link (one forwarded or leaked), the interview gets a new nonce. The old
-- nonces are kept only so that an old link can say it was replaced (and nothing else);
-- like the current nonce, they are not links: a link needs SECRET_KEY too.
create table retired_interview_links (
    interview_id uuid not null,
    company_id uuid not null references companies (id) on delete cascade,
    link_nonce bytea not null,
    retired_at timestamptz not null default now(),
    primary key (interview_id, link_nonce),
    foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade
);

alter type interview_event_kind add value 'link_replaced';
