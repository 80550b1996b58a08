package vision

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"gocv.io/x/gocv"
)

// DNNConfig configures DNNDetector: a person detector network supplied by
// the user (no weights ship with StoreLens). The network must produce the
// SSD detection layout [1,1,N,7] — image id, class, confidence, then the box
// as left, top, right, bottom in 0–1 of the frame — as MobileNet-SSD and
// OpenCV's other SSD models do.
type DNNConfig struct {
	// Model is the weights file (.onnx, .caffemodel, .pb, …);
	// ModelConfig its companion (.prototxt, .pbtxt) when the format needs one.
	Model, ModelConfig string
	// InputSize is the network's input in pixels (default 300×300).
	InputSize image.Point
	// Scale and Mean normalise pixels: (p − Mean) × Scale (default
	// 1/127.5 and 127.5, MobileNet-SSD's).
	Scale float64
	Mean  float64
	// SwapRB feeds RGB instead of OpenCV's BGR.
	SwapRB bool
	// PersonClass is the class id of a person (default 15, VOC order as in
	// MobileNet-SSD; COCO models use 1). -1 accepts every class.
	PersonClass int
	// MinScore is the confidence of a strong detection (default 0.5);
	// detections down to half of it are kept as weak ones.
	MinScore float64
}

// DNNDetector finds people with a neural network through OpenCV's dnn
// module (gocv.ReadNet). It implements Detector, so the tracker and counter
// work the same with it as with motion detection.
type DNNDetector struct {
	cfg  DNNConfig
	net  gocv.Net
	blob gocv.Mat
}

// NewDNNDetector loads the network. Errors name the file and what to do.
func NewDNNDetector(cfg DNNConfig) (*DNNDetector, error) {
	if cfg.Model == "" {
		return nil, errors.New("person detector: no model file given")
	}
	for _, p := range []string{cfg.Model, cfg.ModelConfig} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("person detector model %s: %w; check the path", p, err)
		}
	}
	if err := checkModelFile(cfg.Model); err != nil {
		return nil, err
	}
	if cfg.InputSize == (image.Point{}) {
		cfg.InputSize = image.Pt(300, 300)
	}
	if cfg.Scale == 0 {
		cfg.Scale = 1 / 127.5
	}
	if cfg.Mean == 0 {
		cfg.Mean = 127.5
	}
	if cfg.PersonClass == 0 {
		cfg.PersonClass = 15
	}
	if cfg.MinScore <= 0 || cfg.MinScore >= 1 {
		cfg.MinScore = 0.5
	}
	net := gocv.ReadNet(cfg.Model, cfg.ModelConfig)
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("person detector model %s: OpenCV could not load it; use an ONNX, Caffe or TensorFlow SSD model (with its config file for Caffe/TensorFlow)", cfg.Model)
	}
	return &DNNDetector{cfg: cfg, net: net, blob: gocv.NewMat()}, nil
}

// Close releases the network.
func (d *DNNDetector) Close() error {
	d.blob.Close()
	return d.net.Close()
}

// Detect runs the network on frame and returns the people it finds.
func (d *DNNDetector) Detect(frame gocv.Mat) ([]Detection, error) {
	blob := gocv.BlobFromImage(frame, d.cfg.Scale, d.cfg.InputSize, gocv.NewScalar(d.cfg.Mean, d.cfg.Mean, d.cfg.Mean, 0), d.cfg.SwapRB, false)
	defer blob.Close()
	d.net.SetInput(blob, "")
	out := d.net.Forward("")
	defer out.Close()
	dims := out.Size()
	if len(dims) != 4 || dims[3] != 7 {
		return nil, fmt.Errorf("person detector model %s gives output of shape %v, not the SSD layout [1,1,N,7]; use an SSD-style person detector", d.cfg.Model, dims)
	}
	vals, err := out.DataPtrFloat32()
	if err != nil {
		return nil, fmt.Errorf("person detector model %s: %w", d.cfg.Model, err)
	}
	w, h := float64(frame.Cols()), float64(frame.Rows())
	var dets []Detection
	for i := 0; i+7 <= len(vals); i += 7 {
		cls, conf := int(vals[i+1]), float64(vals[i+2])
		if d.cfg.PersonClass >= 0 && cls != d.cfg.PersonClass {
			continue
		}
		if conf < d.cfg.MinScore/2 {
			continue
		}
		x1, y1 := clamp01(float64(vals[i+3]))*w, clamp01(float64(vals[i+4]))*h
		x2, y2 := clamp01(float64(vals[i+5]))*w, clamp01(float64(vals[i+6]))*h
		if x2-x1 < 2 || y2-y1 < 2 {
			continue
		}
		score := 0.49 * conf / d.cfg.MinScore
		if conf >= d.cfg.MinScore {
			score = 0.5 + 0.5*(conf-d.cfg.MinScore)/(1-d.cfg.MinScore)
		}
		dets = append(dets, Detection{Box: Box{x1, y1, x2 - x1, y2 - y1}, Score: score})
	}
	return dets, nil
}

func clamp01(v float64) float64 {
	if v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

// checkModelFile catches files that are plainly not a model before OpenCV
// sees them: gocv v0.31 does not catch OpenCV's C++ exceptions, so a
// malformed model would abort the program instead of returning an error.
// A file that passes these checks but is still malformed is not caught.
func checkModelFile(p string) error {
	head := make([]byte, 16)
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("person detector model %s: %w; check the path", p, err)
	}
	defer f.Close()
	n, _ := f.Read(head)
	bad := func(why string) error {
		return fmt.Errorf("person detector model %s is not a model file (%s); use an ONNX, Caffe or TensorFlow SSD person detector", p, why)
	}
	if n < 16 {
		return bad("too short")
	}
	switch strings.ToLower(filepath.Ext(p)) {
	case ".onnx":
		// A serialised ModelProto starts with ir_version (field 1, varint).
		if head[0] != 0x08 {
			return bad("no ONNX header")
		}
	case ".caffemodel", ".pb":
		// Protocol buffers: the first byte is a field key, never text.
		if head[0] < 0x08 || head[0] >= 0x80 || isText(head) {
			return bad("no protocol buffer header")
		}
	case ".t7", ".net", ".weights", ".bin", ".xml":
	default:
		return bad("unknown extension " + filepath.Ext(p))
	}
	return nil
}

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c >= 0x7f {
			return false
		}
	}
	return true
}
