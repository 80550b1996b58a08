package health

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// checkLooped plays path `loops` times back to back through one Checker,
// as one long recording whose loop seams are hard cuts, learning the
// reference from its first 10 s. It returns the alerts and the footage
// seconds covered.
func checkLooped(t testing.TB, path string, loops int, cfg Config) ([]Alert, float64, int) {
	t.Helper()
	// The closest the clean footage came to each alert threshold.
	var worstBlocked, worstShift, worstRot float64
	worstSharp := math.Inf(1)
	frozen, black := 0, 0
	cfg.OnSample = func(s Sample) {
		worstBlocked = max(worstBlocked, s.BlockedShare)
		if !math.IsNaN(s.Sharpness) {
			worstSharp = min(worstSharp, s.Sharpness)
		}
		if !math.IsNaN(s.ShiftPx) {
			worstShift = max(worstShift, s.ShiftPx)
			worstRot = max(worstRot, math.Abs(s.RotationDeg))
		}
		if s.Frozen {
			frozen++
		}
		if s.Black {
			black++
		}
	}
	defer func() {
		t.Logf("%s: closest to an alert: blocked share %.2f (alert ≥ %.2f), sharpness %.2f (alert < %.2f), shift %.1f px (alert ≥ %.0f), rotation %.2f° (alert ≥ %.0f), %d frozen and %d black samples",
			path, worstBlocked, cfg.OcclusionShare, worstSharp, cfg.SharpnessFloor, worstShift, cfg.MoveShift, worstRot, cfg.MoveRotation, frozen, black)
	}()
	cfg = cfg.withDefaults()
	ref, err := LearnReference(context.Background(), path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	chk, err := NewChecker(ref, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer chk.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	offset, next, last := 0.0, 0.0, 0.0
	frames := 0
	step := cfg.SampleEvery.Seconds()
	for range loops {
		f, err := openFootage(path)
		if err != nil {
			t.Fatal(err)
		}
		for {
			ft, err := f.read(context.Background(), &frame)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			frames++
			ts := offset + ft
			last = ts
			if ts+1e-9 < next {
				continue
			}
			next = ts + step
			if err := chk.Observe(ts, frame); err != nil {
				t.Fatal(err)
			}
		}
		f.Close()
		offset = last + 1/f.fps
	}
	return chk.Alerts(), offset, frames
}

// TestLongCleanFootageFalseAlertRate plays the clean sample clips for a
// long stretch (set HEALTH_LOOPS to play vtest.avi more often; 46 loops is
// about an hour) and reports false alerts per hour; it requires none.
func TestLongCleanFootageFalseAlertRate(t *testing.T) {
	loops := 10
	if n, err := strconv.Atoi(os.Getenv("HEALTH_LOOPS")); err == nil && n > 0 {
		loops = n
	}
	for _, c := range []struct {
		name  string
		loops int
	}{{"vtest.avi", loops}, {"tree.avi", 3 * loops}} {
		path := sample(t, c.name)
		began := time.Now()
		alerts, secs, frames := checkLooped(t, path, c.loops, Config{})
		hours := secs / 3600
		t.Logf("%s ×%d: %.1f min of clean footage (%d frames, %d loop cuts) in %s: %d alerts = %.2f false alerts per hour",
			c.name, c.loops, secs/60, frames, c.loops-1, time.Since(began).Round(time.Second), len(alerts), float64(len(alerts))/hours)
		if len(alerts) > 0 {
			t.Errorf("%s: clean footage raised %s", c.name, describe(alerts))
		}
	}
}

// BenchmarkHealthVersusDecode prints, for the same file in the same run,
// the frame rate of decoding alone and of the full health check (decode +
// analysis every 0.5 s of footage), and their ratio.
func BenchmarkHealthVersusDecode(b *testing.B) {
	for _, name := range []string{"vtest.avi", "tree.avi"} {
		path := sample(b, name)
		b.Run(name, func(b *testing.B) {
			var decodeFPS, healthFPS, decodeCPU, healthCPU float64
			for range b.N {
				f, err := openFootage(path)
				if err != nil {
					b.Fatal(err)
				}
				m := gocv.NewMat()
				n := 0
				t0, c0 := time.Now(), cpuSeconds()
				for {
					if _, err := f.read(context.Background(), &m); err != nil {
						break
					}
					n++
				}
				decodeFPS = float64(n) / time.Since(t0).Seconds()
				decodeCPU = float64(n) / (cpuSeconds() - c0)
				m.Close()
				f.Close()

				t0, c0 = time.Now(), cpuSeconds()
				rep, err := CheckVideo(context.Background(), path, nil, Config{})
				if err != nil {
					b.Fatal(err)
				}
				healthFPS = float64(rep.Frames) / time.Since(t0).Seconds()
				healthCPU = float64(rep.Frames) / (cpuSeconds() - c0)
			}
			// Wall-clock rates suffer when other work shares the machine;
			// frames per CPU-second do not.
			b.ReportMetric(decodeFPS, "decode_fps")
			b.ReportMetric(healthFPS, "health_fps")
			b.ReportMetric(healthFPS/decodeFPS, "health/decode")
			b.ReportMetric(decodeCPU, "decode_frames/cpu-s")
			b.ReportMetric(healthCPU, "health_frames/cpu-s")
			b.ReportMetric(healthCPU/decodeCPU, "health/decode_cpu")
		})
	}
}

// cpuSeconds is the CPU time (user + system) the process has used so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
