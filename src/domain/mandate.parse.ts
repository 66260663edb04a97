import { createHash } from 'node:crypto';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { codeOf, type Problem } from './errors.js';
import { canonicalJson } from './canonical-json.js';
import { mandateSchema, type MandateDocument } from './mandate.model.js';
import { compileTarget, type CompiledTarget } from './target.compile.js';
import { isDay, parseDuration } from './time.js';

/** A valid mandate document, compiled. */
export interface ParsedMandate {
  doc: MandateDocument;
  /** Canonical JSON of the document as written: equal text means no change. */
  canonical: string;
  digest: string;
  target: CompiledTarget;
}

export interface ParseResult {
  mandates: ParsedMandate[];
  problems: Problem[];
}

/** How far a document's YAML aliases may expand: a mandate needs none, a few are tolerated. */
const MAX_ALIAS_COUNT = 100;
/** A file's bounds: what one application may cost is bounded by them. */
export const FILE_LIMITS = { documents: 100, documentBytes: 65_536 } as const;

/**
 * Reads every mandate document of a YAML file (YAML 1.2 core schema).
 * A document that breaks any rule is reported with every problem; the caller refuses the file.
 */
export function parseMandateFile(text: string, fileName: string): ParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { schema: 'core', lineCounter, prettyErrors: false });
  const problems: Problem[] = [];
  const mandates: ParsedMandate[] = [];
  const list = Array.isArray(docs) ? docs : [];
  const where = (line: number, col: number, path: string): string =>
    `${fileName}:${line}:${col}${path ? ` ${path}` : ''}`;
  if (list.length === 0 || list.every((d) => d.contents === null)) {
    problems.push({
      where: fileName,
      code: 'no_document',
      message: 'no mandate document in the file',
    });
  }
  const documents = list.filter((d) => d.contents !== null);
  if (documents.length > FILE_LIMITS.documents) {
    problems.push({
      where: fileName,
      code: 'too_many_documents',
      params: { count: documents.length, maximum: FILE_LIMITS.documents },
      message: `holds ${documents.length} documents; a file may hold at most ${FILE_LIMITS.documents}`,
    });
    return { mandates, problems };
  }
  const seen = new Map<string, number>();
  list.forEach((doc, index) => {
    if (doc.contents === null) return;
    const bytes = Buffer.byteLength(text.slice(doc.range[0], doc.range[2]));
    if (bytes > FILE_LIMITS.documentBytes) {
      problems.push({
        where: where(lineCounter.linePos(doc.range[0]).line, 1, ''),
        code: 'document_too_big',
        params: { bytes, maximum: FILE_LIMITS.documentBytes },
        message: `the document is ${bytes} bytes; a document may be at most ${FILE_LIMITS.documentBytes}`,
      });
      return;
    }
    const docProblems: Problem[] = [];
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      docProblems.push({
        where: where(pos?.line ?? 0, pos?.col ?? 0, ''),
        code: 'yaml_syntax',
        params: { detail: e.message },
        message: e.message,
      });
    }
    if (docProblems.length > 0) {
      problems.push(...docProblems);
      return;
    }
    const locate = (path: (string | number)[]): string => {
      const offset = offsetOf(doc, path);
      const pos = lineCounter.linePos(offset);
      return where(pos.line, pos.col, path.join('.'));
    };
    // Aliases that expand too far (a "billion laughs" document) are refused, not expanded.
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      problems.push({
        where: where(lineCounter.linePos(doc.range[0]).line, 1, ''),
        code: 'yaml_aliases',
        params: { maximum: MAX_ALIAS_COUNT },
        message: `refused: ${(e as Error).message.toLowerCase()} (aliases may expand at most ${MAX_ALIAS_COUNT} times)`,
      });
      return;
    }
    const result = mandateSchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const keys = issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
        problems.push({
          where: locate(path),
          ...codeOf(issue),
          message: issue.message + keys,
        });
      }
      // The target is checked too, so that one run lists every problem of the document.
      const target = doc.getIn(['spec', 'target']);
      if (typeof target === 'string' && target.trim() !== '') {
        const compiled = compileTarget(target);
        if (!compiled.ok) {
          for (const e of compiled.errors)
            problems.push({
              where: locate(['spec', 'target']),
              code: 'target_invalid',
              params: { detail: e },
              message: e,
            });
        }
      }
      return;
    }
    const m = result.data;
    checkRules(m, locate, docProblems);
    const compiled = compileTarget(m.spec.target);
    if (!compiled.ok) {
      for (const e of compiled.errors)
        docProblems.push({
          where: locate(['spec', 'target']),
          code: 'target_invalid',
          params: { detail: e },
          message: e,
        });
    }
    const first = seen.get(m.metadata.id);
    if (first !== undefined) {
      docProblems.push({
        where: locate(['metadata', 'id']),
        code: 'mandate_twice',
        params: { mandate: m.metadata.id, first: first + 1, second: index + 1 },
        message: `mandate ${m.metadata.id} appears twice in the file (documents ${first + 1} and ${index + 1})`,
      });
    }
    seen.set(m.metadata.id, index);
    if (docProblems.length > 0 || !compiled.ok) {
      problems.push(...docProblems);
      return;
    }
    const canonical = canonicalJson(doc.toJS());
    mandates.push({
      doc: m,
      canonical,
      digest: createHash('sha256').update(canonical).digest('hex'),
      target: compiled.target,
    });
  });
  return { mandates, problems };
}

function offsetOf(doc: Document, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      return Number(node.range[0]);
    }
  }
  return 0;
}

function checkRules(
  m: MandateDocument,
  locate: (path: (string | number)[]) => string,
  problems: Problem[],
): void {
  const day = (value: string | undefined, path: (string | number)[]): void => {
    if (value !== undefined && !isDay(value)) {
      problems.push({
        where: locate(path),
        code: 'not_a_date',
        params: { value },
        message: `${value} is not a calendar date`,
      });
    }
  };
  const duration = (value: string | undefined, path: (string | number)[]): void => {
    if (value !== undefined && parseDuration(value) === null) {
      problems.push({
        where: locate(path),
        code: 'not_a_duration',
        params: { value },
        message: `${value} is not an ISO 8601 duration (such as P30D)`,
      });
    }
  };
  day(m.metadata.issuedAt, ['metadata', 'issuedAt']);
  const phaseIds = new Set<string>();
  let resolvePhases = 0;
  m.spec.phases.forEach((p, i) => {
    day(p.starts, ['spec', 'phases', i, 'starts']);
    day(p.due, ['spec', 'phases', i, 'due']);
    duration(p.grace, ['spec', 'phases', i, 'grace']);
    if (p.grace && !p.due)
      problems.push({
        where: locate(['spec', 'phases', i, 'grace']),
        code: 'grace_without_due',
        message: 'grace counts from the due date: the phase needs a due',
      });
    if (p.starts && p.due && p.starts > p.due) {
      problems.push({
        where: locate(['spec', 'phases', i, 'due']),
        code: 'due_before_start',
        params: { due: p.due, starts: p.starts },
        message: `due ${p.due} is before starts ${p.starts}`,
      });
    }
    if (phaseIds.has(p.id)) {
      problems.push({
        where: locate(['spec', 'phases', i, 'id']),
        code: 'phase_twice',
        params: { phase: p.id },
        message: `phase id ${p.id} is used twice`,
      });
    }
    phaseIds.add(p.id);
    if (p.requires === 'resolve') resolvePhases++;
    if (p.requires === 'resolve' && p.attestBy) {
      problems.push({
        where: locate(['spec', 'phases', i, 'attestBy']),
        code: 'attest_by_without_attest',
        message: 'attestBy applies only to attest phases',
      });
    }
  });
  if (resolvePhases > 1) {
    problems.push({
      where: locate(['spec', 'phases']),
      code: 'one_resolve_phase',
      message: 'at most one phase may have requires: resolve',
    });
  }
  duration(m.spec.reports?.every, ['spec', 'reports', 'every']);
  const every = m.spec.reports ? parseDuration(m.spec.reports.every) : null;
  if (every && every.as('hours') < 24)
    problems.push({
      where: locate(['spec', 'reports', 'every']),
      code: 'reports_daily_at_most',
      message: 'reports come at most once a day: every must be at least P1D',
    });
  day(m.spec.reports?.from, ['spec', 'reports', 'from']);
  duration(m.spec.exemptions?.maxDuration, ['spec', 'exemptions', 'maxDuration']);
  const positive = (value: string, path: (string | number)[], zero = false): void => {
    const d = parseDuration(value);
    if (d === null) duration(value, path);
    else if (d.as('milliseconds') < 0 || (!zero && d.as('milliseconds') === 0))
      problems.push({
        where: locate(path),
        code: 'duration_not_positive',
        params: { value },
        message: `${value} must be ${zero ? 'zero or more' : 'longer than zero'}`,
      });
  };
  const notify = m.spec.notify;
  if (notify) {
    const seen = new Set<string>();
    notify.remind.forEach((r, i) => {
      positive(r, ['spec', 'notify', 'remind', i]);
      if (seen.has(r))
        problems.push({
          where: locate(['spec', 'notify', 'remind', i]),
          code: 'listed_twice',
          message: `reminder ${r} is listed twice`,
        });
      seen.add(r);
    });
    notify.escalate.forEach((e, i) => {
      positive(e.after, ['spec', 'notify', 'escalate', i, 'after'], true);
      duration(e.repeat, ['spec', 'notify', 'escalate', i, 'repeat']);
      const repeat = e.repeat ? parseDuration(e.repeat) : null;
      if (repeat && repeat.as('hours') < 24)
        problems.push({
          where: locate(['spec', 'notify', 'escalate', i, 'repeat']),
          code: 'repeat_daily_at_most',
          message: 'repeat must be at least a day (P1D)',
        });
    });
    const resolve = m.spec.phases.find((p) => p.requires === 'resolve');
    if ((notify.remind.length > 0 || notify.escalate.length > 0) && !resolve?.due)
      problems.push({
        where: locate(['spec', 'notify']),
        code: 'notify_needs_due',
        message: 'reminders and escalations need a phase with requires: resolve and a due date',
      });
  }
  m.spec.scope.units.forEach((u, i) => {
    if (u.split('/').some((s) => s.trim() === '')) {
      problems.push({
        where: locate(['spec', 'scope', 'units', i]),
        code: 'not_unit_path',
        message: `${u} is not a unit path`,
      });
    }
  });
}
