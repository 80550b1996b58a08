package vision

import (
	"image"
	"image/color"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
)

// testBanner is where the demo chain's entrance cameras see the banner.
var testBanner = []Pt{{230, 30}, {540, 30}, {540, 105}, {230, 105}}

// vtestStills writes frames of vtest.avi as JPEGs, with the banner hung
// (a red band with a yellow line of "text") when banner is set.
func vtestStills(t *testing.T, frames []int, banner bool) []string {
	t.Helper()
	vc, err := gocv.VideoCaptureFile(assetstest.Footage(t, "vtest.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	m := gocv.NewMat()
	defer m.Close()
	dir := t.TempDir()
	var out []string
	for _, f := range frames {
		vc.Set(gocv.VideoCapturePosFrames, float64(f))
		if !vc.Read(&m) {
			t.Fatalf("frame %d", f)
		}
		if banner {
			gocv.Rectangle(&m, image.Rect(250, 40, 520, 95), color.RGBA{200, 30, 30, 0}, -1)
			gocv.PutText(&m, "SALE 50%", image.Pt(290, 82), gocv.FontHersheyDuplex, 1.3, color.RGBA{245, 210, 66, 0}, 3)
		}
		p := filepath.Join(dir, filepath.Base(t.Name())+"-"+string(rune('a'+len(out)))+".jpg")
		gocv.IMWrite(p, m)
		out = append(out, p)
	}
	return out
}

// The banner zone of one camera compares as the same across the day
// (people walking below it, other frames, JPEG noise) and as changed when
// the banner is gone, and a zone is judged on its own: the rest of the
// picture may change freely.
func TestZoneChangeSeesTheBannerGo(t *testing.T) {
	with := vtestStills(t, []int{20, 200, 400, 600, 780}, true)
	without := vtestStills(t, []int{300, 700}, false)
	size := image.Pt(768, 576)
	var same, gone []float64
	for _, p := range with[1:] {
		s, err := ZoneChange(with[0], p, testBanner, size)
		if err != nil {
			t.Fatal(err)
		}
		same = append(same, s)
	}
	for _, p := range without {
		s, err := ZoneChange(with[0], p, testBanner, size)
		if err != nil {
			t.Fatal(err)
		}
		gone = append(gone, s)
	}
	t.Logf("banner still there: %.2f; banner gone: %.2f (threshold %.2f)", same, gone, ZoneChangeThreshold)
	for _, s := range same {
		if s >= ZoneChangeThreshold {
			t.Errorf("the same banner scores %.2f", s)
		}
	}
	for _, s := range gone {
		if s < ZoneChangeThreshold {
			t.Errorf("a missing banner scores %.2f", s)
		}
	}
	// The whole picture, people and all, is not what is judged.
	if s, err := ZoneChange(with[0], with[4], nil, size); err != nil || s < same[3] {
		t.Errorf("whole frames score %.2f (%v), below the zone's %.2f", s, err, same[3])
	}
	if _, err := ZoneChange(with[0], filepath.Join(t.TempDir(), "missing.jpg"), testBanner, size); err == nil {
		t.Error("a missing picture compared without an error")
	}
}
