/**
 * The demo organisation: the March 2023 story, generated deterministically.
 * A presidential administration, its officials and their devices, three mandates,
 * weekly snapshots through March and early April, and the unit heads' attestations. The
 * domestic-policy officials' own iPhones are in no register: they become known when the officials
 * declare them in the March declaration campaign, and only then does the iPhone order catch them.
 */

import { DEVICE_COLUMNS, DEVICE_SCHEMA } from './device.model.js';
import { PEOPLE_COLUMNS } from './people.import-rules.js';
import { DEMO_WORDS, demoEmail, demoName, type DemoWords } from './demo.words.js';
import type { Language } from './texts/languages.js';

export const DEMO_VERSION = '5';

/** A file's content before it is written as CSV: its header and rows. */
export interface DemoFile {
  header: string[];
  rows: string[][];
}

/** One weekly snapshot: the full people and devices files as observed that day. */
export interface DemoSnapshot {
  observedAt: string;
  people: DemoFile;
  devices: DemoFile;
}

export interface DemoAttestation {
  at: string;
  mandate: string;
  phase: string;
  unit: string;
  by: string;
}

/** One official's declaration: their own devices, and whether they confirm the list complete. */
export interface DemoDeclaration {
  at: string;
  person: string;
  email: string;
  devices: {
    class: string;
    platform: string;
    manufacturer: string;
    model: string;
    osVersion: string;
    serial: string;
    ownership: 'personal';
    purposes: string[];
  }[];
  complete: boolean;
}

/** The declaration campaign: who is asked, by when, and the heads who answer for their units. */
export interface DemoCampaign {
  id: string;
  title: string;
  units: string[];
  due: string;
  openedAt: string;
  declarations: DemoDeclaration[];
  /** Department heads who attest, naming those who never confirmed. */
  attestations: { at: string; unit: string; by: string }[];
}

export interface DemoScript {
  baseline: DemoSnapshot;
  mandatesYaml: string;
  appliedAt: string;
  snapshots: DemoSnapshot[];
  attestations: DemoAttestation[];
  campaign: DemoCampaign;
}

export const DEMO_CAMPAIGN = 'dpd-devices-2023';

/** The day the demo's console opens on: the day after the iPhone order fell due. */
export const DEMO_STORY_DAY = '2023-04-02';

/** A small seeded generator (mulberry32): the same seed gives the same demo. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoPerson {
  id: string;
  name: string;
  email: string;
  unit: string;
  title: string;
  supervisor: string;
  tags: string[];
  headOf: string;
  active: boolean;
}

interface DemoDevice {
  id: string;
  /** The order of creation: fixed whatever the id becomes. */
  seq: number;
  owner: string;
  class: string;
  platform: string;
  osVersion: string;
  manufacturer: string;
  model: string;
  serial: string;
  ownership: 'corporate' | 'personal';
  purposes: string[];
  status: string;
  apps: string[];
  /** A personal device in no register: it enters the snapshots after it was declared, on this day. */
  declaredOn?: string;
  /** The unit that holds it when no person does: a shared phone (DESIGN §5a). */
  unit?: string;
}

function peopleFile(people: DemoPerson[]): DemoFile {
  const header = [...PEOPLE_COLUMNS];
  const rows = people.map((p) => [
    p.id,
    p.name,
    p.email,
    p.unit,
    p.title,
    p.supervisor,
    p.tags.join(';'),
    p.headOf,
    String(p.active),
  ]);
  return { header, rows };
}

/** The register as observed on a day: personal devices only once they were declared before it. */
function devicesFile(devices: DemoDevice[], observedAt: string): DemoFile {
  const header = [...DEVICE_COLUMNS];
  const known = devices.filter(
    (d) => d.ownership === 'corporate' || (d.declaredOn !== undefined && d.declaredOn < observedAt),
  );
  // Each column from the device's field of that name (the demo knows no IMEI): lists ;-joined.
  const rows = known.map((d) =>
    Object.keys(DEVICE_SCHEMA).map((f) => {
      const v = (d as unknown as Record<string, unknown>)[f];
      return Array.isArray(v) ? v.join(';') : typeof v === 'string' ? v : '';
    }),
  );
  return { header, rows };
}

/** The three mandates of the demo in the words of its language. */
export function demoMandates(words: DemoWords): string {
  const m = words.mandates;
  const dpd = `${words.root}/${words.structure[0]![0]}`;
  return `# The three mandates of the demo: the March 2023 story.
apiVersion: phaseout/v1
kind: Mandate
metadata:
  id: kremlin-iphone-2023
  title: ${m.iphone.title}
  reference: ${m.iphone.reference}
  issuedBy: ${m.iphone.issuedBy}
  issuedAt: 2023-03-01
spec:
  scope:
    units: ["${dpd}"]
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone, android-phone] }
  phases:
    - id: replace
      title: ${m.iphone.phase}
      starts: 2023-03-01
      due: 2023-04-01
      requires: resolve
  exemptions: { allowed: false }
---
apiVersion: phaseout/v1
kind: Mandate
metadata:
  id: no-official-smartphones
  title: ${m.smartphones.title}
  reference: ${m.smartphones.reference}
  issuedAt: 2023-03-20
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases:
    - { id: effective, title: ${m.smartphones.phase}, due: 2023-04-28, requires: resolve }
  exemptions: { allowed: true, grounds: [national-security], maxDuration: P90D, approver: officer }
---
apiVersion: phaseout/v1
kind: Mandate
metadata:
  id: kaspersky-removal-2023
  title: ${m.kaspersky.title}
  reference: ${m.kaspersky.reference}
  issuedAt: 2023-03-01
spec:
  target: '"kaspersky-endpoint" in device.apps'
  action: remove
  phases:
    - { id: identify, title: ${m.kaspersky.identify}, due: 2023-03-10, requires: attest, attestBy: unit-head }
    - { id: plan, title: ${m.kaspersky.plan}, due: 2023-03-24, requires: attest, attestBy: unit-head }
    - { id: remove, title: ${m.kaspersky.remove}, starts: 2023-03-27, requires: resolve }
  reports: { every: P30D, from: 2023-03-27 }
  exemptions: { allowed: true, grounds: [national-security], maxDuration: P1Y, approver: officer }
`;
}

/** Builds the whole demo script from a fixed seed. */
export function generateDemo(seed = 20230301, language: Language = 'en'): DemoScript {
  const words = DEMO_WORDS[language];
  const ROOT = words.root;
  const DPD = `${ROOT}/${words.structure[0]![0]}`;
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const index = (n: number): number => Math.floor(rnd() * n);
  const people: DemoPerson[] = [];
  const devices: DemoDevice[] = [];
  let pn = 0;
  let dn = 0;
  const newPerson = (unit: string, title: string, supervisor: string, headOf = ''): DemoPerson => {
    pn++;
    const id = `P${String(pn).padStart(5, '0')}`;
    const given = index(words.given.length);
    const family = index(words.family.length);
    const p: DemoPerson = {
      id,
      name: demoName(words, language, given, family, pn),
      email: demoEmail(given, family, pn),
      unit,
      title,
      supervisor,
      tags: [],
      headOf,
      active: true,
    };
    people.push(p);
    return p;
  };
  const head = newPerson(ROOT, words.heads.administration, '', ROOT);
  for (const [d, [directorate, departments]] of words.structure.entries()) {
    const dPath = `${ROOT}/${directorate}`;
    const dHead = newPerson(dPath, words.heads.directorate, head.id, dPath);
    for (const [k, dep] of departments.entries()) {
      const path = `${dPath}/${dep}`;
      const depHead = newPerson(path, words.heads.department, dHead.id, path);
      const size = d === 0 ? 95 + Math.floor(rnd() * 20) : 85 + Math.floor(rnd() * 40);
      for (let i = 0; i < size; i++) {
        const p = newPerson(path, pick(words.titles), depHead.id);
        // The elections department is the domestic-policy directorate's first.
        if (d === 0 && k === 0 && rnd() < 0.6) p.tags.push('elections-2024');
        if (rnd() < 0.1) p.tags.push('security-cleared');
      }
    }
  }
  const inDpd = (p: DemoPerson): boolean => p.unit === DPD || p.unit.startsWith(DPD + '/');
  const newDevice = (
    owner: string,
    cls: string,
    platform: string,
    model: string,
    purposes: string[],
    apps: string[] = [],
    ownership: DemoDevice['ownership'] = 'corporate',
  ): DemoDevice => {
    dn++;
    const d: DemoDevice = {
      id: `D${String(dn).padStart(6, '0')}`,
      seq: dn,
      owner,
      class: cls,
      platform,
      osVersion:
        platform === 'ios'
          ? pick(['15.7', '16.3', '16.4'])
          : platform === 'android'
            ? pick(['12', '13'])
            : '',
      manufacturer:
        platform === 'ios' || platform === 'ipados' || platform === 'macos'
          ? 'Apple'
          : pick(['Samsung', 'Xiaomi', 'Lenovo', 'HP']),
      model,
      serial: `SN${(100000 + dn * 7919) % 999983}`,
      ownership,
      purposes,
      status: 'active',
      apps,
    };
    devices.push(d);
    return d;
  };
  for (const p of people) {
    const iphone = rnd() < (inDpd(p) ? 0.55 : 0.4);
    newDevice(
      p.id,
      'smartphone',
      iphone ? 'ios' : 'android',
      iphone
        ? pick(['iPhone 12', 'iPhone 13', 'iPhone 14'])
        : pick(['Galaxy S22', 'Redmi Note 11']),
      rnd() < 0.8 ? ['official', 'personal'] : ['personal'],
      [],
      // The domestic-policy officials' iPhones are their own: no register knows them.
      iphone && inDpd(p) ? 'personal' : 'corporate',
    );
    if (rnd() < 0.25)
      newDevice(p.id, 'tablet', rnd() < 0.6 ? 'ipados' : 'android', 'Tablet', ['official']);
    if (rnd() < 0.7) {
      const kaspersky = rnd() < 0.3;
      newDevice(
        p.id,
        'laptop',
        rnd() < 0.8 ? 'windows' : 'linux',
        pick(['ThinkPad T14', 'EliteBook 840']),
        ['official'],
        kaspersky ? ['kaspersky-endpoint', 'office'] : ['office'],
      );
    }
  }
  const dpdStaff = people.filter((p) => inDpd(p) && !p.headOf);
  const leavers = new Set([dpdStaff[7]!.id, dpdStaff[45]!.id, dpdStaff[160]!.id]);
  const movers = new Set([dpdStaff[12]!.id, dpdStaff[99]!.id]);
  const campaign = planCampaign(
    people.filter(inDpd),
    devices,
    (p) => leavers.has(p.id) || movers.has(p.id),
    rnd,
    { title: words.campaignTitle, unit: DPD },
  );
  const baseline = {
    observedAt: '2023-02-27',
    people: peopleFile(people),
    devices: devicesFile(devices, '2023-02-27'),
  };

  // Who replaces their iPhone in which week; about one in twelve never does.
  const weeks = [
    '2023-03-06',
    '2023-03-13',
    '2023-03-20',
    '2023-03-27',
    '2023-04-03',
    '2023-04-10',
  ];
  // Only declared iPhones can be handed in: the others stay unknown, in their owners' pockets.
  const iphones = devices.filter((d) => d.platform === 'ios' && d.declaredOn !== undefined);
  const replaceWeek = new Map<string, number>();
  for (const d of iphones) {
    const r = rnd();
    const planned =
      r < 0.1 ? 0 : r < 0.32 ? 1 : r < 0.55 ? 2 : r < 0.78 ? 3 : r < 0.86 ? 4 : r < 0.9 ? 5 : -1;
    const known = weeks.findIndex((w) => w > d.declaredOn!);
    replaceWeek.set(d.id, planned === -1 || known === -1 ? -1 : Math.max(planned, known));
  }
  const kasperskyWeek = new Map<string, number>();
  for (const d of devices.filter((x) => x.apps.includes('kaspersky-endpoint'))) {
    const r = rnd();
    kasperskyWeek.set(d.id, r < 0.45 ? 3 : r < 0.75 ? 4 : r < 0.9 ? 5 : -1);
  }
  const restrictWeek = new Map<string, number>();
  for (const d of devices.filter(
    (x) => x.class === 'smartphone' && x.purposes.includes('official'),
  )) {
    const r = rnd();
    restrictWeek.set(d.id, r < 0.3 ? 3 : r < 0.6 ? 4 : r < 0.75 ? 5 : -1);
  }
  devices.push(...heldDevices(dpdStaff[7]!, DPD));
  const snapshots: DemoSnapshot[] = [];
  weeks.forEach((observedAt, w) => {
    for (const d of [...devices]) {
      if (replaceWeek.get(d.id) === w && d.status === 'active') {
        const owner = d.owner;
        if (w === 2 && d.seq % 9 === 0) {
          d.status = 'lost';
        } else {
          d.status = 'retired';
          d.owner = '';
        }
        const aurora = d.seq % 3 !== 0;
        newDevice(
          owner,
          'smartphone',
          aurora ? 'aurora' : 'android',
          aurora ? 'Aquarius NS M11' : 'Galaxy A54',
          ['personal'],
        );
      }
      if (kasperskyWeek.get(d.id) === w) d.apps = d.apps.filter((a) => a !== 'kaspersky-endpoint');
      if (restrictWeek.get(d.id) === w) d.purposes = d.purposes.filter((x) => x !== 'official');
    }
    if (w === 1) for (const p of people) if (leavers.has(p.id)) p.active = false;
    if (w === 2)
      for (const p of people)
        if (movers.has(p.id))
          p.unit = `${ROOT}/${words.structure[2]![0]}/${words.structure[2]![1][0]}`;
    if (w === 3) {
      // One iPhone handed from one domestic-policy official to another: a transfer, not progress.
      const handed = iphones.find(
        (d) => d.status === 'active' && replaceWeek.get(d.id) === -1 && d.declaredOn! < observedAt,
      );
      const receiver = dpdStaff.find(
        (p) => p.active && !movers.has(p.id) && p.id !== handed?.owner,
      );
      if (handed && receiver) handed.owner = receiver.id;
    }
    snapshots.push({
      observedAt,
      people: peopleFile(people),
      devices: devicesFile(devices, observedAt),
    });
  });

  const attestations: DemoAttestation[] = [];
  const heads = people.filter((p) => p.headOf);
  heads.forEach((h, i) => {
    attestations.push({
      at: i % 7 === 3 ? '2023-03-14T10:00:00' : '2023-03-09T16:00:00',
      mandate: 'kaspersky-removal-2023',
      phase: 'identify',
      unit: h.headOf,
      by: h.id,
    });
    if (i % 5 !== 1)
      attestations.push({
        at: '2023-03-23T12:00:00',
        mandate: 'kaspersky-removal-2023',
        phase: 'plan',
        unit: h.headOf,
        by: h.id,
      });
  });
  return {
    baseline,
    mandatesYaml: demoMandates(words),
    appliedAt: '2023-02-28T09:00:00',
    snapshots,
    attestations,
    campaign,
  };
}

/**
 * The devices that make progress real (DESIGN §5a), taken from no random draw so that the rest of
 * the story stays as it was: a leaver's corporate iPhone (when they leave in the second week it
 * passes to their department's custody and stays caught), the reception's shared iPhone held by
 * the directorate, and a spare iPhone in the register that nobody holds (counted unassigned).
 */
function heldDevices(leaver: DemoPerson, dpd: string): DemoDevice[] {
  const iphone = (id: string, serial: string, owner: string, unit?: string): DemoDevice => ({
    id,
    seq: 0,
    owner,
    class: 'smartphone',
    platform: 'ios',
    osVersion: '16.3',
    manufacturer: 'Apple',
    model: 'iPhone 14',
    serial,
    ownership: 'corporate',
    purposes: ['official'],
    status: 'active',
    apps: [],
    ...(unit ? { unit } : {}),
  });
  return [
    iphone('CORP-IPHONE-0001', 'SNC0001', leaver.id),
    iphone('RECEPTION-IPHONE-0001', 'SNR0001', '', dpd),
    iphone('SPARE-IPHONE-0001', 'SNS0001', ''),
  ];
}

const ON_TIME = ['03-01', '03-02', '03-03', '03-07', '03-08', '03-09', '03-10'];
const LATE = ['03-14', '03-15', '03-16', '03-17', '03-21', '03-22'];

/**
 * The declaration campaign of the Domestic Policy Directorate, opened on 1 March 2023 and due on
 * the 10th: about four in five confirm by then, one in ten late, the rest start and stop or never
 * answer. Declarations fall on days without a register snapshot (Mondays), between 07:00 and 16:00.
 * Each declared device takes the id the declaration gives it; the undeclared stay unknown.
 */
function planCampaign(
  asked: DemoPerson[],
  devices: DemoDevice[],
  leavesInMarch: (p: DemoPerson) => boolean,
  rnd: () => number,
  about: { title: string; unit: string },
): DemoCampaign {
  const declarations: DemoDeclaration[] = [];
  for (const p of asked) {
    const own = devices.filter((d) => d.owner === p.id && d.ownership === 'personal');
    const r = rnd();
    const kind = r < 0.8 ? 'on-time' : r < 0.9 ? 'late' : r < 0.95 ? 'started' : 'never';
    const days = kind === 'late' && !leavesInMarch(p) ? LATE : ON_TIME;
    const day = `2023-${days[Math.floor(rnd() * days.length)]!}`;
    const time = `${String(7 + Math.floor(rnd() * 9)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}`;
    if (kind === 'never' || (kind === 'started' && own.length === 0)) continue;
    own.forEach((d, i) => {
      d.id = `${DEMO_CAMPAIGN}:${p.id}:${i + 1}`;
      d.declaredOn = day;
    });
    declarations.push({
      at: `${day}T${time}:00`,
      person: p.id,
      email: p.email,
      devices: own.map((d) => ({
        class: d.class,
        platform: d.platform,
        manufacturer: d.manufacturer,
        model: d.model,
        osVersion: d.osVersion,
        serial: d.serial,
        ownership: 'personal' as const,
        purposes: d.purposes,
      })),
      complete: kind !== 'started',
    });
  }
  declarations.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const departments = asked.filter((p) => p.headOf && p.headOf.split('/').length === 3);
  return {
    id: DEMO_CAMPAIGN,
    title: about.title,
    units: [about.unit],
    due: '2023-03-10',
    openedAt: '2023-03-01T06:00:00',
    declarations,
    // Three of the five department heads answer for their units; two never do.
    attestations: departments
      .filter((_, i) => i === 1 || i === 2 || i === 3)
      .map((h) => ({ at: '2023-03-24T15:00:00', unit: h.headOf, by: h.id })),
  };
}
