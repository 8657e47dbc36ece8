import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InferenceService } from '../inference.service';
import { InferenceStatistics, type ModelStat } from './inference-statistics';

/**
 * Triton's statistics extension over REST (what perf_analyzer and tritonclient's
 * get_inference_statistics read). Counts are this API process's own (see InferenceStatistics).
 */
@ApiTags('inference (Open Inference Protocol v2)')
@Controller('v2/models')
export class InferenceStatisticsController {
  constructor(
    private readonly inference: InferenceService,
    private readonly statistics: InferenceStatistics,
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'Statistics of every model version that served requests' })
  all(): { model_stats: ModelStat[] } {
    return { model_stats: this.statistics.report() };
  }

  @Get(':name/stats')
  @ApiOperation({ summary: "Statistics of a model's versions (the newest, zeros, if none served)" })
  async model(@Param('name') name: string): Promise<{ model_stats: ModelStat[] }> {
    return { model_stats: await modelStatistics(this.inference, this.statistics, name) };
  }

  @Get(':name/versions/:version/stats')
  @ApiOperation({ summary: 'Statistics of one version (number or alias)' })
  async version(
    @Param('name') name: string,
    @Param('version') version: string,
  ): Promise<{ model_stats: ModelStat[] }> {
    return { model_stats: await modelStatistics(this.inference, this.statistics, name, version) };
  }
}

/**
 * A model's statistics (REST and gRPC): all its versions that served, or the newest one in
 * zeros; with `ref`, that version (number or alias). An unknown model or version is a 404.
 */
export async function modelStatistics(
  inference: InferenceService,
  statistics: InferenceStatistics,
  name: string,
  ref?: string,
): Promise<ModelStat[]> {
  const resolved = await inference.resolve(name, ref);
  if (ref !== undefined) return [statistics.reportVersion(name, resolved.version)];
  const served = statistics.report({ name });
  return served.length > 0 ? served : [statistics.reportVersion(name, resolved.version)];
}
