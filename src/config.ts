import { LANGUAGES, type Language } from './domain/texts/languages.js';
import { z } from 'zod';

const schema = z
  .object({
    PHASEOUT_OIDC_ISSUER: z.url().optional(),
    PHASEOUT_OIDC_CLIENT_ID: z.string().min(1).optional(),
    PHASEOUT_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    PHASEOUT_OIDC_REDIRECT_URI: z.url().optional(),
    /** Only for an issuer on loopback in tests and labs: allows plain http. */
    PHASEOUT_OIDC_ALLOW_HTTP: z.enum(['true', 'false']).optional(),
    PHASEOUT_OIDC_AUTO_OFFICIAL: z.enum(['true', 'false']).optional(),
    /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465. */
    PHASEOUT_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    PHASEOUT_MAIL_FROM: z.email().optional(),
    /** Where people reach the console, for links in messages: https://phaseout.example.org */
    PHASEOUT_PUBLIC_URL: z.url().optional(),
    /** Every notification is also POSTed here as JSON, signed with HMAC-SHA256. */
    PHASEOUT_WEBHOOK_URL: z.url().optional(),
    PHASEOUT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How often the server looks for messages to plan and send (default 60000). */
    PHASEOUT_NOTIFY_EVERY_MS: z.coerce.number().int().min(100).optional(),
    /** How long a sender owns a message it is sending before another may retry (default 120000). */
    PHASEOUT_NOTIFY_LEASE_MS: z.coerce.number().int().min(1000).optional(),
    /** The language of messages: en or ru. */
    PHASEOUT_LANGUAGE: z.enum(LANGUAGES).optional(),
    /** Behind a TLS proxy: `true`, or the proxy's addresses (comma-separated, CIDR allowed). */
    PHASEOUT_TRUST_PROXY: z.string().min(1).optional(),
    /** HTTPS served by phaseout itself: PEM files (or `serve --tls-cert/--tls-key`). */
    PHASEOUT_TLS_CERT: z.string().min(1).optional(),
    PHASEOUT_TLS_KEY: z.string().min(1).optional(),
    /** When set, `/metrics` answers only to `Authorization: Bearer` this token. */
    PHASEOUT_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** The Ed25519 key (PEM) that signs audit checkpoints; never stored in the database. */
    PHASEOUT_AUDIT_KEY_FILE: z.string().min(1).optional(),
    /** Where checkpoints are written (default ./data/checkpoints). */
    PHASEOUT_AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
    /** How long a dry run over the API may take before it is stopped (default 120000). */
    PHASEOUT_DRY_RUN_BUDGET_MS: z.coerce.number().int().min(100).optional(),
    /** The server's log level (default info: no line per request; debug has one). */
    PHASEOUT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).optional(),
  })
  .superRefine((env, ctx) => {
    const keys = [
      'PHASEOUT_OIDC_ISSUER',
      'PHASEOUT_OIDC_CLIENT_ID',
      'PHASEOUT_OIDC_CLIENT_SECRET',
      'PHASEOUT_OIDC_REDIRECT_URI',
    ] as const;
    if (env.PHASEOUT_SMTP_URL && !env.PHASEOUT_MAIL_FROM)
      ctx.addIssue({
        code: 'custom',
        path: ['PHASEOUT_MAIL_FROM'],
        message: 'is required when mail is configured',
      });
    if (env.PHASEOUT_WEBHOOK_URL && !env.PHASEOUT_WEBHOOK_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['PHASEOUT_WEBHOOK_SECRET'],
        message: 'is required when a webhook is configured',
      });
    if (Boolean(env.PHASEOUT_TLS_CERT) !== Boolean(env.PHASEOUT_TLS_KEY))
      ctx.addIssue({
        code: 'custom',
        path: [env.PHASEOUT_TLS_CERT ? 'PHASEOUT_TLS_KEY' : 'PHASEOUT_TLS_CERT'],
        message: 'is required with the other of PHASEOUT_TLS_CERT and PHASEOUT_TLS_KEY',
      });
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
  /** The first sign-in of an active person's verified e-mail creates their official account. */
  autoOfficial: boolean;
}

/** Outgoing mail over SMTP. */
export interface MailConfig {
  url: string;
  from: string;
}

/** Configuration read once at start; secrets have no defaults. */
export interface Config {
  oidc: OidcConfig | null;
  mail?: MailConfig | null;
  webhook?: { url: string; secret: string } | null;
  publicUrl?: string | null;
  language?: Language;
  notify?: { everyMs: number; leaseMs: number };
  /** How `serve` runs the server. */
  server?: {
    trustProxy: boolean | string;
    tls: { cert: string; key: string } | null;
    metricsToken: string | null;
    dryRunBudgetMs: number;
    /** With a key, the server signs a checkpoint of the audit log once a day. */
    audit: { keyFile: string; dir: string | undefined } | null;
    logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  };
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
    mail: e.PHASEOUT_SMTP_URL ? { url: e.PHASEOUT_SMTP_URL, from: e.PHASEOUT_MAIL_FROM! } : null,
    publicUrl: e.PHASEOUT_PUBLIC_URL ?? null,
    webhook: e.PHASEOUT_WEBHOOK_URL
      ? { url: e.PHASEOUT_WEBHOOK_URL, secret: e.PHASEOUT_WEBHOOK_SECRET! }
      : null,
    language: e.PHASEOUT_LANGUAGE ?? 'en',
    notify: {
      everyMs: e.PHASEOUT_NOTIFY_EVERY_MS ?? 60_000,
      leaseMs: e.PHASEOUT_NOTIFY_LEASE_MS ?? 120_000,
    },
    server: {
      trustProxy:
        e.PHASEOUT_TRUST_PROXY === undefined || e.PHASEOUT_TRUST_PROXY === 'false'
          ? false
          : e.PHASEOUT_TRUST_PROXY === 'true' || e.PHASEOUT_TRUST_PROXY,
      tls:
        e.PHASEOUT_TLS_CERT && e.PHASEOUT_TLS_KEY
          ? { cert: e.PHASEOUT_TLS_CERT, key: e.PHASEOUT_TLS_KEY }
          : null,
      metricsToken: e.PHASEOUT_METRICS_TOKEN ?? null,
      dryRunBudgetMs: e.PHASEOUT_DRY_RUN_BUDGET_MS ?? 120_000,
      audit: e.PHASEOUT_AUDIT_KEY_FILE
        ? { keyFile: e.PHASEOUT_AUDIT_KEY_FILE, dir: e.PHASEOUT_AUDIT_CHECKPOINT_DIR }
        : null,
      logLevel: e.PHASEOUT_LOG_LEVEL ?? 'info',
    },
    oidc: e.PHASEOUT_OIDC_ISSUER
      ? {
          issuer: e.PHASEOUT_OIDC_ISSUER,
          clientId: e.PHASEOUT_OIDC_CLIENT_ID!,
          clientSecret: e.PHASEOUT_OIDC_CLIENT_SECRET!,
          redirectUri: e.PHASEOUT_OIDC_REDIRECT_URI!,
          allowHttp: e.PHASEOUT_OIDC_ALLOW_HTTP === 'true',
          autoOfficial: e.PHASEOUT_OIDC_AUTO_OFFICIAL === 'true',
        }
      : null,
  };
}
