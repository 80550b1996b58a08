// Package assets holds the files StoreLens ships inside its binary: the
// application icon, and (added by later parts) fonts and demo footage.
package assets

import _ "embed"

// Icon is the application icon (PNG, 512×512).
//
//go:embed icon.png
var Icon []byte
