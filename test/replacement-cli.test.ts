import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone] }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

describeEachDatabase('replacement from the command line', (kind) => {
  it('catalogue, stock, bulk steps, lists, shortage and sanitisation, as accounts', async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-02-20T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(peopleCsv(['p1', 'p2', 'p3'].map((id) => buildPerson({ id, unit: 'Org/A' })))),
    );
    await cli.run(
      'import',
      'devices',
      cli.file(devicesCsv(['p1', 'p2', 'p3'].map((p) => buildDevice({ id: `${p}-ip`, owner: p })))),
    );
    await cli.run('apply', '-f', cli.file(MANDATE));
    const app = await createApp({ dbUrl: url });
    for (const [email, roles] of [
      ['log1@x.org', ['logistics']],
      ['log2@x.org', ['logistics']],
      ['off@x.org', ['officer']],
    ] as const)
      await app.accounts.addUser({ email, password: 'long enough pw', roles: [...roles] }, 'test');
    await app.close();
    cli.at('2023-03-10T09:00:00Z');

    const setItem = (cls: string, as: string) =>
      cli.run(
        ...['catalogue', 'set', 'aurora-phone', '--class', cls, '--platform', 'aurora'],
        ...['--manufacturer', 'F+', '--model', 'R570E', '--purposes', 'personal', '--as', as],
      );
    const badItem = await setItem('phone', 'log1@x.org');
    expect(badItem.code).toBe(2);
    expect(badItem.err).toContain('class');
    const asOfficer = await setItem('smartphone', 'off@x.org');
    expect(asOfficer.code).toBe(1);
    expect(asOfficer.err).toContain('logistics');
    const ok = await setItem('smartphone', 'log1@x.org');
    expect(ok.out).toBe('aurora-phone: F+ R570E (aurora), issued for personal use\n');

    const bad = await cli.run(
      'stock',
      'receive',
      cli.file(
        'id,item,location\nS1,aurora-phone,Depot\nS2,pager,Depot\np1-ip,aurora-phone,Depot\n',
      ),
      '--as',
      'log1@x.org',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('line 3.item "pager": is not in the catalogue');
    expect(bad.err).toContain('line 4.id "p1-ip": is a device known already');
    const stockFile = cli.file(
      'id,item,location,serial\nS1,aurora-phone,Depot,X1\nS2,aurora-phone,Depot,X2\n',
    );
    expect(
      (await cli.run('stock', 'receive', stockFile, '--as', 'log1@x.org', '--dry-run')).out,
    ).toBe('would receive 2 units at Depot\n');
    expect((await cli.run('stock', 'receive', stockFile, '--as', 'log1@x.org')).out).toBe(
      'received 2 units at Depot\n',
    );
    expect(await cli.json('stock', 'list', '--json')).toEqual([
      {
        item: 'aurora-phone',
        itemName: 'F+ R570E',
        location: 'Depot',
        total: 2,
        reserved: 0,
        free: 2,
      },
    ]);

    // Officials request through the console or the API; here an officer does it for them.
    const app2 = await createApp({ dbUrl: url, clock: cli.clock });
    const officer = await app2.accounts.actorForEmail('off@x.org');
    for (const p of ['p1', 'p2', 'p3'])
      await app2.replacements.request(officer, { device: `${p}-ip`, item: 'aurora-phone' });
    await app2.close();

    const short = await cli.run('replacements', 'shortage');
    expect(short.out).toMatch(/iphones\s+2023-04-01\s+3\s+0\s+3\s+2\s+1\s+0\s*$/m);
    expect(short.err).toContain(
      'warning: iphones: 3 devices need a replacement by 2023-04-01 but only 2 units are free: 1 short',
    );

    const all = cli.file('device\np1-ip\np2-ip\np3-ip\n');
    const refused = await cli.run('replacements', 'approve', all, '--as', 'log1@x.org');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('line 4 "p3-ip": no unit of aurora-phone is free in stock');
    expect(await cli.json('stock', 'list', '--json')).toEqual([
      {
        item: 'aurora-phone',
        itemName: 'F+ R570E',
        location: 'Depot',
        total: 2,
        reserved: 0,
        free: 2,
      },
    ]);
    const two = cli.file('device\np1-ip\np2-ip\n');
    expect((await cli.run('replacements', 'approve', two, '--as', 'log1@x.org')).code).toBe(0);
    const issued = await cli.run(
      'replacements',
      'issue',
      two,
      '--as',
      'log1@x.org',
      '--swap',
      '--place',
      'Desk 1',
    );
    expect(
      issued.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').slice(1, 3).join(' ')),
    ).toEqual(['returned p1-ip', 'returned p2-ip']);
    const csv = (await cli.run('replacements', 'list', '--format', 'csv')).out.split('\r\n');
    expect(csv[0]).toBe(
      'id,state,mandate,device,person,unit,item,newDevice,requestedAt,approvedAt,issuedAt,returnedAt,confirmedAt,sanitisedAt,closedAt,endedAt,reason',
    );
    expect(csv.filter((l) => l.includes(',returned,'))).toHaveLength(2);
    expect((await cli.run('replacements', 'list', '--by-unit', '--format', 'csv')).out).toBe(
      'unit,requested,approved,issued,returned,sanitised,closed,rejected,cancelled,total\r\nOrg/A,1,0,0,2,0,0,0,0,3\r\n',
    );

    const rec = await cli.run(
      'sanitisation',
      'record',
      'p1-ip',
      'p2-ip',
      '--method',
      'destroy',
      '--tool',
      'Shredder X',
      '--on',
      '2023-03-10',
      '--as',
      'log1@x.org',
    );
    expect(rec.out).toBe('1 SAN-2023-000001 recorded: 2 devices, awaiting verification\n');
    const self = await cli.run('sanitisation', 'verify', '1', '--as', 'log1@x.org');
    expect(self.code).toBe(1);
    expect(self.err).toContain('the operator cannot verify their own sanitisation');
    expect((await cli.run('sanitisation', 'verify', '1', '--as', 'log2@x.org')).out).toBe(
      '1 SAN-2023-000001 verified by log2@x.org\n',
    );
    const out = join(mkdtempSync(join(tmpdir(), 'phaseout-cert-')), 'c.pdf');
    await cli.run('sanitisation', 'certificate', '1', '-o', out, '--lang', 'ru');
    expect(existsSync(out) && readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const devices = await cli.json<{ device: string; state: string }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(
      devices
        .filter((f) => f.state === 'resolved')
        .map((f) => f.device)
        .sort(),
    ).toEqual(['p1-ip', 'p2-ip']);
  });
});
