// Where a diagnostic's "rule id" link points. Berth's rules are documented in docs/rules/<id>.md in
// the extension folder; the link is a file:// URI to that page, which VS Code opens in an editor
// tab (no network, always the version that matches the server). The folder is found from the
// server's own location: dist/language-server.js and, under tsx, language-server/ both sit one
// level below the extension (repository) root. When the pages are not there (a package built
// without them) diagnostics carry no link rather than a broken one. ShellCheck findings link to
// the ShellCheck wiki.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export class RuleDocs {
  private readonly pages: ReadonlySet<string>;
  private readonly hrefs = new Map<string, string>();

  constructor(readonly folder: string = path.resolve(__dirname, '..', 'docs', 'rules')) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(folder).filter((n) => n.endsWith('.md'));
    } catch {
      // No docs folder: links are left out.
    }
    this.pages = new Set(names.map((n) => n.slice(0, -3)));
  }

  /** The page for a rule, or undefined when there is none to open. */
  href(ruleId: string, source: 'berth' | 'shellcheck'): string | undefined {
    if (source === 'shellcheck' && /^SC\d+$/.test(ruleId)) return `https://www.shellcheck.net/wiki/${ruleId}`;
    if (!this.pages.has(ruleId)) return undefined;
    let href = this.hrefs.get(ruleId);
    if (!href) {
      href = pathToFileURL(path.join(this.folder, `${ruleId}.md`)).href;
      this.hrefs.set(ruleId, href);
    }
    return href;
  }
}
