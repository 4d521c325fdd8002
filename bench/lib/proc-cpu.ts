import { readdirSync, readFileSync } from 'node:fs'

/** USER_HZ: /proc reports CPU time in 1/100 s on Linux. */
const TICK_MS = 1000 / 100

/** Every process now (Linux /proc): its parent and the CPU time (ms) it has used, threads included. */
export function procCpu(): Map<number, { ppid: number; ms: number }> {
  const procs = new Map<number, { ppid: number; ms: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    // Fields after the parenthesised command name: state ppid … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    procs.set(Number(entry), {
      ppid: Number(fields[1]),
      ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    })
  }
  return procs
}

/** The command line of `pid` ('' once it has exited). */
export function procCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}
