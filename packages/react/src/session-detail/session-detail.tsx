import { forwardRef } from 'react';
import { cx } from '../internal/cx';
import * as Parts from './session-detail.parts';
import type { SessionDetailHandle, SessionDetailProps } from './session-detail.types';

/**
 * One session: who, where, when and what happened. The parts composed with the classes of
 * `styles.css`: the header, the actions, the meta panel, a slot for the replay, and the
 * activity as a virtualised timeline over the server's pages (filter chips, text filter,
 * "next blocked / pending / masked", runs of one shape expandable). Recorded content is rendered
 * as text, never as HTML. The ref is the handle (`seekTo`); hosts that want another layout
 * compose the parts (`SessionDetail.Root`, `.Header`, `.Activity`, …) themselves.
 */
const DefaultSessionDetail = forwardRef<SessionDetailHandle, SessionDetailProps>(
  function SessionDetail({ className, replay, ...props }, ref) {
    return (
      <Parts.Root {...props} handleRef={ref} className={cx('al-session-detail', className)}>
        <Parts.Header className="al-session-detail__header">
          <Parts.Title className="al-session-detail__title" />
          <Parts.Status className="al-badge al-status" />
          <Parts.LiveBadge className="al-live" />
        </Parts.Header>
        <Parts.Actions className="al-session-detail__actions" />
        <Parts.Meta className="al-session-detail__meta" />
        {replay ? <div className="al-session-detail__replay">{replay}</div> : null}
        <Parts.Activity className="al-activity">
          <h3 className="al-activity__title">
            <ActivityTitle />
          </h3>
          <Parts.ActivityToolbar
            className="al-activity__toolbar"
            chipClassName="al-chip"
            inputClassName="al-input"
            buttonClassName="al-button"
          />
          <Parts.ActivityList
            className="al-activity__scroll"
            listClassName="al-timeline"
            entryClassName="al-timeline__item"
          />
        </Parts.Activity>
      </Parts.Root>
    );
  },
);

function ActivityTitle() {
  return <>{Parts.useSessionDetailContext('Activity').messages.sessionDetail.activity}</>;
}

export const SessionDetail = Object.assign(DefaultSessionDetail, {
  Root: Parts.Root,
  Header: Parts.Header,
  Title: Parts.Title,
  Status: Parts.Status,
  LiveBadge: Parts.LiveBadge,
  Meta: Parts.Meta,
  Actions: Parts.Actions,
  Activity: Parts.Activity,
  ActivityToolbar: Parts.ActivityToolbar,
  NextMark: Parts.NextMark,
  ActivityList: Parts.ActivityList,
  Entry: Parts.Entry,
});
