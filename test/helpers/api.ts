import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { fixedClock } from '../../src/adapters/clock.js';
import { createApp, type App } from '../../src/app.js';
import { buildServer } from '../../src/http/server.js';

/** A signed-in caller: its cookie and CSRF token. */
export interface Caller {
  cookie: string;
  csrf: string;
}

/** The app and its HTTP server over one database with a fixed clock. */
export async function makeApi(dbUrl: string, now: string) {
  const clock = fixedClock(Date.parse(now));
  const app: App = await createApp({ dbUrl, clock });
  const server: FastifyInstance = await buildServer(app);
  return {
    app,
    server,
    clock,
    at: (t: string) => clock.set(Date.parse(t)),
    async login(email: string, password: string): Promise<Caller> {
      const r = await server.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
      });
      expect(r.statusCode, r.body).toBe(200);
      const cookie = r.cookies.find((c) => c.name === 'phaseout_session')!;
      return {
        cookie: `phaseout_session=${cookie.value}`,
        csrf: r.json<{ csrfToken: string }>().csrfToken,
      };
    },
    /** A request as a caller (cookie and CSRF header), or anonymous. */
    call(caller: Caller | null, o: InjectOptions) {
      const headers = {
        ...(o.headers ?? {}),
        ...(caller ? { cookie: caller.cookie, 'x-csrf-token': caller.csrf } : {}),
      };
      return server.inject({ ...o, headers });
    },
    async close() {
      await server.close();
      await app.close();
    },
  };
}
