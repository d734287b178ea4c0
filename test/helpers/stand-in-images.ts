// Stand-ins for the base images the scaffolding templates name (node:20-bookworm-slim, ...): Docker Hub
// is out of reach here, so each is a Debian bookworm root filesystem made by debootstrap from this
// machine's apt mirror with the ecosystem's Debian packages, imported and tagged as the template's name.
// The root filesystem tars are cached outside the repository (~/.cache/berth/stand-ins/) and made once.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

export type StandInKind = 'node' | 'python';

interface StandIn {
  /** The reference the templates use. */
  repo: string;
  tag: string;
  /**
   * Debian packages on top of minbase, installed with apt-get in a chroot after debootstrap (debootstrap's
   * own --include fails to configure npm's and debugpy's dependency trees).
   */
  packages: string[];
  /** Image config, as `docker import --change` lines. */
  changes: string[];
}

export const STAND_INS: Record<StandInKind, StandIn> = {
  node: {
    repo: 'node',
    tag: '20-bookworm-slim',
    packages: ['nodejs', 'npm'],
    changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["node"]'],
  },
  python: {
    repo: 'python',
    tag: '3.11-slim-bookworm',
    // python3-venv: the template makes a virtual environment; python3-debugpy: Debian packages it, so
    // the debugger can be tested without PyPI.
    packages: ['python3', 'python-is-python3', 'python3-venv', 'python3-debugpy'],
    changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["python3"]'],
  },
};

export function standInRef(kind: StandInKind): string {
  return `${STAND_INS[kind].repo}:${STAND_INS[kind].tag}`;
}

export function standInCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'berth', 'stand-ins');
}

/** The first Debian mirror of this machine's apt sources (deb822 or one-line form). */
export function aptMirror(): string {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const f of readdirSync('/etc/apt/sources.list.d').sort()) files.push(join('/etc/apt/sources.list.d', f));
  }
  for (const f of files) {
    if (!existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^\s*URIs:\s*(\S+)/gm)) if (!m[1].includes('security')) return m[1];
    for (const m of text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\b/gm)) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Why a stand-in cannot be made here, or undefined when it can. */
export function standInUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'debootstrap needs root';
  if (spawnSync('debootstrap', ['--version']).error) return 'debootstrap is not installed (apt-get install debootstrap)';
  return undefined;
}

/** The root filesystem tar of a stand-in, made with debootstrap when the cache has none. */
export function ensureStandInTar(kind: StandInKind, log: (line: string) => void = () => undefined): string {
  const dir = standInCacheDir();
  const tar = join(dir, `${kind}-bookworm.tar`);
  if (existsSync(tar)) return tar;
  const why = standInUnavailable();
  if (why) throw new Error(`cannot make the ${standInRef(kind)} stand-in image: ${why}`);
  mkdirSync(dir, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), `berth-stand-in-${kind}-`));
  try {
    const spec = STAND_INS[kind];
    log(`debootstrap --variant=minbase bookworm (${aptMirror()}), then apt-get install ${spec.packages.join(' ')}`);
    const boot = spawnSync('debootstrap', ['--variant=minbase', 'bookworm', root, aptMirror()], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (boot.status !== 0) throw new Error(`debootstrap for ${standInRef(kind)} failed (${boot.status}): ${(boot.stderr || boot.stdout).slice(-2000)}`);
    aptInChroot(root, spec.packages);
    // What an image does not need: apt's downloaded packages and lists.
    rmSync(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
    rmSync(join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
    for (const d of ['doc', 'man', 'locale', 'info']) rmSync(join(root, 'usr', 'share', d), { recursive: true, force: true });
    const partial = `${tar}.partial-${process.pid}`;
    const packed = spawnSync('tar', ['--numeric-owner', '-C', root, '-cf', partial, '.'], { encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`tar of the ${kind} stand-in failed: ${packed.stderr}`);
    renameSync(partial, tar);
    return tar;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** apt-get install in the new root, with /proc mounted for the packages' scripts (unmounted afterwards). */
function aptInChroot(root: string, packages: string[]): void {
  const proc = join(root, 'proc');
  const mounted = spawnSync('mount', ['-t', 'proc', 'proc', proc]).status === 0;
  try {
    const r = spawnSync('chroot', [root, 'apt-get', 'install', '-y', '--no-install-recommends', ...packages], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} in the stand-in failed (${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
    spawnSync('chroot', [root, 'apt-get', 'clean']);
  } finally {
    if (mounted) spawnSync('umount', ['-l', proc]);
  }
}

/** Imports the stand-in into the engine at `socketPath` under the template's name, unless it has it. */
export async function ensureStandInImage(socketPath: string, kind: StandInKind, log?: (line: string) => void): Promise<'present' | 'imported'> {
  const docker = new Docker({ socketPath });
  const ref = standInRef(kind);
  try {
    await docker.getImage(ref).inspect();
    return 'present';
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const tar = ensureStandInTar(kind, log);
  const spec = STAND_INS[kind];
  const importOptions: Record<string, unknown> = { repo: spec.repo, tag: spec.tag, changes: spec.changes };
  const stream = await docker.importImage(createReadStream(tar), importOptions);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err?.message ?? output.find((o) => o.error)?.error;
      if (failed) reject(new Error(`import of ${ref} failed: ${failed}`));
      else resolve();
    });
  });
  await docker.getImage(ref).inspect();
  return 'imported';
}

// `node --import tsx test/helpers/stand-in-images.ts node python`: make the tars ahead of a test run.
if (process.argv[1] && /stand-in-images\.ts$/.test(process.argv[1])) {
  for (const kind of process.argv.slice(2) as StandInKind[]) {
    console.log(ensureStandInTar(kind, (l) => console.log(l)));
  }
}
