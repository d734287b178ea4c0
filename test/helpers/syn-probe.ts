// The CVE-2020-8558 probe (syn-probe.c) for tests: built statically with gcc into a folder that
// containers bind-mount at /probe, and the shell that runs it in a busybox container.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Compiles syn-probe.c to DIR/syn-probe (static: busybox images have no libc). */
export function buildSynProbe(dir: string): void {
  execFileSync('gcc', ['-static', '-O2', '-o', join(dir, 'syn-probe'), resolve(__dirname, 'syn-probe.c')]);
}

/**
 * `sh -c SYN_PROBE_SCRIPT probe DST PORT` in a container with the probe at /probe: resolves the
 * gateway's MAC (pings until the ARP entry is complete: an unresolved one would send the SYN nowhere
 * and pass for "none") and prints what the probe got; DST "gateway" means the gateway's address.
 */
export const SYN_PROBE_SCRIPT = [
  'gw=$(ip -4 route | awk \'/default/ {print $3}\')',
  'for i in 1 2 3 4 5 6 7 8 9 10; do',
  '  ping -c 1 -W 1 "$gw" >/dev/null 2>&1',
  '  mac=$(awk -v gw="$gw" \'$1 == gw && $3 == "0x2" {print $4}\' /proc/net/arp)',
  '  [ -n "$mac" ] && break',
  'done',
  '[ -n "$mac" ] || { echo "no ARP entry for the gateway $gw" >&2; exit 3; }',
  'dst=$1; [ "$dst" = gateway ] && dst=$gw',
  'exec /probe/syn-probe eth0 "$mac" "$dst" "$2" 2000',
].join('\n');
