-- The defaulter list over a national portfolio (bench/reports.ts, ~1 million installments).
-- As of a past date it reads each loan's latest status event up to that moment: one index probe
-- per loan instead of sorting every event.
CREATE INDEX loan_events_status_at_idx ON loan_events (loan_id, occurred_at DESC, id DESC) WHERE to_status IS NOT NULL;
-- What was paid towards a loan, by loan (the primary key starts with the payment).
CREATE INDEX payment_allocations_loan_idx ON payment_allocations (loan_id, installment_seq);
-- Now it starts from the few loans that are defaulted or blacklisted.
CREATE INDEX loans_defaulters_idx ON loans (office_id) WHERE status IN ('defaulted', 'blacklisted');
