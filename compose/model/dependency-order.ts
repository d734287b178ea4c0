// depends_on as a graph: unknown services named, cycles refused, and an order that starts each
// service after what it depends on.
import type { ServiceConfig } from './types';

export type CycleCheck = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/** Services in start order (dependencies first). Missing optional dependencies are skipped. */
export function startOrder(services: Readonly<Record<string, Pick<ServiceConfig, 'dependsOn'>>>): CycleCheck {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  let cycle: string[] | undefined;
  const visit = (name: string): void => {
    if (cycle || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      cycle = [...stack.slice(stack.indexOf(name)), name];
      return;
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(services[name].dependsOn).sort()) if (dep in services) visit(dep);
    stack.pop();
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(services).sort()) visit(name);
  return cycle ? { ok: false, cycle } : { ok: true, order };
}

/** `names` plus everything they depend on, transitively. */
export function withDependencies(services: Readonly<Record<string, Pick<ServiceConfig, 'dependsOn'>>>, names: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (n: string): void => {
    if (out.has(n) || !(n in services)) return;
    out.add(n);
    for (const d of Object.keys(services[n].dependsOn)) add(d);
  };
  names.forEach(add);
  return [...out];
}
