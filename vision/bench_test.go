package vision

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// BenchmarkCount prints the analysis speed on vtest.avi (768×576, 10 fps)
// next to the decode-only speed of the same file in the same run, and the
// memory of a long recount. For a single-threaded figure pin it to one core:
//
//	taskset -c 0 go test -run '^$' -bench Count -benchtime 3x ./vision
//
// STORELENS_GRAY=1 measures the brightness-only background model.
func BenchmarkCount(b *testing.B) {
	video := footage(b, "vtest.avi")
	ctx := context.Background()
	var decodeFrames, countFrames int
	var decodeTime, countTime, primeTime time.Duration
	for i := 0; i < b.N; i++ {
		// Decode only.
		src, err := OpenSource(video)
		if err != nil {
			b.Fatal(err)
		}
		m := gocv.NewMat()
		start := time.Now()
		for src.Read(ctx, &m) == nil {
			decodeFrames++
		}
		decodeTime += time.Since(start)
		m.Close()
		src.Close()

		// Decode and count: the one-off priming of the background (a
		// second pass over the first 20 s) is timed apart from the
		// per-frame work, which is what an hour-long recording costs.
		src, err = OpenSource(video)
		if err != nil {
			b.Fatal(err)
		}
		cfg := Config{Entrance: Line{Pt{384, 120}, Pt{384, 576}}}
		cfg.Motion.Gray = os.Getenv("STORELENS_GRAY") != ""
		if v := os.Getenv("STORELENS_AFPS"); v != "" {
			cfg.AnalysisFPS, _ = strconv.ParseFloat(v, 64)
		}
		c, err := NewCounter(cfg, 768, 576, src.FPS())
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := c.PrimeFrom(ctx, src); err != nil {
			b.Fatal(err)
		}
		primeTime += time.Since(start)
		start = time.Now()
		if err := c.run(ctx, src); err != nil {
			b.Fatal(err)
		}
		countTime += time.Since(start)
		countFrames += c.frame
		c.Close()
		src.Close()
	}
	decodeFPS := float64(decodeFrames) / decodeTime.Seconds()
	countFPS := float64(countFrames) / countTime.Seconds()
	b.ReportMetric(decodeFPS, "decode-fps")
	b.ReportMetric(countFPS, "count-fps")
	b.ReportMetric(countFPS/decodeFPS, "ratio")
	b.ReportMetric(primeTime.Seconds()/float64(b.N), "prime-s")
	fmt.Printf("vtest.avi 768x576: decode only %.0f fps, decode+count %.0f fps, ratio %.2f (target ≥ 0.30), priming %.2f s once per file; an hour at 10 fps takes %.0f s\n",
		decodeFPS, countFPS, countFPS/decodeFPS, primeTime.Seconds()/float64(b.N), 36000/countFPS+primeTime.Seconds()/float64(b.N))
}

// BenchmarkCountMemory feeds one counter the footage over and over (a long
// recording) and prints how heap and resident memory change between the
// first and the last pass: flat memory means no growth per frame.
func BenchmarkCountMemory(b *testing.B) {
	video := footage(b, "vtest.avi")
	ctx := context.Background()
	passes := 8
	if v := os.Getenv("STORELENS_BENCH_PASSES"); v != "" {
		passes, _ = strconv.Atoi(v)
	}
	for i := 0; i < b.N; i++ {
		c, err := NewCounter(Config{Entrance: Line{Pt{384, 120}, Pt{384, 576}}}, 768, 576, 10)
		if err != nil {
			b.Fatal(err)
		}
		var heap0, rss0 uint64
		var allocs0 uint64
		frames0 := 0
		for p := 0; p < passes; p++ {
			src, err := OpenSource(video)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.run(ctx, src); err != nil {
				b.Fatal(err)
			}
			src.Close()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if p == 0 {
				heap0, rss0, allocs0, frames0 = ms.HeapAlloc, rss(), ms.Mallocs, c.frame
				continue
			}
			if p == passes-1 {
				frames := c.frame - frames0
				heapGrowth := (float64(ms.HeapAlloc) - float64(heap0)) / float64(frames) * 1000
				rssGrowth := (float64(rss()) - float64(rss0)) / float64(frames) * 1000
				allocs := float64(ms.Mallocs-allocs0) / float64(frames)
				b.ReportMetric(heapGrowth, "heap-B/1000frames")
				b.ReportMetric(rssGrowth, "rss-B/1000frames")
				b.ReportMetric(allocs, "allocs/frame")
				fmt.Printf("%d frames after the first pass: heap %+.0f B and RSS %+.0f B per 1000 frames (RSS %.0f MB → %.0f MB), %.1f Go allocations per frame, %d crossings kept\n",
					frames, heapGrowth, rssGrowth, float64(rss0)/1e6, float64(rss())/1e6, allocs, len(c.events))
			}
		}
		c.Close()
	}
}

// rss is the resident set size of this process in bytes (Linux), 0 elsewhere.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}
