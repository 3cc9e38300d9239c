import { forwardRef } from 'react';
import {
  Body,
  Cell,
  ColumnsMenu,
  Count,
  Header,
  HeaderCell,
  Rank,
  Root,
  Row,
  Status,
  Table,
  Toolbar,
  Viewport,
} from './session-table.parts';
import type { SessionTableProps } from './session-table.types';

/**
 * The sessions listing: sortable, virtualised, with column visibility, row selection, infinite
 * scroll through the provider's client (or sessions given directly) and a "rank by
 * significance" mode. A composition of the parts (`SessionTable.Root`, `.Toolbar`, `.Viewport`,
 * `.Table`, `.Header`, `.Body`, `.Status`, ...) for hosts that customise nothing.
 */
const SessionTableDefault = forwardRef<HTMLDivElement, SessionTableProps>(function SessionTable(
  { hideToolbar, 'aria-label': label, ...props },
  ref,
) {
  return (
    <Root {...props} ref={ref}>
      {hideToolbar ? null : <Toolbar />}
      <Viewport>
        <Table aria-label={label}>
          <Header />
          <Body />
        </Table>
        <Status />
      </Viewport>
    </Root>
  );
});

export const SessionTable = Object.assign(SessionTableDefault, {
  Root,
  Toolbar,
  Count,
  Rank,
  ColumnsMenu,
  Viewport,
  Table,
  Header,
  HeaderCell,
  Body,
  Row,
  Cell,
  Status,
});
