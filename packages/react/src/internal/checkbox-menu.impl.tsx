// The menu itself (Radix DropdownMenu, its popper and layers): loaded on demand by
// CheckboxMenu when a trigger is first hovered, focused or pressed.
import * as DropdownMenu from 'radix-ui/dropdown-menu';
import { useEffect, useRef } from 'react';
import type { CheckboxMenuProps } from './checkbox-menu.types';
import { composeRefs } from './compose';
import { CheckIcon } from './icons';

export function CheckboxMenuImpl({
  trigger,
  triggerProps,
  triggerRef,
  items,
  align,
  defaultOpen,
  focusTrigger,
}: CheckboxMenuProps & { defaultOpen: boolean; focusTrigger: boolean }) {
  const own = useRef<HTMLButtonElement>(null);
  // The button replaced the placeholder that had the focus: it keeps it.
  useEffect(() => {
    if (focusTrigger && !defaultOpen) own.current?.focus();
  }, [focusTrigger, defaultOpen]);
  return (
    <DropdownMenu.Root modal={false} defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger {...triggerProps} ref={composeRefs(triggerRef, own)}>
        {trigger}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="al-menu" align={align} sideOffset={4}>
          {items.map((item) => (
            <DropdownMenu.CheckboxItem
              key={item.key}
              className="al-menu__item"
              checked={item.checked}
              onCheckedChange={item.onCheckedChange}
              // Several can be picked without reopening the menu.
              onSelect={(event) => event.preventDefault()}
            >
              <DropdownMenu.ItemIndicator className="al-menu__indicator">
                <CheckIcon />
              </DropdownMenu.ItemIndicator>
              {item.label}
            </DropdownMenu.CheckboxItem>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
