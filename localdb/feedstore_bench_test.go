package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// BenchmarkReplaceCountDays stores a year of 15-minute device counts of 40
// stores (one entrance camera each) in pages of 5000 camera-days, the way a
// first sync does, and prints rows per second.
func BenchmarkReplaceCountDays(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := Open(ctx, Options{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		const stores = 40
		err = db.write(ctx, func(tx *sql.Tx) error {
			if err := upsertRegion(ctx, tx, Region{ID: "r", Name: "r", TimeZone: "Asia/Shanghai"}); err != nil {
				return err
			}
			for s := int64(1); s <= stores; s++ {
				if err := upsertStore(ctx, tx, Store{ID: s, Code: fmt.Sprint("S", s), Name: "s", RegionID: "r", TimeZone: "Asia/Shanghai",
					Hours: []OpeningHours{{ValidFrom: "2025-01-01", ValidTo: "2026-12-31", Weekdays: AllWeek, Opens: "10:00", Closes: "22:00"}}}); err != nil {
					return err
				}
				if _, err := tx.Exec(`INSERT INTO cameras(id, code, store_id, role) VALUES (?, ?, ?, 'entrance')`, s*10+1, fmt.Sprint("C", s), s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		day0 := time.Date(2025, 11, 20, 0, 0, 0, 0, loc)
		b.StartTimer()
		t0 := time.Now()
		var rows int
		type cd struct {
			s   int64
			day time.Time
		}
		var items []cd
		for d := 0; d < 365; d++ {
			for s := int64(1); s <= stores; s++ {
				items = append(items, cd{s, day0.AddDate(0, 0, d)})
			}
		}
		buckets := make([]CountBucket, 0, 56)
		for len(items) > 0 {
			n := min(5000, len(items))
			page := items[:n]
			items = items[n:]
			got, err := db.ApplyFeedPage(ctx, "bench", "counts", "c", len(items) == 0, func(p *FeedPage) error {
				for _, it := range page {
					buckets = buckets[:0]
					first := it.day.Add(9*time.Hour + 45*time.Minute).Unix()
					for k := 0; k < 53; k++ {
						buckets = append(buckets, CountBucket{Start: first + int64(k)*900, Entries: int64(k % 7), Exits: int64(k % 5), PassersBy: int64(k * 3), DwellSumS: 300, DwellN: 2})
					}
					if err := p.ReplaceCountDay(it.s*10+1, it.s, it.day.Format("2006-01-02"), buckets); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			rows += got
		}
		el := time.Since(t0)
		b.ReportMetric(float64(rows)/el.Seconds(), "rows/s")
		fmt.Printf("count buckets: %d rows in %v (%.0f rows/s)\n", rows, el.Round(time.Millisecond), float64(rows)/el.Seconds())
		db.Close()
	}
}
