// Command tfjs2onnx converts a TensorFlow.js graph model to ONNX for
// OpenCV's DNN module:
//
//	go run ./vision/tfjs/tfjs2onnx -in models/nanodet.json -out nanodet.onnx[.gz] [-size 320]
//
// An output ending in .gz is written gzip-compressed, without a name or a
// time in its header, so the same model always gives the same bytes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"strings"

	"storelens/vision/tfjs"
)

func main() {
	in := flag.String("in", "", "model.json of the TensorFlow.js graph model (its .bin shards beside it)")
	out := flag.String("out", "", "ONNX file to write")
	size := flag.Int("size", 0, "side of the square input in pixels (0: the model's own)")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "tfjs2onnx: -in and -out are required")
		os.Exit(2)
	}
	m, err := tfjs.Load(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfjs2onnx:", err)
		os.Exit(1)
	}
	b, err := tfjs.Convert(m, tfjs.Options{Size: *size, Producer: "storelens tfjs2onnx"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfjs2onnx:", err)
		os.Exit(1)
	}
	if strings.HasSuffix(*out, ".gz") {
		// No name and no time in the header: the same model gives the
		// same bytes, so the shipped file can be checked by reproducing it.
		var z bytes.Buffer
		w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		w.Write(b)
		w.Close()
		b = z.Bytes()
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "tfjs2onnx:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d bytes\n", *out, len(b))
}
