import { describe, expect, it } from 'vitest';
import { parseMandateFile } from './mandate.parse.js';
import {
  dueMessages,
  ladderOf,
  orderMessageDue,
  plannedSteps,
  routeStep,
  tellOnce,
  type FindingLife,
} from './notify.rules.js';
import { parseInstant } from './time.js';

const ZONE = 'Europe/Moscow';
const at = (text: string) => parseInstant(text, ZONE)!;

/** A mandate whose resolve phase is due on `due` (none when null), with `spec` lines appended. */
function parse(spec: string, due: string | null = '2023-04-01') {
  return parseMandateFile(
    `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: m1, title: T, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: remove
  phases: [{ id: r, ${due ? `due: ${due}, ` : ''}requires: resolve }]
${spec}`,
    'm.yaml',
  );
}

function doc(notify: string, due = '2023-04-01') {
  const r = parse(notify, due);
  expect(r.problems).toEqual([]);
  return r.mandates[0]!.doc;
}

const open = (opened: string, closed: string | null = null, exempt?: [string, string]) =>
  ({
    opened: at(opened),
    closed: closed ? at(closed) : null,
    exemptAt: (t: number) => !!exempt && t >= at(exempt[0]) && t < at(exempt[1]),
  }) satisfies FindingLife;

describe('the notification ladder', () => {
  it('defaults to reminders at 14, 3 and 1 days, then supervisor, unit head and officers weekly', () => {
    const l = ladderOf(doc(''), ZONE)!;
    expect(l.steps.map((s) => s.id)).toEqual([
      'remind-P14D',
      'remind-P3D',
      'remind-P1D',
      'escalate-P1D-supervisor',
      'escalate-P3D-unit-head',
      'escalate-P7D-officers',
    ]);
    expect(l.steps[0]!.at).toBe(at('2023-03-18'));
    expect(l.digest).toBe('weekly');
  });

  it('has no ladder without a due date', () => {
    const r = parse('', null);
    expect(ladderOf(r.mandates[0]!.doc, ZONE)).toBeNull();
  });

  it('sends each reminder inside its window only, and nothing once resolved or exempt', () => {
    const l = ladderOf(doc(''), ZONE)!;
    const f = open('2023-03-01');
    const keys = (now: string, g: FindingLife = f) =>
      dueMessages(l, g, at(now), ZONE).map((m) => m.key);
    expect(keys('2023-03-17T23:00')).toEqual([]);
    expect(keys('2023-03-18T00:00')).toEqual(['remind-P14D#0']);
    expect(keys('2023-03-29T12:00')).toEqual(['remind-P3D#0']);
    expect(keys('2023-03-31T08:00')).toEqual(['remind-P1D#0']);
    expect(keys('2023-04-01T08:00')).toEqual([]);
    expect(keys('2023-03-29T12:00', open('2023-03-01', '2023-03-28'))).toEqual([]);
    expect(
      keys('2023-03-29T12:00', open('2023-03-01', null, ['2023-03-20', '2023-04-30'])),
    ).toEqual([]);
  });

  it('escalates from the day after the due date, or from a late catch, once per step', () => {
    const l = ladderOf(doc(''), ZONE)!;
    const keys = (now: string, g: FindingLife) =>
      dueMessages(l, g, at(now), ZONE).map((m) => m.key);
    expect(keys('2023-04-03T00:00', open('2023-03-01'))).toEqual(['escalate-P1D-supervisor#0']);
    expect(keys('2023-04-05T00:00', open('2023-03-01'))).toEqual([
      'escalate-P1D-supervisor#0',
      'escalate-P3D-unit-head#0',
    ]);
    // Caught on 10 April: overdue from then, so its supervisor hears on the 11th.
    expect(keys('2023-04-10T12:00', open('2023-04-10T10:00'))).toEqual([]);
    expect(keys('2023-04-11T10:00', open('2023-04-10T10:00'))).toEqual([
      'escalate-P1D-supervisor#0',
    ]);
  });

  it('after a long downtime asks for one message per step: the latest repetition only', () => {
    const l = ladderOf(doc(''), ZONE)!;
    const m = dueMessages(l, open('2023-03-01'), at('2023-05-20T00:00'), ZONE);
    expect(m.map((x) => x.key)).toEqual([
      'escalate-P1D-supervisor#0',
      'escalate-P3D-unit-head#0',
      // officers from 9 April, then every 7 days: 16, 23, 30 April, 7, 14 May → 5th repetition.
      'escalate-P7D-officers#5',
    ]);
    expect(m[2]!.at).toBe(at('2023-05-14'));
  });

  it('reads a notify section as written, and refuses bad steps with their place', () => {
    const l = ladderOf(
      doc(`  notify:
    remind: [P2D]
    escalate: [{ after: P0D, to: unit-head, repeat: P1D }]
    digest: daily`),
      ZONE,
    )!;
    expect(l.steps.map((s) => s.id)).toEqual(['remind-P2D', 'escalate-P0D-unit-head']);
    expect(l.digest).toBe('daily');
    const bad = (notify: string) =>
      parse(`  notify:\n${notify}`, null).problems.map(
        (p) => `${p.where.split(' ')[0]!.split(':')[1]}: ${p.message}`,
      );
    expect(bad('    escalate: [{ after: P1D, to: everyone }]\n')).toEqual([
      expect.stringMatching(/^9: .*supervisor.*unit-head.*officers/),
    ]);
    expect(
      bad(
        '    remind: [P3D, P3D, soon, -P1D]\n    escalate: [{ after: P1D, to: officers, repeat: PT1H }]\n',
      ),
    ).toEqual([
      '9: reminder P3D is listed twice',
      '9: soon is not an ISO 8601 duration (such as P30D)',
      '9: -P1D must be longer than zero',
      '10: repeat must be at least a day (P1D)',
      '9: reminders and escalations need a phase with requires: resolve and a due date',
    ]);
  });

  it('previews what a finding will be sent if nothing changes', () => {
    const l = ladderOf(doc(''), ZONE)!;
    const plan = plannedSteps(l, { opened: at('2023-03-25') }, at('2023-03-25'), ZONE, 1);
    expect(plan.map((p) => [p.step, new Date(p.at).toISOString()])).toEqual([
      ['remind-P14D', '2023-03-24T21:00:00.000Z'],
      ['remind-P3D', '2023-03-28T21:00:00.000Z'],
      ['remind-P1D', '2023-03-30T21:00:00.000Z'],
      ['escalate-P1D-supervisor', '2023-04-02T21:00:00.000Z'],
      ['escalate-P3D-unit-head', '2023-04-04T21:00:00.000Z'],
      ['escalate-P7D-officers', '2023-04-08T21:00:00.000Z'],
      ['escalate-P7D-officers', '2023-04-15T21:00:00.000Z'],
    ]);
  });
});

describe('the preview long after the due date', () => {
  it('shows the next repetitions of a repeating step, not the ones in the past', () => {
    const l = ladderOf(doc(''), ZONE)!;
    const plan = plannedSteps(l, { opened: at('2023-03-01') }, at('2023-06-01T12:00'), ZONE, 1);
    expect(plan.map((p) => [p.step, new Date(p.at).toISOString()])).toEqual([
      ['escalate-P7D-officers', '2023-06-03T21:00:00.000Z'],
      ['escalate-P7D-officers', '2023-06-10T21:00:00.000Z'],
    ]);
  });
});

describe('what an official is told about a replacement order', () => {
  const day = 86_400_000;
  const issued = Date.parse('2023-03-10T10:00:00Z');
  const order = { id: 7, state: 'issued', approved_at: issued - day, issued_at: issued };
  it('once approved: where to collect; after the handover only the latest receipt step due', () => {
    expect(orderMessageDue({ ...order, state: 'approved', issued_at: null }, issued)).toEqual({
      key: 'order-7:collect',
      at: issued - day,
    });
    expect(orderMessageDue(order, issued + day - 1)).toBeNull();
    expect(orderMessageDue(order, issued + day)?.key).toBe('order-7:receipt-P1D');
    expect(orderMessageDue(order, issued + 5 * day)?.key).toBe('order-7:receipt-P3D');
    expect(orderMessageDue(order, issued + 30 * day)).toEqual({
      key: 'order-7:receipt-P7D',
      at: issued + 7 * day,
    });
  });
  it('tells each person once per round: a second step to the same person is merged', () => {
    const told = new Map<string, string>();
    const boss = { key: 'p9', address: 'boss@x.org', language: null };
    const head = { key: 'p8', address: 'head@x.org', language: null };
    expect(tellOnce(told, [boss], 'escalate-P1D-supervisor#0')).toEqual({ to: [boss], merged: [] });
    expect(tellOnce(told, [boss, head], 'escalate-P3D-unit-head#0')).toEqual({
      to: [head],
      merged: [boss],
    });
    expect(told.get('p9')).toBe('escalate-P1D-supervisor#0');
  });
});

describe('routeStep: a message reaches someone or says so', () => {
  const a = (key: string, address: string | null = `${key}@x.org`) => ({
    key,
    address,
    language: null,
  });
  const rungs = {
    official: a('p1'),
    supervisor: a('p2'),
    unitHead: a('h1'),
    headsAbove: [a('h0')],
    officers: [a('account:officer')],
  };
  it('goes to the rung asked for when someone there can be written to', () => {
    expect(routeStep('supervisor', rungs)).toEqual({ to: [a('p2')], rerouted: null });
  });
  it('goes up the ladder, saying why, when a rung is missing or has no address', () => {
    expect(routeStep('unit-head', { ...rungs, unitHead: null })).toEqual({
      to: [a('h0')],
      rerouted: { from: 'unit-head', via: 'unit-head', why: 'no unit head' },
    });
    expect(routeStep('official', { ...rungs, official: null })).toEqual({
      to: [a('h1')],
      rerouted: { from: 'official', via: 'unit-head', why: 'a unit holds the device: no person' },
    });
    expect(
      routeStep('supervisor', {
        ...rungs,
        supervisor: a('p2', null),
        unitHead: null,
        headsAbove: [],
      }),
    ).toEqual({
      to: [a('account:officer')],
      rerouted: { from: 'supervisor', via: 'officers', why: 'p2 has no e-mail address' },
    });
  });
  it('waits, saying so, when nobody at all can be written to', () => {
    expect(
      routeStep('unit-head', { ...rungs, unitHead: null, headsAbove: [], officers: [] }),
    ).toEqual({ to: [], rerouted: { from: 'unit-head', via: null, why: 'no unit head' } });
  });
});
