// `docker import --change` / `docker commit --change`: the Dockerfile instructions that only touch the config.
import { InvalidError } from '../errdefs.js';
import type { ContainerConfig } from './image-config.js';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

export function applyConfigChanges(base: ContainerConfig, changes: string[]): ContainerConfig {
  const config: ContainerConfig = { ...base };
  for (const raw of changes) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line);
    const instruction = (m?.[1] ?? '').toUpperCase();
    const args = (m?.[2] ?? '').trim();
    if (!ALLOWED.includes(instruction)) {
      throw new InvalidError(`${instruction || raw} is not a valid change command; allowed: ${ALLOWED.join(', ')}`);
    }
    switch (instruction) {
      case 'CMD': config.Cmd = commandForm(args); break;
      case 'ENTRYPOINT': config.Entrypoint = commandForm(args); break;
      case 'ENV': {
        const env = [...(config.Env ?? [])];
        for (const [k, v] of keyValues(instruction, args)) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        config.Env = env;
        break;
      }
      case 'LABEL': config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(keyValues(instruction, args)) }; break;
      case 'EXPOSE': {
        const ports = { ...(config.ExposedPorts ?? {}) };
        for (const p of args.split(/\s+/).filter(Boolean)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
        config.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const vols = { ...(config.Volumes ?? {}) };
        const list = args.startsWith('[') ? jsonList(args) : args.split(/\s+/).filter(Boolean);
        for (const v of list) vols[v] = {};
        config.Volumes = vols;
        break;
      }
      case 'USER': config.User = args; break;
      case 'WORKDIR': config.WorkingDir = args; break;
      case 'STOPSIGNAL': config.StopSignal = args; break;
      case 'ONBUILD': config.OnBuild = [...(config.OnBuild ?? []), args]; break;
    }
  }
  return config;
}

/** JSON (exec) form as is; shell form wrapped in /bin/sh -c. */
function commandForm(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      return jsonList(args);
    } catch {
      // Not valid JSON: Docker treats it as shell form.
    }
  }
  return ['/bin/sh', '-c', args];
}

function jsonList(args: string): string[] {
  const v = JSON.parse(args) as unknown;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new InvalidError(`expected a JSON list of strings: ${args}`);
  return v as string[];
}

function keyValues(instruction: string, args: string): [string, string][] {
  if (!args.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(args);
    if (!m) throw new InvalidError(`${instruction} needs a key and a value: ${args}`);
    return [[m[1], m[2]]];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of args.matchAll(re)) {
    let v = m[2];
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (v.startsWith("'")) v = v.slice(1, -1);
    out.push([m[1], v]);
  }
  return out;
}
