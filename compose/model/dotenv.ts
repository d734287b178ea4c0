// .env and env_file files, in the syntax Compose reads them: KEY=VALUE lines, `export` allowed, '#'
// comments, single quotes literal, double quotes with \n escapes and ${VAR} interpolation.
import { ComposeError } from './problem';

export type Lookup = (name: string) => string | undefined;

export interface DotenvEntry {
  readonly key: string;
  /** undefined: a bare `KEY` line, which takes the value from the environment. */
  readonly value: string | undefined;
}

/** `interpolate` gets the values of the lines above, which later lines may use. */
export function parseDotenv(text: string, file: string, interpolate: (value: string, earlier: Lookup) => string): DotenvEntry[] {
  const out: DotenvEntry[] = [];
  const earlier: Lookup = (n) => { for (let i = out.length - 1; i >= 0; i--) if (out[i].key === n) return out[i].value; return undefined; };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trim();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new ComposeError(`invalid variable name ${JSON.stringify(key)}`, { file, line: i + 1, col: 1 });
    }
    if (eq < 0) {
      out.push({ key, value: undefined });
      continue;
    }
    let raw = line.slice(eq + 1).trimStart();
    const q = raw[0];
    if (q === '"' || q === "'") {
      // A quoted value may span lines.
      let body = raw.slice(1);
      let end = closingQuote(body, q);
      const startLine = i;
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]}`;
        end = closingQuote(body, q);
      }
      if (end < 0) throw new ComposeError(`unterminated ${q} quote`, { file, line: startLine + 1, col: 1 });
      const inner = body.slice(0, end);
      const value = q === "'" ? inner : interpolate(unescapeDouble(inner), earlier);
      out.push({ key, value });
      continue;
    }
    const hash = raw.search(/\s#/);
    if (hash >= 0) raw = raw.slice(0, hash);
    out.push({ key, value: interpolate(raw.trim(), earlier) });
  }
  return out;
}

function closingQuote(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') { i++; continue; }
    if (s[i] === q) return i;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\([nrt"\\$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c);
}
