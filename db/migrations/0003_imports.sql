-- Bulk imports of borrowers and loans from an office's CSV/XLSX ledger. One row per uploaded file;
-- the same file uploaded again to the same office finds its job instead of importing twice.

CREATE TABLE imports (
  id                 uuid PRIMARY KEY,
  office_id          text NOT NULL REFERENCES offices(id),
  uploaded_by        uuid NOT NULL REFERENCES users(id),
  filename           text NOT NULL,
  file_sha256        text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  status             text NOT NULL CHECK (status IN ('validating', 'invalid', 'applying', 'starting', 'done', 'failed')),
  rows_total         integer NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
  rows_validated     integer NOT NULL DEFAULT 0 CHECK (rows_validated >= 0),
  rows_applied       integer NOT NULL DEFAULT 0 CHECK (rows_applied >= 0),
  workflows_started  integer NOT NULL DEFAULT 0 CHECK (workflows_started >= 0),
  -- Every bad row: [{ row, column, value, reason }], in row order.
  errors             jsonb NOT NULL DEFAULT '[]',
  -- A whole-file problem (no header, wrong file type) or why the job failed.
  message            text,
  -- Written every few seconds by the process running the job; a running job whose heartbeat stops
  -- was interrupted (the API restarted) and is marked failed.
  heartbeat_at       timestamptz NOT NULL DEFAULT now(),
  created_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  UNIQUE (office_id, file_sha256),
  CHECK ((finished_at IS NULL) = (status IN ('validating', 'applying', 'starting')))
);
CREATE INDEX imports_running_idx ON imports (heartbeat_at) WHERE status IN ('validating', 'applying', 'starting');

-- The office's own ledger number, unique per office so a re-import never creates a loan twice, and
-- the import a loan came from (its workflows are started, or restarted, per import).
ALTER TABLE loans
  ADD COLUMN ledger_ref text CHECK (ledger_ref IS NULL OR length(ledger_ref) BETWEEN 1 AND 80),
  ADD COLUMN import_id  uuid REFERENCES imports(id);
CREATE UNIQUE INDEX loans_office_ledger_ref_key ON loans (office_id, ledger_ref) WHERE ledger_ref IS NOT NULL;
CREATE INDEX loans_import_idx ON loans (import_id) WHERE import_id IS NOT NULL;
