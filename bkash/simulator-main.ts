// Runs the bKash simulator on its own: `node --import tsx bkash/simulator-main.ts`.
// BKASH_SIM_PORT (default 3099), BKASH_SIM_WEBHOOK_URL (announce completed checkouts there),
// BKASH_SIM_SHORT_CODE (default 01711000001). Prints what the API needs to talk to it.
import { startBkashSimulator } from './simulator';

const sim = await startBkashSimulator({
  port: Number(process.env.BKASH_SIM_PORT ?? 3099),
  ...(process.env.BKASH_SIM_WEBHOOK_URL ? { webhookUrl: process.env.BKASH_SIM_WEBHOOK_URL } : {}),
  ...(process.env.BKASH_SIM_SHORT_CODE ? { shortCode: process.env.BKASH_SIM_SHORT_CODE } : {}),
});
console.log(
  JSON.stringify({ url: sim.url, ...sim.credentials, shortCode: sim.shortCode, topicArn: sim.topicArn, signingCertUrl: sim.signingCertUrl, statement: `${sim.url}/statement.csv` }, null, 2),
);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
