import '@auditlane/react/styles.css';
import '@xterm/xterm/css/xterm.css';
import './app.css';
import { createClient } from '@auditlane/client';
import { AuditlaneProvider } from '@auditlane/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';

// Same origin: the panel's server proxies /v1 to Auditlane and signs the calls itself.
const client = createClient({ baseUrl: window.location.origin, token: 'set-by-the-proxy' });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <AuditlaneProvider client={client}>
      <App />
    </AuditlaneProvider>
  </StrictMode>,
);
