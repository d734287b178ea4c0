// The rootless daemon is the child of its launcher (launch.ts: unshare or nsenter, then sh, exec into
// node), and the launcher is the process its user started and may kill. A killed launcher cannot
// forward anything, so without a watch the daemon would live on unseen, holding the root's lock: the
// next start would fail with "another berthd is already using the root". Linux's parent-death signal
// is out of Node's reach, so the daemon notices that it was reparented and stops as on SIGTERM
// (containers keep running under their monitors, as they do whenever the daemon stops).

/** Calls `onGone` once, soon after the parent that started this process has exited. */
export function watchLauncher(onGone: () => void, intervalMs = 250): () => void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
