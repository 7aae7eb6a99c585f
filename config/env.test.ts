import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('configuration', () => {
  it('has working defaults for a fresh clone', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.dataDir).toMatch(/\/data$/);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
    expect(env.TEMPORAL_NAMESPACE).toBe('default');
  });

  it('names every bad variable and why', () => {
    expect(() => parseEnv({ PORT: 'eighty', DATABASE_URL: 'not a url', DATABASE_SSL: 'maybe' })).toThrow(
      /PORT: .*\n.*DATABASE_URL: DATABASE_URL must be a postgres:\/\/ URL\n.*DATABASE_SSL/s,
    );
  });

  it('insists on the certificate and key together for mTLS', () => {
    expect(() => parseEnv({ TEMPORAL_TLS_CERT: '/etc/asrayon/client.pem' })).toThrow(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
  });
});
