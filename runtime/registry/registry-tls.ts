// The TLS side of reaching one registry, read the way dockerd reads `certs.d/HOST[:PORT]/`: every
// `*.crt` is a CA added to the system's roots, every `*.cert` is a client certificate whose key is the
// `*.key` of the same name (either without the other is an error naming the file). The folder is read
// at each pull, push and login, so certificates dropped in take effect without a restart.
import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { RegistryError } from './errors.js';

export interface RegistryTls {
  /** Trusted roots: Node's, the system bundle's and the registry's own. */
  ca: string[];
  cert?: string;
  key?: string;
  /** An insecure registry: its certificate is not checked (a client certificate is still sent). */
  insecure: boolean;
  /** The folder read (or that would be), for messages that tell where to put a CA. */
  hostDir: string;
}

/**
 * The system's CA bundle, where Go (and so dockerd) finds it on the common distributions: a company's
 * root CA installed with update-ca-certificates is trusted by dockerd, so it is by berthd too.
 */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', '/etc/ssl/cert.pem'];
let systemBundle: { path: string; mtimeMs: number; pem: string } | undefined;

function systemRoots(): string[] {
  for (const path of SYSTEM_BUNDLES) {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      continue;
    }
    if (systemBundle?.path !== path || systemBundle.mtimeMs !== mtimeMs) {
      try {
        systemBundle = { path, mtimeMs, pem: readFileSync(path, 'utf8') };
      } catch {
        continue;
      }
    }
    return [systemBundle.pem];
  }
  return [];
}

/** `registry` is the host[:port] the connection goes to (`127.0.0.1:5000`, `registry-1.docker.io`). */
export async function registryTls(certsDir: string, registry: string, insecure: boolean): Promise<RegistryTls> {
  const hostDir = join(certsDir, registry.replace(/^\[|\]$/g, '').replace(/[/\\]/g, '_'));
  let names: string[];
  try {
    names = (await readdir(hostDir)).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { insecure, hostDir, ca: [...rootCertificates, ...systemRoots()] };
    throw new RegistryError('invalid', `cannot read the certificates for ${registry} in ${hostDir}: ${(err as Error).message}`);
  }
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(hostDir, name), 'utf8');
    } catch (err) {
      throw new RegistryError('invalid', `cannot read ${join(hostDir, name)}: ${(err as Error).message}`);
    }
  };
  const cas: string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  for (const name of names) {
    if (name.endsWith('.crt')) cas.push(await read(name));
    else if (name.endsWith('.cert')) {
      const keyName = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(keyName)) {
        throw new RegistryError('invalid', `missing key ${keyName} for client certificate ${join(hostDir, name)}; note that CA certificates must use the extension .crt`);
      }
      cert = await read(name);
      key = await read(keyName);
    } else if (name.endsWith('.key')) {
      const certName = `${name.slice(0, -'.key'.length)}.cert`;
      if (!names.includes(certName)) throw new RegistryError('invalid', `missing client certificate ${certName} for key ${join(hostDir, name)}`);
    }
  }
  const tls: RegistryTls = { insecure, hostDir, ca: [...rootCertificates, ...systemRoots(), ...cas] };
  if (cert !== undefined && key !== undefined) {
    tls.cert = cert;
    tls.key = key;
  }
  return tls;
}

