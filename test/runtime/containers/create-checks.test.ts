// The value checks dockerd makes on a create body, with its messages (probed on Docker Engine 20.10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCreateRequest } from '../../../runtime/containers/create-checks.js';
import type { CreateRequest } from '../../../runtime/containers/api-types.js';

const refused: [CreateRequest, string][] = [
  [{ WorkingDir: 'rel/dir' }, "the working directory 'rel/dir' is invalid, it needs to be an absolute path"],
  [{ Env: ['=x'] }, 'invalid environment variable: =x'],
  [{ Env: [''] }, 'invalid environment variable: '],
  [{ StopSignal: 'SIGBOGUS' }, 'Invalid signal: SIGBOGUS'],
  [{ Healthcheck: { Interval: 5 } }, 'Interval in Healthcheck cannot be less than 1ms'],
  [{ Healthcheck: { Retries: -1 } }, 'Retries in Healthcheck cannot be negative'],
  [{ HostConfig: { CapAdd: ['BOGUS'] } }, 'invalid CapAdd: unknown capability: "CAP_BOGUS"'],
  [{ HostConfig: { CapDrop: ['BOGUS'] } }, 'invalid CapDrop: unknown capability: "CAP_BOGUS"'],
  [{ HostConfig: { ShmSize: -1 } }, 'SHM size can not be less than 0'],
  [{ HostConfig: { Memory: 1000 } }, 'Minimum memory limit allowed is 6MB'],
  [{ HostConfig: { Memory: -5 } }, 'Minimum memory limit allowed is 6MB'],
  [{ HostConfig: { MemoryReservation: 1000 } }, 'Minimum memory reservation allowed is 6MB'],
  [{ HostConfig: { MemorySwappiness: 500 } }, 'Invalid value: 500, valid memory swappiness range is 0-100'],
  [{ HostConfig: { MemorySwap: 20_000_000 } }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
  [{ HostConfig: { NanoCpus: 1000, CpuQuota: 2000 } }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
  [{ HostConfig: { CpuPeriod: -5 } }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  [{ HostConfig: { CpuQuota: 500 } }, 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
  [{ HostConfig: { RestartPolicy: { Name: 'sometimes' as 'no' } } }, "invalid restart policy 'sometimes'"],
  [{ HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } } }, "maximum retry count cannot be used with restart policy 'always'"],
  [{ HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -3 } } }, 'maximum retry count cannot be negative'],
  [{ HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }, "can't create 'AutoRemove' container with restart policy"],
  [{ HostConfig: { PortBindings: { 'abc': [{ HostPort: '80' }] } } }, 'invalid port specification: "abc"'],
  [{ HostConfig: { PortBindings: { '99999/tcp': [{ HostPort: '80' }] } } }, 'invalid port specification: "99999"'],
  [{ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'x' }] } } }, 'invalid port specification: "x"'],
  [{ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '70000' }] } } }, 'invalid port specification: "70000"'],
  [{ HostConfig: { ExtraHosts: ['nohost'] } }, 'bad format for add-host: "nohost"'],
  [{ HostConfig: { ExtraHosts: ['h:notanip'] } }, 'invalid IP address in add-host: "notanip"'],
  [{ HostConfig: { Mounts: [{ Type: 'bogus' as 'bind', Source: '/tmp', Target: '/x' }] } }, 'invalid mount config for type "bogus": mount type unknown'],
  [{ HostConfig: { Mounts: [{ Type: 'bind', Source: 'rel', Target: '/x' }] } }, "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute"],
  [{ HostConfig: { Mounts: [{ Type: 'volume', Target: 'rel' }] } }, "invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute"],
  [{ HostConfig: { Mounts: [{ Type: 'bind', Target: '/x' }] } }, 'invalid mount config for type "bind": field Source must not be empty'],
  [{ HostConfig: { Mounts: [{ Type: 'bind', Source: '/nonexist-bv', Target: '/x' }] } }, 'invalid mount config for type "bind": bind source path does not exist: /nonexist-bv'],
  [{ HostConfig: { Tmpfs: { rel: '' } } }, "invalid mount path: 'rel' mount path must be absolute"],
  [{ HostConfig: { OomScoreAdj: 5000 } }, 'Invalid value 5000, range for oom score adj is [-1000, 1000]'],
  [{ HostConfig: { CgroupnsMode: 'bogus' } }, 'invalid cgroup namespace mode: bogus'],
  [{ HostConfig: { Isolation: 'hyperv' } }, 'Invalid isolation: "hyperv" - linux only supports \'default\''],
];

test('values Docker refuses are refused with its messages', () => {
  for (const [req, message] of refused) {
    assert.throws(() => checkCreateRequest({ Image: 'busybox', ...req }), (err: Error & { kind?: string }) => err.kind === 'invalid' && err.message === message, JSON.stringify(req));
  }
});

test('what Docker accepts passes', () => {
  for (const req of [
    { WorkingDir: '/a/../b', Env: ['A', 'B=1'], StopSignal: 'TERM' },
    { StopSignal: '15' }, { StopSignal: 'sigusr1' }, { StopSignal: 'SIGRTMIN+3' },
    { HostConfig: { CapAdd: ['ALL', 'net_admin', 'CAP_SYS_ADMIN'], CapDrop: ['all'] } },
    { HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080-8081' }, { HostPort: '' }], '53/udp': null } } },
    { HostConfig: { ExtraHosts: ['h:1.2.3.4', 'g:host-gateway', 'v6:::1'], RestartPolicy: { Name: 'on-failure' as const, MaximumRetryCount: 3 } } },
    { HostConfig: { Memory: 10_000_000, MemorySwap: -1, MemoryReservation: -1, PidsLimit: -5 } },
  ] as CreateRequest[]) assert.doesNotThrow(() => checkCreateRequest({ Image: 'busybox', ...req }), JSON.stringify(req));
});
