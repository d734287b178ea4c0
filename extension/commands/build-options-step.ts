// Build Image's options step: a menu of the options (tag, context, target stage from the Dockerfile's
// stages, build args with the Dockerfile's ARGs offered, secrets with the ids its RUN --mount flags
// use, ssh, platform, no-cache, pull), each row showing its value; picking a row changes it, "Build"
// builds. Escape in a sub-step goes back to the menu; Escape in the menu cancels the build.
import * as vscode from 'vscode';
import {
  checkSshSpec, declaredArgs, defaultOptions, dockerfileStages, formatSecretSpec, parseBuildArg, parseSecretSpec, secretIdsUsed, summarize, type BuildOptions,
} from '../image-build/build-options.js';
import { checkImageReference } from '../image-build/dockerfile-steps.js';
import { editList } from './list-step.js';

type Action = 'build' | 'tag' | 'context' | 'target' | 'args' | 'secrets' | 'ssh' | 'platform' | 'noCache' | 'pull' | 'reset';
interface Row extends vscode.QuickPickItem {
  action: Action;
}

const onOff = (b: boolean): string => (b ? 'on' : 'off');

/** Walks the user through the options; resolves with them when the user picks Build, undefined on Escape. */
export async function buildOptionsStep(title: string, source: string, start: BuildOptions): Promise<BuildOptions | undefined> {
  let o: BuildOptions = structuredClone(start);
  const stages = dockerfileStages(source);
  for (;;) {
    const args = Object.entries(o.buildArgs).map(([k, v]) => `${k}=${v}`).join(', ');
    const rows: Row[] = [
      { action: 'build', label: '$(play) Build', description: o.tag, detail: summarize(o) || 'no options besides the tag' },
      { action: 'tag', label: '$(tag) Tag', description: o.tag },
      { action: 'target', label: '$(layers) Target stage', description: o.target ?? (stages.length > 1 ? 'the last stage' : 'the only stage') },
      { action: 'args', label: '$(symbol-variable) Build args', description: args || 'none' },
      { action: 'secrets', label: '$(key) Secrets', description: o.secrets.map(formatSecretSpec).join('; ') || 'none' },
      { action: 'ssh', label: '$(remote) SSH agents', description: o.ssh.join(', ') || 'none' },
      { action: 'platform', label: '$(server) Platform', description: o.platform ?? "the engine's" },
      { action: 'noCache', label: '$(debug-restart) No cache', description: onOff(o.noCache) },
      { action: 'pull', label: '$(cloud-download) Always pull base images', description: onOff(o.pull) },
      { action: 'context', label: '$(folder) Context folder', description: o.context === '.' ? "the Dockerfile's folder" : o.context },
      { action: 'reset', label: '$(discard) Reset options', description: 'back to the tag alone' },
    ];
    const picked = await vscode.window.showQuickPick(rows, { title, placeHolder: 'Pick an option to change it, or Build', matchOnDescription: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    switch (picked.action) {
      case 'build':
        return o;
      case 'tag': {
        const tag = await vscode.window.showInputBox({ title: `${title}: tag`, value: o.tag, prompt: 'Image name and tag', validateInput: checkImageReference, ignoreFocusOut: true });
        if (tag) o.tag = tag.trim();
        break;
      }
      case 'target': {
        const items = [{ label: '(last stage)', target: undefined as string | undefined }, ...stages.filter((s) => s.name).map((s) => ({ label: s.name!, description: `FROM ${s.base}, line ${s.line + 1}`, target: s.name }))];
        if (items.length === 1) {
          void vscode.window.showInformationMessage('No stage of this Dockerfile has a name (FROM image AS name), so there is no target to pick.');
          break;
        }
        const t = await vscode.window.showQuickPick(items, { title: `${title}: target stage`, placeHolder: 'Build up to this stage (--target)' });
        if (t) o.target = t.target;
        break;
      }
      case 'args':
        o.buildArgs = await editBuildArgs(`${title}: build args`, source, o.buildArgs);
        break;
      case 'secrets':
        o.secrets = await editList(
          `${title}: secrets`, o.secrets.map(formatSecretSpec),
          secretIdsUsed(source).filter((id) => !o.secrets.some((s) => s.id === id)).map((id) => ({ label: `$(add) ${id}`, description: 'used by RUN --mount=type=secret', value: `id=${id},env=` })),
          'id=NAME,env=VARIABLE or id=NAME,src=FILE (the value is read at build time, never stored)',
          (v) => { const p = parseSecretSpec(v); return typeof p === 'string' ? p : undefined; },
        ).then((list) => list.map((s) => parseSecretSpec(s)).filter((s): s is Exclude<ReturnType<typeof parseSecretSpec>, string> => typeof s !== 'string'));
        break;
      case 'ssh':
        o.ssh = await editList(`${title}: ssh agents`, o.ssh, o.ssh.includes('default') ? [] : [{ label: '$(add) default', description: 'the agent of SSH_AUTH_SOCK', value: 'default' }],
          'default, or ID=/path/to/agent.sock', checkSshSpec);
        break;
      case 'platform': {
        const p = await vscode.window.showInputBox({ title: `${title}: platform`, value: o.platform ?? '', prompt: "linux/amd64, linux/arm64 ...; empty: the engine's own", ignoreFocusOut: true });
        if (p !== undefined) o.platform = p.trim() || undefined;
        break;
      }
      case 'noCache':
        o.noCache = !o.noCache;
        break;
      case 'pull':
        o.pull = !o.pull;
        break;
      case 'context': {
        const c = await vscode.window.showInputBox({ title: `${title}: context folder`, value: o.context, prompt: "Relative to the Dockerfile's folder (. is that folder), or absolute", ignoreFocusOut: true });
        if (c !== undefined) o.context = c.trim() || '.';
        break;
      }
      case 'reset':
        o = defaultOptions(o.tag);
        break;
    }
  }
}

async function editBuildArgs(title: string, source: string, current: Record<string, string>): Promise<Record<string, string>> {
  const declared = declaredArgs(source).filter((a) => !(a.name in current));
  const list = await editList(
    title,
    Object.entries(current).map(([k, v]) => `${k}=${v}`),
    declared.map((a) => ({ label: `$(add) ${a.name}`, description: a.default !== undefined ? `ARG default: ${a.default}` : 'ARG without a default', value: `${a.name}=${a.default ?? ''}` })),
    'KEY=VALUE (a bare KEY takes its value from the environment)',
    (v) => { const p = parseBuildArg(v, process.env); return typeof p === 'string' ? p : undefined; },
  );
  const out: Record<string, string> = {};
  for (const entry of list) {
    const p = parseBuildArg(entry, process.env);
    if (typeof p !== 'string') out[p[0]] = p[1];
  }
  return out;
}
