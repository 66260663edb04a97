import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../domain/access.policy.js';
import { LANGUAGES } from '../domain/texts/languages.js';
import { operation } from './operation.js';

/** An account as its owner and admins see it. */
export const Account = z.object({
  id: z.number().int(),
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  units: z.array(z.string()),
  personId: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type Account = z.output<typeof Account>;

/** The signed-in account: who, what it may do, how far it sees, and its CSRF token. */
export const Me = z.object({
  accountId: z.number().int(),
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  personId: z.string().nullable(),
  units: z.array(z.string()),
  /** What the account may do: the server's access policy decides, the console only follows. */
  capabilities: z.array(z.enum(PERMISSIONS)),
  /** How far the account sees: the whole organisation, some units, or only itself. */
  sees: z.enum(['all', 'units', 'self']),
  csrfToken: z.string().nullable(),
  /** On the demo: a day inside its story, where the overview opens; otherwise null (today). */
  demoDay: z.string().nullable(),
});
export type Me = z.output<typeof Me>;

/** Longer passwords are refused before any hashing: a long one costs the server, not a guesser. */
export const MAX_PASSWORD_BYTES = 1024;

export const authOps = {
  signIn: operation({
    operationId: 'signIn',
    method: 'POST',
    path: '/api/v1/auth/login',
    tags: ['auth'],
    summary: 'Sign in with email and password; sets an HttpOnly, SameSite=Strict session cookie',
    bodyLimit: 16 * 1024,
    body: z.strictObject({
      email: z.string().max(320),
      password: z.string().refine((p) => new TextEncoder().encode(p).length <= MAX_PASSWORD_BYTES, {
        params: { code: 'too_long_bytes', maximum: MAX_PASSWORD_BYTES },
        message: `is longer than ${MAX_PASSWORD_BYTES} bytes`,
      }),
    }),
    status: 200,
    response: z.object({ account: Account, csrfToken: z.string() }),
    answers: 'Signed in: the account, and the CSRF token to send on writes',
  }),
  signInMethods: operation({
    operationId: 'signInMethods',
    method: 'GET',
    path: '/api/v1/auth/methods',
    tags: ['auth'],
    summary: 'How one may sign in here: password, and single sign-on when configured',
    status: 200,
    response: z.object({
      password: z.boolean(),
      sso: z
        .string()
        .nullable()
        .meta({ description: 'Where the single sign-on starts, or null when not configured' }),
    }),
    answers: 'The ways to sign in',
  }),
  signOut: operation({
    operationId: 'signOut',
    method: 'POST',
    path: '/api/v1/auth/logout',
    tags: ['auth'],
    summary: 'End this session',
    status: 200,
    response: z.object({ ok: z.literal(true) }),
    answers: 'Signed out: the session has ended',
  }),
  whoAmI: operation({
    operationId: 'whoAmI',
    method: 'GET',
    path: '/api/v1/auth/me',
    tags: ['auth'],
    summary:
      'The signed-in account, its CSRF token, what it may do (`capabilities`: the permissions of the access policy) and how far it sees (`sees`: all, units or self)',
    status: 200,
    response: Me,
    answers: 'The account',
  }),
  setMyLanguage: operation({
    operationId: 'setMyLanguage',
    method: 'PUT',
    path: '/api/v1/auth/me/language',
    tags: ['auth'],
    summary: 'The language you read in; reminders and escalations to you come in it',
    body: z.strictObject({ language: z.enum(LANGUAGES) }),
    status: 200,
    response: z.object({ language: z.enum(LANGUAGES) }),
    answers: 'The language is kept',
  }),
};
