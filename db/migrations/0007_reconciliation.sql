-- Statements uploaded for reconciliation: the bKash merchant statement and the bank statement of
-- each upazila's account, line by line, compared with the payments Asrayon recorded.

CREATE TABLE statement_imports (
  id           uuid PRIMARY KEY,
  office_id    text NOT NULL REFERENCES offices(id),
  kind         text NOT NULL CHECK (kind IN ('bkash', 'bank')),
  filename     text NOT NULL,
  file_sha256  text NOT NULL,
  uploaded_by  text NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now(),
  line_count   integer NOT NULL,
  skipped      jsonb NOT NULL DEFAULT '[]',
  UNIQUE (office_id, kind, file_sha256)
);

CREATE TABLE statement_lines (
  import_id     uuid NOT NULL REFERENCES statement_imports(id),
  line          integer NOT NULL,
  office_id     text NOT NULL REFERENCES offices(id),
  kind          text NOT NULL CHECK (kind IN ('bkash', 'bank')),
  -- bKash: the transaction id; bank: the bank's own reference, when it gives one.
  trx_id        text,
  at            timestamptz NOT NULL,
  amount_poisha bigint NOT NULL CHECK (amount_poisha > 0),
  payer         text,
  reference     text,
  description   text,
  PRIMARY KEY (import_id, line)
);
-- Overlapping statements list a bKash transaction more than once; it counts once.
CREATE UNIQUE INDEX statement_lines_bkash_trx_key ON statement_lines (office_id, trx_id) WHERE kind = 'bkash';
CREATE INDEX statement_lines_day_idx ON statement_lines (office_id, kind, at);
