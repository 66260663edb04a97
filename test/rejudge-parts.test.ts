import { expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { loadActiveMandates, reevaluateDevicesAt } from '../src/services/evaluation.service.js';
import { getTimeZone } from '../src/services/settings.service.js';
import { deviceToRow, getDevicesByIds, updateDevices } from '../src/store/devices.repository.js';
import { getOpenFindings } from '../src/store/findings.repository.js';
import { Rollback, writeTransaction } from '../src/store/transaction.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: no-phones, title: No official smartphones, issuedAt: 2023-03-20 }
spec:
  target: device.class == "smartphone" && "official" in device.purposes
  action: restrict-use
  phases: [{ id: effective, due: 2023-04-28, requires: resolve }]
`;

/** Changed devices are re-judged in parts (a million at once would not fit): parts change nothing. */
describeEachDatabase('re-judging in parts', (kind) => {
  it('judges changed devices in parts of three exactly as all at once', async () => {
    const clock = fixedClock(Date.parse('2023-03-25T09:00:00Z'));
    const app = await createApp({ dbUrl: await createTestDatabase(kind), clock });
    const ids = Array.from({ length: 12 }, (_, i) => `D${String(i).padStart(2, '0')}`);
    const opts = { fileName: 'f.csv', actor: 'test', observedAt: '2023-03-01' };
    await app.imports.importPeople(
      Buffer.from(peopleCsv(['P1', 'P2', 'P3'].map((id) => buildPerson({ id })))),
      opts,
    );
    await app.imports.importDevices(
      Buffer.from(devicesCsv(ids.map((id, i) => buildDevice({ id, owner: `P${(i % 3) + 1}` })))),
      opts,
    );
    await app.mandates.apply(MANDATE, { fileName: 'm.yaml', actor: 'test' });
    const at = Date.parse('2023-03-24T00:00:00Z');
    const judge = (partSize: number) =>
      writeTransaction(app.store, async (tx) => {
        const mandates = await loadActiveMandates(tx, await getTimeZone(tx));
        // Seven devices stop being official; one is no longer a smartphone.
        const stored = await getDevicesByIds(tx, ids);
        await updateDevices(
          tx,
          ids.slice(0, 8).map((id, i) => {
            const d = stored.get(id)!;
            const next = i === 7 ? { ...d, class: 'laptop' as const } : { ...d, purposes: [] };
            return deviceToRow(next, { created: d.createdAt, changed: at, seen: at });
          }),
        );
        const outcome = await reevaluateDevicesAt(
          tx,
          ids.map((id) => ({ id, at })),
          mandates,
          partSize,
        );
        const open = await getOpenFindings(tx, ['no-phones'], ids);
        throw new Rollback({
          opened: outcome.opened,
          closed: outcome.closed,
          sample: outcome.sample.closed.map((c) => `${c.device} ${c.reason}`).sort(),
          open: [...(open.get('no-phones')?.keys() ?? [])].sort(),
        });
      });
    const whole = await judge(1000);
    expect(whole).toMatchObject({ opened: 0, closed: 8, open: ids.slice(8) });
    expect(await judge(3)).toEqual(whole);
    await app.close();
  });
});
