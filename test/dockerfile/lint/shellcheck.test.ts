// ShellCheck findings land on the exact line and column inside the RUN. Needs shellcheck
// (in CI a missing shellcheck fails these tests instead of skipping them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runShellcheck, ShellcheckUnavailable } from '../../../dockerfile/lint/shellcheck';
import type { Finding, LintOptions } from '../../../dockerfile/lint/types';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';
import { requireOrSkip } from '../../helpers/prereqs';
import { tempDir } from '../../helpers/temp-dir';
import { applyEdits, covered } from './helpers';

const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

async function check(t: TestContext, text: string, options: LintOptions = {}): Promise<Finding[] | null> {
  if (!requireOrSkip(t, haveShellcheck, 'shellcheck on PATH (apt-get install shellcheck)')) return null;
  return runShellcheck(parseDockerfile(text), options);
}

function at(text: string, f: Finding) {
  return { line: f.range.start.line, character: f.range.start.character, text: covered(text, f) };
}

test('positions inside continuation lines, past comment lines, with tabs', async (t) => {
  const text = [
    'FROM debian:12',
    'ARG VERSION=1',
    'RUN echo "$VERSION" && \\',
    '    # a comment line inside the RUN',
    '    cd $dir && \\',
    '\tls | grep x',
    ''].join('\n');
  const f = await check(t, text);
  if (!f) return;
  const sc2086 = f.find((x) => x.ruleId === 'SC2086')!;
  assert.deepEqual(at(text, sc2086), { line: 4, character: 7, text: '$dir' });
  const sc2010 = f.find((x) => x.ruleId === 'SC2010')!;
  assert.deepEqual(at(text, sc2010), { line: 5, character: 1, text: 'ls' });
  assert.ok(f.every((x) => x.source === 'shellcheck'));
  // ARG/ENV names are exported first: $VERSION is not "referenced but not assigned".
  assert.ok(!f.some((x) => x.ruleId === 'SC2154' && x.message.includes('VERSION')));
});

test('heredoc scripts (no shebang or a shell shebang) are checked in place; data heredocs are not', async (t) => {
  const text = [
    'FROM debian:12',
    'RUN <<EOF',
    'set -e',
    'echo $x',
    'EOF',
    'RUN <<-EOT bash',
    '\techo $y',
    '\tEOT',
    'RUN <<EOF',
    '#!/usr/bin/env python3',
    'print($z)',
    'EOF',
    'RUN cat <<EOF > /etc/x.conf',
    'value=$w',
    'EOF',
    ''].join('\n');
  const f = await check(t, text);
  if (!f) return;
  const sc2086 = f.filter((x) => x.ruleId === 'SC2086').map((x) => at(text, x));
  assert.deepEqual(sc2086, [{ line: 3, character: 5, text: '$x' }, { line: 6, character: 6, text: '$y' }]);
  assert.ok(!f.some((x) => x.range.start.line >= 9), JSON.stringify(f.map((x) => [x.ruleId, x.range.start.line])));
});

test('exec form and non-POSIX shells are skipped; SHELL bash makes bash-only syntax fine', async (t) => {
  const text = 'FROM debian:12\nRUN ["sh", "-c", "echo $x"]\nSHELL ["pwsh", "-c"]\nRUN echo $x\n';
  const f = await check(t, text);
  if (!f) return;
  assert.deepEqual(f, []);
  const sh = await runShellcheck(parseDockerfile('FROM debian:12\nRUN [[ -f /x ]] && echo hi\n'));
  assert.ok(sh.some((x) => x.ruleId === 'SC3010'), 'sh does not have [[');
  const bash = await runShellcheck(parseDockerfile('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN [[ -f /x ]] && echo hi\n'));
  assert.ok(!bash.some((x) => x.ruleId === 'SC3010'));
});

test('pragmas, ignored codes and overrides apply to SC codes', async (t) => {
  const text = 'FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $a\nRUN echo $b\n';
  const f = await check(t, text);
  if (!f) return;
  assert.deepEqual(f.filter((x) => x.ruleId === 'SC2086').map((x) => x.range.start.line), [3]);
  const ignored = await runShellcheck(parseDockerfile(text), { hadolint: { ignored: ['SC2086'] } });
  assert.equal(ignored.filter((x) => x.ruleId === 'SC2086').length, 0);
  const raised = await runShellcheck(parseDockerfile(text), { hadolint: { override: { error: ['SC2086'] } } });
  assert.equal(raised.find((x) => x.ruleId === 'SC2086')!.severity, 'error');
});

test("ShellCheck's own fixes map to edits", async (t) => {
  const text = 'FROM debian:12\nRUN echo $a && \\\n    echo $b\n';
  const f = await check(t, text);
  if (!f) return;
  const second = f.find((x) => x.ruleId === 'SC2086' && x.range.start.line === 2)!;
  assert.equal(applyEdits(text, second.fixes[0].edits), 'FROM debian:12\nRUN echo $a && \\\n    echo "$b"\n');
});

test('a missing shellcheck is a clear error', async () => {
  await assert.rejects(runShellcheck(parseDockerfile('FROM a:1\nRUN echo $x\n'), { executable: '/nonexistent/shellcheck' }),
    (e: unknown) => e instanceof ShellcheckUnavailable && /not found as "\/nonexistent\/shellcheck"/.test((e as Error).message));
});

// The scripts' temporary folder goes on every path: a killed ShellCheck, an aborted run, and a
// process that exits while ShellCheck still runs (the language server on the client's exit).
const fakeShellcheck = (body: string): string => {
  const dir = tempDir('berth-fake-shellcheck-');
  const exe = join(dir, 'shellcheck');
  writeFileSync(exe, `#!/bin/sh\necho "$PWD" > ${join(dir, 'cwd')}\n${body}\n`, { mode: 0o755 });
  return exe;
};
const cwdOf = (exe: string): string => readFileSync(join(dirname(exe), 'cwd'), 'utf8').trim();

test('a killed ShellCheck is a clear error and leaves no folder', async () => {
  const exe = fakeShellcheck('kill -9 $$');
  await assert.rejects(runShellcheck(parseDockerfile('FROM a:1\nRUN echo $x\n'), { executable: exe }),
    (e: unknown) => e instanceof ShellcheckUnavailable && /ended by SIGKILL/.test((e as Error).message));
  assert.ok(!existsSync(cwdOf(exe)));
});

test('an aborted run leaves no folder', async () => {
  const exe = fakeShellcheck('sleep 30');
  const abort = new AbortController();
  const run = runShellcheck(parseDockerfile('FROM a:1\nRUN echo $x\n'), { executable: exe, signal: abort.signal });
  while (!existsSync(join(dirname(exe), 'cwd'))) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  await assert.rejects(run);
  assert.ok(!existsSync(cwdOf(exe)));
});

test('a process that exits while ShellCheck runs leaves no folder', () => {
  const exe = fakeShellcheck('sleep 30');
  const module = join(__dirname, '../../../dockerfile/lint/shellcheck.ts');
  const parser = join(__dirname, '../../../dockerfile/syntax/parser.ts');
  const script = `
    const { runShellcheck } = require(${JSON.stringify(module)});
    const { parseDockerfile } = require(${JSON.stringify(parser)});
    const fs = require('node:fs');
    runShellcheck(parseDockerfile('FROM a:1\\nRUN echo $x\\n'), { executable: ${JSON.stringify(exe)} }).catch(() => {});
    const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(join(dirname(exe), 'cwd'))})) { clearInterval(t); process.exit(0); } }, 20);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(cwdOf(exe)));
});
