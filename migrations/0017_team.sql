-- Roles, deactivation, invitations to join a company, and what a user sees of their
-- own sessions.

-- Ordered from the least to the most allowed: a role includes what the ones before it may do.
create type user_role as enum ('reviewer', 'recruiter', 'admin');

-- Everyone who could sign in before roles existed could do everything: they stay admins.
alter table users
    add column role user_role not null default 'admin',
    -- A deactivated user keeps their row, so their past actions keep their name.
    add column deactivated_at timestamptz;
alter table users alter column role drop default;

-- The device and address a session was last seen from, shown to its user.
alter table sessions
    add column user_agent text,
    add column ip_address text;

-- A pending invitation to join a company. The link is rebuilt from the nonce under
-- SECRET_KEY and never stored; a resend replaces the nonce, so the old link stops working.
create table team_invitations (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    email citext not null,
    role user_role not null,
    link_nonce bytea not null,
    invited_by uuid,
    expires_at timestamptz not null,
    accepted_at timestamptz,
    created_at timestamptz not null default now(),
    last_sent_at timestamptz not null default now()
);
alter table team_invitations
    add foreign key (company_id, invited_by) references users (company_id, id) on delete set null (invited_by);
create index team_invitations_company_idx on team_invitations (company_id, created_at desc);
-- One pending invitation per address and company: inviting again resends it.
create unique index team_invitations_pending_idx on team_invitations (company_id, email) where accepted_at is null;

-- Emails about joining a team are account emails: tied to their invitation (the invitee
-- has no account yet), and so never on a company's candidate Outbox.
alter type account_email_kind add value 'team_invitation';
-- Sent instead of an invitation to an address that already has an account.
alter type account_email_kind add value 'team_note';
alter table account_emails
    alter column user_id drop not null,
    add column team_invitation_id uuid references team_invitations (id) on delete cascade,
    add constraint account_emails_for_someone check ((user_id is null) <> (team_invitation_id is null));
create index account_emails_team_invitation_idx on account_emails (team_invitation_id)
    where team_invitation_id is not null;
