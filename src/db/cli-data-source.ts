// Data source for the TypeORM CLI: `npx typeorm migration:run -d dist/src/db/cli-data-source.js`.
import { loadConfig } from '../config.js';
import { createDataSource } from './data-source.js';

export default createDataSource(loadConfig());
