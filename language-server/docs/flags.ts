// The flags each instruction takes (what BuildKit's Dockerfile frontend accepts), with their values.
// Completion offers them, hover explains them, signature help points at them.

export interface ValueDoc {
  readonly value: string;
  readonly doc: string;
}

export interface FlagDoc {
  readonly name: string;
  readonly doc: string;
  /** Placeholder shown after `=`; absent for boolean flags written bare (`--link`). */
  readonly placeholder?: string;
  /** Fixed set of values, when there is one. */
  readonly values?: readonly ValueDoc[];
  /** The value names a stage (completion offers stage names). */
  readonly stageValue?: true;
  readonly repeatable?: true;
}

const v = (value: string, doc: string): ValueDoc => ({ value, doc });

const chown: FlagDoc = { name: 'chown', placeholder: '<user>:<group>', doc: 'Owner and group of the files, by name or numeric id. Names are looked up in the image\'s `/etc/passwd` and `/etc/group`.' };
const chmod: FlagDoc = { name: 'chmod', placeholder: '<perms>', doc: 'Permissions of the files, octal (`0755`) or, with `# syntax=docker/dockerfile:1.10` and later, symbolic (`u+x`).' };
const link: FlagDoc = { name: 'link', doc: 'Puts the files in an independent layer so it can be reused even when earlier layers change (`--link=false` to turn off).', values: [v('true', 'Independent layer.'), v('false', 'Normal layer.')] };
const exclude: FlagDoc = { name: 'exclude', placeholder: '<pattern>', doc: 'Leaves out sources matching the pattern (`.dockerignore` syntax). May be given several times.', repeatable: true };

const DURATION = 'A Go duration: `30s`, `1m30s`, `500ms`.';

export const FLAGS: Readonly<Record<string, readonly FlagDoc[]>> = {
  FROM: [
    { name: 'platform', placeholder: '<platform>', doc: 'Platform of the base image to pull, `os/arch[/variant]`. Use `$BUILDPLATFORM` for stages that run build tools and `$TARGETPLATFORM` (the default) otherwise.', values: [v('$BUILDPLATFORM', 'The platform of the machine running the build.'), v('$TARGETPLATFORM', 'The platform being built for (the default).'), v('linux/amd64', '64-bit x86.'), v('linux/arm64', '64-bit ARM.'), v('linux/arm/v7', '32-bit ARMv7.')] },
  ],
  RUN: [
    { name: 'mount', placeholder: 'type=<type>,<option>=<value>', doc: 'Mounts something for this command only; nothing of it stays in the layer. Types: `bind` (default), `cache`, `tmpfs`, `secret`, `ssh`.', repeatable: true },
    { name: 'network', placeholder: '<network>', doc: 'Network of the command.', values: [v('default', 'The default build network.'), v('none', 'No network: only loopback.'), v('host', 'The host\'s network (needs the `network.host` entitlement).')] },
    { name: 'security', placeholder: '<mode>', doc: 'Sandbox of the command.', values: [v('sandbox', 'The default sandbox.'), v('insecure', 'Privileged, without sandbox (needs the `security.insecure` entitlement).')] },
  ],
  COPY: [
    { name: 'from', placeholder: '<stage|image>', doc: 'Copies from an earlier build stage (by name or index), a named build context or an image, instead of the build context.', stageValue: true },
    chown, chmod, link,
    { name: 'parents', doc: 'Keeps the parent directories of the sources under the destination (`COPY --parents ./a/b/c.txt /out/` creates `/out/a/b/c.txt`).', values: [v('true', 'Keep parents.'), v('false', 'Flatten.')] },
    exclude,
  ],
  ADD: [
    chown, chmod, link,
    { name: 'checksum', placeholder: 'sha256:<hex>', doc: 'Verifies a remote source (HTTP or git) against this digest.' },
    { name: 'keep-git-dir', doc: 'Keeps the `.git` directory when adding a git repository.', values: [v('true', 'Keep `.git`.'), v('false', 'Drop `.git`.')] },
    { name: 'unpack', doc: 'Whether to extract archives (default: local archives only).', values: [v('true', 'Extract, also remote archives.'), v('false', 'Copy archives as files.')] },
    exclude,
  ],
  HEALTHCHECK: [
    { name: 'interval', placeholder: '<duration>', doc: `Time between two checks (default \`30s\`). ${DURATION}` },
    { name: 'timeout', placeholder: '<duration>', doc: `A check running longer than this fails (default \`30s\`). ${DURATION}` },
    { name: 'start-period', placeholder: '<duration>', doc: `Start-up time during which failing checks do not count (default \`0s\`). ${DURATION}` },
    { name: 'start-interval', placeholder: '<duration>', doc: `Time between checks during the start period (default \`5s\`). ${DURATION}` },
    { name: 'retries', placeholder: '<n>', doc: 'Consecutive failures that make the container unhealthy (default `3`).' },
  ],
};

export function flagsOf(keyword: string): readonly FlagDoc[] {
  return FLAGS[keyword.toUpperCase()] ?? [];
}

export function flagDoc(keyword: string, name: string): FlagDoc | undefined {
  return flagsOf(keyword).find((f) => f.name === name.toLowerCase());
}

/** Markdown for hover on a flag. */
export function flagMarkdown(keyword: string, flag: FlagDoc): string {
  const head = `**${keyword.toUpperCase()} --${flag.name}${flag.placeholder ? `=${flag.placeholder}` : ''}**`;
  const values = flag.values ? '\n\n' + flag.values.map((x) => `- \`${x.value}\`: ${x.doc}`).join('\n') : '';
  return `${head}\n\n${flag.doc}${values}`;
}

// RUN --mount options, per mount type (BuildKit's `instructions/commands_runmount.go`).

export interface MountOptionDoc {
  readonly key: string;
  readonly doc: string;
  readonly values?: readonly ValueDoc[];
  readonly stageValue?: true;
}

export const MOUNT_TYPES: readonly ValueDoc[] = [
  v('bind', 'Read-only bind of a directory from the context, a stage or an image (the default type).'),
  v('cache', 'A persistent cache directory shared between builds (package caches, compiler caches).'),
  v('tmpfs', 'An empty tmpfs.'),
  v('secret', 'A secret passed with `--secret`, as a file (default `/run/secrets/<id>`) or an env variable.'),
  v('ssh', 'The SSH agent socket passed with `--ssh`.'),
];

const target: MountOptionDoc = { key: 'target', doc: 'Mount path in the container (aliases `dst`, `destination`).' };
const from: MountOptionDoc = { key: 'from', doc: 'Stage, named context or image to take the source from (default: the build context).', stageValue: true };
const source: MountOptionDoc = { key: 'source', doc: 'Path inside `from` (alias `src`).' };
const rw: MountOptionDoc = { key: 'rw', doc: 'Allows writes; they are discarded after the command (alias `readwrite`).' };
const id: MountOptionDoc = { key: 'id', doc: 'Identifier (cache: which cache, default the target; secret/ssh: which one was passed to the build).' };
const mode: MountOptionDoc = { key: 'mode', doc: 'File mode, octal (cache default `0755`, secret/ssh `0400`/`0600`).' };
const uid: MountOptionDoc = { key: 'uid', doc: 'Owner user id (default `0`).' };
const gid: MountOptionDoc = { key: 'gid', doc: 'Owner group id (default `0`).' };
const required: MountOptionDoc = { key: 'required', doc: 'Fail the build when the secret or ssh socket was not passed (default `false`).', values: [v('true', 'Required.'), v('false', 'Optional.')] };

export const MOUNT_OPTIONS: Readonly<Record<string, readonly MountOptionDoc[]>> = {
  bind: [target, source, from, rw],
  cache: [
    target, id, { key: 'sharing', doc: 'How concurrent builds share the cache.', values: [v('shared', 'Concurrent writers (default).'), v('private', 'A new cache when one is in use.'), v('locked', 'Wait until the other writer is done.')] },
    source, from, { key: 'ro', doc: 'Read-only (alias `readonly`).' }, mode, uid, gid,
  ],
  tmpfs: [target, { key: 'size', doc: 'Maximum size in bytes (e.g. `64m`).' }],
  secret: [id, target, { key: 'env', doc: 'Expose the secret as this environment variable instead of (or as well as) a file.' }, required, mode, uid, gid],
  ssh: [id, target, required, mode, uid, gid],
};

export function mountOptionsOf(type: string): readonly MountOptionDoc[] {
  return MOUNT_OPTIONS[type] ?? MOUNT_OPTIONS.bind;
}
