// Big typed arrays (a CT volume is 200 MB) page-fault about 15× slower on first touch without
// transparent huge pages. numpy asks the kernel for them (madvise) on its big arrays; V8 cannot, but
// glibc can on its own allocations when this tunable is set before the process starts.
// Plain JavaScript: the `dvt` launcher imports it before any TypeScript is loaded.

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
