// The --stdio transport. vscode-jsonrpc's stream writer sends a message as two writes (the header,
// then after its callback the body), so the client wakes twice per message and, on a busy machine,
// can be scheduled out between the halves. This writer sends header and body in one write; the
// rest (exit when stdin ends, console kept off stdout) is what createConnection does for --stdio.
import {
  AbstractMessageWriter, createConnection, StreamMessageReader, type Connection, type Message, type MessageWriter,
} from 'vscode-languageserver/node';

export class OneWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const body = JSON.stringify(msg);
    const frame = `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      this.out.write(frame, 'utf8', (e?: Error | null) => {
        if (!e) return resolve();
        this.errors++;
        this.fireError(e, msg, this.errors);
        reject(e);
      });
    });
  }

  end(): void {
    this.out.end();
  }
}

/** An LSP connection over this process's stdin and stdout. */
export function createStdioConnection(): Connection {
  const connection = createConnection(new StreamMessageReader(process.stdin), new OneWriteMessageWriter(process.stdout));
  // As vscode-languageserver does for --stdio: the client went away, so does the server; 0 only
  // after a shutdown request.
  let shutdown = false;
  connection.onShutdown(() => {
    shutdown = true;
  });
  const gone = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', gone);
  process.stdin.on('close', gone);
  // stdout carries the protocol: a stray console.log must become a log message, not corrupt it.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
  console.debug = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
  return connection;
}
