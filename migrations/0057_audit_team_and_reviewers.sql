-- The audit log also records the blind-review setting, the team's invitations and
-- members, and reviewer assignments.
alter type audit_action add value 'blind_review_turned_on';
alter type audit_action add value 'blind_review_turned_off';
alter type audit_action add value 'member_invited';
alter type audit_action add value 'member_invitation_resent';
alter type audit_action add value 'member_invitation_revoked';
alter type audit_action add value 'member_joined';
alter type audit_action add value 'member_deactivated';
alter type audit_action add value 'member_reactivated';
alter type audit_action add value 'reviewer_assigned';
alter type audit_action add value 'reviewer_unassigned';

-- The team invitation an action was done to: an id only, never its address; a plain id
-- because a revoked invitation's row is deleted.
alter table audit_events add column invitation_id uuid;
