// runc reports why it could not start a process as log lines on its stderr:
//   time="..." level=error msg="runc run failed: unable to start container process: exec: \"x\": ..."
// Users get the message, not the log line.

/** The last error message in runc's stderr, or the trimmed text when it has no log lines. */
export function runtimeError(text: string): string {
  const msgs = [...text.matchAll(/level=(?:error|fatal) msg="((?:[^"\\]|\\.)*)"/g)].map((m) => unquote(m[1]));
  const msg = msgs.length ? msgs[msgs.length - 1] : text.trim();
  return msg.replace(/^runc run failed: /, 'runc create failed: ');
}

/** True when `text` holds one of runc's own error lines (as opposed to output of the process). */
export function isRuntimeErrorLine(text: string): boolean {
  return /level=(?:error|fatal) msg="/.test(text);
}

function unquote(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}
