// BuildKit cache mounts per package manager (DL3068-DL3077): one table-driven family, so each
// rule gets its catches and its leave-alones, and the fix is checked on every one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findRule } from '../../../../dockerfile/lint/catalogue';
import { catches, covered, findingsOf, fixed, fixesCleanly, leaves } from '../helpers';

const F = 'FROM debian:12\n';
const run = (line: string) => `${F}RUN ${line}\n`;

const cases: Record<string, { catches: string[]; leaves: string[]; mounted: string[] }> = {
  DL3068: {
    catches: ['npm install', 'npm ci', 'npm --loglevel=warn ci', 'npm install-ci-test', 'npm it', 'cd /app && npm install -g pnpm@9'],
    leaves: ['npm run build', 'npm test', 'npm --version', 'yarn install'],
    mounted: ['--mount=type=cache,target=/root/.npm npm ci', '--mount=type=cache,target=/home/node/.npm,uid=1000 npm ci', '--mount=type=tmpfs,target=/root/.npm npm ci'],
  },
  DL3069: {
    catches: ['cargo build --release', 'cargo install ripgrep', 'cargo fetch', 'cargo test', 'cargo check', 'cargo clippy'],
    leaves: ['cargo --version', 'cargo run', 'rustup component add clippy'],
    mounted: ['--mount=type=cache,target=/usr/local/cargo/registry cargo build', '--mount=type=cache,target=/root/.cargo/registry --mount=type=cache,target=/root/.cargo/git cargo build'],
  },
  DL3070: {
    catches: ['go build ./...', 'go get example.com/x@v1', 'go install example.com/x@v1', 'go test ./...', 'go mod download', 'CGO_ENABLED=0 go build -o /app'],
    leaves: ['go version', 'go env', 'go vet ./...', 'go run ./cmd/gen'],
    mounted: ['--mount=type=cache,target=/root/.cache/go-build go build ./...', '--mount=type=cache,target=/go/pkg/mod go mod download'],
  },
  DL3071: {
    catches: ['mvn -B package', 'mvn clean install', 'mvn compile', 'mvn test', 'mvn verify', 'mvn deploy', 'mvn dependency:resolve'],
    leaves: ['mvn --version', 'mvn clean', 'gradle build -x mvn'],
    mounted: ['--mount=type=cache,target=/root/.m2 mvn package', '--mount=type=cache,target=/root/.m2/repository mvn package'],
  },
  DL3072: {
    catches: ['gradle build', './gradlew build', '/app/gradlew bootJar', 'gradlew --version'],
    leaves: ['mvn --version', 'echo gradle', 'chmod +x gradlew'],
    mounted: ['--mount=type=cache,target=/root/.gradle ./gradlew build', '--mount=type=cache,target=/home/gradle/.gradle gradle build'],
  },
  DL3073: {
    catches: ['composer install --no-dev', 'composer update', 'composer require monolog/monolog:3.7.0'],
    leaves: ['composer dump-autoload', 'composer --version'],
    mounted: ['--mount=type=cache,target=/root/.composer/cache composer install', '--mount=type=cache,target=/tmp/.composer/cache composer install'],
  },
  DL3074: {
    catches: ['dotnet restore', 'dotnet build -c Release', 'dotnet publish -c Release -o /out', 'dotnet test', 'nuget restore App.sln'],
    leaves: ['dotnet --info', 'dotnet run', 'nuget help'],
    mounted: ['--mount=type=cache,target=/root/.nuget/packages dotnet restore'],
  },
  DL3075: {
    catches: ['pnpm install --frozen-lockfile', 'pnpm i', 'pnpm add left-pad@1.3.0', 'pnpm fetch'],
    leaves: ['pnpm run build', 'pnpm --version', 'npm run build'],
    mounted: ['--mount=type=cache,target=/root/.local/share/pnpm/store pnpm install', '--mount=type=cache,id=pnpm,target=/pnpm/store pnpm install'],
  },
  DL3076: {
    catches: ['mix deps.get', 'mix deps.compile', 'MIX_ENV=prod mix compile'],
    leaves: ['mix release', 'mix local.hex --force'],
    mounted: ['--mount=type=cache,target=/root/.hex mix deps.get', '--mount=type=cache,target=/root/.mix mix deps.get'],
  },
  DL3077: {
    catches: ['gem install bundler:2.5.22', 'bundle install', 'bundle update'],
    leaves: ['bundle exec rake', 'gem list', 'gem update --system'],
    mounted: ['--mount=type=cache,target=/usr/local/bundle bundle install', '--mount=type=cache,target=/root/.gem gem install bundler:2.5.22'],
  },
};

for (const [id, c] of Object.entries(cases)) {
  test(`${id} flags downloads without a cache mount and fixes them`, () => {
    const rule = findRule(id)!;
    assert.equal(rule.info.defaultSeverity, 'info');
    assert.equal(rule.info.origin, 'hadolint');
    for (const line of c.catches) {
      const text = run(line);
      const [f] = catches(id, text);
      assert.equal(f.severity, 'info');
      assert.equal(f.fixes.length, 1, `${id}: one fix for ${line}`);
      assert.notEqual(f.fixes[0].preferred, true, 'the target depends on HOME: not preferred');
      assert.match(f.fixes[0].title, /^Add a BuildKit cache mount for /);
      const after = fixesCleanly(id, text);
      assert.match(after, /^RUN --mount=type=cache,target=\S+ /m);
    }
    catches(id, `${F}ONBUILD RUN ${c.catches[0]}\n`);
    fixesCleanly(id, `${F}ONBUILD RUN ${c.catches[0]}\n`);
    for (const line of c.leaves) leaves(id, run(line));
    for (const line of c.mounted) leaves(id, run(line));
  });
}

test('cache mount rules: one finding per RUN, on the first command that downloads', () => {
  const text = run('npm ci && npm run build && npm install -g serve@14');
  const all = findingsOf('DL3068', text);
  assert.equal(all.length, 1);
  assert.equal(covered(text, all[0]), 'npm ci');
  assert.equal(findingsOf('DL3068', `${F}RUN npm ci\nRUN npm install -g serve@14\n`).length, 2);
});

test('cache mount rules: the fix goes after the flags the RUN has, in every form', () => {
  assert.equal(fixed('DL3068', `${F}RUN --network=host npm ci\n`), `${F}RUN --network=host --mount=type=cache,target=/root/.npm npm ci\n`);
  assert.equal(fixed('DL3068', `${F}RUN ["npm", "ci"]\n`), `${F}RUN --mount=type=cache,target=/root/.npm ["npm", "ci"]\n`);
  assert.equal(fixed('DL3068', `${F}RUN set -eux; \\\n  npm ci\n`), `${F}RUN --mount=type=cache,target=/root/.npm set -eux; \\\n  npm ci\n`);
  assert.equal(fixed('DL3068', `${F}RUN <<EOF\nnpm ci\nEOF\n`), `${F}RUN --mount=type=cache,target=/root/.npm <<EOF\nnpm ci\nEOF\n`);
  assert.equal(fixed('DL3070', run('go build ./...')), run('--mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build ./...'));
});

test('cache mount rules: other mount types do not count', () => {
  catches('DL3068', run('--mount=type=bind,target=/root/.npm npm ci'));
  catches('DL3068', run('--mount=type=secret,id=npmrc,target=/root/.npmrc npm ci'));
  catches('DL3068', run('--mount=type=cache,target=/root/.cache npm ci'));
});
