import { createWriteStream } from 'node:fs';
import { seededRandom } from '../src/domain/demo.generate.js';

/** The fixed data set of the engine benchmark: a national administration. */
export interface BenchSize {
  people: number;
  devices: number;
  units: number;
}

/** Writes lines to a file in large blocks. */
export function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    out.on('finish', resolve);
    let buf = '';
    for (const l of lines) {
      buf += l + '\n';
      if (buf.length > 1 << 20) {
        out.write(buf);
        buf = '';
      }
    }
    out.end(buf);
  });
}

/** Units: 20 ministries × 10 departments × 100 divisions (20,000 leaves at the default size). */
export function unitPaths(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const m = i % 20;
    const d = Math.floor(i / 20) % 10;
    const v = Math.floor(i / 200);
    out.push(`Government/Ministry ${m + 1}/Department ${d + 1}/Division ${v + 1}`);
  }
  return out;
}

/** Writes people.csv and devices.csv for the size given; the same size gives the same files. */
export async function generateBenchData(
  dir: string,
  size: BenchSize,
): Promise<{ people: string; devices: string }> {
  const rnd = seededRandom(42);
  const units = unitPaths(size.units);
  const people = `${dir}/people.csv`;
  const devices = `${dir}/devices.csv`;
  await writeLines(
    people,
    (function* () {
      yield 'id,name,email,unit,title,supervisor,tags,active';
      for (let i = 0; i < size.people; i++) {
        const unit = units[i % units.length]!;
        const tags = rnd() < 0.05 ? 'cleared' : rnd() < 0.1 ? 'elections-2024' : '';
        yield `P${i},Person ${i},p${i}@gov.example,${unit},Official,,${tags},true`;
      }
    })(),
  );
  await writeLines(
    devices,
    (function* () {
      yield 'id,owner,class,platform,os_version,manufacturer,model,serial,imei,ownership,purposes,status,apps';
      for (let i = 0; i < size.devices; i++) {
        const owner = rnd() < 0.98 ? `P${Math.floor(rnd() * size.people)}` : '';
        const r = rnd();
        const [cls, platform, model] =
          r < 0.3
            ? ['smartphone', 'ios', 'iPhone 13']
            : r < 0.55
              ? ['smartphone', 'android', 'Galaxy S22']
              : r < 0.65
                ? ['tablet', 'ipados', 'iPad']
                : ['laptop', 'windows', 'ThinkPad'];
        const purposes = rnd() < 0.7 ? 'official;personal' : 'personal';
        const apps = cls === 'laptop' && rnd() < 0.2 ? 'kaspersky-endpoint;office' : 'office';
        const status = rnd() < 0.95 ? 'active' : 'retired';
        yield `D${i},${owner},${cls},${platform},1.0,Vendor,${model},S${i},,corporate,${purposes},${status},${apps}`;
      }
    })(),
  );
  return { people, devices };
}
