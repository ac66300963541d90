-- A CSV file of candidates, previewed before anything is written: each row with the
-- outcome it will have. Import checks every row again and writes them in one transaction.
create type import_outcome as enum ('add', 'existing', 'invalid_email', 'invalid_details', 'duplicate', 'unknown_job');

create table candidate_imports (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    file_name text not null,
    created_by uuid,
    created_at timestamptz not null default now(),
    imported_at timestamptz,
    unique (company_id, id),
    foreign key (company_id, created_by) references users (company_id, id) on delete set null (created_by)
);
create index candidate_imports_company_idx on candidate_imports (company_id, created_at desc);

create table candidate_import_rows (
    company_id uuid not null,
    import_id uuid not null,
    -- The row's line in the file, counting the header as line 1.
    line integer not null,
    name text not null,
    email text not null,
    phone text,
    job_title text,
    outcome import_outcome not null,
    -- Why an invalid row is refused, in words.
    problem text,
    primary key (import_id, line),
    foreign key (company_id, import_id) references candidate_imports (company_id, id) on delete cascade
);
