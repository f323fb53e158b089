/**
 * The peak resident set of a process, its own alone. On Linux that is `VmHWM` of /proc/self/status:
 * `getrusage`'s `ru_maxrss` (Node's `process.resourceUsage().maxRSS`, Python's `resource.getrusage`)
 * survives `execve`, so a process spawned by another starts at the RSS its parent had when it forked:
 * every child of a 65 MiB bench reported at least 65 MiB. Elsewhere `maxRSS` is all there is.
 */
import { readFileSync } from 'node:fs';

/** VmHWM (kB) from the text of /proc/<pid>/status, or `fallbackKb` when the text has none. */
export const peakRssKbFromStatus = (status: string | undefined, fallbackKb: number): number => {
  const match = status === undefined ? null : /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : fallbackKb;
};

const readStatus = (): string | undefined => {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
};

/** This process's own peak RSS in bytes. */
export const peakRssBytes = (): number =>
  peakRssKbFromStatus(readStatus(), process.resourceUsage().maxRSS) * 1024;

/** The same, as an expression for a `node -e` probe (kB). */
export const PEAK_RSS_KB_EXPRESSION = [
  '((status) => { const m = status && /^VmHWM:\\s+(\\d+)\\s+kB$/m.exec(status);',
  ' return m ? Number(m[1]) : process.resourceUsage().maxRSS; })',
  "((() => { try { return require('node:fs').readFileSync('/proc/self/status', 'utf8'); } catch { return undefined; } })())",
].join('');

/** The same, as a Python function `peak_rss_kb()` for a `python3 -c` probe. */
export const PYTHON_PEAK_RSS_KB = `
def peak_rss_kb():
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
`;
