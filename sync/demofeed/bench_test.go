package demofeed

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"
	"time"

	"storelens/sync/feed"
)

// BenchmarkServeRegion reads every collection of the demo region to its end
// over loopback HTTP (gzip on, as the sync engine asks) and prints the time
// and items per second.
func BenchmarkServeRegion(b *testing.B) {
	s, err := New(Config{Seed: 7, Until: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		var items, bytes int64
		per := map[string]int64{}
		for _, c := range feed.Collections {
			cur := ""
			for {
				u := srv.URL + feed.CollectionPath(c) + "?cursor=" + url.QueryEscape(cur)
				req, _ := http.NewRequest("GET", u, nil)
				req.Header.Set("Authorization", "Bearer demo")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var pg struct {
					Items      []json.RawMessage `json:"items"`
					NextCursor string            `json:"next_cursor"`
					HasMore    bool              `json:"has_more"`
				}
				if err := json.Unmarshal(body, &pg); err != nil {
					b.Fatalf("%s: %v", c, err)
				}
				items += int64(len(pg.Items))
				per[c] += int64(len(pg.Items))
				bytes += int64(len(body))
				cur = pg.NextCursor
				if !pg.HasMore {
					break
				}
			}
		}
		el := time.Since(start)
		b.ReportMetric(float64(items)/el.Seconds(), "items/s")
		b.ReportMetric(el.Seconds(), "s/region")
		fmt.Printf("whole region: %d items, %.1f MB JSON, %v, %.0f items/s; per collection %v\n", items, float64(bytes)/1e6, el.Round(time.Millisecond), float64(items)/el.Seconds(), per)
	}
}

// BenchmarkServeCollections times the server alone (no client decoding):
// every collection read to its end at the largest page size, gzip on, as the
// sync engine reads it. It prints seconds and items per second per collection.
func BenchmarkServeCollections(b *testing.B) {
	s, err := New(Config{Seed: 7, Until: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		var total, totalCPU time.Duration
		var all int
		for _, c := range feed.Collections {
			start, cpu0 := time.Now(), cpuTime()
			cur, n, pages, zbytes := "", 0, 0, 0
			for {
				q := url.Values{feed.ParamLimit: {"100000"}}
				if cur != "" {
					q.Set(feed.ParamCursor, cur)
				}
				req := httptest.NewRequest("GET", feed.CollectionPath(c)+"?"+q.Encode(), nil)
				req.Header.Set("Authorization", "Bearer demo")
				req.Header.Set("Accept-Encoding", "gzip")
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
				zbytes += w.Body.Len()
				var pg struct {
					NextCursor string `json:"next_cursor"`
					HasMore    bool   `json:"has_more"`
					Items      []json.RawMessage
				}
				zr, err := gzip.NewReader(w.Body)
				if err != nil {
					b.Fatal(err)
				}
				json.NewDecoder(zr).Decode(&pg)
				n += len(pg.Items)
				pages++
				cur = pg.NextCursor
				if !pg.HasMore {
					break
				}
			}
			el, cpu := time.Since(start), cpuTime()-cpu0
			total += el
			totalCPU += cpu
			all += n
			fmt.Printf("%-22s %8d items %4d pages %7.1f MB gzip %6.2fs wall %6.2fs CPU %9.0f items/CPU-s\n", c, n, pages, float64(zbytes)/1e6, el.Seconds(), cpu.Seconds(), float64(n)/cpu.Seconds())
		}
		fmt.Printf("%-22s %8d items %.2fs wall %.2fs CPU %.0f items/CPU-s (server, gunzip and decode, one goroutine)\n", "whole region", all, total.Seconds(), totalCPU.Seconds(), float64(all)/totalCPU.Seconds())
		b.ReportMetric(float64(all)/total.Seconds(), "items/s")
		b.ReportMetric(totalCPU.Seconds(), "CPU-s/region")
	}
}

// cpuTime is the CPU time this process has used (user + system): wall time
// on a shared 2-core machine says more about the neighbours than the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
