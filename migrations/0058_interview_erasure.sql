-- A recruiter erases one interview of a candidate (the candidate and their other
-- interviews stay): logged, and told to webhook endpoints that subscribe to it.
alter type audit_action add value 'interview_erased';
alter type webhook_event add value 'interview_erased';
