// What the e2e tests need on the machine. In CI a missing piece fails the test; elsewhere the test
// is skipped with a message naming what is missing.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { delimiter, join } from 'node:path';
import { ensureCodeServer, type CodeServerInstall } from '../../scripts/lib/code-server.mjs';

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface E2ePrerequisites {
  codeServer: CodeServerInstall;
}

export class MissingPrerequisite extends Error {}

/**
 * Checks the machine and installs code-server into its cache on first use (minutes, once).
 * Throws MissingPrerequisite naming what is missing and how to get it.
 */
export const DOCKER_SOCKET = '/var/run/docker.sock';

export interface E2eNeeds {
  /** Root and an OCI runtime, for Berth's own engine. */
  needsBundledEngine?: boolean;
  /** Docker Engine answering on /var/run/docker.sock (.ci/run starts dockerd). */
  needsDocker?: boolean;
  /** A throwaway user whose VS Code starts the engine rootless: root to create it, and the rootless engine's tools. */
  needsRootless?: boolean;
}

export async function e2ePrerequisites(opts: E2eNeeds): Promise<E2ePrerequisites> {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`Chromium at ${CHROMIUM} (apt-get install -y chromium, or set BERTH_CHROMIUM)`);
  if (opts.needsBundledEngine) {
    if (process.getuid?.() !== 0) missing.push('root (these tests run the bundled engine as root; the rootless ones create a user)');
    if (!onPath('runc') && !onPath('crun')) missing.push('runc or crun (apt-get install -y runc)');
  }
  if (opts.needsRootless) {
    if (process.getuid?.() !== 0) missing.push('root (to create the test user)');
    for (const [bin, pkg] of [['runc', 'runc'], ['newuidmap', 'uidmap'], ['newgidmap', 'uidmap'], ['slirp4netns', 'slirp4netns'], ['unshare', 'util-linux'], ['useradd', 'passwd']] as const) {
      if (!onPath(bin)) missing.push(`${bin} (apt-get install -y ${pkg})`);
    }
    if (!existsSync('/bin/busybox')) missing.push('/bin/busybox for the base image (apt-get install -y busybox-static)');
    // slirp4netns opens it as the test user; Debian's udev makes it 0666, some VMs leave it 0600.
    if (existsSync('/dev/net/tun') && (statSync('/dev/net/tun').mode & 0o006) !== 0o006) missing.push('/dev/net/tun open to ordinary users (chmod 0666 /dev/net/tun; .ci/run does it)');
  }
  if (opts.needsDocker && !(await pingDocker(DOCKER_SOCKET))) {
    missing.push(`Docker Engine answering on ${DOCKER_SOCKET} (start dockerd)`);
  }
  if (missing.length) throw new MissingPrerequisite(`e2e needs: ${missing.join('; ')}`);
  try {
    const codeServer = await ensureCodeServer({ log: (m) => console.log(`# ${m}`) });
    return { codeServer };
  } catch (err) {
    throw new MissingPrerequisite(`e2e could not install code-server: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * For a test's first line: returns the prerequisites, or undefined after marking the test skipped.
 * With CI=true nothing is skipped: the error propagates and the test fails.
 */
export async function requireE2e(
  t: { skip(message?: string): void },
  opts: E2eNeeds,
): Promise<E2ePrerequisites | undefined> {
  try {
    return await e2ePrerequisites(opts);
  } catch (err) {
    if (err instanceof MissingPrerequisite && process.env.CI !== 'true') {
      t.skip(err.message);
      return undefined;
    }
    throw err;
  }
}

function pingDocker(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
