// What the linter may know about the images stages are built FROM: the parts of an image config
// (`docker image inspect`'s Config) that change what a Dockerfile means. The language server learns
// them from the engine through the extension; berth-lint and the builder's checks go without, and
// then every rule keeps its careful behaviour. Plain values only: no engine types here.
import * as path from 'node:path';
import type { Stage } from '../syntax/ast';
import type { Scopes } from '../expansion/scope';

export interface BaseImageFacts {
  /** Config.Env as a record (`PATH`, `NODE_VERSION` …). */
  readonly env: Readonly<Record<string, string>>;
  /** Config.User: `''` when the image runs as root by default. */
  readonly user: string;
  /** Config.WorkingDir: `''` when unset (the builder then uses `/`). */
  readonly workingDir: string;
  /** Config.ExposedPorts' keys (`80/tcp`). */
  readonly exposedPorts: readonly string[];
  /** Config.Shell: `[]` when unset (RUN then uses `/bin/sh -c`). */
  readonly shell: readonly string[];
}

/** The facts of the image a FROM names, by its reference after ARG expansion (`node:22`, as written);
 *  undefined when not known (no engine, image not pulled, a lint without an engine at all). */
export type BaseImageLookup = (reference: string) => BaseImageFacts | undefined;

/** Where a stage's chain of `FROM <stage>` ends: an image with known facts, `scratch`, or unknown. */
export type StageRoot = { readonly kind: 'image'; readonly facts: BaseImageFacts; readonly reference: string }
  | { readonly kind: 'scratch' }
  | { readonly kind: 'unknown' };

const UNKNOWN: StageRoot = { kind: 'unknown' };
const SCRATCH: StageRoot = { kind: 'scratch' };

/** Each stage's root (by stage index), following `FROM <earlier stage>` as the scopes resolved it. */
export function stageRoots(scopes: Scopes, lookup: BaseImageLookup | undefined): StageRoot[] {
  const out: StageRoot[] = [];
  for (const st of scopes.stages) {
    if (st.parent !== null) { out.push(out[st.parent] ?? UNKNOWN); continue; }
    if (!st.base?.ok || st.base.value === '') { out.push(UNKNOWN); continue; }
    const ref = st.base.value;
    if (ref.toLowerCase() === 'scratch') { out.push(SCRATCH); continue; }
    const facts = lookup?.(ref);
    out.push(facts ? { kind: 'image', facts, reference: ref } : UNKNOWN);
  }
  return out;
}

/** What the rules need of Facts (a type import only: facts.ts imports this module). */
interface ChainFacts {
  readonly roots: readonly StageRoot[];
  parentStage(stage: Stage): Stage | undefined;
}

/** The stage's chain root when it is a known image. */
export function knownImage(facts: ChainFacts, stage: Stage): (StageRoot & { kind: 'image' }) | undefined {
  const root = facts.roots[stage.index];
  return root?.kind === 'image' ? root : undefined;
}

/** The USER a stage starts with: the last USER of the stage it is built on (and so on up the chain),
 *  else its known base image's (`''`: root). Undefined when the chain ends in an unknown image. */
export function startUser(facts: ChainFacts, stage: Stage): string | undefined {
  const parent = facts.parentStage(stage);
  if (parent) return lastArgument(parent, 'USER') ?? startUser(facts, parent);
  return knownImage(facts, stage)?.facts.user;
}

/** The working directory a stage starts in, when its chain ends in a known image and no WORKDIR
 *  on the way uses a variable (`/` for an image without one). */
export function startWorkdir(facts: ChainFacts, stage: Stage): string | undefined {
  const parent = facts.parentStage(stage);
  if (!parent) {
    const image = knownImage(facts, stage);
    return image ? image.facts.workingDir || '/' : undefined;
  }
  let dir = startWorkdir(facts, parent);
  for (const i of parent.instructions) if (i.keyword === 'WORKDIR' && dir !== undefined) dir = changeDir(dir, i.argsText.trim());
  return dir;
}

/** Where `WORKDIR arg` leads from `dir` (undefined when it uses a variable). */
export function changeDir(dir: string, arg: string): string | undefined {
  const to = arg.replace(/^(["'])(.*)\1$/, '$2');
  // Windows paths (`C:\\app`) and variables: not worked out here.
  if (to.includes('$') || to === '' || !dir.startsWith('/') || /^[A-Za-z]:/.test(to)) return undefined;
  return path.posix.resolve(dir, to);
}

/** The value of a stage's last instruction `keyword` (its argument text), or undefined when it has none. */
export function lastArgument(stage: Stage, keyword: string): string | undefined {
  let v: string | undefined;
  for (const i of stage.instructions) if (i.keyword === keyword) v = i.argsText.trim();
  return v;
}

/** The images a Dockerfile's stages are built FROM (after ARG expansion; no stages, no scratch, no
 *  names left empty), each once, in file order: what to ask an engine about. */
export function baseImageReferences(scopes: Scopes): string[] {
  const out = new Set<string>();
  for (const st of scopes.stages) {
    if (st.parent !== null || !st.base?.ok) continue;
    const ref = st.base.value;
    if (ref === '' || ref.toLowerCase() === 'scratch') continue;
    out.add(ref);
  }
  return [...out];
}
