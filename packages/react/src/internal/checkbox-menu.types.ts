import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';

/** One choice of a checkbox menu. */
export interface CheckboxMenuItem {
  key: string;
  label: ReactNode;
  checked: boolean;
  onCheckedChange(checked: boolean): void;
}

export interface CheckboxMenuProps {
  /** The trigger's content. */
  trigger: ReactNode;
  /** The trigger button's own attributes (class, aria-label, data-*). */
  triggerProps?: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children' | 'type'> & {
    [data: `data-${string}`]: string | undefined;
  };
  triggerRef?: Ref<HTMLButtonElement>;
  items: readonly CheckboxMenuItem[];
  align: 'start' | 'end';
}
