// Runs the WhatsApp Cloud API simulator on its own: `node --import tsx whatsapp/simulator-main.ts`.
// WHATSAPP_SIM_PORT (default 3098), WHATSAPP_SIM_WEBHOOK_URL (where statuses go, e.g.
// http://127.0.0.1:3000/api/whatsapp/webhook), WHATSAPP_SIM_TOKEN / WHATSAPP_SIM_APP_SECRET (fixed
// credentials instead of random ones), WHATSAPP_SIM_STEP_MS (delay between statuses, default 2000).
// Prints the WHATSAPP_* settings the API and the worker need to talk to it.
import { startWhatsAppSimulator } from './simulator';

const sim = await startWhatsAppSimulator({
  port: Number(process.env.WHATSAPP_SIM_PORT ?? 3098),
  stepMs: Number(process.env.WHATSAPP_SIM_STEP_MS ?? 2_000),
  ...(process.env.WHATSAPP_SIM_WEBHOOK_URL ? { webhookUrl: process.env.WHATSAPP_SIM_WEBHOOK_URL } : {}),
  ...(process.env.WHATSAPP_SIM_TOKEN ? { token: process.env.WHATSAPP_SIM_TOKEN } : {}),
  ...(process.env.WHATSAPP_SIM_APP_SECRET ? { appSecret: process.env.WHATSAPP_SIM_APP_SECRET } : {}),
});
console.log(
  JSON.stringify(
    {
      WHATSAPP_MODE: 'simulator',
      WHATSAPP_BASE_URL: sim.url,
      WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
      WHATSAPP_TOKEN: sim.token,
      WHATSAPP_APP_SECRET: sim.appSecret,
      WHATSAPP_VERIFY_TOKEN: '(any; the simulator does not verify the endpoint)',
      webhook: process.env.WHATSAPP_SIM_WEBHOOK_URL ?? '(none: statuses are recorded, not posted)',
    },
    null,
    2,
  ),
);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
