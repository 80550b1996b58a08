package chart

import (
	"fmt"
	"math"
	"sort"
	"time"

	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Point is one value at one time; V is NaN where there is no data (a closed
// hour, an hour under a camera alert the caller chose to hide).
type Point struct {
	T time.Time
	V float64
}

// BandPoint is the predicted range for the bucket starting at T.
type BandPoint struct {
	T         time.Time
	Low, High float64
}

// ForecastInput is real traffic against the predicted band.
type ForecastInput struct {
	// Step is the bucket width (an hour or a day).
	Step time.Duration
	// Actual are the counted entries per bucket, Band the predicted range.
	Actual []Point
	Band   []BandPoint
	// ActualName and BandName label the legend, in the UI's language.
	ActualName, BandName string
}

// Forecast draws real entries as a line over the predicted band. Each
// bucket is clickable and reports its start time.
func Forecast(o Options, in ForecastInput) (*Rendered, error) {
	if len(in.Actual) == 0 && len(in.Band) == 0 {
		return nil, ErrNoData
	}
	f := newFrame(o)
	step := stepSeconds(in.Step)
	times := mergeTimes(pointTimes(in.Actual), bandTimes(in.Band))
	f.setTimeX(times, step)
	max := 0.0
	bx, lo, hi := make([]float64, len(in.Band)), make([]float64, len(in.Band)), make([]float64, len(in.Band))
	for i, b := range in.Band {
		bx[i], lo[i], hi[i] = unix(b.T), b.Low, b.High
		max = math.Max(max, finite(b.High))
	}
	ax, ay := make([]float64, len(in.Actual)), make([]float64, len(in.Actual))
	byTime := map[int64]float64{}
	for i, p := range in.Actual {
		ax[i], ay[i] = unix(p.T), p.V
		max = math.Max(max, finite(p.V))
		byTime[p.T.Unix()] = p.V
	}
	f.left = niceAxis(max, countFormat)
	f.series = append(f.series,
		&bandSeries{base: base{axis: gochart.YAxisSecondary}, xs: bx, lo: lo, hi: hi, color: dc(f.p.Band), maxGap: 1.5 * float64(step)},
		&lineSeries{base: base{axis: gochart.YAxisSecondary}, xs: ax, ys: ay, color: dc(f.p.Primary), width: f.px(2), dot: dotFor(f, len(ax)), maxGap: 1.5 * float64(step)},
	)
	f.legend = []legendItem{
		{name: in.ActualName, color: gochart.Style{StrokeColor: dc(f.p.Primary)}, kind: legendLine},
		{name: in.BandName, color: gochart.Style{FillColor: dc(f.p.Band)}, kind: legendBand},
	}
	for _, t := range times {
		v, ok := byTime[t]
		if !ok {
			v = math.NaN()
		}
		f.addHit(float64(t), Hit{Time: time.Unix(t, 0).In(o.loc()), Hour: -1, Value: v})
	}
	return f.render()
}

// HourTraffic is one bucket of entries and the conversion in it.
type HourTraffic struct {
	T       time.Time
	Entries float64
	// Conversion is transactions / entries as a fraction; NaN when the
	// store has no POS data for the bucket or nobody entered.
	Conversion float64
}

// TrafficConversionInput is entries against conversion per bucket.
type TrafficConversionInput struct {
	Step                        time.Duration
	Buckets                     []HourTraffic
	EntriesName, ConversionName string
}

// TrafficConversion draws entries as bars (left axis) and conversion as a
// line (right axis, percent). Each bar is clickable and reports its time.
func TrafficConversion(o Options, in TrafficConversionInput) (*Rendered, error) {
	if len(in.Buckets) == 0 {
		return nil, ErrNoData
	}
	f := newFrame(o)
	step := stepSeconds(in.Step)
	times := make([]int64, len(in.Buckets))
	xs, ent, conv := make([]float64, len(in.Buckets)), make([]float64, len(in.Buckets)), make([]float64, len(in.Buckets))
	maxE, maxC := 0.0, 0.0
	hasConv := false
	for i, b := range in.Buckets {
		times[i] = b.T.Unix()
		xs[i], ent[i], conv[i] = unix(b.T), b.Entries, b.Conversion
		maxE = math.Max(maxE, finite(b.Entries))
		if !math.IsNaN(b.Conversion) {
			hasConv = true
			maxC = math.Max(maxC, finite(b.Conversion))
		}
	}
	f.setTimeX(times, step)
	f.left = niceAxis(maxE, countFormat)
	r := niceAxis(math.Max(maxC, 0.05), percentFormat)
	f.right = &r
	f.series = append(f.series,
		&barSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: ent, width: float64(step) * 0.7, colors: []drawing.Color{dc(f.p.Primary)}},
	)
	f.legend = []legendItem{{name: in.EntriesName, color: gochart.Style{FillColor: dc(f.p.Primary)}, kind: legendBar}}
	if hasConv {
		f.series = append(f.series, &lineSeries{base: base{axis: gochart.YAxisPrimary}, xs: xs, ys: conv, color: dc(f.p.Secondary), width: f.px(2), dot: dotFor(f, len(xs)), maxGap: 1.5 * float64(step)})
		f.legend = append(f.legend, legendItem{name: in.ConversionName, color: gochart.Style{StrokeColor: dc(f.p.Secondary)}, kind: legendLine})
	}
	for i, b := range in.Buckets {
		f.addHit(xs[i], Hit{Time: b.T.In(o.loc()), Hour: -1, Value: b.Entries})
	}
	return f.render()
}

// HourlyProfileInput is the average entries per hour of day on weekdays and
// on weekends/holidays. NaN marks hours with no data (closed).
type HourlyProfileInput struct {
	Weekday, Weekend         [24]float64
	WeekdayName, WeekendName string
}

// HourlyProfile draws the two hour-of-day curves. Hits report the hour of
// day (there is no single time behind an average).
func HourlyProfile(o Options, in HourlyProfileInput) (*Rendered, error) {
	first, last := -1, -1
	max := 0.0
	for h := 0; h < 24; h++ {
		if finite(in.Weekday[h]) > 0 || finite(in.Weekend[h]) > 0 {
			if first < 0 {
				first = h
			}
			last = h
		}
		max = math.Max(max, math.Max(finite(in.Weekday[h]), finite(in.Weekend[h])))
	}
	if first < 0 {
		return nil, ErrNoData
	}
	if first == last {
		if first > 0 {
			first--
		} else {
			last++
		}
	}
	f := newFrame(o)
	f.xMin, f.xMax = float64(first)-0.5, float64(last)+0.5
	n := last - first + 1
	every := 1
	for n/every > f.maxXTicks() {
		every++
	}
	f.xTicks = []gochart.Tick{{Value: f.xMin}}
	xs := make([]float64, 0, n)
	wd, we := make([]float64, 0, n), make([]float64, 0, n)
	for h := first; h <= last; h++ {
		xs = append(xs, float64(h))
		wd = append(wd, in.Weekday[h])
		we = append(we, in.Weekend[h])
		if h%every == 0 {
			f.xTicks = append(f.xTicks, gochart.Tick{Value: float64(h), Label: fmt.Sprintf("%02d:00", h)})
		}
		f.addHit(float64(h), Hit{Hour: h, Value: in.Weekday[h]})
	}
	f.xTicks = append(f.xTicks, gochart.Tick{Value: f.xMax})
	f.left = niceAxis(max, countFormat)
	f.series = append(f.series,
		&lineSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: wd, color: dc(f.p.Primary), width: f.px(2), dot: f.px(2.5)},
		&lineSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: we, color: dc(f.p.Secondary), width: f.px(2), dot: f.px(2.5), dash: []float64{f.px(5), f.px(3)}},
	)
	f.legend = []legendItem{
		{name: in.WeekdayName, color: gochart.Style{StrokeColor: dc(f.p.Primary)}, kind: legendLine},
		{name: in.WeekendName, color: gochart.Style{StrokeColor: dc(f.p.Secondary), StrokeDashArray: []float64{f.px(5), f.px(3)}}, kind: legendLine},
	}
	return f.render()
}

// StaffClass is how an hour's entries per staff member compare with the
// tag's band.
type StaffClass int

// The staff-ratio classes of an hour.
const (
	StaffUnknown StaffClass = iota // no shift data for the hour
	StaffUnder                     // too few staff: ratio above the band
	StaffOptimal
	StaffOver // too many staff: ratio below the band
)

// StaffHour is one hour's entries per staff member and its class.
type StaffHour struct {
	T     time.Time
	Ratio float64
	Class StaffClass
}

// StaffRatioInput is the staff ratio per hour with the tag's optimal band.
type StaffRatioInput struct {
	Step              time.Duration
	Hours             []StaffHour
	BandLow, BandHigh float64
	// OverName, OptimalName and UnderName label the classes; the chart adds
	// each class's share of the hours to its legend entry.
	OverName, OptimalName, UnderName string
}

// StaffRatio draws one bar per hour coloured by class over the shaded
// optimal band; the legend gives the share of hours in each class.
func StaffRatio(o Options, in StaffRatioInput) (*Rendered, error) {
	if len(in.Hours) == 0 {
		return nil, ErrNoData
	}
	f := newFrame(o)
	step := stepSeconds(in.Step)
	times := make([]int64, len(in.Hours))
	xs, ys := make([]float64, len(in.Hours)), make([]float64, len(in.Hours))
	colors := make([]drawing.Color, len(in.Hours))
	max := in.BandHigh
	for i, h := range in.Hours {
		times[i] = h.T.Unix()
		xs[i], ys[i] = unix(h.T), h.Ratio
		max = math.Max(max, finite(h.Ratio))
		switch h.Class {
		case StaffOver:
			colors[i] = dc(f.p.Over)
		case StaffOptimal:
			colors[i] = dc(f.p.Optimal)
		case StaffUnder:
			colors[i] = dc(f.p.Under)
		default:
			colors[i] = dc(f.p.Muted)
		}
	}
	f.setTimeX(times, step)
	f.left = niceAxis(max, countFormat)
	band := dc(f.p.Optimal)
	band.A = 0x30
	f.series = append(f.series,
		&hbandSeries{base: base{axis: gochart.YAxisSecondary}, lo: in.BandLow, hi: in.BandHigh, fill: band},
		&barSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: ys, width: float64(step) * 0.7, colors: colors},
	)
	names := staffLegend(in)
	f.legend = []legendItem{
		{name: names[0], color: gochart.Style{FillColor: dc(f.p.Over)}, kind: legendBar},
		{name: names[1], color: gochart.Style{FillColor: dc(f.p.Optimal)}, kind: legendBar},
		{name: names[2], color: gochart.Style{FillColor: dc(f.p.Under)}, kind: legendBar},
	}
	for i, h := range in.Hours {
		f.addHit(xs[i], Hit{Time: h.T.In(o.loc()), Hour: -1, Value: h.Ratio})
	}
	return f.render()
}

// TrendInput is a monthly series of a rate (entry rate) as fractions, one
// point per month starting at the month's first local day.
type TrendInput struct {
	Months []Point
	Name   string
}

// EntryRateTrend draws the monthly entry rate with each month's value
// written above its point; each month is clickable.
func EntryRateTrend(o Options, in TrendInput) (*Rendered, error) {
	if len(in.Months) == 0 {
		return nil, ErrNoData
	}
	f := newFrame(o)
	loc := o.loc()
	xs, ys := make([]float64, len(in.Months)), make([]float64, len(in.Months))
	labels := make([]string, len(in.Months))
	max := 0.0
	for i, p := range in.Months {
		xs[i], ys[i] = float64(i), p.V
		max = math.Max(max, finite(p.V))
		if !math.IsNaN(p.V) {
			labels[i] = percentFormat2(p.V)
		}
	}
	f.xMin, f.xMax = -0.5, float64(len(in.Months))-0.5
	every := 1
	for len(in.Months)/every > f.maxXTicks() {
		every++
	}
	f.xTicks = []gochart.Tick{{Value: f.xMin}}
	for i, p := range in.Months {
		if (len(in.Months)-1-i)%every == 0 {
			f.xTicks = append(f.xTicks, gochart.Tick{Value: float64(i), Label: p.T.In(loc).Format("2006-01")})
		}
		f.addHit(float64(i), Hit{Time: p.T.In(loc), Hour: -1, Value: p.V})
	}
	f.xTicks = append(f.xTicks, gochart.Tick{Value: f.xMax})
	f.left = niceAxis(math.Max(max, 0.01)*1.12, percentFormat)
	f.series = append(f.series,
		&lineSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: ys, color: dc(f.p.Primary), width: f.px(2), dot: f.px(3.5)},
		&labelSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: ys, labels: labels, color: dc(f.p.Text), gap: f.ipx(8)},
	)
	f.legend = []legendItem{{name: in.Name, color: gochart.Style{StrokeColor: dc(f.p.Primary)}, kind: legendLine}}
	return f.render()
}

// Category is one bar of a categorical chart.
type Category struct {
	// Label names the category in the UI's language (e.g. "雨 (4天)").
	Label string
	Value float64
	// Key identifies the category for the caller (e.g. "rain"); Hit.Label
	// reports it.
	Key string
}

// CategoryInput is one value per category (average daily entries by
// weather condition).
type CategoryInput struct {
	Categories []Category
	Name       string
}

// TrafficByWeather draws one bar per weather condition with its value on
// top; a click reports the category's Key.
func TrafficByWeather(o Options, in CategoryInput) (*Rendered, error) {
	if len(in.Categories) == 0 {
		return nil, ErrNoData
	}
	f := newFrame(o)
	n := len(in.Categories)
	xs, ys := make([]float64, n), make([]float64, n)
	labels := make([]string, n)
	max := 0.0
	f.xMin, f.xMax = -0.5, float64(n)-0.5
	f.xTicks = []gochart.Tick{{Value: f.xMin}}
	for i, c := range in.Categories {
		xs[i], ys[i] = float64(i), c.Value
		max = math.Max(max, finite(c.Value))
		if !math.IsNaN(c.Value) {
			labels[i] = countFormat(math.Round(c.Value))
		}
		f.xTicks = append(f.xTicks, gochart.Tick{Value: float64(i), Label: c.Label})
		f.addHit(float64(i), Hit{Hour: -1, Label: c.Key, Value: c.Value})
	}
	f.xTicks = append(f.xTicks, gochart.Tick{Value: f.xMax})
	f.left = niceAxis(max*1.1, countFormat)
	f.series = append(f.series,
		&barSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: ys, width: 0.55, colors: []drawing.Color{dc(f.p.Primary)}},
		&labelSeries{base: base{axis: gochart.YAxisSecondary}, xs: xs, ys: ys, labels: labels, color: dc(f.p.Text), gap: f.ipx(4)},
	)
	f.legend = []legendItem{{name: in.Name, color: gochart.Style{FillColor: dc(f.p.Primary)}, kind: legendBar}}
	return f.render()
}

// CountComparisonInput is the device's count against the local recount of
// footage for the same buckets.
type CountComparisonInput struct {
	Step                  time.Duration
	Device, Local         []Point
	DeviceName, LocalName string
}

// DeviceVsLocal draws device and local counts as paired bars per bucket;
// each bucket is clickable and reports its time.
func DeviceVsLocal(o Options, in CountComparisonInput) (*Rendered, error) {
	if len(in.Device) == 0 && len(in.Local) == 0 {
		return nil, ErrNoData
	}
	f := newFrame(o)
	step := stepSeconds(in.Step)
	times := mergeTimes(pointTimes(in.Device), pointTimes(in.Local))
	f.setTimeX(times, step)
	dx, dy := split(in.Device)
	lx, ly := split(in.Local)
	max := 0.0
	for _, v := range append(append([]float64{}, dy...), ly...) {
		max = math.Max(max, finite(v))
	}
	f.left = niceAxis(max, countFormat)
	w := float64(step) * 0.36
	f.series = append(f.series,
		&barSeries{base: base{axis: gochart.YAxisSecondary}, xs: dx, ys: dy, width: w, offset: -w / 2, colors: []drawing.Color{dc(f.p.Primary)}},
		&barSeries{base: base{axis: gochart.YAxisSecondary}, xs: lx, ys: ly, width: w, offset: w / 2, colors: []drawing.Color{dc(f.p.Secondary)}},
	)
	f.legend = []legendItem{
		{name: in.DeviceName, color: gochart.Style{FillColor: dc(f.p.Primary)}, kind: legendBar},
		{name: in.LocalName, color: gochart.Style{FillColor: dc(f.p.Secondary)}, kind: legendBar},
	}
	dev := map[int64]float64{}
	for _, p := range in.Device {
		dev[p.T.Unix()] = p.V
	}
	for _, t := range times {
		v, ok := dev[t]
		if !ok {
			v = math.NaN()
		}
		f.addHit(float64(t), Hit{Time: time.Unix(t, 0).In(o.loc()), Hour: -1, Value: v})
	}
	return f.render()
}

// setTimeX sets a time x axis over the bucket starts times (Unix seconds,
// sorted), half a bucket of room on each side so bars are not cut, and
// marks the selected time.
func (f *frame) setTimeX(times []int64, step int64) {
	if len(times) == 0 {
		f.xMin, f.xMax = 0, 1
		return
	}
	f.xMin = float64(times[0]) - float64(step)/2
	f.xMax = float64(times[len(times)-1]) + float64(step)/2
	f.xTicks = timeTicks(f.xMin, f.xMax, f.o.loc(), f.maxXTicks())
	if !f.o.Selected.IsZero() {
		sel := f.o.Selected.Unix()
		for _, t := range times {
			if t == sel {
				f.series = append(f.series, &vlineSeries{base: base{axis: gochart.YAxisSecondary}, x: float64(t), color: dc(f.p.Selected), width: f.px(1.5)})
				break
			}
		}
	}
}

// maxXTicks is how many x labels fit without touching (about 64 logical
// pixels each).
func (f *frame) maxXTicks() int {
	n := f.o.Width / 64
	if n < 2 {
		n = 2
	}
	return n
}

func stepSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 3600
	}
	return int64(d / time.Second)
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// dotFor sizes point markers: visible on a day of hours, gone on a month.
func dotFor(f *frame, n int) float64 {
	if n > 0 && float64(f.o.Width)/float64(n) >= 14 {
		return f.px(2.5)
	}
	return 0
}

func percentFormat2(v float64) string { return fmt.Sprintf("%.2f%%", v*100) }

func pointTimes(ps []Point) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.T.Unix()
	}
	return out
}

func bandTimes(bs []BandPoint) []int64 {
	out := make([]int64, len(bs))
	for i, b := range bs {
		out[i] = b.T.Unix()
	}
	return out
}

// mergeTimes is the sorted union of two sorted time lists.
func mergeTimes(a, b []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, l := range [][]int64{a, b} {
		for _, t := range l {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sortInt64(out)
	return out
}

func sortInt64(s []int64) { sort.Slice(s, func(i, j int) bool { return s[i] < s[j] }) }

func split(ps []Point) (xs, ys []float64) {
	xs, ys = make([]float64, len(ps)), make([]float64, len(ps))
	for i, p := range ps {
		xs[i], ys[i] = unix(p.T), p.V
	}
	return
}

// staffLegend names the three classes with their share of the hours that
// have shift data: over, optimal, under.
func staffLegend(in StaffRatioInput) [3]string {
	counts := map[StaffClass]int{}
	for _, h := range in.Hours {
		counts[h.Class]++
	}
	known := counts[StaffOver] + counts[StaffOptimal] + counts[StaffUnder]
	share := func(c StaffClass) string {
		if known == 0 {
			return ""
		}
		return fmt.Sprintf(" %.0f%%", 100*float64(counts[c])/float64(known))
	}
	return [3]string{in.OverName + share(StaffOver), in.OptimalName + share(StaffOptimal), in.UnderName + share(StaffUnder)}
}
