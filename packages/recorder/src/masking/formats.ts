/**
 * Token formats the gitleaks ruleset has no rule for, or finds only next to the provider's name
 * (its keyword rules need `newrelic… =` before an `NRAK-` key), written from the providers'
 * documentation of their formats (`source` names the page). A token with a prefix and a random
 * body is also found by the entropy check (`looksPrefixedRandom`); these are the formats whose
 * body does not look random enough alone (a UUID, one case of letters, a suffix after the key).
 */
import type { Detector } from './detectors';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** Not inside a longer token. */
const START = '(?<![A-Za-z0-9_-])';
const END = '(?![A-Za-z0-9_])';

function format(
  id: string,
  needles: string[],
  body: string,
  source: string,
  ignoreCase = false,
): Detector {
  const lower = needles.map((n) => n.toLowerCase());
  const starts = body.split('|').map((a) => a.replace(/\\(.)/g, '$1').toLowerCase());
  return {
    id,
    // Needles are found without case; the pattern keeps it unless `ignoreCase`.
    needles: lower,
    caseInsensitive: true,
    // Tried only at the needle when every needle is where a match starts.
    anchored: lower.every((n) => starts.some((a) => a.startsWith(n))),
    pattern: new RegExp(`${START}(?:${body})${END}`, ignoreCase ? 'gi' : 'g'),
    extend: true,
    source,
  };
}

export const FORMAT_DETECTORS: readonly Detector[] = [
  format(
    'aws-appsync-api-key',
    ['da2-'],
    'da2-[a-z0-9]{26}',
    'docs.aws.amazon.com/appsync (API keys: da2-…)',
  ),
  format(
    'sentry-org-auth-token',
    ['sntrys_'],
    'sntrys_eyJ[A-Za-z0-9+/]{20,600}={0,2}_[A-Za-z0-9+/]{43}',
    'docs.sentry.io/account/auth-tokens (organization tokens sntrys_<base64 JSON>_<secret>)',
  ),
  format(
    'bitbucket-data-center-token',
    ['bbdc-'],
    'BBDC-[A-Za-z0-9+/@_-]{40,}',
    'confluence.atlassian.com/bitbucketserver (HTTP access tokens BBDC-…)',
  ),
  format(
    'stripe-webhook-secret',
    ['whsec_'],
    'whsec_[A-Za-z0-9]{24,}',
    'docs.stripe.com/webhooks (signing secret whsec_…)',
  ),
  format(
    'openrouter-api-key',
    ['sk-or-'],
    'sk-or-v\\d-[0-9a-f]{64}',
    'openrouter.ai/docs (keys sk-or-v1-…)',
  ),
  format('groq-api-key', ['gsk_'], 'gsk_[A-Za-z0-9]{48,56}', 'console.groq.com/docs (keys gsk_…)'),
  format(
    'huggingface-token',
    ['hf_'],
    'hf_[A-Za-z0-9]{30,40}',
    'huggingface.co/docs/hub/security-tokens (hf_…)',
  ),
  format(
    'langsmith-api-key',
    ['lsv2_'],
    'lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}',
    'docs.smith.langchain.com (lsv2_pt_…, lsv2_sk_…)',
  ),
  format(
    'nuget-api-key',
    ['oy2'],
    'oy2[a-z0-9]{43}',
    'learn.microsoft.com/nuget (API keys oy2…, 46 characters)',
  ),
  format(
    'mailgun-api-key',
    ['key-'],
    'key-[a-z0-9]{32}',
    'documentation.mailgun.com (private API key key-…)',
  ),
  format(
    'mailchimp-key',
    ['-us'],
    '[0-9a-f]{32}-us\\d{1,2}',
    'mailchimp.com/developer (API key <32 hex>-usN)',
  ),
  format(
    'vault-token',
    ['hvs.', 'hvb.', 'hvr.'],
    'hv[sbr]\\.[A-Za-z0-9_-]{24,}',
    'developer.hashicorp.com/vault/docs/concepts/tokens (hvs., hvb., hvr.)',
  ),
  format(
    'atlassian-token',
    ['atatt'],
    'ATATT[A-Za-z0-9_=-]{100,}',
    'support.atlassian.com (API tokens ATATT…)',
  ),
  format(
    'circleci-token',
    ['ccipat_', 'cciprj_'],
    'CCIP(?:AT|RJ)_[A-Za-z0-9]{20,}_[0-9a-f]{40}',
    'circleci.com/docs/managing-api-tokens (CCIPAT_…, CCIPRJ_…)',
  ),
  format(
    'buildkite-token',
    ['bkua_', 'bkct_'],
    'bk(?:ua|ct)_[0-9a-f]{40}',
    'buildkite.com/docs/apis/managing-api-tokens (bkua_…)',
  ),
  format(
    'figma-token',
    ['figd_', 'figu_'],
    'fig[du]_[A-Za-z0-9_-]{30,}',
    'figma.com/developers/api (personal access tokens figd_…)',
  ),
  format(
    'flutterwave-secret',
    ['flwseck'],
    'FLWSECK(?:_TEST)?-[0-9a-fA-F]{32}-X',
    'developer.flutterwave.com (FLWSECK-…-X)',
  ),
  format(
    'hubspot-private-app-token',
    ['pat-'],
    `pat-(?:na|eu|ap)\\d-${UUID}`,
    'developers.hubspot.com (private app tokens pat-na1-…)',
  ),
  format(
    'launchdarkly-key',
    ['api-', 'sdk-', 'mob-'],
    `(?:api|sdk|mob)-${UUID}`,
    'docs.launchdarkly.com/home/account/api (api-…, sdk-…, mob-…)',
  ),
  format(
    'new-relic-key',
    ['nrak-', 'nrii-', 'nrjs-'],
    'NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}',
    'docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys (NRAK-, NRII-, NRJS-)',
  ),
  format(
    'notion-token',
    ['secret_', 'ntn_'],
    'secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50}',
    'developers.notion.com/docs/authorization (secret_…, ntn_…)',
  ),
  format(
    'posthog-personal-key',
    ['phx_'],
    'phx_[A-Za-z0-9]{40,}',
    'posthog.com/docs/api (personal API keys phx_…)',
  ),
  format(
    'sonar-token',
    ['sqa_', 'squ_', 'sqp_'],
    'sq[aup]_[0-9a-f]{40}',
    'docs.sonarsource.com (tokens sqa_, squ_, sqp_)',
  ),
  format(
    'supabase-token',
    ['sbp_', 'sb_secret_'],
    'sbp_[0-9a-f]{40}|sb_secret_[A-Za-z0-9_-]{20,}',
    'supabase.com/docs (access tokens sbp_…, secret keys sb_secret_…)',
  ),
  format(
    'telegram-bot-token',
    [':aa'],
    '\\d{8,12}:AA[A-Za-z0-9_-]{33}',
    'core.telegram.org/bots/api (<bot id>:AA…)',
  ),
  format(
    'typeform-token',
    ['tfp_'],
    'tfp_[A-Za-z0-9_.=-]{40,}',
    'typeform.com/developers (personal tokens tfp_…)',
  ),
  format(
    'adafruit-io-key',
    ['aio_'],
    'aio_[A-Za-z0-9]{28}',
    'io.adafruit.com/api/docs (keys aio_…)',
  ),
  format(
    'zoho-token',
    ['1000.'],
    '1000\\.[0-9a-f]{32}\\.[0-9a-f]{32}',
    'zoho.com/accounts/protocol/oauth (access and refresh tokens 1000.…)',
  ),
  format(
    'discord-webhook',
    ['discord.com/api/webhooks', 'discordapp.com/api/webhooks'],
    'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,}',
    'discord.com/developers/docs/resources/webhook',
    true,
  ),
  format(
    'zapier-webhook',
    ['hooks.zapier.com/hooks/'],
    'https://hooks\\.zapier\\.com/hooks/catch/\\d+/[A-Za-z0-9]+/?',
    'zapier.com/help (Webhooks by Zapier: catch hook URLs)',
    true,
  ),
  format(
    'teams-webhook',
    ['.webhook.office.com/', 'outlook.office.com/webhook', '.logic.azure.com'],
    'https://[\\w.-]{1,100}\\.webhook\\.office\\.com/webhook(?:b2)?/[^\\s"\'<>]{40,}|https://outlook\\.office(?:365)?\\.com/webhook/[^\\s"\'<>]{40,}|https://[\\w.-]{1,100}\\.logic\\.azure\\.com(?::\\d+)?/workflows/[^\\s"\'<>]{20,}sig=[A-Za-z0-9_%-]{20,}',
    'learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors',
    true,
  ),
  {
    id: 'azure-connection-string-secret',
    needles: ['secret=', 'sharedaccesskey=', 'accountkey='],
    caseInsensitive: true,
    // Endpoint=https://x.azconfig.io;Id=…;Secret=… (App Configuration), …;SharedAccessKey=…
    // (Service Bus, Event Hubs), …;AccountKey=… (Storage): the key.
    pattern: /\b(?:Secret|SharedAccessKey|AccountKey)=([A-Za-z0-9+/]{20,}={0,2})/gi,
    source: 'learn.microsoft.com/azure/azure-app-configuration (connection strings)',
  },
  {
    id: 'azure-connection-string-secret',
    needles: [';id='],
    caseInsensitive: true,
    // The credential's Id before its Secret.
    pattern: /;Id=([^;\s"']{4,200});Secret=/gi,
    source: 'learn.microsoft.com/azure/azure-app-configuration (connection strings)',
  },
];
