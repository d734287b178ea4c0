// Small formats: Docker's history lines (Go fmt), upper-dir tar rewriting, RUN command lines,
// the instruction text after "Step N/M :".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../dockerfile/syntax/parser.js';
import { viewInstruction, type RunView } from '../../../dockerfile/syntax/instructions.js';
import { goDuration, goHealthcheck, goList, goQuoteList, goQuoteRune } from '../../../runtime/builder/go-format.js';
import { rewriteHeader } from '../../../runtime/builder/fs/upper-tar.js';
import { runConfigFrom } from '../../../runtime/builder/run-config.js';
import { runCommand } from '../../../runtime/builder/steps/run-step.js';
import { originalText } from '../../../runtime/builder/steps/dispatch.js';
import { exposedPortKeys } from '../../../runtime/builder/steps/config-steps.js';
import { normalizeDest } from '../../../runtime/builder/steps/copy-step.js';
import { normalizeWorkdir } from '../../../runtime/builder/steps/workdir-step.js';

test('Go formatting of history lines', () => {
  assert.equal(goQuoteList(['/bin/sh', '-c', 'echo "hi"']), '["/bin/sh" "-c" "echo \\"hi\\""]');
  assert.equal(goList(['/a', '/b']), '[/a /b]');
  assert.equal(goDuration(30e9), '30s');
  assert.equal(goDuration(90e9), '1m30s');
  assert.equal(goDuration(1.5e9), '1.5s');
  assert.equal(goDuration(500e6), '500ms');
  assert.equal(goDuration(3600e9 + 1e9), '1h0m1s');
  assert.equal(goQuoteRune(4), "'\\x04'");
  assert.equal(goQuoteRune(65), "'A'");
  assert.equal(goHealthcheck({ Test: ['CMD-SHELL', 'curl x'], Interval: 30e9, Timeout: 5e9, StartPeriod: 1e9, Retries: 4 }),
    '&{["CMD-SHELL" "curl x"] "30s" "5s" "1s" \'\\x04\'}');
});

test('upper-dir entries become Docker layer entries: whiteouts, opaque folders, no ./ prefix', () => {
  const base = { mode: 0o755, uid: 0, gid: 0, mtime: new Date(0), size: 0 };
  assert.deepEqual(rewriteHeader({ ...base, name: './', type: 'directory' }), []);
  const [wo] = rewriteHeader({ ...base, name: './etc/group', type: 'character-device', devmajor: 0, devminor: 0 });
  assert.equal(wo.name, 'etc/.wh.group');
  assert.equal(wo.type, 'file');
  const opaque = rewriteHeader({ ...base, name: './work/a', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } });
  assert.deepEqual(opaque.map((h) => h.name), ['work/a/', 'work/a/.wh..wh..opq']);
  assert.equal(opaque[0].pax, undefined, 'overlay xattrs are not carried into the layer');
  const link = rewriteHeader({ ...base, name: './b', type: 'link', linkname: './a' });
  assert.equal(link[0].linkname, 'a');
  const dev = rewriteHeader({ ...base, name: './dev/null', type: 'character-device', devmajor: 1, devminor: 3 });
  assert.equal(dev[0].type, 'character-device', 'real devices stay devices');
});

function runView(text: string): RunView {
  const ast = parseDockerfile(`FROM scratch\n${text}\n`);
  return viewInstruction(ast.stages[0].instructions[0]) as RunView;
}

test('RUN command lines: shell form, exec form, SHELL, heredocs', () => {
  const rc = runConfigFrom(undefined);
  assert.deepEqual(runCommand(rc, runView('RUN echo a \\\n  && echo b')).args, ['/bin/sh', '-c', 'echo a   && echo b']);
  assert.deepEqual(runCommand(rc, runView('RUN ["echo", "x"]')).args, ['echo', 'x']);
  assert.deepEqual(runCommand({ ...rc, Shell: ['/bin/bash', '-ec'] }, runView('RUN ls')).args, ['/bin/bash', '-ec', 'ls']);
  assert.deepEqual(runCommand(rc, runView('RUN <<EOF\necho one\necho two\nEOF')).args, ['/bin/sh', '-c', 'echo one\necho two\n']);
  const script = runCommand(rc, runView('RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF'));
  assert.deepEqual(script.args, ['/usr/bin/env', 'python3', '/dev/stdin']);
  assert.equal(script.stdin?.toString(), '#!/usr/bin/env python3\nprint(1)\n');
  assert.deepEqual(runCommand(rc, runView('RUN cat <<-X > /f\n\tline\n\tX')).args, ['/bin/sh', '-c', 'cat <<-X > /f\n\tline\nX\n']);
});

test('the instruction text Docker prints after "Step N/M :"', () => {
  const ast = parseDockerfile('FROM busybox AS b\nRUN --network=none echo a \\\n  # a comment\n    && echo b\ncopy  a  b  \nRUN <<EOF\nbody\nEOF\n');
  const ins = ast.stages[0];
  assert.equal(originalText(ast.lines, ins.from, ast.escapeChar), 'FROM busybox AS b');
  assert.equal(originalText(ast.lines, ins.instructions[0], ast.escapeChar), 'RUN --network=none echo a     && echo b');
  assert.equal(originalText(ast.lines, ins.instructions[1], ast.escapeChar), 'copy  a  b');
  assert.equal(originalText(ast.lines, ins.instructions[2], ast.escapeChar), 'RUN <<EOF');
});

test('EXPOSE specs, COPY destinations, WORKDIR paths', () => {
  assert.deepEqual(exposedPortKeys('80'), ['80/tcp']);
  assert.deepEqual(exposedPortKeys('53/UDP'), ['53/udp']);
  assert.deepEqual(exposedPortKeys('8000-8002'), ['8000/tcp', '8001/tcp', '8002/tcp']);
  assert.deepEqual(exposedPortKeys('127.0.0.1:8080:80/tcp'), ['80/tcp']);
  assert.throws(() => exposedPortKeys('80/icmp'), /invalid proto: icmp/);
  assert.throws(() => exposedPortKeys('http'), /invalid containerPort: http/);
  assert.equal(normalizeDest('/app', 'x/'), '/app/x/');
  assert.equal(normalizeDest('/app', '.'), '/app');
  assert.equal(normalizeDest('', 'rel'), '/rel');
  assert.equal(normalizeDest('/app', '/abs/'), '/abs/');
  assert.equal(normalizeWorkdir('/a', 'b/../c'), '/a/c');
  assert.equal(normalizeWorkdir('/a', '/x/y/'), '/x/y');
  assert.equal(normalizeWorkdir('', 'rel'), '/rel');
});

test('the check directive: BuildKit checks from the shared linter, error=true fails, skip= applies, none without it', async () => {
  const { runBuildChecks } = await import('../../../runtime/builder/build-checks.js');
  await assert.rejects(runBuildChecks(parseDockerfile('# check=error=true\nFROM busybox as Builder\n'), 'Dockerfile'),
    /lint violation found for rules: .*StageNameCasing[\s\S]*Stage name "Builder" should be lowercase \(Dockerfile line 2\)/);
  assert.deepEqual(await runBuildChecks(parseDockerfile('FROM busybox AS Builder\n'), 'Dockerfile'), [], 'no directive, no checks (legacy builder)');
  assert.match((await runBuildChecks(parseDockerfile('# check=skip=FromAsCasing\nFROM busybox AS Builder\n'), 'Dockerfile')).join(''), /^\[Warning\] StageNameCasing: /);
  await assert.rejects(runBuildChecks(parseDockerfile('# check=error=maybe\nFROM x\n'), 'Dockerfile'), /line 1: error=maybe in the check directive is not a boolean/);
});
