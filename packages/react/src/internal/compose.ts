/**
 * The host's handler first, then ours unless the host called `preventDefault()`: a part's
 * handlers notify the host and can be vetoed.
 */
export function composeHandlers<E extends { defaultPrevented: boolean }>(
  host: ((event: E) => void) | undefined,
  own: (event: E) => void,
): (event: E) => void {
  return (event) => {
    host?.(event);
    if (!event.defaultPrevented) own(event);
  };
}

/** One ref callback setting several refs (a forwarded ref and the part's own). */
export { composeRefs } from '@radix-ui/react-compose-refs';
