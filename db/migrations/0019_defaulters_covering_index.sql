-- The defaulter list (api/routes/defaulters.ts) reads every defaulted or blacklisted loan of an
-- office's subtree to count them, total their arrears and sort them, then shows a page. With every
-- column it reads in the index, it reads the index alone (an index-only scan: ~100 index pages for
-- a district's 4 251 defaulters instead of ~2 600 heap pages, one per loan): the SQL went from 16 to
-- 12 ms on a warm cache and no longer depends on the loans' pages being in memory, which the reports
-- that run beside it push out (docs/benchmarks.md, reports).
-- The price: the arrears columns are now indexed, so a change of a loan's arrears is not a HOT update
-- (a new entry in each of the loans' indexes). That happens once per payment or deadline, a few
-- dozen a second at most, and the ledger writes are not where a payment's time goes.
DROP INDEX loans_defaulters_idx;
CREATE INDEX loans_defaulters_idx ON loans (office_id)
  INCLUDE (id, status, code, borrower_id, society_id, total_owed_poisha, arrears_at, arrears_until, arrears_poisha)
  WHERE status IN ('defaulted', 'blacklisted');
