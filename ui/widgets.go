package ui

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app/chart"
)

// Runner runs a screen's slow work (queries, chart rendering) off the UI
// goroutine; the work hands its results back through fyne.Do. The zero
// value is the window's: each piece of work gets a goroutine, and a
// debounced chart re-render waits for its delay. Inline runs the work on
// the caller's goroutine at once, for headless tests, whose fyne.Do runs on
// the caller too: a screen is then complete when the call returns.
type Runner struct {
	Inline bool
	// UI, when set, runs a hand-back in place of fyne.DoAndWait: a headless
	// test whose screen has its own goroutines (the footage player) gives
	// one that serialises them, as the window's single UI goroutine does.
	UI func(func())
}

// Do hands fn to the UI goroutine and returns at once.
func (r Runner) Do(fn func()) {
	if r.UI != nil {
		r.UI(fn)
		return
	}
	fyne.Do(fn)
}

// DoAndWait hands fn to the UI goroutine and waits until it ran.
func (r Runner) DoAndWait(fn func()) {
	if r.UI != nil {
		r.UI(fn)
		return
	}
	fyne.DoAndWait(fn)
}

// Go runs work in the background (or inline).
func (r Runner) Go(work func()) {
	if r.Inline {
		work()
		return
	}
	go work()
}

// After runs work in the background after delay and returns the timer
// that can stop it; inline, or without a delay, it runs work now and
// returns nil.
func (r Runner) After(delay time.Duration, work func()) *time.Timer {
	if r.Inline || delay <= 0 {
		r.Go(work)
		return nil
	}
	return time.AfterFunc(delay, work)
}

// chartDraw renders one chart at the size and theme it is given; it runs
// off the UI goroutine.
type chartDraw func(o chart.Options) (*chart.Rendered, error)

// ChartView is a chart image that re-renders for its size, the screen's
// scale and the theme in the background, shows a loading or "no data"
// state in its place, and turns a click on a point or bar into the time it
// shows.
type ChartView struct {
	widget.BaseWidget

	// OnPick is called on the UI goroutine with the point or bar clicked.
	OnPick func(chart.Hit)
	// NoData, when set, replaces the generic "no data" message: it says
	// why this chart is empty and what would fill it.
	NoData string

	run    Runner
	img    *canvas.Image
	status *widget.Label
	busy   *widget.ProgressBarInfinite

	mu       sync.Mutex // guards the fields below, read by the render goroutine
	draw     chartDraw
	loc      *time.Location
	selected time.Time
	bg       color.Color // theme background the chart was last drawn for
	last     *chart.Rendered
	gen      int
	size     fyne.Size
	timer    *time.Timer
}

// NewChartView is an empty chart showing the loading state until SetDraw.
func NewChartView(run Runner) *ChartView {
	c := &ChartView{
		run:    run,
		img:    canvas.NewImageFromImage(nil),
		status: widget.NewLabel(tr("chart.loading", "Loading…")),
		busy:   widget.NewProgressBarInfinite(),
	}
	c.img.FillMode = canvas.ImageFillStretch
	c.img.ScaleMode = canvas.ImageScaleSmooth
	c.status.Alignment = fyne.TextAlignCenter
	c.status.Wrapping = fyne.TextWrapWord
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer implements fyne.Widget.
func (c *ChartView) CreateRenderer() fyne.WidgetRenderer {
	busy := container.NewCenter(container.NewGridWrap(fyne.NewSize(160, c.busy.MinSize().Height), c.busy))
	return widget.NewSimpleRenderer(container.NewStack(c.img, container.NewVBox(layout.NewSpacer(), c.status, busy, layout.NewSpacer())))
}

// MinSize keeps a chart readable on a laptop screen.
func (c *ChartView) MinSize() fyne.Size { return fyne.NewSize(320, 220) }

// Cursor shows a pointer over charts that can be clicked.
func (c *ChartView) Cursor() desktop.Cursor { return desktop.PointerCursor }

// Refresh redraws the chart in the new colours when the theme changed.
func (c *ChartView) Refresh() {
	c.BaseWidget.Refresh()
	bg := chartPalette().Background
	c.mu.Lock()
	changed := c.bg != nil && bg != c.bg
	c.mu.Unlock()
	if changed {
		c.rerender(0)
	}
}

// SetLoading shows the loading state (data is being fetched).
func (c *ChartView) SetLoading() {
	c.mu.Lock()
	c.draw = nil
	c.last = nil
	c.gen++
	c.mu.Unlock()
	c.showStatus(tr("chart.loading", "Loading…"), true)
}

// SetDraw gives the chart its data (as a drawing function) and the store's
// zone, and renders it.
func (c *ChartView) SetDraw(d chartDraw, loc *time.Location) {
	c.mu.Lock()
	c.draw, c.loc, c.selected = d, loc, time.Time{}
	c.mu.Unlock()
	c.rerender(0)
}

// Resize re-renders the chart for its new size, once resizing settles.
func (c *ChartView) Resize(s fyne.Size) {
	c.BaseWidget.Resize(s)
	c.mu.Lock()
	changed := s != c.size
	c.size = s
	c.mu.Unlock()
	if changed {
		c.rerender(80 * time.Millisecond)
	}
}

// Tapped selects the point or bar under the pointer.
func (c *ChartView) Tapped(ev *fyne.PointEvent) {
	c.mu.Lock()
	r := c.last
	c.mu.Unlock()
	h, ok := r.HitAt(ev.Position.X, ev.Position.Y)
	if !ok {
		return
	}
	if !h.Time.IsZero() {
		c.mu.Lock()
		c.selected = h.Time
		c.mu.Unlock()
		c.rerender(0)
	}
	if c.OnPick != nil {
		c.OnPick(h)
	}
}

// Rendered is the last drawn chart (nil while loading or empty).
func (c *ChartView) Rendered() *chart.Rendered {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// rerender draws the chart in the background after delay; a newer request
// supersedes an older one. It must be called on the UI goroutine (it reads
// the canvas scale and the theme).
func (c *ChartView) rerender(delay time.Duration) {
	scale := float32(1)
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil {
		scale = cv.Scale()
	}
	pal := chartPalette()
	c.mu.Lock()
	c.bg = pal.Background
	c.gen++
	gen, d, loc, sel, size := c.gen, c.draw, c.loc, c.selected, c.size
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	if d == nil || size.Width < 80 || size.Height < 60 {
		return
	}
	run := func() {
		o := chart.Options{Width: int(size.Width), Height: int(size.Height), Scale: float64(scale), Palette: pal, Location: loc, Selected: sel}
		r, err := d(o)
		var img image.Image
		if err == nil {
			img, err = png.Decode(bytes.NewReader(r.Image))
		}
		fyne.Do(func() {
			c.mu.Lock()
			if gen != c.gen {
				c.mu.Unlock()
				return
			}
			if err != nil {
				c.last = nil
			} else {
				c.last = r
			}
			c.mu.Unlock()
			switch {
			case errors.Is(err, chart.ErrNoData):
				c.img.Image = nil
				msg := c.NoData
				if msg == "" {
					msg = tr("chart.nodata", "No data for this chart in the period.")
				}
				c.showStatus(msg, false)
			case err != nil:
				c.img.Image = nil
				c.showStatus(tr("chart.error", "This chart could not be drawn: {{.Err}}", map[string]any{"Err": err.Error()}), false)
			default:
				c.img.Image = img
				c.status.Hide()
				c.busy.Hide()
				c.busy.Stop()
			}
			c.img.Refresh()
		})
	}
	t := c.run.After(delay, run)
	if t != nil {
		c.mu.Lock()
		c.timer = t
		c.mu.Unlock()
	}
}

func (c *ChartView) showStatus(msg string, busy bool) {
	c.img.Image = nil
	c.img.Refresh()
	c.status.SetText(msg)
	c.status.Show()
	if busy {
		c.busy.Show()
		c.busy.Start()
	} else {
		c.busy.Stop()
		c.busy.Hide()
	}
}

// chartPalette is the chart palette for the current theme, on the theme's
// own background colour so charts sit flush on the screen.
func chartPalette() chart.Palette {
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg := th.Color(theme.ColorNameBackground, v)
	p := chart.LightPalette()
	if isDark(bg) {
		p = chart.DarkPalette()
	}
	p.Background = bg
	return p
}

func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return (299*r+587*g+114*b)/1000 < 0x8000
}

// KPITile shows one KPI: its name, value, the change against the previous
// period and a line of context (tag average, rank). Long lines are cut
// with an ellipsis so six tiles fit a laptop screen in either language.
type KPITile struct {
	widget.BaseWidget
	title, value   *canvas.Text
	change, detail *widget.Label
	bg             *canvas.Rectangle
}

// NewKPITile is an empty tile titled title.
func NewKPITile(title string) *KPITile {
	t := &KPITile{
		title:  canvas.NewText(title, theme.Color(theme.ColorNameForeground)),
		value:  canvas.NewText("—", theme.Color(theme.ColorNameForeground)),
		change: widget.NewLabel(""),
		detail: widget.NewLabel(""),
		bg:     canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
	}
	t.title.TextSize = theme.TextSize() * 0.9
	t.value.TextSize = theme.TextSize() * 1.7
	t.value.TextStyle.Bold = true
	for _, l := range []*widget.Label{t.change, t.detail} {
		l.Truncation = fyne.TextTruncateEllipsis
		l.SizeName = theme.SizeNameCaptionText
	}
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer implements fyne.Widget.
func (t *KPITile) CreateRenderer() fyne.WidgetRenderer {
	tight := layout.NewCustomPaddedVBoxLayout(-theme.Padding() * 2)
	lines := container.New(tight, t.change, t.detail)
	return &kpiTileRenderer{t: t, box: container.NewStack(t.bg, container.NewPadded(container.NewVBox(t.title, t.value, lines)))}
}

// Set shows value, the change line and the detail line. good tells the
// colour of the change: +1 better, -1 worse, 0 neutral.
func (t *KPITile) Set(value, change string, good int, detail string) {
	t.value.Text = value
	t.change.Text = change
	switch {
	case good > 0:
		t.change.Importance = widget.SuccessImportance
	case good < 0:
		t.change.Importance = widget.DangerImportance
	default:
		t.change.Importance = widget.LowImportance
	}
	t.detail.Text = detail
	t.change.Refresh()
	t.detail.Refresh()
	t.Refresh()
}

// Texts are the tile's lines as shown (for tests and accessibility).
func (t *KPITile) Texts() (title, value, change, detail string) {
	return t.title.Text, t.value.Text, t.change.Text, t.detail.Text
}

type kpiTileRenderer struct {
	t   *KPITile
	box *fyne.Container
}

// Layout gives the value its full size where it fits and a smaller one on a
// narrow tile ("¥32,586,678" on a 1024-pixel screen), never cutting it.
func (r *kpiTileRenderer) Layout(s fyne.Size) {
	full := theme.TextSize() * 1.7
	room := s.Width - 4*theme.Padding()
	size := full
	if w := fyne.MeasureText(r.t.value.Text, full, r.t.value.TextStyle).Width; w > room && room > 0 {
		size = max(theme.TextSize()*1.1, full*room/w)
	}
	if size != r.t.value.TextSize {
		r.t.value.TextSize = size
		r.t.value.Refresh()
	}
	r.box.Resize(s)
}
func (r *kpiTileRenderer) MinSize() fyne.Size {
	return fyne.NewSize(140, r.box.MinSize().Height)
}
func (r *kpiTileRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.box} }
func (r *kpiTileRenderer) Destroy()                     {}
func (r *kpiTileRenderer) Refresh() {
	r.t.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.t.title.Color = theme.Color(theme.ColorNameForeground)
	r.t.value.Color = theme.Color(theme.ColorNameForeground)
	r.box.Refresh()
}

// tapCell is a table cell that selects its row on a tap and opens it on a
// double tap (widget.Table itself has no double-tap).
type tapCell struct {
	widget.BaseWidget
	label    *widget.Label
	marker   *canvas.Text
	row, col int
	onTap    func(row, col int)
	onDouble func(row, col int)
}

func newTapCell(onTap, onDouble func(row, col int)) *tapCell {
	c := &tapCell{label: widget.NewLabel(""), marker: canvas.NewText("", theme.Color(theme.ColorNameForeground)), onTap: onTap, onDouble: onDouble}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.marker.TextStyle.Bold = true
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer implements fyne.Widget.
func (c *tapCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, container.NewCenter(c.marker), c.label))
}

// Tapped selects the cell's row.
func (c *tapCell) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap(c.row, c.col)
	}
}

// DoubleTapped opens the cell's row.
func (c *tapCell) DoubleTapped(*fyne.PointEvent) {
	if c.onDouble != nil {
		c.onDouble(c.row, c.col)
	}
}

// statusText is the message shown in place of the chart ("" when drawn).
func (c *ChartView) statusText() string {
	var s string
	fyne.DoAndWait(func() {
		if !c.status.Hidden {
			s = c.status.Text
		}
	})
	return s
}

// headerCell is a table column's title that sorts when tapped: a label,
// so the titles read in the weight and size of the cells below them, cut
// with an ellipsis when the column is narrow.
type headerCell struct {
	widget.BaseWidget
	label    *widget.Label
	OnTapped func()
}

func newHeaderCell() *headerCell {
	h := &headerCell{label: widget.NewLabel("")}
	h.label.Truncation = fyne.TextTruncateEllipsis
	h.label.Importance = widget.MediumImportance
	h.ExtendBaseWidget(h)
	return h
}

// SetText sets the title.
func (h *headerCell) SetText(s string) { h.label.SetText(s) }

// Tapped sorts by the column.
func (h *headerCell) Tapped(*fyne.PointEvent) {
	if h.OnTapped != nil {
		h.OnTapped()
	}
}

// Cursor shows that the title can be clicked.
func (h *headerCell) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MinSize is the label's height with a narrow width: the table sets it.
func (h *headerCell) MinSize() fyne.Size {
	h.ExtendBaseWidget(h)
	return fyne.NewSize(20, h.label.MinSize().Height)
}

// CreateRenderer implements fyne.Widget.
func (h *headerCell) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(h.label) }

// shrinkable lets o be laid out narrower than its own minimum (an entry
// whose placeholder would otherwise set the toolbar's width), down to w.
type shrinkable struct{ w float32 }

func (l shrinkable) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}

func (l shrinkable) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

// walkObjects visits o and the objects of the containers inside it.
func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, x := range c.Objects {
			walkObjects(x, fn)
		}
	}
}
