import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row (id 1): the registry generation, bumped by statement triggers on tools whenever tools are
 * added or removed or their name or embedding is written. In-process vector indexes compare it per
 * query to know when to reload.
 */
@Entity({ name: 'tool_registry_state' })
export class ToolRegistryState {
  @PrimaryColumn({
    name: 'id',
    type: 'smallint',
    primaryKeyConstraintName: 'PK_tool_registry_state',
  })
  id!: number;

  @Column({ name: 'generation', type: 'bigint', default: 0 })
  generation!: string;
}
