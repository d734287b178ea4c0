// Shell parses kept from one lint of a document to the next. While someone types, most RUN
// lines stay the same, and lexing every command again was the largest part of a re-lint.
// Only what the previous lint used is kept, so the cache never outgrows the document.
import { parseShell, type ShellScript } from './commands';

export class ShellParseCache {
  private previous = new Map<string, ShellScript>();
  private current = new Map<string, ShellScript>();

  /** A new lint begins: parses the last one did not use are let go. */
  startLint(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** parseShell(text), reused from the previous lint when the text is the same. */
  parse(text: string): ShellScript {
    // One object per script within a lint, as without the cache: rules find the script a
    // command belongs to by identity, so two RUNs with the same text must not share one.
    if (this.current.has(text)) return parseShell(text);
    const script = this.previous.get(text) ?? parseShell(text);
    this.current.set(text, script);
    return script;
  }
}
