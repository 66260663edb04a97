/**
 * Writes the OpenAPI document the server serves (built on a throwaway SQLite database) to the
 * file named, for `redocly lint` in `npm run check`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createApp } from '../src/app.js';
import { buildServer } from '../src/http/server.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: openapi.ts OUT.json\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'phaseout-openapi-'));
const app = await createApp({ dbUrl: `sqlite://${join(dir, 'spec.db')}` });
const server = await buildServer(app);
await server.ready();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(server.swagger(), null, 2));
await server.close();
await app.close();
rmSync(dir, { recursive: true, force: true });
