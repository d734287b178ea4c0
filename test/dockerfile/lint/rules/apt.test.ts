import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, fixesCleanly, leaves } from '../helpers';

const F = 'FROM debian:12\n';

test('DL3008: unpinned apt-get install packages, one finding per package', () => {
  const text = `${F}RUN apt-get update && apt-get install -y curl wget=1.21 && rm -rf /var/lib/apt/lists/*\n`;
  const f = catches('DL3008', text);
  assert.deepEqual(f.map((x) => covered(text, x)), ['curl']);
  catches('DL3008', `${F}RUN apt-get install -y \\\n    python3 \\\n    git=1:2.39.2-1.1\n`);
  catches('DL3008', `${F}ONBUILD RUN apt-get install -y curl\n`);
  catches('DL3008', `${F}RUN <<EOF\napt-get install -y curl\nEOF\n`);
});

test('DL3008: pinned, release paths, .deb files and -t values are fine', () => {
  leaves('DL3008', `${F}RUN apt-get install -y curl=7.88 python3=3.11.2-1\n`);
  leaves('DL3008', `${F}RUN apt-get install -y ./pkg.deb /tmp/other.deb\n`);
  leaves('DL3008', `${F}RUN apt-get install -y -t bookworm-backports foo/bookworm-backports\n`);
  leaves('DL3008', `${F}RUN apt-get update\n`);
  leaves('DL3008', `${F}RUN echo apt-get install curl\n`);
});

test('DL3009: apt lists left behind in the final stage or a base stage', () => {
  catches('DL3009', `${F}RUN apt-get update && apt-get install -y curl=1\n`);
  catches('DL3009', `FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN true\n`);
  const after = fixesCleanly('DL3009', `${F}RUN apt-get update && apt-get install -y curl=1\n`);
  assert.equal(after, `${F}RUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n`);
});

test('DL3009: cleaned, cached or intermediate stages are fine', () => {
  leaves('DL3009', `${F}RUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n`);
  leaves('DL3009', `${F}RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n`);
  leaves('DL3009', `FROM debian:12 AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build /x /x\n`);
  leaves('DL3009', `${F}RUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN apt-get update\n`);
});

test('DL3014: apt-get install needs -y; the fix adds it after install', () => {
  catches('DL3014', `${F}RUN apt-get install curl\n`);
  catches('DL3014', `${F}RUN apt-get -q install curl\n`);
  assert.equal(fixed('DL3014', `${F}RUN apt-get install curl\n`), `${F}RUN apt-get install -y curl\n`);
  fixesCleanly('DL3014', `${F}RUN apt-get update && \\\n    apt-get install \\\n    curl\n`);
  for (const ok of ['-y', '--yes', '--assume-yes', '-qq', '-q -q', '-q=2', '-yq']) leaves('DL3014', `${F}RUN apt-get install ${ok} curl\n`);
});

test('DL3015: --no-install-recommends', () => {
  catches('DL3015', `${F}RUN apt-get install -y curl\n`);
  assert.equal(fixed('DL3015', `${F}RUN apt-get install -y curl\n`), `${F}RUN apt-get install --no-install-recommends -y curl\n`);
  leaves('DL3015', `${F}RUN apt-get install -y --no-install-recommends curl\n`);
  leaves('DL3015', `${F}RUN apt-get install -y -o APT::Install-Recommends=false curl\n`);
  leaves('DL3015', `${F}RUN apt-get update\n`);
});

test('DL3027: apt instead of apt-get; the fix renames the command', () => {
  const text = `${F}RUN apt install -y curl\n`;
  assert.equal(covered(text, catches('DL3027', text)[0]), 'apt');
  assert.equal(fixed('DL3027', text), `${F}RUN apt-get install -y curl\n`);
  leaves('DL3027', `${F}RUN apt-get install -y curl && apt-cache policy curl\n`);
  leaves('DL3027', `${F}RUN echo apt\n`);
});
