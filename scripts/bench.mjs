// `npm run bench -- NAME [args]`: runs bench/NAME.ts, whose `run(args)` prints its own table.
// Benchmarks compare against Docker Engine themselves where a Docker socket answers.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync('bench').filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => f.slice(0, -3)).sort();
if (!name || !existsSync(`bench/${name}.ts`)) {
  console.error(`usage: npm run bench -- NAME [args]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 1 : 0);
}
const runner = `const m = await import(${JSON.stringify(new URL(`../bench/${name}.ts`, import.meta.url).href)}); await (m.run ?? m.default.run)(${JSON.stringify(args)});`;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', runner], { stdio: 'inherit' });
process.exit(r.status ?? 1);
