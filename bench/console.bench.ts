/**
 * How fast the console is to open on the demo: the time from pressing Enter on the sign-in form
 * to the overview's cards (officer), and the JavaScript an official's first visit downloads
 * (bytes on the wire, compressed). Needs `npm run build` first and Debian's Chromium.
 *
 *   npm run build && node --import tsx bench/console.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import { launchChromium } from '../test/helpers/browser.js';

const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'phaseout-console-bench-'));
const dbUrl = `sqlite:${join(dir, 'demo.db')}`;
const app = await createApp({ dbUrl });
await app.demo.load();
const server = await buildServer(app);
const url = await server.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();

/** Signs in from a fresh context; answers the ms from signed in to `ready`, and the JS bytes seen. */
async function visit(role: string, ready: string): Promise<{ ms: number; jsBytes: number }> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  const scripts = new Set<string>();
  let jsBytes = 0;
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (scripts.has(e.requestId)) jsBytes += e.encodedDataLength;
  });
  await page.goto(`${url}/console/`);
  await page.locator('#email').fill(`${role}@demo.phaseout`);
  await page.locator('#password').fill(`demo-${role}-pass`);
  // From the answer to the sign-in (checking a password takes about a second by design) to
  // the page drawn.
  const signedIn = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.locator('#password').press('Enter');
  await signedIn;
  const start = performance.now();
  await page.locator(ready).first().waitFor({ state: 'visible' });
  const ms = performance.now() - start;
  await ctx.close();
  return { ms, jsBytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  const officer = [];
  const official = [];
  for (let i = 0; i < RUNS; i++) {
    officer.push(await visit('officer', '[data-mandate] [data-count="overdue"]'));
    official.push(await visit('official', '#mine-title'));
  }
  console.log(`console on the demo, ${RUNS} fresh visits each (median):`);
  console.log(
    `  officer: signed in → overview cards visible  ${median(officer.map((r) => r.ms)).toFixed(0)} ms` +
      `  (target < 1000 ms)`,
  );
  console.log(
    `  official: JavaScript on the wire, first visit  ${(median(official.map((r) => r.jsBytes)) / 1024).toFixed(1)} KiB` +
      `  (target < 80 KiB)`,
  );
  console.log(
    `  official: signed in → their page  ${median(official.map((r) => r.ms)).toFixed(0)} ms`,
  );
} finally {
  await browser.close();
  await server.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
