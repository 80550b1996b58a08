package health

import (
	"context"
	"testing"

	"gocv.io/x/gocv"
)

// BenchmarkObserve prints the cost of analysing one frame, by part.
func BenchmarkObserve(b *testing.B) {
	path := sample(b, "vtest.avi")
	ref, err := LearnReference(context.Background(), path, Config{})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := openFootage(path)
	frame := gocv.NewMat()
	f.read(context.Background(), &frame)
	f.Close()
	defer frame.Close()
	b.Run("all-with-move", func(b *testing.B) {
		chk, _ := NewChecker(ref, Config{})
		defer chk.Close()
		for i := range b.N {
			chk.lastMove = -1e9
			chk.Observe(float64(i), frame)
		}
	})
	b.Run("all-without-move", func(b *testing.B) {
		chk, _ := NewChecker(ref, Config{})
		defer chk.Close()
		for i := range b.N {
			chk.lastMove = 1e18
			chk.Observe(float64(i), frame)
		}
	})
	b.Run("shrink", func(b *testing.B) {
		g, s := gocv.NewMat(), gocv.NewMat()
		for range b.N {
			shrink(frame, ref.Width, &g, &s)
		}
	})
	b.Run("measure", func(b *testing.B) {
		g, s := gocv.NewMat(), gocv.NewMat()
		shrink(frame, ref.Width, &g, &s)
		for range b.N {
			measure(s, ref.Cols, ref.Rows)
		}
	})
}
