/**
 * The call's verification code and local recording strings (the `verification` and `recording`
 * parts of each catalog, composed in ../index.ts).
 */
const en = {
  verification: {
    title: 'Verification code',
    compare: 'Compare this code with the other person',
    codeLabel: 'Verification code {{code}}',
    waiting: 'The code appears once the call is set up.',
    failed: 'This call can’t be verified: its connection carries no readable encryption key.',
    hint: 'Read it out to each other. If both screens show the same code, the call is encrypted between your two devices and not even the server can listen in. It is a short code (6 digits): it catches a server that swaps the keys, not an attacker who prepared millions of keys in advance.',
    choice: 'Does it match?',
    match: 'Matches',
    mismatch: 'Doesn’t match',
    matched: 'You confirmed the codes match.',
    mismatched:
      'The codes differ: someone may be in the middle of this call. Hang up and reach the person another way.',
    report: {
      title: 'Verification code',
      match: '{{code}}: the codes matched',
      mismatch: '{{code}}: the codes did not match',
      short: 'Code',
      shortMatch: 'matched',
      shortMismatch: 'did not match',
    },
  },
  recording: {
    start: 'Record call',
    stop: 'Stop recording',
    recording: 'Recording',
    beingRecorded: '{{name}} is recording this call',
    saveFailed: 'The recording could not be saved.',
    unsupported: 'This browser can’t record calls.',
    fileName: 'Veracall call with {{name}}',
  },
}

type Strings = typeof en

const zhCN: Strings = {
  verification: {
    title: '验证码',
    compare: '请与对方核对此验证码',
    codeLabel: '验证码 {{code}}',
    waiting: '通话建立后将显示验证码。',
    failed: '无法验证此通话：连接中没有可读取的加密密钥。',
    hint: '请互相念出验证码。如果双方屏幕上的验证码相同，通话就在你们两台设备之间加密，连服务器也无法窃听。这是一个短验证码（6 位数字）：它能识破调换密钥的服务器，但防不住事先准备了数百万个密钥的攻击者。',
    choice: '验证码一致吗？',
    match: '一致',
    mismatch: '不一致',
    matched: '你已确认验证码一致。',
    mismatched: '验证码不一致：可能有人在窃听此通话。请挂断，并通过其他方式联系对方。',
    report: {
      title: '验证码',
      match: '{{code}}：验证码一致',
      mismatch: '{{code}}：验证码不一致',
      short: '验证码',
      shortMatch: '一致',
      shortMismatch: '不一致',
    },
  },
  recording: {
    start: '录制通话',
    stop: '停止录制',
    recording: '正在录制',
    beingRecorded: '{{name}} 正在录制此通话',
    saveFailed: '无法保存录制。',
    unsupported: '此浏览器无法录制通话。',
    fileName: '与 {{name}} 的 Veracall 通话',
  },
}

export default { en, 'zh-CN': zhCN }
