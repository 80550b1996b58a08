package vision

import (
	"context"
	"testing"
	"time"

	"storelens/assets/assetstest"
)

// BenchmarkZonePresence scans vtest.avi (79.5 s, a crowd crossing the till
// zone all the time, so no sample is skipped as unchanged) every 2 s, as the
// cashier audit does, and prints seconds of footage scanned per second with
// the ratio to reading the same frames alone. A frozen picture (a still
// queue, the empty counter) costs one network pass and is bounded by decoding.
func BenchmarkZonePresence(b *testing.B) {
	d := builtInNanoDet(b)
	defer d.Close()
	path := assetstest.Footage(b, "vtest.avi")
	var scan, read time.Duration
	var footage time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		got, err := ZonePresence(context.Background(), path, d, testTill, PresenceOptions{})
		if err != nil {
			b.Fatal(err)
		}
		scan += time.Since(start)
		footage += time.Duration(len(got)) * 2 * time.Second
		start = time.Now()
		p, err := OpenPlayer(path)
		if err != nil {
			b.Fatal(err)
		}
		for k := 0; ; k++ {
			if n := p.FrameAt(time.Duration(k)*2*time.Second) - p.Next(); n > 0 {
				p.cap.Grab(n)
				p.next += n
			}
			if _, err := p.Read(); err != nil {
				break
			}
		}
		p.Close()
		read += time.Since(start)
	}
	rate := footage.Seconds() / scan.Seconds()
	b.ReportMetric(rate, "footage-s/s")
	b.ReportMetric(scan.Seconds()/float64(b.N), "s/scan")
	b.Logf("till scan of vtest.avi every 2 s: %.0f s of footage per second (%.1f s for 79.5 s); reading the same frames alone %.2f s: scan ÷ read-only speed %.2f",
		rate, scan.Seconds()/float64(b.N), read.Seconds()/float64(b.N), read.Seconds()/scan.Seconds())
}
