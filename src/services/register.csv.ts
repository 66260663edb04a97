import { writeCsv } from '../adapters/csv-write.js';
import { ATTESTATION_COLUMNS, EXEMPTION_COLUMNS } from '../domain/register.columns.js';
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
