import type { FastifyReply } from 'fastify';
import { inDialect } from '../adapters/csv-write.js';
import type { CsvDialect } from '../domain/csv.dialects.js';

/**
 * Answers a CSV document as a download named `fileName`, in the dialect the request asked for
 * (`?dialect=excel-ru`: what Russian Excel opens by a double click).
 */
export function sendCsv(
  reply: FastifyReply,
  fileName: string,
  csv: string,
  dialect: CsvDialect | undefined,
): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(inDialect(csv, dialect ?? 'csv'));
}
