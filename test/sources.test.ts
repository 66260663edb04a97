import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi } from './helpers/api.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'sources');
const fixture = (name: string): string => join(FIXTURES, name);
const PASSWORD = 'correct horse battery';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Admin/Domestic Policy] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

interface DeviceBody {
  id: string;
  owner: string | null;
  class: string;
  platform: string;
  osVersion: string | null;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  imei: string | null;
  ownership: string | null;
  purposes: string[];
  status: string;
  sources: {
    source: string;
    lastSeen: string;
    notReportedSince: string | null;
    lastContact: string | null;
  }[];
}

interface Summary {
  created: number;
  updated: number;
  unchanged: number;
  unmatchedOwners: { line: number; device: string; email: string }[];
  notReported: { device: string; since: string }[];
  conflicts: { line: number; device: string; message: string }[];
  problems: unknown[];
  format: string;
  source: string;
}

describeEachDatabase('device sources: Intune, Jamf, Snipe-IT, Google and maps', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let cli: ReturnType<typeof makeCli>;
  // Tokens, not sessions: the clock moves on by days here.
  let officer: { headers: { authorization: string } };
  let logistics: { headers: { authorization: string } };
  const as = (who: typeof officer, o: Parameters<typeof api.call>[1]) =>
    api.call(null, { ...o, headers: { ...(o.headers ?? {}), ...who.headers } });
  const device = async (id: string): Promise<DeviceBody> => {
    const r = await as(officer, {
      method: 'GET',
      url: `/api/v1/devices/${encodeURIComponent(id)}`,
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<DeviceBody>();
  };
  const importOver = async (
    query: string,
    file: string,
  ): Promise<{ status: number; body: Summary }> => {
    const r = await as(officer, {
      method: 'POST',
      url: `/api/v1/imports/devices?${query}`,
      headers: { 'content-type': 'text/csv' },
      payload: readFileSync(fixture(file)),
    });
    return { status: r.statusCode, body: r.json<Summary>() };
  };

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-01T12:00:00Z');
    expect(
      (await cli.run('import', 'people', fixture('people.csv'), '--observed-at', '2023-03-01'))
        .code,
    ).toBe(0);
    expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
    api = await makeApi(url, '2023-03-04T12:00:00Z');
    for (const [email, roles] of [
      ['officer@x.org', ['officer']],
      ['logistics@x.org', ['logistics']],
    ] as const)
      await api.app.accounts.addUser({ email, roles: [...roles], password: PASSWORD }, 'test');
    const token = async (email: string) => ({
      headers: {
        authorization: `Bearer ${(await api.app.accounts.createToken({ email, name: 't' }, 'test')).token}`,
      },
    });
    officer = await token('officer@x.org');
    logistics = await token('logistics@x.org');
    // A spare iPhone that phaseout's own workflow holds in stock: Intune still lists it.
    await as(logistics, {
      method: 'PUT',
      url: '/api/v1/catalogue/spare-iphone',
      payload: { class: 'smartphone', platform: 'ios', manufacturer: 'Apple', model: 'iPhone 13' },
    });
    const stock = await as(logistics, {
      method: 'POST',
      url: '/api/v1/stock',
      payload: {
        devices: [
          { id: 'STOCK-1', item: 'spare-iphone', location: 'Depot', serial: 'F2LXK0HHHHH8' },
        ],
      },
    });
    expect(stock.statusCode, stock.body).toBe(201);
  });
  afterAll(() => api.close());

  it('imports an Intune export over the CLI: owners by e-mail, normalised fields, unknown owners listed', async () => {
    cli.at('2023-03-05T12:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      fixture('intune.csv'),
      '--format',
      'intune',
      '--observed-at',
      '2023-03-05',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as Summary;
    expect(s).toMatchObject({
      format: 'intune',
      source: 'intune',
      created: 7,
      updated: 1,
      unchanged: 0,
    });
    expect(s.unmatchedOwners).toEqual([
      { line: 8, device: 'intune:F2LXK0GGGGG7', email: 'someone.else@contractor.example' },
    ]);
    expect(s.conflicts.map((c) => [c.line, c.device])).toEqual([[9, 'STOCK-1']]);
    expect(s.conflicts[0]!.message).toContain('is in_stock through phaseout');
    expect(await device('intune:F2LXK0AAAAA1')).toMatchObject({
      owner: 'P1',
      class: 'smartphone',
      platform: 'ios',
      osVersion: '16.3.1',
      manufacturer: 'Apple',
      model: 'iPhone 14 Pro',
      ownership: 'corporate',
      purposes: ['official'],
      status: 'active',
    });
    expect(await device('intune:DMPXK0BBBBB2')).toMatchObject({
      class: 'tablet',
      platform: 'ipados',
      owner: 'P2',
    });
    expect(await device('intune:R58T10CCCC3')).toMatchObject({
      class: 'smartphone',
      platform: 'android',
      ownership: 'personal',
    });
    expect(await device('intune:R52T20DDDD4')).toMatchObject({
      class: 'tablet',
      platform: 'android',
    });
    expect(await device('intune:7XKQ2Y3')).toMatchObject({
      class: 'laptop',
      platform: 'windows',
      osVersion: '10.0.19045.2604',
    });
    expect(await device('intune:C02FFFFFF6')).toMatchObject({
      class: 'laptop',
      platform: 'macos',
      manufacturer: 'Apple',
      model: 'MacBookPro18,3',
    });
    expect(await device('intune:F2LXK0GGGGG7')).toMatchObject({ owner: null, platform: 'ios' });
    // The held unit keeps its status and owner.
    expect(await device('STOCK-1')).toMatchObject({ status: 'in_stock', owner: null });
    // Anna's iPhone is caught by the mandate: her owner came from the e-mail.
    const findings = await cli.json<{ device: string }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(findings.map((f) => f.device)).toEqual(['intune:F2LXK0AAAAA1']);
  });

  it('a second source reporting the same serial (any case) updates the same device; identifiers become names', async () => {
    api.at('2023-03-06T12:00:00Z');
    const r = await importOver('format=auto&observedAt=2023-03-06', 'jamf-mobile.csv');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      format: 'jamf',
      source: 'jamf',
      created: 2,
      updated: 0,
      unchanged: 1,
      problems: [],
    });
    const anna = await device('intune:F2LXK0AAAAA1');
    expect(anna).toMatchObject({ serial: 'F2LXK0AAAAA1', owner: 'P1', model: 'iPhone 14 Pro' });
    expect(anna.sources.map((x) => x.source)).toEqual(['intune', 'jamf']);
    expect(anna.sources[1]).toMatchObject({
      lastSeen: '2023-03-06T00:00:00.000Z',
      notReportedSince: null,
    });
    expect(await device('jamf:F2LXK0JJJJJ9')).toMatchObject({
      model: 'iPhone 13',
      manufacturer: 'Apple',
      platform: 'ios',
      owner: 'P2',
      osVersion: '15.7.3',
    });
    expect(await device('jamf:DMPXK0KKKK10')).toMatchObject({
      model: 'iPad (10th generation)',
      platform: 'ipados',
      class: 'tablet',
    });
    const macs = await importOver('format=jamf&observedAt=2023-03-06T01:00', 'jamf-computers.csv');
    expect(macs.body).toMatchObject({ created: 1, updated: 1 });
    expect(await device('jamf:C02GGGGGG7')).toMatchObject({ class: 'desktop', platform: 'macos' });
  });

  it('imports Snipe-IT and Google exports and a register through a map', async () => {
    const snipe = await importOver('format=snipeit&observedAt=2023-03-06T02:00', 'snipeit.csv');
    expect(snipe.body).toMatchObject({ created: 3, unmatchedOwners: [] });
    expect(await device('snipeit:NK0000000011')).toMatchObject({
      class: 'feature_phone',
      owner: 'P4',
      ownership: 'corporate',
    });
    expect(await device('snipeit:PF0000000012')).toMatchObject({
      class: 'laptop',
      owner: null,
      // "Ready to Deploy": a spare in the depot, not a phone in use.
      status: 'in_stock',
    });
    expect(await device('snipeit:R58T10LOST13')).toMatchObject({
      status: 'lost',
      platform: 'android',
    });
    const google = await importOver('format=google&observedAt=2023-03-06T03:00', 'google.csv');
    expect(google.body).toMatchObject({ created: 2, unchanged: 1 });
    expect(await device('google:g-0002')).toMatchObject({
      imei: '352222222222220',
      osVersion: '13',
      ownership: 'personal',
      owner: 'P3',
    });
    expect(await device('google:R52T30TAB014')).toMatchObject({ class: 'tablet', status: 'wiped' });
    const map = cli.file(readFileSync(fixture('register.map.yaml')), 'register.map.yaml');
    cli.at('2023-03-06T12:00:00Z');
    const reg = await cli.run(
      'import',
      'devices',
      fixture('register.csv'),
      '--map',
      map,
      '--observed-at',
      '2023-03-06T04:00',
      '--delimiter',
      ';',
    );
    expect(reg.code, reg.err).toBe(0);
    expect(await device('register:AUR0000000015')).toMatchObject({
      platform: 'aurora',
      class: 'smartphone',
      ownership: 'corporate',
      owner: 'P1',
    });
  });

  it('--sync: devices the source no longer lists are not reported since then, and still counted', async () => {
    const before = await cli.json<{ devices: { pending: number } }>('status', 'iphones', '--json');
    const text = readFileSync(fixture('intune.csv'), 'utf8').split('\n');
    const without = [text[0], ...text.slice(2)].join('\n'); // Anna's iPhone left Intune
    cli.at('2023-03-07T12:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      cli.file(without),
      '--format',
      'intune',
      '--sync',
      '--observed-at',
      '2023-03-07',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as Summary).notReported).toEqual([
      { device: 'intune:F2LXK0AAAAA1', since: '2023-03-07T00:00:00.000Z' },
    ]);
    const anna = await device('intune:F2LXK0AAAAA1');
    expect(anna.sources.find((x) => x.source === 'intune')).toMatchObject({
      notReportedSince: '2023-03-07T00:00:00.000Z',
    });
    expect(anna.status).toBe('active');
    const after = await cli.json<{ devices: { pending: number } }>('status', 'iphones', '--json');
    expect(after.devices.pending).toBe(before.devices.pending);
    // Reported again: the mark goes.
    cli.at('2023-03-08T12:00:00Z');
    await cli.run(
      'import',
      'devices',
      fixture('intune.csv'),
      '--format',
      'intune',
      '--sync',
      '--observed-at',
      '2023-03-08',
    );
    expect(
      (await device('intune:F2LXK0AAAAA1')).sources.find((x) => x.source === 'intune')
        ?.notReportedSince,
    ).toBeNull();
  });

  it('refuses what it cannot read, whole, and writes nothing', async () => {
    const noId = cli.file('Device name,OS\nphone,iOS\n');
    const r = await cli.run('import', 'devices', noId, '--format', 'intune');
    expect(r.code).toBe(2);
    expect(r.err).toContain('needs one of the columns');
    const unknown = cli.file('a,b\n1,2\n');
    const auto = await cli.run('import', 'devices', unknown, '--format', 'auto');
    expect(auto.code).toBe(2);
    expect(auto.err).toContain('cannot be told from the header');
    const dup = cli.file('Serial number,OS\nX1,iOS\nx1,iOS\n,iOS\n', 'dup.csv');
    const d = await cli.run(
      'import',
      'devices',
      dup,
      '--format',
      'intune',
      '--observed-at',
      '2023-03-08',
    );
    expect(d.code).toBe(2);
    expect(d.err).toContain('dup.csv:3');
    expect(d.err).toContain('is the same device as line 2');
    expect(d.err).toContain('cannot be identified');
    const badMap = cli.file('columns: { S/N: serialnumber }\n', 'bad.yaml');
    const m = await cli.run('import', 'devices', dup, '--map', badMap);
    expect(m.code).toBe(2);
    expect(m.err).toContain('bad.yaml: columns.S/N');
    const anon = await api.call(null, {
      method: 'POST',
      url: '/api/v1/imports/devices?format=intune',
      headers: { 'content-type': 'text/csv' },
      payload: 'x',
    });
    expect(anon.statusCode).toBe(401);
    const forbidden = await as(logistics, {
      method: 'POST',
      url: '/api/v1/imports/devices?format=intune',
      headers: { 'content-type': 'text/csv' },
      payload: 'Serial number\nX\n',
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('a status-only native row changes a stored device without class and platform; a new one needs them', async () => {
    cli.at('2023-03-09T12:00:00Z');
    const ok = await cli.run(
      'import',
      'devices',
      cli.file('id,status\nintune:7XKQ2Y3,lost\n'),
      '--observed-at',
      '2023-03-09',
    );
    expect(ok.code, ok.err).toBe(0);
    expect(await device('intune:7XKQ2Y3')).toMatchObject({
      status: 'lost',
      class: 'laptop',
      platform: 'windows',
    });
    const bad = await cli.run(
      'import',
      'devices',
      cli.file('id,status\nnew-one,active\n'),
      '--observed-at',
      '2023-03-09',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('class');
    expect(bad.err).toContain('is required for a new device');
  });

  it('reads last contact as a time in every shape vendors write, in the zone each writes it', async () => {
    cli.at('2023-03-10T12:00:00Z');
    expect(
      (await cli.run('--as', 'officer@x.org', 'settings', 'timezone', 'Europe/Moscow')).code,
    ).toBe(0);
    // Intune re-saved by American Excel (UTC), Jamf (the organisation's zone), Russian Excel.
    const intune = cli.file(
      'Device ID,Serial number,OS,Last check-in\r\nt-1,TIME-1,iOS,3/9/2023 6:14:12 AM\r\nt-2,TIME-2,iOS,2023-03-09 06:14:12.0000000\r\n',
    );
    const i = await cli.run(
      'import',
      'devices',
      intune,
      '--format',
      'intune',
      '--observed-at',
      '2023-03-10',
    );
    expect(i.code, i.err).toBe(0);
    const jamf = cli.file(
      'Serial Number;UDID;Model;Last Inventory Update\nTIME-1;u-1;iPhone 13;2023-03-09 at 9:14 AM\nTIME-3;u-3;iPhone 13;09.03.2023 14:05\n',
    );
    const j = await cli.run(
      'import',
      'devices',
      jamf,
      '--format',
      'jamf',
      '--observed-at',
      '2023-03-10T01:00',
    );
    expect(j.code, j.err).toBe(0);
    const contact = async (id: string, source: string) =>
      (await device(id)).sources.find((x) => x.source === source)!;
    expect((await contact('intune:TIME-1', 'intune')).lastContact).toBe('2023-03-09T06:14:12.000Z');
    expect((await contact('intune:TIME-2', 'intune')).lastContact).toBe('2023-03-09T06:14:12.000Z');
    expect((await contact('intune:TIME-1', 'jamf')).lastContact).toBe('2023-03-09T06:14:00.000Z');
    expect((await contact('jamf:TIME-3', 'jamf')).lastContact).toBe('2023-03-09T11:05:00.000Z');
    // What no reader can read is refused naming its line and column, and nothing is written.
    const bad = cli.file(
      'Device ID,Serial number,OS,Last check-in\nt-4,TIME-4,iOS,yesterday\nt-5,TIME-5,iOS,31.02.2023\n',
      'late.csv',
    );
    const b = await cli.run(
      'import',
      'devices',
      bad,
      '--format',
      'intune',
      '--observed-at',
      '2023-03-10T02:00',
    );
    expect(b.code).toBe(2);
    expect(b.err).toContain('late.csv:2 last check-in "yesterday": is not a time');
    expect(b.err).toContain('late.csv:3 last check-in "31.02.2023": is not a time');
    const gone = await as(officer, { method: 'GET', url: '/api/v1/devices/intune%3ATIME-4' });
    expect(gone.statusCode).toBe(404);
    expect((await cli.run('--as', 'officer@x.org', 'settings', 'timezone', 'UTC')).code).toBe(0);
  });

  it('checks IMEIs: digits kept, a wrong check digit or what Excel made of one refused, named', async () => {
    cli.at('2023-03-11T12:00:00Z');
    const good = cli.file(
      'Device ID,Serial number,OS,IMEI\nm-1,IMEI-1,Android,35-123456-000001-0\n',
    );
    const g = await cli.run(
      'import',
      'devices',
      good,
      '--format',
      'intune',
      '--observed-at',
      '2023-03-11',
    );
    expect(g.code, g.err).toBe(0);
    expect((await device('intune:IMEI-1')).imei).toBe('351234560000010');
    const bad = cli.file(
      'Device ID,Serial number,OS,IMEI\nm-2,IMEI-2,Android,3.56789E+14\nm-3,IMEI-3,Android,353456789012345\nm-4,IMEI-4,Android,1234\n',
      'excel.csv',
    );
    const b = await cli.run(
      'import',
      'devices',
      bad,
      '--format',
      'intune',
      '--observed-at',
      '2023-03-11T01:00',
    );
    expect(b.code).toBe(2);
    expect(b.err).toContain('excel.csv:2 imei "3.56789E+14": Excel turned this IMEI into a number');
    expect(b.err).toContain(
      'excel.csv:3 imei "353456789012345": the last digit of this IMEI does not check',
    );
    expect(b.err).toContain('excel.csv:4 imei "1234": an IMEI is 14 to 16 digits');
    // The API says the same, with a code for the console.
    const put = await as(officer, {
      method: 'PATCH',
      url: '/api/v1/devices/intune%3AIMEI-1',
      headers: { 'if-match': '*' },
      payload: { imei: '3.56789E+14' },
    });
    expect(put.statusCode, put.body).toBe(400);
    expect(put.json<{ details: { where: string; code: string }[] }>().details).toMatchObject([
      { where: 'imei', code: 'imei_scientific' },
    ]);
  });

  it('a morning export imported after later records applies at the latest observation, its report dated as it says', async () => {
    cli.at('2023-03-12T18:00:00Z');
    const later = cli.file('Device ID,Serial number,OS\nl-1,LATE-1,iOS\n');
    expect(
      (
        await cli.run(
          'import',
          'devices',
          later,
          '--format',
          'intune',
          '--observed-at',
          '2023-03-12T17:00',
        )
      ).code,
    ).toBe(0);
    const morning = cli.file('Device ID,Serial number,OS\nl-1,LATE-1,iOS\nl-2,LATE-2,Android\n');
    const r = await cli.run(
      'import',
      'devices',
      morning,
      '--format',
      'jamf',
      '--observed-at',
      '2023-03-12T08:00',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('the file says 2023-03-12T08:00:00.000Z');
    const d = await device('intune:LATE-1');
    expect(d.sources.find((x) => x.source === 'jamf')!.lastSeen).toBe('2023-03-12T08:00:00.000Z');
  });

  it('reads a Graph export as PowerShell writes it: #TYPE first, Graph property names, told by --format auto', async () => {
    cli.at('2023-03-13T12:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      fixture('intune-graph.csv'),
      '--format',
      'auto',
      '--observed-at',
      '2023-03-13',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      format: 'intune-graph',
      source: 'intune',
      created: 1,
    });
    // The same phone Intune's portal export named: one device, not two.
    const anna = await device('intune:F2LXK0AAAAA1');
    expect(anna.owner).toBe('P1');
    expect(anna.sources.find((x) => x.source === 'intune')!.lastContact).toBe(
      '2023-03-05T06:14:12.000Z',
    );
    expect(await device('intune:GRAPHPX0001')).toMatchObject({
      owner: 'P3',
      platform: 'android',
      ownership: 'personal',
      model: 'Pixel 7',
    });
  });

  it("reads Snipe-IT's Hardware export: owners by employee number, spares in stock, strangers listed", async () => {
    cli.at('2023-03-14T12:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      fixture('snipeit-hardware.csv'),
      '--format',
      'snipeit',
      '--observed-at',
      '2023-03-14',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out) as Summary;
    expect(await device('snipeit:SNIPE-0001')).toMatchObject({ owner: 'P1', status: 'active' });
    expect(await device('snipeit:SNIPE-0002')).toMatchObject({ owner: null, status: 'in_stock' });
    expect(summary.unmatchedOwners).toEqual([
      { line: 4, device: 'snipeit:SNIPE-0003', email: 'P999' },
    ]);
  });

  it('finds the owner by the e-mail beside the UPN when the UPN names nobody', async () => {
    cli.at('2023-03-15T12:00:00Z');
    const file = cli.file(
      'Device ID,Serial number,OS,Primary user UPN,Primary user email address\n' +
        'u-1,UPN-0001,iOS,aorlova@gov.onmicrosoft.example,anna.orlova@gov.example\n' +
        'u-2,UPN-0002,iOS,nobody@gov.onmicrosoft.example,nobody@gov.example\n',
    );
    const r = await cli.run(
      'import',
      'devices',
      file,
      '--format',
      'intune',
      '--observed-at',
      '2023-03-15',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    expect((await device('intune:UPN-0001')).owner).toBe('P1');
    expect((JSON.parse(r.out) as Summary).unmatchedOwners).toEqual([
      { line: 3, device: 'intune:UPN-0002', email: 'nobody@gov.onmicrosoft.example' },
    ]);
  });

  it('a vendor export imported without --format is told which format it is, in one line', async () => {
    cli.at('2023-03-16T12:00:00Z');
    const r = await cli.run('import', 'devices', fixture('intune.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('looks like an intune export: add --format intune (or --format auto)');
    expect(r.err.split('\n').filter((l) => l.includes('unknown column'))).toEqual([]);
    const given = await cli.run('import', 'devices', fixture('intune.csv'), '--format', 'snipeit');
    expect(given.code).toBe(2);
    expect(given.err).toContain('looks like an intune export: add --format intune');
  });
});
