-- Who activated which version of a rule file, replacing which, and why.
CREATE TABLE rule_changes (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL,
  old_version text NOT NULL,
  new_version text NOT NULL,
  reason      text NOT NULL CHECK (length(trim(reason)) >= 5),
  changed_by  uuid NOT NULL REFERENCES users(id),
  changed_at  timestamptz NOT NULL DEFAULT now(),
  what_if     jsonb
);
