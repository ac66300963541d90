//! SQL for members, roles and invitations, every statement scoped by company.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::INVITATION_DAYS;
use crate::ids::{CompanyId, InvitationId, UserId};
use crate::{
    audit,
    auth::roles::Role,
    mail::account::{self, AccountEmailKind},
};

pub struct Member {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: OffsetDateTime,
    pub deactivated_at: Option<OffsetDateTime>,
}

/// Active members first, then deactivated ones.
pub async fn members(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        r#"select id, name, email::text as "email!", role as "role: _", created_at, deactivated_at
           from users where company_id = $1 order by deactivated_at is not null, created_at"#,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub last_sent_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub async fn pending(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<Invitation>> {
    sqlx::query_as!(
        Invitation,
        r#"select id, email::text as "email!", role as "role: _", last_sent_at, expires_at
           from team_invitations where company_id = $1 and accepted_at is null order by created_at desc"#,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

/// Queues what the address gets: an invitation, or a note when it already has an
/// account (here or in another company: an address belongs to one company).
async fn queue_email(conn: &mut PgConnection, invitation_id: InvitationId, email: &str) -> sqlx::Result<()> {
    let has_account =
        sqlx::query_scalar!(r#"select exists(select 1 from users where email = $1::text::citext) as "x!""#, email)
            .fetch_one(&mut *conn)
            .await?;
    let kind = if has_account { AccountEmailKind::TeamNote } else { AccountEmailKind::TeamInvitation };
    account::enqueue_team(conn, kind, invitation_id, email).await?;
    Ok(())
}

/// Invites `email` with `role`; inviting an address with a pending invitation sends that
/// one again with the new role and a new link.
pub async fn invite(pool: &PgPool, company_id: CompanyId, by: UserId, email: &str, role: Role) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into team_invitations (id, company_id, email, role, link_nonce, invited_by, expires_at)
         values ($1, $2, $3::text::citext, $4, $5, $6, now() + make_interval(days => $7))
         on conflict (company_id, email) where accepted_at is null do update
           set role = excluded.role, link_nonce = excluded.link_nonce, invited_by = excluded.invited_by,
               expires_at = excluded.expires_at, last_sent_at = now()
         returning id as \"id: InvitationId\"",
        InvitationId::generate() as InvitationId,
        company_id as CompanyId,
        email,
        role as Role,
        rules::link::new_nonce(),
        by as UserId,
        INVITATION_DAYS,
    )
    .fetch_one(&mut *tx)
    .await?;
    queue_email(&mut tx, id, email).await?;
    audit::record(
        &mut tx,
        company_id,
        audit::Actor::Member(by),
        audit::Action::MemberInvited,
        audit::Subject::invitation(id),
    )
    .await?;
    tx.commit().await
}

/// A new link (the old one stops working) and 7 more days; `None` if not pending here.
pub async fn resend(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    id: InvitationId,
) -> sqlx::Result<Option<String>> {
    let mut tx = pool.begin().await?;
    let email = sqlx::query_scalar!(
        r#"update team_invitations
           set link_nonce = $3, expires_at = now() + make_interval(days => $4), last_sent_at = now()
           where id = $1 and company_id = $2 and accepted_at is null
           returning email::text as "email!""#,
        id as InvitationId,
        company_id as CompanyId,
        rules::link::new_nonce(),
        INVITATION_DAYS,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(email) = &email {
        queue_email(&mut tx, id, email).await?;
        let resent = audit::Action::MemberInvitationResent;
        audit::record(&mut tx, company_id, audit::Actor::Member(by), resent, audit::Subject::invitation(id)).await?;
    }
    tx.commit().await?;
    Ok(email)
}

/// Withdraws a pending invitation (with any of its emails not yet sent).
pub async fn revoke(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    id: InvitationId,
) -> sqlx::Result<Option<String>> {
    let mut tx = pool.begin().await?;
    let email = sqlx::query_scalar!(
        r#"delete from team_invitations where id = $1 and company_id = $2 and accepted_at is null
           returning email::text as "email!""#,
        id as InvitationId,
        company_id as CompanyId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if email.is_some() {
        let revoked = audit::Action::MemberInvitationRevoked;
        audit::record(&mut tx, company_id, audit::Actor::Member(by), revoked, audit::Subject::invitation(id)).await?;
    }
    tx.commit().await?;
    Ok(email)
}

pub enum MemberChange {
    Done(String),
    NotFound,
    /// The company would be left without an active admin.
    LastAdmin,
}

/// Locks the company's members so that two admins demoting each other at once cannot
/// both succeed; then whether `member_id` is this company's and the only active admin.
async fn lock_member(
    conn: &mut PgConnection,
    company_id: CompanyId,
    member_id: UserId,
) -> sqlx::Result<Option<(String, bool)>> {
    sqlx::query!("select id from companies where id = $1 for update", company_id as CompanyId)
        .fetch_one(&mut *conn)
        .await?;
    let row = sqlx::query!(
        r#"select u.name,
                  u.role = 'admin' and u.deactivated_at is null
                  and not exists (select 1 from users o where o.company_id = $1 and o.id <> u.id
                                  and o.role = 'admin' and o.deactivated_at is null) as "last_admin!"
           from users u where u.id = $2 and u.company_id = $1"#,
        company_id as CompanyId,
        member_id as UserId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.name, r.last_admin)))
}

pub async fn set_role(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    member_id: UserId,
    role: Role,
) -> sqlx::Result<MemberChange> {
    let mut tx = pool.begin().await?;
    let Some((name, last_admin)) = lock_member(&mut tx, company_id, member_id).await? else {
        return Ok(MemberChange::NotFound);
    };
    if last_admin && role != Role::Admin {
        return Ok(MemberChange::LastAdmin);
    }
    sqlx::query!(
        "update users set role = $3 where id = $1 and company_id = $2",
        member_id as UserId,
        company_id as CompanyId,
        role as Role
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        company_id,
        audit::Actor::Member(by),
        audit::Action::RoleChanged,
        audit::Subject::member(member_id),
    )
    .await?;
    tx.commit().await?;
    Ok(MemberChange::Done(name))
}

/// Deactivates a member and ends their sessions in the same transaction.
pub async fn deactivate(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    member_id: UserId,
) -> sqlx::Result<MemberChange> {
    let mut tx = pool.begin().await?;
    let Some((name, last_admin)) = lock_member(&mut tx, company_id, member_id).await? else {
        return Ok(MemberChange::NotFound);
    };
    if last_admin {
        return Ok(MemberChange::LastAdmin);
    }
    sqlx::query!(
        "update users set deactivated_at = coalesce(deactivated_at, now()) where id = $1 and company_id = $2",
        member_id as UserId,
        company_id as CompanyId,
    )
    .execute(&mut *tx)
    .await?;
    crate::auth::session::delete_all(&mut tx, member_id).await?;
    let deactivated = audit::Action::MemberDeactivated;
    audit::record(&mut tx, company_id, audit::Actor::Member(by), deactivated, audit::Subject::member(member_id))
        .await?;
    tx.commit().await?;
    Ok(MemberChange::Done(name))
}

/// Lets a deactivated member sign in again, with their role and password as they were.
pub async fn reactivate(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    member_id: UserId,
) -> sqlx::Result<MemberChange> {
    let mut tx = pool.begin().await?;
    let name = sqlx::query_scalar!(
        "update users set deactivated_at = null where id = $1 and company_id = $2 returning name",
        member_id as UserId,
        company_id as CompanyId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if name.is_some() {
        let reactivated = audit::Action::MemberReactivated;
        audit::record(&mut tx, company_id, audit::Actor::Member(by), reactivated, audit::Subject::member(member_id))
            .await?;
    }
    tx.commit().await?;
    Ok(name.map_or(MemberChange::NotFound, MemberChange::Done))
}

/// What the invitee's link opens.
pub struct OpenInvitation {
    pub id: InvitationId,
    pub company_id: CompanyId,
    pub company_name: String,
    pub email: String,
    pub role: Role,
    pub link_nonce: Vec<u8>,
}

/// A pending, unexpired invitation by id; its link is checked by the caller.
pub async fn open(pool: &PgPool, id: InvitationId) -> sqlx::Result<Option<OpenInvitation>> {
    sqlx::query_as!(
        OpenInvitation,
        r#"select i.id, i.company_id as "company_id: CompanyId", c.name as company_name, i.email::text as "email!",
                  i.role as "role: _",
                  i.link_nonce
           from team_invitations i join companies c on c.id = i.company_id
           where i.id = $1 and i.accepted_at is null and i.expires_at > now()"#,
        id as InvitationId,
    )
    .fetch_optional(pool)
    .await
}

pub enum JoinError {
    /// Accepted, revoked, expired or resent since the page was opened.
    Gone,
    EmailTaken,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for JoinError {
    fn from(err: sqlx::Error) -> Self {
        match err.as_database_error() {
            Some(db) if db.is_unique_violation() => Self::EmailTaken,
            _ => Self::Database(err),
        }
    }
}

/// Creates the member and uses up the invitation, if it is still the one whose link
/// (`nonce`) was followed.
pub async fn join(
    pool: &PgPool,
    invitation: &OpenInvitation,
    name: &str,
    password_hash: &str,
) -> Result<UserId, JoinError> {
    let mut tx = pool.begin().await?;
    let used = sqlx::query!(
        "update team_invitations set accepted_at = now()
         where id = $1 and link_nonce = $2 and accepted_at is null and expires_at > now()",
        invitation.id as InvitationId,
        invitation.link_nonce,
    )
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(JoinError::Gone);
    }
    let user_id = UserId::generate();
    sqlx::query!(
        // The emailed link reached the address: it is confirmed.
        "insert into users (id, company_id, name, email, password_hash, role, email_verified_at)
         values ($1, $2, $3, $4::text::citext, $5, $6, now())",
        user_id as UserId,
        invitation.company_id as CompanyId,
        name,
        invitation.email,
        password_hash,
        invitation.role as Role,
    )
    .execute(&mut *tx)
    .await?;
    // The new member is who acted: they accepted the invitation.
    audit::record(
        &mut tx,
        invitation.company_id,
        audit::Actor::Member(user_id),
        audit::Action::MemberJoined,
        audit::Subject { invitation_id: Some(invitation.id), ..audit::Subject::member(user_id) },
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}
