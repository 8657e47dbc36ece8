import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { DeviceGroupSecretsService } from './device-group-secrets.service';
import { EdgeAdminController } from './edge-admin.controller';
import { EdgeClientController } from './edge-client.controller';
import { EdgeClientGuard } from './edge-client.guard';
import { EdgeInferenceGuard } from './edge-inference.guard';
import { EdgeClientsRepository } from './edge-clients.repository';
import { EdgeClientsService } from './edge-clients.service';
import { EdgeTrafficMetrics } from './edge-traffic.metrics';
import { EdgePartitionsService } from './edge-partitions.service';
import { EdgeResolver } from './edge.resolver';
import { EnrollmentTokensService } from './enrollment-tokens.service';
import { PartitionSigningKeyService } from './partition-signing-key.service';
import { SigningKeysRepository } from './signing-keys.repository';

/** The edge tier's platform side: enrollment, client credentials, signed partitions, heartbeats. */
@Module({
  imports: [ModelsModule],
  controllers: [EdgeAdminController, EdgeClientController],
  providers: [
    EdgeClientsRepository,
    SigningKeysRepository,
    EnrollmentTokensService,
    EdgeClientsService,
    EdgePartitionsService,
    PartitionSigningKeyService,
    DeviceGroupSecretsService,
    EdgeClientGuard,
    EdgeInferenceGuard,
    EdgeTrafficMetrics,
    EdgeResolver,
  ],
  exports: [EdgeClientsService, EdgeInferenceGuard, EdgeTrafficMetrics],
})
export class EdgeModule {}
