import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, fixesCleanly, leaves } from '../helpers';

const F = 'FROM debian:12\n';

test('DL3001 pointless commands', () => {
  const text = `${F}RUN service nginx start && ps aux\n`;
  assert.deepEqual(catches('DL3001', text).map((f) => covered(text, f)), ['service', 'ps']);
  leaves('DL3001', `${F}RUN echo service\n`);
});

test('DL3003 cd', () => {
  const text = `${F}RUN cd /tmp && make\n`;
  assert.equal(covered(text, catches('DL3003', text)[0]), 'cd /tmp');
  catches('DL3003', `${F}RUN make && \\\n  cd /x\n`);
  leaves('DL3003', `${F}WORKDIR /tmp\nRUN make\n`);
  leaves('DL3003', `${F}RUN echo cd\n`);
});

test('DL3004 sudo, with a fix when sudo has no options', () => {
  catches('DL3004', `${F}RUN sudo -u app make\n`);
  assert.equal(catches('DL3004', `${F}RUN sudo -u app make\n`)[0].fixes.length, 0);
  assert.equal(fixesCleanly('DL3004', `${F}RUN sudo apt-get update\n`), `${F}RUN apt-get update\n`);
  leaves('DL3004', `${F}RUN echo sudo\n`);
});

test('DL3046 useradd -l with high uids', () => {
  assert.equal(fixed('DL3046', `${F}RUN useradd -u 123456 app\n`), `${F}RUN useradd -l -u 123456 app\n`);
  catches('DL3046', `${F}RUN useradd --uid 1234567 app\n`);
  leaves('DL3046', `${F}RUN useradd -u 1000 app\n`);
  leaves('DL3046', `${F}RUN useradd --no-log-init -u 123456 app\n`);
  leaves('DL3046', `${F}RUN useradd app\n`);
});

test('DL3047 wget progress', () => {
  assert.equal(fixed('DL3047', `${F}RUN wget http://x/y\n`), `${F}RUN wget --progress=dot:giga http://x/y\n`);
  for (const ok of ['-q', '--quiet', '-nv', '--no-verbose', '--progress=bar:force', '-O - -o log']) leaves('DL3047', `${F}RUN wget ${ok} http://x/y\n`);
});

test('DL4001 wget and curl in one stage', () => {
  catches('DL4001', `${F}RUN wget -q http://a && curl -O http://b\n`);
  leaves('DL4001', `${F}RUN wget -q http://a\nFROM debian:12\nRUN curl -O http://b\n`);
  leaves('DL4001', `${F}RUN curl -O http://a && curl -O http://b\n`);
});

test('DL4005 ln to /bin/sh', () => {
  catches('DL4005', `${F}RUN ln -sfv /bin/bash /bin/sh\n`);
  leaves('DL4005', `${F}RUN ln -s /usr/bin/python3 /usr/bin/python\n`);
});

test('DL4006 pipes need pipefail; SHELL with pipefail or set -o pipefail quiets it', () => {
  const text = `${F}RUN wget -qO- http://x | tar x\n`;
  const f = catches('DL4006', text)[0];
  assert.equal(covered(text, f), 'wget -qO- http://x');
  assert.equal(fixed('DL4006', text), `${F}SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- http://x | tar x\n`);
  leaves('DL4006', `${F}SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- http://x | tar x\n`);
  leaves('DL4006', `${F}SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN a | b\n`.replace('"-eo"', '"-o"'));
  leaves('DL4006', `${F}SHELL ["pwsh", "-c"]\nRUN a | b\n`);
  leaves('DL4006', `${F}RUN set -o pipefail && a | b\n`);
  leaves('DL4006', `${F}RUN echo "a | b" && a || b\n`);
  catches('DL4006', `${F}SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM debian:12\nRUN a | b\n`);
  catches('DL4006', `${F}RUN echo $(ls | wc -l)\n`);
});

test('DL3059 consecutive RUNs, with a join fix', () => {
  const text = `${F}RUN mkdir /a\nRUN chown x /a\n`;
  catches('DL3059', text);
  assert.equal(fixed('DL3059', text), `${F}RUN mkdir /a && \\\n    chown x /a\n`);
  leaves('DL3059', `${F}RUN mkdir /a\nWORKDIR /a\nRUN chown x /a\n`);
  leaves('DL3059', `${F}RUN a && b && c\nRUN d\n`);
  leaves('DL3059', `${F}RUN --mount=type=cache,target=/x a\nRUN b\n`);
  catches('DL3059', `${F}RUN a\n# comment\nRUN b\n`);
  assert.equal(catches('DL3059', `${F}RUN a\n# comment\nRUN b\n`)[0].fixes.length, 0);
});
