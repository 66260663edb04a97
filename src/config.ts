import { z } from 'zod';

const schema = z
  .object({
    PHASEOUT_OIDC_ISSUER: z.url().optional(),
    PHASEOUT_OIDC_CLIENT_ID: z.string().min(1).optional(),
    PHASEOUT_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    PHASEOUT_OIDC_REDIRECT_URI: z.url().optional(),
    /** Only for an issuer on loopback in tests and labs: allows plain http. */
    PHASEOUT_OIDC_ALLOW_HTTP: z.enum(['true', 'false']).optional(),
  })
  .superRefine((env, ctx) => {
    const keys = [
      'PHASEOUT_OIDC_ISSUER',
      'PHASEOUT_OIDC_CLIENT_ID',
      'PHASEOUT_OIDC_CLIENT_SECRET',
      'PHASEOUT_OIDC_REDIRECT_URI',
    ] as const;
    const given = keys.filter((k) => env[k] !== undefined);
    if (given.length > 0 && given.length < keys.length) {
      for (const k of keys.filter((x) => env[x] === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: 'is required when single sign-on is configured',
        });
      }
    }
  });

/** Single sign-on with an OpenID provider (authorization code + PKCE). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  allowHttp: boolean;
}

/** Configuration read once at start; secrets have no defaults. */
export interface Config {
  oidc: OidcConfig | null;
}

/** Parses the environment, or throws listing every bad value. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const r = schema.safeParse(env);
  if (!r.success) {
    throw new Error(
      `bad configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = r.data;
  return {
    oidc: e.PHASEOUT_OIDC_ISSUER
      ? {
          issuer: e.PHASEOUT_OIDC_ISSUER,
          clientId: e.PHASEOUT_OIDC_CLIENT_ID!,
          clientSecret: e.PHASEOUT_OIDC_CLIENT_SECRET!,
          redirectUri: e.PHASEOUT_OIDC_REDIRECT_URI!,
          allowHttp: e.PHASEOUT_OIDC_ALLOW_HTTP === 'true',
        }
      : null,
  };
}
