import { type ComponentType, type KeyboardEvent, type PointerEvent, useRef, useState } from 'react';
import type { CheckboxMenuProps } from './checkbox-menu.types';
import { composeRefs } from './compose';

type Impl = ComponentType<CheckboxMenuProps & { defaultOpen: boolean; focusTrigger: boolean }>;

/**
 * A menu of checkboxes (Radix DropdownMenu) whose code loads on demand: until then its trigger is
 * a plain button with the same ARIA (`aria-haspopup="menu"`, `aria-expanded`, `data-state`),
 * also what the server renders. Hovering or focusing it loads the menu; pressing it (pointer,
 * Enter, Space, ArrowDown) loads it and opens it.
 */
export function CheckboxMenu(props: CheckboxMenuProps) {
  const [impl, setImpl] = useState<{ Menu: Impl; open: boolean; focus: boolean } | null>(null);
  const own = useRef<HTMLButtonElement>(null);
  const wantsOpen = useRef(false);
  const loading = useRef(false);

  const load = (open: boolean) => {
    if (open) wantsOpen.current = true;
    if (loading.current) return;
    loading.current = true;
    import('./checkbox-menu.impl').then(
      ({ CheckboxMenuImpl }) =>
        setImpl({
          Menu: CheckboxMenuImpl,
          open: wantsOpen.current,
          focus: own.current !== null && own.current === own.current.ownerDocument.activeElement,
        }),
      () => {
        // Offline or a failed chunk: the next press tries again.
        loading.current = false;
      },
    );
  };

  if (impl) {
    const { Menu } = impl;
    return <Menu {...props} defaultOpen={impl.open} focusTrigger={impl.focus} />;
  }
  return (
    <button
      type="button"
      aria-haspopup="menu"
      aria-expanded={false}
      data-state="closed"
      {...props.triggerProps}
      ref={composeRefs(props.triggerRef, own)}
      onPointerEnter={() => load(false)}
      onFocus={() => load(false)}
      onPointerDown={(event: PointerEvent<HTMLButtonElement>) => {
        if (event.button === 0 && !event.ctrlKey) {
          event.preventDefault();
          load(true);
        }
      }}
      onKeyDown={(event: KeyboardEvent<HTMLButtonElement>) => {
        if (event.key === 'Enter' || event.key === ' ' || event.key === 'ArrowDown') {
          event.preventDefault();
          load(true);
        }
      }}
    >
      {props.trigger}
    </button>
  );
}
