import axe from 'axe-core';

/** Runs axe on an element; returns the violations as readable lines (empty when clean). */
export async function axeViolations(
  element: Element,
  options: { skipContrastIn?: string } = {},
): Promise<string[]> {
  const results = await axe.run(element, {
    resultTypes: ['violations'],
    // The test page has no landmarks or title of its own; the components are checked.
    rules: { region: { enabled: false }, 'page-has-heading-one': { enabled: false } },
  });
  // The colours of recorded terminal output are the recording's, not the UI's.
  const skip = options.skipContrastIn;
  return results.violations
    .map((v) =>
      v.id === 'color-contrast' && skip
        ? { ...v, nodes: v.nodes.filter((n) => !n.target.join(' ').includes('xterm')) }
        : v,
    )
    .filter((v) => v.nodes.length > 0)
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
