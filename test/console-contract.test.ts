import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PAGE_MAX, type Operation } from '../src/contract/operation.js';
import { authOps } from '../src/contract/auth.js';
import { campaignOps } from '../src/contract/campaigns.js';
import { exemptionOps } from '../src/contract/exemptions.js';
import { importOps } from '../src/contract/imports.js';
import { logisticsOps } from '../src/contract/logistics.js';
import { mandateOps } from '../src/contract/mandates.js';
import { oversightOps } from '../src/contract/oversight.js';
import { recordOps } from '../src/contract/records.js';
import { statusOps } from '../src/contract/status.js';
import { adminOps } from '../src/contract/admin.js';
import { removalOps } from '../src/contract/removals.js';
import { refusedByContract } from '../web/src/client.js';

const WEB = join(import.meta.dirname, '..', 'web', 'src');
const ALL: Operation[] = [
  authOps,
  campaignOps,
  exemptionOps,
  importOps,
  logisticsOps,
  mandateOps,
  oversightOps,
  recordOps,
  statusOps,
  adminOps,
  removalOps,
].flatMap((ops) => Object.values(ops) as Operation[]);

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : /\.tsx?$/.test(e.name)
        ? [{ file: e.name, text: readFileSync(join(dir, e.name), 'utf8') }]
        : [],
  );
}

describe('the console asks only what the contract takes', () => {
  it('every list takes pages up to PAGE_MAX, and no more', () => {
    const lists = ALL.filter((op) => op.query instanceof z.ZodObject && 'limit' in op.query.shape);
    expect(lists.length).toBeGreaterThan(10);
    for (const op of lists) {
      expect(
        refusedByContract(op, { params: {}, query: { limit: PAGE_MAX } }).filter((p) =>
          p.startsWith('query.limit'),
        ),
        op.operationId,
      ).toEqual([]);
      expect(
        refusedByContract(op, { params: {}, query: { limit: PAGE_MAX + 1 } }).some((p) =>
          p.startsWith('query.limit'),
        ),
        op.operationId,
      ).toBe(true);
    }
  });

  it('a call the contract refuses is named by its part and field before it is sent', () => {
    expect(
      refusedByContract(recordOps.listDevices, { query: { owner: 'P1', limit: 5000 } }),
    ).toEqual([expect.stringMatching(/^query\.limit: /)]);
    expect(refusedByContract(recordOps.listDevices, { query: { owner: 'P1', limit: 50 } })).toEqual(
      [],
    );
  });

  it('no page size written in the console is larger than PAGE_MAX', () => {
    const sizes = sources(WEB).flatMap(({ file, text }) =>
      [...text.matchAll(/\blimit:\s*(\d+)/g)].map((m) => ({ file, limit: Number(m[1]) })),
    );
    expect(sizes.filter((s) => s.limit > PAGE_MAX)).toEqual([]);
  });
});
