// What the notice activities need from WhatsApp: send the notice template to one number. The Cloud
// API client (whatsapp/) is adapted to this in worker wiring; tests may pass the simulator's client.
export type WhatsAppSendResult =
  | { ok: true; messageId: string }
  /** The number cannot get it this way (not on WhatsApp, blocked): SMS will carry it. */
  | { ok: false; permanent: true; reason: string };

export interface NoticeWhatsApp {
  /** Throws on a failure worth retrying (network, 5xx, throttling). */
  sendNotice(to: string, params: { office: string; title: string; link: string }): Promise<WhatsAppSendResult>;
  /** Price of one utility-template message, for the cost per notice. */
  pricePoisha: number;
}
