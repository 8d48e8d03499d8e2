import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ADMIN_DATA_SOURCE } from '../admin-data-source';
import { ConfigVersionEntity } from './config-version.entity';

/** Every read and write of `config_versions`. */
@Injectable()
export class ConfigVersionsRepository {
  constructor(
    @InjectRepository(ConfigVersionEntity, ADMIN_DATA_SOURCE)
    private readonly rows: Repository<ConfigVersionEntity>,
  ) {}

  /**
   * `INSERT … ON CONFLICT DO NOTHING`: the first start on a configuration records it, later starts
   * (restarts, other replicas, at the same moment or not) keep the first `recorded_at`.
   */
  async recordIfAbsent(version: string, applications: number): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .insert()
      .into(ConfigVersionEntity)
      .values({ version, applications })
      .orIgnore()
      .execute();
  }

  findByVersion(version: string): Promise<ConfigVersionEntity | null> {
    return this.rows.findOneBy({ version });
  }
}
