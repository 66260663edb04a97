import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import type { Offloader } from '../offload.js';
import { AppError } from '../../domain/errors.js';
import { auditActor, visibilityOf, type Visibility } from '../../domain/access.policy.js';
import { mandateOps as ops } from '../../contract/mandates.js';
import { registerContractRoutes } from '../contract.js';
import { writeCsv } from '../../adapters/csv-write.js';
import { findingColumns } from '../../domain/finding.columns.js';
import { isAtOrBelow, normaliseUnitPath } from '../../domain/unit-path.js';
import { statusOps as status } from '../../contract/status.js';
import { sendCsv } from '../csv-reply.js';

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
      {
        where: 'unit',
        code: 'several_units',
        params: { units: v.units.join('; ') },
        message: `one of ${v.units.join('; ')}`,
      },
    ]);
  }
  if (!v.units.some((u) => isAtOrBelow(unit, u)))
    throw new AppError('not_found', `no unit ${unit}`);
  return unit;
}

/** Mandates, status and findings, attestations. */
export async function registerMandateRoutes(
  server: FastifyInstance,
  app: App,
  offload: Offloader,
): Promise<void> {
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
    add(ops.getStatusSeries, 'read', (req, actor) =>
      app.status.series(req.query.mandate, {
        ...(req.query.asOf !== undefined ? { asOf: req.query.asOf } : {}),
        visibility: visibilityOf(actor),
      }),
    );
    add(ops.listFindings, 'read', async (req, actor, reply) => {
      const { mandate, state, unit, asOf, device, owner, sort, offset, limit, format } = req.query;
      const states = state ? state.split(',') : undefined;
      const o = {
        visibility: visibilityOf(actor),
        ...(asOf !== undefined ? { asOf } : {}),
        ...(states ? { states } : {}),
        ...(unit ? { unit } : {}),
        ...(device ? { device } : {}),
        ...(owner ? { owner } : {}),
      };
      if (format !== 'csv')
        return app.status.findingsPage(mandate, {
          ...o,
          ...(sort ? { sort } : {}),
          offset: offset ?? 0,
          limit: limit ?? 100,
        });
      const columns = findingColumns(states);
      const rows = await app.status.findings(mandate, o);
      return sendCsv(
        reply,
        `findings-${mandate}.csv`,
        writeCsv(
          columns,
          rows.map((r) => columns.map((c) => r[c] ?? '')),
        ),
        req.query.dialect,
      );
    });
  });

  await registerContractRoutes(server, (add) => {
    add(status.getMandateLadder, 'read', (req, actor) => {
      const visibility = visibilityOf(actor);
      if (!visibility.all && visibility.units.length === 0)
        throw new AppError(
          'forbidden',
          'counts need the officer, auditor, logistics, admin or unit-head role',
        );
      return app.status.notifyPreview(req.params.id, {
        ...(req.query.asOf !== undefined ? { asOf: req.query.asOf } : {}),
        visibility,
      });
    });
    add(status.applyMandates, 'mandates.write', (req, actor) => {
      const { yaml, effectiveAt, ...flags } = req.body;
      const options = {
        fileName: 'request',
        actor: auditActor(actor),
        ...flags,
        ...(effectiveAt !== undefined ? { effectiveAt } : {}),
      };
      // A dry run, which anyone who may apply can ask for repeatedly, runs off the event loop.
      return flags.dryRun ? offload.dryRun(yaml, options) : app.mandates.apply(yaml, options);
    });
    add(status.getStatus, 'read', (req, actor) => {
      const q = req.query;
      const unit = scopedUnit(visibilityOf(actor), q.unit);
      const o = {
        ...(q.asOf !== undefined ? { asOf: q.asOf } : {}),
        byUnit: q.byUnit === true,
        ...(q.depth ? { depth: q.depth } : {}),
        ...(unit !== undefined ? { unit } : {}),
      };
      return q.mandate ? app.status.status(q.mandate, o) : app.status.statusAll(o);
    });
    add(status.attestPhase, 'attest', async (req, actor, reply) => {
      if (!actor.personId)
        throw new AppError('forbidden', 'attesting needs an account linked to a person');
      const b = req.body;
      const r = await app.attestations.attest({
        mandate: b.mandate,
        phase: b.phase,
        by: actor.personId,
        actor: auditActor(actor),
        visibility: visibilityOf(actor),
        ...(b.unit !== undefined ? { unit: b.unit } : {}),
        ...(b.person !== undefined ? { person: b.person } : {}),
        ...(b.note !== undefined ? { note: b.note } : {}),
      });
      void reply.code(r.created ? 201 : 200);
      return r;
    });
  });
}
