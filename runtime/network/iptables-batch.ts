// A set of iptables changes made with two processes instead of one per rule: `iptables-save` reads every
// table once, the rules and chains already there are left out, and one `iptables-restore --noflush` makes
// the rest, all or nothing. Each rule in a separate `iptables -C` / `-A` run costs a process start (5-10 ms
// on an idle host, far more on a busy one, and runs contend for the tables): a bridge's ~28 were most of the
// first container start on a new network.
import { run } from './host-commands.js';

/** One change: a chain made if missing, a rule added (appended or inserted first) if missing, or deleted if there. */
export type RuleChange =
  | { readonly kind: 'chain'; readonly table: string; readonly chain: string }
  | { readonly kind: 'append' | 'insert' | 'delete'; readonly table: string; readonly chain: string; readonly rule: readonly string[] };

/** What the tables hold, as iptables-save prints them: chains and rules (in canonical form) per table. */
export interface TablesState {
  readonly chains: ReadonlySet<string>;
  readonly rules: ReadonlySet<string>;
}

/**
 * A rule's identity whatever the order its options are printed in (iptables-save puts -s, -d, -i, -o
 * before the matches): the options, each with its `!` and its values, sorted.
 */
export function canonicalRule(table: string, chain: string, rule: readonly string[]): string {
  const groups: string[] = [];
  let cur: string[] = [];
  let negate = false;
  for (const t of rule) {
    if (t === '!') { negate = true; continue; }
    if (t.startsWith('-')) {
      if (cur.length) groups.push(cur.join(' '));
      cur = negate ? ['!', t] : [t];
      negate = false;
    } else {
      cur.push(t);
    }
  }
  if (cur.length) groups.push(cur.join(' '));
  return `${table} ${chain} ${groups.sort().join(' ')}`;
}

/** Parses iptables-save's output. */
export function parseSave(text: string): TablesState {
  const chains = new Set<string>();
  const rules = new Set<string>();
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith(':')) chains.add(`${table} ${line.slice(1).split(' ')[0]}`);
    else if (line.startsWith('-A ')) {
      const [, chain, ...rule] = line.trim().split(/\s+/);
      rules.add(canonicalRule(table, chain, rule));
    }
  }
  return { chains, rules };
}

/** The iptables-restore input for the changes `state` does not already have; '' when there are none. */
export function restoreInput(changes: readonly RuleChange[], state: TablesState): string {
  const byTable = new Map<string, string[]>();
  const lines = (t: string): string[] => byTable.get(t) ?? byTable.set(t, []).get(t)!;
  const chains = new Set(state.chains);
  const rules = new Set(state.rules);
  for (const c of changes) {
    if (c.kind === 'chain') {
      const key = `${c.table} ${c.chain}`;
      // Declaring a chain that exists would flush it, even with --noflush.
      if (!chains.has(key)) lines(c.table).unshift(`:${c.chain} - [0:0]`);
      chains.add(key);
      continue;
    }
    const key = canonicalRule(c.table, c.chain, c.rule);
    const there = rules.has(key);
    if (c.kind === 'delete') {
      if (there) lines(c.table).push(['-D', c.chain, ...c.rule].join(' '));
      rules.delete(key);
    } else {
      if (!there) lines(c.table).push([c.kind === 'insert' ? '-I' : '-A', c.chain, ...c.rule].join(' '));
      rules.add(key);
    }
  }
  const tables = [...byTable].filter(([, l]) => l.length);
  return tables.length ? `${tables.map(([t, l]) => [`*${t}`, ...l, 'COMMIT'].join('\n')).join('\n')}\n` : '';
}

/** Makes `changes` in one iptables-restore run (after one iptables-save); rejects, changing nothing, when it fails. */
export async function applyRuleChanges(changes: readonly RuleChange[]): Promise<void> {
  const input = restoreInput(changes, parseSave(await run('iptables-save', [])));
  if (input) await run('iptables-restore', ['-w', '--noflush'], input);
}
