// Runs the daemon's host commands (`ip`, `iptables`, `mount`) from a small Perl process instead of
// forking the daemon. A fork copies the page tables of the whole Node process and libuv waits for the
// child's exec: 2-9 ms of the daemon's only thread per command here (more under load, 40 ms seen),
// three times per `docker run --rm`. Perl (perl-base is Essential on Debian) forks in a fraction of a
// millisecond and the daemon only writes a request and later reads the answer.
//
// Frames both ways: a 32-bit big-endian length, then fields, each a 32-bit length and its bytes.
// Request (fd 3):  id, stdin, program, arguments...
//                  or id, "", "", "unmount-remove", path: umount2(path, MNT_DETACH) and unlink(path), done
//                  by the script itself (what `ip netns del` does, without starting `ip`)
// Answer  (fd 4):  id, status (exit code; 128+N for signal N; -1 when the program could not be
//                  started, its reason in stderr), stdout, stderr
// Output is held in full, as execFile holds it; these commands print little.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';

export interface CommandResult { status: number; stdout: string; stderr: string }

/** umount2(2) syscall numbers by Node's process.arch. */
const SYS_UMOUNT2: Record<string, number> = { x64: 166, arm64: 39, arm: 52, ppc64: 52, s390x: 52, riscv64: 39, ia32: 52 };

const SCRIPT = `
use strict; use warnings; use POSIX (); use Fcntl qw(F_SETFD FD_CLOEXEC F_GETFL F_SETFL O_NONBLOCK);
open(my $req, '<&=', 3) or die "fd 3: $!\\n";
open(my $ans, '>&=', 4) or die "fd 4: $!\\n";
fcntl($req, F_SETFD, FD_CLOEXEC); fcntl($ans, F_SETFD, FD_CLOEXEC);
$SIG{PIPE} = 'IGNORE';
pipe(my $sr, my $sw) or die "pipe: $!\\n";
fcntl($sr, F_SETFL, O_NONBLOCK); fcntl($sw, F_SETFL, O_NONBLOCK);
fcntl($sr, F_SETFD, FD_CLOEXEC); fcntl($sw, F_SETFD, FD_CLOEXEC);
$SIG{CHLD} = sub { syswrite($sw, 'x') };
# pid => { id, out, err, fo, fe, status }; fileno => [pid, 'out'|'err', handle]
my (%kid, %fdof);
my $umount2 = shift @ARGV;
sub answer {
  my ($id, $status, $out, $err) = @_;
  my $body = pack('(N/a*)*', $id, $status, $out, $err);
  my $f = pack('N', length $body) . $body;
  while (length $f) { my $n = syswrite($ans, $f); if (!defined $n) { next if $!{EINTR}; exit 0; } substr($f, 0, $n) = ''; }
}
sub finish { my $p = shift; my $k = $kid{$p}; return if $k->{fo} || $k->{fe} || !defined $k->{status}; delete $kid{$p}; answer($k->{id}, $k->{status}, $k->{out}, $k->{err}); }
sub reap {
  while ((my $p = waitpid(-1, POSIX::WNOHANG())) > 0) {
    next unless $kid{$p};
    my $s = $?;
    $kid{$p}{status} //= ($s & 127) ? 128 + ($s & 127) : $s >> 8;
    finish($p);
  }
}
sub start {
  my ($id, $stdin, @argv) = @_;
  my ($ir, $iw, $or, $ow, $er, $ew);
  unless (pipe($ir, $iw) && pipe($or, $ow) && pipe($er, $ew)) { answer($id, -1, '', "pipe: $!"); return; }
  pipe(my $xr, my $xw) or do { answer($id, -1, '', "pipe: $!"); return; };
  fcntl($xw, F_SETFD, FD_CLOEXEC);
  my $pid = fork();
  if (!defined $pid) { answer($id, -1, '', "fork: $!"); return; }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT';
    POSIX::dup2(fileno($ir), 0); POSIX::dup2(fileno($ow), 1); POSIX::dup2(fileno($ew), 2);
    exec { $argv[0] } @argv or do { syswrite($xw, "$!"); POSIX::_exit(127) };
  }
  close $_ for ($ir, $ow, $ew, $xw);
  # The exec's failure comes through the close-on-exec pipe: empty when it ran.
  my $why = '';
  while (1) { my $n = sysread($xr, $why, 4096, length $why); last if defined $n && $n == 0; next if !defined $n && $!{EINTR}; last unless defined $n; }
  close $xr;
  my $k = { id => $id, out => '', err => '', fo => 1, fe => 1 };
  $k->{status} = -1, $k->{err} = $why if length $why;
  # Small inputs (a pipe holds 64 KiB): written at once, then the end of input.
  { local $SIG{PIPE} = 'IGNORE'; my $o = 0; while ($o < length $stdin) { my $n = syswrite($iw, $stdin, length($stdin) - $o, $o); last unless $n; $o += $n; } }
  close $iw;
  $kid{$pid} = $k;
  for ([$or, 'out', 'fo'], [$er, 'err', 'fe']) { my ($h, $w, $flag) = @$_; fcntl($h, F_SETFL, O_NONBLOCK); $fdof{fileno $h} = [$pid, $w, $flag, $h]; }
}
my $buf = ''; my $open = 1;
while ($open || %kid) {
  reap();
  my $rin = '';
  vec($rin, fileno($sr), 1) = 1;
  vec($rin, fileno($req), 1) = 1 if $open;
  vec($rin, $_, 1) = 1 for keys %fdof;
  my $n = select(my $rout = $rin, undef, undef, 5);
  next unless $n && $n > 0;
  if (vec($rout, fileno($sr), 1)) { my $x; sysread($sr, $x, 512); }
  for my $fd (keys %fdof) {
    next unless vec($rout, $fd, 1);
    my ($pid, $w, $flag, $h) = @{$fdof{$fd}};
    my $got = sysread($h, $kid{$pid}{$w}, 65536, length $kid{$pid}{$w});
    next if !defined $got && ($!{EAGAIN} || $!{EINTR});
    if (!$got) { delete $fdof{$fd}; close $h; $kid{$pid}{$flag} = 0; finish($pid); }
  }
  next unless $open && vec($rout, fileno($req), 1);
  my $got = sysread($req, $buf, 65536, length $buf);
  next if !defined $got && $!{EINTR};
  if (!$got) { $open = 0; next; }
  while (length($buf) >= 4) {
    my $len = unpack('N', $buf);
    last if length($buf) < 4 + $len;
    my @f = unpack('(N/a*)*', substr($buf, 4, $len));
    substr($buf, 0, 4 + $len) = '';
    if (@f == 5 && $f[2] eq '' && $f[3] eq 'unmount-remove') {
      # The unmount's result does not count (the file may be no mount point any more); the unlink's does.
      syscall($umount2 + 0, $f[4], 2) if $umount2;
      if (unlink($f[4])) { answer($f[0], 0, '', ''); } else { answer($f[0], 1, '', "cannot remove $f[4]: $!"); }
      next;
    }
    start(@f) if @f >= 3;
  }
}
`;

const PERL = ['/usr/bin/perl', '/bin/perl'].find((p) => existsSync(p));

/** Inputs larger than a pipe's buffer go through execFile (the script writes input in one go). */
export const MAX_INPUT = 60 * 1024;

function frame(fields: (string | Buffer)[]): Buffer {
  const parts = fields.map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
  const body = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) { body.writeUInt32BE(p.length, o); p.copy(body, o + 4); o += 4 + p.length; }
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

function fields(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o + 4 <= body.length;) {
    const n = body.readUInt32BE(o);
    out.push(body.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

/** The Perl process and the commands in flight through it. */
export class CommandServer {
  private readonly waiting = new Map<string, (r: CommandResult) => void>();
  private readonly req: Writable;
  private readonly ans: Socket;
  private heard: Buffer = Buffer.alloc(0);
  private next = 0;
  alive = true;

  private constructor(child: ChildProcess) {
    this.req = child.stdio[3] as Writable;
    this.req.on('error', () => { /* the script is gone; its exit says so */ });
    this.ans = child.stdio[4] as Socket;
    this.ans.on('data', (d: Buffer) => this.onData(d));
    child.once('exit', () => this.gone());
    // An idle server never keeps a process alive; a command in flight does, as a forked one would.
    child.unref();
    (this.req as Socket).unref();
    this.ans.unref();
  }

  /** Starts the script; undefined where there is no perl. */
  static start(): CommandServer | undefined {
    if (!PERL) return undefined;
    const child = spawn(PERL, ['-e', SCRIPT, String(SYS_UMOUNT2[process.arch] ?? 0)], { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'] });
    child.on('error', () => undefined);
    return new CommandServer(child);
  }

  /** Runs `cmd args` with `input` on its stdin; resolves with how it ended. */
  run(cmd: string, args: string[], input = ''): Promise<CommandResult> {
    if (!cmd) return Promise.reject(new Error('no program to run'));
    return this.ask([input, cmd, ...args]);
  }

  /** Whether unmountRemove works on this architecture (else `ip netns del` and the like are run). */
  static canUnmount(): boolean { return SYS_UMOUNT2[process.arch] !== undefined; }

  /** Detaches the mount at `path` (lazily, MNT_DETACH) and removes the file: `ip netns del` without `ip`. */
  unmountRemove(path: string): Promise<CommandResult> {
    return this.ask(['', '', 'unmount-remove', path]);
  }

  private ask(fields: string[]): Promise<CommandResult> {
    if (!this.alive) return Promise.reject(new Error('the command server exited'));
    const id = String(++this.next);
    return new Promise((resolve) => {
      if (!this.waiting.size) this.ans.ref();
      this.waiting.set(id, resolve);
      this.req.write(frame([id, ...fields]));
    });
  }

  /** In-flight commands whose answer can no longer come are failed; the next run starts a new server. */
  private gone(): void {
    this.alive = false;
    for (const resolve of this.waiting.values()) resolve({ status: -1, stdout: '', stderr: 'the command server exited' });
    this.waiting.clear();
    this.ans.unref();
  }

  private onData(d: Buffer): void {
    this.heard = this.heard.length ? Buffer.concat([this.heard, d]) : d;
    while (this.heard.length >= 4) {
      const len = this.heard.readUInt32BE(0);
      if (this.heard.length < 4 + len) return;
      const [id, status, stdout, stderr] = fields(this.heard.subarray(4, 4 + len));
      this.heard = this.heard.subarray(4 + len);
      const resolve = this.waiting.get(id.toString());
      this.waiting.delete(id.toString());
      if (!this.waiting.size) this.ans.unref();
      resolve?.({ status: Number(status.toString()), stdout: stdout.toString(), stderr: stderr.toString() });
    }
  }
}
