package vision

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"
)

// Pt is a point in image pixels of the camera's frame (x right, y down).
type Pt struct{ X, Y float64 }

// Line is a directed counting line from A to B in image pixels.
//
// Direction convention (users and tests depend on it): a person crosses
// "in" when their foot point ends on the side where
// (B.X−A.X)(P.Y−A.Y) − (B.Y−A.Y)(P.X−A.X) < 0, and "out" when it ends on the
// other side. For the line 384,120 → 384,576, walking from x<384 to x>384 is
// "in".
type Line struct{ A, B Pt }

// ParseLine reads "x1,y1,x2,y2" into a Line, naming the text in its error.
func ParseLine(s string) (Line, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return Line{}, fmt.Errorf("line %q: want four numbers x1,y1,x2,y2", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Line{}, fmt.Errorf("line %q: %q is not a number", s, strings.TrimSpace(p))
		}
		v[i] = f
	}
	l := Line{Pt{v[0], v[1]}, Pt{v[2], v[3]}}
	if l.Len() < 1 {
		return Line{}, fmt.Errorf("line %q: both ends are the same point; give two distinct points", s)
	}
	return l, nil
}

// String is the line as "x1,y1,x2,y2".
func (l Line) String() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return f(l.A.X) + "," + f(l.A.Y) + "," + f(l.B.X) + "," + f(l.B.Y)
}

// Len is the length of the line in pixels.
func (l Line) Len() float64 { return math.Hypot(l.B.X-l.A.X, l.B.Y-l.A.Y) }

// SignedDist is the signed distance of p from the line's infinite extension:
// negative on the "in" side, positive on the "out" side.
func (l Line) SignedDist(p Pt) float64 {
	return ((l.B.X-l.A.X)*(p.Y-l.A.Y) - (l.B.Y-l.A.Y)*(p.X-l.A.X)) / l.Len()
}

// Along is the position of p's projection on the line: 0 at A, 1 at B.
func (l Line) Along(p Pt) float64 {
	dx, dy := l.B.X-l.A.X, l.B.Y-l.A.Y
	return ((p.X-l.A.X)*dx + (p.Y-l.A.Y)*dy) / (dx*dx + dy*dy)
}

// Scale returns the line with every coordinate multiplied by sx, sy.
func (l Line) Scale(sx, sy float64) Line {
	return Line{Pt{l.A.X * sx, l.A.Y * sy}, Pt{l.B.X * sx, l.B.Y * sy}}
}

// Inside reports whether the ordered polygon poly (at least 3 points)
// contains p (even-odd rule).
func Inside(poly []Pt, p Pt) bool {
	if len(poly) < 3 {
		return false
	}
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X-a.X)*(p.Y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}

// ParsePolygon reads "x1,y1,x2,y2,x3,y3[,…]" into a polygon.
func ParsePolygon(s string) ([]Pt, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 6 || len(parts)%2 != 0 {
		return nil, fmt.Errorf("zone %q: want at least three x,y points", s)
	}
	out := make([]Pt, 0, len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(parts[i+1]), 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("zone %q: %q,%q is not a point", s, parts[i], parts[i+1])
		}
		out = append(out, Pt{x, y})
	}
	return out, nil
}

// Box is an axis-aligned box in pixels (float, so a Kalman estimate fits).
type Box struct{ X, Y, W, H float64 }

// Foot is the bottom centre of the box: where the person stands.
func (b Box) Foot() Pt { return Pt{b.X + b.W/2, b.Y + b.H} }

// Center is the centre of the box.
func (b Box) Center() Pt { return Pt{b.X + b.W/2, b.Y + b.H/2} }

// Rect rounds the box to an image.Rectangle.
func (b Box) Rect() image.Rectangle {
	return image.Rect(int(math.Round(b.X)), int(math.Round(b.Y)), int(math.Round(b.X+b.W)), int(math.Round(b.Y+b.H)))
}

// IoU is the intersection over union of two boxes.
func IoU(a, b Box) float64 {
	x1, y1 := math.Max(a.X, b.X), math.Max(a.Y, b.Y)
	x2, y2 := math.Min(a.X+a.W, b.X+b.W), math.Min(a.Y+a.H, b.Y+b.H)
	if x2 <= x1 || y2 <= y1 {
		return 0
	}
	in := (x2 - x1) * (y2 - y1)
	return in / (a.W*a.H + b.W*b.H - in)
}
