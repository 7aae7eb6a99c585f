-- One writer per loan's audit chain at a time, by locking the loan's row instead of taking an
-- advisory lock. An advisory lock is one entry in PostgreSQL's shared lock table for the rest of the
-- transaction, so an import of 100 000 loans (one transaction, one chain each) ran out of it: "out of
-- shared memory". A row lock is kept in the row itself, however many rows a transaction locks.
-- NO KEY UPDATE: it serialises the chain's writers without blocking the foreign-key checks of rows
-- that only reference the loan.
CREATE OR REPLACE FUNCTION loan_events_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head text;
BEGIN
  PERFORM 1 FROM loans WHERE id = NEW.loan_id FOR NO KEY UPDATE;
  SELECT e.hash INTO head FROM loan_events e
  WHERE e.loan_id = NEW.loan_id AND NOT EXISTS (SELECT 1 FROM loan_events f WHERE f.loan_id = e.loan_id AND f.prev_hash = e.hash)
  LIMIT 1;
  NEW.prev_hash := coalesce(head, '');
  NEW.hash := loan_event_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END $$;
