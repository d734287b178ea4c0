// Small pure pieces: endpoint rules, challenge parsing, Docker's progress strings, platform matching.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenge } from '../../../runtime/registry/auth.js';
import { familiarName, resolveEndpoint } from '../../../runtime/registry/endpoint.js';
import { RegistryError } from '../../../runtime/registry/errors.js';
import { selectPlatform, type IndexEntry } from '../../../runtime/registry/manifest.js';
import { humanSize, progressBar } from '../../../runtime/registry/progress-format.js';

describe('resolveEndpoint', () => {
  it('maps docker.io to registry-1.docker.io over HTTPS', () => {
    assert.equal(resolveEndpoint('docker.io').origin, 'https://registry-1.docker.io');
    assert.equal(resolveEndpoint('index.docker.io').origin, 'https://registry-1.docker.io');
  });
  it('uses plain HTTP for loopback registries only', () => {
    // Loopback registries: HTTPS first (certificate unchecked), plain HTTP if that does not answer.
    for (const [name, address] of [['localhost:5000', 'localhost:5000'], ['127.0.0.1:5000', '127.0.0.1:5000'], ['127.1.2.3', '127.1.2.3'], ['[::1]:5000', '[::1]:5000'], ['reg.localhost:80', 'reg.localhost:80']]) {
      const e = resolveEndpoint(name);
      assert.deepEqual([e.origin, e.fallbackOrigin, e.insecure], [`https://${address}`, `http://${address}`, true], name);
    }
    assert.deepEqual([resolveEndpoint('ghcr.io').fallbackOrigin, resolveEndpoint('ghcr.io').insecure], [undefined, false]);
    assert.equal(resolveEndpoint('ghcr.io').origin, 'https://ghcr.io');
    assert.equal(resolveEndpoint('localhost.example.com:5000').origin, 'https://localhost.example.com:5000');
  });
  it('rejects an address that is not host[:port]', () => {
    assert.throws(() => resolveEndpoint('http://x/y'), (e: unknown) => e instanceof RegistryError && e.kind === 'invalid');
  });
  it('prints familiar names as Docker does', () => {
    assert.equal(familiarName({ registry: 'docker.io', repository: 'library/alpine' }), 'alpine');
    assert.equal(familiarName({ registry: 'docker.io', repository: 'me/app' }), 'me/app');
    assert.equal(familiarName({ registry: '127.0.0.1:5000', repository: 'app' }), '127.0.0.1:5000/app');
  });
});

describe('parseChallenge', () => {
  it('reads Docker Hub style bearer challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), {
      scheme: 'bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/alpine:pull',
    });
  });
  it('reads basic challenges and ignores other schemes', () => {
    assert.equal(parseChallenge('Basic realm="Registry Realm"')?.scheme, 'basic');
    assert.equal(parseChallenge('Negotiate abc'), undefined);
    assert.equal(parseChallenge(undefined), undefined);
  });
});

describe('progress strings', () => {
  it('formats sizes with four significant digits in decimal units', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(512), '512B');
    assert.equal(humanSize(32_300), '32.3kB');
    assert.equal(humanSize(1_048_576), '1.049MB');
    assert.equal(humanSize(2_000_000_000), '2GB');
  });
  it('draws a 50-column bar with right-aligned numbers', () => {
    assert.equal(progressBar(1_048_576, 2_097_152), `[${'='.repeat(25)}>${' '.repeat(25)}]  1.049MB/2.097MB`);
    assert.equal(progressBar(10, 10), `[${'='.repeat(50)}>] ${'10B'.padStart(8)}/10B`);
  });
});

describe('selectPlatform', () => {
  const d = (n: string): string => `sha256:${n.repeat(64)}`;
  const entries: IndexEntry[] = [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('1'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('2'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('3'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ];
  it('matches variants when asked, and treats arm64/v8 as arm64', () => {
    assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm', variant: 'v7' }, 'x').digest, d('2'));
    assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm64' }, 'x').digest, d('3'));
    assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'aarch64' }, 'x').digest, d('3'));
  });
  it('lists what is available when nothing matches', () => {
    assert.throws(
      () => selectPlatform(entries, { os: 'linux', architecture: 'amd64' }, 'x:1'),
      (e: unknown) => e instanceof RegistryError && e.message === 'no matching manifest for linux/amd64 in the manifest list entries of x:1; available platforms: linux/arm/v6, linux/arm/v7, linux/arm64',
    );
  });
});
