import type { WorkflowTables } from '../workflow-tables';
import { queryBuilder } from './query-builder';

/** The compile-only query builder of the ledger, extended with the workflow tables. */
export const workflowQueryBuilder = queryBuilder.withTables<WorkflowTables>();
