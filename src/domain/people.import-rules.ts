import { mixedScriptProblem } from './import.rules.js';
import type { Problem } from './errors.js';
import {
  cellReader,
  checkHeader,
  readId,
  readList,
  readText,
  RowProblems,
  type CsvTable,
} from './import.rules.js';
import type { Person } from './person.model.js';
import { normaliseUnitPath } from './unit-path.js';

export const PEOPLE_COLUMNS = [
  'id',
  'name',
  'email',
  'unit',
  'title',
  'supervisor',
  'tags',
  'head_of',
  'active',
] as const;

/** One valid row: the fields its file sets (absent columns stay undefined), and the unit it heads. */
export interface PersonRow {
  line: number;
  id: string;
  fields: Partial<Omit<Person, 'id'>> & { name: string; unit: string };
  /** Present when the file has a head_of column: the unit path, or null for none. */
  headOf?: string | null;
}

/** What validation needs to know of stored people. */
export interface KnownPeople {
  exists(id: string): boolean;
  /** The id of the stored person who has this email, if any. */
  emailOwner(email: string): string | undefined;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** Validates every row of a people file; returns rows or every problem. */
export function readPeopleRows(
  table: CsvTable,
  fileName: string,
  known: KnownPeople,
  ignoreUnknown: boolean,
): { rows: PersonRow[]; problems: Problem[] } {
  const headerProblems = checkHeader(
    table.header,
    PEOPLE_COLUMNS,
    ['id', 'name', 'unit'],
    ignoreUnknown,
    fileName,
  );
  if (headerProblems.length > 0) return { rows: [], problems: headerProblems };
  const cell = cellReader(table.header);
  const p = new RowProblems(fileName);
  const rows: PersonRow[] = [];
  const idsInFile = new Map<string, number>();
  const emailsInFile = new Map<string, string>();
  const headsInFile = new Map<string, string>();
  for (const { line, cells } of table.rows) {
    if (cells.length !== table.header.length) {
      p.add(
        line,
        '',
        cells.join(','),
        `has ${cells.length} cells where the header has ${table.header.length}`,
        'cell_count',
        { cells: cells.length, width: table.header.length },
      );
      continue;
    }
    const rawId = cell(cells, 'id')!;
    const idResult = readId(rawId);
    if ('error' in idResult) {
      p.add(line, 'id', rawId, idResult.error, idResult.code);
      continue;
    }
    const id = idResult.id;
    if (idsInFile.has(id))
      p.add(line, 'id', id, `appears again (first on line ${idsInFile.get(id)})`, 'appears_again', {
        line: idsInFile.get(id)!,
      });
    idsInFile.set(id, line);
  }
  // A stored email may move to another person when its holder's row gives them another one.
  const fileEmailById = new Map<string, string>();
  if (table.header.includes('email')) {
    for (const { cells } of table.rows) {
      const r = readId(cell(cells, 'id') ?? '');
      if ('id' in r)
        fileEmailById.set(r.id, (readText(cell(cells, 'email') ?? '') ?? '').toLowerCase());
    }
  }
  for (const { line, cells } of table.rows) {
    if (cells.length !== table.header.length) continue;
    const idResult = readId(cell(cells, 'id')!);
    if ('error' in idResult) continue;
    const id = idResult.id;
    const errorsBefore = p.list.length;
    const name = readText(cell(cells, 'name')!);
    if (!name) p.add(line, 'name', '', 'is required', 'required');
    const rawUnit = cell(cells, 'unit')!;
    const unit = normaliseUnitPath(rawUnit);
    if (!unit)
      p.add(
        line,
        'unit',
        rawUnit,
        'is required: a /-separated path with no empty segment',
        'not_unit_path',
      );
    const fields: PersonRow['fields'] = { name: name ?? '', unit: unit ?? '' };
    const email = cell(cells, 'email');
    if (email !== undefined) {
      const e = readText(email);
      if (e && !EMAIL_RE.test(e)) p.add(line, 'email', e, 'is not an email address', 'not_email');
      const mixed = e ? mixedScriptProblem(e) : null;
      if (e && mixed) p.add(line, 'email', e, mixed.message, 'mixed_script');
      if (e) {
        const key = e.toLowerCase();
        const other = emailsInFile.get(key);
        const stored = known.emailOwner(key);
        if (other !== undefined && other !== id)
          p.add(line, 'email', e, `is also given to ${other} in this file`, 'email_in_file', {
            holder: other,
          });
        else if (stored !== undefined && stored !== id && fileEmailById.get(stored) === key) {
          p.add(
            line,
            'email',
            e,
            `belongs to ${stored}, who keeps it in this file`,
            'email_taken',
            {
              holder: stored,
            },
          );
        } else if (stored !== undefined && stored !== id && !fileEmailById.has(stored)) {
          p.add(line, 'email', e, `belongs to ${stored} already`, 'email_taken', {
            holder: stored,
          });
        }
        emailsInFile.set(key, id);
      }
      fields.email = e;
    }
    const title = cell(cells, 'title');
    if (title !== undefined) fields.title = readText(title);
    const supervisor = cell(cells, 'supervisor');
    if (supervisor !== undefined) {
      const s = readText(supervisor);
      if (s === id)
        p.add(line, 'supervisor', s, 'a person cannot supervise themselves', 'self_supervisor');
      else if (s && !idsInFile.has(s) && !known.exists(s))
        p.add(line, 'supervisor', s, 'is not a known person id', 'unknown_person');
      fields.supervisor = s;
    }
    const tags = cell(cells, 'tags');
    if (tags !== undefined) fields.tags = readList(tags, true);
    const active = cell(cells, 'active');
    if (active !== undefined) {
      const a = active.trim().toLowerCase();
      if (a !== '' && a !== 'true' && a !== 'false')
        p.add(line, 'active', active, 'must be true or false', 'not_one_of', {
          values: 'true, false',
        });
      fields.active = a !== 'false';
    }
    const row: PersonRow = { line, id, fields };
    const headOf = cell(cells, 'head_of');
    if (headOf !== undefined) {
      const h = readText(headOf);
      const path = h ? normaliseUnitPath(h) : null;
      if (h && !path) p.add(line, 'head_of', h, 'is not a unit path', 'not_unit_path');
      if (path) {
        const other = headsInFile.get(path);
        if (other !== undefined)
          p.add(
            line,
            'head_of',
            path,
            `${other} heads this unit already in this file`,
            'head_in_file',
            {
              head: other,
            },
          );
        headsInFile.set(path, id);
      }
      row.headOf = path;
    }
    if (p.list.length === errorsBefore) rows.push(row);
  }
  return { rows, problems: p.list };
}
