// Output speed: in the foreground (`runc run`) runc copies the container's stdout/stderr through
// pipes of its own, which halves throughput for chatty containers. With `runc run --detach` the
// container writes straight into the monitor's pipes, but runc exits at once, so the container's
// init would be orphaned and its exit status lost. A few lines of Perl (perl-base is Essential on
// Debian) make themselves a child subreaper (prctl), start runc detached, adopt the container's init
// when runc exits, and exit with its status. Node cannot call prctl itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, existsSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** prctl(2) syscall numbers by Node's process.arch. */
const SYS_PRCTL: Record<string, number> = { x64: 157, arm64: 167, arm: 172, ppc64: 171, s390x: 172, riscv64: 167, ia32: 172 };
const PR_SET_CHILD_SUBREAPER = 36;

// Started ahead of time by a spare monitor, the script first makes the container's output pipes:
// real pipes with a 1 MiB buffer (F_SETPIPE_SZ), not the 200 KiB socket pairs Node would make. A
// chatty container then writes further ahead of the monitor, which reads fewer, larger chunks. The
// monitor opens the read ends through /proc/<pid>/fd (Node cannot make a pipe); the script closes its
// own once the job comes. Then it waits for its arguments on fd 3 (NUL-separated, one line), so
// neither Node's spawn nor Perl's start-up is on the `docker run` path.
const SCRIPT = `
pipe(my $or, my $ow) or die "pipe: $!\\n";
pipe(my $er, my $ew) or die "pipe: $!\\n";
fcntl($ow, 1031, 1048576); fcntl($ew, 1031, 1048576);
open(my $msg, '>&=', 4) or die "fd 4: $!\\n";
syswrite($msg, fileno($or) . ' ' . fileno($er) . "\\n");
close $msg;
open(STDOUT, '>&', $ow) or die "stdout: $!\\n";
open(STDERR, '>&', $ew) or die "stderr: $!\\n";
close $ow; close $ew;
open(my $ctl, '<&=', 3) or die "fd 3: $!\\n";
my $line = <$ctl>;
exit 0 unless defined $line;
close $ctl; close $or; close $er;
chomp $line;
@ARGV = split /\\0/, $line;
my ($nr, $pidfile) = (shift @ARGV, shift @ARGV);
syscall($nr, ${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0) == 0 or die "prctl(PR_SET_CHILD_SUBREAPER): $!\\n";
my $runc = fork() // die "fork: $!\\n";
if ($runc == 0) { exec { $ARGV[0] } @ARGV; die "exec $ARGV[0]: $!\\n"; }
waitpid($runc, 0);
exit((($? >> 8) || 1)) if $? != 0;
open(my $fh, '<', $pidfile) or die "$pidfile: $!\\n";
my $cpid = <$fh>; close $fh; $cpid += 0;
open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null');
my $status = 255 << 8;
while ((my $p = waitpid(-1, 0)) > 0) { $status = $? if $p == $cpid; }
exit($status & 127 ? 128 + ($status & 127) : $status >> 8);
`;

const PERL = ['/usr/bin/perl', '/bin/perl'].find((p) => existsSync(p));

export interface ReadyReaper {
  child: ChildProcess;
  /** The read ends of the container's stdout and stderr pipes. */
  output: { stdout: Socket; stderr: Socket };
  /** Starts `argv` (the runtime's `run --detach`, which writes `pidFile`); its stdio are the child's pipes. */
  run(argv: string[], pidFile: string): void;
}

/**
 * Starts the subreaper now, waiting for its job; resolves once its output pipes are open here, or
 * undefined when this host cannot (no perl, unknown architecture, no /proc access): the monitor
 * then runs `runtime run` in the foreground.
 */
export function prepareReaper(): Promise<ReadyReaper | undefined> {
  const nr = SYS_PRCTL[process.arch];
  if (!PERL || nr === undefined) return Promise.resolve(undefined);
  // stdin is the container's; stderr is ours (the monitors' log) until the script takes its pipes.
  const child = spawn(PERL, ['-e', SCRIPT], { stdio: ['pipe', 'ignore', 'inherit', 'pipe', 'pipe'] });
  const ctl = child.stdio[3] as Writable;
  ctl.on('error', () => { /* the reaper is gone; its exit reports it */ });
  return new Promise((resolve) => {
    const give = (r: ReadyReaper | undefined): void => { child.off('exit', gone); resolve(r); };
    const gone = (): void => give(undefined);
    child.once('exit', gone);
    child.once('error', gone);
    let said = '';
    (child.stdio[4] as Readable).on('data', (d: Buffer) => {
      said += d.toString();
      const m = /^(\d+) (\d+)\n/.exec(said);
      if (!m) return;
      try {
        const open = (fd: string): Socket => new Socket({ fd: openSync(`/proc/${child.pid}/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
        const output = { stdout: open(m[1]), stderr: open(m[2]) };
        give({
          child, output,
          run(argv, pidFile) {
            ctl.end(`${[String(nr), pidFile, ...argv].join('\0')}\n`);
          },
        });
      } catch (err) {
        process.stderr.write(`berth-monitor: cannot open the output pipes of the subreaper (${(err as Error).message}); running the OCI runtime in the foreground\n`);
        child.kill();
        give(undefined);
      }
    });
  });
}
