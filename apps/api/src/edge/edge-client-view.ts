import type { EdgeClient } from '@ddnn/persistence';

/** What admins (and a client about itself) see of an edge client: never its credential hash. */
export interface EdgeClientView {
  id: string;
  name: string;
  role: 'DEVICE' | 'GATEWAY';
  status: 'ACTIVE' | 'REVOKED';
  modelName: string;
  deviceIndex: number | null;
  /** The alias it follows, or null when pinned. */
  alias: string | null;
  pinnedVersion: number | null;
  installedVersion: number | null;
  lastSeenAt: Date | null;
  counters: unknown;
  createdAt: Date;
  revokedAt: Date | null;
}

/** The relations a view needs; pass as `include` to every query that returns clients. */
export const edgeClientViewInclude = {
  model: { select: { name: true } },
  pinnedVersion: { select: { version: true } },
  installedVersion: { select: { version: true } },
} as const;

export type EdgeClientWithRelations = EdgeClient & {
  model: { name: string };
  pinnedVersion: { version: number } | null;
  installedVersion: { version: number } | null;
};

export function toEdgeClientView(client: EdgeClientWithRelations): EdgeClientView {
  return {
    id: client.id,
    name: client.name,
    role: client.role,
    status: client.status,
    modelName: client.model.name,
    deviceIndex: client.deviceIndex,
    alias: client.aliasName,
    pinnedVersion: client.pinnedVersion?.version ?? null,
    installedVersion: client.installedVersion?.version ?? null,
    lastSeenAt: client.lastSeenAt,
    counters: client.counters,
    createdAt: client.createdAt,
    revokedAt: client.revokedAt,
  };
}
