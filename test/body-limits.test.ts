import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';

/** 256 MiB of one letter: about 250 KiB gzipped. */
const INFLATED = 256 * 1024 * 1024;
const MiB = 1024 * 1024;

describeEachDatabase('bodies are bounded once decoded, on every route', (kind) => {
  let server: ServerProcess;
  let official: { cookie: string; csrf: string };
  const bomb = gzipSync(Buffer.alloc(INFLATED, 0x61), { level: 9 });

  beforeAll(async () => {
    const db = await createTestDatabase(kind);
    const app = await createApp({ dbUrl: db });
    await app.accounts.addUser(
      { email: 'official@x.org', password: 'official-pass-1', roles: ['official'], units: [] },
      'test',
    );
    await app.close();
    server = await startServerProcess(db);
    const r = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'official@x.org', password: 'official-pass-1' }),
    });
    official = {
      cookie: r.headers.get('set-cookie')!.split(';')[0]!,
      csrf: ((await r.json()) as { csrfToken: string }).csrfToken,
    };
  }, 120_000);
  afterAll(() => server?.stop());

  /** Every operation of the served OpenAPI document, its path parameters filled in. */
  async function operations(): Promise<{ method: string; path: string }[]> {
    const doc = (await (await fetch(`${server.base}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{\w+\}/g, 'x') })),
    );
  }

  it('a gzip bomb to every route and form, without a session or as an official, leaves memory where it was', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(40);
    const forms = ['/login', '/logout', '/scim/v2/Users', '/scim/v2/Groups'].map((path) => ({
      method: 'POST',
      path,
    }));
    const before = server.memory().peak;
    const statuses = new Map<string, number>();
    const callers = {
      nobody: {},
      official: { cookie: official.cookie, 'x-csrf-token': official.csrf },
    };
    for (const [caller, who] of Object.entries(callers)) {
      for (const { method, path } of [...ops, ...forms]) {
        for (const type of [
          'application/json',
          'text/plain',
          'text/csv',
          'application/x-www-form-urlencoded',
        ]) {
          const r = await fetch(`${server.base}${path}`, {
            method,
            headers: { ...who, 'content-type': type, 'content-encoding': 'gzip' },
            body: bomb,
            signal: AbortSignal.timeout(15_000),
          }).catch((e: Error) => e);
          // A connection closed on a refused body is a refusal too; one left hanging is not.
          const status = r instanceof Error ? (r.name === 'TimeoutError' ? -1 : 0) : r.status;
          expect(status, `${method} ${path} (${type}) answered in time`).not.toBe(-1);
          if (!(r instanceof Error)) await r.arrayBuffer().catch(() => null);
          statuses.set(`${caller} ${method} ${path} ${type}`, status);
          expect(status, `${method} ${path} (${type})`).not.toBeGreaterThanOrEqual(500);
        }
      }
    }
    const grown = server.memory().peak - before;
    expect(grown, `peak memory grew by ${Math.round(grown / MiB)} MiB`).toBeLessThan(50 * MiB);
    // The forms were read and cut at their limit; the API refused those it did not know first.
    expect(statuses.get('nobody POST /login text/plain')).toBe(413);
    expect(statuses.get('nobody POST /login application/x-www-form-urlencoded')).toBe(413);
    expect(statuses.get('nobody POST /api/v1/auth/login application/json')).toBe(413);
    expect(statuses.get('nobody POST /api/v1/imports/devices text/csv')).toBe(401);
    expect(statuses.get('official POST /api/v1/imports/devices text/csv')).toBe(403);
    expect(statuses.get('official POST /api/v1/exemptions application/json')).toBe(413);
    expect(server.log()).not.toContain('"level":50');
  }, 300_000);

  it('deflate and brotli bodies are cut at the same decoded size', async () => {
    const plain = Buffer.alloc(64 * MiB, 0x61);
    for (const [encoding, body] of [
      ['deflate', deflateSync(plain)],
      ['br', brotliCompressSync(plain)],
    ] as const) {
      const r = await fetch(`${server.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(r.status, encoding).toBe(413);
    }
  });

  it('JSON nested too deeply is refused with 400 naming the limit, with or without a session', async () => {
    const deep = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    for (const [path, headers] of [
      ['/login', {}],
      ['/api/v1/auth/login', {}],
      ['/api/v1/exemptions', { cookie: official.cookie, 'x-csrf-token': official.csrf }],
    ] as const) {
      const r = await fetch(`${server.base}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: deep,
      });
      expect(r.status, path).toBe(400);
      const body = (await r.json()) as { error: string; details: { code: string }[] };
      expect(body.error).toBe('invalid_input');
      expect(body.details[0]!.code).toBe('too_deep');
    }
    // Nesting within the limit is read as before.
    const r = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@x.org', password: [[[['x']]]] }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { details: { where: string }[] }).details[0]!.where).toBe(
      'password',
    );
  });
});
