package chart

import (
	"image/color"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Palette is the set of colours a chart is drawn with. Light and Dark match
// the window's themes; a caller may replace Background with its own theme's
// colour so the chart sits seamlessly on the screen.
type Palette struct {
	Background color.Color
	Text       color.Color
	Axis       color.Color
	Grid       color.Color
	// Primary is the main measure (entries), Secondary the comparison
	// (conversion, weekends, local recount), Band the predicted range.
	Primary   color.Color
	Secondary color.Color
	Band      color.Color
	// Over, Optimal and Under colour the staff-ratio classes.
	Over    color.Color
	Optimal color.Color
	Under   color.Color
	// Muted marks bars without enough data behind them.
	Muted color.Color
	// Selected outlines the point or bar the manager clicked.
	Selected color.Color
}

// LightPalette is for the light theme.
func LightPalette() Palette {
	return Palette{
		Background: color.NRGBA{0xff, 0xff, 0xff, 0xff},
		Text:       color.NRGBA{0x33, 0x33, 0x33, 0xff},
		Axis:       color.NRGBA{0x9a, 0x9a, 0x9a, 0xff},
		Grid:       color.NRGBA{0xe4, 0xe4, 0xe4, 0xff},
		Primary:    color.NRGBA{0x1f, 0x6f, 0xd6, 0xff},
		Secondary:  color.NRGBA{0xe0, 0x7b, 0x00, 0xff},
		Band:       color.NRGBA{0x1f, 0x6f, 0xd6, 0x40},
		Over:       color.NRGBA{0xd9, 0xa4, 0x00, 0xff},
		Optimal:    color.NRGBA{0x2e, 0x9d, 0x4f, 0xff},
		Under:      color.NRGBA{0xd6, 0x3a, 0x3a, 0xff},
		Muted:      color.NRGBA{0xb8, 0xb8, 0xb8, 0xff},
		Selected:   color.NRGBA{0x11, 0x11, 0x11, 0xff},
	}
}

// DarkPalette is for the dark theme: brighter strokes on a dark ground.
func DarkPalette() Palette {
	return Palette{
		Background: color.NRGBA{0x17, 0x17, 0x18, 0xff},
		Text:       color.NRGBA{0xe6, 0xe6, 0xe6, 0xff},
		Axis:       color.NRGBA{0x80, 0x80, 0x80, 0xff},
		Grid:       color.NRGBA{0x38, 0x38, 0x3a, 0xff},
		Primary:    color.NRGBA{0x5a, 0xa2, 0xff, 0xff},
		Secondary:  color.NRGBA{0xff, 0xa6, 0x3d, 0xff},
		Band:       color.NRGBA{0x5a, 0xa2, 0xff, 0x48},
		Over:       color.NRGBA{0xf0, 0xc0, 0x30, 0xff},
		Optimal:    color.NRGBA{0x4c, 0xc2, 0x6e, 0xff},
		Under:      color.NRGBA{0xff, 0x6b, 0x6b, 0xff},
		Muted:      color.NRGBA{0x5c, 0x5c, 0x60, 0xff},
		Selected:   color.NRGBA{0xff, 0xff, 0xff, 0xff},
	}
}

// dc converts a colour for go-chart, keeping alpha (non-premultiplied).
func dc(c color.Color) drawing.Color {
	if c == nil {
		return drawing.Color{}
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return drawing.Color{R: n.R, G: n.G, B: n.B, A: n.A}
}

// palette adapts Palette to go-chart's ColorPalette.
type palette struct{ p Palette }

func (p palette) BackgroundColor() drawing.Color       { return dc(p.p.Background) }
func (p palette) BackgroundStrokeColor() drawing.Color { return dc(p.p.Background) }
func (p palette) CanvasColor() drawing.Color           { return dc(p.p.Background) }
func (p palette) CanvasStrokeColor() drawing.Color     { return dc(p.p.Background) }
func (p palette) AxisStrokeColor() drawing.Color       { return dc(p.p.Axis) }
func (p palette) TextColor() drawing.Color             { return dc(p.p.Text) }
func (p palette) GetSeriesColor(i int) drawing.Color {
	if i%2 == 1 {
		return dc(p.p.Secondary)
	}
	return dc(p.p.Primary)
}
