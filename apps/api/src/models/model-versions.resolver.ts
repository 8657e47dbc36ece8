import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ModelsService } from './models.service';
import {
  ModelAliasGql,
  ModelGql,
  ModelVersionFilter,
  ModelVersionGql,
  ModelVersionPageGql,
  PartitionGql,
} from '../graphql/types';
import { withoutNulls } from '../graphql/without-nulls';

@Resolver(() => ModelVersionGql)
export class ModelVersionsResolver {
  constructor(private readonly models: ModelsService) {}

  @Query(() => ModelVersionPageGql, {
    description: 'Versions, newest first; filter by model, alias, status',
  })
  modelVersions(
    @Args('filter', { nullable: true }) filter?: ModelVersionFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('offset', { type: () => Int, nullable: true }) offset?: number,
  ) {
    return this.models.listVersions({
      ...withoutNulls(filter),
      ...withoutNulls({ first, offset }),
    });
  }

  @Query(() => ModelVersionGql, {
    description: 'One version: by id, or by modelName and ref (a version number or an alias)',
  })
  modelVersion(
    @Args('id', { nullable: true }) id?: string,
    @Args('modelName', { nullable: true }) modelName?: string,
    @Args('ref', { nullable: true }) ref?: string,
  ) {
    if (id) return this.models.getVersionById(id);
    if (modelName && ref) return this.models.resolveVersion(modelName, ref);
    throw new DomainError(ErrorCode.ValidationFailed, 'give either id, or modelName and ref');
  }

  @ResolveField(() => [PartitionGql])
  partitions(@Parent() version: ModelVersionGql) {
    return this.models.partitionsOf(version.id);
  }

  @ResolveField(() => [ModelAliasGql])
  aliases(@Parent() version: ModelVersionGql) {
    return this.models.aliasesOfVersion(version.id);
  }

  @ResolveField(() => ModelGql)
  model(@Parent() version: ModelVersionGql) {
    return this.models.getById(version.modelId);
  }
}
