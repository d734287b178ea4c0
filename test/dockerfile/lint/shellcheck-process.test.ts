// The shellcheck process: its berth-shellcheck-* folder is gone after every run (found something,
// failed, killed, and when the whole process exits mid-run), it runs at nice 19 when asked, and a
// missing executable is found without starting anything. A fake shellcheck (a shell script) stands
// in, so these run without ShellCheck installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { locateExecutable, runShellcheckProcess, ShellcheckUnavailable } from '../../../dockerfile/lint/shellcheck-process';

let root: string;
let tmp: string;
let savedTmp: string | undefined;

function fake(name: string, body: string): string {
  const f = path.join(root, name);
  fs.writeFileSync(f, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return f;
}

const left = () => fs.readdirSync(tmp).filter((f) => f.startsWith('berth-shellcheck-'));

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-scproc-'));
  tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp);
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});
after(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  fs.rmSync(root, { recursive: true, force: true });
});

test('comments come back per script, and the folder is removed', async () => {
  // Answers one comment for the second file it is given, as shellcheck -f json1 does.
  const exe = fake('sc-ok', 'for f; do last="$f"; done\nprintf \'{"comments":[{"file":"%s","line":2,"endLine":2,"column":1,"endColumn":3,"level":"info","code":2086,"message":"m","fix":null}]}\' "$last"\nexit 1');
  const out = await runShellcheckProcess(['echo a\n', 'echo $b\n'], { executable: exe });
  assert.deepEqual(out.map((c) => c.map((x) => x.code)), [[], [2086]]);
  assert.deepEqual(left(), []);
});

test('unreadable output is a clear error, and the folder is removed', async () => {
  const exe = fake('sc-bad', 'echo "segfault" >&2; exit 3');
  await assert.rejects(runShellcheckProcess(['echo a\n'], { executable: exe }),
    (e: unknown) => e instanceof ShellcheckUnavailable && /gave no readable output: segfault/.test((e as Error).message));
  assert.deepEqual(left(), []);
});

test('a killed run removes its folder; with lowPriority the process runs at nice 19', async () => {
  const niceFile = path.join(root, 'nice');
  const exe = fake('sc-slow', `sleep 0.3; nice > ${niceFile}; sleep 30`);
  const abort = new AbortController();
  const run = runShellcheckProcess(['echo a\n'], { executable: exe, signal: abort.signal, lowPriority: true });
  // Generous: the machine may be busy.
  // The shell makes the file before `nice` writes into it: wait for the line, not the file.
  const written = (): string => (fs.existsSync(niceFile) ? fs.readFileSync(niceFile, 'utf8') : '');
  for (let i = 0; i < 1000 && !written().endsWith('\n'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(written().trim(), '19');
  assert.equal(left().length, 1, 'the folder exists while it runs');
  abort.abort();
  await assert.rejects(run, (e: unknown) => (e as Error).name === 'AbortError');
  assert.deepEqual(left(), []);
});

test('a process that exits mid-run kills shellcheck and removes the folder', () => {
  const pidFile = path.join(root, 'pid');
  const exe = fake('sc-hang', `echo $$ > ${pidFile}; exec sleep 30`);
  const module = path.resolve(__dirname, '../../../dockerfile/lint/shellcheck-process.ts');
  const script = `
    const { runShellcheckProcess } = require(${JSON.stringify(module)});
    void runShellcheckProcess(['echo a\\n'], { executable: ${JSON.stringify(exe)} }).catch(() => undefined);
    const fs = require('node:fs');
    const wait = setInterval(() => { if (fs.existsSync(${JSON.stringify(pidFile)})) { clearInterval(wait); process.exit(0); } }, 10);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(left(), []);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  // Dead, or a zombie waiting for whoever adopted it to reap it.
  const running = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  let alive = running();
  for (let i = 0; i < 500 && alive; i++) {
    spawnSync('sleep', ['0.02']);
    alive = running();
  }
  assert.equal(alive, false, 'the fake shellcheck was killed');
});

test('locateExecutable looks at PATH without starting anything', () => {
  const exe = fake('shellcheck', 'exit 0');
  fs.writeFileSync(path.join(root, 'not-executable'), '');
  assert.equal(locateExecutable('shellcheck', `/nonexistent:${root}`), exe);
  assert.equal(locateExecutable('shellcheck', '/nonexistent'), null);
  assert.equal(locateExecutable(exe, ''), exe);
  assert.equal(locateExecutable(path.join(root, 'not-executable'), ''), null);
  assert.equal(locateExecutable(root, ''), null, 'a folder is not a program');
});
