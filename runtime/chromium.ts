// One headless Chromium per process, started on first use and closed after a quiet minute, for the
// work only a real browser engine does right: Bengali text shaped into PDFs (ক্ষ, ন্ত, র্থ …), which
// most PDF libraries get wrong. The Debian package `chromium` (or CHROMIUM_PATH) is used.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
/** No sandbox when root; no background network (a closed network refuses it, slowly). */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const IDLE_MS = 60_000;

export class ChromiumMissingError extends Error {
  constructor() {
    super('PDF export needs Chromium: install the Debian package chromium or set CHROMIUM_PATH');
  }
}

export function chromiumPath(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

let browser: Promise<Browser> | null = null;
let idle: NodeJS.Timeout | null = null;
let inUse = 0;

async function acquire(): Promise<Browser> {
  const path = chromiumPath();
  if (!path) throw new ChromiumMissingError();
  if (idle) clearTimeout(idle);
  browser ??= chromium.launch({ executablePath: path, args: ARGS }).catch((err: unknown) => {
    browser = null;
    throw err;
  });
  inUse += 1;
  return browser;
}

function release(): void {
  inUse -= 1;
  if (inUse > 0) return;
  idle = setTimeout(() => void closeChromium(), IDLE_MS);
  idle.unref();
}

export async function closeChromium(): Promise<void> {
  const b = browser;
  browser = null;
  if (b) await (await b).close().catch(() => undefined);
}

/** A whole HTML document printed to an A4 PDF; the page's own @page rules and footer template apply. */
export async function htmlToPdf(html: string, opts: { landscape?: boolean; footer?: string } = {}): Promise<Buffer> {
  const b = await acquire();
  const context = await b.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    // Nothing leaves the machine: the document carries its own fonts; any other request is refused.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate('document.fonts.ready');
    return await page.pdf({
      format: 'A4',
      landscape: opts.landscape ?? false,
      printBackground: true,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: !!opts.footer,
      headerTemplate: '<span></span>',
      footerTemplate: opts.footer ?? '<span></span>',
    });
  } finally {
    await context.close().catch(() => undefined);
    release();
  }
}
