/** The security panel's strings (the `security` part of each catalog, composed in ../index.ts). */
const en = {
  security: {
    title: 'Face check',
    toggle: 'Deepfake check',
    on: 'On',
    off: 'Off',
    level: {
      off: 'Off',
      unavailable: 'Unavailable',
      analysing: 'Analysing…',
      no_face: 'No face',
      insufficient_quality: 'Insufficient quality',
      low: 'Low risk',
      elevated: 'Elevated risk',
      high: 'High risk',
      screen_share: 'Screen share — face check paused',
    },
    explain: {
      off: 'The face check is off. Turn it on to analyse the other person’s video on this device.',
      unavailable: 'The face check cannot run: {{reason}}',
      unavailableNoReason: 'The face check cannot run on this device right now.',
      analysing: 'Collecting a few seconds of the other person’s face before giving a risk level.',
      no_face: 'No face is visible in the other person’s video, so there is nothing to check.',
      insufficient_quality:
        'A face is visible but too small, blurred or turned away to check. Good light and a frontal view help.',
      low: 'Nothing in the recent video looks like a face swap. This is an estimate, not proof.',
      elevated:
        'Some frames show signs that can come from a face swap — or from poor video. Stay alert and verify if it matters.',
      high: 'The face has shown signs typical of a face swap for several seconds. This is a risk estimate, not proof: verify the person another way before sharing anything sensitive.',
      screen_share:
        'The other person is sharing a screen, not their face, so the face check is paused. It resumes when they stop sharing.',
    },
    reasons: {
      turned_off: 'it is turned off in Settings.',
      not_in_build: 'this build of Veracall has no detector.',
      failed_to_start: 'the detector could not be started.',
      model_missing:
        'the model folder has no model. Put model.onnx and model.json in it, or choose another folder in Settings.',
      model_invalid:
        'the model in the model folder is not one Veracall can run. Choose another folder in Settings.',
      model_crashed:
        'the model stopped the detector every time it loaded. Choose another model folder in Settings.',
      web_remote_page:
        'this page does not come from this computer. Open Veracall at the http://localhost address that npm start prints, so the video is analysed on this device.',
      web_bridge_unreachable:
        'this server runs no face-check detector. Start Veracall with npm start (with the model in resources/models) to use it.',
    },
    technicalDetail: 'Technical detail:',
    local: 'Analysed on this device; no video leaves it.',
    model: 'Model: {{name}} {{version}}',
    sparkline: 'Risk over the last minute',
    sparklinePerson: '{{name}}: risk over the last minute',
    verify: 'Verify',
    verifyPerson: 'Verify {{name}}',
    badge: 'Face check: {{level}}',
    verifyHint:
      'Ask them to turn their head slowly or pass a hand across their face. Checking closely for a few seconds…',
    challenge: {
      sent: {
        turn_head: 'Asked them to turn their head left, then right. Watching closely…',
        pass_hand: 'Asked them to pass a hand in front of their face. Watching closely…',
      },
      passed: 'Challenge passed: the face held up while they moved.',
      not_done: 'Not verified: the move was not seen. This is not a sign of a fake.',
      broke_up:
        'The face broke up during the challenge — a strong sign of a live face swap. Verify the person another way.',
      prompt: {
        title: 'Verification request',
        turn_head: 'Turn your head slowly to the left, then to the right.',
        pass_hand: 'Pass your hand slowly in front of your face.',
        countdown: 'Starting in {{seconds}}…',
        now: 'Now — {{seconds}} s left',
        why: 'The other person’s app is checking that your video is a real face.',
        dismiss: 'Dismiss',
      },
    },
    report: {
      title: 'Face check report',
      short: 'Face check',
      peak: 'Highest level',
      noVerdict: 'No verdict: {{why}}',
      why: {
        no_face: 'no face was seen',
        insufficient_quality: 'the face was too unclear to check',
        too_short: 'too little video to judge',
      },
      shares: 'Time at each level',
      share: '{{level}}: {{percent}} %',
      model: 'Model',
      local: 'Kept on this device with the call; never sent anywhere.',
      unnamed: 'Unnamed participant',
      person: '{{name}}: {{verdict}}',
    },
  },
}

type Strings = typeof en

const zhCN: Strings = {
  security: {
    title: '面部检测',
    toggle: '深度伪造检测',
    on: '开',
    off: '关',
    level: {
      off: '已关闭',
      unavailable: '不可用',
      analysing: '分析中…',
      no_face: '未检测到人脸',
      insufficient_quality: '画面质量不足',
      low: '低风险',
      elevated: '风险升高',
      high: '高风险',
      screen_share: '屏幕共享——面部检测已暂停',
    },
    explain: {
      off: '面部检测已关闭。开启后将在本设备上分析对方的视频。',
      unavailable: '面部检测无法运行：{{reason}}',
      unavailableNoReason: '面部检测目前无法在本设备上运行。',
      analysing: '正在收集几秒钟的对方面部画面，然后给出风险等级。',
      no_face: '对方的视频中没有可见的人脸，无法检测。',
      insufficient_quality:
        '能看到人脸，但太小、模糊或侧转过多，无法检测。光线充足、正对镜头会更好。',
      low: '最近的视频中没有发现换脸迹象。这只是估计，并非证明。',
      elevated:
        '部分画面出现了可能来自换脸（也可能来自画质较差）的迹象。请保持警惕，必要时进行核实。',
      high: '该人脸已连续数秒出现典型的换脸迹象。这是风险估计而非证明：在分享任何敏感信息之前，请通过其他方式核实对方身份。',
      screen_share:
        '对方正在共享屏幕，画面中不是人脸，因此面部检测已暂停。对方停止共享后会自动恢复。',
    },
    reasons: {
      turned_off: '已在设置中关闭。',
      not_in_build: '此版本的 Veracall 不含检测器。',
      failed_to_start: '检测器无法启动。',
      model_missing:
        '模型文件夹中没有模型。请放入 model.onnx 和 model.json，或在设置中选择其他文件夹。',
      model_invalid: '模型文件夹中的模型无法在 Veracall 中运行。请在设置中选择其他文件夹。',
      model_crashed: '该模型每次加载都会使检测器停止运行。请在设置中选择其他模型文件夹。',
      web_remote_page:
        '此页面不是由本机提供的。请用 npm start 打印的 http://localhost 地址打开 Veracall，视频才会在本设备上分析。',
      web_bridge_unreachable:
        '此服务器没有运行面部检测器。请用 npm start 启动 Veracall（模型位于 resources/models）后再使用。',
    },
    technicalDetail: '技术细节：',
    local: '在本设备上分析，视频不会离开本设备。',
    model: '模型：{{name}} {{version}}',
    sparkline: '过去一分钟的风险',
    sparklinePerson: '{{name}}：过去一分钟的风险',
    verify: '核实',
    verifyPerson: '核实 {{name}}',
    badge: '面部检测：{{level}}',
    verifyHint: '请对方缓慢转头或用手在脸前划过。接下来几秒将进行更仔细的检测…',
    challenge: {
      sent: {
        turn_head: '已请对方先向左、再向右转头。正在仔细检测…',
        pass_hand: '已请对方用手在脸前划过。正在仔细检测…',
      },
      passed: '核实通过：对方移动时人脸保持正常。',
      not_done: '未核实：没有看到对方完成动作。这并不代表是伪造。',
      broke_up: '核实过程中人脸出现破绽——这是实时换脸的强烈迹象。请通过其他方式核实对方身份。',
      prompt: {
        title: '核实请求',
        turn_head: '请缓慢地向左转头，再向右转头。',
        pass_hand: '请用手在脸前缓慢划过。',
        countdown: '{{seconds}} 秒后开始…',
        now: '现在开始——还剩 {{seconds}} 秒',
        why: '对方的应用正在确认您的视频是真实的人脸。',
        dismiss: '关闭',
      },
    },
    report: {
      title: '面部检测报告',
      short: '面部检测',
      peak: '最高等级',
      noVerdict: '无结论：{{why}}',
      why: {
        no_face: '没有看到人脸',
        insufficient_quality: '人脸太模糊，无法检测',
        too_short: '视频太短，无法判断',
      },
      shares: '各等级时间占比',
      share: '{{level}}：{{percent}}%',
      model: '模型',
      local: '随通话记录保存在本设备上，不会发送到任何地方。',
      unnamed: '未命名的参与者',
      person: '{{name}}：{{verdict}}',
    },
  },
}

export default { en, 'zh-CN': zhCN }
export { en }
export const zh = zhCN
