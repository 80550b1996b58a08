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

// The greeting pre-check counts the people standing in the door zone: a
// zone in front of the door holds the plaza's people, a strip of sky above
// the building nobody, and a picture at half size is judged in the
// camera's own pixels.
func TestPeopleInZone(t *testing.T) {
	d := builtInNanoDet(t)
	defer d.Close()
	path := vtestStills(t, []int{291}, false)[0]
	door := []Pt{{100, 200}, {700, 200}, {700, 560}, {100, 560}}
	sky := []Pt{{0, 0}, {768, 0}, {768, 25}, {0, 25}}
	all, err := PeopleInPicture(path, d, 0.45)
	if err != nil {
		t.Fatal(err)
	}
	inDoor, err := PeopleInZone(path, d, 0.45, door, image.Pt(768, 576))
	if err != nil {
		t.Fatal(err)
	}
	inSky, err := PeopleInZone(path, d, 0.45, sky, image.Pt(768, 576))
	if err != nil {
		t.Fatal(err)
	}
	if all < 4 || inDoor < 3 || inDoor > all || inSky != 0 {
		t.Errorf("people: %d in the picture, %d in the door zone, %d in the sky", all, inDoor, inSky)
	}
	// The same frame at half size, the zone still in the camera's pixels.
	m := gocv.IMRead(path, gocv.IMReadColor)
	half := gocv.NewMat()
	gocv.Resize(m, &half, image.Pt(384, 288), 0, 0, gocv.InterpolationArea)
	small := filepath.Join(t.TempDir(), "half.jpg")
	gocv.IMWrite(small, half)
	m.Close()
	half.Close()
	if n, err := PeopleInZone(small, d, 0.45, door, image.Pt(768, 576)); err != nil || n == 0 {
		t.Errorf("half-size picture: %d in the door zone (%v)", n, err)
	}
}
