import { Args, Query, Resolver } from '@nestjs/graphql';
import { DatasetsService } from './datasets.service';
import { DatasetGql } from '../graphql/types';

@Resolver(() => DatasetGql)
export class DatasetsResolver {
  constructor(private readonly datasetsService: DatasetsService) {}

  @Query(() => [DatasetGql])
  datasets() {
    return this.datasetsService.list();
  }

  @Query(() => DatasetGql)
  dataset(@Args('idOrName') idOrName: string) {
    return this.datasetsService.get(idOrName);
  }
}
