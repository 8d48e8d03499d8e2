import { Module } from '@nestjs/common';

/**
 * The metrics service. It joins the bus and answers its health subject today; its features arrive
 * with their own issue (see the README's roadmap).
 */
@Module({})
export class MetricsModule {}
