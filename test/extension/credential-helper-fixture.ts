// A fake credential helper, `docker-credential-berthtest`, written as a shell script into a temporary
// bin directory: it keeps one file per server URL in $BERTHTEST_STORE and logs each action (never a secret).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = `#!/bin/sh
store="$BERTHTEST_STORE"
mkdir -p "$store/creds"
keyof() { printf %s "$1" | od -An -tx1 | tr -d ' \\n'; }
case "$1" in
  get)
    url=$(cat)
    echo "get $url" >> "$store/calls"
    f="$store/creds/$(keyof "$url")"
    if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  store)
    json=$(cat)
    url=$(printf %s "$json" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p')
    echo "store $url" >> "$store/calls"
    printf %s "$json" > "$store/creds/$(keyof "$url")" ;;
  erase)
    url=$(cat)
    echo "erase $url" >> "$store/calls"
    rm -f "$store/creds/$(keyof "$url")" ;;
  list)
    echo "list" >> "$store/calls"
    out="{"; sep=""
    for f in "$store"/creds/*; do
      [ -f "$f" ] || continue
      url=$(sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p' "$f")
      user=$(sed -n 's/.*"Username":"\\([^"]*\\)".*/\\1/p' "$f")
      out="$out$sep\\"$url\\":\\"$user\\""; sep=","
    done
    echo "$out}" ;;
  *) echo "unknown action $1" >&2; exit 2 ;;
esac
`;

export interface HelperFixture {
  dir: string;
  /** The environment to run helpers with: the fake first on PATH. */
  env: NodeJS.ProcessEnv;
  store: string;
  calls(): string[];
  /** Puts credentials into the fake's store directly, as if some earlier login had. */
  seed(serverUrl: string, username: string, secret: string): void;
  dispose(): void;
}

export function makeHelperFixture(): HelperFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-credhelper-'));
  const bin = path.join(dir, 'bin');
  const store = path.join(dir, 'store');
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(store, 'creds'), { recursive: true });
  fs.writeFileSync(path.join(bin, 'docker-credential-berthtest'), SCRIPT, { mode: 0o755 });
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, BERTHTEST_STORE: store };
  return {
    dir,
    env,
    store,
    calls: () => (fs.existsSync(path.join(store, 'calls')) ? fs.readFileSync(path.join(store, 'calls'), 'utf8').trim().split('\n') : []),
    seed: (serverUrl, username, secret) => {
      const key = Buffer.from(serverUrl).toString('hex');
      fs.writeFileSync(path.join(store, 'creds', key), JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret }));
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A SecretStorage in memory. */
export class MemorySecrets {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}
