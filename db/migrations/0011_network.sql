-- The cooperative communication network (issue 6): society leaders and register dates, one group
-- per district and per upazila kept in step with the office tree and the register, notices with
-- their delivery per member and channel, manual WhatsApp-group posts, enrolment targets, and the
-- quarterly active/inactive lists.

-- What the register says about a society, for the quarterly active/inactive list.
ALTER TABLE societies
  ADD COLUMN last_agm_on       date,
  ADD COLUMN last_audit_on     date,
  ADD COLUMN election_due_on   date,
  ADD COLUMN active_changed_at timestamptz;

-- Presidents and secretaries, elected for a term; the current one has no end date.
CREATE TABLE society_leaders (
  id                  uuid PRIMARY KEY,
  society_id          text NOT NULL REFERENCES societies(id),
  position            text NOT NULL CHECK (position IN ('president', 'secretary')),
  name                text NOT NULL CHECK (length(trim(name)) > 0),
  mobile              text NOT NULL CHECK (mobile ~ '^01[3-9][0-9]{8}$'),
  user_id             uuid REFERENCES users(id),
  elected_on          date NOT NULL,
  ended_on            date,
  preferred_channel   text NOT NULL DEFAULT 'sms' CHECK (preferred_channel IN ('whatsapp', 'sms', 'app')),
  whatsapp_consent_at timestamptz,
  consent_recorded_by text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_on IS NULL OR ended_on >= elected_on),
  CHECK ((whatsapp_consent_at IS NULL) = (consent_recorded_by IS NULL))
);
CREATE UNIQUE INDEX society_leaders_current_key ON society_leaders (society_id, position) WHERE ended_on IS NULL;

-- Officers' channel and consent, like leaders'.
ALTER TABLE users
  ADD COLUMN preferred_channel   text NOT NULL DEFAULT 'app' CHECK (preferred_channel IN ('whatsapp', 'sms', 'app')),
  ADD COLUMN whatsapp_consent_at timestamptz;

CREATE TABLE comm_groups (
  id         text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('district', 'upazila')),
  office_id  text NOT NULL UNIQUE REFERENCES offices(id),
  name_bn    text NOT NULL,
  name_en    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Membership with its history: leaving sets left_at; a returning member gets a new row.
CREATE TABLE group_members (
  id          bigserial PRIMARY KEY,
  group_id    text NOT NULL REFERENCES comm_groups(id),
  member_kind text NOT NULL CHECK (member_kind IN ('officer', 'leader')),
  user_id     uuid REFERENCES users(id),
  leader_id   uuid REFERENCES society_leaders(id),
  role        text NOT NULL CHECK (role IN ('admin', 'member', 'monitor')),
  joined_at   timestamptz NOT NULL DEFAULT now(),
  left_at     timestamptz,
  left_reason text,
  CHECK ((member_kind = 'officer') = (user_id IS NOT NULL)),
  CHECK ((member_kind = 'leader') = (leader_id IS NOT NULL))
);
CREATE UNIQUE INDEX group_members_current_officer_key ON group_members (group_id, user_id) WHERE left_at IS NULL AND user_id IS NOT NULL;
CREATE UNIQUE INDEX group_members_current_leader_key ON group_members (group_id, leader_id) WHERE left_at IS NULL AND leader_id IS NOT NULL;

CREATE TABLE notices (
  id               uuid PRIMARY KEY,
  office_id        text NOT NULL REFERENCES offices(id),
  category         text NOT NULL,
  title            text NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
  body             text NOT NULL CHECK (length(trim(body)) BETWEEN 1 AND 5000),
  event_on         date,
  deadline_on      date,
  posted_by        uuid NOT NULL REFERENCES users(id),
  posted_at        timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'delivering' CHECK (status IN ('delivering', 'done')),
  workflow_id      text NOT NULL UNIQUE,
  rule_set_version text NOT NULL,
  finished_at      timestamptz
);
CREATE INDEX notices_office_idx ON notices (office_id, posted_at DESC);

CREATE TABLE notice_groups (
  notice_id uuid NOT NULL REFERENCES notices(id),
  group_id  text NOT NULL REFERENCES comm_groups(id),
  PRIMARY KEY (notice_id, group_id)
);

CREATE TABLE notice_attachments (
  id           uuid PRIMARY KEY,
  notice_id    uuid NOT NULL REFERENCES notices(id),
  filename     text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes   integer NOT NULL CHECK (size_bytes > 0),
  sha256       text NOT NULL,
  bytes        bytea NOT NULL
);

-- One row per notice and person reached for (a person in two target groups is one row), with what
-- each channel did. reached_at: the first sign the person has it (read in the app, WhatsApp
-- delivered or read, SMS delivered).
CREATE TABLE notice_deliveries (
  notice_id        uuid NOT NULL REFERENCES notices(id),
  person_key       text NOT NULL,
  user_id          uuid REFERENCES users(id),
  leader_id        uuid REFERENCES society_leaders(id),
  society_id       text REFERENCES societies(id),
  group_id         text NOT NULL REFERENCES comm_groups(id),
  name             text NOT NULL,
  mobile           text,
  whatsapp_ok      boolean NOT NULL,
  app_read_at      timestamptz,
  wa_status        text CHECK (wa_status IN ('sending', 'sent', 'delivered', 'read', 'failed')),
  wa_message_id    text UNIQUE,
  wa_error         text,
  wa_updated_at    timestamptz,
  sms_outbox_id    bigint REFERENCES outbox(id),
  reminder_sent_at timestamptz,
  reached_at       timestamptz,
  reached_via      text CHECK (reached_via IN ('app', 'whatsapp', 'sms')),
  read_at          timestamptz,
  cost_poisha      bigint NOT NULL DEFAULT 0 CHECK (cost_poisha >= 0),
  PRIMARY KEY (notice_id, person_key)
);
CREATE INDEX notice_deliveries_user_idx ON notice_deliveries (user_id) WHERE user_id IS NOT NULL;

-- The existing manual WhatsApp groups: who pasted the ready text into which group, and when.
CREATE TABLE manual_group_posts (
  id        bigserial PRIMARY KEY,
  notice_id uuid NOT NULL REFERENCES notices(id),
  group_id  text NOT NULL REFERENCES comm_groups(id),
  posted_by uuid NOT NULL REFERENCES users(id),
  posted_at timestamptz NOT NULL DEFAULT now(),
  note      text
);

CREATE TABLE enrolment_targets (
  office_id  text NOT NULL REFERENCES offices(id),
  month      date NOT NULL CHECK (extract(day FROM month) = 1),
  target     integer NOT NULL CHECK (target >= 0),
  set_by     text NOT NULL,
  PRIMARY KEY (office_id, month)
);

CREATE TABLE society_status_reports (
  id               uuid PRIMARY KEY,
  office_id        text NOT NULL REFERENCES offices(id),
  quarter          text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
  generated_at     timestamptz NOT NULL DEFAULT now(),
  rule_set_version text NOT NULL,
  items            jsonb NOT NULL,
  notice_id        uuid REFERENCES notices(id),
  UNIQUE (office_id, quarter)
);
