package localdb

import (
	"errors"
	"fmt"
)

// CountBucket is one camera's device count over the 15 minutes from Start
// (UTC Unix seconds, a multiple of 900). Entries are after staff exclusion
// and re-entry de-duplication.
type CountBucket struct {
	Start         int64
	Entries       int64
	Exits         int64
	PassersBy     int64
	StaffExcluded int64
	Reentries     int64
	DwellSumS     float64
	DwellN        int64
}

// ReplaceCountDay replaces a camera's device counts of one local day with
// buckets: buckets of the day not given are removed (unknown), so a
// re-delivered day never leaves a stale bucket behind.
func (p *FeedPage) ReplaceCountDay(cameraID, storeID int64, day string, buckets []CountBucket) error {
	if skip, err := p.orphan(fmt.Sprintf("counts of camera %d on %s", cameraID, day), storeID, cameraID); skip || err != nil {
		return err
	}
	from, to, err := p.localDay(storeID, day)
	if err != nil {
		return fmt.Errorf("counts of camera %d: %w", cameraID, err)
	}
	// The day's old buckets go first, so its new ones insert without
	// conflict. Should a page carry the same camera-day twice, the first
	// one's rows still waiting in the batch are written before the delete.
	key := [2]int64{cameraID, from}
	if p.countDays == nil {
		p.countDays = map[[2]int64]bool{}
	}
	if p.countDays[key] {
		if err := p.counts.flushIfAny(); err != nil {
			return err
		}
	}
	p.countDays[key] = true
	if _, err := p.exec(`DELETE FROM count_buckets WHERE camera_id = ? AND source = 'device' AND bucket_start >= ? AND bucket_start < ?`,
		cameraID, from, to); err != nil {
		return err
	}
	if p.counts == nil {
		p.counts = p.newBatcher(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries, exits, passers_by,
			staff_excluded, reentries, dwell_sum_s, dwell_n) VALUES `, `(?,'device',?,?,?,?,?,?,?,?,?)`, ``, 4096)
	}
	var seen [2]uint64
	dup := false
	for _, b := range buckets {
		if b.Start%900 != 0 || b.Start < from || b.Start >= to || b.Start-from >= 128*900 {
			return fmt.Errorf("counts of camera %d on %s: bucket at %d is not a 15-minute bucket of that day", cameraID, day, b.Start)
		}
		if b.Entries < 0 || b.Exits < 0 || b.PassersBy < 0 || b.StaffExcluded < 0 || b.Reentries < 0 {
			return fmt.Errorf("counts of camera %d on %s: negative count at %d", cameraID, day, b.Start)
		}
		// A local day has at most 100 buckets (25 hours).
		i := (b.Start - from) / 900
		if seen[i/64]&(1<<(i%64)) != 0 {
			dup = true
		}
		seen[i/64] |= 1 << (i % 64)
	}
	if dup {
		// The same bucket twice: the later one wins, as an upsert would.
		last := map[int64]int{}
		for i, b := range buckets {
			last[b.Start] = i
		}
		var keep []CountBucket
		for i, b := range buckets {
			if last[b.Start] == i {
				keep = append(keep, b)
			}
		}
		buckets = keep
	}
	for _, b := range buckets {
		if err := p.counts.add(cameraID, b.Start, storeID, b.Entries, b.Exits, b.PassersBy, b.StaffExcluded, b.Reentries, b.DwellSumS, b.DwellN); err != nil {
			return fmt.Errorf("counts of camera %d on %s: %w", cameraID, day, err)
		}
	}
	p.touch(storeID, from, to)
	return nil
}

// DeleteCountDay removes a camera's device counts of one local day.
func (p *FeedPage) DeleteCountDay(cameraID int64, day string) error {
	store, err := p.cameraStore(cameraID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	return p.ReplaceCountDay(cameraID, store, day, nil)
}
