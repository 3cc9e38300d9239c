import axe from 'axe-core';

/** Runs axe on an element; returns the violations as readable lines (empty when clean). */
export async function axeViolations(element: Element): Promise<string[]> {
  const results = await axe.run(element, {
    resultTypes: ['violations'],
    // The test page has no landmarks or title of its own; the components are checked.
    rules: { region: { enabled: false }, 'page-has-heading-one': { enabled: false } },
  });
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
