// A container's user namespace lives as long as the container, held by a bind mount of its nsfs file
// (as `ip netns` holds network namespaces): runc joins it by path, and the daemon makes the
// container's network namespace inside it. A network namespace belongs to the user namespace it was
// made in, and runc exec joins the user namespace before the others, so a network namespace the
// daemon made as the host's root could neither be joined by `docker exec` nor carry a fresh sysfs.
// Node cannot unshare or setns: a few lines of Perl do (as for the monitor's subreaper).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SystemError } from '../errdefs.js';
import type { IdMap } from './id-pool.js';

/** unshare(2) and setns(2) by Node's process.arch. */
export const SYSCALLS: Record<string, { unshare: number; setns: number }> = {
  x64: { unshare: 272, setns: 308 },
  arm64: { unshare: 97, setns: 268 },
  riscv64: { unshare: 97, setns: 268 },
};

export const PERL = ['/usr/bin/perl', '/bin/perl'].find((p) => existsSync(p));

// USER: a child unshares a user namespace, the parent writes its maps and binds it to the file.
// NET: a child joins the user namespace of the file, unshares a network namespace, the parent binds it.
const SCRIPT = `
use strict; use warnings;
my ($unshare, $setns, $what, $file, @rest) = @ARGV;
pipe(my $ready_r, my $ready_w) or die "pipe: $!\\n";
pipe(my $done_r, my $done_w) or die "pipe: $!\\n";
my $pid = fork() // die "fork: $!\\n";
if ($pid == 0) {
  close $ready_r; close $done_w;
  if ($what eq "user") {
    syscall($unshare, 0x10000000) == 0 or die "unshare(CLONE_NEWUSER): $!\\n";
  } else {
    open(my $ns, "<", $rest[0]) or die "$rest[0]: $!\\n";
    syscall($setns, fileno($ns), 0x10000000) == 0 or die "setns($rest[0]): $!\\n";
    syscall($unshare, 0x40000000) == 0 or die "unshare(CLONE_NEWNET): $!\\n";
  }
  syswrite($ready_w, "1"); close $ready_w;
  sysread($done_r, my $b, 1);
  exit 0;
}
close $ready_w; close $done_r;
sysread($ready_r, my $b, 1) == 1 or die "the namespace could not be made\\n";
if ($what eq "user") {
  my ($uid, $gid, $size) = @rest;
  for (["uid_map", $uid], ["gid_map", $gid]) {
    open(my $f, ">", "/proc/$pid/$_->[0]") or die "$_->[0]: $!\\n";
    print $f "0 $_->[1] $size\\n";
    close $f or die "writing $_->[0]: $!\\n";
  }
}
my $src = "/proc/$pid/ns/" . ($what eq "user" ? "user" : "net");
system("mount", "--bind", $src, $file) == 0 or die "mount --bind $src $file failed\\n";
close $done_w; waitpid($pid, 0);
`;

function runScript(args: string[]): Promise<void> {
  const nr = SYSCALLS[process.arch];
  if (!PERL || !nr) return Promise.reject(new SystemError(`cannot give the container its own user namespace: ${namespacesUnsupported()}`));
  return new Promise((resolve, reject) => {
    execFile(PERL, ['-e', SCRIPT, String(nr.unshare), String(nr.setns), ...args], (err, _o, stderr) => {
      if (err) reject(new SystemError(`cannot make the container's namespaces: ${(stderr || err.message).trim()}`));
      else resolve();
    });
  });
}

/** Why these namespaces cannot be made here, else undefined. */
export function namespacesUnsupported(): string | undefined {
  if (!PERL) return 'perl is missing (apt-get install perl-base)';
  if (!SYSCALLS[process.arch]) return `the ${process.arch} architecture is not supported for container user namespaces yet`;
  return undefined;
}

/** The container's user namespace, bound at `file`; made (with `map`) unless it is there already. */
export async function ensureUserns(file: string, map: IdMap): Promise<void> {
  if (isMountPoint(file)) return;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, '');
  await runScript(['user', file, String(map.uid), String(map.gid), String(map.size)]);
}

/** A network namespace owned by the user namespace at `usernsFile`, bound at `file` (as `ip netns add` would). */
export async function makeNetnsIn(usernsFile: string, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, '');
  await runScript(['net', file, usernsFile]);
}

/** Lets the user namespace go (at rm). */
export async function releaseUserns(file: string): Promise<void> {
  if (isMountPoint(file)) await new Promise<void>((resolve) => execFile('umount', ['-l', file], () => resolve()));
  await rm(file, { force: true });
}

function isMountPoint(path: string): boolean {
  let info: string;
  try { info = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return false; }
  return info.split('\n').some((line) => line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) === path);
}
