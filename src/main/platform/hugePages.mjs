// Big typed arrays (a CT volume is 200 MB) page-fault about 15× slower on first touch without
// transparent huge pages. numpy asks the kernel for them (madvise) on its big arrays; V8 cannot, but
// glibc can on its own allocations when this tunable is set before the process starts.
// Plain JavaScript: the `dvt` launcher imports it before any TypeScript is loaded.
import { spawn } from 'node:child_process';

export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** The environment to start a Node or Electron process of ours with. */
export function withHugePages(env) {
  if (process.platform !== 'linux' || env.DVT_NO_HUGEPAGES) return env;
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.includes('glibc.malloc.hugetlb')) return env;
  return { ...env, GLIBC_TUNABLES: current ? `${current}:${HUGE_PAGES_TUNABLE}` : HUGE_PAGES_TUNABLE };
}

/** True when this process would gain from being started again with the tunable. */
export function wantsHugePages() {
  return withHugePages(process.env) !== process.env;
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs a program of ours as a child with the huge-page environment, passes signals on to it, and
 * ends this process the way the child ended (same exit code, or same signal).
 */
export function runWithHugePages(command, args) {
  const child = spawn(command, args, { stdio: 'inherit', env: withHugePages(process.env) });
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  child.on('exit', (code, signal) => {
    if (signal) {
      // Our own listeners would catch the signal we raise; drop them so that it ends this process.
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
