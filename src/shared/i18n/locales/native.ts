/**
 * What the main process shows outside the window: tray, native notifications and dialogs (the
 * `native` part of each catalog, composed in ../index.ts).
 */
const en = {
  native: {
    tray: {
      status: {
        online: 'Online',
        offline: 'Offline',
        'in-call': 'In a call',
        alert: 'In a call: possible deepfake detected',
      },
      tooltip: 'Veracall: {{status}}',
      doNotDisturb: 'Do not disturb',
      missedCalls_one: '{{count}} missed call',
      missedCalls_other: '{{count}} missed calls',
      open: 'Open Veracall',
      share: 'Share on my network',
      noAddress: 'No network address found',
      address: 'Address: {{address}}',
      quit: 'Quit Veracall',
    },
    incoming: {
      title: '{{name}} is calling',
      titleBusy: '{{name}} is calling (you are in a call)',
      video: 'Incoming video call',
      audio: 'Incoming audio call',
      accept: 'Accept',
      decline: 'Decline',
    },
    dialogs: {
      chooseModelFolder: 'Choose a folder with a detector model',
      saveRecording: 'Save the call recording',
      recordingFilter: 'WebM video',
    },
  },
}

const zhCN: typeof en = {
  native: {
    tray: {
      status: {
        online: '在线',
        offline: '离线',
        'in-call': '通话中',
        alert: '通话中：可能检测到深度伪造',
      },
      tooltip: 'Veracall：{{status}}',
      doNotDisturb: '勿扰模式',
      missedCalls_one: '{{count}} 个未接来电',
      missedCalls_other: '{{count}} 个未接来电',
      open: '打开 Veracall',
      share: '在我的网络上共享',
      noAddress: '未找到网络地址',
      address: '地址：{{address}}',
      quit: '退出 Veracall',
    },
    incoming: {
      title: '{{name}} 来电',
      titleBusy: '{{name}} 来电（你正在通话中）',
      video: '视频来电',
      audio: '语音来电',
      accept: '接听',
      decline: '拒绝',
    },
    dialogs: {
      chooseModelFolder: '选择包含检测模型的文件夹',
      saveRecording: '保存通话录制',
      recordingFilter: 'WebM 视频',
    },
  },
}

export default { en, 'zh-CN': zhCN }
