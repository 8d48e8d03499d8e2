import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { METRICS_DATA_SOURCE } from '../metrics.tokens';
import { EndpointTotalEntity } from '../storage/endpoint-total.entity';

/** Reads of `metrics_totals` (the usage repository writes it, in the same transaction as the buckets). */
@Injectable()
export class TotalsRepository {
  constructor(
    @InjectRepository(EndpointTotalEntity, METRICS_DATA_SOURCE)
    private readonly rows: Repository<EndpointTotalEntity>,
  ) {}

  forApplications(applicationIds: readonly string[]): Promise<EndpointTotalEntity[]> {
    if (applicationIds.length === 0) return Promise.resolve([]);
    return this.rows.findBy({ applicationId: In([...applicationIds]) });
  }
}
