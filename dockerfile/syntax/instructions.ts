// Typed views of instruction arguments, one shape per keyword, shared by the builder and the
// linter, and the checks BuildKit makes when it reads an instruction (argument counts, flags
// and flag values). Values are as written (quotes kept, variables not expanded): expand them
// with dockerfile/expansion where Docker does. Views are cached per Instruction object.
import type { Flag, Heredoc, Instruction, Range, SyntaxError, Token } from './ast.js';
import { argsSpanRange } from './arg-ranges.js';
import { parseHeredocWord } from './heredoc-markers.js';
import { ParsedInstruction } from './parsed-instruction.js';
import { boolFlag, checkFlags, listFlag, stringFlag, type CheckedFlags } from './flag-rules.js';
import { scanJsonArray } from './json-form.js';
import { isSpace } from './source.js';
import {
  parseDevice, parseMount, parseNetwork, parseSecurity, type NetworkMode, type RunDevice, type RunMount, type SecurityMode,
} from './run-flags.js';
import { parseChmod, parseGoDuration, parsePortSpec, parseSignal, type PortSpec } from './values.js';
import { splitBlank } from './words.js';

interface ViewBase {
  readonly instruction: Instruction;
  /** Everything BuildKit would reject in this instruction, with ranges. */
  readonly errors: readonly SyntaxError[];
}

export interface FromView extends ViewBase {
  readonly keyword: 'FROM';
  /** The base image word as written (`alpine:3`, `$BASE`, `scratch`, a stage name). */
  readonly image: Token | null;
  readonly platform: Flag | null;
  readonly asKeyword: Token | null;
  /** Stage name as written; BuildKit compares stage names lower-cased. */
  readonly stageName: Token | null;
}

export interface KeyValue {
  /** Key as written (may hold quotes or variables; expand it like the value). */
  readonly key: string;
  /** Value as written: quotes kept, variables unexpanded. '' for `key=`. */
  readonly value: string;
  readonly keyRange: Range;
  readonly valueRange: Range;
  readonly range: Range;
  /** The old `ENV key value` form: the value is the rest of the line. */
  readonly legacy: boolean;
}

export interface EnvView extends ViewBase { readonly keyword: 'ENV'; readonly pairs: readonly KeyValue[] }
export interface LabelView extends ViewBase { readonly keyword: 'LABEL'; readonly pairs: readonly KeyValue[] }

export interface ArgDeclaration {
  readonly name: string;
  readonly nameRange: Range;
  /** Default as written, or null when the ARG has none (`ARG NAME`). */
  readonly defaultValue: string | null;
  readonly defaultRange: Range | null;
  readonly range: Range;
}

export interface ArgView extends ViewBase { readonly keyword: 'ARG'; readonly args: readonly ArgDeclaration[] }

export interface ExposedPort {
  readonly text: string;
  readonly range: Range;
  /** Null when the text holds a variable (checked after expansion) or is malformed. */
  readonly spec: PortSpec | null;
  readonly error: string | null;
}

export interface ExposeView extends ViewBase { readonly keyword: 'EXPOSE'; readonly ports: readonly ExposedPort[] }

export interface CopyView extends ViewBase {
  readonly keyword: 'COPY' | 'ADD';
  /** Exec form `COPY ["a", "b"]`: token values are the decoded strings. */
  readonly json: boolean;
  /** Source paths (heredoc markers excluded), as written. */
  readonly sources: readonly Token[];
  /** `COPY <<EOF /dest`: the heredocs used as sources, in order. */
  readonly heredocSources: readonly Heredoc[];
  readonly dest: Token | null;
  readonly from: Flag | null;
  readonly chown: Flag | null;
  readonly chmod: Flag | null;
  readonly link: boolean;
  /** COPY only. */
  readonly parents: boolean;
  readonly exclude: readonly Flag[];
  /** ADD only. */
  readonly checksum: Flag | null;
  /** ADD only; null when not given. */
  readonly keepGitDir: boolean | null;
  /** ADD only; null when not given. */
  readonly unpack: boolean | null;
}

/** RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD command line. */
export interface CommandLine {
  readonly form: 'exec' | 'shell';
  /** Exec form: the argv. */
  readonly exec: readonly string[] | null;
  /** Shell form: the text as written (handed to the shell, no expansion by the builder). */
  readonly shell: string | null;
  readonly range: Range | null;
}

export interface RunMountFlag {
  readonly flag: Flag;
  /** Null when the value is invalid (see errors) . */
  readonly mount: RunMount | null;
}

export interface RunView extends ViewBase {
  readonly keyword: 'RUN';
  readonly command: CommandLine | null;
  readonly heredocs: readonly Heredoc[];
  readonly mounts: readonly RunMountFlag[];
  readonly network: NetworkMode | null;
  readonly security: SecurityMode | null;
  readonly devices: readonly RunDevice[];
}

export interface CmdView extends ViewBase { readonly keyword: 'CMD' | 'ENTRYPOINT'; readonly command: CommandLine | null }

export interface HealthcheckOptions {
  /** Nanoseconds; null when not given. */
  readonly interval: number | null;
  readonly timeout: number | null;
  readonly startPeriod: number | null;
  readonly startInterval: number | null;
  readonly retries: number | null;
}

export interface HealthcheckView extends ViewBase {
  readonly keyword: 'HEALTHCHECK';
  /** `NONE`, `CMD`, or null when missing or unknown (an error says which). */
  readonly type: 'NONE' | 'CMD' | null;
  readonly typeToken: Token | null;
  readonly command: CommandLine | null;
  readonly options: HealthcheckOptions;
}

export interface UserView extends ViewBase {
  readonly keyword: 'USER';
  readonly user: Token | null;
  /** The part before `:` (or all). */
  readonly name: string | null;
  readonly group: string | null;
}

export interface WorkdirView extends ViewBase { readonly keyword: 'WORKDIR'; readonly path: Token | null }
export interface StopsignalView extends ViewBase { readonly keyword: 'STOPSIGNAL'; readonly signal: Token | null }
export interface MaintainerView extends ViewBase { readonly keyword: 'MAINTAINER'; readonly maintainer: Token | null }
export interface ShellView extends ViewBase { readonly keyword: 'SHELL'; readonly shell: readonly string[] | null }
export interface VolumeView extends ViewBase { readonly keyword: 'VOLUME'; readonly json: boolean; readonly paths: readonly Token[] }
export interface OnbuildView extends ViewBase { readonly keyword: 'ONBUILD'; readonly trigger: Instruction | null }
export interface UnknownView extends ViewBase { readonly keyword: 'unknown'; readonly name: string }

export type InstructionView =
  | FromView | EnvView | LabelView | ArgView | ExposeView | CopyView | RunView | CmdView | HealthcheckView | UserView
  | WorkdirView | StopsignalView | MaintainerView | ShellView | VolumeView | OnbuildView | UnknownView;

// Cached on the instruction: in a field of the parser's instructions, as a hidden property on
// others (WeakMap entries are costly for the GC).
const VIEW = Symbol('berth.view');

/** The typed view of an instruction's arguments (computed once per Instruction). */
export function viewInstruction(ins: Instruction): InstructionView {
  if (ins instanceof ParsedInstruction) return ins.view(buildView);
  const holder = ins as unknown as Record<symbol, InstructionView | undefined>;
  let v = holder[VIEW];
  if (!v) {
    v = buildView(ins);
    if (Object.isExtensible(ins)) Object.defineProperty(ins, VIEW, { value: v, enumerable: false });
  }
  return v;
}

/** What BuildKit rejects in this instruction. The parser already puts these in ast.errors for
 *  top-level instructions; call it yourself for ONBUILD triggers (checked by Docker only when
 *  an image built FROM this one runs them). */
export function validateInstruction(ins: Instruction): SyntaxError[] {
  return [...viewInstruction(ins).errors];
}

// ---------------------------------------------------------------------------------------------

class Errors {
  readonly list: SyntaxError[] = [];
  add(code: SyntaxError['code'], message: string, range: Range): void {
    this.list.push({ code, message, range });
  }
}

function wholeArgs(ins: Instruction): Range {
  return ins.argsRange ?? ins.keywordToken.range;
}

function spanToken(ins: Instruction, start: number, end: number): Token {
  return { value: ins.argsText.slice(start, end), range: argsSpanRange(ins, start, end) };
}

/** Whitespace-split arguments, as BuildKit reads FROM, EXPOSE and shell-form COPY/ADD/VOLUME. */
function blankTokens(ins: Instruction): Token[] {
  return splitBlank(ins.argsText, 0, ins.argsText.length).map((s) => spanToken(ins, s.start, s.end));
}

function jsonTokens(ins: Instruction): Token[] {
  const j = ins.json!;
  return j.values.map((value, i) => ({ value, range: j.ranges[i] }));
}

function flagsOf(ins: Instruction, e: Errors, keyword = ins.keyword): CheckedFlags {
  const checked = checkFlags(keyword, ins.flags);
  e.list.push(...checked.errors);
  return checked;
}

function missing(e: Errors, ins: Instruction, message: string): void {
  e.add('missing-arguments', message, ins.argsRange ?? ins.keywordToken.range);
}

function buildView(ins: Instruction): InstructionView {
  const e = new Errors();
  // Literals with every field written out, not spreads of a base and a part: a spread copies
  // property by property, and a view is made for every instruction of every parse.
  const instruction = ins;
  const errors = e.list;
  switch (ins.keyword) {
    case 'FROM': return fromView(ins, e);
    case 'ENV': return { instruction, errors, keyword: 'ENV', pairs: keyValues(ins, e, 'ENV') };
    case 'LABEL': return { instruction, errors, keyword: 'LABEL', pairs: keyValues(ins, e, 'LABEL') };
    case 'ARG': return { instruction, errors, keyword: 'ARG', args: argDeclarations(ins, e) };
    case 'EXPOSE': return { instruction, errors, keyword: 'EXPOSE', ports: exposedPorts(ins, e) };
    case 'COPY':
    case 'ADD': return copyView(ins, e);
    case 'RUN': return runView(ins, e);
    case 'CMD':
    case 'ENTRYPOINT':
      flagsOf(ins, e);
      return { instruction, errors, keyword: ins.keyword, command: commandLine(ins) };
    case 'HEALTHCHECK': return healthcheckView(ins, e);
    case 'USER': {
      const user = single(ins, e, 'USER');
      const colon = user ? user.value.indexOf(':') : -1;
      return {
        instruction, errors, keyword: 'USER', user,
        name: user ? (colon < 0 ? user.value : user.value.slice(0, colon)) : null,
        group: user && colon >= 0 ? user.value.slice(colon + 1) : null,
      };
    }
    case 'WORKDIR': return { instruction, errors, keyword: 'WORKDIR', path: single(ins, e, 'WORKDIR') };
    case 'STOPSIGNAL': {
      // BuildKit does not look at STOPSIGNAL's flags; the signal is checked after expansion.
      const signal = ins.argsRange ? spanToken(ins, 0, ins.argsText.length) : null;
      if (!signal) missing(e, ins, 'STOPSIGNAL requires exactly one argument');
      else if (!signal.value.includes('$')) {
        const r = parseSignal(signal.value);
        if (!r.ok) e.add('other', r.error, signal.range);
      }
      return { instruction, errors, keyword: 'STOPSIGNAL', signal };
    }
    case 'MAINTAINER': {
      const maintainer = ins.argsRange ? spanToken(ins, 0, ins.argsText.length) : null;
      if (!maintainer) missing(e, ins, 'MAINTAINER requires exactly one argument');
      else flagsOf(ins, e);
      return { instruction, errors, keyword: 'MAINTAINER', maintainer };
    }
    case 'SHELL': {
      flagsOf(ins, e);
      if (!ins.argsRange) missing(e, ins, 'SHELL requires at least one argument');
      else if (!ins.json && scanJsonArray(ins.argsText, 0, ins.argsText.length).kind === 'not-strings') {
        // The parser already reported the JSON array of non-strings.
      } else if (!ins.json) e.add('bad-json', 'SHELL requires the arguments to be in JSON form, like SHELL ["/bin/sh", "-c"]', wholeArgs(ins));
      else if (ins.json.values.length === 0) missing(e, ins, 'SHELL requires at least one argument');
      return { instruction, errors, keyword: 'SHELL', shell: ins.json ? ins.json.values : null };
    }
    case 'VOLUME': {
      const paths = ins.json ? jsonTokens(ins) : blankTokens(ins);
      if (paths.length === 0) missing(e, ins, 'VOLUME requires at least one argument');
      else {
        flagsOf(ins, e);
        for (const p of paths) if (p.value.trim() === '') e.add('other', 'VOLUME specified can not be an empty string', p.range);
      }
      return { instruction, errors, keyword: 'VOLUME', json: ins.json !== null, paths };
    }
    case 'ONBUILD': return onbuildView(ins, e);
    default:
      return { instruction, errors, keyword: 'unknown', name: ins.keywordToken.value };
  }
}

function single(ins: Instruction, e: Errors, keyword: string): Token | null {
  if (!ins.argsRange) {
    missing(e, ins, `${keyword} requires exactly one argument`);
    return null;
  }
  flagsOf(ins, e);
  return spanToken(ins, 0, ins.argsText.length);
}

function fromView(ins: Instruction, e: Errors): FromView {
  const args = blankTokens(ins);
  let stageName: Token | null = null;
  let asKeyword: Token | null = null;
  if (args.length === 3 && args[1].value.toLowerCase() === 'as') {
    asKeyword = args[1];
    stageName = args[2];
    if (!/^[a-z][a-z0-9-_.]*$/.test(stageName.value.toLowerCase())) {
      e.add('other', `invalid name for build stage: "${stageName.value}", name can't start with a number or contain symbols`, stageName.range);
    }
  } else if (args.length !== 1) {
    const message = args.length === 0 ? 'FROM requires either one or three arguments: FROM image [AS name]'
      : args.length === 3 ? `FROM requires either one or three arguments: expected AS, found "${args[1].value}"`
        : `FROM requires either one or three arguments (FROM image [AS name]), found ${args.length}`;
    e.add('missing-arguments', message, wholeArgs(ins));
  }
  const checked = flagsOf(ins, e);
  return { instruction: ins, errors: e.list, keyword: 'FROM', image: args[0] ?? null, platform: stringFlag(checked, 'platform'), asKeyword, stageName };
}

function keyValues(ins: Instruction, e: Errors, keyword: 'ENV' | 'LABEL'): KeyValue[] {
  flagsOf(ins, e);
  const words = ins.words;
  if (words.length === 0) {
    missing(e, ins, `${keyword} requires at least one argument`);
    return [];
  }
  if (!words[0].value.includes('=')) {
    // Legacy `ENV key value...`: key up to the first blank, the value is everything after.
    const text = ins.argsText;
    let k = 0;
    while (k < text.length && !/[\t\v\f\r ]/.test(text[k])) k++;
    let v = k;
    while (v < text.length && /[\t\v\f\r ]/.test(text[v])) v++;
    if (v >= text.length) {
      e.add('missing-arguments', `${keyword} must have two arguments: ${keyword} ${text} <value>, or better ${keyword} ${text}=<value>`, wholeArgs(ins));
      return [];
    }
    const keyRange = argsSpanRange(ins, 0, k);
    const valueRange = argsSpanRange(ins, v, text.length);
    return [{ key: text.slice(0, k), value: text.slice(v), keyRange, valueRange, range: wholeArgs(ins), legacy: true }];
  }
  const pairs: KeyValue[] = [];
  const offsets = wordOffsets(ins);
  for (const [n, w] of words.entries()) {
    const eq = w.value.indexOf('=');
    if (eq < 0) {
      e.add('other', `Syntax error - can't find = in "${w.value}". Must be of the form: name=value`, w.range);
      continue;
    }
    if (eq === 0) e.add('other', `${keyword} names can not be blank`, w.range);
    const startOff = offsets[n];
    pairs.push({
      key: w.value.slice(0, eq),
      value: w.value.slice(eq + 1),
      keyRange: startOff < 0 ? w.range : argsSpanRange(ins, startOff, startOff + eq),
      valueRange: startOff < 0 ? w.range : argsSpanRange(ins, startOff + eq + 1, startOff + w.value.length),
      range: w.range,
      legacy: false,
    });
  }
  return pairs;
}

/** Offset of each word in argsText (words are slices of it, in order); -1 if not found. */
function wordOffsets(ins: Instruction): number[] {
  const out: number[] = [];
  let from = 0;
  for (const word of ins.words) {
    const at = ins.argsText.indexOf(word.value, from);
    out.push(at);
    if (at >= 0) from = at + word.value.length;
  }
  return out;
}

function argDeclarations(ins: Instruction, e: Errors): ArgDeclaration[] {
  // BuildKit never looks at ARG's flags (as with STOPSIGNAL), so they are not errors.
  if (ins.words.length === 0) {
    missing(e, ins, 'ARG requires at least one argument');
    return [];
  }
  const offsets = wordOffsets(ins);
  return ins.words.map((w, n) => {
    const eq = w.value.indexOf('=');
    if (eq === 0) e.add('other', 'ARG names can not be blank', w.range);
    const at = offsets[n];
    if (eq < 0) return { name: w.value, nameRange: w.range, defaultValue: null, defaultRange: null, range: w.range };
    return {
      name: w.value.slice(0, eq),
      nameRange: at < 0 ? w.range : argsSpanRange(ins, at, at + eq),
      defaultValue: w.value.slice(eq + 1),
      defaultRange: at < 0 ? w.range : argsSpanRange(ins, at + eq + 1, at + w.value.length),
      range: w.range,
    };
  });
}

function exposedPorts(ins: Instruction, e: Errors): ExposedPort[] {
  const tokens = blankTokens(ins);
  if (tokens.length === 0) {
    missing(e, ins, 'EXPOSE requires at least one argument');
    return [];
  }
  flagsOf(ins, e);
  return tokens.map((t) => {
    if (t.value.includes('$')) return { text: t.value, range: t.range, spec: null, error: null };
    const r = parsePortSpec(t.value);
    if (!r.ok) e.add('other', `EXPOSE: ${r.error}`, t.range);
    return { text: t.value, range: t.range, spec: r.ok ? r.value : null, error: r.ok ? null : r.error };
  });
}

function copyView(ins: Instruction, e: Errors): CopyView {
  const keyword = ins.keyword as 'COPY' | 'ADD';
  const args = ins.json ? jsonTokens(ins) : blankTokens(ins);
  const checked = args.length < 2 ? null : flagsOf(ins, e);
  if (args.length < 2) {
    missing(e, ins, args.length === 0
      ? `${keyword} requires at least two arguments: ${keyword} <source>... <destination>`
      : `${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  const byName = new Map(ins.heredocs.map((h) => [h.name, h]));
  const sources: Token[] = [];
  const heredocSources: Heredoc[] = [];
  const dest: Token | null = args.length >= 2 ? args[args.length - 1] : null;
  if (dest && parseHeredocWord(dest.value)) {
    e.add('other', `${keyword} cannot accept a heredoc as a destination`, dest.range);
  }
  for (const t of args.length >= 2 ? args.slice(0, -1) : args) {
    const marker = parseHeredocWord(t.value);
    const doc = marker ? byName.get(marker.name) : undefined;
    if (doc) heredocSources.push(doc);
    else sources.push(t);
  }
  const c = checked ?? checkFlags(keyword, ins.flags);
  copyChecks(keyword, c, sources, e);
  return {
    instruction: ins, errors: e.list, keyword, json: ins.json !== null, sources, heredocSources, dest,
    from: stringFlag(c, 'from'), chown: stringFlag(c, 'chown'), chmod: stringFlag(c, 'chmod'),
    link: boolFlag(c, 'link') ?? false, parents: boolFlag(c, 'parents') ?? false, exclude: listFlag(c, 'exclude'),
    checksum: stringFlag(c, 'checksum'), keepGitDir: boolFlag(c, 'keep-git-dir'), unpack: boolFlag(c, 'unpack'),
  };
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);
const isGit = (s: string): boolean => /^(git@|git:\/\/|ssh:\/\/)/.test(s) || (isUrl(s) && /\.git(#.*)?$|\.git\//.test(s));

/** What BuildKit rejects when it runs COPY/ADD and can already be known (values without `$`). */
function copyChecks(keyword: 'COPY' | 'ADD', c: CheckedFlags, sources: readonly Token[], e: Errors): void {
  const chmod = stringFlag(c, 'chmod');
  if (chmod?.value && !chmod.value.includes('$')) {
    const r = parseChmod(chmod.value);
    if (!r.ok) e.add('bad-flag', r.error, chmod.valueRange ?? chmod.range);
  }
  if (keyword === 'COPY') {
    for (const s of sources) {
      if (isUrl(s.value)) e.add('other', `COPY cannot fetch URLs (source can't be a URL for COPY); use ADD ${s.value} or RUN curl`, s.range);
    }
    return;
  }
  const checksum = stringFlag(c, 'checksum');
  if (checksum?.value && !checksum.value.includes('$')) {
    if (sources.length > 1) e.add('bad-flag', "checksum can't be specified for multiple sources", checksum.range);
    else if (sources.length === 1 && !sources[0].value.includes('$') && !isUrl(sources[0].value) && !isGit(sources[0].value)) {
      e.add('bad-flag', 'checksum requires HTTP(S) or Git sources', checksum.range);
    } else if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(checksum.value)) {
      e.add('bad-flag', `invalid checksum digest format: ${checksum.value} (write sha256:<64 hex digits>)`, checksum.valueRange ?? checksum.range);
    }
  }
}

function commandLine(ins: Instruction, fromJson = ins.json, text = ins.argsText, range = ins.argsRange): CommandLine | null {
  if (fromJson) return { form: 'exec', exec: fromJson.values, shell: null, range: fromJson.range };
  if (!range || text === '') return null;
  return { form: 'shell', exec: null, shell: text, range };
}

function runView(ins: Instruction, e: Errors): RunView {
  const c = flagsOf(ins, e);
  const mounts: RunMountFlag[] = listFlag(c, 'mount').map((flag) => {
    const r = parseMount(flag.value ?? '');
    if (!r.ok) e.add('bad-flag', `--mount: ${r.error}`, flag.valueRange ?? flag.range);
    return { flag, mount: r.ok ? r.value : null };
  });
  let network: NetworkMode | null = null;
  const net = stringFlag(c, 'network');
  if (net) {
    const r = parseNetwork(net.value ?? '');
    if (r.ok) network = r.value;
    else e.add('bad-flag', `--network: ${r.error}`, net.valueRange ?? net.range);
  }
  let security: SecurityMode | null = null;
  const sec = stringFlag(c, 'security');
  if (sec) {
    const r = parseSecurity(sec.value ?? '');
    if (r.ok) security = r.value;
    else e.add('bad-flag', `--security: ${r.error}`, sec.valueRange ?? sec.range);
  }
  const devices: RunDevice[] = [];
  for (const flag of listFlag(c, 'device')) {
    const r = parseDevice(flag.value ?? '');
    if (r.ok) devices.push(r.value);
    else e.add('bad-flag', `--device: ${r.error}`, flag.valueRange ?? flag.range);
  }
  return { instruction: ins, errors: e.list, keyword: 'RUN', command: commandLine(ins), heredocs: ins.heredocs, mounts, network, security, devices };
}

function healthcheckView(ins: Instruction, e: Errors): HealthcheckView {
  const none: HealthcheckOptions = { interval: null, timeout: null, startPeriod: null, startInterval: null, retries: null };
  const text = ins.argsText;
  if (!ins.argsRange) {
    missing(e, ins, 'HEALTHCHECK requires at least one argument: HEALTHCHECK NONE, or HEALTHCHECK [options] CMD command');
    return { instruction: ins, errors: e.list, keyword: 'HEALTHCHECK', type: null, typeToken: null, command: null, options: none };
  }
  let t = 0;
  while (t < text.length && !isSpace(text.charCodeAt(t))) t++;
  let rest = t;
  while (rest < text.length && isSpace(text.charCodeAt(rest))) rest++;
  const typeToken = spanToken(ins, 0, t);
  const type = typeToken.value.toUpperCase();
  if (type === 'NONE') {
    // BuildKit ignores flags on HEALTHCHECK NONE.
    if (rest < text.length) e.add('other', 'HEALTHCHECK NONE takes no arguments', argsSpanRange(ins, rest, text.length));
    return { instruction: ins, errors: e.list, keyword: 'HEALTHCHECK', type: 'NONE', typeToken, command: null, options: none };
  }
  const c = flagsOf(ins, e);
  if (type !== 'CMD') {
    e.add('other', `Unknown type "${typeToken.value}" in HEALTHCHECK (try CMD)`, typeToken.range);
    return { instruction: ins, errors: e.list, keyword: 'HEALTHCHECK', type: null, typeToken, command: null, options: none };
  }
  const command = commandLine(ins, ins.json, text.slice(rest), rest < text.length ? argsSpanRange(ins, rest, text.length) : null);
  if (!command || (command.exec && command.exec.length === 0)) {
    e.add('missing-arguments', 'Missing command after HEALTHCHECK CMD', typeToken.range);
  }
  const duration = (name: string): number | null => {
    const f = stringFlag(c, name);
    if (!f || f.value === null || f.value === '') return null;
    const r = parseGoDuration(f.value);
    if (!r.ok) {
      e.add('bad-flag', `--${name}: ${r.error} (use a number with a unit: 30s, 1m30s, 500ms)`, f.valueRange ?? f.range);
      return null;
    }
    if (r.value !== 0 && r.value < 1e6) {
      e.add('bad-flag', `--${name} cannot be less than 1ms (got ${f.value})`, f.valueRange ?? f.range);
      return null;
    }
    return r.value;
  };
  let retries: number | null = null;
  const rf = stringFlag(c, 'retries');
  if (rf && rf.value) {
    if (!/^[+-]?\d+$/.test(rf.value) || Math.abs(Number(rf.value)) > 2 ** 31 - 1) {
      e.add('bad-flag', `--retries must be a whole number, not "${rf.value}"`, rf.valueRange ?? rf.range);
    } else if (Number(rf.value) < 0) {
      e.add('bad-flag', `--retries cannot be negative (${Number(rf.value)})`, rf.valueRange ?? rf.range);
    } else {
      retries = Number(rf.value);
    }
  }
  return {
    instruction: ins, errors: e.list, keyword: 'HEALTHCHECK', type: 'CMD', typeToken, command,
    options: {
      interval: duration('interval'), timeout: duration('timeout'), startPeriod: duration('start-period'),
      startInterval: duration('start-interval'), retries,
    },
  };
}

function onbuildView(ins: Instruction, e: Errors): OnbuildView {
  const trigger = ins.onbuild;
  if (!trigger) {
    missing(e, ins, 'ONBUILD requires at least one argument: ONBUILD <instruction>');
    return { instruction: ins, errors: e.list, keyword: 'ONBUILD', trigger: null };
  }
  flagsOf(ins, e);
  if (trigger.keyword === 'ONBUILD') {
    e.add('other', 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed', trigger.keywordToken.range);
  } else if (trigger.keyword === 'FROM' || trigger.keyword === 'MAINTAINER') {
    e.add('other', `${trigger.keyword} isn't allowed as an ONBUILD trigger`, trigger.keywordToken.range);
  }
  return { instruction: ins, errors: e.list, keyword: 'ONBUILD', trigger };
}
