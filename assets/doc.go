// Package assets holds the files StoreLens ships inside its binary: the
// application icon and the person detector (models.go); SampleFootage finds
// the sample videos beside it.
package assets

import _ "embed"

// Icon is the application icon (PNG, 512×512).
//
//go:embed icon.png
var Icon []byte
