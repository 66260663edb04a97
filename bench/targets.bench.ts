/**
 * Device-checks a second (issue: national scale): the same targets judged over 1,000,000
 * generated devices (seeded) by the compiled closures and by the CEL interpreter, in one process.
 * `BENCH_SCALE=0.1` for a quick look.
 */
import type { Device } from '../src/domain/device.model.js';
import type { Person } from '../src/domain/person.model.js';
import { compileTarget, toTargetDevice, toTargetPerson } from '../src/domain/target.compile.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const n = Math.round(1_000_000 * scale);

/** A small seeded generator (mulberry32): the same devices every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TARGETS = [
  'device.platform == "ios"',
  'device.class == "smartphone" && "official" in device.purposes',
  '"kaspersky-endpoint" in device.apps',
  'device.platform in ["ios", "ipados"] && has(device.osVersion) && version(device.osVersion) < version("17.2")',
  'device.manufacturer == "Apple" || ("vip" in person.tags && device.ownership == "personal")',
];

function main(): void {
  const r = random(20261202);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const owner: Person = {
    id: 'p1',
    name: 'P',
    email: null,
    unit: 'Government/Ministry 3',
    title: null,
    supervisor: null,
    tags: ['vip'],
    active: true,
  };
  const devices: Device[] = Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    owner: 'p1',
    class: pick(['smartphone', 'tablet', 'laptop', 'desktop'] as const),
    platform: pick(['ios', 'ipados', 'android', 'windows', 'macos'] as const),
    osVersion: pick(['16.4', '17.1', '17.4.1', '14', null, 'beta']),
    manufacturer: pick(['Apple', 'Samsung', 'Lenovo', null]),
    model: pick(['iPhone 14', 'Galaxy S23', 'ThinkPad', null]),
    serial: `S${i}`,
    imei: null,
    ownership: pick(['corporate', 'personal', null]),
    purposes: pick([
      ['official'],
      ['personal'],
      ['official', 'personal'],
      [],
    ] as Device['purposes'][]),
    status: 'active',
    apps: pick([
      [],
      ['kaspersky-endpoint'],
      ['teams', 'telegram'],
      ['kaspersky-endpoint', 'teams'],
    ]),
    unit: null,
  }));
  // The floor: the second target written by hand in JavaScript, over the same devices.
  let hand = 0;
  for (let pass = 0; pass < 5; pass++) {
    let caught = 0;
    const t0 = process.hrtime.bigint();
    for (const d of devices)
      if (d.class === 'smartphone' && d.purposes.includes('official')) caught++;
    hand = Math.max(hand, n / (Number(process.hrtime.bigint() - t0) / 1e9));
    void caught;
  }
  console.log(`targets benchmark: ${n} devices, one owner`);
  console.log(
    `written by hand: class == "smartphone" && "official" in purposes: ${(hand / 1e6).toFixed(1)} M device-checks a second\n`,
  );
  console.log(`${'target'.padEnd(60)}  closures  interpreter  (device-checks a second)`);
  const only = process.env.BENCH_TARGET;
  for (const source of only === undefined ? TARGETS : [TARGETS[Number(only)]!]) {
    const c = compileTarget(source);
    if (!c.ok) throw new Error(c.errors.join('; '));
    const t = c.target;
    if (!t.exact) throw new Error(`${source} is not in the common subset`);
    // Best of five passes: the first ones run before the JIT has compiled the closures.
    let caught = 0;
    let closures = 0;
    let t0 = process.hrtime.bigint();
    for (let pass = 0; pass < 5; pass++) {
      caught = 0;
      t0 = process.hrtime.bigint();
      for (const d of devices) if (t.decide(d, owner) === true) caught++;
      closures = Math.max(closures, n / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
    // The interpreter on CEL views, as judging worked before closures.
    const sample = devices.slice(0, Math.min(n, 200_000));
    let caughtRef = 0;
    t0 = process.hrtime.bigint();
    const p = toTargetPerson(owner);
    for (const d of sample) {
      try {
        if (t.matches(toTargetDevice(d), p)) caughtRef++;
      } catch {
        // undecided
      }
    }
    const interpreter = sample.length / (Number(process.hrtime.bigint() - t0) / 1e9);
    const shown = source.length > 58 ? `${source.slice(0, 57)}…` : source;
    console.log(
      `${shown.padEnd(60)}  ${(closures / 1e6).toFixed(1).padStart(6)} M  ${(interpreter / 1e6).toFixed(2).padStart(9)} M   caught ${caught}`,
    );
    void caughtRef;
  }
}

main();
