import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { buildServer } from '../src/http/server.js';
import { browserAvailable, launchChromium, SHOTS } from './helpers/browser.js';
import { createTestDatabase } from './helpers/databases.js';

/** A tiny cookie jar per host: enough to walk a redirect chain like a browser. */
function jar() {
  const cookies = new Map<string, string>();
  return {
    take(res: Response): void {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, ...value] = pair!.split('=');
        if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) cookies.delete(name!.trim());
        else cookies.set(name!.trim(), value.join('='));
      }
    },
    header: (): string => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    get: (name: string): string | undefined => cookies.get(name),
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts phaseout on a real port, configured for single sign-on against `issuer`. */
async function startPhaseout(
  issuer: string,
  port: number,
): Promise<{ app: App; url: string; close: () => Promise<void> }> {
  const url = `http://127.0.0.1:${port}`;
  const app = await createApp({
    dbUrl: await createTestDatabase('sqlite'),
    config: {
      oidc: {
        issuer,
        clientId: 'phaseout',
        clientSecret: 'a-long-client-secret-for-tests',
        redirectUri: `${url}/auth/oidc/callback`,
        allowHttp: true,
        autoOfficial: false,
      },
    },
  });
  await app.accounts.addUser({ email: 'alice@x.org', roles: ['officer'] }, 'test');
  const server = await buildServer(app);
  await server.listen({ port, host: '127.0.0.1' });
  return {
    app,
    url,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

describe('single sign-on against a real OpenID provider (oidc-provider)', () => {
  let op: Server;
  let rp: Awaited<ReturnType<typeof startPhaseout>>;

  beforeAll(async () => {
    const rpPort = await freePort();
    op = createServer();
    const opPort = await listen(op);
    const issuer = `http://127.0.0.1:${opPort}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'phaseout',
          client_secret: 'a-long-client-secret-for-tests',
          redirect_uris: [`http://127.0.0.1:${rpPort}/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      findAccount: (_ctx, id) =>
        Promise.resolve({
          accountId: id,
          claims: () => Promise.resolve({ sub: id, email: 'alice@x.org', email_verified: true }),
        }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      cookies: { keys: ['test-cookie-key'] },
      pkce: { required: () => true },
    });
    // The user's side of the provider: signs in as "alice-sub" and consents at once.
    provider.use(async (ctx, next) => {
      if (!ctx.path.startsWith('/interaction/')) {
        await next();
        return;
      }
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      let result: Record<string, unknown>;
      if (details.prompt.name === 'login') result = { login: { accountId: 'alice-sub' } };
      else {
        const grant = new provider.Grant({
          accountId: details.session!.accountId,
          clientId: details.params.client_id as string,
        });
        grant.addOIDCScope('openid email');
        result = { consent: { grantId: await grant.save() } };
      }
      ctx.redirect(
        await provider.interactionResult(ctx.req, ctx.res, result, {
          mergeWithLastSubmission: true,
        }),
      );
    });
    const handle = provider.callback();
    op.on('request', (req, res) => void handle(req, res));
    rp = await startPhaseout(issuer, rpPort);
  });
  afterAll(async () => {
    await rp.close();
    await new Promise((r) => op.close(r));
  });

  it('signs a user in with the authorization code flow and PKCE, linking the account by verified email', async () => {
    const rpJar = jar();
    const opJar = jar();
    let res = await fetch(`${rp.url}/auth/oidc/login`, { redirect: 'manual' });
    rpJar.take(res);
    let location = res.headers.get('location')!;
    expect(location).toContain('code_challenge_method=S256');
    for (let hops = 0; hops < 10 && !location.startsWith(rp.url); hops++) {
      res = await fetch(location, { redirect: 'manual', headers: { cookie: opJar.header() } });
      opJar.take(res);
      location = new URL(res.headers.get('location')!, location).href;
    }
    expect(location).toContain('/auth/oidc/callback?code=');
    res = await fetch(location, { redirect: 'manual', headers: { cookie: rpJar.header() } });
    expect(res.status).toBe(303);
    rpJar.take(res);
    const me = await fetch(`${rp.url}/api/v1/auth/me`, { headers: { cookie: rpJar.header() } });
    expect(await me.json()).toMatchObject({ email: 'alice@x.org', roles: ['officer'] });
    const linked = (await rp.app.accounts.listUsers())[0]!;
    expect(linked.email).toBe('alice@x.org');
  });

  it.skipIf(!browserAvailable())(
    'the console offers single sign-on and a click signs the user in',
    async () => {
      const methods = await fetch(`${rp.url}/api/v1/auth/methods`);
      expect(await methods.json()).toEqual({ password: true, sso: '/auth/oidc/login' });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ locale: 'en-GB' });
        await page.goto(`${rp.url}/console/`);
        await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
        await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
        expect(new URL(page.url()).pathname).toBe('/console/');
        await page.screenshot({ path: join(SHOTS, 'sso-signed-in.png') });
      } finally {
        await browser.close();
      }
    },
  );
});

describe('single sign-on refuses bad ID tokens', () => {
  let fake: Server;
  let rp: Awaited<ReturnType<typeof startPhaseout>>;
  let issuer = '';
  let nextToken: (nonce: string) => Promise<string>;
  let good: Awaited<ReturnType<typeof generateKeyPair>>;
  let stranger: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwk: JWK;

  const sign = (
    claims: Record<string, unknown>,
    key?: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'],
    kid = 'k1',
  ) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key ?? good.privateKey);
  const base = (nonce: string) => ({
    iss: issuer,
    aud: 'phaseout',
    sub: 'alice-sub',
    nonce,
    email: 'alice@x.org',
    email_verified: true,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 300,
  });

  beforeAll(async () => {
    good = await generateKeyPair('RS256');
    stranger = await generateKeyPair('RS256');
    jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    fake = createServer((req, res) => {
      const send = (body: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      if (req.url === '/.well-known/openid-configuration') {
        return send({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (req.url === '/jwks') return send({ keys: [jwk] });
      if (req.url === '/token') {
        let body = '';
        req.on('data', (c) => (body += String(c)));
        req.on('end', () => {
          void nextToken(pendingNonce).then((id_token) =>
            send({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token }),
          );
        });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    const port = await listen(fake);
    issuer = `http://127.0.0.1:${port}`;
    rp = await startPhaseout(issuer, await freePort());
  });
  afterAll(async () => {
    await rp.close();
    await new Promise((r) => fake.close(r));
  });

  let pendingNonce = '';
  /** Starts a sign-in at phaseout, then comes back with a code as the provider would. */
  async function callback(): Promise<number> {
    const rpJar = jar();
    const start = await fetch(`${rp.url}/auth/oidc/login`, { redirect: 'manual' });
    rpJar.take(start);
    const auth = new URL(start.headers.get('location')!);
    pendingNonce = auth.searchParams.get('nonce')!;
    const res = await fetch(
      `${rp.url}/auth/oidc/callback?code=abc&state=${auth.searchParams.get('state')}`,
      { redirect: 'manual', headers: { cookie: rpJar.header() } },
    );
    return res.status;
  }

  it('accepts a well-formed token (so the refusals below are the token’s fault)', async () => {
    nextToken = (nonce) => sign(base(nonce));
    expect(await callback()).toBe(303);
  });

  const cases: [string, (nonce: string) => Promise<string>][] = [
    ['a wrong issuer', (n) => sign({ ...base(n), iss: 'http://evil.example' })],
    ['a wrong audience', (n) => sign({ ...base(n), aud: 'someone-else' })],
    [
      'an expired token',
      (n) =>
        sign({
          ...base(n),
          iat: Math.floor(Date.now() / 1000) - 7200,
          exp: Math.floor(Date.now() / 1000) - 3600,
        }),
    ],
    [
      'an unsigned token (alg: none)',
      (n) =>
        Promise.resolve(
          `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(base(n))).toString('base64url')}.`,
        ),
    ],
    ['a key the provider does not publish', (n) => sign(base(n), stranger.privateKey, 'k2')],
    ['a wrong nonce', () => sign(base('not-the-nonce'))],
  ];
  for (const [name, token] of cases) {
    it(`refuses ${name}`, async () => {
      nextToken = token;
      expect(await callback()).toBe(401);
    });
  }
});
