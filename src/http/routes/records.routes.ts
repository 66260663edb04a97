import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app.js';
import { recordOps as ops } from '../../contract/records.js';
import { registerContractRoutes } from '../contract.js';

/** People, devices and units, within the caller's scope; out of scope answers 404. */
export async function registerRecordRoutes(server: FastifyInstance, app: App): Promise<void> {
  const r = app.records;
  const d = app.directory;
  /** A record's answer carries its ETag as a header too. */
  const tagged = <T extends { etag: string }>(reply: FastifyReply, v: T): T => {
    void reply.header('etag', v.etag);
    return v;
  };
  const ifMatch = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h);
  await registerContractRoutes(server, (add) => {
    // Creating, replacing and changing a device or a person: the same three routes for each.
    for (const [write, create, replace, update] of [
      [
        (...a: Parameters<typeof r.writeDevice>) => r.writeDevice(...a),
        ops.createDevice,
        ops.replaceDevice,
        ops.updateDevice,
      ],
      [
        (...a: Parameters<typeof r.writePerson>) => r.writePerson(...a),
        ops.createPerson,
        ops.replacePerson,
        ops.updatePerson,
      ],
    ] as const) {
      add(create, 'records.write', async (req, actor, reply) => {
        const { id, ...fields } = req.body as { id: string } & Record<string, unknown>;
        return tagged(reply, await write(actor, 'create', id.trim(), fields));
      });
      for (const [op, mode] of [
        [replace, 'replace'],
        [update, 'patch'],
      ] as const)
        add(op, 'records.write', async (req, actor, reply) =>
          tagged(
            reply,
            await write(actor, mode, req.params.id, req.body, ifMatch(req.headers['if-match'])),
          ),
        );
    }
    add(ops.getDevice, 'read', async (req, actor, reply) =>
      tagged(reply, await d.device(actor, req.params.id)),
    );
    add(ops.listDevices, 'read', (req, actor) => d.devices(actor, req.query));
    add(ops.getPerson, 'read', async (req, actor, reply) =>
      tagged(reply, await d.person(actor, req.params.id)),
    );
    add(ops.listPeople, 'read', (req, actor) => d.people(actor, req.query));
    add(ops.stateNoOfficialUse, 'declare', (req, actor) =>
      r.stateNoOfficialUse(actor, req.params.id, req.body?.note),
    );
    add(ops.listUnits, 'read', (_req, actor) => d.units(actor));
  });
}
