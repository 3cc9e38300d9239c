import { type ForwardedRef, forwardRef, type ReactNode, type Ref, useId } from 'react';
import { cx } from './cx';

export interface SegmentedOption<T extends string> {
  value: T;
  label: ReactNode;
}

export interface SegmentedProps<T extends string> {
  options: readonly SegmentedOption<T>[];
  /** The chosen option, or none. */
  value: T | undefined;
  onValueChange: (next: T | undefined) => void;
  /** A press on the chosen option clears the choice (`onValueChange(undefined)`). */
  clearable?: boolean;
  className?: string;
  'aria-label'?: string;
  'aria-labelledby'?: string;
}

/**
 * A single choice among a few options shown side by side: native radio buttons in a
 * `role="radiogroup"` (one tab stop, arrow keys move and choose, as the browser does for radios),
 * each inside its label (`al-segmented__item`, `data-state="on|off"`). The inputs cover their
 * labels without a look of their own, so the focus ring is theirs and the styles the label's.
 * With `clearable`, a click on the chosen option or Space on it clears the choice.
 */
function SegmentedImpl<T extends string>(
  { options, value, onValueChange, clearable = false, className, ...aria }: SegmentedProps<T>,
  ref: ForwardedRef<HTMLDivElement>,
) {
  const name = useId();
  return (
    <div {...aria} ref={ref} role="radiogroup" className={cx('al-segmented', className)}>
      {options.map((option) => {
        const on = option.value === value;
        const state = on ? 'on' : 'off';
        return (
          <label key={option.value} className="al-segmented__item" data-state={state}>
            <input
              type="radio"
              className="al-segmented__input"
              name={name}
              value={option.value}
              checked={on}
              data-state={state}
              onChange={() => onValueChange(option.value)}
              // A radio already chosen sends no change event: a press on it clears the choice.
              onClick={() => {
                if (on && clearable) onValueChange(undefined);
              }}
              onKeyDown={(event) => {
                // Enter on a radio submits a host's form around it: the buttons this replaces
                // did not.
                if (event.key === 'Enter') event.preventDefault();
                // Space on the chosen radio sends no click (Chromium): it clears here, and the
                // key's default is stopped so no click after the clear chooses it again.
                else if (event.key === ' ' && on && clearable) {
                  event.preventDefault();
                  onValueChange(undefined);
                }
              }}
            />
            {option.label}
          </label>
        );
      })}
    </div>
  );
}

export const Segmented = forwardRef(SegmentedImpl) as <T extends string>(
  props: SegmentedProps<T> & { ref?: Ref<HTMLDivElement> },
) => ReturnType<typeof SegmentedImpl>;
