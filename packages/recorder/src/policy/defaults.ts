import type { Rule } from './rules';

/**
 * Built-in rules, checked after a policy's own. They hold with no configuration: an agent's Bash
 * call running `psql -c "DROP TABLE customers"` is blocked out of the box.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  {
    id: 'sql-drop',
    verdict: 'block',
    reason: 'DROP and TRUNCATE destroy data',
    match: { sql: ['drop', 'drop_database', 'truncate'] },
  },
  {
    id: 'sql-unbounded-write',
    verdict: 'block',
    reason: 'DELETE or UPDATE without WHERE changes every row',
    match: { sql: ['delete_all', 'update_all'] },
  },
  {
    id: 'sql-copy-program',
    verdict: 'block',
    reason: 'COPY ... PROGRAM runs a shell command on the database server',
    match: { sql: ['copy_program'] },
  },
  {
    id: 'sql-ddl-production',
    verdict: 'review',
    reason: 'schema and permission changes in production need a reviewer',
    match: { sql: ['alter', 'grant', 'revoke', 'dynamic'], environment: ['production'] },
  },
  {
    id: 'sql-write-production',
    verdict: 'review',
    reason: 'writes in production need a reviewer',
    match: { sql: ['update', 'delete', 'merge'], environment: ['production'] },
  },
  {
    id: 'rm-root',
    verdict: 'block',
    reason: 'recursive delete of a root, home or working directory',
    match: {
      command: [
        'rm -rf /',
        'rm -rf /*',
        'rm -rf ~',
        'rm -rf ~/',
        'rm -rf .',
        'rm -rf *',
        'find / -delete',
      ],
    },
  },
  {
    id: 'disk-wipe',
    verdict: 'block',
    reason: 'formats or wipes a disk',
    match: {
      command: ['mkfs', 'mkfs.ext4', 'mkfs.xfs', 'mkfs.btrfs', 'mkfs.vfat', 'wipefs', 'shred'],
    },
  },
  {
    id: 'terraform-destroy-production',
    verdict: 'block',
    reason: 'terraform destroy in production',
    match: {
      command: ['terraform destroy', 'terraform apply -destroy'],
      environment: ['production'],
    },
  },
  {
    id: 'terraform-destroy',
    verdict: 'review',
    reason: 'terraform destroy needs a reviewer',
    match: { command: ['terraform destroy', 'terraform apply -destroy'] },
  },
  {
    id: 'cluster-delete-production',
    verdict: 'review',
    reason: 'deleting cluster resources in production needs a reviewer',
    match: {
      command: ['kubectl delete', 'kubectl drain', 'helm uninstall', 'helm delete'],
      environment: ['production'],
    },
  },
  {
    id: 'rm-rf-production',
    verdict: 'review',
    reason: 'recursive delete in production needs a reviewer',
    match: { command: ['rm -rf'], environment: ['production'] },
  },
  {
    id: 'git-force-push',
    verdict: 'review',
    reason: 'force push rewrites shared history',
    match: { command: ['git push --force', 'git push -f'] },
  },
  {
    id: 'environment-dump',
    verdict: 'mask',
    reason: 'prints the environment, which holds secrets',
    match: { command: ['printenv', 'env'] },
  },
];
