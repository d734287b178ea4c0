// Output speed and density: in the foreground (`runc run`) runc copies the container's stdout/stderr
// through pipes of its own, which halves throughput for chatty containers. With `runc run --detach`
// the container writes straight into the monitor's pipes, but runc exits at once, so the container's
// init would be orphaned and its exit status lost. One small Perl process per monitor host (perl-base
// is Essential on Debian) makes itself a child subreaper (prctl; Node cannot), starts the runtime
// for every container of the host, adopts each container's init when the runtime exits, reaps with
// waitpid(-1) and reports each exit over a pipe. Node cannot wait for children it did not spawn.
//
// Each container's pipes are made by the script: real pipes with a 1 MiB buffer (F_SETPIPE_SZ), not
// the 200 KiB socket pairs Node would make, so a chatty container writes further ahead and the
// monitor reads fewer, larger chunks. The monitor opens its ends through /proc/<pid>/fd (Node cannot
// make a pipe); the script closes its own once the runtime is forked.
//
// Protocol, one line each, fields separated by NUL. Node -> script (fd 3):
//   P <job>                      make the job's pipes; answered by  P <job> <stdin w> <stdout r> <stderr r>
//   R <job> <pid file> <argv...> start the runtime (it writes the container's pid to <pid file>)
//   C <job>                      forget the pipes of a job that will not run
//   N <spare> <job>              the pipes made for <spare> are <job>'s (a set made ahead, see pipes())
// script -> Node (fd 4):  X <job> <exit code>   the container (or a runtime that failed) ended
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants, existsSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** prctl(2) syscall numbers by Node's process.arch. */
const SYS_PRCTL: Record<string, number> = { x64: 157, arm64: 167, arm: 172, ppc64: 171, s390x: 172, riscv64: 167, ia32: 172 };
const PR_SET_CHILD_SUBREAPER = 36;

const SCRIPT = `
use strict; use warnings; use POSIX (); use Fcntl qw(F_SETFD FD_CLOEXEC F_SETFL O_NONBLOCK);
my $nr = shift @ARGV;
syscall($nr, ${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0) == 0 or die "prctl(PR_SET_CHILD_SUBREAPER): $!\\n";
open(my $ctl, '<&=', 3) or die "fd 3: $!\\n";
open(my $ev, '>&=', 4) or die "fd 4: $!\\n";
# Neither is for the runtimes and containers forked below (Perl marks only what it opens itself).
fcntl($ctl, F_SETFD, FD_CLOEXEC); fcntl($ev, F_SETFD, FD_CLOEXEC);
$SIG{PIPE} = 'IGNORE';
my (%slot, %runtime, %container, %early, @early);
# SIGCHLD wakes the select below through a pipe, whenever it comes (self-pipe).
pipe(my $sr, my $sw) or die "pipe: $!\n";
fcntl($sr, F_SETFL, O_NONBLOCK); fcntl($sw, F_SETFL, O_NONBLOCK);
$SIG{CHLD} = sub { syswrite($sw, 'x') };
sub say_ev { syswrite($ev, join("\\0", @_) . "\\n") }
sub code_of { my $s = shift; $s & 127 ? 128 + ($s & 127) : $s >> 8 }
# Returns false when no child is left.
sub reap {
  while (1) {
    my $p = waitpid(-1, POSIX::WNOHANG());
    return 0 if $p < 0;
    return 1 if $p == 0;
    my $s = $?;
    if (my $r = delete $runtime{$p}) {
      my ($job, $pidfile) = @$r;
      if ($s != 0) { say_ev('X', $job, ($s >> 8) || 1); next; }
      my $cpid = 0;
      if (open(my $fh, '<', $pidfile)) { my $l = <$fh>; $cpid = ($l // 0) + 0; close $fh; }
      if (!$cpid) { say_ev('X', $job, 255); next; }
      if (exists $early{$cpid}) { say_ev('X', $job, code_of(delete $early{$cpid})); }
      else { $container{$cpid} = $job; }
    } elsif (defined(my $job = delete $container{$p})) {
      say_ev('X', $job, code_of($s));
    } else {
      # A container's init can end before its runtime does: kept until the pid file names it.
      $early{$p} = $s; push @early, $p;
      delete $early{shift @early} while @early > 4096;
    }
  }
}
my $buf = ''; my $open = 1;
while (1) {
  my $left = reap();
  last if !$open && !$left;
  my $rin = '';
  vec($rin, fileno($sr), 1) = 1;
  vec($rin, fileno($ctl), 1) = 1 if $open;
  my $n = select(my $rout = $rin, undef, undef, 10);
  next unless $n && $n > 0;
  if (vec($rout, fileno($sr), 1)) { my $x; sysread($sr, $x, 512); }
  next unless $open && vec($rout, fileno($ctl), 1);
  my $got = sysread($ctl, $buf, 65536, length $buf);
  next if !defined $got && $!{EINTR};
  if (!$got) { $open = 0; next; }
  while ((my $i = index($buf, "\\n")) >= 0) {
    my @f = split /\\0/, substr($buf, 0, $i);
    substr($buf, 0, $i + 1) = '';
    my $op = shift @f; my $job = shift @f;
    next unless defined $job;
    if ($op eq 'P') {
      my @p;
      pipe($p[0], $p[1]) && pipe($p[2], $p[3]) && pipe($p[4], $p[5]) or do { say_ev('E', $job, "pipe: $!"); next; };
      fcntl($p[3], 1031, 1048576); fcntl($p[5], 1031, 1048576);
      $slot{$job} = \\@p;
      say_ev('P', $job, fileno($p[1]), fileno($p[2]), fileno($p[4]));
    } elsif ($op eq 'R') {
      my $p = delete $slot{$job} or next;
      my $pidfile = shift @f;
      my $pid = fork();
      if (!defined $pid) { say_ev('X', $job, 1); close $_ for @$p; next; }
      if ($pid == 0) {
        $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT';
        POSIX::dup2(fileno($p->[0]), 0); POSIX::dup2(fileno($p->[3]), 1); POSIX::dup2(fileno($p->[5]), 2);
        exec { $f[0] } @f or do { print STDERR "exec $f[0]: $!\\n"; POSIX::_exit(127) };
      }
      close $_ for @$p;
      $runtime{$pid} = [$job, $pidfile];
    } elsif ($op eq 'N') {
      my $to = shift @f;
      $slot{$to} = delete $slot{$job} if defined $to && $slot{$job};
    } elsif ($op eq 'C') {
      my $p = delete $slot{$job};
      close $_ for @{$p // []};
    }
  }
}
`;

const PERL = ['/usr/bin/perl', '/bin/perl'].find((p) => existsSync(p));

/** A container's stdio as the monitor holds it: the write end of its stdin, the read ends of its output. */
export interface ReaperPipes { stdin: Socket; stdout: Socket; stderr: Socket }

/**
 * The subreaper of one monitor host. `exit` events: (job, exit code). `gone`: the script died (it
 * should not); the containers it started are then no longer reaped by it, and new jobs need another.
 */
export class SharedReaper extends EventEmitter {
  private readonly waiting = new Map<string, { resolve: (p: ReaperPipes) => void; reject: (e: Error) => void }>();
  private said = '';
  /** A set of pipes made ahead under a name of its own, so a job's start waits for no round trip. */
  private spare: Promise<{ key: string; pipes: ReaperPipes }> | undefined;
  private spares = 0;
  private readonly ctl: Writable;
  alive = true;

  private constructor(private readonly child: ChildProcess) {
    super();
    this.ctl = child.stdio[3] as Writable;
    this.ctl.on('error', () => { /* the script is gone; its exit reports it */ });
    (child.stdio[4] as Readable).on('data', (d: Buffer) => this.heard(d));
    child.once('exit', () => {
      this.alive = false;
      for (const w of this.waiting.values()) w.reject(new Error('the subreaper exited'));
      this.waiting.clear();
      this.emit('gone');
    });
    this.makeSpare();
  }

  /** Starts the script; undefined when this host cannot (no perl, unknown architecture). */
  static start(): Promise<SharedReaper | undefined> {
    const nr = SYS_PRCTL[process.arch];
    if (!PERL || nr === undefined) return Promise.resolve(undefined);
    // stderr is ours (the monitors' log); stdin and stdout are not used.
    const child = spawn(PERL, ['-e', SCRIPT, String(nr)], { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'] });
    return new Promise((resolve) => {
      child.once('error', () => resolve(undefined));
      child.once('spawn', () => resolve(new SharedReaper(child)));
    });
  }

  get pid(): number | undefined { return this.child.pid; }

  /**
   * The job's pipes, the monitor's ends open: the set made ahead when there is one (renamed to the
   * job in the script), and the next set is asked for at once.
   */
  pipes(job: string): Promise<ReaperPipes> {
    if (!this.alive) return Promise.reject(new Error('the subreaper exited'));
    const spare = this.spare;
    this.spare = undefined;
    this.makeSpare();
    if (!spare) return this.makePipes(job);
    return spare.then(({ key, pipes }) => {
      this.ctl.write(`N\0${key}\0${job}\n`);
      return pipes;
    }, () => this.makePipes(job));
  }

  private makeSpare(): void {
    if (!this.alive) return;
    const key = `spare-${++this.spares}`;
    const made = this.makePipes(key).then((pipes) => ({ key, pipes }));
    made.catch(() => undefined);
    this.spare = made;
  }

  private makePipes(job: string): Promise<ReaperPipes> {
    return new Promise((resolve, reject) => {
      this.waiting.set(job, { resolve, reject });
      this.ctl.write(`P\0${job}\n`);
    });
  }

  /** Starts `argv` (the runtime's `run --detach`, which writes `pidFile`) on the job's pipes. */
  run(job: string, argv: string[], pidFile: string): void {
    this.ctl.write(`${['R', job, pidFile, ...argv].join('\0')}\n`);
  }

  /** Drops the pipes of a job that will not run. */
  cancel(job: string): void {
    if (this.alive) this.ctl.write(`C\0${job}\n`);
  }

  /** No more jobs: the script exits once the containers it reaps are gone. */
  close(): void {
    this.ctl.end();
    (this.child.stdio[4] as Readable).destroy();
    this.child.unref();
  }

  private heard(d: Buffer): void {
    this.said += d.toString();
    let i: number;
    while ((i = this.said.indexOf('\n')) >= 0) {
      const [op, job, ...rest] = this.said.slice(0, i).split('\0');
      this.said = this.said.slice(i + 1);
      if (op === 'X') this.emit('exit', job, Number(rest[0]));
      else if (op === 'P') this.opened(job, rest);
      else if (op === 'E') { this.waiting.get(job)?.reject(new Error(rest.join(' '))); this.waiting.delete(job); }
    }
  }

  private opened(job: string, fds: string[]): void {
    const w = this.waiting.get(job);
    if (!w) return;
    this.waiting.delete(job);
    const opened: Socket[] = [];
    try {
      const open = (fd: string, write: boolean): Socket => {
        const s = new Socket({
          fd: openSync(`/proc/${this.child.pid}/fd/${fd}`, (write ? constants.O_WRONLY : constants.O_RDONLY) | constants.O_NONBLOCK),
          readable: !write, writable: write,
        });
        opened.push(s);
        return s;
      };
      w.resolve({ stdin: open(fds[0], true), stdout: open(fds[1], false), stderr: open(fds[2], false) });
    } catch (err) {
      for (const s of opened) s.destroy();
      this.cancel(job);
      w.reject(err as Error);
    }
  }
}
