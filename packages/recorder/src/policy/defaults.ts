import type { PolicyVerdict, Rule } from './rules';

/**
 * A built-in rule and its verdict per environment: `production` (`prod` too) and every other
 * environment (or none given). `allow` there means the rule does not apply.
 */
export interface DefaultRule {
  id: string;
  /** What it catches, for the README's table. */
  title: string;
  reason: string;
  match: Omit<Rule['match'], 'environment'>;
  production: PolicyVerdict;
  otherwise: PolicyVerdict;
}

/**
 * The built-in rules, most severe first (the first rule that matches decides). They hold with no
 * configuration: an agent's Bash call running `psql -c "DROP TABLE customers"` is blocked out of
 * the box. The README's defaults table is generated from this list.
 */
export const DEFAULT_RULE_SET: readonly DefaultRule[] = [
  {
    id: 'sql-drop',
    title: 'DROP and TRUNCATE',
    reason: 'DROP and TRUNCATE destroy data',
    match: { sql: ['drop', 'drop_database', 'truncate'] },
    production: 'block',
    otherwise: 'block',
  },
  {
    id: 'sql-unbounded-write',
    title: 'DELETE or UPDATE without WHERE',
    reason: 'DELETE or UPDATE without WHERE changes every row',
    match: { sql: ['delete_all', 'update_all'] },
    production: 'block',
    otherwise: 'block',
  },
  {
    id: 'sql-copy-program',
    title: 'COPY … PROGRAM',
    reason: 'COPY ... PROGRAM runs a shell command on the database server',
    match: { sql: ['copy_program'] },
    production: 'block',
    otherwise: 'block',
  },
  {
    id: 'rm-root',
    title: 'recursive delete of a root, home or working directory',
    reason: 'recursive delete of a root, home or working directory',
    match: { shell: ['delete_root'] },
    production: 'block',
    otherwise: 'block',
  },
  {
    id: 'disk-wipe',
    title: 'writing to or formatting a disk',
    reason: 'formats or wipes a disk',
    match: { shell: ['disk_write'] },
    production: 'block',
    otherwise: 'block',
  },
  {
    id: 'permission-root',
    title: 'recursive chmod/chown of a root',
    reason: 'recursive permission change of a root or system directory',
    match: { shell: ['permission_root'] },
    production: 'block',
    otherwise: 'block',
  },
  {
    id: 'remote-code',
    title: 'running a download in a shell',
    reason: 'runs code downloaded from the network',
    match: { shell: ['remote_code'] },
    production: 'block',
    otherwise: 'review',
  },
  {
    id: 'cloud-destroy',
    title: 'destroying cloud, cluster or container data',
    reason: 'destroys cloud, cluster or container data',
    match: { shell: ['cloud_destroy'] },
    production: 'block',
    otherwise: 'review',
  },
  {
    id: 'git-history-rewrite',
    title: 'force push and deleting remote refs',
    reason: 'rewrites shared history',
    match: { shell: ['history_rewrite'] },
    production: 'review',
    otherwise: 'review',
  },
  {
    id: 'sql-ddl-production',
    title: 'schema and permission changes',
    reason: 'schema and permission changes in production need a reviewer',
    match: { sql: ['create', 'alter', 'grant', 'revoke', 'role', 'dynamic'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'sql-write-production',
    title: 'writes',
    reason: 'writes in production need a reviewer',
    match: { sql: ['insert', 'update', 'delete', 'merge'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'sql-side-effect-production',
    title: 'functions with side effects, user functions, server files',
    reason:
      'a function that changes something, a user function whose body is not seen, or a file on the database server, in production, needs a reviewer',
    match: { sql: ['side_effect', 'user_function', 'copy_file'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'cluster-delete-production',
    title: 'deleting cluster resources',
    reason: 'deleting cluster resources in production needs a reviewer',
    match: { command: ['kubectl delete', 'kubectl drain', 'helm uninstall', 'helm delete'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'rm-rf-production',
    title: 'recursive delete',
    reason: 'recursive delete in production needs a reviewer',
    match: { command: ['rm -rf'], shell: ['delete_recursive'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'discard-work-production',
    title: 'discarding a checkout’s work',
    reason: 'git reset --hard or git clean in production needs a reviewer',
    match: { shell: ['discard_work'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'file-wipe-production',
    title: 'destroying file contents',
    reason: 'shred or truncate in production needs a reviewer',
    match: { shell: ['file_wipe'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'container-prune-production',
    title: 'pruning containers and images',
    reason: 'pruning containers and images in production needs a reviewer',
    match: { shell: ['container_prune'] },
    production: 'review',
    otherwise: 'allow',
  },
  {
    id: 'environment-dump',
    title: 'printing the environment',
    reason: 'prints the environment, which holds secrets',
    match: { command: ['printenv', 'env'] },
    production: 'mask',
    otherwise: 'mask',
  },
];

/** A default rule as policy rules: one, or a production rule (`<id>-production`) and one for elsewhere. */
export function expandDefaultRule(d: DefaultRule): Rule[] {
  const base = { reason: d.reason };
  if (d.production === d.otherwise)
    return [{ id: d.id, verdict: d.production, ...base, match: d.match }];
  const production: Rule = {
    id: d.otherwise === 'allow' || d.id.endsWith('-production') ? d.id : `${d.id}-production`,
    verdict: d.production,
    ...base,
    match: { ...d.match, environment: ['production'] },
  };
  if (d.otherwise === 'allow') return [production];
  return [production, { id: d.id, verdict: d.otherwise, ...base, match: d.match }];
}

/** Built-in rules, checked after a policy's own. */
export const DEFAULT_RULES: readonly Rule[] = DEFAULT_RULE_SET.flatMap(expandDefaultRule);
