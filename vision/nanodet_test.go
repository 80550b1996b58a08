package vision

import (
	"fmt"
	"os"
	"testing"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
)

func TestZZNanoDetProbe(t *testing.T) {
	model := os.Getenv("NANODET")
	if model == "" {
		t.Skip()
	}
	d, err := NewNanoDetDetector(NanoDetConfig{Model: model, Size: 320})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	t.Log(d.outputs)
	vc, err := gocv.VideoCaptureFile(assetstest.Footage(t, "vtest.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	gt := groundTruth(t)
	byFrame := gt.BoxesByFrame()
	frame := gocv.NewMat()
	defer frame.Close()
	var tp, fn, fp int
	for i := 0; vc.Read(&frame); i++ {
		if i%10 != 0 {
			continue
		}
		dets, err := d.Detect(frame)
		if err != nil {
			t.Fatal(err)
		}
		var strong []Box
		for _, x := range dets {
			if x.Score >= 0.5 {
				strong = append(strong, x.Box)
			}
		}
		used := map[int]bool{}
		for _, g := range byFrame[i] {
			best, bi := 0.0, -1
			for j, b := range strong {
				if !used[j] {
					if v := boxIoU(g, b); v > best {
						best, bi = v, j
					}
				}
			}
			if best >= 0.5 {
				tp++
				used[bi] = true
			} else {
				fn++
			}
		}
		fp += len(strong) - len(used)
		if i == 100 {
			fmt.Println("frame 100:", len(byFrame[i]), "truth;", len(strong), "found", strong)
		}
	}
	fmt.Printf("tp %d fn %d fp %d recall %.3f precision %.3f\n", tp, fn, fp, float64(tp)/float64(tp+fn), float64(tp)/float64(tp+fp))
}
