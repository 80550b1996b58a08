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

// workWidth is the analysis width for frames width px wide: about target,
// reached by a whole-number reduction so that area averaging is exact and
// cheap (768 → 384, 1280 → 320, 1920 → 320, 704 → 352).
func workWidth(width, target int) int {
	if width <= target {
		return width
	}
	f := max(1, int(math.Round(float64(width)/float64(target))))
	return width / f
}

// shrink converts a BGR (or grey) frame to grey at the given width.
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
	// Integer sums per cell; differences are taken over two pixels, so
	// gradients come out doubled and are halved at the end.
	grad := make([]int64, n)
	grad2 := make([]int64, n)
	lap2 := make([]int64, n)
	sum := make([]int64, n)
	sum2 := make([]int64, n)
	cnt := make([]int64, n)
	inner := make([]int64, n)
	// Column span of each grid column, so the inner loops keep their sums
	// in registers and touch the per-cell arrays once per row and cell.
	xs := make([]int, cols+1)
	for cx := range cols + 1 {
		xs[cx] = (cx*w + cols - 1) / cols
	}
	for y := 0; y < h; y++ {
		base := (y * rows / h) * cols
		row := g[y*w : (y+1)*w]
		edge := y == 0 || y == h-1
		var up, dn []uint8
		if !edge {
			up = g[(y-1)*w : y*w]
			dn = g[(y+1)*w : (y+2)*w]
		}
		for cx := range cols {
			c := base + cx
			x0, x1 := xs[cx], xs[cx+1]
			var s1, s2 int64
			for _, b := range row[x0:x1] {
				p := int64(b)
				s1 += p
				s2 += p * p
			}
			sum[c] += s1
			sum2[c] += s2
			cnt[c] += int64(x1 - x0)
			if edge {
				continue
			}
			x0, x1 = max(x0, 1), min(x1, w-1)
			var ga, g2, l2 int64
			for x := x0; x < x1; x++ {
				p := int64(row[x])
				l, r := int64(row[x-1]), int64(row[x+1])
				u, d := int64(up[x]), int64(dn[x])
				gx, gy := r-l, d-u
				ax, ay := gx, gy
				if ax < 0 {
					ax = -ax
				}
				if ay < 0 {
					ay = -ay
				}
				ga += ax + ay
				g2 += gx*gx + gy*gy
				lp := l + r + u + d - 4*p
				l2 += lp * lp
			}
			grad[c] += ga
			grad2[c] += g2
			lap2[c] += l2
			inner[c] += int64(max(0, x1-x0))
		}
	}
	var tot, tot2 float64
	for c := range n {
		tot += float64(sum[c])
		tot2 += float64(sum2[c])
		m := float64(sum[c]) / float64(cnt[c])
		v.cellMean[c] = m
		v.cellStd[c] = math.Sqrt(max(0, float64(sum2[c])/float64(cnt[c])-m*m))
		if k := float64(inner[c]); k > 0 {
			v.cellGrad[c] = float64(grad[c]) / 2 / k
			// +1 keeps flat cells from dividing noise by noise.
			v.cellSharp[c] = (float64(lap2[c]) / k) / (float64(grad2[c])/4/k + 1)
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
