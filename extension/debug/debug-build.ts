// Builds the image a debug session runs: the Dockerfile and context of the configuration, the build's
// lines in the "Berth Build" output. The engine's build cache keeps unchanged steps, so a second F5
// rebuilds only what changed. No VS Code imports.
// It sends the engine's build API the context (compose's packer, as Build Image does) and no secrets:
// the options step, secrets and BuildKit through the docker CLI (extension/image-build/run-build.ts) are not
// used for debug sessions yet.
import type Dockerode from 'dockerode';
import { readJsonMessages } from '../engine/json-messages.js';

export interface DebugBuild {
  dockerfile: string;
  context: string;
  tag: string;
  target?: string;
  /** X-Registry-Config for the FROM images' registries (RegistryCredentials.buildRegistryConfig). */
  registryConfig?: unknown;
  log: (text: string) => void;
  /** Resolves when the build should stop. */
  cancelled?: Promise<void>;
}

/** The built image's id. Rejects with the engine's message when a step fails. */
export async function buildForDebug(docker: Dockerode, b: DebugBuild): Promise<string> {
  // tar-stream loads on the first build, not at activation.
  const { packContext } = await import('../../compose/runner/build-context.js');
  const packed = packContext({ dir: b.context, dockerfile: b.dockerfile });
  packed.done.catch(() => undefined);
  const stream = (await docker.buildImage(packed.stream as unknown as NodeJS.ReadableStream, {
    t: b.tag,
    dockerfile: packed.dockerfileInTar,
    ...(b.target ? { target: b.target } : {}),
    ...(b.registryConfig ? { registryconfig: b.registryConfig as Dockerode.RegistryConfig } : {}),
    rm: true,
    forcerm: true,
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  void b.cancelled?.then(() => stream.destroy?.());
  let id: string | undefined;
  await readJsonMessages(stream, (m) => {
    if (m.aux?.ID) id = m.aux.ID;
    if (m.stream) {
      b.log(m.stream);
      const built = /Successfully built ([0-9a-f]+)/.exec(m.stream);
      if (built) id ??= built[1];
    } else if (m.status) b.log(`${m.id ? `${m.id}: ` : ''}${m.status}\n`);
  });
  if (!id) {
    const info = await docker.getImage(b.tag).inspect();
    id = info.Id;
  }
  return id;
}

/** Whether `python -c "import debugpy"` succeeds in the image (a throwaway container); an image without python has none. */
export async function hasDebugpy(docker: Dockerode, image: string): Promise<boolean> {
  const c = await docker.createContainer({ Image: image, Entrypoint: [], Cmd: ['python', '-c', 'import debugpy'], Labels: { 'dev.berth.run': 'probe' } });
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

/** Builds `FROM image` + `pip install debugpy` as `<image>-debugpy`, for an image without debugpy. */
export async function buildWithDebugpy(docker: Dockerode, image: string, log: (text: string) => void): Promise<string> {
  const tar = await import('tar-stream');
  const pack = tar.pack();
  const tag = debugpyTag(image);
  // As root: the app image's user may not write to site-packages.
  pack.entry({ name: 'Dockerfile' }, `FROM ${image}\nARG BERTH_USER=0\nUSER 0\nRUN python -m pip install --no-cache-dir debugpy\nUSER $BERTH_USER\n`);
  pack.finalize();
  const user = (await docker.getImage(image).inspect()).Config?.User || '0';
  const stream = (await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: tag, rm: true, forcerm: true, buildargs: { BERTH_USER: user } })) as NodeJS.ReadableStream;
  await readJsonMessages(stream, (m) => { if (m.stream) log(m.stream); });
  return tag;
}

export function debugpyTag(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? `${image.slice(0, at)}:${image.slice(at + 1)}-debugpy` : `${image}:debugpy`;
}
