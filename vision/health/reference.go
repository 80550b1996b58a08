package health

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"slices"
	"time"
)

// Reference is what a camera normally sees: a people-free picture of the
// view (the per-pixel median of a stretch of normal footage) and, per grid
// cell, how much texture and how sharp the picture normally is. Every check
// compares against it, so a camera is judged against itself, not against a
// universal threshold. It is learnt once per camera and learnt again after a
// legitimate re-installation.
type Reference struct {
	// Width and Height are the size of the working picture (pixels).
	Width, Height int
	// Cols and Rows are the grid the cell statistics are on.
	Cols, Rows int
	// SourceWidth is the width of the original frames, to report shifts
	// in the camera's own pixels.
	SourceWidth int
	// Frames is how many frames the reference was learnt from.
	Frames int
	// LearntAt is when the reference was learnt (wall clock).
	LearntAt time.Time
	// Median is the people-free grey picture, Width×Height bytes.
	Median []uint8
	// CellGrad is the usual texture of each cell (mean gradient).
	CellGrad []float64
	// CellSharp is the usual focus measure of each cell.
	CellSharp []float64
	// CellStd is the contrast of each cell in the median picture.
	CellStd []float64
}

// ErrBlankReference is returned when the footage a reference should be
// learnt from shows nothing usable (black, flat or too short).
var ErrBlankReference = errors.New("reference footage shows no usable picture")

// learn builds a reference from measured frames of normal footage.
func learn(views []*view, sourceWidth int) (*Reference, error) {
	if len(views) == 0 {
		return nil, fmt.Errorf("%w: no frames", ErrBlankReference)
	}
	v0 := views[0]
	n := v0.cols * v0.rows
	r := &Reference{Width: v0.w, Height: v0.h, Cols: v0.cols, Rows: v0.rows, SourceWidth: sourceWidth,
		Frames: len(views), LearntAt: time.Now().UTC(),
		CellGrad: make([]float64, n), CellSharp: make([]float64, n), CellStd: make([]float64, n)}
	col := make([]float64, len(views))
	for c := range n {
		for i, v := range views {
			col[i] = v.cellGrad[c]
		}
		r.CellGrad[c] = median(col)
		for i, v := range views {
			col[i] = v.cellSharp[c]
		}
		r.CellSharp[c] = median(col)
	}
	px := v0.w * v0.h
	r.Median = make([]uint8, px)
	vals := make([]uint8, len(views))
	for p := range px {
		for i, v := range views {
			vals[i] = v.gray[p]
		}
		slices.Sort(vals)
		r.Median[p] = vals[len(vals)/2]
	}
	mv := measureBytes(r.Median, r.Width, r.Height, r.Cols, r.Rows)
	copy(r.CellStd, mv.cellStd)
	if mv.std < 4 {
		return nil, fmt.Errorf("%w: the picture is flat (contrast %.1f grey levels)", ErrBlankReference, mv.std)
	}
	if len(r.usableCells(minCellTexture, minCellContrast)) < n/4 {
		return nil, fmt.Errorf("%w: fewer than a quarter of the view has texture to compare", ErrBlankReference)
	}
	return r, nil
}

// usableCells lists the cells with enough texture or contrast to be judged.
func (r *Reference) usableCells(minGrad, minStd float64) []int {
	var out []int
	for c := range r.CellGrad {
		if r.CellGrad[c] >= minGrad || r.CellStd[c] >= minStd {
			out = append(out, c)
		}
	}
	return out
}

// refFile is the stored form of a Reference.
type refFile struct {
	Version     int       `json:"version"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Cols        int       `json:"cols"`
	Rows        int       `json:"rows"`
	SourceWidth int       `json:"source_width"`
	Frames      int       `json:"frames"`
	LearntAt    time.Time `json:"learnt_at"`
	MedianPNG   []byte    `json:"median_png"`
	CellGrad    []float64 `json:"cell_grad"`
	CellSharp   []float64 `json:"cell_sharp"`
	CellStd     []float64 `json:"cell_std"`
}

// MarshalBinary encodes the reference (JSON with the picture as PNG, about
// 40 KB) so the app can keep one per camera in the local store.
func (r *Reference) MarshalBinary() ([]byte, error) {
	img := &image.Gray{Pix: r.Median, Stride: r.Width, Rect: image.Rect(0, 0, r.Width, r.Height)}
	var pb bytes.Buffer
	if err := png.Encode(&pb, img); err != nil {
		return nil, err
	}
	return json.Marshal(refFile{Version: 1, Width: r.Width, Height: r.Height, Cols: r.Cols, Rows: r.Rows,
		SourceWidth: r.SourceWidth, Frames: r.Frames, LearntAt: r.LearntAt, MedianPNG: pb.Bytes(),
		CellGrad: r.CellGrad, CellSharp: r.CellSharp, CellStd: r.CellStd})
}

// UnmarshalBinary decodes what MarshalBinary produced.
func (r *Reference) UnmarshalBinary(b []byte) error {
	var f refFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("camera reference is damaged: %w (learn it again)", err)
	}
	if f.Version != 1 {
		return fmt.Errorf("camera reference has version %d, this StoreLens reads 1 (learn it again)", f.Version)
	}
	img, err := png.Decode(bytes.NewReader(f.MedianPNG))
	if err != nil {
		return fmt.Errorf("camera reference picture is damaged: %w (learn it again)", err)
	}
	g, ok := img.(*image.Gray)
	n := f.Cols * f.Rows
	if !ok || g.Rect.Dx() != f.Width || g.Rect.Dy() != f.Height || n == 0 ||
		len(f.CellGrad) != n || len(f.CellSharp) != n || len(f.CellStd) != n {
		return errors.New("camera reference is inconsistent (learn it again)")
	}
	pix := make([]uint8, f.Width*f.Height)
	for y := range f.Height {
		copy(pix[y*f.Width:(y+1)*f.Width], g.Pix[y*g.Stride:y*g.Stride+f.Width])
	}
	*r = Reference{Width: f.Width, Height: f.Height, Cols: f.Cols, Rows: f.Rows, SourceWidth: f.SourceWidth,
		Frames: f.Frames, LearntAt: f.LearntAt, Median: pix, CellGrad: f.CellGrad, CellSharp: f.CellSharp, CellStd: f.CellStd}
	return nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q * float64(len(s)-1))
	return s[i]
}
