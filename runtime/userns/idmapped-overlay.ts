// A container's root for its own user namespace, without copying image layers: an overlay whose
// lower layers are idmapped mounts (on-disk id k shows as the container's host id base+k), mounted
// by the daemon on the bundle's rootfs before the OCI runtime starts (runc 1.1 cannot idmap mounts).
// The upper and work directories are plain: the container's writes land with its host ids, as with
// Docker's userns-remap.
//
// Node cannot call open_tree/mount_setattr/fsopen, so a few lines of Perl do (perl-base is
// Essential on Debian, and the monitor already depends on it): with the container's user namespace
// (namespace-files.ts) as the map, clone each layer as a
// detached mount and idmap it with that namespace, hand the clones to a new overlayfs by file
// descriptor ("lowerdir+", so no idmapped mount is ever attached where a recursive delete could walk
// into an image layer), and attach only the overlay. Needs Linux 6.15+ (overlay layers given by
// descriptor, detached mounts as layers).
import { execFile } from 'node:child_process';
import { SystemError } from '../errdefs.js';
import { namespacesUnsupported, PERL } from './namespace-files.js';

// open_tree, move_mount, fsopen, fsconfig, fsmount and mount_setattr have one number on every architecture.

const SCRIPT = `
use strict; use warnings;
my ($userns, $target, $upper, $work, @lower) = @ARGV;
open(my $ns, "<", $userns) or die "$userns: $!\\n";
my ($type, $lowerkey, $upperkey, $workkey, $empty) = ("overlay", "lowerdir+", "upperdir", "workdir", "");
my @keep;  # a detached mount lives while its descriptor is open: until the overlay is created
my $fs = syscall(430, $type, 1);
$fs >= 0 or die "fsopen(overlay): $!\\n";
for my $arg (@lower) {
  # "=DIR": a layer taken as it is (a container's upper directory in a read view); else idmapped.
  my $plain = $arg =~ s/^=//;
  my $dir = $arg;
  my $fd = syscall(428, -100, $dir, 1 | 0x80000);
  $fd >= 0 or die "open_tree($dir): $!\\n";
  if (!$plain) {
    my $attr = pack("QQQQ", 0x00100000, 0, 0, fileno($ns));
    syscall(442, $fd, $empty, 0x1000, $attr, length $attr) == 0 or die "mount_setattr($dir, MOUNT_ATTR_IDMAP): $!\\n";
  }
  syscall(431, $fs, 5, $lowerkey, 0, $fd) == 0 or die "overlay lowerdir+ by descriptor ($dir): $!\\n";
  push @keep, $fd;
}
if ($upper ne "") {
  syscall(431, $fs, 1, $upperkey, $upper, 0) == 0 or die "overlay upperdir=$upper: $!\\n";
  syscall(431, $fs, 1, $workkey, $work, 0) == 0 or die "overlay workdir=$work: $!\\n";
}
syscall(431, $fs, 6, 0, 0, 0) == 0 or die "creating the overlay: $!\\n";
my $mnt = syscall(432, $fs, 1, 0);
$mnt >= 0 or die "fsmount: $!\\n";
syscall(429, $mnt, $empty, -100, $target, 4) == 0 or die "move_mount(overlay, $target): $!\\n";
`;

export interface IdmappedOverlay {
  /** The container's user namespace (its nsfs file): the layers' idmap. */
  userns: string;
  /** Image layer directories, topmost first. */
  lower: string[];
  /** Layers above those, not idmapped (a container's upper directory in a read-only view). */
  plainLower?: string[];
  /** Without an upper directory the overlay is read-only. */
  upper?: string;
  work?: string;
}

/** Mounts the overlay on `target` (an empty directory). */
export function mountIdmappedOverlay(o: IdmappedOverlay, target: string): Promise<void> {
  const unsupported = namespacesUnsupported();
  const perl = PERL;
  if (unsupported || !perl) return Promise.reject(new SystemError(`cannot give the container its own user namespace: ${unsupported}`));
  const args = [o.userns, target, o.upper ?? '', o.work ?? '', ...(o.plainLower ?? []).map((d) => `=${d}`), ...o.lower];
  return new Promise((resolve, reject) => {
    execFile(perl, ['-e', SCRIPT, ...args], (err, _stdout, stderr) => {
      if (!err) { resolve(); return; }
      const why = (stderr || err.message).trim();
      reject(new SystemError(`cannot mount the container's root with idmapped layers (${why}): this needs Linux 6.15 or later; start the container with --userns host`));
    });
  });
}
