import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';
import { makeCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/databases.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const available =
  existsSync(CHROMIUM) &&
  existsSync(join(import.meta.dirname, '..', '..', 'dist', 'web', 'index.html'));
if (!available && process.env.CI === 'true')
  throw new Error(`CI needs ${CHROMIUM} and the built console (npm run build)`);
if (!available)
  console.warn(
    '\n*** console e2e tests SKIPPED: no Chromium at /usr/bin/chromium or no built console ***\n',
  );

describe.skipIf(!available)('the console in a real Chromium', () => {
  let app: App;
  let url: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  let close: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase('sqlite');
    expect((await makeCli(db).run('demo')).code).toBe(0);
    app = await createApp({ dbUrl: db });
    const server = await buildServer(app);
    url = await server.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await server.close();
      await app.close();
    };
    browser = await chromium.launch({
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
    page = await browser.newPage({ viewport: { width: 1024, height: 900 }, locale: 'en-GB' });
    page.on('request', (r) => requests.push(r.url()));
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  const count = (mandate: string, k: string) =>
    page.locator(`[data-mandate="${mandate}"] [data-count="${k}"]`).innerText();

  it('signs an officer in with the keyboard and shows the numbers the API gives, as of a day before and after the deadline', async () => {
    await page.goto(`${url}/console/`);
    await page.getByLabel('Email').fill('officer@demo.phaseout');
    await page.getByLabel('Password').fill('demo-officer-pass');
    await page.getByLabel('Password').press('Enter');
    await expect
      .poll(() =>
        page
          .getByRole('heading', { name: 'Replace iPhones — domestic-politics officials' })
          .count(),
      )
      .toBe(1);
    for (const day of ['2023-03-25', '2023-04-02']) {
      await page.getByLabel('As of').fill(day);
      const api = await app.status.status('kremlin-iphone-2023', { asOf: day });
      await expect
        .poll(() => count('kremlin-iphone-2023', 'overdue'))
        .toBe(String(api.devices.overdue));
      expect(await count('kremlin-iphone-2023', 'pending')).toBe(String(api.devices.pending));
      expect(await count('kremlin-iphone-2023', 'resolved')).toBe(String(api.devices.resolved));
      await page.screenshot({ path: join(SHOTS, `dashboard-${day}.png`), fullPage: true });
    }
  });

  it('switches to Russian, remembers it, and shows no English on the dashboard', async () => {
    await page.getByLabel('Language').selectOption('ru');
    await expect.poll(() => page.getByText('Просрочено').count()).toBeGreaterThan(0);
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Распоряжения' }).count()).toBe(1);
    const text = await page.locator('main').innerText();
    for (const english of ['Pending', 'Overdue', 'Resolved', 'As of', 'due '])
      expect(text).not.toContain(english);
    await page.screenshot({ path: join(SHOTS, 'dashboard-ru.png'), fullPage: true });
  });

  it('applies a mandate through the preview, then shows it with its document', async () => {
    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('link', { name: 'Mandates' }).click();
    const yaml = [
      'apiVersion: phaseout/v1',
      'kind: Mandate',
      'metadata: { id: no-tablets, title: Hand in tablets, issuedAt: 2023-03-01 }',
      'spec:',
      '  target: device.class == "tablet"',
      '  action: remove',
      '  phases: [{ id: remove, due: 2023-06-30, requires: resolve }]',
    ].join('\n');
    await page.getByLabel('YAML document').fill(yaml);
    await page.getByRole('button', { name: 'Preview' }).click();
    const line = page.locator('[data-line="no-tablets"]');
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.innerText()).toMatch(/new no-tablets v1: \+\d+ −0 findings/);
    expect((await app.mandates.list()).map((m) => m.id)).not.toContain('no-tablets');
    await page.screenshot({ path: join(SHOTS, 'mandate-preview.png'), fullPage: true });
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Applied 1 document.');
    expect((await app.mandates.list()).map((m) => m.id)).toContain('no-tablets');
    await page.getByRole('button', { name: /Hand in tablets/ }).click();
    await expect
      .poll(() => page.locator('pre.doc').innerText())
      .toContain('device.class == "tablet"');
  });

  it('shows findings with filters and exports them as CSV', async () => {
    await page.getByRole('link', { name: 'Findings' }).click();
    await page.getByLabel('Mandate', { exact: true }).selectOption('kremlin-iphone-2023');
    await page.getByLabel('State').selectOption('overdue');
    const api = await app.status.findings('kremlin-iphone-2023', { states: ['overdue'] });
    await expect.poll(() => page.locator('tbody tr').count()).toBe(api.length);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('mandate,device,owner,unit,opened,closed,state,closeReason');
    expect(csv).toHaveLength(api.length + 1);
    await page.screenshot({ path: join(SHOTS, 'findings.png'), fullPage: true });
  });

  it('an official requests an exemption from their page and an officer approves it', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const official = await ctx.newPage();
    official.on('request', (r) => requests.push(r.url()));
    await official.goto(`${url}/console/`);
    await official.getByLabel('Email').fill('official@demo.phaseout');
    await official.getByLabel('Password').fill('demo-official-pass');
    await official.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => official.getByRole('heading', { name: 'What is asked of me' }).count())
      .toBe(1);
    const card = official
      .locator('article', { hasText: 'No smartphones for official business' })
      .first();
    await card.getByRole('button', { name: 'Request an exemption' }).click();
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await card.getByLabel('Until').fill(inAMonth);
    await card.getByLabel('Reason').fill('secure line not yet installed');
    await card.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => official.getByText('Your request was sent for approval.').count())
      .toBe(1);
    await official.screenshot({ path: join(SHOTS, 'official.png'), fullPage: true });
    await ctx.close();

    await page.getByRole('link', { name: 'Exemptions' }).click();
    const form = page.getByRole('form', { name: 'Request an exemption' });
    await form.getByRole('combobox', { name: /^For\b/ }).selectOption('person');
    await form.getByLabel('Device or person').fill('P00004');
    await form
      .getByLabel('Until')
      .fill(new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await form.getByLabel('Reason').fill('officer asks for a colleague');
    await form.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.locator('tr', { hasText: 'officer asks for a colleague' }).count())
      .toBe(1);
    const row = page.locator('tr', { hasText: 'secure line not yet installed' });
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => row.locator('[data-state]').innerText()).toBe('approved');
    await page.screenshot({ path: join(SHOTS, 'exemptions.png'), fullPage: true });
  });

  it('an auditor reads the log and verifies the chain', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto(`${url}/console/`);
    await p.getByLabel('Email').fill('auditor@demo.phaseout');
    await p.getByLabel('Password').fill('demo-auditor-pass');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('link', { name: 'Audit' }).click();
    await p.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => p.locator('[data-verify]').getAttribute('data-verify')).toBe('ok');
    await p.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
    await ctx.close();
  });

  it('drills down from directorates to departments and names the stragglers', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByLabel('As of').fill('2023-04-02');
    const card = page.locator('[data-mandate="kremlin-iphone-2023"]');
    await card.getByRole('button', { name: 'Units and stragglers' }).click();
    await expect.poll(() => card.locator('.burndown canvas').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'burndown.png'), fullPage: true });
    await card.getByRole('button', { name: 'Domestic Policy Directorate' }).click();
    const elections = card.locator('[data-unit$="/Elections Department"]');
    await expect.poll(() => elections.count()).toBe(1);
    const api = await app.status.status('kremlin-iphone-2023', {
      asOf: '2023-04-02',
      byUnit: true,
      depth: 3,
    });
    const want = api.units!.find((u) => u.unit.endsWith('/Elections Department'))!;
    expect(await elections.locator('td').nth(2).innerText()).toBe(String(want.devices.overdue));
    expect(await card.locator('.stragglers li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'units.png'), fullPage: true });
  });

  it('finds a person and shows their devices and the findings over time', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('Name, id or email').fill('P00006');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: /P00006/ }).click();
    const card = page.locator('[data-person="P00006"]');
    await expect.poll(() => card.locator('[data-event]').count()).toBeGreaterThan(0);
    const timeline = await card.locator('.timeline').innerText();
    expect(timeline).toContain('Replace iPhones — domestic-politics officials caught D000010');
    expect(timeline).toContain('handed to someone else');
    await page.screenshot({ path: join(SHOTS, 'person.png'), fullPage: true });
  });

  it('a unit head sees their unit only and attests a phase for it', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto(`${url}/console/`);
    await p.getByLabel('Email').fill('unithead@demo.phaseout');
    await p.getByLabel('Password').fill('demo-unithead-pass');
    await p.getByRole('button', { name: 'Sign in' }).click();
    const card = p.locator('[data-mandate="kaspersky-removal-2023"]');
    await expect.poll(() => card.count()).toBe(1);
    const api = await app.status.status('kaspersky-removal-2023', {
      unit: 'Presidential Administration/Domestic Policy Directorate/Elections Department',
    });
    expect(await card.locator('[data-count="pending"]').innerText()).toBe(
      String(api.devices.pending),
    );
    await p.screenshot({ path: join(SHOTS, 'unit-head.png'), fullPage: true });
    await card
      .getByRole('button', { name: 'Attest for Elections Department' })
      .first()
      .click({ timeout: 5000 });
    await expect
      .poll(() => p.getByRole('status').innerText())
      .toMatch(/Your (attestation is recorded|unit had attested this phase already)\./);
    await p.screenshot({ path: join(SHOTS, 'unit-head.png'), fullPage: true });
    await ctx.close();
  });

  it('an official sees only their own page', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto(`${url}/console/`);
    await p.getByLabel('Email').fill('official@demo.phaseout');
    await p.getByLabel('Password').fill('demo-official-pass');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => p.getByRole('heading', { name: 'What is asked of me' }).count())
      .toBe(1);
    expect(await p.getByRole('link', { name: 'Overview' }).count()).toBe(0);
    expect(await p.getByRole('link', { name: 'Findings' }).count()).toBe(0);
    await p.goto(`${url}/console/#/dashboard`);
    await expect
      .poll(() => p.getByRole('heading', { name: 'What is asked of me' }).count())
      .toBe(1);
    await ctx.close();
  });
  it('makes no request to any host but its own', () => {
    const own = new URL(url).host;
    expect(requests.filter((r) => new URL(r).host !== own)).toEqual([]);
  });
});
