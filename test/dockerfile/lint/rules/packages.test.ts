import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, fixesCleanly, leaves } from '../helpers';

const A = 'FROM alpine:3.20\n';

test('DL3018 apk pins', () => {
  const text = `${A}RUN apk add --no-cache curl bash=5.2\n`;
  assert.deepEqual(catches('DL3018', text).map((f) => covered(text, f)), ['curl']);
  leaves('DL3018', `${A}RUN apk add --no-cache curl~8 bash=5.2 ./x.apk\n`);
  leaves('DL3018', `${A}RUN apk add --no-cache --virtual .deps gcc=13\n`);
});

test('DL3019 apk --no-cache', () => {
  assert.equal(fixed('DL3019', `${A}RUN apk add curl=8\n`), `${A}RUN apk add --no-cache curl=8\n`);
  leaves('DL3019', `${A}RUN apk add --no-cache curl=8\n`);
  leaves('DL3019', `${A}RUN --mount=type=cache,target=/var/cache/apk apk add curl=8\n`);
  leaves('DL3019', `${A}RUN apk update\n`);
});

test('DL3013 pip pins', () => {
  const P = 'FROM python:3.12\n';
  catches('DL3013', `${P}RUN pip install --no-cache-dir flask\n`);
  catches('DL3013', `${P}RUN python3 -m pip install --no-cache-dir flask\n`);
  catches('DL3013', `${P}RUN pip3 install --no-cache-dir -i https://x flask\n`);
  leaves('DL3013', `${P}RUN pip install --no-cache-dir flask==3.0 "requests>=2"\n`);
  leaves('DL3013', `${P}RUN pip install --no-cache-dir -r requirements.txt\n`);
  leaves('DL3013', `${P}RUN pip install --no-cache-dir .\n`);
  leaves('DL3013', `${P}RUN pip install --no-cache-dir ./dist/app.whl git+https://github.com/a/b@v1\n`);
  leaves('DL3013', `${P}RUN pip install --no-cache-dir -c constraints.txt flask\n`);
  leaves('DL3013', `${P}RUN pipenv install flask\n`);
});

test('DL3042 pip --no-cache-dir', () => {
  const P = 'FROM python:3.12\n';
  assert.equal(fixed('DL3042', `${P}RUN pip install flask==3\n`), `${P}RUN pip install --no-cache-dir flask==3\n`);
  fixesCleanly('DL3042', `${P}RUN python -m pip install \\\n  flask==3\n`);
  leaves('DL3042', `${P}ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3\n`);
  leaves('DL3042', `${P}ENV PIP_NO_CACHE_DIR=1\nFROM python:3.12 AS x\nRUN true\n`);
  leaves('DL3042', `${P}RUN PIP_NO_CACHE_DIR=true pip install flask==3\n`);
  leaves('DL3042', `${P}RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3\n`);
  leaves('DL3042', `${P}RUN pipx install black\n`);
  catches('DL3042', `FROM python:3.12 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python:3.12\nRUN pip install flask==3\n`);
  leaves('DL3042', `FROM python:3.12 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM a\nRUN pip install flask==3\n`);
});

test('DL3016 npm pins', () => {
  const N = 'FROM node:22\n';
  catches('DL3016', `${N}RUN npm install -g typescript\n`);
  catches('DL3016', `${N}RUN npm install @types/node\n`);
  leaves('DL3016', `${N}RUN npm install\n`);
  leaves('DL3016', `${N}RUN npm install -g typescript@5 @types/node@22 ./local git+https://x/y#v1 x.tgz\n`);
  leaves('DL3016', `${N}RUN npm ci\n`);
});

test('DL3028 gem pins', () => {
  catches('DL3028', 'FROM ruby:3\nRUN gem install bundler\n');
  leaves('DL3028', 'FROM ruby:3\nRUN gem install bundler:2.5\n');
  leaves('DL3028', 'FROM ruby:3\nRUN gem install bundler -v 2.5\n');
  leaves('DL3028', 'FROM ruby:3\nRUN gem install --version=2.5 bundler\n');
});

test('DL3060 yarn cache clean', () => {
  assert.equal(fixesCleanly('DL3060', 'FROM node:22\nRUN yarn install\n'), 'FROM node:22\nRUN yarn install && yarn cache clean\n');
  catches('DL3060', 'FROM node:22\nRUN yarn cache clean && yarn install\n');
  leaves('DL3060', 'FROM node:22\nRUN yarn install && yarn cache clean\n');
  leaves('DL3060', 'FROM node:22 AS build\nRUN yarn install\nFROM nginx:1\nCOPY --from=build /a /b\n');
  leaves('DL3060', 'FROM node:22\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n');
});

test('DL3062 go pins', () => {
  catches('DL3062', 'FROM golang:1.23\nRUN go install example.com/tool@latest\n');
  catches('DL3062', 'FROM golang:1.23\nRUN go install example.com/tool\n');
  catches('DL3062', 'FROM golang:1.23\nRUN go run example.com/tool arg\n');
  leaves('DL3062', 'FROM golang:1.23\nRUN go install example.com/tool@v1.2.3\n');
  leaves('DL3062', 'FROM golang:1.23\nRUN go install ./cmd/...\n');
  leaves('DL3062', 'FROM golang:1.23\nRUN go build ./...\n');
});
