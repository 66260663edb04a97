import * as client from 'openid-client';
import type { OidcConfig } from '../config.js';

/** What a sign-in must remember between the redirect out and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
}

/** Verified claims of an ID token. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/**
 * The relying party, through openid-client: discovery, authorization code with PKCE, and ID
 * token validation (issuer, audience, expiry, signature against the provider's keys; unsigned
 * tokens refused).
 */
export function makeOidcClient(cfg: OidcConfig) {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        new URL(cfg.issuer),
        cfg.clientId,
        undefined,
        // client_secret_basic: the default authentication method of the OpenID specifications.
        client.ClientSecretBasic(cfg.clientSecret),
        {
          // Check ID token signatures against the provider's published keys, even over TLS.
          execute: [
            client.enableNonRepudiationChecks,
            ...(cfg.allowHttp ? [client.allowInsecureRequests] : []),
          ],
        },
      )
      .catch((err: unknown) => {
        discovered = null;
        throw err;
      });
    return discovered;
  };
  return {
    /** Where to send the browser, and what to keep for the callback. */
    async start(): Promise<{ url: string; pending: OidcPending }> {
      const config = await configuration();
      const pending = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: cfg.redirectUri,
        scope: 'openid email',
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },
    /** Exchanges the code and validates the ID token; throws on anything wrong. */
    async finish(callbackUrl: URL, pending: OidcPending): Promise<OidcIdentity> {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      // Many providers put the email only in the userinfo response, for the same subject.
      const info =
        typeof claims.email === 'string'
          ? claims
          : await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      return {
        issuer: claims.iss,
        subject: claims.sub,
        email: typeof info.email === 'string' ? info.email.toLowerCase() : null,
        emailVerified: info.email_verified === true,
      };
    },
  };
}
