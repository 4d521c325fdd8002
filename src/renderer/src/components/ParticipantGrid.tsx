import { useCallback, useMemo, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { nameOf } from '../store/selectors.js'
import { remoteTiles, type RemoteTile } from '../store/tiles.js'
import { RiskBadge } from '../detection/RiskBadge.js'
import { Avatar } from './Avatar.js'
import { Icon } from './Icon.js'
import { MediaView } from './MediaView.js'

/** Mic and camera state under a tile's name: shown only when off. */
function MediaFlags({ audio, video }: { audio: boolean; video: boolean }): ReactElement {
  const { t } = useTranslation()
  return (
    <span className="tile-flags">
      {!audio && (
        <span className="tile-flag" data-testid="tile-muted" title={t('group.micOff')}>
          <Icon name="micOff" size={16} />
          <span className="sr-only">{t('group.micOff')}</span>
        </span>
      )}
      {!video && (
        <span className="tile-flag" data-testid="tile-camera-off" title={t('group.cameraOff')}>
          <Icon name="videoOff" size={16} />
          <span className="sr-only">{t('group.cameraOff')}</span>
        </span>
      )}
    </span>
  )
}

function RemoteTileView({
  tile,
  video,
  speakerId,
}: {
  tile: RemoteTile
  video: boolean
  speakerId: string | null
}): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const name = nameOf(tile.user)
  const media = tile.live?.media ?? { audio: true, video }
  const stream = tile.live?.stream ?? null
  const showVideo = video && media.video && stream !== null && tile.state !== 'ringing'
  const id = tile.id
  // Each tile's <video> is that person's face for the face check (a session per face).
  const onElement = useCallback(
    (el: HTMLVideoElement | null) => controller.call.detection.setVideo(id, el),
    [controller, id],
  )
  const state = t(`group.state.${tile.state}`)
  return (
    <li
      className={`tile tile-${tile.state}`}
      data-testid="peer-tile"
      data-peer-id={id}
      data-state={tile.state}
      aria-label={t('group.tile', { name, state })}
    >
      {/* Audio plays from here even when the video is hidden (camera off, audio call). */}
      <MediaView
        stream={stream}
        label={t('call.remoteVideo', { name })}
        className={showVideo ? '' : 'hidden-video'}
        sinkId={speakerId}
        onElement={onElement}
        testId="peer-video"
      />
      {!showVideo && (
        <div className="tile-placeholder">
          <div className={tile.state === 'ringing' ? 'pulse' : ''}>
            <Avatar name={name} id={id} size="lg" />
          </div>
        </div>
      )}
      <div className="tile-risk">
        <RiskBadge peerId={id} />
      </div>
      <div className="tile-label">
        <span className="tile-name">{name}</span>
        <MediaFlags audio={media.audio} video={!video || media.video} />
        <span className={`tile-state s-${tile.state}`} role="status">
          {state}
        </span>
      </div>
    </li>
  )
}

/** You and up to three others, 2 to 4 tiles that share the stage (group calls). */
export function ParticipantGrid(): ReactElement {
  const { t } = useTranslation()
  const call = useApp((s) => s.call)
  const peers = useApp((s) => s.peers)
  const selfId = useApp((s) => s.user?.id ?? '')
  const selfName = useApp((s) => nameOf(s.user))
  const localStream = useApp((s) => s.localStream)
  const micEnabled = useApp((s) => s.micEnabled)
  const cameraEnabled = useApp((s) => s.cameraEnabled)
  const callType = useApp((s) => s.callType)
  const speakerId = useApp((s) => s.speakerId)
  const tiles = useMemo(() => remoteTiles(call, peers, selfId), [call, peers, selfId])
  const video = callType === 'video'
  const showLocal = video && cameraEnabled
  return (
    <ul className="grid" data-count={tiles.length + 1} aria-label={t('group.tiles')}>
      <li className="tile tile-self" data-testid="self-tile" aria-label={t('group.you')}>
        {showLocal ? (
          <MediaView
            stream={localStream}
            muted
            mirrored
            label={t('call.localVideo')}
            testId="local-video"
          />
        ) : (
          <div className="tile-placeholder">
            <Avatar name={selfName} id={selfId} size="lg" />
          </div>
        )}
        <div className="tile-label">
          <span className="tile-name">{t('group.you')}</span>
          <MediaFlags audio={micEnabled} video={!video || cameraEnabled} />
        </div>
      </li>
      {tiles.map((tile) => (
        <RemoteTileView key={tile.id} tile={tile} video={video} speakerId={speakerId} />
      ))}
    </ul>
  )
}
