// Command line of berthd and its defaults (root vs. user install).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidError } from '../errdefs.js';
import { parseDriverName } from '../cgroups/select.js';

export interface DaemonOptions {
  socket: string;
  root: string;
  /** Path of runc or crun; undefined means "look in PATH when a container starts". */
  ociRuntime?: string;
  /**
   * Name prefix of everything container networking and cgroups create on the host: bridge PREFIX0,
   * iptables chain, netns PREFIX-<id>, cgroup /PREFIX. parseArgs always sets it: "berth" for the
   * default root, otherwise one derived from the root's path, so daemons on different roots never
   * share a bridge (they would hand out the same addresses on it).
   */
  netPrefix?: string;
  /**
   * How container root filesystems are mounted in rootless mode: "overlay2" (the kernel's overlayfs)
   * or "fuse-overlayfs". Undefined: overlay2 where the kernel allows it in a user namespace (5.11+),
   * else fuse-overlayfs. As root the kernel's overlayfs is always used.
   */
  storageDriver?: 'overlay2' | 'fuse-overlayfs';
  /**
   * The seccomp profile of containers that name none, as dockerd's option: undefined for Docker's
   * default, "unconfined", or a profile file in Docker's format (Podman's
   * /usr/share/containers/seccomp.json works too).
   */
  seccompProfile?: string;
  /**
   * UsernsMode of containers that name none: "host" (undefined: the host's ids, Docker's default) or
   * "auto" (each container its own range of subordinate ids, as Podman's --userns=auto).
   */
  userns?: 'host' | 'auto';
  /** dockerd's --allow-insecure-entitlement: `security.insecure` lets RUN --security=insecure run privileged. */
  allowInsecureEntitlements?: string[];
  /**
   * dockerd's --config-file: a daemon.json whose `insecure-registries` and `registry-mirrors` berthd
   * reads (runtime/daemon/config-file.ts). Undefined: /etc/berth/daemon.json as root,
   * $XDG_CONFIG_HOME/berth/daemon.json rootless, when it exists.
   */
  configFile?: string;
  /** dockerd's --insecure-registry (repeatable): HOST[:PORT] or a CIDR range. */
  insecureRegistries?: string[];
  /** dockerd's --registry-mirror (repeatable): https://HOST[:PORT], for Docker Hub pulls. */
  registryMirrors?: string[];
  /** Where registry certificates are (HOST[:PORT]/ca.crt, client.cert, client.key); default as dockerd's. */
  registryCertsDir?: string;
  /** --cgroup-driver; undefined: systemd on a unified cgroup v2 host run by systemd, else cgroupfs (runtime/cgroups/select.ts). */
  cgroupDriver?: 'systemd' | 'cgroupfs';
}

export type ParsedArgs = { help: true } | { help: false; options: DaemonOptions };

export const USAGE = `Usage: berthd [--socket PATH] [--root DIR] [--oci-runtime PATH] [--net-prefix NAME]
              [--storage-driver overlay2|fuse-overlayfs] [--seccomp-profile FILE|unconfined]
              [--userns auto|host]
              [--allow-insecure-entitlement security.insecure]
              [--config-file FILE] [--insecure-registry HOST] [--registry-mirror URL]
              [--registry-certs-dir DIR]
              [--cgroup-driver systemd|cgroupfs]

The Berth runtime core: a Docker Engine API (v1.41) on a unix socket.

Options:
  --socket PATH       unix socket to listen on (mode 0600)
                      default: /run/berth/engine.sock as root,
                               $XDG_RUNTIME_DIR/berth/engine.sock otherwise
  --root DIR          data folder for images and containers
                      default: /var/lib/berth as root, ~/.local/share/berth otherwise
  --oci-runtime PATH  OCI runtime binary (runc or crun); default: runc, else crun where it works
  --net-prefix NAME   prefix of host names for networking and cgroups (bridge NAME0, iptables
                      chain, netns, cgroup); 1-6 letters/digits. Default: berth for the default
                      root, otherwise b + 5 characters derived from the root's path.
  --storage-driver D  rootless mode only: overlay2 (the kernel's overlayfs, 5.11+) or fuse-overlayfs.
                      Default: overlay2 where the kernel can, else fuse-overlayfs
  --seccomp-profile P the seccomp profile of containers that name none: a profile file in Docker's
                      format (e.g. Podman's /usr/share/containers/seccomp.json), or unconfined.
                      Default: Docker's default profile
  --userns MODE       UsernsMode of containers that name none: auto gives each container its own
                      user namespace and range of 65536 ids (root inside is nobody on the host and
                      in other containers); host (default) runs them with the host's ids. As root only
  --allow-insecure-entitlement security.insecure
                      let RUN --security=insecure steps of builds run privileged (as dockerd's
                      option); without it such steps are refused
  --config-file FILE  a daemon.json (as dockerd's) with insecure-registries and registry-mirrors;
                      default: /etc/berth/daemon.json as root, ~/.config/berth/daemon.json
                      otherwise, when it exists
  --insecure-registry HOST
                      a registry (HOST[:PORT] or CIDR) reached with its certificate unchecked,
                      or over plain HTTP; repeatable (loopback registries always are)
  --registry-mirror URL
                      a mirror asked first for Docker Hub pulls; repeatable
  --registry-certs-dir DIR
                      registry certificates, DIR/HOST[:PORT]/ca.crt, client.cert, client.key;
                      default: /etc/docker/certs.d as root, ~/.config/docker/certs.d otherwise
  Proxies come from the environment, as for dockerd: HTTP_PROXY, HTTPS_PROXY, NO_PROXY.
  --cgroup-driver D   systemd (containers in transient scopes runc asks systemd for) or cgroupfs.
                      Default, as dockerd: systemd on a cgroup v2 host booted by systemd, else
                      cgroupfs. A rootless daemon always uses its delegated cgroup (cgroupfs)
  -h, --help          show this help

Use it with: DOCKER_HOST=unix://<socket> docker ps`;

export function defaultOptions(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): DaemonOptions {
  if (uid === 0) return { socket: '/run/berth/engine.sock', root: '/var/lib/berth' };
  const runtimeDir = env.XDG_RUNTIME_DIR || join('/tmp', `berth-${uid}`);
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return { socket: join(runtimeDir, 'berth', 'engine.sock'), root: join(dataHome, 'berth') };
}

export function parseArgs(argv: string[], defaults: DaemonOptions = defaultOptions()): ParsedArgs {
  const options: DaemonOptions = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new InvalidError(`${flag} needs a value (see --help)`);
      return v;
    };
    switch (flag) {
      case '--socket': options.socket = resolve(value()); break;
      case '--root': options.root = resolve(value()); break;
      case '--oci-runtime': { const v = value(); options.ociRuntime = v.includes('/') ? resolve(v) : v; break; } // a bare name is looked up in PATH
      case '--net-prefix': {
        const v = value();
        // Linux interface names are at most 15 bytes: PREFIX-<8 hex> must fit.
        if (!/^[a-z][a-z0-9]{0,5}$/.test(v)) throw new InvalidError(`--net-prefix "${v}": use 1-6 lower-case letters or digits, starting with a letter`);
        options.netPrefix = v;
        break;
      }
      case '--storage-driver': case '-s': {
        const v = value();
        if (v !== 'overlay2' && v !== 'fuse-overlayfs') throw new InvalidError(`--storage-driver "${v}": use overlay2 or fuse-overlayfs`);
        options.storageDriver = v;
        break;
      }
      case '--seccomp-profile': {
        const v = value();
        options.seccompProfile = ['default', 'builtin', 'unconfined'].includes(v) ? v : resolve(v);
        break;
      }
      case '--userns': {
        const v = value();
        if (v !== 'auto' && v !== 'host') throw new InvalidError(`--userns "${v}": use auto or host`);
        options.userns = v;
        break;
      }
      case '--allow-insecure-entitlement': {
        const v = value();
        if (v !== 'security.insecure') throw new InvalidError(`--allow-insecure-entitlement "${v}": the only entitlement is security.insecure`);
        options.allowInsecureEntitlements = [...(options.allowInsecureEntitlements ?? []), v];
        break;
      }
      case '--config-file': options.configFile = resolve(value()); break;
      case '--insecure-registry': options.insecureRegistries = [...(options.insecureRegistries ?? []), value()]; break;
      case '--registry-mirror': options.registryMirrors = [...(options.registryMirrors ?? []), value()]; break;
      case '--registry-certs-dir': options.registryCertsDir = resolve(value()); break;
      case '--cgroup-driver': options.cgroupDriver = parseDriverName(value()); break;
      default: throw new InvalidError(`unknown argument "${arg}" (see --help)`);
    }
  }
  options.netPrefix ??= options.root === resolve(defaults.root) ? 'berth' : netPrefixForRoot(options.root);
  return { help: false, options };
}

/**
 * Each option as the flags that give it (parseArgs' inverse). A key per option, so an option added to
 * DaemonOptions without its flags here does not compile: a daemon started by another (the rootless
 * launcher's inner daemon) gets every one.
 */
const FLAGS: { [K in keyof Required<DaemonOptions>]: (v: NonNullable<DaemonOptions[K]>) => string[] } = {
  socket: (v) => ['--socket', v],
  root: (v) => ['--root', v],
  ociRuntime: (v) => ['--oci-runtime', v],
  netPrefix: (v) => ['--net-prefix', v],
  storageDriver: (v) => ['--storage-driver', v],
  seccompProfile: (v) => ['--seccomp-profile', v],
  userns: (v) => ['--userns', v],
  allowInsecureEntitlements: (v) => v.flatMap((e) => ['--allow-insecure-entitlement', e]),
  configFile: (v) => ['--config-file', v],
  insecureRegistries: (v) => v.flatMap((r) => ['--insecure-registry', r]),
  registryMirrors: (v) => v.flatMap((m) => ['--registry-mirror', m]),
  registryCertsDir: (v) => ['--registry-certs-dir', v],
  cgroupDriver: (v) => ['--cgroup-driver', v],
};

/** The command line that gives a daemon exactly `o`. */
export function optionArgs(o: DaemonOptions): string[] {
  return (Object.keys(FLAGS) as (keyof DaemonOptions)[]).flatMap((k) => {
    const v = o[k];
    return v === undefined ? [] : (FLAGS[k] as (x: unknown) => string[])(v);
  });
}

/** A stable prefix per root: the same after a restart, different for another root. */
export function netPrefixForRoot(root: string): string {
  const n = createHash('sha256').update(resolve(root)).digest().readUInt32BE(0);
  return `b${n.toString(36).padStart(5, '0').slice(0, 5)}`;
}
