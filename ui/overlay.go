package ui

import (
	"image"
	"image/color"
	"image/draw"
	"storelens/app"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// countOverlay is what the review screen draws over the footage: the
// camera's counting lines and, once a recount of the span ran, each
// tracked person's box with its track number and its crossings.
//
// The recount fills it as it goes (add, from its goroutine) while the
// player draws it: the boxes of the frames analysed so far show at once,
// the decisions when the recount ends (finish).
type countOverlay struct {
	lines map[string][]image.Point
	mu    sync.Mutex
	// boxes by analysed frame; decisions by track ("in", "out", "staff").
	boxes     map[int][]app.TrackBox
	frames    []int // analysed frames, ascending
	decisions map[int]string
	stride    int
	// ahead are the people found near the frame on screen when the
	// overlay was asked for (track 0: not followed), shown where the
	// recount has not got to yet.
	ahead       map[int][]app.TrackBox
	aheadFrames []int
}

var (
	overlayEntrance = color.RGBA{255, 214, 0, 255}
	overlayOutside  = color.RGBA{0, 200, 255, 255}
	overlayZone     = color.RGBA{255, 120, 200, 255}
	overlayBox      = color.RGBA{80, 255, 120, 255}
	overlayIn       = color.RGBA{60, 255, 60, 255}
	overlayOut      = color.RGBA{255, 140, 0, 255}
	overlayStaff    = color.RGBA{170, 170, 255, 255}
)

// add records the tracked people of the next analysed frame.
func (o *countOverlay) add(frame int, tracks []app.TrackBox) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.boxes == nil {
		o.boxes = map[int][]app.TrackBox{}
	}
	o.boxes[frame] = tracks
	o.frames = append(o.frames, frame)
	if len(o.frames) == 2 {
		o.stride = o.frames[1] - o.frames[0]
	}
}

// addAhead records the people found at a frame near the one on screen.
func (o *countOverlay) addAhead(frame int, people []app.TrackBox) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ahead == nil {
		o.ahead = map[int][]app.TrackBox{}
	}
	o.ahead[frame] = people
	o.aheadFrames = append(o.aheadFrames, frame)
	if o.stride == 0 && len(o.aheadFrames) == 2 {
		o.stride = o.aheadFrames[1] - o.aheadFrames[0]
	}
}

// finish records what the recount decided for each track.
func (o *countOverlay) finish(decisions map[int]string) {
	o.mu.Lock()
	o.decisions = decisions
	o.mu.Unlock()
}

// draw paints the overlay of frame onto dst.
func (o *countOverlay) draw(dst *image.RGBA, frame int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for kind, pts := range o.lines {
		c := overlayZone
		switch kind {
		case "entrance":
			c = overlayEntrance
		case "outside":
			c = overlayOutside
		}
		for i := 0; i+1 < len(pts); i++ {
			thickLine(dst, pts[i], pts[i+1], c, 2)
		}
		if len(pts) > 2 {
			thickLine(dst, pts[len(pts)-1], pts[0], c, 2)
		}
	}
	boxes := o.boxesAt(frame)
	for _, b := range boxes {
		r := image.Rect(int(b.Box.X), int(b.Box.Y), int(b.Box.X+b.Box.W), int(b.Box.Y+b.Box.H))
		c := overlayBox
		label := "#" + strconv.Itoa(b.Track)
		if b.Track == 0 {
			label = "" // found here, not yet followed by the recount
		}
		switch o.decisions[b.Track] {
		case "in":
			c, label = overlayIn, label+" IN"
		case "out":
			c, label = overlayOut, label+" OUT"
		case "staff":
			c, label = overlayStaff, label+" STAFF"
		}
		rect(dst, r, c)
		if label != "" {
			text(dst, r.Min.X, r.Min.Y-3, label, c)
		}
	}
}

// boxesAt are the boxes of the analysed frame at or just before frame:
// the recount's where it has got to, else those found ahead of it.
func (o *countOverlay) boxesAt(frame int) []app.TrackBox {
	if n := len(o.frames); n > 0 && frame <= o.frames[n-1]+2*max(1, o.stride) {
		return nearestBefore(o.frames, o.boxes, frame, o.stride)
	}
	return nearestBefore(o.aheadFrames, o.ahead, frame, o.stride)
}

// nearestBefore is the boxes of the frame of frames (ascending) at or
// just before frame, none when the nearest is more than two strides back.
func nearestBefore(frames []int, boxes map[int][]app.TrackBox, frame, stride int) []app.TrackBox {
	lo, hi := 0, len(frames)
	for lo < hi {
		m := (lo + hi) / 2
		if frames[m] <= frame {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return nil
	}
	f := frames[lo-1]
	if frame-f > 2*max(1, stride) {
		return nil
	}
	return boxes[f]
}

func thickLine(dst *image.RGBA, a, b image.Point, c color.RGBA, w int) {
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	sx, sy := 1, 1
	if a.X > b.X {
		sx = -1
	}
	if a.Y > b.Y {
		sy = -1
	}
	e := dx + dy
	x, y := a.X, a.Y
	for {
		for ox := -w / 2; ox <= w/2; ox++ {
			for oy := -w / 2; oy <= w/2; oy++ {
				if p := image.Pt(x+ox, y+oy); p.In(dst.Rect) {
					dst.SetRGBA(p.X, p.Y, c)
				}
			}
		}
		if x == b.X && y == b.Y {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x += sx
		}
		if e2 <= dx {
			e += dx
			y += sy
		}
	}
}

func rect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	thickLine(dst, r.Min, image.Pt(r.Max.X, r.Min.Y), c, 2)
	thickLine(dst, image.Pt(r.Max.X, r.Min.Y), r.Max, c, 2)
	thickLine(dst, r.Max, image.Pt(r.Min.X, r.Max.Y), c, 2)
	thickLine(dst, image.Pt(r.Min.X, r.Max.Y), r.Min, c, 2)
}

// text writes ASCII s with its baseline at (x, y) on a dark backing.
func text(dst *image.RGBA, x, y int, s string, c color.RGBA) {
	face := basicfont.Face7x13
	w := font.MeasureString(face, s).Ceil()
	bg := image.Rect(x-1, y-11, x+w+1, y+3).Intersect(dst.Rect)
	draw.Draw(dst, bg, &image.Uniform{color.RGBA{0, 0, 0, 170}}, image.Point{}, draw.Over)
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
