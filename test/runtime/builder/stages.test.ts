// Which stages a build runs, and the step cache's key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../dockerfile/syntax/parser.js';
import { planStages } from '../../../runtime/builder/stage-plan.js';
import { StepCache } from '../../../runtime/builder/step-cache.js';
import { copyRunConfig, runConfigFrom, toDockerJson } from '../../../runtime/builder/run-config.js';

const DOCKERFILE = `ARG BASE=busybox
ARG FROM_STAGE=tools
FROM $BASE AS unused
RUN exit 1
FROM $BASE AS tools
FROM tools AS builder
FROM $BASE AS other
COPY --from=\${FROM_STAGE} /x /x
FROM $BASE
COPY --from=builder /a /a
COPY --from=0 /b /b
COPY --from=alpine:3 /c /c
`;

test('only the stages the target needs: FROM a stage, COPY --from by name, index and ARG', () => {
  const ast = parseDockerfile(DOCKERFILE);
  const meta = (n: string): string | undefined => ({ BASE: 'busybox', FROM_STAGE: 'tools' } as Record<string, string>)[n];
  const all = planStages(ast, undefined, meta, '\\');
  assert.deepEqual(all.stages, [0, 1, 2, 4]);
  assert.equal(all.bases.get(2), 'tools');
  assert.deepEqual(planStages(ast, 'other', meta, '\\').stages, [1, 3]);
  assert.deepEqual(planStages(ast, 'BUILDER', meta, '\\').stages, [1, 2], 'stage names match case-insensitively');
  assert.throws(() => planStages(ast, 'nope', meta, '\\'), /failed to reach build target nope in Dockerfile/);
  assert.throws(() => planStages(parseDockerfile('FROM $NOTHING\n'), undefined, () => undefined, '\\'), /base name \(\$NOTHING\) should not be blank/);
});

test('the cache key: same parent and config hit; any change of command, env or parent misses', () => {
  const base = copyRunConfig(runConfigFrom({ Env: ['PATH=/bin'] }), { Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'] });
  const key = StepCache.key('sha256:p', base);
  assert.equal(StepCache.key('sha256:p', copyRunConfig(base, { Image: 'sha256:other', Hostname: 'h' })), key, 'image and hostname are not part of it');
  assert.notEqual(StepCache.key('sha256:q', base), key);
  assert.notEqual(StepCache.key('sha256:p', copyRunConfig(base, { Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=2'] })), key);
  assert.notEqual(StepCache.key('sha256:p', copyRunConfig(base, { Env: ['PATH=/bin', 'X=1'] })), key);
  assert.notEqual(StepCache.key('sha256:p', copyRunConfig(base, { WorkingDir: '/w' })), key);
  // What an image stores as container_config reads back to the same key (the index is rebuilt after a restart).
  assert.equal(StepCache.key('sha256:p', runConfigFrom(JSON.parse(JSON.stringify(toDockerJson(base))))), key);
});
