import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { messages } from '../../web/src/messages.js';

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

/**
 * Every API answer of 400 or more, page error and console error in the pages watched, unless a
 * test said it expects it: an e2e test fails on any it did not expect (`expectNoSurprises`).
 * The console's first question, who is signed in, answers 401 before sign-in: always expected.
 */
export function makeApiWatch() {
  const surprises: string[] = [];
  let expected: { status: number; path: RegExp }[] = [];
  const alwaysExpected = (status: number, path: string) =>
    status === 401 && path === '/api/v1/auth/me';
  return {
    /** Watches a page (and everything it loads) from now on. */
    watch(page: Page): Page {
      page.on('response', (r) => {
        const u = new URL(r.url());
        if (!u.pathname.startsWith('/api/') || r.status() < 400) return;
        if (alwaysExpected(r.status(), u.pathname)) return;
        if (expected.some((e) => e.status === r.status() && e.path.test(u.pathname))) return;
        surprises.push(`${r.request().method()} ${u.pathname}${u.search} answered ${r.status()}`);
      });
      page.on('pageerror', (e) => surprises.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        // Chromium also logs each failed request; those are judged above.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
          surprises.push(`console error: ${m.text()}`);
      });
      return page;
    },
    /** This test expects an answer of `status` from a path matching `path`. */
    expect(status: number, path: RegExp): void {
      expected.push({ status, path });
    },
    /** What went wrong unexpected since the last call; forgets the test's expectations. */
    take(): string[] {
      expected = [];
      return surprises.splice(0);
    },
  };
}

/**
 * The English console's own words (placeholders cut out, at least four letters, not also
 * Russian), to be looked for on Russian pages.
 */
export const ENGLISH_WORDS: readonly string[] = [
  ...new Set(
    Object.values(messages.en.translation as Record<string, string>)
      .flatMap((v) => v.split(/\{\{[^}]*\}\}/))
      .map((v) => v.trim())
      .filter((v) => (v.match(/[A-Za-z]/g) ?? []).length >= 4)
      .filter((v) => !Object.values(messages.ru.translation as Record<string, string>).includes(v)),
  ),
];
