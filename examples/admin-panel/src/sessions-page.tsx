import type { ExportFormat } from '@auditlane/client';
import { can, useAuditlaneClient, useViewer } from '@auditlane/react';
import { Filters, toListParams, useFiltersSearchParams } from '@auditlane/react/filters';
import { SessionTable } from '@auditlane/react/session-table';
import { useState } from 'react';
import { saveDownload } from './download';
import { navigate } from './router';

/** Every session, filtered and searched, the filters kept in the URL (links and back work). */
export function SessionsPage() {
  const [filters, setFilters] = useFiltersSearchParams({ history: 'push' });
  const params = toListParams(filters);
  return (
    <section aria-labelledby="sessions-title" className="panel__page">
      <div className="panel__title-row">
        <h1 id="sessions-title">Sessions</h1>
      </div>
      <Filters value={filters} onValueChange={setFilters} />
      {/* The table's parts: its toolbar carries the export of what it lists. */}
      <SessionTable.Root
        params={params}
        onRowClick={(session) => navigate(`/sessions/${encodeURIComponent(session.id)}`)}
        height="calc(100vh - 260px)"
        // New sessions (another terminal's `auditlane rec`) appear on their own.
        refreshMs={3_000}
      >
        <SessionTable.Toolbar>
          <SessionTable.Count />
          <SessionTable.Rank />
          <SessionTable.ColumnsMenu />
          <ExportMenu params={params} />
        </SessionTable.Toolbar>
        <SessionTable.Viewport>
          <SessionTable.Table>
            <SessionTable.Header />
            <SessionTable.Body />
          </SessionTable.Table>
          <SessionTable.Status />
        </SessionTable.Viewport>
      </SessionTable.Root>
    </section>
  );
}

const FORMATS: readonly [ExportFormat, string][] = [
  ['csv', 'Export CSV'],
  ['ndjson', 'Export JSON'],
];

/** The filtered sessions with their events, as CSV or NDJSON (streamed by the server). */
function ExportMenu({ params }: { params: ReturnType<typeof toListParams> }) {
  const client = useAuditlaneClient('ExportMenu');
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  // An export is a download: not offered when the server disables downloads or the token may
  // not download (the server would refuse it anyway).
  const viewer = useViewer().viewer;
  if (!viewer) return null;
  if (!viewer.downloadsEnabled || !can(viewer, 'download_recording')) {
    return (
      <p className="panel__note">
        {viewer.downloadsEnabled
          ? 'You do not have permission to export sessions.'
          : 'Exports are off: downloads are disabled on this server.'}
      </p>
    );
  }
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    try {
      const file = await client.sessions.export({ ...params, format });
      await saveDownload(file, `sessions.${format === 'csv' ? 'csv' : 'ndjson'}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="panel__actions">
      {FORMATS.map(([format, label]) => (
        <button
          key={format}
          type="button"
          className="al-button"
          disabled={busy !== null}
          onClick={() => void run(format)}
        >
          {busy === format ? 'Exporting…' : label}
        </button>
      ))}
      {error ? (
        <span role="alert" className="panel__error">
          Export failed: {error}
        </span>
      ) : null}
    </div>
  );
}
