/**
 * Writes tiny ONNX graphs byte by byte (protobuf wire format), so tests can make hostile models
 * without Python or a protobuf library. Only the fields these graphs use.
 */
type Field = [number, number | bigint | string | Uint8Array]

function varint(n: number | bigint): number[] {
  let v = BigInt(n)
  const out: number[] = []
  do {
    let b = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) b |= 0x80
    out.push(b)
  } while (v > 0n)
  return out
}

/** One message: numbers are varints (wire type 0), strings and sub-messages length-delimited. */
function msg(...fields: Field[]): Uint8Array {
  const bytes: number[] = []
  for (const [no, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      bytes.push(...varint(no << 3), ...varint(value))
    } else {
      const data = typeof value === 'string' ? new TextEncoder().encode(value) : value
      bytes.push(...varint((no << 3) | 2), ...varint(data.length), ...data)
    }
  }
  return new Uint8Array(bytes)
}

const FLOAT = 1
const INT64 = 7

function tensorType(dims: number[] | null): Uint8Array {
  const shape =
    dims === null ? [] : [[2, msg(...dims.map((d): Field => [1, msg([1, d])]))] as Field]
  return msg([1, msg([1, FLOAT], ...shape)]) // TypeProto { tensor_type { elem_type, shape } }
}

/**
 * A float32 [1,3,S,S] → Tile(×repeats on the last axis) graph: valid, tiny on disk, and its first
 * run allocates S·S·3·4·repeats bytes — a "model" that exhausts memory when the app loads it.
 */
export function memoryBombModel(size: number, repeats: number): Uint8Array {
  const reps = msg([1, 4], [2, INT64], ...[1, 1, 1, repeats].map((r): Field => [7, r]), [8, 'r'])
  const node = msg([1, 'input'], [1, 'r'], [2, 'output'], [4, 'Tile'])
  const graph = msg(
    [1, node],
    [2, 'bomb'],
    [5, reps],
    [11, msg([1, 'input'], [2, tensorType([1, 3, size, size])])],
    [12, msg([1, 'output'], [2, tensorType(null)])],
  )
  return msg([1, 7], [7, graph], [8, msg([1, ''], [2, 13])])
}
