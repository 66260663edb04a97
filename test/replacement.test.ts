import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeNotifier } from '../src/jobs/notify.job.js';
import { makeApi, type Caller } from './helpers/api.js';
import { pdfTools, readPdf } from './helpers/pdf.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATES = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Org/DPD] }
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone, android-phone] }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
---
apiVersion: phaseout/v1
kind: Mandate
metadata: { id: smartphones, title: No smartphones for official business, issuedAt: 2023-03-01 }
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases: [{ id: effective, due: 2023-04-28, requires: resolve }]
`;

const PASSWORD = 'correct horse battery';
const ACCOUNTS = {
  official1: { roles: ['official'], personId: 'p1' },
  official2: { roles: ['official'], personId: 'p2' },
  // An official who also works in logistics: may not decide a request for their own device.
  offlog: { roles: ['official', 'logistics'], personId: 'p3' },
  logistics: { roles: ['logistics'], personId: 'l1' },
  logistics2: { roles: ['logistics'], personId: 'l2' },
  officer: { roles: ['officer'] },
  head: { roles: ['unit-head'], units: ['Org/DPD/Elections'] },
  auditor: { roles: ['auditor'] },
} as const;
type Who = keyof typeof ACCOUNTS;

const RACERS = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

describeEachDatabase('replacement: catalogue, stock, swap, return, sanitisation', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let url: string;
  const as = {} as Record<Who, Caller>;
  const call = (who: Who, method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) =>
    api.call(as[who], { method, url: path, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-02-20T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'p1', name: 'Irina Petrova', unit: 'Org/DPD/Elections' }),
          buildPerson({ id: 'p2', unit: 'Org/DPD/Regional' }),
          buildPerson({ id: 'p3', unit: 'Org/DPD/Regional' }),
          buildPerson({ id: 'l1', name: 'Lev Operator', unit: 'Org/Logistics' }),
          buildPerson({ id: 'l2', name: 'Vera Verifier', unit: 'Org/Logistics' }),
          ...RACERS.map((id) => buildPerson({ id, unit: 'Org/DPD/Race', email: `${id}@x.org` })),
        ]),
      ),
      '--observed-at',
      '2023-02-20',
    );
    await cli.run(
      'import',
      'devices',
      cli.file(
        devicesCsv([
          buildDevice({ id: 'd1', owner: 'p1', model: 'iPhone 12', serial: 'F2LX1' }),
          buildDevice({ id: 'd2', owner: 'p2' }),
          buildDevice({ id: 'd3', owner: 'p3' }),
          ...RACERS.map((r) => buildDevice({ id: `${r}-phone`, owner: r })),
        ]),
      ),
      '--observed-at',
      '2023-02-20',
    );
    await cli.run('apply', '-f', cli.file(MANDATES));
    api = await makeApi(url, '2023-03-10T09:00:00Z');
    for (const [who, a] of Object.entries(ACCOUNTS))
      await api.app.accounts.addUser(
        {
          email: `${who}@x.org`,
          password: PASSWORD,
          roles: [...a.roles],
          ...('personId' in a ? { personId: a.personId } : {}),
          ...('units' in a ? { units: [...a.units] } : {}),
        },
        'test',
      );
    await signIn();
  });
  /** Sessions last 12 hours of the clock: moving the clock on signs everybody in again. */
  async function signIn(): Promise<void> {
    for (const who of Object.keys(ACCOUNTS) as Who[])
      as[who] = await api.login(`${who}@x.org`, PASSWORD);
  }
  async function at(t: string): Promise<void> {
    api.at(t);
    await signIn();
  }
  afterAll(() => api.close());

  it('keeps a catalogue; bad items are refused with the field named', async () => {
    const bad = await call('logistics', 'PUT', '/api/v1/catalogue/Aurora Phone', {
      class: 'phone',
      platform: 'aurora',
      manufacturer: '',
      model: 'R570E',
    });
    expect(bad.statusCode).toBe(400);
    const where = bad.json<{ details: { where: string }[] }>().details.map((d) => d.where);
    expect(where).toEqual(expect.arrayContaining(['id', 'class', 'manufacturer']));
    expect((await call('official1', 'PUT', '/api/v1/catalogue/x', {})).statusCode).toBe(403);
    for (const [id, platform, model] of [
      ['aurora-phone', 'aurora', 'R570E'],
      ['android-phone', 'Android', 'Galaxy A54'],
    ] as const) {
      const r = await call('logistics', 'PUT', `/api/v1/catalogue/${id}`, {
        class: 'smartphone',
        platform,
        manufacturer: 'Maker',
        model,
        // Aurora phones are issued for personal use; the Android model keeps the default.
        ...(id === 'aurora-phone' ? { purposes: ['Personal'] } : {}),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const list = (await call('official1', 'GET', '/api/v1/catalogue')).json<
      { id: string; platform: string; offeredBy: string[] }[]
    >();
    expect(list.map((i) => [i.id, i.platform, i.offeredBy])).toEqual([
      ['android-phone', 'android', ['iphones']],
      ['aurora-phone', 'aurora', ['iphones']],
    ]);
    expect((list as unknown as { purposes: string[] }[]).map((i) => i.purposes)).toEqual([
      ['official'],
      ['personal'],
    ]);
  });

  it('receives stock all or nothing: a refused CSV lists every bad line and writes nothing', async () => {
    const bad = await call('logistics', 'POST', '/api/v1/stock', {
      csv: 'id,item,location,serial\nS1,aurora-phone,Depot A,X1\nS1,aurora-phone,Depot A,X2\nd1,aurora-phone,Depot A,\nS3,pager,Depot A,\nS4,aurora-phone,,\n',
    });
    expect(bad.statusCode).toBe(400);
    const details = bad.json<{ details: { where: string; message: string }[] }>().details;
    expect(details.map((d) => d.where)).toEqual([
      'line 6.location',
      'line 3.id',
      'line 4.id',
      'line 5.item',
    ]);
    expect(
      (await call('logistics', 'GET', '/api/v1/stock')).json<{ items: unknown[] }>().items,
    ).toEqual([]);
    const ok = await call('logistics', 'POST', '/api/v1/stock', {
      csv: 'id,item,location,serial\nS1,aurora-phone,Depot A,X1\nS2,aurora-phone,Depot A,X2\n',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const one = await call('logistics', 'POST', '/api/v1/stock', {
      devices: [{ id: 'S9', item: 'android-phone', location: 'Depot B', imei: '350000000000014' }],
    });
    expect(one.statusCode, one.body).toBe(201);
    expect(
      (await call('logistics', 'GET', '/api/v1/stock')).json<{ items: unknown[] }>().items,
    ).toEqual([
      {
        item: 'android-phone',
        itemName: 'Maker Galaxy A54',
        location: 'Depot B',
        total: 1,
        reserved: 0,
        free: 1,
      },
      {
        item: 'aurora-phone',
        itemName: 'Maker R570E',
        location: 'Depot A',
        total: 2,
        reserved: 0,
        free: 2,
      },
    ]);
    const unit = (await call('logistics', 'GET', '/api/v1/devices/S1')).json<{
      status: string;
      owner: string | null;
      model: string;
    }>();
    expect(unit).toMatchObject({ status: 'in_stock', owner: null, model: 'R570E' });
    expect((await call('official1', 'GET', '/api/v1/stock')).statusCode).toBe(403);
  });

  it('an official requests one of the offered models for their caught device', async () => {
    const notOffered = await call('official1', 'POST', '/api/v1/replacements', {
      device: 'd1',
      item: 'pager',
    });
    expect(notOffered.statusCode).toBe(400);
    expect(
      notOffered.json<{ details: { where: string; message: string }[] }>().details[0],
    ).toMatchObject({
      where: 'item',
      message: expect.stringContaining('aurora-phone, android-phone') as string,
    });
    // Someone else's device is out of an official's scope: it reads as missing.
    expect(
      (
        await call('official1', 'POST', '/api/v1/replacements', {
          device: 'd2',
          item: 'aurora-phone',
        })
      ).statusCode,
    ).toBe(404);
    const r = await call('official1', 'POST', '/api/v1/replacements', {
      device: 'd1',
      item: 'aurora-phone',
      note: 'I collect at Depot A',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      state: 'requested',
      device: 'd1',
      person: 'p1',
      mandate: 'iphones',
    });
    const again = await call('official1', 'POST', '/api/v1/replacements', {
      device: 'd1',
      item: 'android-phone',
    });
    expect(again.statusCode).toBe(409);
  });

  it('role rules: nobody decides a request for their own device or their own request', async () => {
    const mine = await call('offlog', 'POST', '/api/v1/replacements', {
      device: 'd3',
      item: 'aurora-phone',
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const id = mine.json<{ id: number }>().id;
    const self = await call('offlog', 'POST', `/api/v1/replacements/${id}/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json<{ message: string }>().message).toContain('own request');
    // An official may not approve at all (403); another official's request reads as missing.
    expect((await call('official1', 'POST', `/api/v1/replacements/${id}/approve`)).statusCode).toBe(
      403,
    );
    expect((await call('official2', 'GET', `/api/v1/replacements/${id}`)).statusCode).toBe(404);
    expect((await call('head', 'GET', `/api/v1/replacements/${id}`)).statusCode).toBe(404);
    const noReason = await call('officer', 'POST', `/api/v1/replacements/${id}/reject`, {});
    expect(noReason.statusCode).toBe(400);
    const rejected = await call('officer', 'POST', `/api/v1/replacements/${id}/reject`, {
      reason: 'keeps a feature phone instead',
    });
    expect(rejected.json()).toMatchObject({
      state: 'rejected',
      reason: 'keeps a feature phone instead',
    });
  });

  it('logistics approves (a unit is reserved), previews, issues and swaps; the finding resolves at the handover', async () => {
    const [order] = (await call('official1', 'GET', '/api/v1/replacements')).json<{
      items: { id: number }[];
    }>().items;
    const id = order!.id;
    expect((await call('head', 'GET', `/api/v1/replacements/${id}`)).statusCode).toBe(200);
    await at('2023-03-14T10:00:00Z');
    const approved = await call('logistics', 'POST', `/api/v1/replacements/${id}/approve`, {
      location: 'Depot A',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'approved', newDevice: 'S1' });
    expect(
      (await call('logistics', 'GET', '/api/v1/stock')).json<{ items: unknown[] }>().items,
    ).toContainEqual({
      item: 'aurora-phone',
      itemName: 'Maker R570E',
      location: 'Depot A',
      total: 2,
      reserved: 1,
      free: 1,
    });

    await at('2023-03-15T11:30:00Z');
    const preview = await call('logistics', 'GET', `/api/v1/replacements/${id}/preview?swap=true`);
    expect(preview.statusCode, preview.body).toBe(200);
    // Issued for personal use, the new phone opens nothing: the story ends compliant.
    const expected = {
      opened: [],
      closed: expect.arrayContaining([
        expect.objectContaining({ mandate: 'iphones', device: 'd1', reason: 'device_inactive' }),
        expect.objectContaining({
          mandate: 'smartphones',
          device: 'd1',
          reason: 'device_inactive',
        }),
      ]) as unknown,
    };
    expect(preview.json()).toEqual(expected);
    // The preview changed nothing.
    expect((await call('logistics', 'GET', '/api/v1/devices/S1')).json()).toMatchObject({
      status: 'in_stock',
    });
    expect((await call('logistics', 'GET', `/api/v1/replacements/${id}`)).json()).toMatchObject({
      state: 'approved',
    });

    const issued = await call('logistics', 'POST', `/api/v1/replacements/${id}/issue`, {
      swap: true,
      place: 'Depot A, desk 2',
    });
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json()).toMatchObject({
      state: 'returned',
      issuedAt: '2023-03-15T11:30:00.000Z',
      returnedAt: '2023-03-15T11:30:00.000Z',
      effect: expected,
    });
    expect((await call('logistics', 'GET', '/api/v1/devices/d1')).json()).toMatchObject({
      status: 'retired',
      owner: null,
    });
    expect((await call('official1', 'GET', '/api/v1/devices/S1')).json()).toMatchObject({
      status: 'active',
      owner: 'p1',
      purposes: ['personal'],
    });
    const smart = (
      await call('officer', 'GET', '/api/v1/findings?mandate=smartphones&owner=p1&asOf=2023-03-20')
    ).json<{ items: { device: string; closed: string | null }[] }>().items;
    expect(smart.filter((f) => f.closed === null)).toEqual([]);
    const findings = (
      await call('officer', 'GET', '/api/v1/findings?mandate=iphones&device=d1&asOf=2023-03-20')
    ).json<{ items: { closed: string; state: string; closeReason: string }[] }>().items;
    expect(findings).toEqual([
      expect.objectContaining({
        closed: '2023-03-15T11:30:00.000Z',
        state: 'resolved',
        closeReason: 'device_inactive',
      }),
    ]);
  });

  it('the official confirms receipt; unconfirmed receipts are listed until then', async () => {
    const unconfirmed = (
      await call('logistics', 'GET', '/api/v1/replacements?unconfirmed=true')
    ).json<{ items: { person: string }[] }>().items;
    expect(unconfirmed.map((o) => o.person)).toEqual(['p1']);
    const [order] = unconfirmed as unknown as { id: number }[];
    expect(
      (await call('logistics', 'POST', `/api/v1/replacements/${order!.id}/confirm`)).statusCode,
    ).toBe(403);
    await at('2023-03-16T08:00:00Z');
    const ok = await call('official1', 'POST', `/api/v1/replacements/${order!.id}/confirm`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'returned', confirmedAt: '2023-03-16T08:00:00.000Z' });
    expect(
      (await call('logistics', 'GET', '/api/v1/replacements?unconfirmed=true')).json<{
        items: unknown[];
      }>().items,
    ).toEqual([]);
  });

  it('sanitisation: the operator records, someone else verifies, the certificate shows the record', async () => {
    const early = await call('logistics', 'POST', '/api/v1/sanitisations', {
      devices: ['d2', 'S2', 'nope'],
      method: 'shred',
      tool: '',
      performedOn: '2023-04-01',
    });
    expect(early.statusCode).toBe(400);
    const fields = early.json<{ details: { where: string }[] }>().details.map((d) => d.where);
    expect(fields).toEqual(expect.arrayContaining(['method', 'tool']));
    const held = await call('logistics', 'POST', '/api/v1/sanitisations', {
      devices: ['d2', 'S2', 'nope'],
      method: 'purge',
      tool: 'Blancco Mobile 7.1',
      performedOn: '2023-04-01',
    });
    expect(held.json<{ details: { where: string; message: string }[] }>().details).toMatchObject([
      { where: 'performedOn', value: '2023-04-01', message: 'is in the future' },
      { where: 'devices[0]', value: 'd2', message: 'is still held by p2: receive it back first' },
      {
        where: 'devices[1]',
        value: 'S2',
        message: 'is in_stock: only a returned (retired) device can be sanitised',
      },
      { where: 'devices[2]', value: 'nope', message: 'is not a known device' },
    ]);

    await at('2023-03-17T09:00:00Z');
    const rec = await call('logistics', 'POST', '/api/v1/sanitisations', {
      devices: ['d1'],
      method: 'purge',
      tool: 'Blancco Mobile Diagnostics & Erasure 7.1',
      performedOn: '2023-03-17',
      place: 'Depot A workshop',
    });
    expect(rec.statusCode, rec.body).toBe(201);
    const s = rec.json<{ id: number; certificate: string; state: string }>();
    expect(s).toMatchObject({
      state: 'recorded',
      certificate: `SAN-2023-${String(s.id).padStart(6, '0')}`,
    });
    expect(
      (await call('logistics', 'GET', `/api/v1/sanitisations/${s.id}/certificate`)).statusCode,
    ).toBe(409);
    const own = await call('logistics', 'POST', `/api/v1/sanitisations/${s.id}/verify`);
    expect(own.statusCode).toBe(403);
    expect(own.json<{ message: string }>().message).toContain('own sanitisation');
    expect(
      (await call('official1', 'POST', `/api/v1/sanitisations/${s.id}/verify`)).statusCode,
    ).toBe(403);
    const verified = await call('logistics2', 'POST', `/api/v1/sanitisations/${s.id}/verify`);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({
      state: 'verified',
      operatorName: 'Lev Operator',
      verifierName: 'Vera Verifier',
      verifiedAt: '2023-03-17T09:00:00.000Z',
    });
    expect((await call('logistics', 'GET', '/api/v1/devices/d1')).json()).toMatchObject({
      status: 'wiped',
    });
    const order = (await call('logistics', 'GET', '/api/v1/replacements?device=d1')).json<{
      items: { id: number; state: string; closedAt: string }[];
    }>().items[0]!;
    expect(order).toMatchObject({ state: 'closed', closedAt: '2023-03-17T09:00:00.000Z' });
    const steps = (await call('official1', 'GET', `/api/v1/replacements/${order.id}`)).json<{
      events: { step: string; by: string; place: string | null }[];
    }>().events;
    expect(steps.map((e) => [e.step, e.by, e.place])).toEqual([
      ['request', 'official1@x.org', null],
      ['approve', 'logistics@x.org', 'Depot A'],
      ['issue', 'logistics@x.org', 'Depot A, desk 2'],
      ['return', 'logistics@x.org', 'Depot A, desk 2'],
      ['confirm', 'official1@x.org', null],
      ['sanitise', 'logistics2@x.org', 'Depot A workshop'],
    ]);

    const pdf = await call('auditor', 'GET', `/api/v1/sanitisations/${s.id}/certificate`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    if (pdfTools) {
      const text = readPdf(pdf.rawPayload, `certificate-${kind}`);
      for (const want of [
        'Certificate of Sanitization',
        s.certificate,
        'Purge',
        'Blancco Mobile Diagnostics & Erasure 7.1',
        '2023-03-17',
        'd1',
        'iPhone 12',
        'S/N F2LX1',
        'Lev Operator',
        'Vera Verifier',
        // NIST SP 800-88 Appendix G: type, source, technique, verification, destination, roles.
        'flash memory',
        'Irina Petrova (p1)',
        'cryptographic erase',
        'Verification method',
        'Post-sanitization destination',
        'internal reuse',
        'Signature',
      ])
        expect(text).toContain(want);
    }
  });

  it('a device’s chain of custody is one query away', async () => {
    const chain = (d: string) =>
      call('auditor', 'GET', `/api/v1/devices/${d}/custody`).then((r) =>
        r
          .json<{ kind: string; from: string; to: string; place: string; recordedBy: string }[]>()
          .map((c) => [c.kind, c.from, c.to, c.place, c.recordedBy]),
      );
    expect(await chain('S1')).toEqual([
      ['receive', 'supplier', 'stock:Depot A', 'Depot A', 'logistics@x.org'],
      ['issue', 'stock:Depot A', 'person:p1', 'Depot A, desk 2', 'logistics@x.org'],
    ]);
    expect(await chain('d1')).toEqual([
      ['return', 'person:p1', 'logistics', 'Depot A, desk 2', 'logistics@x.org'],
      ['sanitise', 'logistics', 'logistics', 'Depot A workshop', 'logistics2@x.org'],
    ]);
    expect((await call('official2', 'GET', '/api/v1/devices/S1/custody')).statusCode).toBe(404);
  });

  it('an import does not bring back a device the workflow retired or wiped: a conflict is listed', async () => {
    const cli = makeCli(url, '2023-03-20T12:00:00Z');
    const r = await cli.run(
      'import',
      'devices',
      cli.file(
        devicesCsv([buildDevice({ id: 'd1', owner: 'p1', model: 'iPhone 12', serial: 'F2LX1' })]),
      ),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('device d1: is wiped through phaseout');
    expect((await call('logistics', 'GET', '/api/v1/devices/d1')).json()).toMatchObject({
      status: 'wiped',
      owner: null,
    });
  });

  it('stock never goes below zero when approvals race', async () => {
    await at('2023-03-21T09:00:00Z');
    const ids: number[] = [];
    for (const r of RACERS) {
      const o = await api.app.replacements.request(await officerActor(), {
        device: `${r}-phone`,
        item: 'aurora-phone',
      });
      ids.push(o.id);
    }
    // Two more units: three free in all (S2 and the two below), for six requests.
    await call('logistics', 'POST', '/api/v1/stock', {
      devices: [
        { id: 'S3', item: 'aurora-phone', location: 'Depot C' },
        { id: 'S4', item: 'aurora-phone', location: 'Depot C' },
      ],
    });
    // A second app on the same database (a second server process) approves half of them.
    const other = kind === 'postgres' ? await makeApi(url, '2023-03-21T09:00:00Z') : api;
    const otherLogistics =
      kind === 'postgres' ? await other.login('logistics@x.org', PASSWORD) : as.logistics;
    const results = await Promise.all(
      ids.map((id, i) =>
        (i % 2 === 0 ? api : other).call(i % 2 === 0 ? as.logistics : otherLogistics, {
          method: 'POST',
          url: `/api/v1/replacements/${id}/approve`,
        }),
      ),
    );
    if (other !== api) await other.close();
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 200, 200, 409, 409, 409]);
    const reserved = results
      .filter((r) => r.statusCode === 200)
      .map((r) => r.json<{ newDevice: string }>().newDevice);
    expect(new Set(reserved).size).toBe(3);
    expect(
      (await call('logistics', 'GET', '/api/v1/stock'))
        .json<{ items: { item: string; free: number }[] }>()
        .items.filter((s) => s.item === 'aurora-phone')
        .map((s) => s.free),
    ).toEqual([0, 0]);
  });

  it('bulk: approve and issue many at once (a list or a CSV), all or nothing', async () => {
    await call('logistics', 'POST', '/api/v1/stock', {
      devices: ['S5', 'S6', 'S7'].map((id) => ({ id, item: 'aurora-phone', location: 'Depot C' })),
    });
    const waiting = (await call('logistics', 'GET', '/api/v1/replacements?state=requested')).json<{
      items: { id: number; device: string }[];
    }>().items;
    expect(waiting).toHaveLength(3);
    const bad = await call('logistics', 'POST', '/api/v1/replacements/bulk/approve', {
      csv: `device\n${waiting.map((o) => o.device).join('\n')}\nd2\n`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { where: string; value: string }[] }>().details).toEqual([
      expect.objectContaining({ where: 'line 5', value: 'd2' }),
    ]);
    expect(
      (await call('logistics', 'GET', '/api/v1/replacements?state=requested')).json<{
        items: unknown[];
      }>().items,
    ).toHaveLength(3);
    const ok = await call('logistics', 'POST', '/api/v1/replacements/bulk/approve', {
      devices: waiting.map((o) => o.device),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const approved = (await call('logistics', 'GET', '/api/v1/replacements?state=approved')).json<{
      items: { id: number }[];
    }>().items;
    expect(approved).toHaveLength(6);
    const issued = await call('logistics', 'POST', '/api/v1/replacements/bulk/issue', {
      orders: approved.map((o) => o.id),
      place: 'Race desk',
    });
    expect(issued.statusCode, issued.body).toBe(200);
    // Issuing alone resolves nothing: the iPhones are still held until they are returned.
    const stillOpen = (
      await call('officer', 'GET', '/api/v1/findings?mandate=iphones&unit=Org/DPD/Race')
    ).json<{ items: { closed: string | null }[] }>().items;
    expect(stillOpen.filter((f) => f.closed === null)).toHaveLength(6);
    const back = await call('logistics', 'POST', '/api/v1/replacements/bulk/return', {
      csv: `order,place\n${approved.map((o) => `${o.id},Race desk`).join('\n')}\n`,
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json<{ done: { state: string }[] }>().done.map((o) => o.state)).toEqual(
      Array(6).fill('returned'),
    );
  });

  it('reports replacements by unit and state as CSV; the shortage forecast warns', async () => {
    const csv = (await call('officer', 'GET', '/api/v1/replacements/by-unit?depth=3&format=csv'))
      .body;
    expect(csv.split('\r\n').slice(0, 4)).toEqual([
      'unit,requested,approved,issued,returned,sanitised,closed,rejected,cancelled,total',
      'Org/DPD/Elections,0,0,0,0,0,1,0,0,1',
      'Org/DPD/Race,0,0,0,6,0,0,0,0,6',
      'Org/DPD/Regional,0,0,0,0,0,0,1,0,1',
    ]);
    const headCsv = (await call('head', 'GET', '/api/v1/replacements/by-unit?format=csv')).body;
    expect(headCsv.split('\r\n')[1]).toBe('Org/DPD/Elections,0,0,0,0,0,1,0,0,1');
    const f = (await call('logistics', 'GET', '/api/v1/replacements/shortage')).json<{
      mandates: { warningText: string[] }[];
    }>();
    // d2 and d3 are still held with no live order; only the android unit is free.
    expect(f.mandates).toEqual([
      expect.objectContaining({
        mandate: 'iphones',
        open: 2,
        withoutOrder: 2,
        available: 1,
        shortfall: 1,
        // d1 on 15 March and the six racers on 21 March: 7 in 14 days.
        ratePerDay: 0.5,
        projectedCompletion: '2023-03-25T09:00:00.000Z',
        warnings: [{ kind: 'short', need: 2, available: 1, shortfall: 1 }],
      }),
    ]);
    expect(f.mandates[0]!.warningText).toEqual([
      '2 devices need a replacement by 2023-04-01 but only 1 units are free: 1 short',
    ]);
  });

  it('unconfirmed receipts are reminded by mail, the latest step only, until confirmed', async () => {
    const { sent, notifier } = testNotifier();
    // The racers' devices were handed over on 21 March; nobody has confirmed.
    await notifier.tick(Date.parse('2023-03-25T10:00:00Z'));
    const receipts = () => sent.filter((m) => m.subject.startsWith('Please confirm'));
    expect(
      receipts()
        .map((m) => m.to)
        .sort(),
    ).toEqual(RACERS.map((r) => `${r}@x.org`));
    expect(receipts()[0]!.text).toContain('https://phaseout.example/console/#/mine');
    const steps = await api.app.store.db
      .selectFrom('notifications')
      .select('step')
      .where('step', 'like', 'order-%')
      .execute();
    // One per order, the 3-day step only (the 1-day one was missed and is not sent late).
    expect(steps).toHaveLength(6);
    for (const r of steps) expect(r.step).toMatch(/^order-\d+:receipt-P3D$/);
    await notifier.tick(Date.parse('2023-03-25T16:00:00Z'));
    expect(receipts()).toHaveLength(6);
  });

  it('an issued order whose old device is lost is closed with a reason, not left open', async () => {
    expect(
      (
        await call('officer', 'POST', '/api/v1/devices', {
          id: 'd9',
          owner: 'p2',
          class: 'smartphone',
          platform: 'ios',
        })
      ).statusCode,
    ).toBe(201);
    await call('logistics', 'POST', '/api/v1/stock', {
      devices: [{ id: 'S8', item: 'aurora-phone', location: 'Depot C' }],
    });
    const o = (
      await call('officer', 'POST', '/api/v1/replacements', { device: 'd9', item: 'aurora-phone' })
    ).json<{ id: number }>();
    expect(
      (await call('logistics', 'POST', `/api/v1/replacements/${o.id}/approve`)).statusCode,
    ).toBe(200);
    // The official is told what is reserved and where (p2 has no address: kept as undeliverable).
    await testNotifier().notifier.tick(api.clock.now());
    const told = await api.app.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('step', '=', `order-${o.id}:collect`)
      .execute();
    expect(told.map((n) => [n.recipient, n.subject, n.state, n.error])).toEqual([
      ['p2', 'Replacement approved: R570E', 'dead', 'no e-mail address'],
    ]);
    expect(told[0]!.body).toContain('Collect it at Depot C.');
    expect((await call('logistics', 'POST', `/api/v1/replacements/${o.id}/issue`)).statusCode).toBe(
      200,
    );
    const held = await call('logistics', 'POST', `/api/v1/replacements/${o.id}/writeoff`, {
      reason: 'lost on a trip',
    });
    expect(held.statusCode, held.body).toBe(409);
    expect(held.json<{ message: string }>().message).toContain('still held by p2');
    const d9 = await call('officer', 'GET', '/api/v1/devices/d9');
    const lost = await api.call(as.officer, {
      method: 'PATCH',
      url: '/api/v1/devices/d9',
      headers: { 'if-match': d9.headers.etag as string },
      payload: { status: 'lost' },
    });
    expect(lost.statusCode, lost.body).toBe(200);
    expect(
      (await call('logistics', 'POST', `/api/v1/replacements/${o.id}/writeoff`, {})).statusCode,
    ).toBe(400);
    const closed = await call('logistics', 'POST', `/api/v1/replacements/${o.id}/writeoff`, {
      reason: 'lost on a trip',
    });
    expect(closed.json()).toMatchObject({ state: 'closed', reason: 'lost on a trip' });
  });

  it('every step is in the audit chain, which verifies', async () => {
    const list = (await call('auditor', 'GET', '/api/v1/audit?limit=500')).json<{
      items: { action: string }[];
    }>().items;
    const actions = new Set(list.map((e) => e.action));
    for (const a of [
      'catalogue.create',
      'stock.receive',
      'replacement.request',
      'replacement.approve',
      'replacement.reject',
      'replacement.issue',
      'replacement.return',
      'replacement.confirm',
      'replacement.writeoff',
      'replacement.sanitise',
      'sanitisation.record',
      'sanitisation.verify',
    ])
      expect(actions, a).toContain(a);
    expect((await call('auditor', 'GET', '/api/v1/audit/verify')).json()).toMatchObject({
      ok: true,
    });
  });

  function testNotifier() {
    const sent: { to: string; subject: string; text: string }[] = [];
    const notifier = makeNotifier({
      store: api.app.store,
      clock: api.clock,
      status: api.app.status,
      mailer: {
        send: (m) => {
          sent.push(m);
          return Promise.resolve();
        },
        close: () => undefined,
      },
      webhook: null,
      publicUrl: 'https://phaseout.example',
      language: 'en',
    });
    return { sent, notifier };
  }

  async function officerActor() {
    const a = (await api.app.accounts.listUsers()).find((u) => u.email === 'officer@x.org')!;
    return {
      accountId: a.id,
      email: a.email,
      roles: new Set(['officer'] as const),
      personId: null,
      units: [],
      readOnly: false,
    };
  }

  it('a unit that a mandate in force would catch is refused (409, naming it) unless an officer overrides with a reason', async () => {
    await at('2023-04-20T09:00:00Z');
    const unit = await call('logistics', 'POST', '/api/v1/stock', {
      devices: [{ id: 'S-AND-2', item: 'android-phone', location: 'Depot B' }],
    });
    expect(unit.statusCode, unit.body).toBe(201);
    const req = await call('official2', 'POST', '/api/v1/replacements', {
      device: 'd2',
      item: 'android-phone',
    });
    expect(req.statusCode, req.body).toBe(201);
    const id = req.json<{ id: number }>().id;
    const refused = await call('logistics', 'POST', `/api/v1/replacements/${id}/approve`, {
      location: 'Depot B',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ details: { value: string }[] }>().details.map((d) => d.value)).toEqual([
      'smartphones',
    ]);
    const notOfficer = await call('logistics', 'POST', `/api/v1/replacements/${id}/approve`, {
      location: 'Depot B',
      override: 'needs Android apps',
    });
    expect(notOfficer.statusCode).toBe(403);
    const ok = await call('officer', 'POST', `/api/v1/replacements/${id}/approve`, {
      location: 'Depot B',
      override: 'ministerial liaison, approved by the security office',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      state: 'approved',
      override: {
        reason: 'ministerial liaison, approved by the security office',
        by: 'officer@x.org',
      },
    });
    // Issuing follows the override made at approval.
    const issued = await call('logistics', 'POST', `/api/v1/replacements/${id}/issue`, {});
    expect(issued.statusCode, issued.body).toBe(200);
    const audit = (await call('auditor', 'GET', '/api/v1/audit?limit=1000')).json<{
      items: { action: string; object: string }[];
    }>().items;
    expect(audit.filter((a) => a.action === 'replacement.override')).toEqual([
      expect.objectContaining({ object: `replacement/${id}` }),
    ]);
  });
});
