// Whether this process runs as a rootless daemon: the launcher (launch.ts) starts the real daemon inside
// a user namespace and says so in BERTH_ROOTLESS. Monitors and tasks inherit the variable, so every
// part that must behave differently (overlay options, cgroups, chown) asks here instead of each
// constructor carrying a flag.
export const ROOTLESS_ENV = 'BERTH_ROOTLESS';

export interface RootlessMode {
  /** Only the user's own id is mapped (no /etc/subuid range): every file and process is uid/gid 0. */
  singleId: boolean;
  /** slirp4netns's API socket (published ports), absent when the daemon has no outbound network. */
  slirpApiSocket?: string;
  /** The launcher's relay to the host's loopback (registries on localhost), see loopback-proxy.ts. */
  loopbackProxySocket?: string;
  /** The daemon joined the namespaces a previous daemon left (namespace-holder.ts): they are set up. */
  joined?: boolean;
}

export function rootlessMode(env: NodeJS.ProcessEnv = process.env): RootlessMode | undefined {
  const raw = env[ROOTLESS_ENV];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<RootlessMode>;
    return {
      singleId: v.singleId === true,
      slirpApiSocket: typeof v.slirpApiSocket === 'string' ? v.slirpApiSocket : undefined,
      loopbackProxySocket: typeof v.loopbackProxySocket === 'string' ? v.loopbackProxySocket : undefined,
      joined: v.joined === true,
    };
  } catch {
    return undefined;
  }
}
