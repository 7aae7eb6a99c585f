-- People who log in, their sessions, and the record of login attempts used for rate limiting.

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
  mobile        text UNIQUE CHECK (mobile ~ '^01[3-9][0-9]{8}$'),
  name          text NOT NULL CHECK (length(trim(name)) > 0),
  role          text NOT NULL CHECK (role IN ('hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer',
                  'collector', 'auditor', 'society_rep')),
  office_id     text NOT NULL REFERENCES offices(id),
  society_id    text REFERENCES societies(id),
  password_hash text NOT NULL,
  language      text NOT NULL DEFAULT 'bn' CHECK (language IN ('bn', 'en')),
  active        boolean NOT NULL DEFAULT true,
  must_change_password boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  CHECK ((role = 'society_rep') = (society_id IS NOT NULL))
);
CREATE INDEX users_office_idx ON users (office_id);

-- Sessions: the cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  address       text,
  user_agent    text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_attempts (
  id          bigserial PRIMARY KEY,
  login       text NOT NULL,
  address     text NOT NULL,
  succeeded   boolean NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_login_idx ON login_attempts (login, at);
CREATE INDEX login_attempts_address_idx ON login_attempts (address, at);

-- Who did what to whom among accounts (created, password reset, deactivated, password changed).
CREATE TABLE user_events (
  id         bigserial PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users(id),
  kind       text NOT NULL,
  actor      text NOT NULL,
  detail     jsonb,
  at         timestamptz NOT NULL DEFAULT now()
);

-- The offices at and below `root`: the one definition of "my part of the country".
CREATE FUNCTION office_subtree(root text) RETURNS TABLE (id text) LANGUAGE sql STABLE AS $$
  WITH RECURSIVE t(id) AS (
    SELECT o.id FROM offices o WHERE o.id = root
    UNION ALL
    SELECT o.id FROM offices o JOIN t ON o.parent_id = t.id
  )
  SELECT id FROM t
$$;
