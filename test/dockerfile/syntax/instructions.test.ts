// Typed instruction views and the checks BuildKit makes when it reads each instruction
// (frontend/dockerfile/instructions: parse.go, bflag.go, commands_run*.go).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Instruction, Range } from '../../../dockerfile/syntax/ast.js';
import { validateInstruction, viewInstruction, type InstructionView } from '../../../dockerfile/syntax/instructions.js';
import { parseDockerfile } from '../../../dockerfile/syntax/parser.js';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

/** The view of the instruction on line 2 of `FROM a\n<line>`. */
function second(line: string): { view: InstructionView; ins: Instruction; messages: string[] } {
  const ast = parseDockerfile(`FROM a\n${line}\n`);
  const ins = ast.instructions[1];
  return { view: viewInstruction(ins), ins, messages: validateInstruction(ins).map((e) => e.message) };
}

function view<K extends InstructionView['keyword']>(line: string, keyword: K): InstructionView & { keyword: K } {
  const v = second(line).view;
  assert.equal(v.keyword, keyword);
  return v as InstructionView & { keyword: K };
}

describe('FROM', () => {
  test('image, stage name, platform', () => {
    const ast = parseDockerfile('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n');
    const v = viewInstruction(ast.instructions[0]);
    assert.equal(v.keyword, 'FROM');
    if (v.keyword !== 'FROM') return;
    assert.equal(v.image?.value, 'golang:1.22');
    assert.equal(v.platform?.value, '$BUILDPLATFORM');
    assert.equal(v.stageName?.value, 'build');
    assert.deepEqual(v.stageName?.range, r(0, 46, 0, 51));
    assert.deepEqual(ast.errors, []);
  });

  test('argument count, AS keyword and stage name rules', () => {
    const cases: [string, RegExp][] = [
      ['FROM', /one or three arguments/],
      ['FROM a b', /one or three arguments/],
      ['FROM a FOR b', /expected AS, found "FOR"/],
      ['FROM a AS 1st', /invalid name for build stage: "1st"/],
      ['FROM a AS my$stage', /invalid name for build stage/],
      ['FROM --platfrom=x a', /unknown flag: --platfrom \(did you mean --platform\?\)/],
      ['FROM --platform a', /missing a value on flag: --platform/],
    ];
    for (const [line, re] of cases) {
      const ast = parseDockerfile(line + '\nRUN x\n');
      assert.ok(ast.errors.some((e) => re.test(e.message)), `${line}: ${ast.errors.map((e) => e.message).join('; ')}`);
    }
    assert.deepEqual(parseDockerfile('FROM a as Build-1.x_y\n').errors, []);
  });
});

describe('ENV, LABEL, ARG', () => {
  test('key=value pairs with key and value ranges, quotes kept', () => {
    const v = view('ENV A=1 B="two words" C=', 'ENV');
    assert.deepEqual(v.pairs.map((p) => [p.key, p.value, p.legacy]), [['A', '1', false], ['B', '"two words"', false], ['C', '', false]]);
    assert.deepEqual(v.pairs[1].keyRange, r(1, 8, 1, 9));
    assert.deepEqual(v.pairs[1].valueRange, r(1, 10, 1, 21));
    assert.deepEqual(v.pairs[2].valueRange, r(1, 24, 1, 24));
  });

  test('legacy ENV key value: the value is the rest of the line', () => {
    const v = view('ENV PATH  /usr/local/bin:$PATH  extra', 'ENV');
    assert.deepEqual(v.pairs.map((p) => [p.key, p.value, p.legacy]), [['PATH', '/usr/local/bin:$PATH  extra', true]]);
    assert.deepEqual(v.pairs[0].valueRange, r(1, 10, 1, 37));
  });

  test('pairs across continuation lines map to their lines', () => {
    const ast = parseDockerfile('FROM a\nLABEL a=1 \\\n      b="x \\\n  y"\n');
    const v = viewInstruction(ast.instructions[1]);
    assert.ok(v.keyword === 'LABEL');
    if (v.keyword !== 'LABEL') return;
    assert.deepEqual(v.pairs.map((p) => [p.key, p.value]), [['a', '1'], ['b', '"x   y"']]);
    assert.deepEqual(v.pairs[1].keyRange, r(2, 6, 2, 7));
    assert.deepEqual(v.pairs[1].valueRange, r(2, 8, 3, 4));
  });

  test('ENV/LABEL errors: no arguments, one legacy word, missing =, blank name, flags', () => {
    assert.deepEqual(second('ENV').messages, ['ENV requires at least one argument']);
    assert.match(second('ENV ONLYKEY').messages[0], /ENV must have two arguments/);
    assert.match(second('LABEL a=1 b').messages[0], /can't find = in "b"/);
    assert.deepEqual(second('ENV =x').messages, ['ENV names can not be blank']);
    assert.match(second('LABEL --x=1 a=b').messages[0], /unknown flag: --x; LABEL takes no flags/);
  });

  test('ARG names and defaults, several per line', () => {
    const v = view('ARG A B=2 C="x y"', 'ARG');
    assert.deepEqual(v.args.map((a) => [a.name, a.defaultValue]), [['A', null], ['B', '2'], ['C', '"x y"']]);
    assert.deepEqual(v.args[1].nameRange, r(1, 6, 1, 7));
    assert.deepEqual(v.args[1].defaultRange, r(1, 8, 1, 9));
    assert.deepEqual(second('ARG').messages, ['ARG requires at least one argument']);
    assert.deepEqual(second('ARG =x').messages, ['ARG names can not be blank']);
    // BuildKit does not read ARG's flags at all.
    assert.deepEqual(second('ARG --whatever X').messages, []);
  });
});

describe('EXPOSE', () => {
  test('ports, protocols and ranges', () => {
    const v = view('EXPOSE 80 443/TCP 53/udp 8000-8010 $PORT', 'EXPOSE');
    assert.deepEqual(v.ports.map((p) => p.spec && [p.spec.start, p.spec.end, p.spec.protocol]), [
      [80, 80, 'tcp'], [443, 443, 'tcp'], [53, 53, 'udp'], [8000, 8010, 'tcp'], null,
    ]);
    assert.equal(v.ports[1].spec?.protocolText, 'TCP');
    assert.deepEqual(v.errors, []);
  });

  test('bad ports and protocols are errors on their word', () => {
    const { ins, messages } = second('EXPOSE 80/tcpx 70000 9-1 abc 80');
    assert.equal(messages.length, 4);
    assert.match(messages[0], /invalid proto: tcpx/);
    assert.match(messages[1], /65535/);
    assert.match(messages[2], /end is before start/);
    assert.match(messages[3], /invalid containerPort: abc/);
    assert.deepEqual(validateInstruction(ins)[0].range, r(1, 7, 1, 14));
    assert.deepEqual(second('EXPOSE').messages, ['EXPOSE requires at least one argument']);
  });
});

describe('COPY and ADD', () => {
  test('sources, destination and every flag', () => {
    const v = view('COPY --from=build --chown=1:1 --chmod=644 --link --parents --exclude=*.md --exclude=x a b /dst/', 'COPY');
    assert.deepEqual(v.sources.map((s) => s.value), ['a', 'b']);
    assert.equal(v.dest?.value, '/dst/');
    assert.deepEqual([v.from?.value, v.chown?.value, v.chmod?.value, v.link, v.parents], ['build', '1:1', '644', true, true]);
    assert.deepEqual(v.exclude.map((f) => f.value), ['*.md', 'x']);
    assert.deepEqual(v.errors, []);
  });

  test('shell form splits on blanks only, like BuildKit', () => {
    const v = view('COPY "my file" /x', 'COPY');
    assert.deepEqual(v.sources.map((s) => s.value), ['"my', 'file"']);
  });

  test('exec form gives decoded strings with their ranges', () => {
    const v = view('COPY ["a b", "/c d/"]', 'COPY');
    assert.ok(v.json);
    assert.deepEqual(v.sources.map((s) => s.value), ['a b']);
    assert.deepEqual(v.dest?.range, r(1, 13, 1, 20));
  });

  test('ADD flags; COPY-only and ADD-only flags are rejected on the other', () => {
    const v = view('ADD --checksum=sha256:abc --keep-git-dir=false --unpack https://x/y.tgz /z', 'ADD');
    assert.deepEqual([v.checksum?.value, v.keepGitDir, v.unpack], ['sha256:abc', false, true]);
    assert.match(second('ADD --from=x a b').messages[0], /unknown flag: --from/);
    assert.match(second('COPY --checksum=x a b').messages[0], /unknown flag: --checksum/);
  });

  test('flag rules: duplicates, booleans, missing values', () => {
    assert.deepEqual(second('COPY --from=a --from=b x y').messages, ['duplicate flag specified: --from']);
    assert.deepEqual(second('COPY --link=maybe x y').messages, ['expecting boolean value for flag --link, not: maybe']);
    assert.deepEqual(second('COPY --link= x y').messages, ['missing a value on flag: --link']);
    assert.match(second('COPY --chown x y').messages[0], /missing a value on flag: --chown/);
    assert.deepEqual(second('COPY --link=FALSE --exclude=a --exclude=b x y').messages, []);
  });

  test('--chmod octal or symbolic; COPY of a URL; ADD --checksum rules', () => {
    for (const ok of ['644', '0755', '7777', 'u+x', 'a=rX,go-w', '$MODE']) assert.deepEqual(second(`COPY --chmod=${ok} a b`).messages, [], ok);
    assert.match(second('COPY --chmod=888 a b').messages[0], /should be octal string and between 0 and 07777/);
    assert.match(second('COPY --chmod=17777 a b').messages[0], /between 0 and 07777/);
    assert.match(second('ADD --chmod=rwx a b').messages[0], /invalid chmod parameter: 'rwx'/);
    assert.match(second('COPY https://example.org/x.tgz /x').messages[0], /COPY cannot fetch URLs/);
    assert.deepEqual(second(`ADD --checksum=sha256:${'a'.repeat(64)} https://example.org/x.tgz /x`).messages, []);
    assert.match(second('ADD --checksum=sha256:abc a.tgz /x').messages[0], /checksum requires HTTP\(S\) or Git sources/);
    assert.match(second('ADD --checksum=sha256:abc https://a/x https://a/y /x/').messages[0], /multiple sources/);
    assert.match(second('ADD --checksum=nonsense https://a/x /x').messages[0], /invalid checksum digest format/);
  });

  test('one argument or none', () => {
    assert.match(second('COPY x').messages[0], /requires at least two arguments, but only one was provided/);
    assert.match(second('ADD').messages[0], /ADD requires at least two arguments/);
  });

  test('heredoc sources; a heredoc destination is an error', () => {
    const ast = parseDockerfile('FROM a\nCOPY <<one /etc/one\nbody\none\nCOPY x <<two\nb\ntwo\n');
    const v = viewInstruction(ast.instructions[1]);
    assert.ok(v.keyword === 'COPY');
    if (v.keyword !== 'COPY') return;
    assert.deepEqual(v.sources, []);
    assert.deepEqual(v.heredocSources.map((h) => h.content), ['body\n']);
    assert.equal(v.dest?.value, '/etc/one');
    assert.deepEqual(ast.errors.map((e) => e.message), ['COPY cannot accept a heredoc as a destination']);
  });
});

describe('RUN', () => {
  test('shell and exec form, heredocs', () => {
    assert.deepEqual(view('RUN echo "hi"', 'RUN').command, { form: 'shell', exec: null, shell: 'echo "hi"', range: r(1, 4, 1, 13) });
    assert.deepEqual(view('RUN ["a", "b"]', 'RUN').command?.exec, ['a', 'b']);
    assert.equal(view('RUN', 'RUN').command, null);
  });

  test('mounts parsed into structures', () => {
    const v = view('RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=c --mount=type=secret,id=tok,required --mount=target=/src,from=ctx,rw x', 'RUN');
    assert.deepEqual(v.errors, []);
    const [cache, secret, bind] = v.mounts.map((m) => m.mount!);
    assert.deepEqual([cache.type, cache.target, cache.sharing, cache.id, cache.readOnly], ['cache', '/root/.cache', 'locked', 'c', false]);
    assert.deepEqual([secret.type, secret.id, secret.required, secret.readOnly], ['secret', 'tok', true, true]);
    assert.deepEqual([bind.type, bind.target, bind.from, bind.readOnly], ['bind', '/src', 'ctx', false]);
  });

  test('tmpfs size, mode/uid/gid, quoted CSV fields', () => {
    const v = view('RUN --mount=type=tmpfs,target=/t,size=64m --mount="type=cache,target=/a",mode=0700,uid=1000 x', 'RUN');
    assert.deepEqual(v.errors.map((e) => e.message), []);
    assert.equal(v.mounts[0].mount?.sizeLimit, 64 * 1024 * 1024);
    assert.deepEqual([v.mounts[1].mount?.target, v.mounts[1].mount?.mode, v.mounts[1].mount?.uid], ['/a', 0o700, 1000]);
    // Flag quotes are gone before the CSV is read; CSV quotes must survive them.
    assert.equal(view(`RUN --mount='type=bind,"target=/a,b"' x`, 'RUN').mounts[0].mount?.target, '/a,b');
  });

  test('bad mount values are errors on the flag value', () => {
    const cases: [string, RegExp][] = [
      ['type=volume,target=/x', /unsupported mount type "volume"/],
      ['type=cache,target=/x,sharing=maybe', /unsupported sharing value "maybe"/],
      ['type=bind,target=/x,size=1m', /unexpected key 'size' for mount type 'bind'/],
      ['type=tmpfs,target=/x,size=lots', /invalid value for size: lots/],
      ['type=bind,target=/x,mode=0755', /mode not allowed for "bind" type mounts/],
      ['type=cache,target=/x,mode=999', /invalid value 999 for mode/],
      ['type=secret', /one of source, target required/],
      ['type=secret,id=a,from=b', /secret mount should not have a from/],
      ['type=bind,targt=/x', /unexpected key 'targt' in 'targt=\/x' \(did you mean target\?\)/],
      ['type=bind,target', /invalid field 'target' must be a key=value pair/],
      ['type=bind,ro=perhaps', /invalid value for ro: perhaps/],
      ['type=bind,required', /unexpected key 'required' for mount type 'bind'/],
      ['type=cache,target=/x,from=$STAGE', /doesn't support variable expansion/],
      ['\'type=cache,target="/x\'', /failed to parse csv mounts: bare " in non-quoted-field/],
      ['type=cache,target=/x,sharing=shared,type=tmpfs', /invalid cache sharing set for tmpfs mount/],
    ];
    for (const [value, re] of cases) {
      const { messages, ins } = second(`RUN --mount=${value} x`);
      assert.equal(messages.length, 1, value);
      assert.match(messages[0], re, value);
      assert.deepEqual(validateInstruction(ins)[0].range.start, { line: 1, character: 12 }, value);
    }
  });

  test('mount values with variables wait for expansion', () => {
    assert.deepEqual(second('RUN --mount=type=$T,target=/x,size=$S x').messages, []);
  });

  test('network and security values; unknown RUN flags', () => {
    assert.equal(view('RUN --network=none x', 'RUN').network, 'none');
    assert.equal(view('RUN --security=insecure x', 'RUN').security, 'insecure');
    assert.match(second('RUN --network=bridge x').messages[0], /invalid network mode "bridge"/);
    assert.match(second('RUN --security=root x').messages[0], /security "root" is not valid/);
    assert.match(second('RUN --mont=type=bind x').messages[0], /unknown flag: --mont \(did you mean --mount\?\)/);
    assert.deepEqual(view('RUN --device=nvidia.com/gpu=all,required x', 'RUN').devices, [{ name: 'nvidia.com/gpu=all', required: true }]);
  });
});

describe('CMD, ENTRYPOINT, SHELL, VOLUME', () => {
  test('CMD/ENTRYPOINT forms; flags are unknown', () => {
    assert.deepEqual(view('CMD ["a"]', 'CMD').command?.exec, ['a']);
    assert.equal(view('ENTRYPOINT exec app', 'ENTRYPOINT').command?.shell, 'exec app');
    assert.match(second('CMD --help').messages[0], /unknown flag: --help; CMD takes no flags/);
  });

  test('SHELL must be JSON with at least one string', () => {
    assert.deepEqual(view('SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'SHELL').shell, ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.match(second('SHELL /bin/bash -c').messages[0], /JSON form/);
    assert.deepEqual(second('SHELL []').messages, ['SHELL requires at least one argument']);
    assert.deepEqual(second('SHELL').messages, ['SHELL requires at least one argument']);
  });

  test('VOLUME JSON or words; empty strings rejected', () => {
    assert.deepEqual(view('VOLUME ["/a", "/b"]', 'VOLUME').paths.map((p) => p.value), ['/a', '/b']);
    assert.deepEqual(view('VOLUME /a /b', 'VOLUME').paths.map((p) => p.value), ['/a', '/b']);
    assert.deepEqual(second('VOLUME [""]').messages, ['VOLUME specified can not be an empty string']);
    assert.deepEqual(second('VOLUME').messages, ['VOLUME requires at least one argument']);
  });
});

describe('HEALTHCHECK', () => {
  test('CMD with options in nanoseconds', () => {
    const v = view('HEALTHCHECK --interval=1m30s --timeout=5s --start-period=0 --start-interval=500ms --retries=3 CMD curl -f http://x/ || exit 1', 'HEALTHCHECK');
    assert.equal(v.type, 'CMD');
    assert.deepEqual(v.options, { interval: 90e9, timeout: 5e9, startPeriod: 0, startInterval: 500e6, retries: 3 });
    assert.equal(v.command?.shell, 'curl -f http://x/ || exit 1');
    assert.deepEqual(v.errors, []);
  });

  test('exec form and NONE', () => {
    assert.deepEqual(view('HEALTHCHECK CMD ["true"]', 'HEALTHCHECK').command?.exec, ['true']);
    assert.equal(view('HEALTHCHECK none', 'HEALTHCHECK').type, 'NONE');
  });

  test('errors: type, missing command, NONE arguments, durations, retries', () => {
    assert.match(second('HEALTHCHECK').messages[0], /at least one argument/);
    assert.deepEqual(second('HEALTHCHECK NONE x').messages, ['HEALTHCHECK NONE takes no arguments']);
    assert.deepEqual(second('HEALTHCHECK RUN x').messages, ['Unknown type "RUN" in HEALTHCHECK (try CMD)']);
    assert.deepEqual(second('HEALTHCHECK CMD').messages, ['Missing command after HEALTHCHECK CMD']);
    assert.match(second('HEALTHCHECK --interval=5 CMD x').messages[0], /missing unit in duration "5"/);
    assert.match(second('HEALTHCHECK --interval=5y CMD x').messages[0], /unknown unit "y"/);
    assert.match(second('HEALTHCHECK --interval=abc CMD x').messages[0], /invalid duration "abc"/);
    assert.match(second('HEALTHCHECK --timeout=100us CMD x').messages[0], /cannot be less than 1ms/);
    assert.match(second('HEALTHCHECK --retries=-1 CMD x').messages[0], /cannot be negative/);
    assert.match(second('HEALTHCHECK --retries=two CMD x').messages[0], /whole number/);
    assert.match(second('HEALTHCHECK --intervl=1s CMD x').messages[0], /did you mean --interval/);
  });
});

describe('USER, WORKDIR, STOPSIGNAL, MAINTAINER, ONBUILD', () => {
  test('USER user[:group]', () => {
    const v = view('USER app:staff', 'USER');
    assert.deepEqual([v.user?.value, v.name, v.group], ['app:staff', 'app', 'staff']);
    assert.deepEqual([view('USER 1000', 'USER').group], [null]);
    assert.deepEqual(second('USER').messages, ['USER requires exactly one argument']);
  });

  test('WORKDIR keeps the whole text, spaces included', () => {
    assert.equal(view('WORKDIR /my app', 'WORKDIR').path?.value, '/my app');
    assert.deepEqual(second('WORKDIR').messages, ['WORKDIR requires exactly one argument']);
  });

  test('STOPSIGNAL names and numbers', () => {
    for (const ok of ['SIGTERM', 'term', '9', 'SIGRTMIN+3', '$SIG']) assert.deepEqual(second(`STOPSIGNAL ${ok}`).messages, [], ok);
    assert.match(second('STOPSIGNAL SIGFOO').messages[0], /invalid signal: SIGFOO/);
    assert.match(second('STOPSIGNAL 0').messages[0], /invalid signal/);
    assert.deepEqual(second('STOPSIGNAL').messages, ['STOPSIGNAL requires exactly one argument']);
  });

  test('MAINTAINER', () => {
    assert.equal(view('MAINTAINER Jane <j@x>', 'MAINTAINER').maintainer?.value, 'Jane <j@x>');
  });

  test('ONBUILD trigger rules', () => {
    assert.equal(view('ONBUILD RUN make', 'ONBUILD').trigger?.keyword, 'RUN');
    assert.match(second('ONBUILD ONBUILD RUN x').messages[0], /Chaining ONBUILD/);
    assert.deepEqual(second('ONBUILD FROM x').messages, ["FROM isn't allowed as an ONBUILD trigger"]);
    assert.deepEqual(second('ONBUILD MAINTAINER x').messages, ["MAINTAINER isn't allowed as an ONBUILD trigger"]);
    assert.match(second('ONBUILD').messages[0], /ONBUILD requires at least one argument/);
  });

  test('unknown instructions have an unknown view', () => {
    const v = second('FOO bar').view;
    assert.deepEqual([v.keyword, v.keyword === 'unknown' && v.name], ['unknown', 'FOO']);
  });
});

test('views are computed once per instruction', () => {
  const { ins } = second('ENV A=1');
  assert.equal(viewInstruction(ins), viewInstruction(ins));
});
