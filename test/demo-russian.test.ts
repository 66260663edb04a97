import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase } from './helpers/databases.js';

/**
 * The Russian demo (`phaseout demo --language ru`, or `npm start` with PHASEOUT_LANGUAGE=ru):
 * the same March 2023 story as the English one, in Russian names, units, titles, mandates,
 * catalogue and accounts that read in Russian.
 */
describe('the Russian demo', () => {
  let ru: App;
  let en: App;
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase('sqlite');
    const r = await makeCli(url, '2026-11-28T00:00:00Z').run('demo', '--language', 'ru');
    expect(r.code, r.err).toBe(0);
    ru = await createApp({ dbUrl: url });
    const enUrl = await createTestDatabase('sqlite');
    expect((await makeCli(enUrl).run('demo')).code).toBe(0);
    en = await createApp({ dbUrl: enUrl });
  });
  afterAll(async () => {
    await ru?.close();
    await en?.close();
  });

  it('tells the same story: the same counts on every day of it', async () => {
    for (const mandate of [
      'kremlin-iphone-2023',
      'no-official-smartphones',
      'kaspersky-removal-2023',
    ])
      for (const asOf of ['2023-03-10', '2023-03-25', '2023-04-20']) {
        const a = await ru.status.status(mandate, { asOf });
        const b = await en.status.status(mandate, { asOf });
        expect(a.devices, `${mandate} ${asOf}`).toEqual(b.devices);
        expect(a.people).toEqual(b.people);
        expect(a.phases.map((p) => p.state)).toEqual(b.phases.map((p) => p.state));
      }
  });

  it('in Russian: surname, name and patronymic, units, titles, mandates, catalogue, accounts', async () => {
    const officer = await ru.accounts.actorForEmail('officer@demo.phaseout');
    const people = await ru.directory.people(officer, { limit: 5 });
    for (const p of people.items) {
      expect(p.name).toMatch(/^[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+(ич|на)$/);
      expect(p.unit.startsWith('Администрация Президента')).toBe(true);
      // The e-mail stays in Latin letters, as a mail system writes it.
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+\.\d+@admin\.example$/);
    }
    const status = await ru.status.status('kremlin-iphone-2023');
    expect(status.title).toBe('Заменить iPhone — сотрудники блока внутренней политики');
    const units = await ru.directory.units(officer);
    expect(units.map((u) => u.path)).toContain(
      'Администрация Президента/Управление по внутренней политике/Отдел выборов',
    );
    // Search folds Cyrillic: a surname typed in lower case finds its people.
    const found = await ru.directory.people(officer, { q: 'новикова', limit: 100 });
    expect(found.total).toBeGreaterThan(0);
    expect(found.items.every((p) => p.name.startsWith('Новикова'))).toBe(true);
    const unitHead = await ru.accounts.actorForEmail('unithead@demo.phaseout');
    expect(unitHead.units).toEqual([
      'Администрация Президента/Управление по внутренней политике/Отдел выборов',
    ]);
    const accounts = await ru.store.db.selectFrom('accounts').select('language').execute();
    expect(new Set(accounts.map((a) => a.language))).toEqual(new Set(['ru']));
    const stock = await ru.store.db
      .selectFrom('stock_units')
      .select('location')
      .distinct()
      .execute();
    expect(stock.map((s) => s.location).sort()).toEqual([
      'Склад на Ильинке',
      'Склад на Старой площади',
    ]);
  });

  it('loads again only when the language asked differs', async () => {
    const cli = makeCli(url);
    expect((await cli.run('demo', '--language', 'ru')).out).toBe(
      'the demo is already loaded: nothing changed\n',
    );
    const bad = await cli.run('demo', '--language', 'de');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--language "de": use en or ru');
  });
});
