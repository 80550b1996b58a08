package health

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
	"storelens/vision"
)

// sample finds a sample clip or skips the test when the footage is absent.
func sample(t testing.TB, name string) string {
	t.Helper()
	return assetstest.Footage(t, name)
}

// alteration changes frame in place; ts is seconds into the written video.
type alteration func(ts float64, frame *gocv.Mat)

// writeAltered writes loops back-to-back copies of src (each seam is a hard
// cut), at most limit seconds of it when limit > 0, to an MJPG .avi in the
// test's temp dir, passing every frame through alter. It returns the new
// file's path.
func writeAltered(t testing.TB, src string, loops int, limit float64, alter alteration) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "altered.avi")
	var w *gocv.VideoWriter
	frame := gocv.NewMat()
	defer frame.Close()
	n := 0
	var fps float64
	for range loops {
		s, err := vision.OpenSource(src)
		if err != nil {
			t.Fatal(err)
		}
		fps = s.FPS()
		if w == nil {
			sz := s.Size()
			if w, err = gocv.VideoWriterFile(out, "MJPG", fps, sz.X, sz.Y, true); err != nil {
				t.Fatal(err)
			}
		}
		for {
			if err := s.Read(context.Background(), &frame); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
				break
			}
			if limit > 0 && float64(n)/fps >= limit {
				break
			}
			if alter != nil {
				alter(float64(n)/fps, &frame)
			}
			if err := w.Write(frame); err != nil {
				t.Fatal(err)
			}
			n++
		}
		s.Close()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// from applies a from time `at` on.
func from(at float64, a alteration) alteration {
	return func(ts float64, f *gocv.Mat) {
		if ts >= at {
			a(ts, f)
		}
	}
}

// between applies a during [t0, t1).
func between(t0, t1 float64, a alteration) alteration {
	return func(ts float64, f *gocv.Mat) {
		if ts >= t0 && ts < t1 {
			a(ts, f)
		}
	}
}

// solidBanner covers the given share of the frame's width, full height of
// the upper part, with a flat colour: a banner hung in front of the lens.
func solidBanner(ts float64, f *gocv.Mat) {
	w, h := f.Cols(), f.Rows()
	gocv.Rectangle(f, image.Rect(w/2, 0, w, h*2/3), color.RGBA{200, 30, 40, 0}, -1)
}

// printedBanner is a banner with large print on it.
func printedBanner(ts float64, f *gocv.Mat) {
	w, h := f.Cols(), f.Rows()
	r := image.Rect(0, h/3, w*3/5, h*17/18)
	gocv.Rectangle(f, r, color.RGBA{230, 210, 40, 0}, -1)
	gocv.PutText(f, "SALE", image.Pt(r.Min.X+20, r.Min.Y+150), gocv.FontHersheyDuplex, 5, color.RGBA{20, 20, 160, 0}, 12)
	gocv.PutText(f, "50% OFF", image.Pt(r.Min.X+30, r.Min.Y+280), gocv.FontHersheyDuplex, 3, color.RGBA{20, 20, 160, 0}, 8)
}

// turn shifts the view by (dx, dy) pixels and rotates it by deg degrees
// about the centre; the edges are mirrored, as a moved camera sees more of
// the scene rather than black borders.
func turn(dx, dy, deg float64) alteration {
	return func(ts float64, f *gocv.Mat) {
		w, h := f.Cols(), f.Rows()
		m := gocv.GetRotationMatrix2D(image.Pt(w/2, h/2), deg, 1)
		defer m.Close()
		m.SetDoubleAt(0, 2, m.GetDoubleAt(0, 2)+dx)
		m.SetDoubleAt(1, 2, m.GetDoubleAt(1, 2)+dy)
		out := gocv.NewMat()
		defer out.Close()
		gocv.WarpAffineWithParams(*f, &out, m, image.Pt(w, h), gocv.InterpolationLinear, gocv.BorderReflect, color.RGBA{})
		out.CopyTo(f)
	}
}

// blur defocuses the frame with a Gaussian of the given sigma (pixels).
func blur(sigma float64) alteration {
	return func(ts float64, f *gocv.Mat) {
		gocv.GaussianBlur(*f, f, image.Pt(0, 0), sigma, sigma, gocv.BorderReflect)
	}
}

// black replaces the frame with a black one (slight noise left in, as a
// capture card shows).
func black(ts float64, f *gocv.Mat) {
	f.SetTo(gocv.NewScalar(3, 3, 3, 0))
}

// frozenAt repeats the frame seen at the start of the stretch.
func frozenAt() alteration {
	var held gocv.Mat
	have := false
	return func(ts float64, f *gocv.Mat) {
		if !have {
			held = f.Clone()
			have = true
			return
		}
		held.CopyTo(f)
	}
}

// brightness multiplies the picture by a gain that moves linearly from 1 to
// gain between t0 and t1 (over a minute, say), holds, and comes back the
// same way between t2 and t3: the sun coming out and going in.
func brightness(gain, t0, t1, t2, t3 float64) alteration {
	return func(ts float64, f *gocv.Mat) {
		g := 1.0
		switch {
		case ts < t0 || ts >= t3:
			return
		case ts < t1:
			g = 1 + (gain-1)*(ts-t0)/(t1-t0)
		case ts < t2:
			g = gain
		default:
			g = gain + (1-gain)*(ts-t2)/(t3-t2)
		}
		f.ConvertToWithParams(f, f.Type(), float32(g), 0)
	}
}
