-- The loan engine's tables. Money is bigint poisha; every constraint the code relies on is here too.

CREATE TABLE offices (
  id          text PRIMARY KEY,
  parent_id   text REFERENCES offices(id),
  level       text NOT NULL CHECK (level IN ('hq', 'division', 'district', 'upazila')),
  name_bn     text NOT NULL,
  name_en     text NOT NULL,
  bkash_msisdn text CHECK (bkash_msisdn ~ '^01[3-9][0-9]{8}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'hq') = (parent_id IS NULL))
);
CREATE INDEX offices_parent_idx ON offices (parent_id);

CREATE TABLE societies (
  id            text PRIMARY KEY,
  office_id     text NOT NULL REFERENCES offices(id),
  name_bn       text NOT NULL,
  name_en       text NOT NULL,
  project_name  text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX societies_office_idx ON societies (office_id);

CREATE TABLE borrowers (
  id                      uuid PRIMARY KEY,
  society_id              text NOT NULL REFERENCES societies(id),
  name                    text NOT NULL CHECK (length(trim(name)) > 0),
  father_or_husband_name  text NOT NULL CHECK (length(trim(father_or_husband_name)) > 0),
  mobile                  text CHECK (mobile ~ '^01[3-9][0-9]{8}$'),
  nid                     text CHECK (nid ~ '^([0-9]{10}|[0-9]{13}|[0-9]{17})$'),
  barrack_no              text,
  room_no                 text,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX borrowers_nid_key ON borrowers (nid) WHERE nid IS NOT NULL;
CREATE INDEX borrowers_society_idx ON borrowers (society_id);
CREATE INDEX borrowers_mobile_idx ON borrowers (mobile);

CREATE TABLE loans (
  id                     uuid PRIMARY KEY,
  code                   text NOT NULL UNIQUE,
  borrower_id            uuid NOT NULL REFERENCES borrowers(id),
  society_id             text NOT NULL REFERENCES societies(id),
  office_id              text NOT NULL REFERENCES offices(id),
  district_id            text NOT NULL REFERENCES offices(id),
  product_code           text NOT NULL,
  principal_poisha       bigint NOT NULL CHECK (principal_poisha > 0),
  service_charge_poisha  bigint CHECK (service_charge_poisha >= 0),
  total_owed_poisha      bigint CHECK (total_owed_poisha >= principal_poisha),
  paid_poisha            bigint NOT NULL DEFAULT 0 CHECK (paid_poisha >= 0),
  credit_poisha          bigint NOT NULL DEFAULT 0 CHECK (credit_poisha >= 0),
  status                 text NOT NULL CHECK (status IN ('disbursing', 'active', 'in_grace', 'overdue', 'defaulted',
                           'blacklisted', 'closed', 'settled', 'written_off', 'cancelled')),
  disbursed_at           timestamptz NOT NULL,
  disbursed_by           text NOT NULL,
  workflow_id            text NOT NULL UNIQUE,
  policy                 jsonb,
  rule_set_version       text,
  state_version          integer NOT NULL DEFAULT 0,
  status_changed_at      timestamptz NOT NULL DEFAULT now(),
  closed_reason          text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (total_owed_poisha IS NULL OR paid_poisha <= total_owed_poisha)
);
CREATE INDEX loans_office_status_idx ON loans (office_id, status);
CREATE INDEX loans_district_status_idx ON loans (district_id, status);
CREATE INDEX loans_borrower_idx ON loans (borrower_id);
CREATE INDEX loans_society_idx ON loans (society_id);

CREATE TABLE installments (
  loan_id        uuid NOT NULL REFERENCES loans(id),
  seq            integer NOT NULL CHECK (seq > 0),
  due_date       date NOT NULL,
  due_at         timestamptz NOT NULL,
  amount_poisha  bigint NOT NULL CHECK (amount_poisha > 0),
  paid_poisha    bigint NOT NULL DEFAULT 0,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_grace', 'overdue', 'paid')),
  paid_at        timestamptz,
  late_by_ms     bigint CHECK (late_by_ms >= 0),
  PRIMARY KEY (loan_id, seq),
  CHECK (paid_poisha >= 0 AND paid_poisha <= amount_poisha),
  CHECK ((status = 'paid') = (paid_poisha = amount_poisha))
);
CREATE INDEX installments_due_idx ON installments (due_date) WHERE status <> 'paid';

CREATE TABLE payments (
  id              uuid PRIMARY KEY,
  trx_id          text NOT NULL UNIQUE,
  provider        text NOT NULL CHECK (provider IN ('bkash', 'cash', 'bank')),
  loan_id         uuid REFERENCES loans(id),
  amount_poisha   bigint NOT NULL CHECK (amount_poisha > 0),
  paid_at         timestamptz NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  payer_msisdn    text,
  reference       text,
  status          text NOT NULL CHECK (status IN ('received', 'applied', 'held', 'refunded')),
  late            boolean,
  excess_poisha   bigint NOT NULL DEFAULT 0 CHECK (excess_poisha >= 0),
  recorded_by     text NOT NULL,
  decided_by      text,
  decided_at      timestamptz
);
CREATE INDEX payments_loan_idx ON payments (loan_id, paid_at);

CREATE TABLE payment_allocations (
  payment_id      uuid NOT NULL REFERENCES payments(id),
  loan_id         uuid NOT NULL,
  installment_seq integer NOT NULL,
  amount_poisha   bigint NOT NULL CHECK (amount_poisha > 0),
  PRIMARY KEY (payment_id, installment_seq),
  FOREIGN KEY (loan_id, installment_seq) REFERENCES installments (loan_id, seq)
);

-- The audit trail: every status change, money movement and message, with who or what caused it.
CREATE TABLE loan_events (
  id            bigserial PRIMARY KEY,
  loan_id       uuid NOT NULL REFERENCES loans(id),
  event_key     text NOT NULL,
  kind          text NOT NULL,
  from_status   text,
  to_status     text,
  actor         text NOT NULL,
  rule_kind     text,
  rule_name     text,
  rule_version  text,
  rule_set_version text,
  facts         jsonb,
  detail        jsonb,
  occurred_at   timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (loan_id, event_key),
  CHECK ((rule_name IS NULL) = (rule_version IS NULL))
);
CREATE INDEX loan_events_loan_idx ON loan_events (loan_id, id);

CREATE TABLE blacklist (
  id               bigserial PRIMARY KEY,
  borrower_id      uuid NOT NULL REFERENCES borrowers(id),
  loan_id          uuid NOT NULL REFERENCES loans(id),
  listed_at        timestamptz NOT NULL,
  rule_name        text NOT NULL,
  rule_version     text NOT NULL,
  facts            jsonb NOT NULL,
  settled_at       timestamptz,
  settled_by       text
);
-- At most one open listing per loan; settled listings stay as history.
CREATE UNIQUE INDEX blacklist_open_loan_key ON blacklist (loan_id) WHERE settled_at IS NULL;
CREATE INDEX blacklist_borrower_idx ON blacklist (borrower_id) WHERE settled_at IS NULL;

-- Messages to be sent. One row per message; the idempotency key makes a reminder impossible to
-- queue twice. The sending channel (SMS, WhatsApp) claims rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
  id                  bigserial PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,
  channel             text NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'in_app')),
  recipient           text,
  borrower_id         uuid REFERENCES borrowers(id),
  loan_id             uuid REFERENCES loans(id),
  template            text NOT NULL,
  params              jsonb NOT NULL,
  body                text NOT NULL,
  status              text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'skipped')),
  attempts            integer NOT NULL DEFAULT 0,
  not_before          timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz,
  provider            text,
  provider_message_id text,
  last_error          text
);
CREATE INDEX outbox_pending_idx ON outbox (not_before) WHERE status = 'pending';

-- Every policy file version that decided something, kept so a decision can be read back exactly.
CREATE TABLE rule_versions (
  version       text NOT NULL,
  kind          text NOT NULL,
  label         text NOT NULL,
  content       jsonb NOT NULL,
  first_used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, version)
);
