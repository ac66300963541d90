-- An unscored practice question a template may offer before the real ones. It is only
-- text: the candidate's practice recordings stay in their browser.
alter table interview_templates add column practice_prompt text check (char_length(practice_prompt) <= 1000);
alter table template_versions add column practice_prompt text check (char_length(practice_prompt) <= 1000);
