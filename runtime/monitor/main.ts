// berth-monitor: a monitor host (monitor-host.ts), started ahead of time by the daemon, serving the
// containers the daemon hands it until the daemon is gone and its last container has exited.
import { Socket } from 'node:net';
import { MonitorHost, type DockerAttachMessage } from './monitor-host.js';

function main(): void {
  const i = process.argv.indexOf('--host');
  if (i < 0 || !process.argv[i + 1]) {
    process.stderr.write('usage: berth-monitor --host SOCKET\n(started by berthd; not meant to be run by hand)\n');
    process.exit(2);
  }
  const host = new MonitorHost(process.argv[i + 1]);
  // The daemon holds our stdin until it has connected: if it dies before that, nobody ever will.
  process.stdin.on('end', () => host.orphaned());
  process.stdin.on('error', () => host.orphaned());
  process.stdin.resume();
  void host.start(() => process.stdout.write('ready\n'));
  // Docker CLI connections handed over by the daemon (attach before start).
  process.on('message', (msg: DockerAttachMessage, handle: unknown) => {
    if (msg?.op === 'docker-attach' && handle instanceof Socket) host.handover(msg, handle);
  });
  // The daemon's IPC channel closes when it exits; we stay with the containers.
  process.on('disconnect', () => undefined);
  process.channel?.unref();
  process.on('SIGPIPE', () => { /* the daemon went away; keep running */ });
  // A full disk must not end the monitor: it would take the containers' exit codes with it.
  process.on('uncaughtException', (err) => {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(`berth-monitor: ${err.stack ?? err.message}\n`);
    if (code !== 'ENOSPC' && code !== 'EDQUOT') process.exit(70);
  });
  process.on('SIGHUP', () => { /* detached from the daemon's session */ });
}

main();
