// The revoke confirmation (Radix AlertDialog): loaded on demand by SessionDetail's Revoke button.
import * as AlertDialog from 'radix-ui/alert-dialog';
import { useState } from 'react';
import type { SessionDetailMessageGroups as Messages } from '../provider/session-detail.messages';
import type { UseSessionDetailResult } from './use-session-detail';

export function RevokeDialog({
  detail,
  messages,
  defaultOpen,
}: {
  detail: UseSessionDetailResult;
  messages: Messages;
  defaultOpen: boolean;
}) {
  const m = messages.sessionDetail;
  const [reason, setReason] = useState('');
  return (
    <AlertDialog.Root defaultOpen={defaultOpen}>
      <AlertDialog.Trigger className="al-button al-button--danger">{m.revoke}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="al-dialog__overlay" />
        <AlertDialog.Content className="al-dialog">
          <AlertDialog.Title className="al-dialog__title">{m.revokeTitle}</AlertDialog.Title>
          <AlertDialog.Description className="al-dialog__description">
            {m.revokeDescription}
          </AlertDialog.Description>
          <label className="al-dialog__field">
            {m.revokeReason}
            <input
              className="al-input"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={2000}
            />
          </label>
          <div className="al-dialog__buttons">
            <AlertDialog.Cancel className="al-button">{m.cancel}</AlertDialog.Cancel>
            <AlertDialog.Action
              className="al-button al-button--danger"
              onClick={() => detail.revoke(reason.trim() || undefined)}
            >
              {m.revokeConfirm}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
