import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { AppError } from '../../domain/errors.js';
import { auditActor, visibilityOf, type Visibility } from '../../domain/access.policy.js';
import { mandateOps as ops } from '../../contract/mandates.js';
import { registerContractRoutes } from '../contract.js';
import { isAtOrBelow, normaliseUnitPath } from '../../domain/unit-path.js';
import { authorize, reader } from '../access.js';
import { answers, statusSchema, described } from '../schemas.js';

/**
 * The unit whose counts a caller may ask for: anyone who sees everything, any unit; a unit head,
 * one of theirs or below (their only one by default); others, none.
 */
function scopedUnit(v: Visibility, asked: string | undefined): string | undefined {
  const unit = asked === undefined ? undefined : (normaliseUnitPath(asked) ?? asked);
  if (v.all) return unit;
  if (v.units.length === 0) {
    throw new AppError(
      'forbidden',
      'counts need the officer, auditor, logistics, admin or unit-head role',
    );
  }
  if (unit === undefined) {
    if (v.units.length === 1) return v.units[0];
    throw new AppError('invalid_input', 'you head several units: say which with ?unit=', [
      { where: 'unit', message: `one of ${v.units.join('; ')}` },
    ]);
  }
  if (!v.units.some((u) => isAtOrBelow(unit, u)))
    throw new AppError('not_found', `no unit ${unit}`);
  return unit;
}

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const;

/** Mandates, status and findings, attestations. */
export async function registerMandateRoutes(server: FastifyInstance, app: App): Promise<void> {
  await registerContractRoutes(server, (add) => {
    add(ops.listMandates, 'read', () => app.mandates.list());
    add(ops.getMandate, 'read', async (req) => {
      const m = (await app.mandates.list()).find((x) => x.id === req.params.id);
      if (!m) throw new AppError('not_found', `unknown mandate ${req.params.id}`);
      return { ...m, versions: await app.mandates.versions(m.id) };
    });
    add(ops.withdrawMandate, 'mandates.write', (req, actor) => {
      const at = req.body?.effectiveAt;
      return app.mandates.withdraw(req.params.id, {
        actor: auditActor(actor),
        ...(at !== undefined ? { effectiveAt: at } : {}),
      });
    });
    add(ops.getStatusSeries, 'read', (req, actor) => {
      if (!visibilityOf(actor).all)
        throw new AppError(
          'forbidden',
          'the organisation-wide burn-down needs the officer, auditor, logistics or admin role',
        );
      return app.status.series(
        req.query.mandate,
        req.query.asOf !== undefined ? { asOf: req.query.asOf } : {},
      );
    });
    add(ops.listFindings, 'read', (req, actor) => {
      const q = req.query;
      return app.status.findings(q.mandate, {
        visibility: visibilityOf(actor),
        ...(q.asOf !== undefined ? { asOf: q.asOf } : {}),
        ...(q.state ? { states: q.state.split(',') } : {}),
        ...(q.unit ? { unit: q.unit } : {}),
        ...(q.device ? { device: q.device } : {}),
        ...(q.owner ? { owner: q.owner } : {}),
      });
    });
  });

  server.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/api/v1/mandates/:id/notify',
    {
      schema: {
        operationId: 'getMandateLadder',
        response: described('The ladder and the messages it will send'),
        tags: ['mandates'],
        summary:
          'The notification ladder (reminders, escalations, digest) and what it will send from asOf, per step and day, within your scope',
        params: idParam,
        querystring: {
          type: 'object',
          properties: { asOf: { type: 'string', description: 'a day or a time; default now' } },
        },
      },
    },
    async (req) => {
      const { visibility } = reader(req);
      if (!visibility.all && visibility.units.length === 0)
        throw new AppError(
          'forbidden',
          'counts need the officer, auditor, logistics, admin or unit-head role',
        );
      return app.status.notifyPreview(req.params.id, {
        ...(req.query.asOf !== undefined ? { asOf: req.query.asOf } : {}),
        visibility,
      });
    },
  );

  server.post<{
    Body: { yaml: string; dryRun?: boolean; effectiveAt?: string; reinstate?: boolean };
  }>(
    '/api/v1/mandates/apply',
    {
      schema: {
        operationId: 'applyMandates',
        response: described(
          'What the application did (or, in a dry run, would do): per mandate, findings opened and closed',
        ),
        tags: ['mandates'],
        summary: 'Apply mandate YAML (all or nothing); dryRun shows what would open and close',
        body: {
          type: 'object',
          required: ['yaml'],
          additionalProperties: false,
          properties: {
            yaml: { type: 'string' },
            dryRun: { type: 'boolean' },
            effectiveAt: { type: 'string' },
            reinstate: { type: 'boolean' },
          },
        },
      },
    },
    async (req) => {
      const actor = authorize(req, 'mandates.write');
      const { yaml, effectiveAt, ...flags } = req.body;
      return app.mandates.apply(yaml, {
        fileName: 'request',
        actor: auditActor(actor),
        ...flags,
        ...(effectiveAt !== undefined ? { effectiveAt } : {}),
      });
    },
  );

  server.get<{
    Querystring: {
      asOf?: string;
      byUnit?: boolean;
      depth?: number;
      mandate?: string;
      unit?: string;
    };
  }>(
    '/api/v1/status',
    {
      schema: {
        operationId: 'getStatus',
        tags: ['status'],
        summary:
          'The objects of `status --json`, as of any moment; `unit` limits the counts to a unit and below (unit heads: one of theirs)',
        response: answers({ anyOf: [statusSchema, { type: 'array', items: statusSchema }] }),
        querystring: {
          type: 'object',
          properties: {
            asOf: { type: 'string' },
            byUnit: { type: 'boolean' },
            depth: { type: 'integer', minimum: 1 },
            mandate: { type: 'string' },
            unit: { type: 'string' },
          },
        },
      },
    },
    async (req) => {
      const { visibility } = reader(req);
      const q = req.query;
      const unit = scopedUnit(visibility, q.unit);
      const o = {
        ...(q.asOf !== undefined ? { asOf: q.asOf } : {}),
        byUnit: q.byUnit === true,
        ...(q.depth ? { depth: q.depth } : {}),
        ...(unit !== undefined ? { unit } : {}),
      };
      return q.mandate ? app.status.status(q.mandate, o) : app.status.statusAll(o);
    },
  );

  server.post<{
    Body: { mandate: string; phase: string; unit?: string; person?: string; note?: string };
  }>(
    '/api/v1/attestations',
    {
      schema: {
        operationId: 'attestPhase',
        response: described('The attestation as recorded'),
        tags: ['attestations'],
        summary: 'Attest a phase for a unit you head, or for yourself',
        body: {
          type: 'object',
          required: ['mandate', 'phase'],
          additionalProperties: false,
          properties: {
            mandate: { type: 'string' },
            phase: { type: 'string' },
            unit: { type: 'string' },
            person: { type: 'string' },
            note: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const actor = authorize(req, 'attest');
      if (!actor.personId)
        throw new AppError('forbidden', 'attesting needs an account linked to a person');
      const b = req.body;
      const r = await app.attestations.attest({
        mandate: b.mandate,
        phase: b.phase,
        by: actor.personId,
        actor: auditActor(actor),
        ...(b.unit !== undefined ? { unit: b.unit } : {}),
        ...(b.person !== undefined ? { person: b.person } : {}),
        ...(b.note !== undefined ? { note: b.note } : {}),
      });
      void reply.code(r.created ? 201 : 200);
      return r;
    },
  );
}
