import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'phaseout.js');

function phaseout(db: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, PHASEOUT_DB: db },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the phaseout command (built, as npx runs it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phaseout-bin-'));
  const db = join(dir, 'p.db');

  it('exits 0 when done, 2 on refused input with every reason on stderr, and stays quiet off a terminal', () => {
    const people = join(dir, 'people.csv');
    writeFileSync(people, 'id,name,unit\np1,P,Org\n');
    const ok = phaseout(db, 'import', 'people', people);
    expect(ok.code).toBe(0);
    expect(ok.err).toBe('');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'id,name,unit\n,P,Org\np2,,Org\n');
    const refused = phaseout(db, 'import', 'people', bad);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('bad.csv:2 id');
    expect(refused.err).toContain('bad.csv:3 name');
    expect(phaseout(db, 'import', 'people', join(dir, 'missing.csv')).code).toBe(2);
    expect(phaseout(db, 'status', 'no-such-mandate').code).toBe(2);
    expect(phaseout(db, 'audit', 'verify').out).toMatch(/^ok: 1 entries/);
  });

  it('prints help', () => {
    const r = phaseout(db, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: phaseout');
  });
});
