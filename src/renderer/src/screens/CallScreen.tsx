import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type ReactElement,
  type RefObject,
} from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { useApp, useController } from '../app/context.js'
import { Avatar } from '../components/Avatar.js'
import { DevicesMenu } from '../components/DevicesMenu.js'
import { Icon, type IconName } from '../components/Icon.js'
import { MediaView } from '../components/MediaView.js'
import { QualityPanel } from '../components/QualityPanel.js'
import { ReconnectingBanner } from '../components/ReconnectingBanner.js'
import { ScreenSourcePicker, SharingBar } from '../components/ScreenShare.js'
import { CALL_SHORTCUTS, withShortcut, type CallShortcut } from '../components/call-shortcuts.js'
import { RecordButton, RecordingBanners } from '../components/Recording.js'
import { SecurityPanel } from '../detection/SecurityPanel.js'
import { ChallengePrompt } from '../detection/ChallengePrompt.js'
import { VerificationPanel } from '../detection/VerificationPanel.js'
import { AddPersonDialog } from '../components/AddPersonDialog.js'
import { ParticipantGrid } from '../components/ParticipantGrid.js'
import { formatClock, listNames } from '../app/format.js'
import {
  selectCallFull,
  selectOtherNames,
  selectPeerName,
  selectQualityLevel,
} from '../store/selectors.js'
import { MAX_CALL_PARTICIPANTS } from 'veracall-signaling/protocol'

function CallTimer({ since }: { since: number | null }): ReactElement {
  const { t } = useTranslation()
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    // Sub-second ticks so the display never lags a whole second behind.
    const h = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(h)
  }, [])
  return (
    <span className="timer" role="timer" aria-label={t('call.timer')} data-testid="call-timer">
      {formatClock(since ? (now - since) / 1000 : 0)}
    </span>
  )
}

/** Mic or camera button: pressed (and red) while the device is off; labels say what a click does. */
function MediaToggle({
  on,
  icons,
  labels,
  shortcut,
  disabled,
  onClick,
}: {
  on: boolean
  /** [while on, while off] */
  icons: [IconName, IconName]
  /** [turn off, turn on] */
  labels: [string, string]
  shortcut: CallShortcut
  disabled?: boolean
  onClick: () => void
}): ReactElement {
  const label = on ? labels[0] : labels[1]
  return (
    <button
      type="button"
      className={`btn btn-round ${on ? 'btn-glass' : 'btn-off'}`}
      aria-pressed={!on}
      aria-label={label}
      aria-keyshortcuts={CALL_SHORTCUTS[shortcut].aria}
      title={withShortcut(label, shortcut)}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={on ? icons[0] : icons[1]} size={24} />
    </button>
  )
}

/** Add person: opens the picker; says so (and stays off) when the call is full. */
function AddPersonButton({
  open,
  onClick,
  buttonRef,
}: {
  open: boolean
  onClick: () => void
  buttonRef: RefObject<HTMLButtonElement | null>
}): ReactElement {
  const { t } = useTranslation()
  const full = useApp(selectCallFull)
  const label = full
    ? t('group.addPersonFull', { max: MAX_CALL_PARTICIPANTS })
    : t('group.addPerson')
  return (
    <button
      type="button"
      className="btn btn-round btn-glass"
      aria-label={label}
      aria-expanded={open}
      title={label}
      disabled={full}
      data-testid="add-person-button"
      ref={buttonRef}
      onClick={onClick}
    >
      <Icon name="personAdd" size={24} />
    </button>
  )
}

/** Outgoing ringing, connecting and the call itself share one layout. */

export function CallScreen(): ReactElement {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const group = useApp((s) => s.group)
  const others = useApp(useShallow(selectOtherNames))
  // A group call is named for everyone else in it; a 1:1 call for the other person.
  const name = useApp(selectPeerName)
  const title = group && others.length > 0 ? listNames(others, i18n.language) : name
  const peerId = useApp((s) => s.peer?.id ?? '')
  const phase = useApp((s) => s.phase)
  const callType = useApp((s) => s.callType)
  const localStream = useApp((s) => s.localStream)
  const remoteStream = useApp((s) => s.remoteStream)
  const micEnabled = useApp((s) => s.micEnabled)
  const cameraEnabled = useApp((s) => s.cameraEnabled)
  const remoteMedia = useApp((s) => s.remoteMedia)
  const connectionState = useApp((s) => s.connectionState)
  const signalingState = useApp((s) => s.signalingState)
  const connectedAt = useApp((s) => s.connectedAt)
  const reconnecting = useApp((s) => s.reconnecting)
  // Only the level: a new stats sample every tick must not re-render the whole call (videos,
  // detector slot); the open QualityPanel subscribes to the sample itself.
  const level = useApp(selectQualityLevel)
  const speakerId = useApp((s) => s.speakerId)
  const deviceError = useApp((s) => s.deviceError)
  const [showStats, setShowStats] = useState(false)
  const [showDevices, setShowDevices] = useState(false)
  const [showAdd, setShowAdd] = useState(false)
  const addButton = useRef<HTMLButtonElement>(null)
  // Closing the picker (Close, Escape) puts the focus back where it was opened from.
  const closeAdd = useCallback(() => {
    setShowAdd(false)
    addButton.current?.focus()
  }, [])
  const risk = useApp((s) => s.risk)
  const screenSharing = useApp((s) => s.screenSharing)
  const screenPicker = useApp((s) => s.screenPicker)
  const toggleShare = useCallback(() => void controller.call.screenShare.toggle(), [controller])
  const pickSource = useCallback(
    (id: string | null) => controller.call.screenShare.pick(id),
    [controller],
  )
  const verification = useApp((s) => s.verification)
  const onRemoteElement = useCallback(
    (el: HTMLVideoElement | null) => {
      controller.devices.setRemoteMediaElement(el)
      // The call's face check samples this element.
      controller.call.detection.setVideo(peerId, el)
    },
    [controller, peerId],
  )
  const closeDevices = useCallback(() => setShowDevices(false), [])
  const challenge = useApp((s) => s.challenge)
  const dismissChallenge = useCallback(() => controller.call.dismissChallenge(), [controller])
  const statsId = useId()

  const ringing = phase === 'outgoing'
  // Screen sharing, recording and the verification code are 1:1 features (see README).
  const canShare = callType === 'video' && !ringing && !group
  const remoteScreen = remoteMedia.screen === true
  // The camera button is off while ringing or sharing (the camera's sender carries the screen).
  const canToggleCamera = callType === 'video' && !ringing && !screenSharing
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const act = CALL_SHORTCUTS.mute.matches(e)
        ? () => controller.devices.toggleMicrophone()
        : CALL_SHORTCUTS.camera.matches(e) && canToggleCamera
          ? () => void controller.devices.toggleCamera()
          : CALL_SHORTCUTS.share.matches(e) && canShare
            ? toggleShare
            : null
      if (!act) return
      // The browser's own Ctrl+D (bookmark) and Ctrl+E (search) would take the key otherwise.
      e.preventDefault()
      if (!e.repeat) act()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [canShare, canToggleCamera, controller, toggleShare])
  const showRemoteVideo =
    callType === 'video' && remoteMedia.video && remoteStream !== null && !ringing
  const signalingDown =
    !ringing &&
    (signalingState === 'reconnecting' || signalingState === 'connecting') &&
    connectedAt !== null

  return (
    <main
      className={`call call-${phase}`}
      aria-label={group ? t('group.region', { names: title }) : t('call.region', { name })}
      data-phase={phase}
      data-group={group ? 'yes' : 'no'}
      data-connection={connectionState}
      data-signaling={signalingState}
      data-reconnecting={reconnecting ?? 'no'}
      data-adding={showAdd ? 'yes' : 'no'}
    >
      <section className="stage">
        {group && <ParticipantGrid />}
        {!group && (
          <MediaView
            stream={remoteStream}
            label={t(remoteScreen ? 'call.remoteScreen' : 'call.remoteVideo', { name })}
            className={`remote ${remoteScreen ? 'screen' : ''} ${showRemoteVideo ? '' : 'hidden-video'}`}
            sinkId={speakerId}
            onElement={onRemoteElement}
            testId="remote-video"
          />
        )}
        {challenge && !ringing && (
          <ChallengePrompt challenge={challenge} onDismiss={dismissChallenge} />
        )}
        {!showRemoteVideo && !group && (
          <div className="stage-placeholder">
            <div className={ringing ? 'pulse' : ''}>
              <Avatar name={name} id={peerId} size="xl" />
            </div>
            {ringing ? (
              <>
                <h1>{t('outgoing.calling', { name })}</h1>
                <p className="muted-on-dark">{t('outgoing.ringing')}</p>
              </>
            ) : (
              <>
                <h1>{name}</h1>
                {callType === 'video' && !remoteMedia.video && (
                  <p className="muted-on-dark" data-testid="remote-camera-off">
                    {t('call.cameraOffRemote', { name })}
                  </p>
                )}
                {callType === 'audio' && <p className="muted-on-dark">{t('call.audioOnly')}</p>}
              </>
            )}
          </div>
        )}

        <header className="call-top">
          <div className="call-who">
            <strong>{ringing && group ? t('group.calling', { names: title }) : title}</strong>
            {!ringing && (
              <span className="call-meta">
                <CallTimer since={connectedAt} />
                <span className="dot-sep" aria-hidden="true">
                  ·
                </span>
                <span role="status" data-testid="connection-state">
                  {reconnecting === 'media' || reconnecting === 'peer'
                    ? t('call.reconnecting')
                    : phase === 'connecting' && connectionState !== 'connected'
                      ? t('outgoing.connecting')
                      : t(`call.state.${connectionState}`)}
                </span>
              </span>
            )}
          </div>
          {!ringing && !group && (
            <button
              type="button"
              className={`quality-chip q-${level}`}
              aria-expanded={showStats}
              aria-controls={statsId}
              aria-label={t(showStats ? 'quality.hide' : 'quality.show', {
                level: t(`quality.${level}`),
              })}
              onClick={() => setShowStats((v) => !v)}
            >
              <Icon name="signal" size={16} />
              <span data-testid="quality-level">{t(`quality.${level}`)}</span>
            </button>
          )}
        </header>

        {screenSharing && <SharingBar onStop={toggleShare} />}
        {remoteScreen && showRemoteVideo && !group && (
          <div className="remote-sharing" role="status" data-testid="remote-sharing">
            <Icon name="screenShare" size={16} />
            {t('call.remoteSharing', { name })}
          </div>
        )}
        {!remoteMedia.audio && !ringing && !group && (
          <div className="badge badge-muted" role="status" data-testid="remote-muted">
            <Icon name="micOff" size={16} />
            {t('call.micOffRemote', { name })}
          </div>
        )}
        <RecordingBanners peerName={name} />
        <ReconnectingBanner name={name} />
        {signalingDown && reconnecting !== 'media' && reconnecting !== 'peer' && (
          <div className="banner" role="status">
            {t('call.signalingLost')}
          </div>
        )}
        {deviceError && (
          <div className="banner device-error" role="alert" data-testid="device-error">
            <span>
              {t(`call.deviceError.${deviceError.action}`)}{' '}
              {t(`call.deviceError.${deviceError.reason}`)}
            </span>
            <button
              type="button"
              className="btn btn-icon btn-ghost"
              onClick={() => controller.devices.dismissDeviceError()}
              aria-label={t('call.deviceError.dismiss')}
            >
              <Icon name="close" size={16} />
            </button>
          </div>
        )}
        {showStats && !ringing && <QualityPanel id={statsId} />}

        {callType === 'video' && !group && (
          <div className="pip">
            {cameraEnabled || screenSharing ? (
              <MediaView
                stream={localStream}
                muted
                mirrored={!screenSharing}
                className={screenSharing ? 'screen' : ''}
                label={t(screenSharing ? 'call.localScreen' : 'call.localVideo')}
                testId="local-video"
              />
            ) : (
              <div className="pip-off">
                <Icon name="videoOff" />
                <span className="sr-only">{t('call.cameraOffLocal')}</span>
              </div>
            )}
          </div>
        )}

        {showDevices && <DevicesMenu onClose={closeDevices} />}
        {screenPicker && <ScreenSourcePicker sources={screenPicker} onPick={pickSource} />}

        <nav className="controls" aria-label={t('call.region', { name })}>
          <MediaToggle
            on={micEnabled}
            icons={['mic', 'micOff']}
            labels={[t('call.mute'), t('call.unmute')]}
            shortcut="mute"
            onClick={() => controller.devices.toggleMicrophone()}
          />
          {callType === 'video' && (
            <MediaToggle
              on={cameraEnabled}
              icons={['video', 'videoOff']}
              labels={[t('call.cameraOff'), t('call.cameraOn')]}
              shortcut="camera"
              // While sharing, the camera's sender carries the screen; Stop brings the camera back.
              disabled={!canToggleCamera}
              onClick={() => void controller.devices.toggleCamera()}
            />
          )}
          {canShare && (
            <button
              type="button"
              className={`btn btn-round ${screenSharing ? 'btn-accent' : 'btn-glass'}`}
              aria-pressed={screenSharing}
              aria-label={t(screenSharing ? 'call.stopSharing' : 'call.shareScreen')}
              aria-keyshortcuts={CALL_SHORTCUTS.share.aria}
              title={withShortcut(
                t(screenSharing ? 'call.stopSharing' : 'call.shareScreen'),
                'share',
              )}
              data-testid="share-screen"
              onClick={toggleShare}
            >
              <Icon name="screenShare" size={24} />
            </button>
          )}
          {!group && <RecordButton disabled={ringing || remoteStream === null} />}
          {!ringing && (
            <AddPersonButton
              open={showAdd}
              onClick={() => setShowAdd((v) => !v)}
              buttonRef={addButton}
            />
          )}
          <button
            type="button"
            className="btn btn-round btn-glass"
            aria-label={t('call.devices')}
            aria-expanded={showDevices}
            title={t('call.devices')}
            onClick={() => setShowDevices((v) => !v)}
          >
            <Icon name="settings" size={24} />
          </button>
          <button
            type="button"
            className="btn btn-round btn-danger btn-wide"
            aria-label={ringing ? t('outgoing.cancel') : t('call.hangUp')}
            title={ringing ? t('outgoing.cancel') : t('call.hangUp')}
            onClick={() => void controller.call.hangUp()}
          >
            <Icon name="phoneOff" size={26} />
          </button>
        </nav>
      </section>
      {!ringing && (
        <aside className="security-slot" aria-labelledby="security-title">
          {/* Add person opens here, beside the stage: over it, it hid the tile it rings. */}
          {showAdd && <AddPersonDialog onClose={closeAdd} />}
          <h2 className="security-title" id="security-title">
            <Icon name="shield" size={16} />
            {t('call.security')}
          </h2>
          {callType === 'video' ? (
            <SecurityPanel
              risk={risk}
              onEnabledChange={(on) => controller.call.detection.setEnabled(on)}
              onVerify={(id) => controller.call.detection.verify(id)}
            />
          ) : (
            // The check reads the other person's face: an audio call has none to read.
            <p className="security-note" role="note">
              {t('call.securityAudioOnly')}
            </p>
          )}
          {group ? (
            <p className="security-note" role="note" data-testid="group-extras-note">
              {t('group.extrasHidden')}
            </p>
          ) : (
            <VerificationPanel
              verification={verification}
              onChoose={(result) => controller.call.verification.choose(result)}
            />
          )}
        </aside>
      )}
    </main>
  )
}
