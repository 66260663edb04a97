import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');

/** Debian's Chromium and the built console are there; CI must have both. */
export function browserAvailable(): boolean {
  const ok = existsSync(CHROMIUM) && existsSync(join(ROOT, 'dist', 'web', 'index.html'));
  if (!ok && process.env.CI === 'true')
    throw new Error(`CI needs ${CHROMIUM} and the built console (npm run build)`);
  if (!ok)
    console.warn(
      '\n*** browser tests SKIPPED: no Chromium at /usr/bin/chromium or no built console ***\n',
    );
  return ok;
}

/** Debian's Chromium, headless, with nothing that talks to the network by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
