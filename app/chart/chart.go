// Package chart draws StoreLens's charts — traffic against its forecast,
// traffic against conversion, hourly profiles, staff ratio, entry-rate trend,
// weather and device-versus-recount — as PNG or SVG with go-chart, for the
// screens and for the PDF report. It knows nothing of Fyne or of the
// database: callers pass plain series and already-translated names, the
// size in logical pixels with a HiDPI scale, and a theme palette. Every
// rendering also returns where each point or bar sits on the image, so a
// click can be turned back into the time (or hour, or category) it shows.
//
// Rendering is safe from any goroutine; the screens render off the UI
// goroutine.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"time"

	gochart "github.com/wcharczuk/go-chart/v2"
)

// ErrNoData is returned when a chart has nothing to draw; the screen shows
// a deliberate "no data" message in its place instead of an empty frame.
var ErrNoData = errors.New("no data for this chart")

// Format is the encoding of a rendered chart.
type Format int

// The formats a chart renders to: PNG for the screens and the PDF, SVG for
// exports that scale.
const (
	PNG Format = iota
	SVG
)

// Options are the caller's choices for one rendering.
type Options struct {
	// Width and Height are the size in logical (device-independent) pixels.
	Width, Height int
	// Scale is device pixels per logical pixel (2 on a HiDPI screen); the
	// image is Width×Scale by Height×Scale so it stays crisp. 0 means 1.
	Scale float64
	// Palette colours the chart; the zero value means LightPalette.
	Palette Palette
	// Location is the store's time zone for time labels; nil means UTC.
	Location *time.Location
	// Title, when set, is drawn at the top left (the report uses it; the
	// screens put their own title above the image).
	Title string
	// Format is PNG (default) or SVG.
	Format Format
	// Selected, when not zero, outlines the point or bar at that time.
	Selected time.Time
}

func (o Options) scale() float64 {
	if o.Scale <= 0 {
		return 1
	}
	return o.Scale
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

func (o Options) pal() Palette {
	if o.Palette.Background == nil {
		return LightPalette()
	}
	return o.Palette
}

// Hit is one clickable point or bar of a rendered chart: its horizontal
// span on the image and what it shows.
type Hit struct {
	// Left and Right bound the span in logical pixels from the image's left
	// edge; neighbouring spans meet halfway between their points.
	Left, Right float32
	// Time is the start of the hour/day/month shown; zero on charts whose
	// x axis is not a time (hour-of-day profile, weather).
	Time time.Time
	// Hour is the hour of day (0–23) on the hour-of-day profile, else -1.
	Hour int
	// Label names a category (a weather condition); "" otherwise.
	Label string
	// Value is the main value shown at this point.
	Value float64
}

// Rendered is a drawn chart and its pixel → data mapping.
type Rendered struct {
	// Image is the encoded PNG or SVG.
	Image  []byte
	Format Format
	// Width and Height are the image size in device pixels; Scale is the
	// device pixels per logical pixel it was drawn for.
	Width, Height int
	Scale         float64
	// PlotLeft, PlotTop, PlotRight, PlotBottom bound the plotting area in
	// logical pixels.
	PlotLeft, PlotTop, PlotRight, PlotBottom float32
	// Hits are the clickable spans, left to right.
	Hits []Hit
	// FontWarning is set when no Chinese-capable font was found (see
	// FontStatus); the chart is drawn but CJK text shows as boxes.
	FontWarning string
}

// HitAt is the point or bar under the logical pixel (x, y): the span that
// contains x, provided y is within the plotting area (with a little slack
// for the axis labels under it). ok is false outside the plot.
func (r *Rendered) HitAt(x, y float32) (Hit, bool) {
	if r == nil || len(r.Hits) == 0 {
		return Hit{}, false
	}
	slack := float32(24)
	if y < r.PlotTop-4 || y > r.PlotBottom+slack {
		return Hit{}, false
	}
	for _, h := range r.Hits {
		if x >= h.Left && x < h.Right {
			return h, true
		}
	}
	return Hit{}, false
}

// XOf is the logical x pixel of the centre of the hit at time t, for tests
// and for drawing a selection marker; ok is false when no hit shows t.
func (r *Rendered) XOf(t time.Time) (float32, bool) {
	for _, h := range r.Hits {
		if h.Time.Equal(t) {
			return (h.Left + h.Right) / 2, true
		}
	}
	return 0, false
}

// axisSpec is one value axis: its top value, label format and the tick step.
type axisSpec struct {
	max    float64
	step   float64
	format func(float64) string
}

// legendItem is one entry of the legend along the top.
type legendItem struct {
	name  string
	color gochart.Style
	kind  int // legendLine, legendBar, legendBand
}

const (
	legendLine = iota
	legendBar
	legendBand
)

// frame gathers one chart before it is handed to go-chart.
type frame struct {
	o          Options
	p          Palette
	xMin, xMax float64
	xTicks     []gochart.Tick
	left       axisSpec
	right      *axisSpec
	series     []gochart.Series
	legend     []legendItem
	note       string    // small text at the top right (e.g. shares of hours)
	anchors    []float64 // x value of each hit
	hits       []Hit
}

func newFrame(o Options) *frame {
	return &frame{o: o, p: o.pal()}
}

// px is n logical pixels in device pixels.
func (f *frame) px(n float64) float64 { return n * f.o.scale() }

func (f *frame) ipx(n float64) int { return int(math.Round(n * f.o.scale())) }

// addHit registers a clickable point at x value v.
func (f *frame) addHit(v float64, h Hit) {
	f.anchors = append(f.anchors, v)
	f.hits = append(f.hits, h)
}

// render draws the frame.
func (f *frame) render() (*Rendered, error) {
	if f.o.Width < 80 || f.o.Height < 60 {
		return nil, fmt.Errorf("chart size %d×%d is too small to draw (need at least 80×60)", f.o.Width, f.o.Height)
	}
	if !(f.xMax > f.xMin) {
		return nil, fmt.Errorf("chart x range [%v, %v] is empty", f.xMin, f.xMax)
	}
	s := f.o.scale()
	W, H := int(math.Round(float64(f.o.Width)*s)), int(math.Round(float64(f.o.Height)*s))
	fnt := font()
	axisStyle := gochart.Style{
		Font:        fnt,
		FontSize:    8.5,
		FontColor:   dc(f.p.Text),
		StrokeColor: dc(f.p.Axis),
		StrokeWidth: f.px(1),
	}
	hidden := gochart.Style{Hidden: true}
	pr := &probe{axis: gochart.YAxisSecondary}
	left := &tickRange{ContinuousRange: gochart.ContinuousRange{Min: 0, Max: f.left.max}, ticks: valueTicks(f.left)}
	series := []gochart.Series{&gridSeries{base: base{axis: gochart.YAxisSecondary}, ticks: left.ticks, style: gochart.Style{StrokeColor: dc(f.p.Grid), StrokeWidth: f.px(1)}}}
	series = append(series, f.series...)
	series = append(series, pr)

	top := 10.0
	if len(f.legend) > 0 || f.o.Title != "" || f.note != "" {
		top = 30
	}
	c := gochart.Chart{
		Width:        W,
		Height:       H,
		DPI:          96 * s,
		Font:         fnt,
		ColorPalette: palette{f.p},
		Background: gochart.Style{Padding: gochart.Box{
			Top: f.ipx(top), Left: f.ipx(6), Right: f.ipx(10), Bottom: f.ipx(4),
		}},
		XAxis: gochart.XAxis{
			Style:          axisStyle,
			Range:          &tickRange{ContinuousRange: gochart.ContinuousRange{Min: f.xMin, Max: f.xMax}, ticks: f.xTicks},
			GridMajorStyle: hidden,
			GridMinorStyle: hidden,
		},
		// go-chart's secondary axis is the left one: the main measure goes
		// there, where a reader looks first.
		YAxisSecondary: gochart.YAxis{
			Style:          axisStyle,
			Range:          left,
			GridMajorStyle: hidden,
			GridMinorStyle: hidden,
		},
		YAxis: gochart.YAxis{
			Style:          hidden,
			Range:          &tickRange{ContinuousRange: gochart.ContinuousRange{Min: 0, Max: 1}},
			GridMajorStyle: hidden,
			GridMinorStyle: hidden,
		},
		Series: series,
	}
	if f.right != nil {
		c.YAxis.Style = axisStyle
		c.YAxis.Range = &tickRange{ContinuousRange: gochart.ContinuousRange{Min: 0, Max: f.right.max}, ticks: valueTicks(*f.right)}
	} else {
		// go-chart needs a series on the primary axis to lay out; an
		// invisible one keeps the right side empty.
		c.Series = append(c.Series, &probe{axis: gochart.YAxisPrimary})
	}
	c.Elements = []gochart.Renderable{f.drawLegend}

	rp := gochart.PNG
	if f.o.Format == SVG {
		rp = gochart.SVG
	}
	var buf bytes.Buffer
	if err := c.Render(withMixedText(rp, f.o.Format != SVG), &buf); err != nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	out := &Rendered{
		Image: buf.Bytes(), Format: f.o.Format, Width: W, Height: H, Scale: s,
		PlotLeft:   float32(float64(pr.box.Left) / s),
		PlotTop:    float32(float64(pr.box.Top) / s),
		PlotRight:  float32(float64(pr.box.Right) / s),
		PlotBottom: float32(float64(pr.box.Bottom) / s),
	}
	if err := FontStatus(); err != nil {
		out.FontWarning = err.Error()
	}
	out.Hits = f.spans(pr, s)
	return out, nil
}

// spans turns the hit anchors into pixel spans that meet halfway between
// neighbours and stop at the plot's edges.
func (f *frame) spans(p *probe, s float64) []Hit {
	if p.xr == nil || len(f.anchors) == 0 {
		return nil
	}
	xs := make([]float64, len(f.anchors))
	for i, v := range f.anchors {
		xs[i] = float64(p.box.Left + p.xr.Translate(v))
	}
	hits := make([]Hit, len(f.hits))
	for i := range f.hits {
		h := f.hits[i]
		l, r := float64(p.box.Left), float64(p.box.Right)
		if i > 0 {
			l = (xs[i-1] + xs[i]) / 2
		}
		if i < len(xs)-1 {
			r = (xs[i] + xs[i+1]) / 2
		}
		h.Left, h.Right = float32(l/s), float32(r/s)
		hits[i] = h
	}
	return hits
}
