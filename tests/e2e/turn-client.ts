import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'

/**
 * A minimal TURN client over UDP (RFC 5389/5766), enough to ask a TURN server what Chromium
 * can't show directly: whether it accepts a credential (Allocate) and to which peers it will
 * relay (CreatePermission). Long-term credentials: the first request is answered 401 with a realm
 * and nonce, the second carries USERNAME/REALM/NONCE and MESSAGE-INTEGRITY.
 */
const MAGIC_COOKIE = 0x2112a442
const METHOD = { allocate: 0x003, createPermission: 0x008 } as const
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  requestedTransport: 0x0019,
} as const

interface Answer {
  /** 200 for a success response, else the ERROR-CODE's code (401, 403, 438…). */
  status: number
  attributes: Map<number, Buffer>
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4)
  padded.writeUInt16BE(type, 0)
  padded.writeUInt16BE(value.length, 2)
  value.copy(padded, 4)
  return padded
}

function message(method: number, body: Buffer[], key?: Buffer): Buffer {
  const header = Buffer.alloc(20)
  header.writeUInt16BE(method, 0) // a request: class bits 0
  header.writeUInt32BE(MAGIC_COOKIE, 4)
  randomBytes(12).copy(header, 8)
  let attributes = Buffer.concat(body)
  if (key) {
    // MESSAGE-INTEGRITY covers the message with its length already counting the 24-byte attribute.
    header.writeUInt16BE(attributes.length + 24, 2)
    const mac = createHmac('sha1', key)
      .update(Buffer.concat([header, attributes]))
      .digest()
    attributes = Buffer.concat([attributes, attribute(ATTR.messageIntegrity, mac)])
  }
  header.writeUInt16BE(attributes.length, 2)
  return Buffer.concat([header, attributes])
}

function parse(packet: Buffer): Answer & { transaction: string } {
  const type = packet.readUInt16BE(0)
  const attributes = new Map<number, Buffer>()
  for (let at = 20; at + 4 <= packet.length;) {
    const kind = packet.readUInt16BE(at)
    const length = packet.readUInt16BE(at + 2)
    attributes.set(kind, packet.subarray(at + 4, at + 4 + length))
    at += 4 + Math.ceil(length / 4) * 4
  }
  const error = attributes.get(ATTR.errorCode)
  const isError = (type & 0x0110) === 0x0110
  return {
    transaction: packet.subarray(8, 20).toString('hex'),
    status: isError && error ? (error[2] ?? 0) * 100 + (error[3] ?? 0) : 200,
    attributes,
  }
}

function xorPeerAddress(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8)
  value.writeUInt8(0x01, 1) // IPv4
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2)
  const address = ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
  value.writeUInt32BE((address ^ MAGIC_COOKIE) >>> 0, 4)
  return value
}

export class TurnClient {
  private readonly socket: Socket = createSocket('udp4')
  private realm: Buffer = Buffer.alloc(0)
  private nonce: Buffer = Buffer.alloc(0)
  private key: Buffer = Buffer.alloc(0)

  constructor(
    private readonly port: number,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Sends one request and waits for its answer (UDP on loopback: no retransmission needed). */
  private request(packet: Buffer): Promise<Answer> {
    const transaction = packet.subarray(8, 20).toString('hex')
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no answer from the TURN server')), 5000)
      const onMessage = (data: Buffer): void => {
        const answer = parse(data)
        if (answer.transaction !== transaction) return
        clearTimeout(timer)
        this.socket.off('message', onMessage)
        done(answer)
      }
      this.socket.on('message', onMessage)
      this.socket.send(packet, this.port, '127.0.0.1')
    })
  }

  private signed(method: number, body: Buffer[]): Buffer {
    return message(
      method,
      [
        ...body,
        attribute(ATTR.username, Buffer.from(this.username)),
        attribute(ATTR.realm, this.realm),
        attribute(ATTR.nonce, this.nonce),
      ],
      this.key,
    )
  }

  /** An allocation for UDP relaying: 200, or the server's refusal (401 for a bad credential). */
  async allocate(): Promise<number> {
    const transport = attribute(ATTR.requestedTransport, Buffer.from([17, 0, 0, 0]))
    const challenge = await this.request(message(METHOD.allocate, [transport]))
    if (challenge.status !== 401) return challenge.status
    this.realm = challenge.attributes.get(ATTR.realm) ?? Buffer.alloc(0)
    this.nonce = challenge.attributes.get(ATTR.nonce) ?? Buffer.alloc(0)
    this.key = createHash('md5')
      .update(`${this.username}:${this.realm.toString()}:${this.password}`)
      .digest()
    return (await this.request(this.signed(METHOD.allocate, [transport]))).status
  }

  /** Asks to relay to `ip`: 200, or 403 when the server's peer rules forbid it. */
  async createPermission(ip: string): Promise<number> {
    const peer = attribute(ATTR.xorPeerAddress, xorPeerAddress(ip, 9))
    return (await this.request(this.signed(METHOD.createPermission, [peer]))).status
  }

  close(): void {
    this.socket.close()
  }
}
