package chart

import (
	"math"

	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// tickRange is a continuous range that supplies its own ticks, so each axis
// gets round, readable labels (go-chart's generated ones are not, and its
// explicit-ticks path mixes up the two y axes).
type tickRange struct {
	gochart.ContinuousRange
	ticks []gochart.Tick
}

// GetTicks implements go-chart's TicksProvider.
func (t *tickRange) GetTicks(gochart.Renderer, gochart.Style, gochart.ValueFormatter) []gochart.Tick {
	return t.ticks
}

// base holds what every drawing series shares.
type base struct {
	axis gochart.YAxisType
}

func (b base) GetName() string             { return "" }
func (b base) GetYAxis() gochart.YAxisType { return b.axis }
func (b base) GetStyle() gochart.Style     { return gochart.Style{} }
func (b base) Validate() error             { return nil }

// probe draws nothing; it records the final plotting box and x range so the
// chart can map pixels back to data after go-chart has laid it out.
type probe struct {
	axis gochart.YAxisType
	box  gochart.Box
	xr   gochart.Range
}

func (p *probe) GetName() string             { return "" }
func (p *probe) GetYAxis() gochart.YAxisType { return p.axis }
func (p *probe) GetStyle() gochart.Style     { return gochart.Style{} }
func (p *probe) Validate() error             { return nil }
func (p *probe) Render(_ gochart.Renderer, box gochart.Box, xr, _ gochart.Range, _ gochart.Style) {
	if p.axis == gochart.YAxisSecondary {
		p.box, p.xr = box, xr
	}
}

// gridSeries draws horizontal grid lines at the left axis' ticks, under
// everything else.
type gridSeries struct {
	base
	ticks []gochart.Tick
	style gochart.Style
}

func (g *gridSeries) Render(r gochart.Renderer, box gochart.Box, _, yr gochart.Range, _ gochart.Style) {
	r.SetStrokeColor(g.style.StrokeColor)
	r.SetStrokeWidth(g.style.StrokeWidth)
	r.SetStrokeDashArray(nil)
	for _, t := range g.ticks {
		if t.Value == yr.GetMin() {
			continue
		}
		y := box.Bottom - yr.Translate(t.Value)
		r.MoveTo(box.Left, y)
		r.LineTo(box.Right, y)
		r.Stroke()
	}
}

// lineSeries is a polyline; NaN values leave a gap (no data that hour), and
// so does a jump in x wider than maxGap (hours missing from the input, such
// as a night when the store is closed).
type lineSeries struct {
	base
	xs, ys []float64
	maxGap float64 // 0: never break on x
	color  drawing.Color
	width  float64
	dash   []float64
	dot    float64 // dot radius in device pixels; 0 for none
}

func (l *lineSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	r.SetStrokeColor(l.color)
	r.SetStrokeWidth(l.width)
	r.SetStrokeDashArray(l.dash)
	open := false
	for i := range l.xs {
		if math.IsNaN(l.ys[i]) {
			if open {
				r.Stroke()
			}
			open = false
			continue
		}
		x, y := box.Left+xr.Translate(l.xs[i]), box.Bottom-yr.Translate(l.ys[i])
		if open && l.maxGap > 0 && i > 0 && l.xs[i]-l.xs[i-1] > l.maxGap {
			r.Stroke()
			open = false
		}
		if !open {
			r.MoveTo(x, y)
			open = true
		} else {
			r.LineTo(x, y)
		}
	}
	if open {
		r.Stroke()
	}
	r.SetStrokeDashArray(nil)
	if l.dot > 0 {
		r.SetFillColor(l.color)
		for i := range l.xs {
			if math.IsNaN(l.ys[i]) {
				continue
			}
			r.Circle(l.dot, box.Left+xr.Translate(l.xs[i]), box.Bottom-yr.Translate(l.ys[i]))
			r.Fill()
		}
	}
}

// barSeries draws one bar per x value, width in x units, shifted by offset
// (for grouped bars); each bar may have its own colour.
type barSeries struct {
	base
	xs, ys []float64
	width  float64
	offset float64
	colors []drawing.Color
}

func (b *barSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	y0 := box.Bottom - yr.Translate(yr.GetMin())
	for i := range b.xs {
		if math.IsNaN(b.ys[i]) {
			continue
		}
		x := b.xs[i] + b.offset
		l := box.Left + xr.Translate(x-b.width/2)
		rr := box.Left + xr.Translate(x+b.width/2)
		if rr-l < 1 {
			rr = l + 1
		}
		y := box.Bottom - yr.Translate(b.ys[i])
		if y > y0-1 && b.ys[i] > 0 {
			y = y0 - 1
		}
		r.SetFillColor(b.colors[i%len(b.colors)])
		r.SetStrokeWidth(0)
		r.MoveTo(l, y0)
		r.LineTo(l, y)
		r.LineTo(rr, y)
		r.LineTo(rr, y0)
		r.Close()
		r.Fill()
	}
}

// bandSeries fills the area between lo and hi (the predicted range); like
// lineSeries it breaks on NaN and on jumps in x wider than maxGap.
type bandSeries struct {
	base
	xs, lo, hi []float64
	color      drawing.Color
	maxGap     float64
}

func (b *bandSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	r.SetFillColor(b.color)
	r.SetStrokeWidth(0)
	start := -1
	flush := func(end int) {
		if start < 0 || end-start < 1 {
			start = -1
			return
		}
		r.MoveTo(box.Left+xr.Translate(b.xs[start]), box.Bottom-yr.Translate(b.hi[start]))
		for i := start + 1; i < end; i++ {
			r.LineTo(box.Left+xr.Translate(b.xs[i]), box.Bottom-yr.Translate(b.hi[i]))
		}
		for i := end - 1; i >= start; i-- {
			r.LineTo(box.Left+xr.Translate(b.xs[i]), box.Bottom-yr.Translate(b.lo[i]))
		}
		r.Close()
		r.Fill()
		start = -1
	}
	for i := range b.xs {
		if math.IsNaN(b.lo[i]) || math.IsNaN(b.hi[i]) {
			flush(i)
			continue
		}
		if start >= 0 && b.maxGap > 0 && i > 0 && b.xs[i]-b.xs[i-1] > b.maxGap {
			flush(i)
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(b.xs))
}

// hbandSeries shades a horizontal band across the plot (the optimal staff
// ratio), with a thin border.
type hbandSeries struct {
	base
	lo, hi float64
	fill   drawing.Color
}

func (h *hbandSeries) Render(r gochart.Renderer, box gochart.Box, _, yr gochart.Range, _ gochart.Style) {
	top := box.Bottom - yr.Translate(math.Min(h.hi, yr.GetMax()))
	bot := box.Bottom - yr.Translate(math.Max(h.lo, yr.GetMin()))
	r.SetFillColor(h.fill)
	r.SetStrokeWidth(0)
	r.MoveTo(box.Left, bot)
	r.LineTo(box.Left, top)
	r.LineTo(box.Right, top)
	r.LineTo(box.Right, bot)
	r.Close()
	r.Fill()
}

// vlineSeries marks one x value with a dashed vertical line (the selection).
type vlineSeries struct {
	base
	x     float64
	color drawing.Color
	width float64
}

func (v *vlineSeries) Render(r gochart.Renderer, box gochart.Box, xr, _ gochart.Range, _ gochart.Style) {
	x := box.Left + xr.Translate(v.x)
	r.SetStrokeColor(v.color)
	r.SetStrokeWidth(v.width)
	r.SetStrokeDashArray([]float64{v.width * 3, v.width * 2})
	r.MoveTo(x, box.Top)
	r.LineTo(x, box.Bottom)
	r.Stroke()
	r.SetStrokeDashArray(nil)
}

// drawLegend writes the title, the legend swatches and the note along the
// top of the chart.
func (f *frame) drawLegend(r gochart.Renderer, box gochart.Box, _ gochart.Style) {
	fnt := font()
	r.SetFont(fnt)
	x := f.ipx(8)
	baseline := f.ipx(19)
	if f.o.Title != "" {
		r.SetFontSize(10.5)
		r.SetFontColor(dc(f.p.Text))
		r.Text(f.o.Title, x, baseline)
		x += r.MeasureText(f.o.Title).Width() + f.ipx(16)
	}
	r.SetFontSize(8.5)
	for _, it := range f.legend {
		sw, sh := f.ipx(14), f.ipx(9)
		cy := baseline - f.ipx(4)
		switch it.kind {
		case legendLine:
			r.SetStrokeColor(it.color.StrokeColor)
			r.SetStrokeWidth(f.px(2))
			r.SetStrokeDashArray(it.color.StrokeDashArray)
			r.MoveTo(x, cy)
			r.LineTo(x+sw, cy)
			r.Stroke()
			r.SetStrokeDashArray(nil)
		default:
			r.SetFillColor(it.color.FillColor)
			r.SetStrokeWidth(0)
			r.MoveTo(x, cy-sh/2)
			r.LineTo(x+sw, cy-sh/2)
			r.LineTo(x+sw, cy+sh/2)
			r.LineTo(x, cy+sh/2)
			r.Close()
			r.Fill()
		}
		x += sw + f.ipx(5)
		r.SetFontColor(dc(f.p.Text))
		r.Text(it.name, x, baseline)
		x += r.MeasureText(it.name).Width() + f.ipx(14)
	}
	if f.note != "" {
		r.SetFontSize(8.5)
		r.SetFontColor(dc(f.p.Text))
		w := r.MeasureText(f.note).Width()
		nx := f.ipx(float64(f.o.Width)) - w - f.ipx(10)
		if nx < x {
			nx = x
		}
		r.Text(f.note, nx, baseline)
	}
}

// labelSeries writes a small value label above each point.
type labelSeries struct {
	base
	xs, ys []float64
	labels []string
	color  drawing.Color
	gap    int // device pixels between the point and the label's baseline
}

func (l *labelSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	r.SetFont(font())
	r.SetFontSize(8)
	r.SetFontColor(l.color)
	for i := range l.xs {
		if math.IsNaN(l.ys[i]) || l.labels[i] == "" {
			continue
		}
		w := r.MeasureText(l.labels[i]).Width()
		x := box.Left + xr.Translate(l.xs[i]) - w/2
		y := box.Bottom - yr.Translate(l.ys[i]) - l.gap
		if y < box.Top+l.gap {
			y = box.Top + l.gap
		}
		r.Text(l.labels[i], x, y)
	}
}
