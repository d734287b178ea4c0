// A container's root for its own user namespace, without copying image layers: an overlay whose
// lower layers are idmapped mounts (on-disk id k shows as the container's host id base+k), mounted
// by the daemon on the bundle's rootfs before the OCI runtime starts (runc 1.1 cannot idmap mounts).
// The upper and work directories are plain: the container's writes land with its host ids, as with
// Docker's userns-remap.
//
// Node cannot call open_tree/mount_setattr/fsopen, so a few lines of Perl do (perl-base is
// Essential on Debian, and the monitor already depends on it): make a user namespace holding the
// map (a forked child unshares, the parent writes its uid_map/gid_map), clone each layer as a
// detached mount and idmap it with that namespace, hand the clones to a new overlayfs by file
// descriptor ("lowerdir+", so no idmapped mount is ever attached where a recursive delete could walk
// into an image layer), and attach only the overlay. Needs Linux 6.15+ (overlay layers given by
// descriptor, detached mounts as layers).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SystemError } from '../errdefs.js';
import type { IdMap } from './id-pool.js';

/** unshare(2) by Node's process.arch; open_tree, move_mount, fsopen, fsconfig, fsmount and mount_setattr share numbers on every architecture. */
const SYS_UNSHARE: Record<string, number> = { x64: 272, arm64: 97, riscv64: 97 };

const SCRIPT = `
use strict; use warnings;
my ($unshare, $uid, $gid, $size, $target, $upper, $work, @lower) = @ARGV;
pipe(my $ready_r, my $ready_w) or die "pipe: $!\\n";
pipe(my $done_r, my $done_w) or die "pipe: $!\\n";
my $pid = fork() // die "fork: $!\\n";
if ($pid == 0) {
  close $ready_r; close $done_w;
  syscall($unshare, 0x10000000) == 0 or die "unshare(CLONE_NEWUSER): $!\\n";
  syswrite($ready_w, "1"); close $ready_w;
  sysread($done_r, my $b, 1);
  exit 0;
}
close $ready_w; close $done_r;
sysread($ready_r, my $b, 1) == 1 or die "the user namespace could not be made\\n";
for (["uid_map", $uid], ["gid_map", $gid]) {
  open(my $f, ">", "/proc/$pid/$_->[0]") or die "$_->[0]: $!\\n";
  print $f "0 $_->[1] $size\\n";
  close $f or die "writing $_->[0]: $!\\n";
}
open(my $ns, "<", "/proc/$pid/ns/user") or die "/proc/$pid/ns/user: $!\\n";
close $done_w; waitpid($pid, 0);
my ($type, $lowerkey, $upperkey, $workkey, $empty) = ("overlay", "lowerdir+", "upperdir", "workdir", "");
my @keep;  # a detached mount lives while its descriptor is open: until the overlay is created
my $fs = syscall(430, $type, 1);
$fs >= 0 or die "fsopen(overlay): $!\\n";
for my $dir (@lower) {
  my $fd = syscall(428, -100, $dir, 1 | 0x80000);
  $fd >= 0 or die "open_tree($dir): $!\\n";
  my $attr = pack("QQQQ", 0x00100000, 0, 0, fileno($ns));
  syscall(442, $fd, $empty, 0x1000, $attr, length $attr) == 0 or die "mount_setattr($dir, MOUNT_ATTR_IDMAP): $!\\n";
  syscall(431, $fs, 5, $lowerkey, 0, $fd) == 0 or die "overlay lowerdir+ by descriptor ($dir): $!\\n";
  push @keep, $fd;
}
syscall(431, $fs, 1, $upperkey, $upper, 0) == 0 or die "overlay upperdir=$upper: $!\\n";
syscall(431, $fs, 1, $workkey, $work, 0) == 0 or die "overlay workdir=$work: $!\\n";
syscall(431, $fs, 6, 0, 0, 0) == 0 or die "creating the overlay: $!\\n";
my $mnt = syscall(432, $fs, 1, 0);
$mnt >= 0 or die "fsmount: $!\\n";
syscall(429, $mnt, $empty, -100, $target, 4) == 0 or die "move_mount(overlay, $target): $!\\n";
`;

const PERL = ['/usr/bin/perl', '/bin/perl'].find((p) => existsSync(p));

/** Why idmapped roots cannot be made here (no perl, an architecture without a known unshare number), else undefined. */
export function idmappedOverlayUnsupported(): string | undefined {
  if (!PERL) return 'perl is missing (apt-get install perl-base)';
  if (SYS_UNSHARE[process.arch] === undefined) return `the ${process.arch} architecture is not supported for idmapped mounts yet`;
  return undefined;
}

export interface IdmappedOverlay {
  map: IdMap;
  /** Image layer directories, topmost first. */
  lower: string[];
  upper: string;
  work: string;
}

/** Mounts the overlay on `target` (an empty directory). */
export function mountIdmappedOverlay(o: IdmappedOverlay, target: string): Promise<void> {
  const unsupported = idmappedOverlayUnsupported();
  if (unsupported) return Promise.reject(new SystemError(`cannot give the container its own user namespace: ${unsupported}`));
  const args = [String(SYS_UNSHARE[process.arch]), String(o.map.uid), String(o.map.gid), String(o.map.size), target, o.upper, o.work, ...o.lower];
  return new Promise((resolve, reject) => {
    execFile(PERL!, ['-e', SCRIPT, ...args], (err, _stdout, stderr) => {
      if (!err) { resolve(); return; }
      const why = (stderr || err.message).trim();
      reject(new SystemError(`cannot mount the container's root with idmapped layers (${why}): this needs Linux 6.15 or later; start the container with --userns host`));
    });
  });
}
