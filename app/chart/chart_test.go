package chart

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// shanghai is a store's zone in the tests; loaded, not hard-coded, like the app does.
func shanghai(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

// dayOfHours is a store's day from 10:00 to 21:00 local with a lunch and an
// evening peak, the predicted band around it, and a conversion curve.
func dayOfHours(loc *time.Location) (ForecastInput, TrafficConversionInput) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, loc)
	var fi ForecastInput
	var tc TrafficConversionInput
	fi.Step, tc.Step = time.Hour, time.Hour
	fi.ActualName, fi.BandName = "实际客流", "预测区间"
	tc.EntriesName, tc.ConversionName = "进店客流", "成交率"
	for h := 10; h <= 21; h++ {
		t := day.Add(time.Duration(h) * time.Hour)
		v := 40 + 30*math.Exp(-math.Pow(float64(h-13), 2)/4) + 55*math.Exp(-math.Pow(float64(h-19), 2)/3)
		if h == 16 {
			v = 12 // the odd hour
		}
		fi.Actual = append(fi.Actual, Point{T: t, V: math.Round(v)})
		fi.Band = append(fi.Band, BandPoint{T: t, Low: v*0.8 + 3, High: v*1.2 + 8})
		conv := 0.08 + 0.02*math.Sin(float64(h))
		if h == 21 {
			conv = math.NaN()
		}
		tc.Buckets = append(tc.Buckets, HourTraffic{T: t, Entries: math.Round(v), Conversion: conv})
	}
	return fi, tc
}

func TestForecastHitsMapClicksToTheirHour(t *testing.T) {
	loc := shanghai(t)
	fi, _ := dayOfHours(loc)
	for _, scale := range []float64{1, 2} {
		r, err := Forecast(Options{Width: 600, Height: 240, Scale: scale, Location: loc}, fi)
		if err != nil {
			t.Fatal(err)
		}
		if r.Width != int(600*scale) || r.Height != int(240*scale) {
			t.Fatalf("scale %v: image is %d×%d, want %v×%v", scale, r.Width, r.Height, 600*scale, 240*scale)
		}
		if len(r.Hits) != 12 {
			t.Fatalf("scale %v: %d clickable hours, want 12", scale, len(r.Hits))
		}
		y := (r.PlotTop + r.PlotBottom) / 2
		for _, want := range fi.Actual {
			x, ok := r.XOf(want.T)
			if !ok {
				t.Fatalf("no hit for %v", want.T)
			}
			// A click a few pixels either side of the point still picks its hour.
			for _, dx := range []float32{-8, 0, 8} {
				h, ok := r.HitAt(x+dx, y)
				if !ok || !h.Time.Equal(want.T) {
					t.Errorf("scale %v: click at x=%.0f (point %s %+.0f px) → %v, want %s", scale, x+dx, want.T.Format("15:04"), dx, h.Time.Format("15:04"), want.T.Format("15:04"))
				}
				if h.Time.Location() != loc {
					t.Errorf("hit time is in %v, want the store's zone", h.Time.Location())
				}
			}
		}
		// The 10:00 point sits left of the 21:00 point, inside the plot.
		first, last := r.Hits[0], r.Hits[len(r.Hits)-1]
		if !(first.Left >= r.PlotLeft-1 && first.Right < last.Left && last.Right <= r.PlotRight+1) {
			t.Errorf("hit spans out of order or outside the plot: first %+v last %+v plot %v..%v", first, last, r.PlotLeft, r.PlotRight)
		}
		if _, ok := r.HitAt(r.PlotLeft+10, r.PlotTop-20); ok {
			t.Error("a click on the legend above the plot selected a point")
		}
	}
}

func TestHitsPointAtTheDrawnBar(t *testing.T) {
	// A single tall bar among zeros: the pixel column under its hit must be
	// coloured with the bar colour in the image, so a click really lands on
	// what the manager sees.
	loc := shanghai(t)
	day := time.Date(2026, 11, 20, 10, 0, 0, 0, loc)
	in := TrafficConversionInput{Step: time.Hour, EntriesName: "entries", ConversionName: "conv"}
	for h := 0; h < 10; h++ {
		v := 0.0
		if h == 6 {
			v = 100
		}
		in.Buckets = append(in.Buckets, HourTraffic{T: day.Add(time.Duration(h) * time.Hour), Entries: v, Conversion: math.NaN()})
	}
	r, err := TrafficConversion(Options{Width: 500, Height: 200, Scale: 2, Location: loc}, in)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(r.Image))
	if err != nil {
		t.Fatal(err)
	}
	x, _ := r.XOf(day.Add(6 * time.Hour))
	y := (r.PlotTop + r.PlotBottom) / 2
	want := LightPalette().Primary
	got := img.At(int(x*2), int(y*2))
	if !sameColor(got, want) {
		t.Fatalf("pixel under the 16:00 hit is %v, want the bar colour %v", got, want)
	}
	x5, _ := r.XOf(day.Add(5 * time.Hour))
	if sameColor(img.At(int(x5*2), int(y*2)), want) {
		t.Fatal("the empty 15:00 hour is drawn as a bar")
	}
}

func sameColor(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { return math.Abs(float64(x>>8)-float64(y>>8)) <= 6 }
	return d(ar, br) && d(ag, bg) && d(ab, bb)
}

func TestEmptyInputsSayNoData(t *testing.T) {
	o := Options{Width: 400, Height: 200}
	checks := map[string]error{}
	_, checks["forecast"] = Forecast(o, ForecastInput{})
	_, checks["traffic-conversion"] = TrafficConversion(o, TrafficConversionInput{})
	_, checks["hourly"] = HourlyProfile(o, HourlyProfileInput{})
	_, checks["staff"] = StaffRatio(o, StaffRatioInput{})
	_, checks["trend"] = EntryRateTrend(o, TrendInput{})
	_, checks["weather"] = TrafficByWeather(o, CategoryInput{})
	_, checks["device-local"] = DeviceVsLocal(o, CountComparisonInput{})
	for name, err := range checks {
		if err != ErrNoData {
			t.Errorf("%s with no data: err = %v, want ErrNoData", name, err)
		}
	}
}

func TestSinglePointStillDraws(t *testing.T) {
	// A new store with one hour of data, or one month of history, must draw
	// rather than fail on a zero-width axis.
	loc := shanghai(t)
	tm := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	r, err := EntryRateTrend(Options{Width: 400, Height: 200, Location: loc}, TrendInput{Months: []Point{{T: tm, V: 0.0836}}, Name: "进店率"})
	if err != nil || len(r.Hits) != 1 || !r.Hits[0].Time.Equal(tm) {
		t.Fatalf("one month: %v, %+v", err, r)
	}
	r, err = Forecast(Options{Width: 400, Height: 200, Location: loc}, ForecastInput{Step: time.Hour, Actual: []Point{{T: tm.Add(10 * time.Hour), V: 0}}})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("one zero hour: %v", err)
	}
}

func TestTooSmallIsAClearError(t *testing.T) {
	fi, _ := dayOfHours(time.UTC)
	_, err := Forecast(Options{Width: 20, Height: 10}, fi)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("too small")) {
		t.Fatalf("err = %v, want a 'too small' error", err)
	}
}

func TestStaffRatioLegendGivesShares(t *testing.T) {
	loc := shanghai(t)
	day := time.Date(2026, 11, 20, 10, 0, 0, 0, loc)
	in := StaffRatioInput{Step: time.Hour, BandLow: 8, BandHigh: 15, OverName: "over", OptimalName: "ok", UnderName: "under"}
	classes := []StaffClass{StaffOver, StaffOver, StaffOver, StaffOver, StaffOver, StaffOver, StaffOver, StaffOptimal, StaffOptimal, StaffUnder}
	for i, c := range classes {
		in.Hours = append(in.Hours, StaffHour{T: day.Add(time.Duration(i) * time.Hour), Ratio: float64(5 + i*2), Class: c})
	}
	r, err := StaffRatio(Options{Width: 600, Height: 220, Location: loc}, in)
	if err != nil || len(r.Hits) != 10 {
		t.Fatalf("staff ratio: %v", err)
	}
	// The legend text is part of the image; check the computed names.
	names := staffLegend(in)
	if names[0] != "over 70%" || names[1] != "ok 20%" || names[2] != "under 10%" {
		t.Fatalf("legend %q, want shares 70/20/10", names)
	}
}

// goldenCases are the charts whose look is pinned by golden images.
func goldenCases(t testing.TB) map[string]func() (*Rendered, error) {
	loc := shanghai(t)
	fi, tc := dayOfHours(loc)
	months := TrendInput{Name: "进店率 entry rate"}
	for i, v := range []float64{0.02, 0.031, 0.045, 0.052, 0.067, 0.0836} {
		months.Months = append(months.Months, Point{T: time.Date(2026, time.Month(6+i), 1, 0, 0, 0, 0, loc), V: v})
	}
	return map[string]func() (*Rendered, error){
		"forecast_light.png": func() (*Rendered, error) {
			return Forecast(Options{Width: 640, Height: 240, Scale: 1, Location: loc}, fi)
		},
		"traffic_conversion_dark.png": func() (*Rendered, error) {
			return TrafficConversion(Options{Width: 640, Height: 240, Scale: 1, Location: loc, Palette: DarkPalette(), Selected: fi.Actual[6].T}, tc)
		},
		"trend_light_hidpi.png": func() (*Rendered, error) {
			return EntryRateTrend(Options{Width: 420, Height: 200, Scale: 2, Location: loc}, months)
		},
	}
}

// TestGoldenImages compares charts with the images in testdata/. On a
// difference it writes the actual image next to the golden one and names
// both with the share of differing pixels; run with -update to accept.
func TestGoldenImages(t *testing.T) {
	if err := FontStatus(); err != nil {
		t.Skipf("golden images are drawn with the CJK font: %v", err)
	}
	for name, draw := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			r, err := draw()
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(golden, r.Image, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden %s: %v (run `go test ./app/chart -run Golden -update` to create it)", golden, err)
			}
			diff, total, err := pixelDiff(want, r.Image)
			if err != nil {
				t.Fatal(err)
			}
			if diff > 0 {
				actual := filepath.Join("testdata", "actual_"+name)
				_ = os.WriteFile(actual, r.Image, 0o644)
				abs, _ := filepath.Abs(actual)
				t.Errorf("%s differs from its golden image in %d of %d pixels (%.2f%%); actual written to %s — look at both, then rerun with -update if the change is intended", name, diff, total, 100*float64(diff)/float64(total), abs)
			}
		})
	}
}

// pixelDiff counts pixels differing by more than a small tolerance.
func pixelDiff(a, b []byte) (diff, total int, err error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 0, 0, fmt.Errorf("decode golden: %w", err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, 0, fmt.Errorf("decode actual: %w", err)
	}
	if ia.Bounds() != ib.Bounds() {
		return ia.Bounds().Dx() * ia.Bounds().Dy(), ia.Bounds().Dx() * ia.Bounds().Dy(), nil
	}
	bd := ia.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			if !sameColor(ia.At(x, y), ib.At(x, y)) {
				diff++
			}
		}
	}
	return diff, bd.Dx() * bd.Dy(), nil
}

// BenchmarkCharts prints how long each chart takes to draw at a laptop's
// store-page size, at scale 1 and 2.
func BenchmarkCharts(b *testing.B) {
	for name, draw := range goldenCases(b) {
		b.Run(name, func(b *testing.B) {
			var bytes int
			for i := 0; i < b.N; i++ {
				r, err := draw()
				if err != nil {
					b.Fatal(err)
				}
				bytes = len(r.Image)
			}
			b.ReportMetric(float64(bytes), "png-bytes")
		})
	}
}

func TestLinesBreakOverMissingHours(t *testing.T) {
	// Two trading days with the night missing from the input: no stroke may
	// cross the night. The pixel column halfway through the night must hold
	// no line colour.
	loc := shanghai(t)
	var in ForecastInput
	in.Step = time.Hour
	for _, day := range []int{20, 21} {
		for h := 10; h <= 21; h++ {
			in.Actual = append(in.Actual, Point{T: time.Date(2026, 11, day, h, 0, 0, 0, loc), V: 50})
		}
	}
	r, err := Forecast(Options{Width: 800, Height: 200, Location: loc}, in)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(r.Image))
	if err != nil {
		t.Fatal(err)
	}
	x1, _ := r.XOf(time.Date(2026, 11, 20, 21, 0, 0, 0, loc))
	x2, _ := r.XOf(time.Date(2026, 11, 21, 10, 0, 0, 0, loc))
	mid := int((x1 + x2) / 2)
	for y := int(r.PlotTop); y < int(r.PlotBottom)-2; y++ {
		if sameColor(img.At(mid, y), LightPalette().Primary) {
			t.Fatalf("a line crosses the closed night at x=%d y=%d", mid, y)
		}
	}
	// … while the open hours are joined.
	x3, _ := r.XOf(time.Date(2026, 11, 20, 15, 30, 0, 0, loc).Truncate(time.Hour))
	found := false
	for y := int(r.PlotTop); y < int(r.PlotBottom); y++ {
		if sameColor(img.At(int(x3)+5, y), LightPalette().Primary) {
			found = true
		}
	}
	if !found {
		t.Fatal("the line between two open hours is missing")
	}
}

func TestSVGForTheReport(t *testing.T) {
	loc := shanghai(t)
	fi, _ := dayOfHours(loc)
	r, err := Forecast(Options{Width: 600, Height: 240, Location: loc, Format: SVG, Title: "武汉群光店 实际与预测客流"}, fi)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(r.Image), []byte("<svg")) || !bytes.Contains(r.Image, []byte("武汉群光店")) {
		t.Fatalf("SVG output does not start with <svg or lacks the Chinese title: %.120q", r.Image)
	}
	if len(r.Hits) != 12 {
		t.Fatalf("SVG chart has %d hits, want 12", len(r.Hits))
	}
}
