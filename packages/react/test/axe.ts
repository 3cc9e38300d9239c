import axe from 'axe-core';

/**
 * Runs axe on an element; returns the violations as readable lines (empty when clean).
 * `skipContrastIn` names a region (the terminal viewport) whose colours are the recording's, not
 * the UI's: colour contrast is checked everywhere else, every other rule everywhere.
 */
export async function axeViolations(
  element: Element,
  options: { skipContrastIn?: string } = {},
): Promise<string[]> {
  // The test page has no landmarks or title of its own; the components are checked.
  const pageRules = { region: { enabled: false }, 'page-has-heading-one': { enabled: false } };
  const skip = options.skipContrastIn;
  const results = await axe.run(element, {
    resultTypes: ['violations'],
    rules: skip ? { ...pageRules, 'color-contrast': { enabled: false } } : pageRules,
  });
  const violations = [...results.violations];
  if (skip) {
    // Excluded by the context, so the terminal's rows (redrawn while axe runs) are never visited.
    const contrast = await axe.run(
      { include: [element], exclude: [skip] },
      { resultTypes: ['violations'], runOnly: { type: 'rule', values: ['color-contrast'] } },
    );
    violations.push(...contrast.violations);
  }
  return violations
    .filter((v) => v.nodes.length > 0)
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
