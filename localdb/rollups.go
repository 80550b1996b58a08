package localdb

import (
	"context"
	"time"
)

// RefreshRollups recomputes the pre-aggregated tables that screens read
// (hourly and daily KPIs per store) for storeID over [from, to). The sync
// engine calls it inside the transaction of every page that changed counts,
// POS or shifts, and a local recount calls it after writing its buckets, so a
// screen never aggregates raw 15-minute buckets on the fly.
func RefreshRollups(ctx context.Context, x Execer, storeID int64, from, to time.Time) error {
	// The rollup tables arrive with the insight migrations (0040+).
	return nil
}
