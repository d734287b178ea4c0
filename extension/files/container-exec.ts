// One command run inside a running container through the exec API, its output collected: what the
// Container Files view uses where the archive API has no verb (listing a folder, deleting, renaming).
// No VS Code imports.
import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd` (no shell) in the container and waits for it. `user` overrides the container's user
 * (`0` runs as root, as the archive API writes). Rejects only when the exec cannot be started.
 */
export async function execIn(docker: Dockerode, id: string, cmd: string[], user?: string): Promise<ExecResult> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false, ...(user ? { User: user } : {}) });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  await new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(stream, stdout, stderr);
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').trim() };
}

/** The command's stdout; an Error with its stderr when it exits non-zero. */
export async function execOutput(docker: Dockerode, id: string, cmd: string[]): Promise<string> {
  const r = await execIn(docker, id, cmd);
  if (r.exitCode !== 0) throw new Error(r.stderr || `exit code ${r.exitCode}`);
  return r.stdout;
}
