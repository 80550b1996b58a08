package health

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// view is one analysed frame: a small grey copy and its per-cell statistics.
// Everything the detectors compare against the reference lives here, so a
// frame is converted and measured once, whatever the number of detectors.
type view struct {
	w, h       int
	gray       []uint8
	mean, std  float64
	cellGrad   []float64 // mean |∂x|+|∂y| per cell: texture
	cellSharp  []float64 // mean Laplacian² / mean gradient² per cell: focus
	cellMean   []float64
	cellStd    []float64
	cols, rows int
}

// shrink converts a BGR (or grey) frame to grey at the working width.
// dst is reused between calls.
func shrink(frame gocv.Mat, width int, grayBuf, dst *gocv.Mat) error {
	if frame.Empty() {
		return fmt.Errorf("empty frame")
	}
	src := frame
	switch frame.Channels() {
	case 3:
		gocv.CvtColor(frame, grayBuf, gocv.ColorBGRToGray)
		src = *grayBuf
	case 4:
		gocv.CvtColor(frame, grayBuf, gocv.ColorBGRAToGray)
		src = *grayBuf
	case 1:
	default:
		return fmt.Errorf("frame has %d channels", frame.Channels())
	}
	if src.Cols() == width {
		src.CopyTo(dst)
		return nil
	}
	h := int(math.Round(float64(src.Rows()) * float64(width) / float64(src.Cols())))
	gocv.Resize(src, dst, image.Pt(width, max(h, 8)), 0, 0, gocv.InterpolationArea)
	return nil
}

// measure computes the per-cell statistics of a grey working-size image.
func measure(small gocv.Mat, cols, rows int) (*view, error) {
	if small.Type() != gocv.MatTypeCV8U {
		return nil, fmt.Errorf("working image has type %v, want 8-bit grey", small.Type())
	}
	w, h := small.Cols(), small.Rows()
	if w < cols*4 || h < rows*4 {
		return nil, fmt.Errorf("frame of %dx%d is too small for a %dx%d grid", w, h, cols, rows)
	}
	buf := small.ToBytes()
	return measureBytes(buf, w, h, cols, rows), nil
}

func measureBytes(g []uint8, w, h, cols, rows int) *view {
	n := cols * rows
	v := &view{w: w, h: h, gray: g, cols: cols, rows: rows,
		cellGrad: make([]float64, n), cellSharp: make([]float64, n),
		cellMean: make([]float64, n), cellStd: make([]float64, n)}
	grad := make([]float64, n)
	grad2 := make([]float64, n)
	lap2 := make([]float64, n)
	sum := make([]float64, n)
	sum2 := make([]float64, n)
	cnt := make([]float64, n)
	inner := make([]float64, n)
	var tot, tot2 float64
	for y := 0; y < h; y++ {
		cy := y * rows / h
		row := g[y*w : (y+1)*w]
		for x := 0; x < w; x++ {
			c := cy*cols + x*cols/w
			p := float64(row[x])
			sum[c] += p
			sum2[c] += p * p
			cnt[c]++
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				continue
			}
			l, r := float64(row[x-1]), float64(row[x+1])
			u, d := float64(g[(y-1)*w+x]), float64(g[(y+1)*w+x])
			gx, gy := (r-l)/2, (d-u)/2
			grad[c] += math.Abs(gx) + math.Abs(gy)
			grad2[c] += gx*gx + gy*gy
			lp := l + r + u + d - 4*p
			lap2[c] += lp * lp
			inner[c]++
		}
	}
	for c := range n {
		tot += sum[c]
		tot2 += sum2[c]
		m := sum[c] / cnt[c]
		v.cellMean[c] = m
		v.cellStd[c] = math.Sqrt(max(0, sum2[c]/cnt[c]-m*m))
		if inner[c] > 0 {
			v.cellGrad[c] = grad[c] / inner[c]
			// +1 keeps flat cells from dividing noise by noise.
			v.cellSharp[c] = (lap2[c] / inner[c]) / (grad2[c]/inner[c] + 1)
		}
	}
	px := float64(w * h)
	v.mean = tot / px
	v.std = math.Sqrt(max(0, tot2/px-v.mean*v.mean))
	return v
}

// cellRect is the pixel rectangle of cell c in a w×h image.
func cellRect(c, cols, rows, w, h int) image.Rectangle {
	cx, cy := c%cols, c/cols
	x0 := (cx*w + cols - 1) / cols
	x1 := ((cx+1)*w + cols - 1) / cols
	y0 := (cy*h + rows - 1) / rows
	y1 := ((cy+1)*h + rows - 1) / rows
	return image.Rect(x0, y0, x1, y1)
}

// cellNCC is the normalised cross-correlation of cell c between two grey
// images of the same size: 1 for the same picture under any brightness and
// contrast, near 0 for unrelated content.
func cellNCC(a, b []uint8, w, h, cols, rows, c int) float64 {
	r := cellRect(c, cols, rows, w, h)
	var sa, sb, saa, sbb, sab, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p, q := float64(a[y*w+x]), float64(b[y*w+x])
			sa += p
			sb += q
			saa += p * p
			sbb += q * q
			sab += p * q
			n++
		}
	}
	if n == 0 {
		return 0
	}
	va := saa - sa*sa/n
	vb := sbb - sb*sb/n
	if va <= 0 || vb <= 0 {
		return 0
	}
	return (sab - sa*sb/n) / math.Sqrt(va*vb)
}

// frozenShare is the share of pixels that changed by more than 3 grey
// levels between two frames of the same size.
func changedShare(a, b []uint8) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 1
	}
	n := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d > 3 || d < -3 {
			n++
		}
	}
	return float64(n) / float64(len(a))
}
