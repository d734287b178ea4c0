// berthd's configuration file, in dockerd's daemon.json format. berthd reads the registry keys
// (`insecure-registries`, `registry-mirrors`); any other key is refused by name rather than ignored,
// so a setting that would not take effect is never mistaken for one that does. As with dockerd, a
// key given both as a flag and in the file is an error.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidError } from '../errdefs.js';
import { insecureEntryProblem, mirrorProblem } from '../registry/registry-network.js';
import type { DaemonOptions } from './options.js';

export interface ConfigFileSettings {
  insecureRegistries: string[];
  registryMirrors: string[];
}

const KNOWN = new Set(['insecure-registries', 'registry-mirrors']);

export function defaultConfigFile(rootless: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (!rootless) return '/etc/berth/daemon.json';
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'berth', 'daemon.json');
}

/** The registry settings of flags and file together; a missing default file is no error, a missing named one is. */
export async function registrySettings(options: DaemonOptions, rootless: boolean): Promise<ConfigFileSettings> {
  const path = options.configFile ?? defaultConfigFile(rootless);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || options.configFile) throw new InvalidError(`cannot read the configuration file ${path}: ${(err as Error).message}`);
  }
  const file = text === undefined ? {} : parseConfig(text, path);
  const both = [
    ...(file.insecureRegistries && options.insecureRegistries?.length ? ['insecure-registries'] : []),
    ...(file.registryMirrors && options.registryMirrors?.length ? ['registry-mirrors'] : []),
  ];
  if (both.length) {
    throw new InvalidError(`the following directives are specified both as a flag and in the configuration file ${path}: ${both.join(', ')}; keep one of them`);
  }
  const settings = {
    insecureRegistries: file.insecureRegistries ?? options.insecureRegistries ?? [],
    registryMirrors: file.registryMirrors ?? options.registryMirrors ?? [],
  };
  for (const entry of settings.insecureRegistries) {
    const problem = insecureEntryProblem(entry);
    if (problem) throw new InvalidError(`${problem} (${text === undefined || !file.insecureRegistries ? '--insecure-registry' : path})`);
  }
  for (const entry of settings.registryMirrors) {
    const problem = mirrorProblem(entry);
    if (problem) throw new InvalidError(`${problem} (${text === undefined || !file.registryMirrors ? '--registry-mirror' : path})`);
  }
  return settings;
}

function parseConfig(text: string, path: string): Partial<ConfigFileSettings> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidError(`the configuration file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidError(`the configuration file ${path} must hold a JSON object`);
  const record = doc as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !KNOWN.has(k));
  if (unknown.length) {
    throw new InvalidError(`the configuration file ${path} has keys berthd does not use: ${unknown.join(', ')}; berthd reads only ${[...KNOWN].join(' and ')} (remove the others)`);
  }
  const list = (key: string): string[] | undefined => {
    const v = record[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) throw new InvalidError(`${key} in ${path} must be a list of strings`);
    return v as string[];
  };
  const settings: Partial<ConfigFileSettings> = {};
  const insecure = list('insecure-registries');
  const mirrors = list('registry-mirrors');
  if (insecure) settings.insecureRegistries = insecure;
  if (mirrors) settings.registryMirrors = mirrors;
  return settings;
}
