// Filter Containers... / Filter Images...: a filter as `docker ps --filter` writes it (status=running,
// label=KEY=VALUE, name=..., ancestor=...; reference=, dangling= for images), plus bare words matched
// against names. The view's title shows it until Clear Filter.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { FILTER_KEYS, parseFilter, type FilterKind } from '../views/view-filter.js';
import type { Handler } from './command-context.js';

export const filterView = (kind: FilterKind) => (ctx: Ctx): Handler => async () => {
  const what = kind === 'container' ? 'Containers' : 'Images';
  const example = kind === 'container' ? 'status=running label=com.docker.compose.project=shop api' : 'reference=busybox:* dangling=false myapp';
  const text = await vscode.window.showInputBox({
    title: `Filter ${what}`,
    value: ctx.views.filterOf(kind)?.text ?? '',
    prompt: `KEY=VALUE as docker ${kind === 'container' ? 'ps' : 'images'} --filter takes it (${FILTER_KEYS[kind].join(', ')}), and words to match names; empty shows everything. Example: ${example}`,
    validateInput: (v) => {
      const f = parseFilter(kind, v);
      return typeof f === 'string' ? f : undefined;
    },
    ignoreFocusOut: true,
  });
  if (text === undefined) return;
  const f = parseFilter(kind, text);
  if (typeof f === 'string') return;
  ctx.views.setFilter(kind, f);
};

export const clearFilter = (kind: FilterKind) => (ctx: Ctx): Handler => () => ctx.views.setFilter(kind, undefined);
