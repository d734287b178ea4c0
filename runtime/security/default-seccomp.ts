// Docker Engine 20.10's default seccomp profile (the one Debian's docker.io applies), written as
// Berth's own table: groups of syscalls, each with the condition under which it is allowed. Anything
// not allowed fails with EPERM. The groups were checked against what Docker Engine 20.10.24 puts in a
// container's OCI spec with each capability added (test/runtime/integration/security-differential.test.ts
// runs the same syscall probes on both engines).
import type { ArchMapEntry, RuleCondition, SeccompArg, SeccompProfile, SeccompRule } from './seccomp-profile.js';

/** Syscalls every container may make, by topic. */
const ALWAYS: Record<string, string[]> = {
  'files: open, read, write, seek, sync': [
    'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'read', 'readv', 'pread64', 'preadv', 'preadv2',
    'write', 'writev', 'pwrite64', 'pwritev', 'pwritev2', 'lseek', '_llseek', 'fsync', 'fdatasync', 'sync', 'syncfs',
    'sync_file_range', 'fadvise64', 'fadvise64_64', 'fallocate', 'readahead', 'copy_file_range', 'sendfile',
    'sendfile64', 'splice', 'tee', 'vmsplice', 'truncate', 'truncate64', 'ftruncate', 'ftruncate64', 'dup', 'dup2',
    'dup3', 'fcntl', 'fcntl64', 'flock', 'ioctl', 'pipe', 'pipe2',
  ],
  'files: metadata, names, directories, extended attributes': [
    'access', 'faccessat', 'faccessat2', 'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'fstatat64',
    'newfstatat', 'statx', 'statfs', 'statfs64', 'fstatfs', 'fstatfs64', 'chmod', 'fchmod', 'fchmodat', 'chown',
    'chown32', 'fchown', 'fchown32', 'lchown', 'lchown32', 'fchownat', 'chdir', 'fchdir', 'getcwd', 'mkdir', 'mkdirat',
    'mknod', 'mknodat', 'rmdir', 'link', 'linkat', 'unlink', 'unlinkat', 'symlink', 'symlinkat', 'readlink',
    'readlinkat', 'rename', 'renameat', 'renameat2', 'getdents', 'getdents64', 'umask', 'utime', 'utimes', 'utimensat',
    'utimensat_time64', 'futimesat', 'getxattr', 'lgetxattr', 'fgetxattr', 'setxattr', 'lsetxattr', 'fsetxattr',
    'listxattr', 'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr',
  ],
  'waiting for events: poll, epoll, eventfd, inotify, signalfd, timerfd': [
    'poll', 'ppoll', 'ppoll_time64', 'select', '_newselect', 'pselect6', 'pselect6_time64', 'epoll_create',
    'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old', 'epoll_pwait', 'epoll_pwait2',
    'eventfd', 'eventfd2', 'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'fanotify_mark',
    'signalfd', 'signalfd4', 'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime',
    'timerfd_settime64',
  ],
  // Docker 20.10 still allows io_uring; later profiles dropped it.
  'asynchronous I/O': [
    'io_setup', 'io_submit', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64', 'io_cancel', 'io_destroy',
    'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  ],
  memory: [
    'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync', 'mlock', 'mlock2',
    'mlockall', 'munlock', 'munlockall', 'remap_file_pages', 'memfd_create', 'memfd_secret', 'membarrier',
    'process_mrelease',
  ],
  'processes: start, run, wait, end': [
    'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid', 'pidfd_open',
    'pidfd_send_signal', 'set_tid_address', 'set_robust_list', 'get_robust_list', 'restart_syscall', 'rseq', 'prctl',
    'seccomp', 'capget', 'capset', 'getcpu', 'uname', 'sysinfo', 'ipc', 'landlock_create_ruleset', 'landlock_add_rule',
    'landlock_restrict_self', 'get_thread_area', 'set_thread_area',
  ],
  'user, group, process group and session ids': [
    'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getegid', 'getegid32', 'getresuid',
    'getresuid32', 'getresgid', 'getresgid32', 'getgroups', 'getgroups32', 'setuid', 'setuid32', 'setgid', 'setgid32',
    'setreuid', 'setreuid32', 'setregid', 'setregid32', 'setresuid', 'setresuid32', 'setresgid', 'setresgid32',
    'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32', 'setgroups', 'setgroups32', 'getpid', 'getppid', 'gettid',
    'getpgid', 'setpgid', 'getpgrp', 'getsid', 'setsid',
  ],
  'scheduling, priorities, resource limits': [
    'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr', 'sched_getparam',
    'sched_setparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
    'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'getpriority', 'setpriority', 'ioprio_get', 'ioprio_set',
    'getrlimit', 'setrlimit', 'ugetrlimit', 'prlimit64', 'getrusage', 'times',
  ],
  signals: [
    'kill', 'tkill', 'tgkill', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn',
    'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo', 'sigaltstack', 'sigprocmask',
    'sigreturn', 'pause',
  ],
  // Reading clocks, sleeping and timers; setting the clock needs CAP_SYS_TIME (below).
  'clocks, timers, futexes, randomness': [
    'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64',
    'clock_nanosleep', 'clock_nanosleep_time64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex', 'nanosleep', 'alarm',
    'getitimer', 'setitimer', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64',
    'timer_settime', 'timer_settime64', 'futex', 'futex_time64', 'futex_waitv', 'getrandom',
  ],
  // Docker 20.10 filters no socket family; later profiles refuse AF_VSOCK.
  sockets: [
    'socket', 'socketpair', 'socketcall', 'bind', 'listen', 'accept', 'accept4', 'connect', 'shutdown', 'getsockname',
    'getpeername', 'getsockopt', 'setsockopt', 'send', 'sendto', 'sendmsg', 'sendmmsg', 'recv', 'recvfrom', 'recvmsg',
    'recvmmsg', 'recvmmsg_time64',
  ],
  'System V IPC and POSIX message queues': [
    'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'semctl', 'shmget',
    'shmat', 'shmdt', 'shmctl', 'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedsend_time64', 'mq_timedreceive',
    'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
  ],
};

/** Syscalls allowed only when the container has the capability (added with --cap-add). */
const WITH_CAPABILITY: Record<string, string[]> = {
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_ADMIN: [
    'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount',
    'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd',
    'setdomainname', 'sethostname', 'setns', 'syslog', 'umount', 'umount2', 'unshare',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy'],
  CAP_SYSLOG: ['syslog'],
};

/** Syscalls that exist only on some architectures (Go's names). */
const ON_ARCHITECTURES: [string[], string[]][] = [
  [['ppc64le'], ['sync_file_range2']],
  [['arm', 'arm64'], ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls']],
  [['amd64', 'x32'], ['arch_prctl']],
  [['amd64', 'x32', 'x86'], ['modify_ldt']],
  [['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']],
];

/**
 * personality(2) only for the values programs use to read or set the ordinary Linux personality:
 * PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32|UNAME26, and 0xffffffff (query). Others, such as
 * ADDR_NO_RANDOMIZE, would weaken the container's address space randomization.
 */
const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/**
 * clone(2) without CAP_SYS_ADMIN: only when none of the namespace flags is set (CLONE_NEWNS,
 * NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET), so threads and fork work, new namespaces do not.
 */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;

/** The native architecture and the 32-bit ones its kernel also runs (seccomp names). */
export const ARCH_MAP: ArchMapEntry[] = [
  { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  { architecture: 'SCMP_ARCH_MIPS64', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'] },
  { architecture: 'SCMP_ARCH_MIPS64N32', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64'] },
  { architecture: 'SCMP_ARCH_MIPSEL64', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'] },
  { architecture: 'SCMP_ARCH_MIPSEL64N32', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64'] },
  { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
  { architecture: 'SCMP_ARCH_PPC64LE', subArchitectures: [] },
  { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: [] },
];

const allow = (names: string[], extra: Partial<SeccompRule> = {}): SeccompRule => ({ names, action: 'SCMP_ACT_ALLOW', ...extra });
const argEquals = (index: number, value: number): SeccompArg => ({ index, value, op: 'SCMP_CMP_EQ' });
const S390: RuleCondition = { arches: ['s390', 's390x'] };

function defaultRules(): SeccompRule[] {
  const rules: SeccompRule[] = [allow(Object.values(ALWAYS).flat())];
  // Before 4.8 ptrace could be used to get around seccomp; since then it is safe to allow.
  rules.push(allow(['ptrace'], { includes: { minKernel: '4.8' } }));
  for (const p of PERSONALITIES) rules.push(allow(['personality'], { args: [argEquals(0, p)] }));
  for (const [arches, names] of ON_ARCHITECTURES) rules.push(allow(names, { includes: { arches } }));
  for (const [cap, names] of Object.entries(WITH_CAPABILITY)) rules.push(allow(names, { includes: { caps: [cap] } }));
  // Without CAP_SYS_ADMIN: clone without namespace flags (the flags are the 2nd argument on s390),
  // and clone3, whose flags seccomp cannot see (they are in memory), says ENOSYS so libc falls back to clone.
  const masked = (index: number): SeccompArg => ({ index, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' });
  rules.push(allow(['clone'], { args: [masked(0)], excludes: { caps: ['CAP_SYS_ADMIN'], ...S390 } }));
  rules.push(allow(['clone'], { args: [masked(1)], includes: S390, excludes: { caps: ['CAP_SYS_ADMIN'] } }));
  rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } });
  return rules;
}

/** The profile applied to every container and build step unless the user chooses another. */
export const DEFAULT_SECCOMP_PROFILE: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  archMap: ARCH_MAP,
  rules: defaultRules(),
};
