import '@auditlane/react/styles.css';
import type { Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';

const preview: Preview = {
  loaders: [mswLoader()],
  parameters: { layout: 'padded' },
  globalTypes: {
    theme: {
      description: 'Light or dark theme (data-al-theme)',
      toolbar: { icon: 'mirror', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  decorators: [
    (Story, context) => {
      // On <html> too, so menus and dialogs (portalled to <body>) follow the theme.
      document.documentElement.setAttribute('data-al-theme', context.globals.theme);
      return (
        <div
          data-al-theme={context.globals.theme}
          style={{ background: 'var(--al-bg)', color: 'var(--al-fg)', padding: 16 }}
        >
          <Story />
        </div>
      );
    },
  ],
};

export default preview;
