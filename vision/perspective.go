package vision

import "math"

// Perspective is implemented by detectors that learn how tall a person
// appears at each row of the picture (a camera looking down a scene shows
// people smaller the farther they stand).
type Perspective interface {
	// HeightFromTop is the height of a whole person whose head is at row
	// top, false while too little has been seen to say.
	HeightFromTop(top float64) (float64, bool)
}

// HeightFromTop solves the learnt perspective for a person whose head is
// at row top: with height h = a + b·foot and foot = top + h, h = (a +
// b·top)/(1 − b). A box whose legs are hidden (behind a sign, a bench, a
// person in front) keeps a reliable head, so this is what its whole height
// is, where the height at its cut-off bottom would be too small.
func (d *MotionDetector) HeightFromTop(top float64) (float64, bool) {
	return d.size.fromTop(top)
}

func (m *sizeModel) fromTop(top float64) (float64, bool) {
	a, b, mean, ok := m.fit()
	if !ok {
		return 0, false
	}
	if b >= 0.9 {
		return mean, true
	}
	h := (a + b*top) / (1 - b)
	return math.Min(math.Max(h, 0.5*mean), 2*mean), true
}

// fit is the least-squares line h = a + b·foot through the people-shaped
// blobs seen (b = 0 when they all stood on one row) and their mean height,
// once at least 30 have been seen.
func (m *sizeModel) fit() (a, b, mean float64, ok bool) {
	if m.count < 30 {
		return 0, 0, 0, false
	}
	mean = m.sh / m.n
	den := m.n*m.syy - m.sy*m.sy
	if den <= 1e-9 {
		return mean, 0, mean, true
	}
	b = (m.n*m.syh - m.sy*m.sh) / den
	a = (m.sh - b*m.sy) / m.n
	return a, b, mean, true
}
