import { systemClock, type Clock } from './adapters/clock.js';
import { smtpMailer } from './adapters/mail.js';
import { httpWebhook } from './adapters/webhook.js';
import { makeOidcClient } from './adapters/oidc.js';
import { makeNotifier } from './jobs/notify.job.js';
import type { Config } from './config.js';
import { makeAccountService } from './services/account.service.js';
import type { KeyObject } from 'node:crypto';
import type { Checkpoint } from './domain/audit.checkpoint.js';
import { checkAgainst, listAudit, makeCheckpoint, verifyAudit } from './services/audit.service.js';
import { makeDirectoryService } from './services/directory.service.js';
import { makeExemptionService } from './services/exemption.service.js';
import { makeRecordService } from './services/record.service.js';
import { makeReplacementService } from './services/replacement.service.js';
import { makeSanitisationService } from './services/sanitisation.service.js';
import { makeDataRemovalService } from './services/data-removal.service.js';
import { makeAttestationService } from './services/attestation.service.js';
import { makeDemoService } from './services/demo.service.js';
import { makeImportService } from './services/import.service.js';
import { makeCheckinService } from './services/checkin.service.js';
import { makeScimService } from './services/scim.service.js';
import { makeCampaignService } from './services/campaign.service.js';
import { makeMandateService } from './services/mandate.service.js';
import { makeSettingsService } from './services/settings.service.js';
import { makeStatusService } from './services/status.service.js';
import { makeTimings, type Timings } from './services/timings.js';
import { makeBackupService } from './services/backup.service.js';
import { openStore, type Store } from './store/database.js';

/** Everything the server, the CLI and the tests use, built from infrastructure passed in. */
export interface App {
  /** The database it was opened on (a dry run's worker opens it again). */
  dbUrl: string;
  store: Store;
  clock: Clock;
  /** Backup and restore of the whole database. */
  backups: ReturnType<typeof makeBackupService>;
  /** How long imports and applications take, for the server's metrics. */
  timings: Timings;
  imports: ReturnType<typeof makeImportService>;
  /** Device check-ins from agents and MDMs. */
  checkins: ReturnType<typeof makeCheckinService>;
  /** Directory sync over SCIM 2.0. */
  scim: ReturnType<typeof makeScimService>;
  /** Declaration campaigns: the devices no system knows. */
  campaigns: ReturnType<typeof makeCampaignService>;
  mandates: ReturnType<typeof makeMandateService>;
  status: ReturnType<typeof makeStatusService>;
  attestations: ReturnType<typeof makeAttestationService>;
  settings: ReturnType<typeof makeSettingsService>;
  demo: ReturnType<typeof makeDemoService>;
  accounts: ReturnType<typeof makeAccountService>;
  exemptions: ReturnType<typeof makeExemptionService>;
  directory: ReturnType<typeof makeDirectoryService>;
  records: ReturnType<typeof makeRecordService>;
  /** Replacement logistics: catalogue, stock, orders, custody, shortage forecast. */
  replacements: ReturnType<typeof makeReplacementService>;
  sanitisations: ReturnType<typeof makeSanitisationService>;
  /** Removals of organisation data from personal devices (the personal path, DESIGN §5a). */
  dataRemovals: ReturnType<typeof makeDataRemovalService>;
  /** Reminders and escalations; sends nothing unless mail is configured. */
  notifier: ReturnType<typeof makeNotifier>;
  /** Single sign-on, when configured. */
  sso: ReturnType<typeof makeOidcClient> | null;
  /** Which channels can reach people: what an admin sees in the console. */
  channels: { mail: boolean; webhook: boolean; sso: boolean };
  audit: {
    verify: () => ReturnType<typeof verifyAudit>;
    /** Signs the log's head with the audit key (which never enters the database). */
    checkpoint: (key: KeyObject) => ReturnType<typeof makeCheckpoint>;
    /** What the log says against a checkpoint; null when it agrees. */
    checkAgainst: (c: Checkpoint, key: KeyObject) => ReturnType<typeof checkAgainst>;
    list: (o: Parameters<typeof listAudit>[1]) => ReturnType<typeof listAudit>;
  };
  close(): Promise<void>;
}

/** The one composition root. */
export async function createApp(deps: {
  dbUrl: string;
  clock?: Clock;
  config?: Config;
}): Promise<App> {
  const store = await openStore(deps.dbUrl);
  const clock = deps.clock ?? systemClock;
  const base = { store, clock };
  const timings = makeTimings();
  const imports = makeImportService({ ...base, timings });
  const mandates = makeMandateService({ ...base, timings });
  const mailer = deps.config?.mail ? smtpMailer(deps.config.mail) : null;
  const status = makeStatusService(base);
  return {
    dbUrl: deps.dbUrl,
    store,
    clock,
    timings,
    backups: makeBackupService(base),
    imports,
    checkins: makeCheckinService(base),
    scim: makeScimService(base),
    campaigns: makeCampaignService(base),
    mandates,
    status,
    attestations: makeAttestationService(base),
    settings: makeSettingsService(base),
    demo: makeDemoService({ store }),
    accounts: makeAccountService({
      ...base,
      autoOfficial: deps.config?.oidc?.autoOfficial === true,
    }),
    exemptions: makeExemptionService(base),
    directory: makeDirectoryService({ store }),
    records: makeRecordService(base),
    replacements: makeReplacementService(base),
    sanitisations: makeSanitisationService(base),
    dataRemovals: makeDataRemovalService(base),
    sso: deps.config?.oidc ? makeOidcClient(deps.config.oidc) : null,
    channels: {
      mail: mailer !== null,
      webhook: Boolean(deps.config?.webhook),
      sso: Boolean(deps.config?.oidc),
    },
    notifier: makeNotifier({
      store,
      status,
      clock,
      mailer,
      webhook: deps.config?.webhook ? httpWebhook(deps.config.webhook) : null,
      publicUrl: deps.config?.publicUrl ?? null,
      language: deps.config?.language ?? 'en',
      ...(deps.config?.notify ?? {}),
    }),
    audit: {
      verify: () => verifyAudit(store.db),
      checkpoint: (key) => makeCheckpoint(store.db, key, clock.now()),
      checkAgainst: (c, key) => checkAgainst(store.db, c, key),
      list: (o) => listAudit(store.db, o),
    },
    close: async () => {
      mailer?.close();
      await store.close();
    },
  };
}

/** The database named by `--db`, `PHASEOUT_DB`, or the default file. */
export function databaseUrl(flag?: string): string {
  return flag ?? process.env.PHASEOUT_DB ?? './data/phaseout.db';
}
