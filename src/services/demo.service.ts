import { fixedClock, type Clock } from '../adapters/clock.js';
import { writeCsv } from '../adapters/csv-write.js';
import {
  DEMO_STORY_DAY,
  DEMO_VERSION,
  generateDemo,
  type DemoFile,
  type DemoSnapshot,
} from '../domain/demo.generate.js';
import { DEMO_WORDS, type DemoWords } from '../domain/demo.words.js';
import type { Language } from '../domain/texts/languages.js';
import { AppError } from '../domain/errors.js';
import { parseInstant } from '../domain/time.js';
import { countAuditByActor } from '../store/audit.repository.js';
import { writeTransaction } from '../store/transaction.js';
import { clearAllTables, countPeopleAndDevices, hasAnyPerson } from '../store/demo.repository.js';
import type { Store } from '../store/database.js';
import { getSetting, putSetting } from '../store/settings.repository.js';
import { getUnitHeads } from '../store/units.repository.js';
import { makeAccountService } from './account.service.js';
import type { Actor, Role } from '../domain/access.policy.js';
import { makeAttestationService } from './attestation.service.js';
import { makeCampaignService } from './campaign.service.js';
import { makeStatusService } from './status.service.js';
import { makeImportService } from './import.service.js';
import { makeMandateService } from './mandate.service.js';
import { makeReplacementService } from './replacement.service.js';

export const DEMO_ACTOR = 'demo';

/** The elections department: the domestic-policy directorate's first, in the demo's words. */
function electionsOf(words: DemoWords): string {
  const [directorate, departments] = words.structure[0]!;
  return `${words.root}/${directorate}/${departments[0]}`;
}

/** One account per role, with the passwords the README documents. */
export const DEMO_ACCOUNTS = [
  { email: 'admin@demo.phaseout', role: 'admin', password: 'demo-admin-pass' },
  { email: 'officer@demo.phaseout', role: 'officer', password: 'demo-officer-pass' },
  { email: 'unithead@demo.phaseout', role: 'unit-head', password: 'demo-unithead-pass' },
  { email: 'logistics@demo.phaseout', role: 'logistics', password: 'demo-logistics-pass' },
  { email: 'official@demo.phaseout', role: 'official', password: 'demo-official-pass' },
  { email: 'auditor@demo.phaseout', role: 'auditor', password: 'demo-auditor-pass' },
] as const;

/**
 * The unit head heads the Elections Department; the official is one of its stragglers, whose
 * declared iPhone is caught by both the iPhone order and "no smartphones for official business".
 */
async function createDemoAccounts(
  store: Store,
  clock: Clock,
  words: DemoWords,
  language: Language,
): Promise<void> {
  const ELECTIONS = electionsOf(words);
  const accounts = makeAccountService({ store, clock });
  const heads = await getUnitHeads(store.db, [ELECTIONS]);
  const status = makeStatusService({ store, clock });
  const stragglers = await status.findings('kremlin-iphone-2023', {
    states: ['overdue'],
    unit: ELECTIONS,
  });
  const restricted = new Set(
    (
      await status.findings('no-official-smartphones', {
        states: ['pending', 'overdue'],
        unit: ELECTIONS,
      })
    ).map((f) => f.device),
  );
  const people: Record<string, string | null> = {
    'unit-head': heads.get(ELECTIONS) ?? null,
    official: (stragglers.find((f) => restricted.has(f.device)) ?? stragglers[0])?.owner ?? null,
  };
  for (const a of DEMO_ACCOUNTS) {
    const made = await accounts.addUser(
      { email: a.email, roles: [a.role], password: a.password, personId: people[a.role] ?? null },
      DEMO_ACTOR,
    );
    // In the Russian demo every account reads (and is written to) in Russian.
    if (language !== 'en')
      await accounts.setLanguage({ ...demoActor(a.role), accountId: made.id }, language);
  }
}

/** The replacements the iPhone order offers, and the stock logistics received for it. */
const demoStock = (words: DemoWords) => ({
  items: {
    'aurora-phone': {
      class: 'smartphone',
      platform: 'aurora',
      manufacturer: 'F+ tech',
      model: 'R570E',
      notes: words.items.aurora,
      // Issued for personal use: "no smartphones for official business" must not catch it.
      purposes: ['personal'],
    },
    'android-phone': {
      class: 'smartphone',
      platform: 'android',
      manufacturer: 'Samsung',
      model: 'Galaxy A54',
      notes: words.items.android,
      purposes: ['personal'],
    },
  },
  units: [
    { item: 'aurora-phone', location: words.depots[0], prefix: 'STK-AUR-', count: 40 },
    { item: 'aurora-phone', location: words.depots[1], prefix: 'STK-AUR-', count: 10 },
    { item: 'android-phone', location: words.depots[0], prefix: 'STK-AND-', count: 6 },
  ],
});
const STOCK_AT = '2023-03-06T20:00:00Z';

/** The demo acts in a role, for a person where one acts; the audit chain names it `demo`. */
function demoActor(role: Role, personId: string | null = null, email = DEMO_ACTOR): Actor {
  return {
    accountId: 0,
    email,
    auditName: DEMO_ACTOR,
    roles: new Set([role]),
    personId,
    units: [],
    readOnly: false,
  };
}

async function receiveDemoStock(
  r: ReturnType<typeof makeReplacementService>,
  words: DemoWords,
): Promise<void> {
  const DEMO_STOCK = demoStock(words);
  const actor = demoActor('logistics');
  for (const [id, item] of Object.entries(DEMO_STOCK.items)) await r.putItem(actor, id, item);
  const n = new Map<string, number>();
  const devices = DEMO_STOCK.units.flatMap((u) =>
    Array.from({ length: u.count }, () => {
      const k = (n.get(u.prefix) ?? 0) + 1;
      n.set(u.prefix, k);
      const id = `${u.prefix}${String(k).padStart(4, '0')}`;
      return { id, item: u.item, location: u.location, serial: `SN${id.slice(4)}` };
    }),
  );
  await r.receive(actor, { devices });
}

/**
 * Loads the demo into an empty database, or reloads its own; refuses a database with other data.
 * The demo replays March 2023 on a clock of its own, so its history reads as it happened.
 */
export function makeDemoService(deps: { store: Store }) {
  const { store } = deps;

  async function holdsOnlyDemo(): Promise<'empty' | 'demo' | 'other'> {
    const actors = await countAuditByActor(store.db);
    if (actors.length === 0) {
      return (await hasAnyPerson(store.db)) ? 'other' : 'empty';
    }
    if (actors.every((a) => a.actor === DEMO_ACTOR)) return 'demo';
    return 'other';
  }

  return {
    holdsOnlyDemo,
    /**
     * Loads (or reloads) the demo in a language (English unless asked); `loaded: false` when its
     * current version in that language is there already.
     */
    async load(
      language: Language = 'en',
    ): Promise<{ loaded: boolean; people: number; devices: number }> {
      const state = await holdsOnlyDemo();
      if (state === 'other') {
        throw new AppError(
          'conflict',
          'the database holds data other than the demo: the demo is not loaded',
          [
            {
              where: 'database',
              code: 'database_not_empty',
              params: { tables: '' },
              message: 'use an empty database (--db) for the demo',
            },
          ],
        );
      }
      if (
        state === 'demo' &&
        (await getSetting(store.db, 'demo_version')) === DEMO_VERSION &&
        ((await getSetting(store.db, 'demo_language')) ?? 'en') === language
      ) {
        return { loaded: false, ...(await countPeopleAndDevices(store.db)) };
      }
      // The old demo goes in one transaction: a crash leaves it whole or leaves nothing.
      if (state === 'demo')
        await writeTransaction(store, (tx) => clearAllTables(tx, store.dialect));
      const words = DEMO_WORDS[language];
      const script = generateDemo(undefined, language);
      const clock = fixedClock(0);
      const at = (text: string): number => parseInstant(text, 'UTC')!;
      const imports = makeImportService({ store, clock });
      const mandates = makeMandateService({ store, clock });
      const attestations = makeAttestationService({ store, clock });
      const campaigns = makeCampaignService({ store, clock });
      const { campaign } = script;
      const importSnapshot = async (s: DemoSnapshot): Promise<void> => {
        clock.set(at(s.observedAt) + 18 * 3_600_000);
        const common = { observedAt: s.observedAt, actor: DEMO_ACTOR };
        const csv = (f: DemoFile) => Buffer.from(writeCsv(f.header, f.rows));
        await imports.importPeople(csv(s.people), {
          ...common,
          fileName: `people-${s.observedAt}.csv`,
        });
        await imports.importDevices(csv(s.devices), {
          ...common,
          fileName: `devices-${s.observedAt}.csv`,
        });
      };
      await importSnapshot(script.baseline);
      clock.set(at(script.appliedAt));
      await mandates.apply(script.mandatesYaml, {
        fileName: 'demo-mandates.yaml',
        actor: DEMO_ACTOR,
      });
      const events = [
        ...script.snapshots.map((s) => ({
          t: at(s.observedAt) + 18 * 3_600_000,
          run: () => importSnapshot(s),
        })),
        {
          t: at(STOCK_AT),
          run: async () => {
            clock.set(at(STOCK_AT));
            await receiveDemoStock(makeReplacementService({ store, clock }), words);
          },
        },
        {
          t: at(campaign.openedAt),
          run: async () => {
            clock.set(at(campaign.openedAt));
            await campaigns.open(demoActor('officer'), {
              id: campaign.id,
              title: campaign.title,
              scope: { units: campaign.units },
              due: campaign.due,
            });
          },
        },
        ...campaign.declarations.map((d) => ({
          t: at(d.at),
          run: async () => {
            clock.set(at(d.at));
            await campaigns.declare(demoActor('official', d.person, d.email), campaign.id, {
              devices: d.devices,
              complete: d.complete,
            });
          },
        })),
        ...campaign.attestations.map((a) => ({
          t: at(a.at),
          run: async () => {
            clock.set(at(a.at));
            const head = { ...demoActor('unit-head', a.by), units: [a.unit] };
            const open = await campaigns.people(head, campaign.id, {
              state: 'not-started,in-progress',
              unit: a.unit,
              all: true,
            });
            await campaigns.attest(head, campaign.id, {
              unit: a.unit,
              exceptions: open.items.map((p) => ({
                person: p.person,
                reason: words.campaignException,
              })),
            });
          },
        })),
        ...script.attestations.map((a) => ({
          t: at(a.at),
          run: async () => {
            clock.set(at(a.at));
            await attestations.attest({
              mandate: a.mandate,
              phase: a.phase,
              unit: a.unit,
              by: a.by,
              actor: DEMO_ACTOR,
            });
          },
        })),
      ].sort((x, y) => x.t - y.t);
      for (const e of events) await e.run();
      await createDemoAccounts(store, clock, words, language);
      await putSetting(store.db, 'demo_version', DEMO_VERSION);
      await putSetting(store.db, 'demo_language', language);
      return { loaded: true, ...(await countPeopleAndDevices(store.db)) };
    },

    /** The demo's story day when the database holds the demo; null otherwise. */
    async storyDay(): Promise<string | null> {
      return (await getSetting(store.db, 'demo_version')) === null ? null : DEMO_STORY_DAY;
    },
  };
}
