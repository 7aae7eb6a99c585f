// `npm run verify-audit`: checks every loan's audit chain in the database named by DATABASE_URL (or
// the embedded one in DATA_DIR). Exit 0 when every chain holds, 1 with the problems listed otherwise.
import { verifyAuditChains } from '../audit/verify-chain';
import { parseEnv } from '../config/env';
import { createSql } from '../db/client';

const env = parseEnv();
if (!env.DATABASE_URL) {
  console.error('verify-audit: set DATABASE_URL (npm start prints it; the embedded server is in DATA_DIR/pg)');
  process.exit(2);
}
const sql = createSql({ url: env.DATABASE_URL, max: 2, application: 'asrayon-verify-audit' });
const started = Date.now();
const result = await verifyAuditChains(sql);
await sql.end();
for (const p of result.problems.slice(0, 200)) console.log(`loan ${p.loanId}${p.eventId === null ? '' : ` event ${p.eventId}`}: ${p.problem}`);
console.log(`${result.loans} loans, ${result.events} events checked in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.problems.length ? `${result.problems.length} problem(s)` : 'every chain holds'}`);
process.exit(result.problems.length ? 1 : 0);
