// The one place a PostgreSQL client is made: type parsers, application name, pool size, TLS.
import { readFileSync } from 'node:fs';
import postgres from 'postgres';

export type Sql = postgres.Sql;
/** A pool or an open transaction: for helpers that write inside their caller's transaction. */
export type SqlOrTx = postgres.Sql | postgres.TransactionSql;
/** A piece of SQL built with sql`…` to be embedded in another statement. */
export type SqlFragment = postgres.PendingQuery<postgres.Row[]>;

export interface DbOptions {
  url: string;
  ssl?: 'disable' | 'require' | 'verify-full';
  sslCa?: string;
  max?: number;
  application?: string;
  /**
   * How long a statement may wait for a row lock before it fails (PostgreSQL's lock_timeout; none if
   * unset). The worker sets it: an activity whose row is held by someone else fails and is retried
   * by Temporal, instead of holding its task until the activity's own time-out.
   */
  lockTimeoutMs?: number;
}

export function createSql(opts: DbOptions): Sql {
  const ssl =
    opts.ssl === 'require'
      ? { rejectUnauthorized: false }
      : opts.ssl === 'verify-full'
        ? { rejectUnauthorized: true, ...(opts.sslCa ? { ca: readFileSync(opts.sslCa, 'utf8') } : {}) }
        : false;
  return postgres(opts.url, {
    max: opts.max ?? 10,
    ssl,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    // JIT compilation costs more than it saves on Asrayon's queries: the national collection report
    // replayed from history took 2.7 s with it and 1.9 s without (PostgreSQL 15, 1 M installments).
    connection: { application_name: opts.application ?? 'asrayon', jit: 'off', ...(opts.lockTimeoutMs ? { lock_timeout: opts.lockTimeoutMs } : {}) },
    types: {
      // bigint columns hold poisha; they fit in a double exactly up to 2^53 (≈ 90 trillion taka).
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint) => x.toString(),
        parse: (x: string) => {
          const n = Number(x);
          if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${x} does not fit a safe integer`);
          return n;
        },
      },
    },
  });
}
