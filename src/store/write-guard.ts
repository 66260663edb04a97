import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dialect, Driver } from 'kysely';

/** The write transaction a piece of async work runs inside, while it is open. */
interface Writing {
  store: object;
  open: boolean;
}

const writing = new AsyncLocalStorage<Writing>();

/**
 * Runs a write transaction's body marked as such, for the guard below: the mark ends with the
 * transaction, even for work it started and did not wait for.
 */
export async function markWriting<T>(store: object, fn: () => Promise<T>): Promise<T> {
  const mark: Writing = { store, open: true };
  try {
    return await writing.run(mark, fn);
  } finally {
    mark.open = false;
  }
}

/**
 * A dialect whose connections are refused to work that holds the same store's write transaction:
 * such a read waits for the connection the transaction holds (SQLite: forever — the whole server
 * stops), or reads beside it what the transaction has not committed (PostgreSQL). It must read
 * through the transaction instead; this makes the mistake fail loudly wherever it is made.
 */
export function guardedDialect<D extends Dialect>(dialect: D, store: object): D {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = (): Driver => {
    const driver = createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    driver.acquireConnection = () => {
      const w = writing.getStore();
      if (w?.open && w.store === store)
        return Promise.reject(
          new Error(
            'a query through the pool inside a write transaction of the same database: read through the transaction',
          ),
        );
      return acquire();
    };
    return driver;
  };
  return dialect;
}
