package assets

import "testing"

// The shipped detector is the file docs/models.md describes.
func TestThePersonModelIsTheOneDocumented(t *testing.T) {
	b, err := PersonModel()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 10<<20 {
		t.Errorf("the person model is %d bytes; the converted NanoDet is about 15 MB", len(b))
	}
}
