// Development provider: writes each message to the log and reports it accepted, so a local run
// shows what borrowers would receive without a gateway account or any cost.
import { randomUUID } from 'node:crypto';
import { toMsisdn, type SendRequest, type SendResult, type SmsProvider } from './provider';

export function createConsoleProvider(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): SmsProvider {
  const seen = new Map<string, string>();
  return {
    name: 'console',
    dedupesClientIds: true,
    async send(req: SendRequest): Promise<SendResult> {
      const msisdn = toMsisdn(req.to);
      if (!msisdn) return { providerMessageId: null, status: 'rejected', permanent: true, reason: `invalid mobile number ${req.to}` };
      const earlier = seen.get(req.clientMessageId);
      if (earlier) return { providerMessageId: earlier, status: 'accepted', reason: 'duplicate client id: not logged again' };
      const id = `console-${randomUUID()}`;
      seen.set(req.clientMessageId, id);
      log(`[sms] → ${msisdn} (${req.clientMessageId}): ${req.body}`);
      return { providerMessageId: id, status: 'accepted' };
    },
    async deliveryStatus(ref) {
      const id = seen.get(ref.clientMessageId);
      return id ? { state: 'delivered', providerMessageId: id } : { state: 'unknown', providerMessageId: null };
    },
  };
}
