import { UseGuards } from '@nestjs/common';
import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../common/admin.guard';
import { ModelsService } from './models.service';
import { CreateModelInput, ModelAliasGql, ModelGql } from '../graphql/types';
import { withoutNulls } from '../graphql/without-nulls';

@Resolver(() => ModelGql)
export class ModelsResolver {
  constructor(private readonly modelsService: ModelsService) {}

  @Query(() => [ModelGql])
  models() {
    return this.modelsService.list();
  }

  @Query(() => ModelGql)
  model(@Args('name') name: string) {
    return this.modelsService.getByName(name);
  }

  @ResolveField(() => [ModelAliasGql])
  aliases(@Parent() model: ModelGql) {
    return this.modelsService.aliasesOf(model.id);
  }

  @Mutation(() => ModelGql)
  @UseGuards(AdminGuard)
  createModel(@Args('input') input: CreateModelInput) {
    return this.modelsService.create(withoutNulls(input));
  }

  @Mutation(() => ModelAliasGql, { description: 'Point an alias (e.g. production) at a version' })
  @UseGuards(AdminGuard)
  moveAlias(
    @Args('modelName') modelName: string,
    @Args('alias') alias: string,
    @Args('version', { type: () => Int }) version: number,
  ) {
    return this.modelsService.moveAlias({ modelName, alias, version });
  }
}
