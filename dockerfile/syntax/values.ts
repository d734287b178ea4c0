// Value syntaxes Docker checks in instruction arguments: Go durations (HEALTHCHECK), port specs
// (EXPOSE) and signal names (STOPSIGNAL).
import type { Parsed } from './run-flags.js';

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/** Go's time.ParseDuration, in nanoseconds: `30s`, `1m30s`, `1.5h`, `0`. */
export function parseGoDuration(text: string): Parsed<number> {
  const bad = (why: string): Parsed<number> => ({ ok: false, error: why });
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, value: 0 };
  if (s === '') return bad(`invalid duration "${text}"`);
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (num[0] === '' || num[0] === '.' || (num[1] === '' && (num[2] ?? '') === '')) return bad(`invalid duration "${text}"`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') return bad(`missing unit in duration "${text}"`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) return bad(`unknown unit "${unit}" in duration "${text}"`);
    s = s.slice(unit.length);
    total += Number.parseFloat(`${num[1] || '0'}.${num[2] || '0'}`) * scale;
  }
  return { ok: true, value: sign * total };
}

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortSpec {
  /** First container port. */
  readonly start: number;
  /** Last container port (same as start for a single port). */
  readonly end: number;
  /** Lower-cased protocol (`tcp` when none is written). */
  readonly protocol: PortProtocol;
  /** The protocol as written, or null. */
  readonly protocolText: string | null;
  /** `ip:host:` part before the container port, as written; EXPOSE ignores it. */
  readonly hostPart: string | null;
}

function parseRange(text: string, what: string): Parsed<[number, number]> {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const bad: Parsed<[number, number]> = { ok: false, error: `invalid ${what}: ${text === '' ? '(empty)' : text}` };
  if (!m) return bad;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a > 65535 || b > 65535) return { ok: false, error: `invalid ${what}: ${text} (ports go up to 65535)` };
  if (b < a) return { ok: false, error: `invalid range specified for ${what}: ${text} (end is before start)` };
  return { ok: true, value: [a, b] };
}

/** One EXPOSE word as docker/go-connections' ParsePortSpec reads it: `80`, `80/udp`, `8000-8010/tcp`. */
export function parsePortSpec(text: string): Parsed<PortSpec> {
  const slash = text.indexOf('/');
  const portPart = slash < 0 ? text : text.slice(0, slash);
  const protoText = slash < 0 ? null : text.slice(slash + 1);
  const proto = protoText === null || protoText === '' ? 'tcp' : protoText.toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') {
    return { ok: false, error: `invalid proto: ${protoText}; use tcp, udp or sctp` };
  }
  const colon = portPart.lastIndexOf(':');
  const container = colon < 0 ? portPart : portPart.slice(colon + 1);
  const hostPart = colon < 0 ? null : portPart.slice(0, colon);
  if (hostPart !== null) {
    const hostColon = hostPart.lastIndexOf(':');
    const hostPort = hostColon < 0 ? hostPart : hostPart.slice(hostColon + 1);
    if (hostPort !== '') {
      const h = parseRange(hostPort, 'hostPort');
      if (!h.ok) return h;
    }
  }
  const r = parseRange(container, 'containerPort');
  if (!r.ok) return r;
  return { ok: true, value: { start: r.value[0], end: r.value[1], protocol: proto, protocolText: protoText, hostPart } };
}

const SIGNALS = [
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL',
  'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1',
  'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ',
];
const RT = /^RTMIN(\+([1-9]|1[0-5]))?$|^RTMAX(-([1-9]|1[0-4]))?$/;

/** moby's signal.ParseSignal for Linux: a non-zero number, or a name with or without `SIG`. */
export function parseSignal(text: string): Parsed<string> {
  if (/^[+-]?\d+$/.test(text)) {
    // Docker takes any non-zero number here.
    if (Number(text) !== 0) return { ok: true, value: text };
    return { ok: false, error: `invalid signal: ${text} (0 is not a signal)` };
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.includes(name) || RT.test(name)) return { ok: true, value: 'SIG' + name };
  return { ok: false, error: `invalid signal: ${text} (use a name like SIGTERM or a number)` };
}

export interface ChmodSpec {
  /** The mode when written in octal (`0755`), else null. */
  readonly octal: number | null;
  /** The symbolic mode (`u+x,go-w`) when not octal, else null. */
  readonly symbolic: string | null;
}

const SYMBOLIC_CLAUSE = /^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+$/;

/** COPY/ADD `--chmod`: octal up to 07777, or a symbolic mode as chmod(1) writes it (BuildKit). */
export function parseChmod(text: string): Parsed<ChmodSpec> {
  const nonOctal = `invalid chmod parameter: '${text}'. it should be octal string and between 0 and 07777`;
  if (/^[0-9]+$/.test(text)) {
    if (!/^[0-7]+$/.test(text) || Number.parseInt(text, 8) > 0o7777) return { ok: false, error: nonOctal };
    return { ok: true, value: { octal: Number.parseInt(text, 8), symbolic: null } };
  }
  if (text !== '' && text.split(',').every((clause) => SYMBOLIC_CLAUSE.test(clause))) {
    return { ok: true, value: { octal: null, symbolic: text } };
  }
  return { ok: false, error: `invalid chmod parameter: '${text}'. use octal (0755) or a symbolic mode (u+x,go-w)` };
}
