package localdb

// This file holds the rollup backlog: stores whose rollups a sync still
// owes, settled after the heavy collections are read.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// RollupBacklog is the number of stores whose rollups a sync still owes.
func (db *DB) RollupBacklog(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM rollup_backlog`).Scan(&n)
	return n, MapError(err)
}

// backlogSeq numbers the versions of rollup backlog rows; seeded from the
// clock so numbers stay unique across runs and processes.
var backlogSeq atomic.Int64

func init() { backlogSeq.Store(time.Now().UnixNano()) }

func nextBacklogSeq() int64 { return backlogSeq.Add(1) }

// RefreshRollupBacklog refreshes the rollups recorded by deferred pages,
// one store per transaction (the refresh and the removal of its backlog row
// commit together), calling progress after each store.
//
// The rollups of the next store are computed on a reader connection while
// the writer stores the previous one, so the two cores share the work. A
// store whose backlog row changed since its snapshot was read (a page or a
// recount touched it meanwhile) is computed again inside the writer's
// transaction, so older figures never overwrite newer ones.
func (db *DB) RefreshRollupBacklog(ctx context.Context, progress func(done, total int)) error {
	type item struct{ store, from, to, seq int64 }
	rows, err := db.w.QueryContext(ctx, `SELECT store_id, from_t, to_t, seq FROM rollup_backlog ORDER BY store_id`)
	if err != nil {
		return MapError(err)
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.store, &it.from, &it.to, &it.seq); err != nil {
			rows.Close()
			return err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return MapError(err)
	}
	type computed struct {
		store, seq int64 // seq -1: compute in the writer
		set        *rollupSet
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan computed, 1)
	go func() {
		defer close(ch)
		for _, it := range items {
			c := computed{store: it.store, seq: -1}
			if db.r != nil {
				if seq, set, err := db.snapshotRollups(cctx, it.store); err == nil {
					c.seq, c.set = seq, set
				}
			}
			select {
			case ch <- c:
			case <-cctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel()
		for range ch {
		}
	}()
	i := 0
	for c := range ch {
		err := db.write(ctx, func(tx *sql.Tx) error {
			// Re-read the row: a page may have widened it since.
			var from, to, seq int64
			err := tx.QueryRowContext(ctx, `SELECT from_t, to_t, seq FROM rollup_backlog WHERE store_id = ?`, c.store).Scan(&from, &to, &seq)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			if seq == c.seq && c.seq >= 0 {
				if c.set != nil {
					if err := c.set.write(ctx, tx); err != nil {
						return err
					}
				}
			} else if err := refreshRollups(ctx, tx, c.store, time.Unix(from, 0), time.Unix(to, 0)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `DELETE FROM rollup_backlog WHERE store_id = ?`, c.store)
			return err
		})
		if err != nil {
			return fmt.Errorf("refresh the figures of store %d: %w", c.store, err)
		}
		i++
		if progress != nil {
			progress(i, len(items))
		}
	}
	return ctx.Err()
}

// snapshotRollups computes a store's owed rollups from one read snapshot:
// the backlog row's seq and span, and the rows computed from the data as of
// that same snapshot. seq is -1 when the store owes nothing.
func (db *DB) snapshotRollups(ctx context.Context, store int64) (int64, *rollupSet, error) {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return -1, nil, err
	}
	defer tx.Rollback()
	var from, to, seq int64
	if err := tx.QueryRowContext(ctx, `SELECT from_t, to_t, seq FROM rollup_backlog WHERE store_id = ?`, store).Scan(&from, &to, &seq); err != nil {
		return -1, nil, err
	}
	set, err := computeRollups(ctx, tx, store, time.Unix(from, 0), time.Unix(to, 0))
	return seq, set, err
}
