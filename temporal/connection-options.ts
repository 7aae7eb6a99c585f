// How this process reaches Temporal: address, namespace and TLS/mTLS or API key from the environment.
import { readFileSync } from 'node:fs';
import type { Env } from '../config/env';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

export function temporalTarget(env: Env, address = env.TEMPORAL_ADDRESS): TemporalTarget {
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set and no dev server was started');
  const useTls = env.TEMPORAL_TLS || !!env.TEMPORAL_TLS_CERT || !!env.TEMPORAL_API_KEY;
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE,
    apiKey: env.TEMPORAL_API_KEY,
    tls: useTls
      ? {
          serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME,
          serverRootCACertificate: env.TEMPORAL_TLS_CA ? readFileSync(env.TEMPORAL_TLS_CA) : undefined,
          clientCertPair:
            env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY
              ? { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) }
              : undefined,
        }
      : undefined,
  };
}
