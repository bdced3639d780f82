import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config.js';
import { entities } from '../entities/index.js';
import { migrations } from '../../migrations/index.js';

export const MIGRATIONS_TABLE = 'dendrite_migrations';

/** A TypeORM DataSource over this library's entities and ordered migrations (not initialised). */
export function createDataSource(
  config: DatabaseConfig,
  options: { poolMax?: number } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    host: config.host,
    port: config.port,
    database: config.database,
    username: config.user,
    password: config.password,
    entities,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    extra: { max: options.poolMax ?? 2, application_name: 'dendrite-history:migrate' },
  });
}
