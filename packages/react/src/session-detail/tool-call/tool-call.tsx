import { forwardRef } from 'react';
import { cx } from '../../internal/cx';
import * as Parts from './tool-call.parts';
import type { ToolCallViewProps } from './tool-call.types';

/**
 * An agent's tool call in the tool's own shape: a command with its output as terminal text, a
 * file with its content or the diff of an edit, a URL, a search, an MCP server's tool with its
 * arguments, any other tool's input fields; the raw JSON behind a disclosure. The parts composed
 * with the classes of `styles.css`; hosts that want another layout compose the parts
 * (`ToolCallView.Root`, `.Tool`, `.Subject`, …) themselves.
 */
const DefaultToolCallView = forwardRef<HTMLDivElement, ToolCallViewProps>(function ToolCallView(
  { className, rawOpen, defaultRawOpen, onRawOpenChange, ...props },
  ref,
) {
  return (
    <Parts.Root {...props} ref={ref} className={cx('al-tool-call', className)}>
      <div className="al-tool-call__head">
        <Parts.Tool className="al-tool-call__tool" />
        <Parts.Subject className="al-code al-tool-call__subject" />
      </div>
      <Parts.Details className="al-tool-call__details" />
      <Parts.Body className="al-tool-call__body" />
      <Parts.ErrorText className="al-error" />
      <Parts.Raw
        className="al-tool-call__raw"
        triggerClassName="al-link-button"
        contentClassName="al-tool-call__raw-content"
        open={rawOpen}
        defaultOpen={defaultRawOpen}
        onOpenChange={onRawOpenChange}
      />
    </Parts.Root>
  );
});

export const ToolCallView = Object.assign(DefaultToolCallView, {
  Root: Parts.Root,
  Tool: Parts.Tool,
  Subject: Parts.Subject,
  Details: Parts.Details,
  Body: Parts.Body,
  Error: Parts.ErrorText,
  Raw: Parts.Raw,
});
