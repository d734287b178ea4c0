// EXPOSE: port ranges and numbers, protocols, host mappings that do not belong here.
import type { Token } from '../../syntax/ast';
import { defineRule, fix, replace } from '../define';
import type { RuleContext } from '../rule';

export interface ExposeSpec {
  readonly word: Token;
  /** Host part (`127.0.0.1:8080:` …) when written; EXPOSE does not take one. */
  readonly host: string | null;
  readonly ports: string;
  readonly proto: string | null;
  /** Uses a variable: checked after expansion only. */
  readonly dynamic: boolean;
}

export function exposeSpecs(ctx: RuleContext): ExposeSpec[] {
  const out: ExposeSpec[] = [];
  for (const i of ctx.ast.instructions) {
    const e = i.keyword === 'EXPOSE' ? i : i.onbuild?.keyword === 'EXPOSE' ? i.onbuild : null;
    if (!e) continue;
    for (const word of e.words) {
      const v = word.value.replace(/^["']|["']$/g, '');
      const slash = v.lastIndexOf('/');
      const proto = slash === -1 ? null : v.slice(slash + 1);
      const spec = slash === -1 ? v : v.slice(0, slash);
      const colon = spec.lastIndexOf(':');
      out.push({ word, host: colon === -1 ? null : spec.slice(0, colon), ports: colon === -1 ? spec : spec.slice(colon + 1), proto, dynamic: v.includes('$') });
    }
  }
  return out;
}

export const DL3011 = defineRule({
  id: 'DL3011',
  origin: 'hadolint',
  severity: 'error',
  title: 'Valid ports range from 0 to 65535',
  message: 'Valid UNIX ports range from 0 to 65535',
  doc: {
    what: 'EXPOSE names a port (or range end) above 65535.',
    why: 'There is no such port; the builder rejects it.',
    bad: 'FROM nginx:1.27\nEXPOSE 80800\n',
    good: 'FROM nginx:1.27\nEXPOSE 8080\n',
  },
  check(ctx, self) {
    for (const s of exposeSpecs(ctx)) {
      if (s.dynamic) continue;
      const nums = s.ports.split('-').filter((p) => /^\d+$/.test(p)).map(Number);
      if (nums.some((n) => n > 65535)) ctx.report(self, s.word.range, `Port "${s.ports}" is out of range: valid ports are 0 to 65535`);
    }
  },
});

export const ExposeProtoCasing = defineRule({
  id: 'ExposeProtoCasing',
  origin: 'buildkit',
  severity: 'warning',
  title: 'EXPOSE protocol should be lowercase',
  message: 'Defined protocol in EXPOSE should be lowercase',
  doc: {
    what: 'EXPOSE names a protocol in upper or mixed case (`80/TCP`).',
    why: 'The protocol is stored as written and compared lowercase elsewhere; `TCP` can end up as a different port key.',
    bad: 'FROM nginx:1.27\nEXPOSE 80/TCP\n',
    good: 'FROM nginx:1.27\nEXPOSE 80/tcp\n',
    fix: 'Lower-cases the protocol.',
  },
  check(ctx, self) {
    for (const s of exposeSpecs(ctx)) {
      if (!s.proto || s.proto === s.proto.toLowerCase() || s.dynamic) continue;
      const r = s.word.range;
      const start = { line: r.end.line, character: r.end.character - s.proto.length - (/["']$/.test(s.word.value) ? 1 : 0) };
      const protoRange = { start, end: { line: start.line, character: start.character + s.proto.length } };
      ctx.report(self, protoRange, `Defined protocol "${s.proto}" in EXPOSE should be lowercase`, [fix(`Change to ${s.proto.toLowerCase()}`, [replace(protoRange, s.proto.toLowerCase())], true)]);
    }
  },
});

export const ExposeInvalidFormat = defineRule({
  id: 'ExposeInvalidFormat',
  origin: 'buildkit',
  severity: 'warning',
  title: 'EXPOSE should not define an IP address or host port',
  message: 'EXPOSE instruction should not define an IP address or host port',
  doc: {
    what: 'EXPOSE includes an IP address or a host port (`127.0.0.1:80:80`, `8080:80`).',
    why: 'EXPOSE only documents container ports; host mappings belong to `docker run -p`. BuildKit says this will become an error.',
    bad: 'FROM nginx:1.27\nEXPOSE 8080:80\n',
    good: 'FROM nginx:1.27\nEXPOSE 80\n',
    fix: 'Keeps only the container port.',
  },
  check(ctx, self) {
    for (const s of exposeSpecs(ctx)) {
      if (s.host === null || s.dynamic) continue;
      const keep = s.ports + (s.proto ? `/${s.proto}` : '');
      ctx.report(self, s.word.range, `EXPOSE "${s.word.value}" defines an IP address or host port; write the container port only (${keep})`,
        [fix(`Change to ${keep}`, [replace(s.word.range, keep)], true)]);
    }
  },
});

export const exposeRules = [DL3011, ExposeProtoCasing, ExposeInvalidFormat];
