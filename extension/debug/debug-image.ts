// The image a debug session runs, built the one way Berth builds (image-build/run-build.ts, as Build
// Image and the `berth-build` task: Berth's engine through its build API, Docker Engine through
// BuildKit, others through the legacy API), with the configuration's build options. The engine's build
// cache keeps unchanged steps, so a restart rebuilds only what changed. And the debugger an image may
// lack (debugpy, vsdbg), added in a `<image>-debugpy` / `<image>-vsdbg` image, built the same way,
// only after the user agreed. No VS Code imports.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { defaultOptions } from '../image-build/build-options.js';
import { BuildFailure, runBuild, type BuildDeps, type BuildSink } from '../image-build/run-build.js';
import { DOTNET_SDK_IMAGE } from '../scaffold/templates/dotnet.js';
import { VSDBG_PATH, type ResolvedBerthDebug } from './debug-config.js';

export interface BuiltImage {
  /** What the container runs: the configuration's image, or its debugger add-on. */
  ref: string;
  /** The engine's image id (sha256:...). */
  id: string;
}

/** Builds the configuration's Dockerfile as its image; the image id. Rejects with a BuildFailure or BuildCancelled. */
export async function buildDebugImage(deps: BuildDeps, d: ResolvedBerthDebug, sink: BuildSink, signal?: AbortSignal): Promise<BuiltImage> {
  let source: string;
  try {
    source = await fs.promises.readFile(d.dockerfile, 'utf8');
  } catch {
    throw new BuildFailure(`The Dockerfile ${d.dockerfile} cannot be read; check "dockerfile" in the launch configuration.`);
  }
  const result = await runBuild(deps, { dockerfile: d.dockerfile, source, options: d.build }, sink, signal);
  return { ref: d.image, id: result.imageId ?? (await deps.docker.getImage(d.image).inspect()).Id };
}

/** A debugger Berth can add to an image that lacks it. */
export type DebuggerAddOn = 'debugpy' | 'vsdbg';

export const ADD_ONS: Record<DebuggerAddOn, { what: string; needs: string }> = {
  debugpy: { what: 'debugpy', needs: 'pip install debugpy; needs PyPI' },
  vsdbg: { what: 'vsdbg, the .NET debugger', needs: `Microsoft's getvsdbg.sh script run in ${DOTNET_SDK_IMAGE}; needs the internet` },
};

/** Which add-on the platform's debugger needs in the image. */
export function addOnFor(platform: ResolvedBerthDebug['platform']): DebuggerAddOn | undefined {
  return platform === 'python' ? 'debugpy' : platform === 'dotnet' ? 'vsdbg' : undefined;
}

/** Whether the image has the debugger already (a throwaway container runs the check). */
export async function hasAddOn(docker: Dockerode, image: string, addOn: DebuggerAddOn): Promise<boolean> {
  const cmd = addOn === 'debugpy' ? ['python', '-c', 'import debugpy'] : ['/bin/sh', '-c', `test -x ${VSDBG_PATH}`];
  const c = await docker.createContainer({ Image: image, Entrypoint: [], Cmd: cmd, Labels: { 'dev.berth.run': 'probe' } });
  try {
    await c.start();
    const r = (await c.wait()) as { StatusCode?: number };
    return r.StatusCode === 0;
  } catch {
    // The engine refuses to start a command that is not in the image.
    return false;
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

export function addOnTag(image: string, addOn: DebuggerAddOn): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? `${image.slice(0, at)}:${image.slice(at + 1)}-${addOn}` : `${image}:${addOn}`;
}

/** The add-on image's Dockerfile: the app image with the debugger, its user and command unchanged. */
export function addOnDockerfile(image: string, addOn: DebuggerAddOn, user: string): string {
  if (addOn === 'debugpy') {
    // As root: the app image's user may not write to site-packages.
    return `FROM ${image}\nUSER 0\nRUN python -m pip install --no-cache-dir debugpy\nUSER ${user}\n`;
  }
  // The runtime images have no curl: the SDK image (the scaffold's build stage) fetches vsdbg.
  return [
    `FROM ${DOTNET_SDK_IMAGE} AS vsdbg`,
    'RUN curl -sSL https://aka.ms/getvsdbgsh -o /tmp/getvsdbg.sh && bash /tmp/getvsdbg.sh -v latest -l /vsdbg',
    `FROM ${image}`,
    'COPY --from=vsdbg /vsdbg /vsdbg',
    '',
  ].join('\n');
}

/** Builds `<image>-<addOn>` from the built image, through the same build path. */
export async function buildAddOnImage(deps: BuildDeps, image: BuiltImage, addOn: DebuggerAddOn, sink: BuildSink, signal?: AbortSignal): Promise<BuiltImage> {
  const tag = addOnTag(image.ref, addOn);
  const user = (await deps.docker.getImage(image.id).inspect()).Config?.User || '0';
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `berth-${addOn}-`));
  try {
    const dockerfile = path.join(dir, 'Dockerfile');
    const source = addOnDockerfile(image.ref, addOn, user);
    await fs.promises.writeFile(dockerfile, source);
    const result = await runBuild(deps, { dockerfile, source, options: defaultOptions(tag) }, sink, signal);
    return { ref: tag, id: result.imageId ?? (await deps.docker.getImage(tag).inspect()).Id };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
