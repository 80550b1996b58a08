package engine

import (
	"context"
	"time"

	"storelens/localdb"
)

// Store is what the engine needs of the local store: the feed's cursors
// and pages, the rollup backlog, the outbox and the footage cache index.
// *localdb.DB satisfies it; the engine asks for nothing more, so a reader
// sees at a glance what a sync can touch.
type Store interface {
	// Path is the database file; clips are cached beside it.
	Path() string
	Setting(ctx context.Context, key string) (value string, ok bool, err error)

	FeedCursor(ctx context.Context, feed, collection string) (cursor string, completeAt time.Time, err error)
	ResetFeedCursors(ctx context.Context, feed string) error
	// ApplyFeedPage commits a page together with its cursor.
	ApplyFeedPage(ctx context.Context, feed, collection, next string, complete bool, fn func(p *localdb.FeedPage) error) (int, error)

	RollupBacklog(ctx context.Context) (int, error)
	RefreshRollupBacklog(ctx context.Context, progress func(done, total int)) error
	Checkpoint(ctx context.Context) error

	PendingPushes(ctx context.Context, now time.Time, limit int) ([]localdb.OutboxItem, error)
	MarkPushDelivered(ctx context.Context, key string, response []byte, now time.Time) error
	MarkPushFailed(ctx context.Context, key, reason string, next time.Time) error

	RecordingByRemoteID(ctx context.Context, remoteID string) (localdb.CachedRecording, error)
	RecordingsToPrefetch(ctx context.Context, n int) ([]localdb.CachedRecording, error)
	SetRecordingState(ctx context.Context, id int64, state, etag, localPath string, bytesDone int64, errText string) error
	SetRecordingExported(ctx context.Context, id, size int64, sha string) error
	CacheBytes(ctx context.Context) (int64, error)
	EvictableRecordings(ctx context.Context) ([]localdb.CachedRecording, error)
	MarkRecordingEvicted(ctx context.Context, id int64) error

	SnapshotByID(ctx context.Context, id int64) (localdb.HQSnapshot, error)
	SetSnapshotLocalPath(ctx context.Context, id int64, path string) error
}

// The local store is the engine's store.
var _ Store = (*localdb.DB)(nil)
