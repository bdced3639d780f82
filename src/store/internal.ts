import type pg from 'pg';
import type { JobRepository } from './job-repository.js';

/**
 * The key of ExecutionStore's internal accessor: for the jobs and retention (this package's own
 * code), not exported from the package, so raw access is not part of the public class.
 */
export const storeInternals: unique symbol = Symbol('dendrite-history.store-internals');

export interface StoreInternals {
  jobs: JobRepository;
  /** The primary pool: for this package's tests, benchmarks and diagnostics only. */
  pool: pg.Pool;
  /** The pool reads go to: the replica's when one is configured, else `pool`. */
  readPool: pg.Pool;
}

/** A store's internals. */
export function internalsOf(store: HasStoreInternals): StoreInternals {
  return store[storeInternals]();
}

/** Anything with the internal accessor (ExecutionStore). */
export interface HasStoreInternals {
  [storeInternals](): StoreInternals;
}

/** The job repository of a store. */
export function jobRepositoryOf(store: HasStoreInternals): JobRepository {
  return internalsOf(store).jobs;
}

/** The primary pool of a store (tests and benchmarks that check what was written). */
export function poolOf(store: HasStoreInternals): pg.Pool {
  return internalsOf(store).pool;
}
