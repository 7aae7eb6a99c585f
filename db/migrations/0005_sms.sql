-- The SMS channel: when a row was claimed and when a send to the provider began (so a worker that
-- died mid-send is noticed and the next attempt checks with the provider first), what it cost, and
-- on the borrower, a number the operator network refused for good.

ALTER TABLE outbox
  ADD COLUMN claimed_at       timestamptz,
  ADD COLUMN send_started_at  timestamptz,
  ADD COLUMN segments         integer CHECK (segments >= 0),
  ADD COLUMN cost_poisha      bigint CHECK (cost_poisha >= 0);

-- Rows a dead worker left in 'sending', found by age.
CREATE INDEX outbox_sending_idx ON outbox (claimed_at) WHERE status = 'sending';

ALTER TABLE borrowers
  ADD COLUMN mobile_failed_at      timestamptz,
  ADD COLUMN mobile_failure_reason text;

-- Set when an attempt ended without knowing whether the provider took the message (time-out, lost
-- connection, a worker that died mid-send); the next attempt asks the provider before resending.
ALTER TABLE outbox ADD COLUMN outcome_unknown_since timestamptz;
