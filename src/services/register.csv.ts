import type { DataRemoval } from '../contract/removals.js';
import { writeCsv } from '../adapters/csv-write.js';
import {
  ATTESTATION_COLUMNS,
  CAMPAIGN_PEOPLE_COLUMNS,
  DATA_REMOVAL_COLUMNS,
  EXEMPTION_COLUMNS,
} from '../domain/register.columns.js';
import type { CampaignPersonView } from './campaign.service.js';
import type { AttestationView } from './attestation.service.js';
import type { ExemptionView } from './exemption.service.js';

/** The register of exemptions as CSV: the same columns for the API, the CLI and reports. */
export function exemptionRegisterCsv(list: ExemptionView[]): string {
  return writeCsv(
    EXEMPTION_COLUMNS,
    list.map((e) => EXEMPTION_COLUMNS.map((c) => e[c])),
  );
}

/** The register of attestations as CSV. */
export function attestationRegisterCsv(list: AttestationView[]): string {
  return writeCsv(
    ATTESTATION_COLUMNS,
    list.map((a) => ATTESTATION_COLUMNS.map((c) => a[c])),
  );
}

/** The people of a declaration campaign as CSV. */
export function campaignPeopleCsv(list: CampaignPersonView[]): string {
  return writeCsv(
    CAMPAIGN_PEOPLE_COLUMNS,
    list.map((p) => CAMPAIGN_PEOPLE_COLUMNS.map((c) => p[c])),
  );
}

/** The register of removals of organisation data from personal devices, as CSV. */
export function dataRemovalCsv(list: DataRemoval[]): string {
  return writeCsv(
    DATA_REMOVAL_COLUMNS,
    list.map((r) => DATA_REMOVAL_COLUMNS.map((c) => r[c])),
  );
}
