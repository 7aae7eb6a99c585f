-- What a loan has unpaid of its installments due so far, kept on the loan for the defaulter list
-- (api/routes/defaulters.ts), which sorts a district's defaulters by it. The figure is true from
-- arrears_at until arrears_until (its next installment's deadline): a statement that changes a
-- loan's installments recomputes it in the same transaction; after arrears_until the list computes
-- it from the installments again, so a figure past its time is never shown.
ALTER TABLE loans
  ADD COLUMN arrears_poisha bigint,
  ADD COLUMN arrears_at timestamptz,
  ADD COLUMN arrears_until timestamptz;

CREATE FUNCTION loan_arrears_refresh(loan_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE loans l SET arrears_poisha = a.unpaid, arrears_at = now(), arrears_until = a.next
  FROM (
    SELECT c.loan_id,
      coalesce(sum(i.amount_poisha - i.paid_poisha) FILTER (WHERE i.due_at <= now()), 0) AS unpaid,
      coalesce(min(i.due_at) FILTER (WHERE i.due_at > now()), 'infinity') AS next
    FROM unnest(loan_ids) AS c(loan_id) LEFT JOIN installments i ON i.loan_id = c.loan_id
    GROUP BY c.loan_id) a
  -- A figure that did not change keeps its arrears_at: it has been true since then.
  WHERE l.id = a.loan_id
    AND (l.arrears_poisha, l.arrears_until) IS DISTINCT FROM (a.unpaid, a.next)
$$;

CREATE FUNCTION loan_arrears_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM loan_arrears_refresh(ARRAY(SELECT DISTINCT loan_id FROM new_rows));
  RETURN NULL;
END $$;
-- Every change of a loan rewrites all its installments; only those whose money, deadline or status
-- moved (a payment, a deadline passing) can change the figure.
CREATE FUNCTION loan_arrears_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM loan_arrears_refresh(ARRAY(
    SELECT DISTINCT n.loan_id FROM new_rows n JOIN old_rows o ON o.loan_id = n.loan_id AND o.seq = n.seq
    WHERE (n.amount_poisha, n.paid_poisha, n.due_at, n.status) IS DISTINCT FROM (o.amount_poisha, o.paid_poisha, o.due_at, o.status)));
  RETURN NULL;
END $$;
CREATE FUNCTION loan_arrears_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM loan_arrears_refresh(ARRAY(SELECT DISTINCT loan_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER loan_arrears_inserted AFTER INSERT ON installments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION loan_arrears_inserted();
CREATE TRIGGER loan_arrears_updated AFTER UPDATE ON installments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION loan_arrears_updated();
CREATE TRIGGER loan_arrears_deleted AFTER DELETE ON installments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION loan_arrears_deleted();

-- The loans already recorded (the list falls back to the installments for any it misses).
SELECT loan_arrears_refresh(ARRAY(SELECT id FROM loans));
