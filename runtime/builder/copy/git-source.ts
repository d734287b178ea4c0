// ADD <git URL>: the repository is cloned with the host's git into the daemon's temp space and its
// files are added like a folder of the context (BuildKit's git source). `#ref` picks a branch, tag
// or commit, `#ref:subdir` a folder inside it; the .git folder is left out unless --keep-git-dir.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidError } from '../../errdefs.js';

export interface GitSource {
  url: string;
  ref: string | null;
  subdir: string;
}

/** What ADD would clone with BuildKit: git@host:repo, git:// and ssh:// URLs, http(s) URLs ending in .git. */
export function isGitSource(src: string): boolean {
  return /^(git@|git:\/\/|ssh:\/\/)/.test(src) || (/^https?:\/\//i.test(src) && /\.git(#.*)?$/.test(src));
}

export function parseGitSource(src: string): GitSource {
  const hash = src.indexOf('#');
  const url = hash < 0 ? src : src.slice(0, hash);
  const fragment = hash < 0 ? '' : src.slice(hash + 1);
  const colon = fragment.indexOf(':');
  const ref = (colon < 0 ? fragment : fragment.slice(0, colon)) || null;
  const subdir = colon < 0 ? '' : fragment.slice(colon + 1);
  if (ref?.startsWith('-')) throw new InvalidError(`invalid git reference "${ref}" in ${src}`);
  return { url, ref, subdir };
}

function git(args: string[], cwd: string | undefined, signal: AbortSignal, sshAgent?: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No prompts (there is no one to answer them), no user or system config of the daemon's host, and
    // none of its ssh keys: an ssh URL authenticates with the agent the build request forwards
    // (X-Berth-Build-Ssh "default"), as BuildKit uses the client's --ssh default.
    const ssh = 'ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityFile=/dev/null';
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_SSH_COMMAND: ssh };
    if (sshAgent) env.SSH_AUTH_SOCK = sshAgent;
    const child = spawn('git', args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new InvalidError('ADD of a git repository needs git on the engine\'s PATH (apt-get install git)'));
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Clones `g` into `dir` (which must not exist); returns the folder to add (the subdir, if any). */
export async function cloneGitSource(g: GitSource, dir: string, keepGitDir: boolean, signal: AbortSignal, sshAgent?: string): Promise<string> {
  const isCommit = g.ref !== null && /^[0-9a-f]{7,40}$/.test(g.ref);
  // A shallow clone where the ref allows it; dumb HTTP servers cannot do shallow, so a full clone then.
  let r = await git(['clone', '--quiet', '--depth', '1', ...(g.ref && !isCommit ? ['--branch', g.ref] : []), '--', g.url, dir], undefined, signal, sshAgent);
  if (r.code !== 0 || isCommit) {
    await rm(dir, { recursive: true, force: true });
    r = await git(['clone', '--quiet', '--no-checkout', '--', g.url, dir], undefined, signal, sshAgent);
    if (r.code === 0) r = await git(['checkout', '--quiet', g.ref ?? 'HEAD'], dir, signal);
  }
  if (r.code !== 0) throw new InvalidError(`failed to clone ${g.url}${g.ref ? ` at ${g.ref}` : ''}: ${r.stderr.trim().split('\n').pop() ?? `git exited with ${r.code}`}`);
  if (!keepGitDir) await rm(join(dir, '.git'), { recursive: true, force: true });
  return g.subdir ? join(dir, g.subdir) : dir;
}
