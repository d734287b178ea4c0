// An ordinary user that exists for one test (rootless berthd, the rootless e2e): useradd with a
// unique name, a temp home, its own /etc/subuid and /etc/subgid range. dispose() ends its processes
// (by pid, its own uid and its subordinate ids), deletes it (userdel drops the subordinate ids too)
// and its home. Needs root.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free 65536-id range in /etc/subuid and /etc/subgid, above every range already there. */
function freeRange(): number {
  let top = 200000;
  for (const f of ['/etc/subuid', '/etc/subgid']) {
    const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
    for (const line of text.split('\n')) {
      const [, s, c] = line.split(':');
      if (s && c) top = Math.max(top, Number(s) + Number(c));
    }
  }
  return top + Number.parseInt(randomBytes(2).toString('hex'), 16) % 16 * 65536;
}

/** Live processes (zombies are gone for our purposes) whose real uid is in [first, first + count). */
export function pidsOfUids(first: number, count = 1): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) >= first && Number(m[1]) < first + count) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

/** An ordinary user that exists for one test: its home and XDG_RUNTIME_DIR are a temp folder. */
export interface ThrowawayUser {
  user: string;
  uid: number;
  gid: number;
  /** The home folder (mode 0700, the user's), removed by dispose(). */
  home: string;
  /** <home>/xdg, mode 0700: where the user's berthd puts its socket by default. */
  runtimeDir: string;
  /** The first of its 65536 subordinate uids and gids, when it has them. */
  subIdStart?: number;
  /** The environment of a login as this user: HOME, USER, LOGNAME, XDG_RUNTIME_DIR, PATH. */
  env: Record<string, string>;
  /** The user's processes and those running as one of its subordinate ids (container processes). */
  pids(): number[];
  /** SIGKILL of every such process until none is left, userdel (drops the subuid/subgid lines too), rm of the home. */
  dispose(): Promise<void>;
}

export function createThrowawayUser(opts: { subIds?: boolean } = {}): ThrowawayUser {
  const user = `brl${randomBytes(4).toString('hex')}`;
  const home = mkdtempSync(join(tmpdir(), 'berth-rootless-'));
  execFileSync('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', user]);
  // Debian's useradd may add ranges itself (SUB_UID_COUNT); the test wants exactly its own.
  execFileSync('sh', ['-c', `usermod --del-subuids 1-4294967294 --del-subgids 1-4294967294 ${user} 2>/dev/null || true`]);
  let subIdStart: number | undefined;
  if (opts.subIds !== false) {
    subIdStart = freeRange();
    execFileSync('usermod', ['--add-subuids', `${subIdStart}-${subIdStart + 65535}`, '--add-subgids', `${subIdStart}-${subIdStart + 65535}`, user]);
  }
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  chownSync(home, uid, gid);
  const runtimeDir = join(home, 'xdg');
  mkdirSync(runtimeDir, { mode: 0o700 });
  chownSync(runtimeDir, uid, gid);
  const env = {
    HOME: home, USER: user, LOGNAME: user, SHELL: '/bin/sh', LANG: 'C.UTF-8', XDG_RUNTIME_DIR: runtimeDir,
    // What Debian's /etc/profile gives an ordinary user's login, not root's PATH (folders under /root,
    // the sbin ones): code-server's extension host gets this PATH from the login shell anyway.
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games',
  };
  const pids = (): number[] => [...pidsOfUids(uid), ...(subIdStart === undefined ? [] : pidsOfUids(subIdStart, 65536))];
  return {
    user, uid, gid, home, runtimeDir, subIdStart, env, pids,
    async dispose() {
      // Killed processes take a moment to go, and a dying parent may still fork: kill again until none
      // is left (they are not our children, so there is no exit event to wait on). userdel refuses a
      // user with live processes.
      for (let left = pids(), i = 0; left.length && i < 100; left = pids(), i++) {
        for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
        await new Promise((r) => setTimeout(r, 50));
      }
      try { execFileSync('userdel', [user], { stdio: 'ignore' }); } catch { /* already gone */ }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
