// Build args with the legacy builder's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildArgs } from '../../../runtime/builder/args.js';

test('--build-arg beats the ARG default, which beats the global ARG', () => {
  const args = BuildArgs.forBuild(new Map([['A', 'from-cli'], ['UNSET', null]]));
  args.addMetaArg('A', 'global-a');
  args.addMetaArg('B', 'global-b');
  args.addMetaArg('C', 'global-c');
  const stage = args.forStage();
  assert.deepEqual([...stage.allAllowed()], [], 'a stage sees no global ARG before declaring it');
  stage.addArg('A', 'stage-a');
  stage.addArg('B', null);
  stage.addArg('C', 'stage-c');
  assert.deepEqual(Object.fromEntries(stage.allAllowed()), { A: 'from-cli', B: 'global-b', C: 'stage-c' });
  assert.equal(stage.allMeta().get('A'), 'from-cli');
  assert.equal(stage.allMeta().get('TARGETARCH'), 'amd64', 'platform args are global');
  assert.equal(stage.allMeta().get('TARGETPLATFORM'), 'linux/amd64');
});

test('ENV beats ARG for RUN; proxy args reach RUN without ARG and stay out of history', () => {
  const args = BuildArgs.forBuild(new Map([['HTTP_PROXY', 'http://proxy:3128'], ['X', '1']])).forStage();
  args.addArg('X', 'default');
  args.addArg('Y', 'y');
  assert.deepEqual(args.filterAllowed(['Y=from-env', 'PATH=/bin']).sort(), ['HTTP_PROXY=http://proxy:3128', 'X=1']);
  assert.equal(args.isReferencedOrNotBuiltin('HTTP_PROXY'), false);
  assert.equal(args.isReferencedOrNotBuiltin('X'), true);
  args.addArg('HTTP_PROXY', null);
  assert.equal(args.isReferencedOrNotBuiltin('HTTP_PROXY'), true, 'declared proxy args are recorded');
});

test('unused build args are reported once no stage declared them', () => {
  const build = BuildArgs.forBuild(new Map([['USED', '1'], ['NOT_USED', '2'], ['https_proxy', 'x']]));
  const s1 = build.forStage();
  s1.addArg('USED', null);
  assert.deepEqual(build.unused(), ['NOT_USED']);
});
