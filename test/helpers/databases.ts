import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, inject } from 'vitest';

export type DatabaseKind = 'sqlite' | 'postgres';

/** A fresh, empty database of the kind given; its URL is what `--db` takes. */
export async function createTestDatabase(kind: DatabaseKind): Promise<string> {
  if (kind === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'phaseout-test-')), 'phaseout.db');
  const base = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  return `${base}/${name}`;
}

/** Runs the same suite against SQLite and PostgreSQL; PostgreSQL says so when it is skipped. */
export function describeEachDatabase(name: string, fn: (kind: DatabaseKind) => void): void {
  describe(`${name} [sqlite]`, () => fn('sqlite'));
  const skip = inject('postgresSkipReason');
  if (skip) describe.skip(`${name} [postgres] (skipped: ${skip})`, () => fn('postgres'));
  else describe(`${name} [postgres]`, () => fn('postgres'));
}
