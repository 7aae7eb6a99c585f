-- The collection report's money, per office, society and Dhaka day, kept by the same transactions
-- that write installments and allocations, so a national report reads a few thousand rows instead
-- of a million installments and half a million payments (api/routes/report-sources.ts).
--
-- Writers never update a shared row: each statement that changes installments or allocations
-- appends its net change per (office, society, day) to report_day_changes, so a payment never waits
-- for another payment or for a 100 000-row import in the same society. fold_report_day_changes()
-- moves the changes into report_day_figures (the worker does it every few seconds); a report reads
-- both, so it is exact whether or not the last changes have been folded.

CREATE TABLE report_day_figures (
  office_id        text NOT NULL,
  society_id       text NOT NULL,
  day              date NOT NULL,
  -- installments falling due that day (Dhaka date of due_at): their amounts and what is paid towards them now
  due_poisha       bigint NOT NULL DEFAULT 0,
  due_paid_poisha  bigint NOT NULL DEFAULT 0,
  -- allocations of payments made that day (Dhaka date of paid_at)
  collected_poisha bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (office_id, society_id, day)
);

CREATE TABLE report_day_changes (
  id               bigserial PRIMARY KEY,
  office_id        text NOT NULL,
  society_id       text NOT NULL,
  day              date NOT NULL,
  due_poisha       bigint NOT NULL,
  due_paid_poisha  bigint NOT NULL,
  collected_poisha bigint NOT NULL
);

-- One function per event: a trigger names transition tables for one event only.
CREATE FUNCTION report_installments_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_day_changes (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
  SELECT l.office_id, l.society_id, (n.due_at AT TIME ZONE 'Asia/Dhaka')::date, sum(n.amount_poisha), sum(n.paid_poisha), 0
  FROM new_rows n JOIN loans l ON l.id = n.loan_id
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE FUNCTION report_installments_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_day_changes (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
  SELECT l.office_id, l.society_id, c.day, sum(c.due), sum(c.paid), 0
  FROM (
    SELECT loan_id, (due_at AT TIME ZONE 'Asia/Dhaka')::date AS day, amount_poisha AS due, paid_poisha AS paid FROM new_rows
    UNION ALL
    SELECT loan_id, (due_at AT TIME ZONE 'Asia/Dhaka')::date, -amount_poisha, -paid_poisha FROM old_rows
  ) c JOIN loans l ON l.id = c.loan_id
  GROUP BY 1, 2, 3
  HAVING sum(c.due) <> 0 OR sum(c.paid) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION report_installments_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_day_changes (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
  SELECT l.office_id, l.society_id, (o.due_at AT TIME ZONE 'Asia/Dhaka')::date, -sum(o.amount_poisha), -sum(o.paid_poisha), 0
  FROM old_rows o JOIN loans l ON l.id = o.loan_id
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE TRIGGER report_installments_inserted AFTER INSERT ON installments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_installments_inserted();
CREATE TRIGGER report_installments_updated AFTER UPDATE ON installments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_installments_updated();
CREATE TRIGGER report_installments_deleted AFTER DELETE ON installments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_installments_deleted();

CREATE FUNCTION report_allocations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_day_changes (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
  SELECT l.office_id, l.society_id, (p.paid_at AT TIME ZONE 'Asia/Dhaka')::date, 0, 0, sum(a.amount_poisha)
  FROM new_rows a JOIN payments p ON p.id = a.payment_id JOIN loans l ON l.id = a.loan_id
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE FUNCTION report_allocations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_day_changes (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
  SELECT l.office_id, l.society_id, (p.paid_at AT TIME ZONE 'Asia/Dhaka')::date, 0, 0, -sum(a.amount_poisha)
  FROM old_rows a JOIN payments p ON p.id = a.payment_id JOIN loans l ON l.id = a.loan_id
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE TRIGGER report_allocations_inserted AFTER INSERT ON payment_allocations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_allocations_inserted();
CREATE TRIGGER report_allocations_deleted AFTER DELETE ON payment_allocations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_allocations_deleted();

-- What the figures are keyed by does not move under them: an allocation's amount, a payment's day
-- with money allocated, a loan's office and society.
CREATE FUNCTION report_keys_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%: % cannot change once recorded (the report figures are kept by it)', TG_TABLE_NAME, TG_ARGV[0]
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER report_loan_place_fixed BEFORE UPDATE OF office_id, society_id ON loans
  FOR EACH ROW WHEN (OLD.office_id IS DISTINCT FROM NEW.office_id OR OLD.society_id IS DISTINCT FROM NEW.society_id)
  EXECUTE FUNCTION report_keys_fixed('office_id, society_id');
CREATE TRIGGER report_payment_day_fixed BEFORE UPDATE OF paid_at ON payments
  FOR EACH ROW WHEN (OLD.paid_at IS DISTINCT FROM NEW.paid_at)
  EXECUTE FUNCTION report_keys_fixed('paid_at');
CREATE TRIGGER report_allocation_fixed BEFORE UPDATE ON payment_allocations
  FOR EACH ROW EXECUTE FUNCTION report_keys_fixed('an allocation');

-- Folds up to max_rows changes into the figures in one transaction; one folder at a time (a second
-- caller returns 0 at once). Returns how many changes it folded.
CREATE FUNCTION fold_report_day_changes(max_rows integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7263513) THEN
    RETURN 0;
  END IF;
  WITH moved AS (
    DELETE FROM report_day_changes WHERE id IN (SELECT id FROM report_day_changes ORDER BY id LIMIT max_rows)
    RETURNING office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha),
  summed AS (
    INSERT INTO report_day_figures AS f (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
    SELECT office_id, society_id, day, sum(due_poisha), sum(due_paid_poisha), sum(collected_poisha) FROM moved GROUP BY 1, 2, 3
    ON CONFLICT (office_id, society_id, day) DO UPDATE SET
      due_poisha = f.due_poisha + excluded.due_poisha,
      due_paid_poisha = f.due_paid_poisha + excluded.due_paid_poisha,
      collected_poisha = f.collected_poisha + excluded.collected_poisha
    RETURNING 1)
  SELECT count(*) INTO folded FROM moved;
  RETURN folded;
END $$;

-- What is already recorded, folded in.
INSERT INTO report_day_figures (office_id, society_id, day, due_poisha, due_paid_poisha, collected_poisha)
SELECT office_id, society_id, day, sum(due), sum(paid), sum(collected)
FROM (
  SELECT l.office_id, l.society_id, (i.due_at AT TIME ZONE 'Asia/Dhaka')::date AS day, i.amount_poisha AS due, i.paid_poisha AS paid, 0::bigint AS collected
  FROM installments i JOIN loans l ON l.id = i.loan_id
  UNION ALL
  SELECT l.office_id, l.society_id, (p.paid_at AT TIME ZONE 'Asia/Dhaka')::date, 0, 0, a.amount_poisha
  FROM payment_allocations a JOIN payments p ON p.id = a.payment_id JOIN loans l ON l.id = a.loan_id
) x
GROUP BY 1, 2, 3;

-- An ended period is the live figures less what came after it: payments made since its end, and
-- status changes since (by time), read through these.
CREATE INDEX payments_paid_at_idx ON payments (paid_at);
CREATE INDEX loan_events_status_since_idx ON loan_events (occurred_at) WHERE to_status IS NOT NULL;
-- Today's part of "overdue now": the unpaid installments due earlier today.
CREATE INDEX installments_unpaid_due_at_idx ON installments (due_at) WHERE status <> 'paid';
