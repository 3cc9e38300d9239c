import { createClient } from '@auditlane/client';
import { API } from './handlers';

/** The client every story uses: MSW answers its requests. */
export const storyClient = () => createClient({ baseUrl: API, token: 'tok_story', retries: 0 });
