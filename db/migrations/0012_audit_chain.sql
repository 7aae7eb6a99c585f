-- The loan audit trail is append-only and tamper-evident. Each event carries the hash of the loan's
-- previous event and its own hash over that and its content (SHA-256), so changing, removing or
-- inserting an event breaks the chain; the loan keeps the hash of its latest event, so removing the
-- latest is noticed too. `npm run verify-audit` walks every chain (scripts/verify-audit.ts).

ALTER TABLE loan_events ADD COLUMN prev_hash text, ADD COLUMN hash text;
ALTER TABLE loans ADD COLUMN audit_head text;

-- The canonical text of an event: every recorded field, in a fixed order, jsonb in its own stable form.
CREATE FUNCTION loan_event_hash(prev text, e loan_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
    prev, e.loan_id::text, e.event_key, e.kind, coalesce(e.from_status, ''), coalesce(e.to_status, ''), e.actor,
    coalesce(e.rule_kind, ''), coalesce(e.rule_name, ''), coalesce(e.rule_version, ''), coalesce(e.rule_set_version, ''),
    coalesce(e.facts::text, ''), coalesce(e.detail::text, ''), (extract(epoch FROM e.occurred_at) * 1000000)::bigint::text
  ), 'UTF8')), 'hex')
$$;

-- Existing events, chained in the order they were recorded.
DO $$
DECLARE
  r loan_events;
  prev text := '';
  cur uuid := NULL;
BEGIN
  FOR r IN SELECT * FROM loan_events ORDER BY loan_id, id LOOP
    IF cur IS DISTINCT FROM r.loan_id THEN
      IF cur IS NOT NULL THEN UPDATE loans SET audit_head = prev WHERE id = cur; END IF;
      prev := '';
      cur := r.loan_id;
    END IF;
    UPDATE loan_events SET prev_hash = prev, hash = loan_event_hash(prev, r) WHERE id = r.id RETURNING hash INTO prev;
  END LOOP;
  IF cur IS NOT NULL THEN UPDATE loans SET audit_head = prev WHERE id = cur; END IF;
END $$;

ALTER TABLE loan_events ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX loan_events_hash_key ON loan_events (hash);
-- No forks: an event is the previous one of at most one other.
CREATE UNIQUE INDEX loan_events_prev_key ON loan_events (loan_id, prev_hash);

-- Each new event links to its loan's latest event (the one no event links to yet), one writer per
-- loan at a time. Rows inserted earlier by the same statement are visible here, so a bulk insert of
-- several events of one loan chains them in order.
CREATE FUNCTION loan_events_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('loan_events'), hashtext(NEW.loan_id::text));
  SELECT e.hash INTO head FROM loan_events e
  WHERE e.loan_id = NEW.loan_id AND NOT EXISTS (SELECT 1 FROM loan_events f WHERE f.loan_id = e.loan_id AND f.prev_hash = e.hash)
  LIMIT 1;
  NEW.prev_hash := coalesce(head, '');
  NEW.hash := loan_event_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END $$;
CREATE TRIGGER loan_events_link BEFORE INSERT ON loan_events FOR EACH ROW EXECUTE FUNCTION loan_events_link();

-- The loan remembers its latest event's hash, once per statement, for the events really inserted
-- (not those skipped by ON CONFLICT DO NOTHING).
CREATE FUNCTION loan_events_advance_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE loans l SET audit_head = h.hash
  FROM (SELECT DISTINCT ON (loan_id) loan_id, hash FROM inserted ORDER BY loan_id, id DESC) h
  WHERE l.id = h.loan_id;
  RETURN NULL;
END $$;
CREATE TRIGGER loan_events_advance_head AFTER INSERT ON loan_events REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION loan_events_advance_head();

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail (%) is append-only: events are never changed or removed', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER loan_events_append_only BEFORE UPDATE OR DELETE ON loan_events FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER loan_events_no_truncate BEFORE TRUNCATE ON loan_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
