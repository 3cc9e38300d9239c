import { replayMessages } from '../replay/replay.messages';
import { toolCallMessages } from '../session-detail/tool-call/tool-call.messages';
import { commonMessages } from './common.messages';
import { deepFreeze } from './deep-freeze';
import { filtersMessages } from './filters.messages';
import type { Messages } from './messages';
import { sessionDetailMessages } from './session-detail.messages';
import { sessionTableMessages } from './session-table.messages';

/**
 * The English messages (the default): frozen, every group and record in it, so no host can
 * change them for every other component on the page. Translate with `mergeMessages` or a
 * `messages` prop instead, which make new objects. Every group: the components each bring only the groups they
 * show, so this is bundled only where a host imports it.
 */
export const defaultMessages: Messages = /* @__PURE__ */ deepFreeze<Messages>({
  common: commonMessages,
  sessionTable: sessionTableMessages,
  filters: filtersMessages,
  sessionDetail: sessionDetailMessages,
  toolCall: toolCallMessages,
  replay: replayMessages,
});
