import type { Query } from './query.js';

/** The cluster's system identifier, the database and the user: which database this really is. */
export function serverIdentity(): Query {
  return {
    text: `SELECT system_identifier::text AS sysid, current_database() AS db, current_user AS usr
             FROM pg_control_system()`,
    values: [],
  };
}
