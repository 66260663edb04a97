import { z } from 'zod/v4';

/**
 * zod as the console imports it (`web/vite.config.ts` aliases `zod` here): configured before any
 * schema of the contract is built, because zod decides then whether to compile its checks, and
 * the console's Content-Security-Policy allows no eval.
 */
z.config({ jitless: true });

export * from 'zod/v4';
