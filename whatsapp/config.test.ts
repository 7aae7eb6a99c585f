// WHATSAPP_* from the environment: defaults, and refusing to start half-configured or pointed wrong.
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../config/env';
import { CloudWhatsApp } from './cloud-client';
import { whatsappClient, whatsappWebhookSettings } from './config';

describe('WhatsApp configuration', () => {
  it('is off by default, with Meta’s URL, v21.0, the cooperative_notice template in Bengali', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ WHATSAPP_MODE: 'off', WHATSAPP_BASE_URL: 'https://graph.facebook.com', WHATSAPP_API_VERSION: 'v21.0', WHATSAPP_TEMPLATE: 'cooperative_notice', WHATSAPP_TEMPLATE_LANGUAGE: 'bn', WHATSAPP_TIMEOUT_MS: 15_000 });
    expect(whatsappClient(env)).toBeNull();
    expect(whatsappWebhookSettings(env)).toBeNull();
  });

  it('builds the Cloud API client and the webhook secrets in cloud mode', () => {
    const env = parseEnv({ WHATSAPP_MODE: 'cloud', WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_TOKEN: 'EAAG', WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v', WHATSAPP_PRICE_POISHA: '45' });
    const client = whatsappClient(env);
    expect(client).toBeInstanceOf(CloudWhatsApp);
    expect(client!.pricePoisha).toBe(45);
    expect(whatsappWebhookSettings(env)).toEqual({ verifyToken: 'v', appSecret: 's' });
  });

  it('refuses to start half-configured or pointed at the wrong place', () => {
    expect(() => whatsappClient(parseEnv({ WHATSAPP_MODE: 'cloud', WHATSAPP_TOKEN: 'EAAG' }))).toThrow(/WHATSAPP_PHONE_NUMBER_ID/);
    expect(() => whatsappWebhookSettings(parseEnv({ WHATSAPP_MODE: 'cloud' }))).toThrow(/WHATSAPP_APP_SECRET/);
    expect(() => whatsappClient(parseEnv({ WHATSAPP_MODE: 'simulator', WHATSAPP_PHONE_NUMBER_ID: '1', WHATSAPP_TOKEN: 't' }))).toThrow(/simulator/);
    expect(() => whatsappClient(parseEnv({ WHATSAPP_MODE: 'cloud', WHATSAPP_BASE_URL: 'http://graph.facebook.com', WHATSAPP_PHONE_NUMBER_ID: '1', WHATSAPP_TOKEN: 't' }))).toThrow(/https/);
    expect(() => parseEnv({ WHATSAPP_PHONE_NUMBER_ID: '+8801711000001' })).toThrow(EnvError);
    expect(() => parseEnv({ WHATSAPP_TEMPLATE: 'Cooperative Notice' })).toThrow(EnvError);
    expect(() => parseEnv({ WHATSAPP_API_VERSION: '21' })).toThrow(EnvError);
  });
});
