package ui

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
)

// timelineView is a day of one camera: recorded spans, the counts (device
// in/out per 15 minutes above the axis, local recount crossings as ticks),
// camera alerts, receipts, and the moment on screen. A tap or a drag picks
// a moment.
type timelineView struct {
	widget.BaseWidget
	from, to time.Time
	spans    [][2]time.Time
	tl       app.Timeline
	cursor   time.Time
	raster   *canvas.Raster
	OnPick   func(t time.Time)
}

func newTimelineView() *timelineView {
	v := &timelineView{}
	v.raster = canvas.NewRaster(v.paint)
	v.ExtendBaseWidget(v)
	return v
}

func (v *timelineView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.raster)
}

func (v *timelineView) MinSize() fyne.Size { return fyne.NewSize(300, 64) }

func (v *timelineView) Cursor() desktop.Cursor { return desktop.PointerCursor }

// set gives the view its day and what happened in it.
func (v *timelineView) set(from, to time.Time, spans [][2]time.Time, tl app.Timeline) {
	v.from, v.to, v.spans, v.tl = from, to, spans, tl
	v.raster.Refresh()
}

func (v *timelineView) setCursor(t time.Time) {
	if t.Equal(v.cursor) {
		return
	}
	v.cursor = t
	v.raster.Refresh()
}

func (v *timelineView) at(x float32) time.Time {
	w := v.Size().Width
	if w <= 0 || !v.to.After(v.from) {
		return v.from
	}
	f := float64(max(0, min(x, w)) / w)
	return v.from.Add(time.Duration(f * float64(v.to.Sub(v.from))))
}

func (v *timelineView) Tapped(ev *fyne.PointEvent) {
	if v.OnPick != nil {
		v.OnPick(v.at(ev.Position.X))
	}
}

func (v *timelineView) Dragged(ev *fyne.DragEvent) {
	t := v.at(ev.Position.X)
	v.setCursor(t)
	if v.OnPick != nil {
		v.OnPick(t)
	}
}

func (v *timelineView) DragEnd() {}

var (
	tlBack     = color.RGBA{128, 128, 128, 40}
	tlRecorded = color.RGBA{70, 130, 220, 150}
	tlIn       = color.RGBA{40, 170, 80, 255}
	tlOut      = color.RGBA{230, 130, 30, 255}
	tlLocal    = color.RGBA{20, 20, 20, 255}
	tlAlert    = color.RGBA{220, 40, 40, 200}
	tlReceipt  = color.RGBA{140, 70, 200, 255}
	tlCursor   = color.RGBA{220, 0, 0, 255}
)

// paint draws the day at w×h pixels: the axis band in the middle holds the
// recorded spans; in-counts rise above it, out-counts hang below it;
// alerts run along the top, receipts along the bottom.
func (v *timelineView) paint(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if w <= 0 || h <= 0 || !v.to.After(v.from) {
		return img
	}
	span := float64(v.to.Sub(v.from))
	x := func(t time.Time) int { return int(float64(t.Sub(v.from)) / span * float64(w)) }
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		r := image.Rect(x0, y0, max(x1, x0+1), max(y1, y0+1)).Intersect(img.Rect)
		for yy := r.Min.Y; yy < r.Max.Y; yy++ {
			for xx := r.Min.X; xx < r.Max.X; xx++ {
				img.SetRGBA(xx, yy, c)
			}
		}
	}
	mid0, mid1 := h*2/5, h*3/5
	fill(0, mid0, w, mid1, tlBack)
	for _, s := range v.spans {
		fill(x(s[0]), mid0, x(s[1]), mid1, tlRecorded)
	}
	peak := 1
	for _, b := range v.tl.Buckets {
		if b.Source == "device" {
			peak = max(peak, b.In, b.Out)
		}
	}
	bw := max(1, int(15*time.Minute)*w/int(span)-1)
	room := float64(mid0 - 8)
	for _, b := range v.tl.Buckets {
		if b.Source != "device" {
			continue
		}
		x0 := x(b.Start)
		fill(x0, mid0-int(room*float64(b.In)/float64(peak)), x0+bw, mid0, tlIn)
		fill(x0, mid1, x0+bw, mid1+int(room*float64(b.Out)/float64(peak)), tlOut)
	}
	for _, e := range v.tl.Events {
		if e.Line != "entrance" {
			continue
		}
		if e.Dir == "in" {
			fill(x(e.At), mid0, x(e.At)+1, mid0+(mid1-mid0)/2, tlLocal)
		} else {
			fill(x(e.At), mid0+(mid1-mid0)/2, x(e.At)+1, mid1, tlLocal)
		}
	}
	for _, a := range v.tl.Alerts {
		end := a.To
		if end.IsZero() || end.After(v.to) {
			end = v.to
		}
		fill(x(a.From), 0, x(end), 4, tlAlert)
	}
	for _, r := range v.tl.Receipts {
		fill(x(r), h-4, x(r)+1, h, tlReceipt)
	}
	if !v.cursor.IsZero() {
		cx := x(v.cursor)
		fill(cx-1, 0, cx+1, h, tlCursor)
	}
	return img
}
