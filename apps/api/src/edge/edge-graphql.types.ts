import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../graphql/json.scalar';

export enum EdgeClientStatusGql {
  ACTIVE = 'ACTIVE',
  REVOKED = 'REVOKED',
}
registerEnumType(EdgeClientStatusGql, { name: 'EdgeClientStatus' });

export enum EdgeClientRoleGql {
  DEVICE = 'DEVICE',
  GATEWAY = 'GATEWAY',
}
registerEnumType(EdgeClientRoleGql, { name: 'EdgeClientRole' });

@ObjectType('EdgeClient')
export class EdgeClientGql {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => EdgeClientRoleGql) role!: EdgeClientRoleGql;
  @Field(() => EdgeClientStatusGql) status!: EdgeClientStatusGql;
  @Field() modelName!: string;
  @Field(() => Int, { nullable: true, description: 'The end device it plays; null for a gateway' })
  deviceIndex!: number | null;
  @Field(() => String, { nullable: true, description: 'The alias it follows; null when pinned' })
  alias!: string | null;
  @Field(() => Int, { nullable: true }) pinnedVersion!: number | null;
  @Field(() => Int, { nullable: true, description: 'As reported by its last heartbeat' })
  installedVersion!: number | null;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => JsonScalar, {
    nullable: true,
    description: 'Last reported totals: samples, localExits, bytesSent',
  })
  counters!: unknown;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType('EnrollmentToken')
export class EnrollmentTokenGql {
  @Field(() => ID) id!: string;
  @Field({ description: 'Shown once; only its sha256 is stored' }) token!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() expiresAt!: Date;
}

@InputType()
export class CreateEnrollmentTokenInput {
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => Int, { nullable: true, description: 'Default: EDGE_ENROLLMENT_TTL_SECONDS (24 h)' })
  expiresInSeconds?: number;
}
