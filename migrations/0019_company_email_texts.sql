-- The invitation and reminder emails as a company writes them: plain text with merge
-- fields, rendered at delivery. No row: the built-in text.
create type email_text_kind as enum ('invitation', 'reminder');

create table company_email_texts (
    company_id uuid not null references companies (id) on delete cascade,
    kind email_text_kind not null,
    subject text not null,
    body text not null,
    updated_at timestamptz not null default now(),
    primary key (company_id, kind)
);
