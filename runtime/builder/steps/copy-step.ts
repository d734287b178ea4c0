// COPY and ADD. The step is cached by the content hash of its sources (and its flags and destination);
// on a miss the layer is written straight from the sources (runtime/builder/copy/copy-layer.ts).
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { CopyView } from '../../../dockerfile/syntax/instructions.js';
import { expandWord } from '../../../dockerfile/expansion/lexer.js';
import { InvalidError } from '../../errdefs.js';
import { chmodFunction } from '../copy/chmod.js';
import { copyLayerTar } from '../copy/copy-layer.js';
import { combinedHash, type HashSource } from '../copy/content-hash.js';
import { downloadSource, isUrl } from '../copy/download.js';
import { cloneGitSource, isGitSource, parseGitSource } from '../copy/git-source.js';
import { resolveChown, type Identity } from '../copy/identity.js';
import { resolveSource, type CopyItem } from '../copy/sources.js';
import { entryHash } from '../context/context-index.js';
import { expand, stageLookup } from '../expand.js';
import { UnionView } from '../fs/union-view.js';
import { cleanPath } from '../fs/file-tree.js';
import { DockerignoreMatcher, parseDockerignore } from '../../../dockerfile/ignore/dockerignore.js';
import { copyRunConfig, nopCmdString } from '../run-config.js';
import { commitStep, probeCache, type StepEnv } from './step-env.js';

/** COPY/ADD destination: relative to WORKDIR, trailing slash kept. */
export function normalizeDest(workingDir: string, dest: string): string {
  if (dest.startsWith('/')) return dest;
  const joined = posix.join('/', workingDir, dest);
  return dest.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

export async function copyStep(env: StepEnv, v: CopyView): Promise<void> {
  // Git checkouts of ADD live until the layer has been written from them.
  const clones: string[] = [];
  try {
    await copyStepWith(env, v, clones);
  } finally {
    for (const c of clones) env.cleanup(rm(posix.dirname(c), { recursive: true, force: true }));
  }
}

async function copyStepWith(env: StepEnv, v: CopyView, clones: string[]): Promise<void> {
  const name = v.keyword;
  const lookup = stageLookup(env.state);
  const ex = (word: string): string => expand(word, lookup, env.escape);
  const rawDest = v.dest ? ex(v.dest.value) : '';
  if (!rawDest) throw new InvalidError(`${name} requires at least two arguments, but only one was provided. Destination could not be determined`);
  const chown = v.chown?.value ? ex(v.chown.value) : '';
  const chmodText = v.chmod?.value ? ex(v.chmod.value) : '';
  const from = v.from?.value ? ex(v.from.value) : '';
  const checksum = v.checksum?.value ? ex(v.checksum.value) : '';
  const rc = env.state.runConfig;
  const dest = normalizeDest(rc.WorkingDir, rawDest);
  const intoDir = dest.endsWith('/');

  const items: CopyItem[] = [];
  let source: HashSource;
  let what = 'build context';
  if (from) {
    const src = await env.fromSource(from);
    source = src.kind === 'image'
      ? { tree: new UnionView(env.layers.lowerDirs(src.entry.chainIds[src.entry.chainIds.length - 1])), memo: env.hashMemo(src.entry.id) }
      : { tree: new UnionView([]) };
    what = `--from=${from}`;
  } else {
    const tree = env.context.tree;
    source = { tree, known: (path) => tree.hashOf(path) };
  }
  for (const token of v.sources) {
    const src = ex(token.value);
    if (name === 'ADD' && isGitSource(src)) {
      if (checksum) throw new InvalidError('ADD --checksum can only be used with a URL source');
      const dir = join(await env.temp.makeDir('build-git'), 'checkout');
      clones.push(dir);
      const root = await cloneGitSource(parseGitSource(src), dir, v.keepGitDir === true, env.signal, env.mounts.secrets.ssh.get('default'));
      if (!root.startsWith(dir)) throw new InvalidError(`ADD failed: the folder in ${src} is outside the repository`);
      const tree = new UnionView([root]);
      const found = await resolveSource('', { source: { tree }, what: src, isContext: false, mayUnpack: false });
      items.push(...found);
      continue;
    }
    if (isUrl(src)) {
      if (name === 'COPY') throw new InvalidError(`${name} failed: source can't be a URL for COPY`);
      items.push(await downloadSource(src, intoDir, env.signal, checksum || undefined));
      continue;
    }
    if (checksum) throw new InvalidError('ADD --checksum can only be used with a URL source');
    try {
      items.push(...await resolveSource(src, { source, what, isContext: !from, mayUnpack: name === 'ADD' && v.unpack !== false }));
    } catch (err) {
      if (err instanceof InvalidError) throw new InvalidError(`${name} failed: ${err.message}`);
      throw err;
    }
  }
  for (const h of v.heredocSources) {
    const text = h.chomp ? h.content.replace(/^\t+/gm, '') : h.content;
    const body = h.quoted ? text : expandHeredoc(text, lookup, env.escape);
    const content = Buffer.from(body);
    items.push({ kind: 'inline', name: h.name, content, mode: 0o644, mtime: new Date(0), hash: `file:${entryHash('file', 0o644, 0, 0, '', content)}` });
  }
  const excludes = v.exclude.map((f) => ex(f.value ?? '')).filter((p) => p !== '');
  const excluded = excludeMatcher(excludes);
  if (excluded) items.splice(0, items.length, ...items.filter((i) => i.kind !== 'view' || i.entry.type === 'dir' || !excluded(i.name)));
  if (v.parents) keepParents(items, v.sources.map((t) => ex(t.value)));
  if (!items.length) throw new InvalidError(`${name} failed: no source files were specified`);
  if (items.length > 1 && !intoDir) {
    throw new InvalidError(`When using ${name} with more than one source file, the destination must be a directory and end with a /`);
  }

  // `--chown=X` is glued to the hash, exactly as Docker Engine 20.10 writes it.
  const flags = `${chmodText ? `--chmod=${chmodText} ` : ''}${v.link ? '--link ' : ''}${v.parents ? '--parents ' : ''}${excludes.map((e) => `--exclude=${e} `).join('')}${chown ? `--chown=${chown}` : ''}`;
  const comment = `${name} ${flags}${combinedHash(items.map((i) => i.hash))} in ${rawDest} `;
  const cc = copyRunConfig(rc, { Cmd: nopCmdString(rc, comment) });
  if (await probeCache(env, cc)) return;

  const destView = v.link ? new UnionView([]) : new UnionView(env.layers.lowerDirs(env.state.image.topChainId));
  let identity: Identity | undefined = { uid: 0, gid: 0 };
  if (chown) identity = await resolveChown(chown, new UnionView(env.layers.lowerDirs(env.state.image.topChainId)));
  else if (from) identity = undefined;
  const layer = copyLayerTar({
    destView, dest, items, identity, chmod: chmodText ? chmodFunction(chmodText) : undefined,
    unpackArchives: name === 'ADD' && v.unpack !== false, followDestSymlinks: !v.link,
    ...(excluded ? { excluded } : {}), parents: v.parents,
  });
  await commitStep(env, cc, { layer });
}

/** Unquoted heredoc bodies expand variables and nothing else (quotes and escapes stay as written). */
function expandHeredoc(text: string, lookup: (n: string) => string | undefined, escape: '\\' | '`'): string {
  const r = expandWord(text, lookup, escape, { rawQuotes: true, rawEscapes: true });
  if (!r.ok) throw new InvalidError(r.error.message);
  return r.value;
}

/**
 * COPY --exclude: .dockerignore-style patterns, matched against each copied path relative to the
 * source it belongs to (a file source: its name; a folder: paths inside it), as BuildKit filters.
 */
function excludeMatcher(patterns: string[]): ((rel: string) => boolean) | undefined {
  if (!patterns.length) return undefined;
  const parsed = parseDockerignore(patterns.join('\n'));
  if (parsed.errors.length) throw new InvalidError(`--exclude: ${parsed.errors[0].message}`);
  const m = new DockerignoreMatcher(parsed.patterns);
  return (rel) => m.excludes(rel);
}

/**
 * COPY --parents: each source keeps its path from the root (`a/b/c.txt` → `<dest>/a/b/c.txt`), or
 * from a `/./` pivot in the source as written (`./a/./b/c.txt` → `<dest>/b/c.txt`), as BuildKit does.
 */
function keepParents(items: CopyItem[], sources: string[]): void {
  const pivots = sources.map((s) => {
    const i = s.indexOf('/./');
    return i < 0 ? '' : cleanPath(s.slice(0, i));
  }).filter((p) => p !== '');
  for (const item of items) {
    if (item.kind !== 'view') continue;
    const pivot = pivots.find((p) => item.rel === p || item.rel.startsWith(`${p}/`));
    item.name = pivot ? item.rel.slice(pivot.length + 1) : item.rel;
  }
}
