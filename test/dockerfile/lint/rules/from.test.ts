import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, fixed, fixesCleanly, leaves } from '../helpers';

test('DL3006 untagged images', () => {
  catches('DL3006', 'FROM debian\n');
  catches('DL3006', 'FROM registry.example.com:5000/team/app\n');
  for (const ok of ['debian:12', 'scratch', 'debian@sha256:' + 'a'.repeat(64), '$BASE', 'localhost:5000/app:1']) leaves('DL3006', `ARG BASE=x:1\nFROM ${ok}\n`);
  leaves('DL3006', 'FROM debian:12 AS base\nFROM base\n');
});

test('DL3007 latest', () => {
  catches('DL3007', 'FROM debian:latest\n');
  leaves('DL3007', 'FROM debian:latest@sha256:' + 'a'.repeat(64) + '\n');
  leaves('DL3007', 'FROM debian:12\n');
});

test('DL3026 trusted registries (off without a list)', () => {
  const opts = { hadolint: { trustedRegistries: ['docker.io', '*.corp.example'] } };
  leaves('DL3026', 'FROM quay.io/x:1\n');
  catches('DL3026', 'FROM quay.io/x:1\n', opts);
  catches('DL3026', 'FROM debian:12\nCOPY --from=ghcr.io/a/b:1 /x /x\n', opts);
  catches('DL3026', 'FROM debian:12\nRUN --mount=type=bind,from=ghcr.io/a/b:1,target=/x true\n', opts);
  leaves('DL3026', 'FROM debian:12\nFROM registry.corp.example/app:1 AS b\nFROM b\nCOPY --from=b /x /x\n', opts);
  leaves('DL3026', 'FROM scratch\n', { hadolint: { trustedRegistries: ['corp.example'] } });
});

test('DL3029 --platform, DL3065 $TARGETPLATFORM, FromPlatformFlagConstDisallowed', () => {
  assert.equal(fixed('DL3029', 'FROM --platform=linux/amd64 debian:12\n'), 'FROM debian:12\n');
  leaves('DL3029', 'FROM --platform=$BUILDPLATFORM golang:1 AS b\n');
  assert.equal(fixesCleanly('DL3065', 'FROM --platform=${TARGETPLATFORM} debian:12\n'), 'FROM debian:12\n');
  leaves('DL3065', 'FROM --platform=$BUILDPLATFORM debian:12\n');
  catches('FromPlatformFlagConstDisallowed', 'FROM --platform=linux/arm64 debian:12 AS build\n');
  leaves('FromPlatformFlagConstDisallowed', 'FROM --platform=linux/arm64 debian:12 AS build-arm64\n');
  leaves('FromPlatformFlagConstDisallowed', 'FROM --platform=$BUILDPLATFORM debian:12\n');
  assert.equal(fixed('FromPlatformFlagConstDisallowed', 'FROM --platform=linux/arm64 debian:12\n'), 'FROM --platform=$BUILDPLATFORM debian:12\n');
});
