package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// unpack gunzips a built-in file and checks it against its SHA-256; what
// names it in the error ("person detector").
func unpack(gz []byte, sha, what string) ([]byte, error) {
	z, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("the built-in %s is damaged (%v); reinstall StoreLens", what, err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		return nil, fmt.Errorf("the built-in %s is damaged (%v); reinstall StoreLens", what, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != sha {
		return nil, fmt.Errorf("the built-in %s has checksum %s, not %s; reinstall StoreLens", what, got, sha)
	}
	return b, nil
}
