-- Payments arriving from outside (bKash webhooks, checkout) are stored first, then delivered to the
-- loan's workflow. These columns say how each was matched to a loan and whether it has been delivered.

ALTER TABLE payments
  ADD COLUMN office_id      text REFERENCES offices(id),
  ADD COLUMN matched_by     text CHECK (matched_by IN ('reference', 'msisdn', 'officer', 'direct')),
  ADD COLUMN assigned_by    text,
  ADD COLUMN assigned_at    timestamptz,
  ADD COLUMN delivered_at   timestamptz,
  ADD COLUMN delivery_error text,
  ADD COLUMN raw            jsonb;

-- What the delivery sweeper looks at: matched, not yet in the loan's ledger.
CREATE INDEX payments_undelivered_idx ON payments (received_at) WHERE status = 'received' AND loan_id IS NOT NULL;
-- The unmatched queue an officer works through.
CREATE INDEX payments_unmatched_idx ON payments (office_id, received_at) WHERE status = 'received' AND loan_id IS NULL;
