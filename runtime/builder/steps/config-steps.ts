// Steps that change only the image config: ENV, LABEL, MAINTAINER, EXPOSE, USER, VOLUME, STOPSIGNAL,
// ARG, SHELL, CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD. Arguments are expanded where Docker expands
// them (not for CMD, ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER, ONBUILD), and each history line is
// written the way Docker Engine writes it.
import type {
  ArgView, CmdView, CommandLine, EnvView, ExposeView, HealthcheckView, LabelView, MaintainerView, OnbuildView, ShellView,
  StopsignalView, UserView, VolumeView,
} from '../../../dockerfile/syntax/instructions.js';
import { parseSignal } from '../../../dockerfile/syntax/values.js';
import { InvalidError } from '../../errdefs.js';
import { expand, expandToWords, stageLookup } from '../expand.js';
import { goHealthcheck, goList, goQuoteList } from '../go-format.js';
import { setEnv, shellOf, type HealthConfig, type RunConfig } from '../run-config.js';
import { commitConfigStep, type StepEnv } from './step-env.js';

export async function envStep(env: StepEnv, v: EnvView): Promise<void> {
  const lookup = stageLookup(env.state);
  const rc = env.state.runConfig;
  let comment = 'ENV';
  const vars = [...(rc.Env ?? [])];
  for (const p of v.pairs) {
    const key = expand(p.key, lookup, env.escape);
    const value = expand(p.value, lookup, env.escape);
    if (key === '') throw new InvalidError('ENV names can not be blank');
    comment += ` ${key}=${value}`;
    setEnv(vars, key, value);
  }
  rc.Env = vars;
  await commitConfigStep(env, comment);
}

export async function labelStep(env: StepEnv, v: LabelView): Promise<void> {
  const lookup = stageLookup(env.state);
  const rc = env.state.runConfig;
  rc.Labels ??= {};
  let comment = 'LABEL';
  for (const p of v.pairs) {
    const key = expand(p.key, lookup, env.escape);
    const value = expand(p.value, lookup, env.escape);
    if (key === '') throw new InvalidError('LABEL names can not be blank');
    rc.Labels[key] = value;
    comment += ` ${key}=${value}`;
  }
  await commitConfigStep(env, comment);
}

/** `--label` build options: LABEL steps on the last stage, values taken literally. */
export async function optionLabelStep(env: StepEnv, key: string, value: string): Promise<void> {
  const rc = env.state.runConfig;
  rc.Labels = { ...(rc.Labels ?? {}), [key]: value };
  await commitConfigStep(env, `LABEL ${key}=${value}`);
}

export async function maintainerStep(env: StepEnv, v: MaintainerView): Promise<void> {
  const text = v.maintainer?.value ?? '';
  env.state.maintainer = text;
  await commitConfigStep(env, `MAINTAINER ${text}`);
}

const PORT = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(\w+))?$/;

/** `80`, `80/udp`, `8000-8010/tcp`, `[ip:]hostPort:containerPort[/proto]` → the exposed port keys. */
export function exposedPortKeys(spec: string): string[] {
  const parts = spec.split(':');
  const container = parts[parts.length - 1];
  const m = PORT.exec(container);
  if (!m) throw new InvalidError(`invalid containerPort: ${container || spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidError(`invalid proto: ${proto}`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (start > 65535 || end > 65535 || end < start) throw new InvalidError(`invalid containerPort: ${container}`);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}

export async function exposeStep(env: StepEnv, v: ExposeView): Promise<void> {
  const lookup = stageLookup(env.state);
  // BuildKit's parser sorts EXPOSE arguments as written; the history line shows that order.
  const ports = v.ports.map((p) => p.text).sort().flatMap((t) => expandToWords(t, lookup, env.escape));
  const rc = env.state.runConfig;
  const exposed = { ...(rc.ExposedPorts ?? {}) };
  for (const p of ports) for (const key of exposedPortKeys(p)) exposed[key] = {};
  rc.ExposedPorts = exposed;
  await commitConfigStep(env, `EXPOSE ${ports.join(' ')}`);
}

export async function userStep(env: StepEnv, v: UserView): Promise<void> {
  const user = expand(v.user?.value ?? '', stageLookup(env.state), env.escape);
  env.state.runConfig.User = user;
  await commitConfigStep(env, `USER ${user}`);
}

export async function volumeStep(env: StepEnv, v: VolumeView): Promise<void> {
  const lookup = stageLookup(env.state);
  const paths = v.paths.map((p) => expand(p.value, lookup, env.escape));
  const rc = env.state.runConfig;
  rc.Volumes = { ...(rc.Volumes ?? {}) };
  for (const p of paths) {
    if (p.trim() === '') throw new InvalidError('VOLUME specified can not be an empty string');
    rc.Volumes[p] = {};
  }
  await commitConfigStep(env, `VOLUME ${goList(paths)}`);
}

export async function stopsignalStep(env: StepEnv, v: StopsignalView): Promise<void> {
  const signal = expand(v.signal?.value ?? '', stageLookup(env.state), env.escape);
  const checked = parseSignal(signal);
  if (!checked.ok) throw new InvalidError(checked.error);
  env.state.runConfig.StopSignal = signal;
  await commitConfigStep(env, `STOPSIGNAL ${signal}`);
}

export async function argStep(env: StepEnv, v: ArgView): Promise<void> {
  const words: string[] = [];
  for (const a of v.args) {
    // Each default sees the args declared before it on the same line.
    const value = a.defaultValue === null ? null : expand(a.defaultValue, stageLookup(env.state), env.escape);
    env.state.args.addArg(a.name, value);
    words.push(value === null ? a.name : `${a.name}=${value}`);
  }
  await commitConfigStep(env, `ARG ${words.join(' ')}`);
}

export async function shellStep(env: StepEnv, v: ShellView): Promise<void> {
  if (!v.shell) throw new InvalidError('SHELL requires the arguments to be in JSON form');
  env.state.runConfig.Shell = [...v.shell];
  await commitConfigStep(env, `SHELL ${goList(v.shell)}`);
}

/** A CMD/ENTRYPOINT/RUN command line: exec form as it is, shell form behind the stage's shell. */
export function commandArgs(rc: RunConfig, command: CommandLine | null): string[] {
  if (!command) return [];
  if (command.form === 'exec') return [...(command.exec ?? [])];
  return [...shellOf(rc), command.shell ?? ''];
}

export async function cmdStep(env: StepEnv, v: CmdView): Promise<void> {
  const rc = env.state.runConfig;
  const cmd = commandArgs(rc, v.command);
  if (v.keyword === 'CMD') {
    rc.Cmd = cmd;
    delete rc.ArgsEscaped;
    await commitConfigStep(env, `CMD ${goQuoteList(cmd)}`);
    if (v.command && (v.command.form === 'shell' || (v.command.exec?.length ?? 0) > 0)) env.state.cmdSet = true;
    return;
  }
  rc.Entrypoint = cmd;
  delete rc.ArgsEscaped;
  if (!env.state.cmdSet) rc.Cmd = null;
  await commitConfigStep(env, `ENTRYPOINT ${goQuoteList(rc.Entrypoint)}`);
}

export async function healthcheckStep(env: StepEnv, v: HealthcheckView): Promise<void> {
  const rc = env.state.runConfig;
  const old = rc.Healthcheck?.Test;
  if (old?.length && old[0] !== 'NONE') env.out.stream(`Note: overriding previous HEALTHCHECK: ${goList(old)}\n`);
  let health: HealthConfig;
  if (v.type === 'NONE') {
    health = { Test: ['NONE'] };
  } else if (v.type === 'CMD' && v.command) {
    const test = v.command.form === 'exec' ? ['CMD', ...(v.command.exec ?? [])] : ['CMD-SHELL', v.command.shell ?? ''];
    health = { Test: test };
    const o = v.options;
    if (o.interval) health.Interval = o.interval;
    if (o.timeout) health.Timeout = o.timeout;
    if (o.startPeriod) health.StartPeriod = o.startPeriod;
    if (o.startInterval) health.StartInterval = o.startInterval;
    if (o.retries) health.Retries = o.retries;
  } else {
    throw new InvalidError('HEALTHCHECK needs NONE or CMD followed by a command');
  }
  rc.Healthcheck = health;
  await commitConfigStep(env, `HEALTHCHECK ${goHealthcheck(health)}`);
}

export async function onbuildStep(env: StepEnv, v: OnbuildView, expression: string): Promise<void> {
  if (!v.trigger) throw new InvalidError('ONBUILD needs an instruction to run later');
  const keyword = v.trigger.keyword.toUpperCase();
  if (keyword === 'ONBUILD') throw new InvalidError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (keyword === 'FROM' || keyword === 'MAINTAINER') throw new InvalidError(`${keyword} isn't allowed as an ONBUILD trigger`);
  const rc = env.state.runConfig;
  rc.OnBuild = [...(rc.OnBuild ?? []), expression];
  await commitConfigStep(env, `ONBUILD ${expression}`);
}
