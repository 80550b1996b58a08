package vision

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"storelens/assets"
)

// BenchmarkCount prints the analysis speed on vtest.avi (768×576, 10 fps)
// against the decode-only speed of the same file in the same run: each
// iteration decodes the file, then recounts it at the default analysis
// rate (5 frames a second) and at every frame, one after the other, so a
// busy machine slows all three alike; the ratios printed are the medians
// over the iterations. For a single-threaded figure pin it to one core:
//
//	taskset -c 0 go test -run '^$' -bench 'Count$' -benchtime 5x ./vision
//
// STORELENS_GRAY=1 measures the brightness-only background model.
func BenchmarkCount(b *testing.B) {
	video := footage(b, "vtest.avi")
	ctx := context.Background()
	var ratios, ratiosAll, decodes, counts, countsAll, primes []float64
	count := func(afps float64) (fps, prime float64) {
		src, err := OpenSource(video)
		if err != nil {
			b.Fatal(err)
		}
		defer src.Close()
		cfg := Config{Entrance: Line{Pt{384, 120}, Pt{384, 576}}, AnalysisFPS: afps}
		cfg.Motion.Gray = os.Getenv("STORELENS_GRAY") != ""
		c, err := NewCounter(cfg, 768, 576, src.FPS())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		// The one-off priming of the background (a second pass over the
		// first 20 s) is timed apart from the per-frame work, which is
		// what an hour-long recording costs.
		start := time.Now()
		if err := c.PrimeFrom(ctx, src); err != nil {
			b.Fatal(err)
		}
		prime = time.Since(start).Seconds()
		start = time.Now()
		if err := c.run(ctx, src); err != nil {
			b.Fatal(err)
		}
		return float64(c.frame) / time.Since(start).Seconds(), prime
	}
	for i := 0; i < b.N; i++ {
		decode := decodeFPS(b, video)
		def, prime := count(0)
		all, _ := count(-1)
		decodes, counts, countsAll, primes = append(decodes, decode), append(counts, def), append(countsAll, all), append(primes, prime)
		ratios, ratiosAll = append(ratios, def/decode), append(ratiosAll, all/decode)
	}
	med := func(v []float64) float64 {
		w := append([]float64(nil), v...)
		sort.Float64s(w)
		return w[len(w)/2]
	}
	b.ReportMetric(med(decodes), "decode-fps")
	b.ReportMetric(med(counts), "count-fps")
	b.ReportMetric(med(ratios), "ratio")
	b.ReportMetric(med(ratiosAll), "ratio-every-frame")
	fmt.Printf("vtest.avi 768x576, %d runs: decode only %.0f fps; decode+count at %d looks a second (default) %.0f fps, ratio %.2f (target ≥ 0.30; runs %s); every frame analysed %.0f fps, ratio %.2f; priming %.2f s once per file; an hour at 10 fps takes %.0f s (every frame %.0f s)\n",
		b.N, med(decodes), DefaultAnalysisFPS, med(counts), med(ratios), fmtList(ratios), med(countsAll), med(ratiosAll), med(primes), 36000/med(counts)+med(primes), 36000/med(countsAll)+med(primes))
}

func fmtList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(s, " ")
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

// decodeFPS is how fast video decodes alone: the yardstick of the counting
// benchmarks, measured in the same run.
func decodeFPS(b *testing.B, video string) float64 {
	src, err := OpenSource(video)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	m := gocv.NewMat()
	defer m.Close()
	n := 0
	start := time.Now()
	for src.Read(context.Background(), &m) == nil {
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkCountDNN counts vtest.avi (a crowded scene) with the built-in
// learnt detector at the default analysis rate and prints how many times
// faster than real time it is, beside decode-only speed in the same run:
// before (OpenCV's dnn) and after (ONNX Runtime on every core the process
// may use), both at the shipped 320×320 input and looking only at the
// region around a line across the middle; then the 4:3 inputs measured
// against it, and the whole picture. make
// bench runs it on one core and on two.
//
//	taskset -c 0 go test -run '^$' -bench CountDNN -benchtime 1x ./vision
func BenchmarkCountDNN(b *testing.B) {
	video := footage(b, "vtest.avi")
	ctx := context.Background()
	model, err := assets.PersonModel()
	if err != nil {
		b.Fatal(err)
	}
	cores := runtime.NumCPU()
	runs := []struct {
		what  string
		cfg   NanoDetConfig
		whole bool
	}{
		{"before: OpenCV dnn, 320x320", NanoDetConfig{Runtime: RuntimeOpenCV, Size: 320}, false},
		{"after: ONNX Runtime, 320x320", NanoDetConfig{Runtime: RuntimeORT, Threads: cores}, false},
		{"ONNX Runtime, 384x288", NanoDetConfig{Runtime: RuntimeORT, Size: 384, Height: 288, Threads: cores}, false},
		{"ONNX Runtime, 480x352", NanoDetConfig{Runtime: RuntimeORT, Size: 480, Height: 352, Threads: cores}, false},
		{"after, the whole picture", NanoDetConfig{Runtime: RuntimeORT, Threads: cores}, true},
	}
	for i := 0; i < b.N; i++ {
		decode := decodeFPS(b, video)
		fmt.Printf("vtest.avi 768x576 at 10 fps, learnt detector, 5 looks a second, %d core(s); decode alone %.0f fps (%.0f× real time)\n", cores, decode, decode/10)
		realTime := make([]float64, len(runs))
		for k, r := range runs {
			src, err := OpenSource(video)
			if err != nil {
				b.Fatal(err)
			}
			r.cfg.ModelData = model
			d, err := NewNanoDetDetector(r.cfg)
			if err != nil {
				b.Fatal(err)
			}
			c, err := NewCounter(Config{Entrance: Line{Pt{0, 300}, Pt{768, 300}}, Detector: d, WholeFrame: r.whole}, 768, 576, src.FPS())
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := c.run(ctx, src); err != nil {
				b.Fatal(err)
			}
			took := time.Since(start).Seconds()
			fps := float64(c.frame) / took
			realTime[k] = float64(c.frame) / src.FPS() / took
			where := "the whole picture"
			if !r.whole {
				where = fmt.Sprintf("region %v of the %.0fx%.0f work frame", c.roi, c.roiS.w, c.roiS.h)
			}
			fmt.Printf("  %-30s %s: %4.0f fps, %5.1f× real time, %.3f of decode-only speed; an hour takes %3.0f s\n",
				r.what, where, fps, realTime[k], fps/decode, 36000/fps)
			c.Close()
			src.Close()
		}
		fmt.Printf("after ÷ before: %.2f×\n", realTime[1]/realTime[0])
		b.ReportMetric(realTime[1], "x-real-time")
		b.ReportMetric(realTime[1]/realTime[0], "x-before")
	}
}
