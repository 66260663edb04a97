import pg from 'pg';
import type { Store } from './database.js';

/** The advisory lock whose holder runs the notification scheduler. */
const SCHEDULER_LOCK = 72_834_020;

/** Whether this process leads a kind of work that must run in one process at a time. */
export interface Leadership {
  /** Leads now? Takes the lead when nobody holds it; notices when its hold was lost. */
  claim(): Promise<boolean>;
  /** Gives the lead up (the process stops). */
  release(): Promise<void>;
}

/**
 * On PostgreSQL, a session-level advisory lock on a connection of its own: held while the
 * process lives, released by the server the moment the process (or its connection) dies, so
 * that another process takes over at its next claim. SQLite serves one machine: the process
 * leads (and the outbox's leases still keep two senders from sending a message twice).
 */
export function schedulerLeadership(store: Store): Leadership {
  if (store.dialect !== 'postgres' || !store.url) {
    return { claim: () => Promise.resolve(true), release: () => Promise.resolve() };
  }
  const url = store.url;
  let client: pg.Client | null = null;
  let leading = false;
  const drop = (): void => {
    const c = client;
    client = null;
    leading = false;
    void c?.end().catch(() => undefined);
  };
  return {
    async claim() {
      try {
        if (client && leading) {
          await client.query('select 1');
          return true;
        }
        if (!client) {
          const c = new pg.Client({ connectionString: url });
          c.on('error', drop);
          await c.connect();
          client = c;
        }
        const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
          SCHEDULER_LOCK,
        ]);
        leading = r.rows[0]?.ok === true;
        return leading;
      } catch {
        drop();
        return false;
      }
    },
    async release() {
      const c = client;
      client = null;
      leading = false;
      await c?.end().catch(() => undefined);
    },
  };
}
