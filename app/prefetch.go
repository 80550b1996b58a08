package app

import (
	"context"
	"sort"
	"time"

	"storelens/app/insight"
)

// prefetchSegments caps the footage fetched ahead after one sync.
const prefetchSegments = 12

// FlaggedFootage lists, for the flags of the last full week and of this
// week so far, the recordings of each flag's first flagged hour (worst
// flags first, at most limit): the footage a manager opens first, fetched
// ahead so it plays at once, even offline.
func (a *App) FlaggedFootage(ctx context.Context, now time.Time, limit int) ([]Recording, error) {
	week := insight.WeekOf(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	var flags []insight.Flag
	for _, p := range []insight.Period{week.Shift(-7), week} {
		fs, _, err := a.insight.Flags(ctx, p, insight.Filter{})
		if err != nil {
			return nil, err
		}
		flags = append(flags, fs...)
	}
	sort.SliceStable(flags, func(i, j int) bool { return flags[i].Severity > flags[j].Severity })
	var out []Recording
	seen := map[int64]bool{}
	for _, f := range flags {
		if len(f.Hours) == 0 {
			continue
		}
		_, cams, err := a.StoreCameras(ctx, f.Store)
		if err != nil || len(cams) == 0 {
			continue
		}
		h := f.Hours[0]
		recs, err := a.db.RecordingsCovering(ctx, cams[0].ID, h, h.Add(time.Hour))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			out = append(out, r)
			if len(out) >= limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// prefetchFlagged fetches FlaggedFootage not yet on this laptop, one clip
// at a time, until ctx ends; the footage cache's limit and its eviction
// apply as to any download.
func (a *App) prefetchFlagged(ctx context.Context) {
	recs, err := a.FlaggedFootage(ctx, time.Now(), prefetchSegments)
	if err != nil {
		a.log.Warn("footage of flagged hours", "err", err)
		return
	}
	for _, r := range recs {
		if ctx.Err() != nil {
			return
		}
		if r.State == "ready" {
			continue
		}
		if _, err := a.DownloadRecording(ctx, r.RemoteID); err != nil {
			a.log.Info("footage of a flagged hour not fetched", "recording", r.RemoteID, "err", err)
			return
		}
	}
}
