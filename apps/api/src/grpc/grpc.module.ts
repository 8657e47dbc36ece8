import { Module } from '@nestjs/common';
import { EdgeModule } from '../edge/edge.module';
import { InferenceModule } from '../inference/inference.module';
import { OipGrpcServer } from './oip-grpc.server';

/** The Open Inference Protocol's gRPC endpoint; main.ts starts it on GRPC_PORT. */
@Module({
  imports: [InferenceModule, EdgeModule],
  providers: [OipGrpcServer],
  exports: [OipGrpcServer],
})
export class GrpcModule {}
