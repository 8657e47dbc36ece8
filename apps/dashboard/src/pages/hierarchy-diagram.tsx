import type { Partition, VersionMetrics } from '../api/types';
import { bytes, percent } from '../format';
import { hierarchyFigures } from './hierarchy-figures';

const DEVICE_W = 150;
const DEVICE_H = 38;
const DEVICE_GAP = 8;
const TIER_W = 190;
const TIER_H = 86;

/**
 * The DDNN at a glance: end devices, local aggregator, optional edge and cloud, each with its
 * accuracy and the share of samples that exit there at the version's T, and the bytes on each
 * link per device and sample. Plain SVG: every box and link has an aria-label with its numbers.
 */
export function HierarchyDiagram({
  metrics,
  partitions,
  threshold,
}: {
  metrics: VersionMetrics;
  partitions: readonly Partition[];
  threshold: number;
}) {
  const f = hierarchyFigures(metrics, partitions);
  const n = f.devices.length;
  const height = Math.max(n * (DEVICE_H + DEVICE_GAP) + 40, TIER_H * 2 + 60);
  const colX = { device: 10, local: 330, edge: 600, cloud: f.edge ? 870 : 640 };
  const width = colX.cloud + TIER_W + 10;
  const deviceY = (i: number) =>
    20 + i * (DEVICE_H + DEVICE_GAP) + (height - 40 - n * (DEVICE_H + DEVICE_GAP)) / 2;
  const localY = 20;
  const upperY = height - TIER_H - 20;
  const sizeText = (b: number | null) => (b === null ? '' : ` · ${bytes(b)}`);
  const scoresLabel = `devices to local aggregator: ${f.scoreBytes} B of class scores per device and sample, always`;
  const featuresLabel =
    `devices to ${f.edge ? 'edge' : 'cloud'}: ${f.featureBytes} B of binary features per device for the ` +
    `${percent(f.forwardedShare)} of samples not exiting locally = ${f.featureBytesAtT.toFixed(1)} B per device and sample on average`;
  const tierBox = (
    key: 'local' | 'edge' | 'cloud',
    title: string,
    x: number,
    y: number,
    t: { accuracy: number; exitShare: number; partitionBytes: number | null },
  ) => (
    <g
      key={key}
      data-tier={key}
      role="img"
      aria-label={`${title}: accuracy ${percent(t.accuracy)}; exits here at T: ${percent(t.exitShare)} of samples`}
    >
      <rect x={x} y={y} width={TIER_W} height={TIER_H} rx={8} className={`tier tier-${key}`} />
      <text x={x + 10} y={y + 20} className="tier-title">
        {title}
        {sizeText(t.partitionBytes)}
      </text>
      <text x={x + 10} y={y + 42}>
        accuracy {percent(t.accuracy)}
      </text>
      <text x={x + 10} y={y + 62}>
        exits here: {percent(t.exitShare)}
      </text>
      <rect x={x + 10} y={y + 70} width={TIER_W - 20} height={6} className="share-track" />
      <rect
        x={x + 10}
        y={y + 70}
        width={(TIER_W - 20) * t.exitShare}
        height={6}
        className="share-bar"
      />
    </g>
  );
  const upperX = f.edge ? colX.edge : colX.cloud;
  return (
    <figure className="hierarchy" data-testid="hierarchy-diagram">
      <figcaption>
        The hierarchy at T = {threshold.toFixed(3)}: accuracy of each exit on the test set, the
        share of samples answered there, and the bytes each device sends per sample
      </figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
          </marker>
        </defs>
        {f.devices.map((d) => {
          const y = deviceY(d.index);
          return (
            <g key={d.index}>
              <line
                x1={colX.device + DEVICE_W}
                y1={y + DEVICE_H / 2 - 5}
                x2={colX.local}
                y2={localY + TIER_H / 2}
                className="link link-scores"
                markerEnd="url(#arrow)"
              />
              <line
                x1={colX.device + DEVICE_W}
                y1={y + DEVICE_H / 2 + 5}
                x2={upperX}
                y2={upperY + TIER_H / 2}
                className="link link-features"
                markerEnd="url(#arrow)"
              />
              <g
                data-device={d.index}
                role="img"
                aria-label={`device ${d.index}: accuracy ${percent(d.accuracy)}`}
              >
                <rect
                  x={colX.device}
                  y={y}
                  width={DEVICE_W}
                  height={DEVICE_H}
                  rx={6}
                  className="tier tier-device"
                />
                <text x={colX.device + 8} y={y + 16} className="tier-title">
                  device {d.index}
                  {sizeText(d.partitionBytes)}
                </text>
                <text x={colX.device + 8} y={y + 31}>
                  accuracy {percent(d.accuracy)}
                </text>
              </g>
            </g>
          );
        })}
        <g data-link="scores" role="img" aria-label={scoresLabel}>
          <text x={colX.device + DEVICE_W + 12} y={localY + 8} className="link-label">
            {f.scoreBytes} B scores / device, always
          </text>
        </g>
        <g data-link="features" role="img" aria-label={featuresLabel}>
          <text x={colX.device + DEVICE_W + 12} y={height - 14} className="link-label">
            {f.featureBytes} B features × {percent(f.forwardedShare, 0)} ={' '}
            {f.featureBytesAtT.toFixed(1)} B / device
          </text>
        </g>
        {tierBox('local', 'local aggregator (local exit)', colX.local, localY, f.local)}
        {f.edge ? (
          <>
            <line
              x1={colX.edge + TIER_W}
              y1={upperY + TIER_H / 2}
              x2={colX.cloud}
              y2={upperY + TIER_H / 2}
              className="link link-features"
              markerEnd="url(#arrow)"
            />
            <text
              x={colX.edge + TIER_W + 8}
              y={upperY + TIER_H / 2 - 8}
              className="link-label"
              data-link="edge-cloud"
            >
              {percent(1 - f.local.exitShare - f.edge.exitShare, 0)} of samples
            </text>
            {tierBox('edge', 'edge', colX.edge, upperY, f.edge)}
          </>
        ) : null}
        {tierBox('cloud', 'cloud', colX.cloud, upperY, f.cloud)}
        <text x={colX.local} y={localY + TIER_H + 20} className="link-label">
          unsure (entropy ≥ T): ask the {f.edge ? 'edge' : 'cloud'} ↘
        </text>
      </svg>
    </figure>
  );
}
