// Boots the cgroup v2 test host under qemu-system-x86_64 with software emulation (TCG: no KVM is
// assumed), runs one job (a bash script) in it and returns its output and exit status. The disk is
// used with snapshot=on, so the cached image stays as built; the host's folders are shared by 9p
// (-virtfs) at the same paths, and a per-run control folder carries job.sh in and output.log,
// status and booted (the guest's uptime when the runner started) back.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

export const KERNEL_ARGS = [
  'root=LABEL=berthroot', 'rw', 'console=ttyS0', 'quiet', 'loglevel=3',
  // The point of this host: systemd as PID 1 on the unified hierarchy only.
  'systemd.unified_cgroup_hierarchy=1', 'cgroup_no_v1=all',
  'systemd.show_status=0', 'panic=-1', 'tsc=unstable',
];

/**
 * @param {{ disk: string, kernel: string, initrd: string }} image
 * @param {{ job: string, shares: { path: string, tag: string, readonly?: boolean }[], memoryMb?: number, cpus?: number,
 *   timeoutMs?: number, onOutput?: (text: string) => void, log?: (line: string) => void }} opts
 * @returns {Promise<{ status: number, output: string, bootSeconds?: number, wallSeconds: number, console: string }>}
 */
export async function bootAndRun(image, opts) {
  const qemu = 'qemu-system-x86_64';
  if (spawnSync('sh', ['-c', `command -v ${qemu}`], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${qemu} is missing: install the Debian package qemu-system-x86 (apt-get install qemu-system-x86)`);
  }
  const log = opts.log ?? ((line) => process.stderr.write(`hosts: ${line}\n`));
  const control = mkdtempSync(join(tmpdir(), 'berth-hosts-'));
  writeFileSync(join(control, 'job.sh'), opts.job, { mode: 0o755 });
  const consoleFile = join(control, 'console.log');
  const cpus = opts.cpus ?? Math.min(2, availableParallelism());
  const args = [
    '-accel', 'tcg,thread=multi', '-cpu', 'max', '-smp', String(cpus), '-m', String(opts.memoryMb ?? 3072),
    '-machine', 'q35', '-nographic', '-no-reboot', '-monitor', 'none', '-serial', `file:${consoleFile}`,
    '-kernel', image.kernel, '-initrd', image.initrd, '-append', KERNEL_ARGS.join(' '),
    '-drive', `file=${image.disk},format=raw,if=virtio,snapshot=on,cache=unsafe`,
    '-nic', 'none',
    '-virtfs', `local,path=${control},mount_tag=control,security_model=none,id=control`,
    ...opts.shares.flatMap((s) => ['-virtfs', `local,path=${s.path},mount_tag=${s.tag},security_model=none,id=${s.tag}${s.readonly ? ',readonly=on' : ''}`]),
  ];
  const started = Date.now();
  log(`booting the cgroup v2 host (TCG, ${cpus} vCPUs): ${qemu} ${args.join(' ')}`);
  const vm = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let qemuErr = '';
  vm.stderr.on('data', (c) => { qemuErr += c.toString(); });
  vm.stdout.on('data', () => undefined);
  let printed = 0;
  let bootSeconds;
  const outputFile = join(control, 'output.log');
  const tail = setInterval(() => {
    if (bootSeconds === undefined && existsSync(join(control, 'booted')) && statSync(join(control, 'booted')).size > 0) {
      bootSeconds = (Date.now() - started) / 1000;
      log(`guest up after ${bootSeconds.toFixed(0)} s (guest uptime ${readFileSync(join(control, 'booted'), 'utf8').split(' ')[0]} s); running the job`);
    }
    if (!existsSync(outputFile) || statSync(outputFile).size <= printed) return;
    const text = readFileSync(outputFile).subarray(printed).toString();
    printed += Buffer.byteLength(text);
    opts.onOutput?.(text);
  }, 1000);
  const timeout = setTimeout(() => {
    log(`the guest did not finish within ${(opts.timeoutMs ?? 0) / 1000} s: stopping it`);
    vm.kill('SIGKILL');
  }, opts.timeoutMs ?? 45 * 60_000);
  const code = await new Promise((resolve) => { vm.on('exit', resolve); vm.on('error', (err) => { qemuErr += err.message; resolve(-1); }); });
  clearInterval(tail);
  clearTimeout(timeout);
  const output = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '';
  if (output.length > printed) opts.onOutput?.(output.slice(printed));
  const consoleText = existsSync(consoleFile) ? readFileSync(consoleFile, 'utf8') : '';
  const statusFile = join(control, 'status');
  const status = existsSync(statusFile) ? Number(readFileSync(statusFile, 'utf8').trim()) : -1;
  const wallSeconds = (Date.now() - started) / 1000;
  rmSync(control, { recursive: true, force: true });
  if (status === -1) {
    log(`the guest powered off without a job status (qemu exit ${code}${qemuErr ? `: ${qemuErr.trim().slice(-1000)}` : ''}); its console:\n${consoleText.slice(-4000)}`);
  }
  return { status, output, bootSeconds, wallSeconds, console: consoleText };
}
