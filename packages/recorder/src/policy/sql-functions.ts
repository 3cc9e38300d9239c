/**
 * Functions that change something when a query calls them, however read-only the query looks:
 * the one list the SQL analyzer reads (`side_effect`), kept by what they touch. A function of
 * PostgreSQL or its contrib extensions that is not here reads only; a function that is neither
 * here nor built in is a user function (`user_function`), whose body the policy cannot see.
 */
export const SIDE_EFFECT_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  'files on the database server': [
    'pg_read_file',
    'pg_read_binary_file',
    'pg_ls_dir',
    'pg_stat_file',
    'pg_ls_logdir',
    'pg_ls_waldir',
    'pg_ls_tmpdir',
    'pg_ls_archive_statusdir',
    'pg_ls_logicalsnapdir',
    'pg_ls_logicalmapdir',
    'pg_ls_replslotdir',
    'pg_ls_summariesdir',
    'pg_file_write',
    'pg_file_rename',
    'pg_file_unlink',
    'pg_file_sync',
    'pg_logdir_ls',
    'lo_import',
    'lo_export',
  ],
  'large objects': [
    'lo_unlink',
    'lo_create',
    'lo_creat',
    'lo_put',
    'lo_from_bytea',
    'lo_truncate',
    'lo_truncate64',
    'lowrite',
    'lo_manage',
  ],
  'other sessions and the server': [
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'pg_promote',
    'pg_wal_replay_pause',
    'pg_wal_replay_resume',
    'pg_import_system_collations',
  ],
  settings: ['set_config'],
  sequences: ['nextval', 'setval'],
  'other databases': [
    'dblink',
    'dblink_exec',
    'dblink_connect',
    'dblink_connect_u',
    'dblink_send_query',
    'dblink_open',
  ],
  'queries given as text': ['query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema'],
  'backups, WAL and replication': [
    'pg_switch_wal',
    'pg_create_restore_point',
    'pg_backup_start',
    'pg_backup_stop',
    'pg_start_backup',
    'pg_stop_backup',
    'pg_create_physical_replication_slot',
    'pg_create_logical_replication_slot',
    'pg_drop_replication_slot',
    'pg_copy_physical_replication_slot',
    'pg_copy_logical_replication_slot',
    'pg_replication_slot_advance',
    'pg_logical_slot_get_changes',
    'pg_logical_slot_get_binary_changes',
    'pg_logical_emit_message',
    'pg_sync_replication_slots',
    'pg_replication_origin_create',
    'pg_replication_origin_drop',
    'pg_replication_origin_advance',
    'pg_replication_origin_session_setup',
    'pg_replication_origin_session_reset',
    'pg_replication_origin_xact_setup',
  ],
  statistics: [
    'pg_stat_reset',
    'pg_stat_reset_shared',
    'pg_stat_reset_single_table_counters',
    'pg_stat_reset_single_function_counters',
    'pg_stat_reset_slru',
    'pg_stat_reset_replication_slot',
    'pg_stat_reset_subscription_stats',
    'pg_stat_reset_backend_stats',
    'pg_stat_statements_reset',
    'pg_restore_relation_stats',
    'pg_restore_attribute_stats',
    'pg_clear_relation_stats',
    'pg_clear_attribute_stats',
  ],
};

/**
 * MySQL's and SQLite's functions that reach outside the query (files, libraries). Other
 * functions of theirs are not `user_function`: PostgreSQL's catalog does not know them.
 */
export const DIALECT_SIDE_EFFECT_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  mysql: ['load_file', 'sys_exec', 'sys_eval', 'get_lock', 'release_all_locks'],
  sqlite: ['load_extension', 'writefile', 'readfile', 'edit', 'fts3_tokenizer'],
};

/** Functions whose text arguments are SQL they run: parsed like the query around them. */
export const SQL_TEXT_FUNCTIONS: readonly string[] = [
  'dblink',
  'dblink_exec',
  'dblink_send_query',
  'dblink_open',
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
];

/** Schemas whose functions are PostgreSQL's own or an extension's (installed in `public`). */
export const CATALOG_SCHEMAS: readonly string[] = ['pg_catalog', 'public', 'information_schema'];
