import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../common/admin.guard';
import { withoutNulls } from '../graphql/without-nulls';
import { EdgeClientsService } from './edge-clients.service';
import {
  CreateEnrollmentTokenInput,
  EdgeClientGql,
  EdgeClientStatusGql,
  EnrollmentTokenGql,
} from './edge-graphql.types';
import { EnrollmentTokensService } from './enrollment-tokens.service';

/** Edge client administration; all admin-only (client names and activity are not public). */
@Resolver(() => EdgeClientGql)
export class EdgeResolver {
  constructor(
    private readonly clients: EdgeClientsService,
    private readonly tokens: EnrollmentTokensService,
  ) {}

  @Query(() => [EdgeClientGql])
  @UseGuards(AdminGuard)
  edgeClients(
    @Args('modelName', { type: () => String, nullable: true }) modelName?: string | null,
    @Args('status', { type: () => EdgeClientStatusGql, nullable: true })
    status?: EdgeClientStatusGql | null,
  ) {
    return this.clients.list(withoutNulls({ modelName, status }));
  }

  @Query(() => EdgeClientGql)
  @UseGuards(AdminGuard)
  edgeClient(@Args('id', { type: () => ID }) id: string) {
    return this.clients.get(id);
  }

  @Mutation(() => EnrollmentTokenGql, {
    description: 'A single-use token for registering one edge client',
  })
  @UseGuards(AdminGuard)
  createEnrollmentToken(
    @Args('input', { type: () => CreateEnrollmentTokenInput, nullable: true })
    input?: CreateEnrollmentTokenInput | null,
  ) {
    return this.tokens.issue(withoutNulls(input));
  }

  @Mutation(() => EdgeClientGql, { description: 'Its credential stops working at once' })
  @UseGuards(AdminGuard)
  revokeEdgeClient(@Args('id', { type: () => ID }) id: string) {
    return this.clients.revoke(id);
  }
}
