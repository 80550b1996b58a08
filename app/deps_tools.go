//go:build tools

// This file pins, for `go mod tidy`, the libraries the project chose on
// purpose before every one of them has an importer (see README, "Libraries").
package app

import (
	_ "github.com/google/uuid"
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/wcharczuk/go-chart/v2"
	_ "github.com/xuri/excelize/v2"
	_ "github.com/zalando/go-keyring"
	_ "gocv.io/x/gocv" // v0.31.0: the last release that builds against Debian bookworm's OpenCV 4.6
	_ "golang.org/x/image/font/opentype"
	_ "gonum.org/v1/gonum/stat"
)
