// The overview's lane modes. The lanes themselves (one per file or component), their density and the chain of
// linked records are counted by the server over the filtered rows (server/src/core/timelineView.ts overviewOf).
export type LaneMode = 'file' | 'component';
