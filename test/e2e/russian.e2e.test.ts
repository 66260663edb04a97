import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { compareText } from '../../src/domain/text.order.js';
import { buildServer } from '../../src/http/server.js';
import { messages } from '../../web/src/messages.js';
import {
  browserAvailable,
  ENGLISH_WORDS,
  launchChromium,
  makeApiWatch,
  SHOTS,
} from '../helpers/browser.js';
import { makeCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/databases.js';

const available = browserAvailable();
const ru = messages.ru.translation as Record<string, string>;
const ELECTIONS = 'Администрация Президента/Управление по внутренней политике/Отдел выборов';

/**
 * The journey of issue #28 on the Russian demo (`phaseout demo --language ru`), as a security
 * office in Moscow takes it: the officer finds an official by a Cyrillic surname typed in lower
 * case, sorts people by name, downloads findings as Russian Excel opens them; a head of a
 * Cyrillic unit sees exactly their subtree; no English word of the console's on any page.
 */
describe.skipIf(!available)('the Russian demo in a real Chromium', () => {
  let app: App;
  let url: string;
  let browser: Browser;
  let close: () => Promise<void>;
  const apiWatch = makeApiWatch();
  afterEach(() => {
    expect(apiWatch.take(), 'unexpected API errors, page errors or console errors').toEqual([]);
  });

  beforeAll(async () => {
    const db = await createTestDatabase('sqlite');
    const loaded = await makeCli(db).run('demo', '--language', 'ru');
    expect(loaded.code, loaded.err).toBe(0);
    app = await createApp({ dbUrl: db });
    const server = await buildServer(app);
    url = await server.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await server.close();
      await app.close();
    };
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  /** Signs in with a Russian browser: the console speaks Russian from the first page. */
  async function signInAs(role: string): Promise<Page> {
    const ctx = await browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 1024, height: 900 },
    });
    const p = apiWatch.watch(await ctx.newPage());
    await p.goto(`${url}/console/`);
    await p.locator('#email').fill(`${role}@demo.phaseout`);
    await p.locator('#password').fill(`demo-${role}-pass`);
    await p.locator('#password').press('Enter');
    await expect.poll(() => p.locator('nav a').count()).toBeGreaterThan(0);
    return p;
  }

  /** No English word of the console's catalogue in the page (e-mails and ids are data). */
  async function noEnglish(p: Page, name: string): Promise<void> {
    await expect.poll(() => p.getByText(/^Загрузка/).count()).toBe(0);
    const text = (await p.locator('body').innerText())
      .replace(/\S+@\S+/g, '')
      .replace(/\b[a-z]+(?:[.:/-][\w.-]+)+/g, '');
    const left = ENGLISH_WORDS.filter((w) =>
      new RegExp(`(^|[^A-Za-z])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`).test(
        text,
      ),
    );
    expect(left, `English on the Russian ${name} page`).toEqual([]);
    await p.screenshot({ path: join(SHOTS, `ru-demo-${name}.png`), fullPage: true });
  }

  it('the officer finds an official by a Cyrillic surname typed in lower case, and sorts people by name', async () => {
    const p = await signInAs('officer');
    await noEnglish(p, 'overview');
    await p.getByRole('link', { name: ru.page_people! }).click();
    await p.getByLabel(ru.searchPeople!).fill('новикова');
    await p.getByLabel(ru.searchPeople!).press('Enter');
    const rows = p.getByRole('table', { name: ru.results! }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const found = await rows.locator('td:first-child a').allInnerTexts();
    expect(found.every((n) => n.startsWith('Новикова '))).toBe(true);
    await noEnglish(p, 'people-found');
    // Sorted by name: the order of the one rule, whatever the database's.
    await p.getByLabel(ru.searchPeople!).fill('');
    await p.getByLabel(ru.searchPeople!).press('Enter');
    const nameHeader = p.locator('th[data-column="name"]');
    const names = () => rows.locator('td:first-child a').allInnerTexts();
    for (const order of ['ascending', 'descending'] as const) {
      if ((await nameHeader.getAttribute('aria-sort')) !== order)
        await nameHeader.locator('button').click();
      await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe(order);
      await expect.poll(async () => (await names()).length).toBeGreaterThan(10);
      const shown = await names();
      const sorted = [...shown].sort(compareText());
      expect(shown).toEqual(order === 'ascending' ? sorted : sorted.reverse());
    }
    await noEnglish(p, 'people-sorted');
    await p.context().close();
  });

  it('downloads findings as Russian Excel opens them: byte-order mark and `;`', async () => {
    const p = await signInAs('officer');
    await p.goto(`${url}/console/#/findings?mandate=kremlin-iphone-2023`);
    const link = p.getByRole('link', { name: ru.exportCsv! });
    await expect.poll(() => link.count()).toBe(1);
    const href = (await link.getAttribute('href'))!;
    expect(href).toContain('dialect=excel-ru');
    const answer = await p.request.get(new URL(href, `${url}/console/`).toString());
    expect(answer.status()).toBe(200);
    const body = await answer.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('mandate;device;owner;unit;opened;closed;state;closeReason');
    expect(text).toContain(`;${ELECTIONS}`);
    await noEnglish(p, 'findings');
    await p.context().close();
  });

  it('a head of a Cyrillic unit sees exactly their subtree', async () => {
    const p = await signInAs('unithead');
    await p.getByRole('link', { name: ru.page_people! }).click();
    const rows = p.getByRole('table', { name: ru.results! }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const head = await app.accounts.actorForEmail('unithead@demo.phaseout');
    const seen = await app.directory.people(head, { limit: 500 });
    expect(seen.total).toBeGreaterThan(50);
    expect(
      seen.items.every((x) => x.unit === ELECTIONS || x.unit.startsWith(`${ELECTIONS}/`)),
    ).toBe(true);
    const officer = await app.accounts.actorForEmail('officer@demo.phaseout');
    const all = await app.directory.people(officer, { unit: ELECTIONS, limit: 1 });
    expect(seen.total).toBe(all.total);
    expect(await p.locator('.who').innerText()).toContain('Отдел выборов');
    await noEnglish(p, 'unit-head-people');
    await p.context().close();
  });
});
