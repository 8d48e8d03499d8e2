import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One configuration the gateway has run with, recorded the first time an admin service started on it. */
@Entity({ name: 'config_versions' })
export class ConfigVersionEntity {
  /** `GatewayConfig.version`: the short content hash of the configuration. */
  @PrimaryColumn({ type: 'text' })
  version!: string;

  /** How many applications that configuration declared. */
  @Column({ type: 'integer' })
  applications!: number;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
