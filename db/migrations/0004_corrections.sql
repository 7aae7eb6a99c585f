-- Correction requests and every decision on them. The inbox is a query on awaiting_role and
-- awaiting_office_id, kept current by the request's workflow, so nobody scans Temporal for it.

CREATE TABLE correction_requests (
  id                 uuid PRIMARY KEY,
  record_kind        text NOT NULL CHECK (record_kind IN ('borrower', 'loan')),
  record_id          uuid NOT NULL,
  office_id          text NOT NULL REFERENCES offices(id),
  changes            jsonb NOT NULL,
  reason             text NOT NULL CHECK (length(trim(reason)) >= 5),
  requested_by       uuid NOT NULL REFERENCES users(id),
  status             text NOT NULL CHECK (status IN ('pending', 'returned', 'approved', 'applied', 'rejected', 'conflict', 'withdrawn')),
  step               integer NOT NULL DEFAULT 0,
  -- Filled in by the request's workflow from the rules (the chain and the rule that chose it).
  chain              jsonb NOT NULL DEFAULT '[]',
  rule_name          text,
  rule_version       text,
  awaiting_role      text,
  awaiting_office_id text REFERENCES offices(id),
  step_deadline      timestamptz,
  outcome            text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  closed_at          timestamptz
);
CREATE INDEX correction_inbox_idx ON correction_requests (awaiting_office_id, awaiting_role) WHERE status = 'pending';
CREATE INDEX correction_requester_idx ON correction_requests (requested_by, created_at);
CREATE INDEX correction_record_idx ON correction_requests (record_kind, record_id);

CREATE TABLE correction_events (
  id          bigserial PRIMARY KEY,
  request_id  uuid NOT NULL REFERENCES correction_requests(id),
  event_key   text NOT NULL,
  step        integer NOT NULL,
  actor       text NOT NULL,
  decision    text NOT NULL,
  comment     text NOT NULL DEFAULT '',
  detail      jsonb,
  at          timestamptz NOT NULL,
  UNIQUE (request_id, event_key)
);

-- The audit trail of applied corrections: before and after, and who approved.
CREATE TABLE record_changes (
  id            bigserial PRIMARY KEY,
  request_id    uuid NOT NULL UNIQUE REFERENCES correction_requests(id),
  record_kind   text NOT NULL,
  record_id     uuid NOT NULL,
  changes       jsonb NOT NULL,
  approvers     jsonb NOT NULL,
  applied_at    timestamptz NOT NULL DEFAULT now()
);
