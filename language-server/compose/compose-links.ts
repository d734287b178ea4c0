// Links from a Compose file to the files it names: a build's Dockerfile (from `build:`, `context:` or
// `dockerfile:`), env_file entries, extends.file and include paths. Only files that exist are linked.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ComposeDocument } from './compose-documents';
import { projectFiles } from './project';
import { entryAt, keyText, nodeRange, scalarText } from './yaml-tree';

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function composeLinks(d: ComposeDocument): DocumentLink[] {
  if (!d.file) return [];
  const own = path.dirname(d.file);
  const projectDir = path.dirname(projectFiles(d.file)[0]);
  const out: DocumentLink[] = [];
  const link = (node: Node | null | undefined, target: string | undefined, tooltip: string) => {
    if (!node || !target || !isFile(target)) return;
    out.push({ range: nodeRange(d.text, node), target: pathToFileURL(target).href, tooltip });
  };
  const plainPath = (node: Node | null | undefined) => {
    const s = scalarText(node);
    return s !== undefined && !s.includes('$') && !/^[a-z]+:\/\//.test(s) ? s : undefined;
  };
  const services = entryAt(d.doc, ['services'])?.value;
  if (isMap(services)) {
    for (const sp of services.items) {
      const body = sp.value as Node | null;
      if (!isMap(body) || keyText(sp) === undefined) continue;
      const build = body.get('build', true) as Node | undefined;
      if (isScalar(build)) {
        const ctx = plainPath(build);
        if (ctx) link(build, path.join(path.resolve(projectDir, ctx), 'Dockerfile'), 'Open the Dockerfile');
      } else if (isMap(build)) {
        const ctxNode = build.get('context', true) as Node | undefined;
        const ctx = ctxNode ? plainPath(ctxNode) : '.';
        const dfNode = build.get('dockerfile', true) as Node | undefined;
        if (ctx !== undefined) {
          const contextDir = path.resolve(projectDir, ctx);
          const df = plainPath(dfNode);
          if (dfNode && df) link(dfNode, path.resolve(contextDir, df), 'Open the Dockerfile');
          if (ctxNode && !dfNode) link(ctxNode, path.join(contextDir, 'Dockerfile'), 'Open the Dockerfile');
        }
      }
      const envFile = body.get('env_file', true) as Node | undefined;
      const entries = isSeq(envFile) ? (envFile.items as Node[]) : envFile ? [envFile] : [];
      for (const e of entries) {
        const node = isMap(e) ? (e.get('path', true) as Node | undefined) : e;
        const p = plainPath(node);
        if (p) link(node, path.resolve(projectDir, p), 'Open the env file');
      }
      const ext = body.get('extends', true) as Node | undefined;
      if (isMap(ext)) {
        const fileNode = ext.get('file', true) as Node | undefined;
        const p = plainPath(fileNode);
        if (p) link(fileNode, path.resolve(own, p), 'Open the extended file');
      }
    }
  }
  const include = entryAt(d.doc, ['include'])?.value;
  if (isSeq(include)) {
    for (const item of include.items as Node[]) {
      const p = isMap(item) ? (item.get('path', true) as Node | undefined) : item;
      for (const n of isSeq(p) ? (p.items as Node[]) : [p]) {
        const s = plainPath(n);
        if (s) link(n, path.resolve(own, s), 'Open the included file');
      }
    }
  }
  return out;
}
