// A private certificate authority for tests, made with openssl: a CA, a server certificate for the
// given names signed by it, and a client certificate signed by it (for registries that demand one).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  cleanup(): Promise<void>;
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error?.message}`);
}

/** `names`: DNS names of the server certificate; 127.0.0.1 is always added as an IP address. */
export async function makeTestCa(names: string[]): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-test-ca-'));
  const p = (name: string): string => join(dir, name);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Berth Test CA', '-keyout', p('ca.key'), '-out', p('ca.crt')]);
  for (const [who, subject, ext] of [
    ['server', `/CN=${names[0] ?? '127.0.0.1'}`, `subjectAltName=${[...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',')}\nextendedKeyUsage=serverAuth\n`],
    ['client', '/CN=berth-client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', p(`${who}.key`), '-out', p(`${who}.csr`)]);
    await writeFile(p(`${who}.ext`), ext);
    openssl(['x509', '-req', '-in', p(`${who}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', p(`${who}.ext`), '-out', p(`${who}.crt`)]);
  }
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
