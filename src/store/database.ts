import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { compareVersions, parseVersion } from '../domain/target.version.js';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { initialMigration } from './migrations/20261128T0000-initial.js';
import { accountsMigration } from './migrations/20261128T0100-accounts.js';
import { statementsMigration } from './migrations/20261128T0200-statements.js';
import { notificationsMigration } from './migrations/20261128T0300-notifications.js';
import { reportsMigration } from './migrations/20261128T0400-reports.js';
import { accountLanguageMigration } from './migrations/20261128T0500-account-language.js';
import { replacementMigration } from './migrations/20261128T0600-replacement.js';
import { sourcesMigration } from './migrations/20261201T0000-sources.js';
import { unknownsMigration } from './migrations/20261201T0100-unknowns.js';
import { replacementComplianceMigration } from './migrations/20261201T0200-replacement-compliance.js';
import { reportRegisterMigration } from './migrations/20261201T0300-report-register.js';
import { sanitisationAppendixGMigration } from './migrations/20261201T0400-sanitisation-appendix-g.js';
import { campaignsMigration } from './migrations/20261201T0500-campaigns.js';
import { signInThrottleMigration } from './migrations/20261202T0000-sign-in-throttle.js';
import { versionCompareMigration } from './migrations/20261202T0100-version-compare.js';
import { findingsByOpeningMigration } from './migrations/20261202T0200-findings-by-opening.js';
import { custodyMigration } from './migrations/20261208T0000-custody.js';
import { notifyRoutesMigration } from './migrations/20261208T0100-notify-routes.js';
import { declarationsBeforeMigration } from './migrations/20261208T0200-declarations-before.js';
import { dataRemovalsMigration } from './migrations/20261208T0300-data-removals.js';
import { sourceReportsMigration } from './migrations/20261208T0400-source-reports.js';
import { unitCollationMigration } from './migrations/20261208T0500-unit-collation.js';
import { searchMigration } from './migrations/20261208T0600-search.js';
import { lastContactMigration } from './migrations/20261208T0700-last-contact.js';
import { nameKeyMigration } from './migrations/20261208T0800-name-key.js';
import type { Database } from './schema.js';
import { guardedDialect } from './write-guard.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database with its dialect; close it when done. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL's connection string, for the one connection held apart (leadership.ts). */
  url?: string;
  close(): Promise<void>;
}

/**
 * The better-sqlite3 handle behind a Kysely instance or a transaction on it, for the few bulk
 * writes that must skip query building (see `insertMany`).
 */
export const rawSqlite = new WeakMap<object, SQLite.Database>();

/** The mark a store's write transactions carry (`write-guard.ts`), by its `db`. */
export const writeGuards = new WeakMap<object, object>();

// bigint columns hold epoch milliseconds and counts: they fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** Opens a database named by a file path, `sqlite:PATH` or a `postgres://` URL, and migrates it. */
export async function openStore(url: string): Promise<Store> {
  const store =
    url.startsWith('postgres://') || url.startsWith('postgresql://')
      ? openPostgres(url)
      : openSqlite(url.replace(/^sqlite:/, ''));
  await migrate(store);
  return store;
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed transaction survives a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 30000');
  sqlite.pragma('cache_size = -262144');
  // Scans of millions of rows read pages through memory maps instead of one syscall each.
  sqlite.pragma('mmap_size = 4294967296');
  sqlite.function('phaseout_version_cmp', { deterministic: true }, versionCompareSql);
  const guard = {};
  const db = new Kysely<Database>({
    dialect: guardedDialect(new SqliteDialect({ database: withStatementCache(sqlite) }), guard),
  });
  writeGuards.set(db, guard);
  rawSqlite.set(db, sqlite);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Targets' `version()` ordering for SQL (PostgreSQL has it from a migration); null when either is not a version. */
function versionCompareSql(a: unknown, b: unknown): number | null {
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  try {
    return Math.sign(compareVersions(parseVersion(a), parseVersion(b)));
  } catch {
    return null;
  }
}

/**
 * Kysely prepares every query anew; a bulk step runs the same few statements thousands of times.
 * Statements are kept by their SQL (a busy one, still iterating, is not shared).
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string): SQLite.Statement => {
    let stmt = cache.get(source);
    if (!stmt || stmt.busy) {
      stmt = sqlite.prepare(source);
      if (cache.size >= 1000) cache.clear();
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/**
 * PostgreSQL: a store's connections by their server process id (`pg_backend_pid()`), so that a
 * transaction can reach its own connection for what Kysely does not speak (COPY). Set for the
 * store's `db` and, by `writeTransaction`, for each write transaction.
 */
export const pgClients = new WeakMap<object, Map<number, pg.PoolClient>>();

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const clients = new Map<number, pg.PoolClient>();
  const pid = (c: pg.PoolClient): number => (c as unknown as { processID: number }).processID;
  pool.on('connect', (c) => clients.set(pid(c), c));
  pool.on('remove', (c) => clients.delete(pid(c)));
  const guard = {};
  const db = new Kysely<Database>({
    dialect: guardedDialect(new PostgresDialect({ pool }), guard),
  });
  writeGuards.set(db, guard);
  pgClients.set(db, clients);
  return { db, dialect: 'postgres', url, close: () => db.destroy() };
}

function migratorOf(store: Store): Migrator {
  const provider: MigrationProvider = {
    getMigrations: () =>
      Promise.resolve({
        '20261128T0000-initial': initialMigration(store.dialect),
        '20261128T0100-accounts': accountsMigration(store.dialect),
        '20261128T0200-statements': statementsMigration(store.dialect),
        '20261128T0300-notifications': notificationsMigration(store.dialect),
        '20261128T0400-reports': reportsMigration(store.dialect),
        '20261128T0500-account-language': accountLanguageMigration(),
        '20261128T0600-replacement': replacementMigration(store.dialect),
        '20261201T0000-sources': sourcesMigration(store.dialect),
        '20261201T0100-unknowns': unknownsMigration(store.dialect),
        '20261201T0200-replacement-compliance': replacementComplianceMigration(),
        '20261201T0300-report-register': reportRegisterMigration(),
        '20261201T0400-sanitisation-appendix-g': sanitisationAppendixGMigration(),
        '20261201T0500-campaigns': campaignsMigration(store.dialect),
        '20261202T0000-sign-in-throttle': signInThrottleMigration(store.dialect),
        '20261202T0100-version-compare': versionCompareMigration(store.dialect),
        '20261202T0200-findings-by-opening': findingsByOpeningMigration(store.dialect),
        '20261208T0000-custody': custodyMigration(store.dialect),
        '20261208T0100-notify-routes': notifyRoutesMigration(),
        '20261208T0200-declarations-before': declarationsBeforeMigration(),
        '20261208T0300-data-removals': dataRemovalsMigration(store.dialect),
        '20261208T0400-source-reports': sourceReportsMigration(),
        '20261208T0500-unit-collation': unitCollationMigration(store.dialect),
        '20261208T0600-search': searchMigration(),
        '20261208T0700-last-contact': lastContactMigration(store.dialect),
        '20261208T0800-name-key': nameKeyMigration(store.dialect),
      }),
  };
  return new Migrator({ db: store.db, provider });
}

async function migrate(store: Store): Promise<void> {
  const { error } = await migratorOf(store).migrateToLatest();
  if (error)
    throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
}

/** The migrations this code knows that the database has not run (readiness). */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const all = await migratorOf(store).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
