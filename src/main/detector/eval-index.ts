/**
 * The datasets' `index.csv` / `clips.csv` for `eval:detector --index`: rows keyed by the media
 * file's path (`file` or `clip` column), looked up by the longest matching path suffix so that
 * `--real ../shared/datasets/video-faces/real` finds `real/x.jpg`. Quoted CSV fields are handled
 * (the family names contain commas).
 */
import path from 'node:path'

export type IndexRow = Record<string, string>

export interface EvalIndex {
  size: number
  lookup(file: string): IndexRow | undefined
}

/** RFC 4180 rows: quotes, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      if (row.some((v) => v !== '')) rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  row.push(cell)
  if (row.some((v) => v !== '')) rows.push(row)
  return rows
}

export async function readIndex(
  files: readonly string[],
  read: (file: string, enc: 'utf8') => Promise<string>,
): Promise<EvalIndex> {
  const byName = new Map<string, IndexRow[]>()
  let size = 0
  for (const f of files) {
    const [head = [], ...body] = parseCsv(await read(f, 'utf8'))
    for (const cells of body) {
      const row: IndexRow = Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']))
      const key = row.file || row.clip
      if (!key) continue
      const base = path.basename(key)
      byName.set(base, [...(byName.get(base) ?? []), row])
      size++
    }
  }
  return {
    size,
    lookup(file) {
      const rows = byName.get(path.basename(file))
      if (!rows) return undefined
      const norm = file.split(path.sep).join('/')
      // Several rows with one base name (real/x.jpg and fake/x.jpg): the longest suffix match.
      let best: IndexRow | undefined
      let bestLen = -1
      for (const r of rows) {
        const key = r.file || r.clip || ''
        const parts = key.split('/')
        let n = 0
        while (n < parts.length && norm.endsWith(parts.slice(parts.length - n - 1).join('/'))) n++
        if (n > bestLen) {
          best = r
          bestLen = n
        }
      }
      return best
    },
  }
}
