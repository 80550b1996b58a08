package tfjs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Options tune a conversion.
type Options struct {
	// Size is the side of the square input in pixels (0: the model's own).
	// Resizes are written as scales and reshapes keep their −1, so a
	// detector trained at 416 runs at 320 as well.
	Size int
	// FixedSize writes the input's height and width as numbers. Without
	// it they are free (dim_param), which ONNX Runtime needs to run the
	// graph at another size; OpenCV's importer infers every shape at load,
	// before it knows the size, which some graphs that are not fully
	// convolutional (an odd side padded then pooled) fail.
	FixedSize bool
	// Producer names the converter in the file.
	Producer string
}

// Opset is the ONNX operator set written: the newest whose Resize, Pad and
// Split OpenCV 4.6's importer reads (it refuses opset 10's Resize).
const Opset = 11

// Convert writes m as an ONNX model. TensorFlow's NHWC convolutions, pools
// and resizes become ONNX's NCHW ones between transposes, and the
// transposes that then meet their inverse cancel: a graph exported from
// NCHW (as NanoDet's was) comes out with the transposes it needs only.
func Convert(m *Model, opt Options) ([]byte, error) {
	g, err := convertGraph(m, opt)
	if err != nil {
		return nil, err
	}
	producer := opt.Producer
	if producer == "" {
		producer = "storelens tfjs"
	}
	return g.marshal(producer), nil
}

func convertGraph(m *Model, opt Options) (*onnxGraph, error) {
	scales := map[string][2]float64{}
	if opt.Size != 0 {
		// The resizes' factors come from the model at its own size.
		probe := newConverter(m, 0, nil)
		if err := probe.run(); err != nil {
			return nil, err
		}
		scales = probe.scales
	}
	c := newConverter(m, opt.Size, scales)
	c.fixedSize = opt.FixedSize
	if err := c.run(); err != nil {
		return nil, err
	}
	c.simplify()
	return c.g, nil
}

type converter struct {
	m         *Model
	size      int
	fixedSize bool
	g         *onnxGraph
	shape     map[string][]int   // TF ref → shape
	name      map[string]string  // TF ref → ONNX tensor
	consts    map[string]*Tensor // TF ref → folded constant
	inits     map[string]bool
	consumers map[string]int // TF ref → how many inputs read it
	bias      map[string]string
	done      map[string]bool
	scales    map[string][2]float64
	fixed     map[string][2]float64
	uid       int
}

func newConverter(m *Model, size int, fixed map[string][2]float64) *converter {
	c := &converter{m: m, size: size, g: &onnxGraph{Name: "tfjs", Opset: Opset},
		shape: map[string][]int{}, name: map[string]string{}, consts: map[string]*Tensor{},
		inits: map[string]bool{}, consumers: map[string]int{}, bias: map[string]string{},
		done: map[string]bool{}, scales: map[string][2]float64{}, fixed: fixed}
	for _, n := range m.Nodes {
		for _, in := range n.Inputs {
			c.consumers[ref(in)]++
		}
	}
	return c
}

// ref is a TF input written the one way: "node" for output 0, "node:k".
func ref(in string) string { return strings.TrimSuffix(in, ":0") }

func nodeOf(r string) string {
	if i := strings.LastIndex(r, ":"); i > 0 {
		if _, err := strconv.Atoi(r[i+1:]); err == nil {
			return r[:i]
		}
	}
	return r
}

func (c *converter) run() error {
	for _, in := range c.m.Inputs {
		if err := c.visit(in); err != nil {
			return err
		}
	}
	for _, out := range c.m.Outputs {
		if err := c.visit(out); err != nil {
			return err
		}
		src, ok := c.name[out]
		if !ok {
			return fmt.Errorf("output %s is a constant; nothing to run", out)
		}
		c.g.Nodes = append(c.g.Nodes, &onnxNode{Op: "Identity", Name: out + "/out", Inputs: []string{src}, Outputs: []string{out}})
		ov := onnxValue{Name: out, Dims: dims64(c.shape[out])}
		if len(ov.Dims) == 3 {
			ov.Params = map[int]string{1: "cells"} // one row per cell of the level's grid
		}
		c.g.Outputs = append(c.g.Outputs, ov)
	}
	return nil
}

// visit converts node name after its inputs (the graph's nodes are not in
// order).
func (c *converter) visit(name string) error {
	if c.done[name] {
		return nil
	}
	c.done[name] = true
	n, ok := c.m.ByName[name]
	if !ok {
		return fmt.Errorf("the graph has no node %q", name)
	}
	for _, in := range n.Inputs {
		if err := c.visit(nodeOf(ref(in))); err != nil {
			return err
		}
	}
	if err := c.node(n); err != nil {
		return fmt.Errorf("%s (%s): %w", n.Name, n.Op, err)
	}
	return nil
}

func (c *converter) fresh(base string) string {
	c.uid++
	return fmt.Sprintf("%s#%d", base, c.uid)
}

func (c *converter) emit(op, name string, inputs []string, attrs ...onnxAttr) string {
	out := c.fresh(name)
	c.g.Nodes = append(c.g.Nodes, &onnxNode{Op: op, Name: out, Inputs: inputs, Outputs: []string{out}, Attrs: attrs})
	return out
}

// input is the ONNX tensor of TF input in, writing a constant as an
// initializer the first time it is used as data.
func (c *converter) input(in string) (string, error) {
	r := ref(in)
	if n, ok := c.name[r]; ok {
		return n, nil
	}
	t, ok := c.consts[r]
	if !ok {
		return "", fmt.Errorf("input %s was not converted", in)
	}
	name := "const/" + r
	if !c.inits[name] {
		c.inits[name] = true
		c.g.Inits = append(c.g.Inits, &onnxTensor{Name: name, Dims: dims64(t.Shape), Float: t.Float, F: t.F, I: t.I})
	}
	return name, nil
}

func (c *converter) init(name string, t *onnxTensor) string {
	t.Name = c.fresh(name)
	c.g.Inits = append(c.g.Inits, t)
	return t.Name
}

func (c *converter) constOf(in string) (*Tensor, error) {
	t, ok := c.consts[ref(in)]
	if !ok {
		return nil, fmt.Errorf("input %s must be a constant", in)
	}
	return t, nil
}

func (c *converter) ints(in string) ([]int, error) {
	t, err := c.constOf(in)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(t.I))
	for i, v := range t.I {
		out[i] = int(v)
	}
	if t.Float {
		for _, v := range t.F {
			out = append(out, int(v))
		}
	}
	return out, nil
}

func (c *converter) transpose(x string, perm ...int64) string {
	return c.emit("Transpose", "transpose", []string{x}, attrInts("perm", perm...))
}

func (c *converter) node(n *Node) error {
	name := n.Name
	switch n.Op {
	case "Const":
		t, ok := c.m.Consts[name]
		if !ok {
			return fmt.Errorf("no value in the weights manifest")
		}
		c.consts[name] = t
		c.shape[name] = t.Shape
	case "Placeholder":
		var shape []int
		if a, ok := n.Attr["shape"]; ok && a.Shape != nil {
			for _, d := range a.Shape.Dim {
				v, _ := strconv.Atoi(d.Size)
				shape = append(shape, v)
			}
		}
		if len(shape) != 4 {
			return fmt.Errorf("input shape %v: want four dimensions", shape)
		}
		if shape[0] <= 0 {
			shape[0] = 1
		}
		if c.size > 0 {
			shape[2], shape[3] = c.size, c.size
		}
		c.name[name] = name
		c.shape[name] = shape
		// The network is fully convolutional: height and width are left
		// free, so it runs at any input whose sides the strides divide.
		in := onnxValue{Name: name, Dims: dims64(shape), Params: map[int]string{2: "height", 3: "width"}}
		if c.fixedSize {
			in.Params = nil
		}
		c.g.Inputs = append(c.g.Inputs, in)
	case "Identity":
		in := ref(n.Inputs[0])
		if t, ok := c.consts[in]; ok {
			c.consts[name] = t
		} else {
			c.name[name] = c.name[in]
		}
		c.shape[name] = c.shape[in]
	case "SparseToDense":
		return c.sparseToDense(n)
	case "Add", "AddV2", "BiasAdd":
		return c.add(n)
	case "Conv2D":
		return c.conv(n)
	case "MaxPool":
		return c.maxPool(n)
	case "Pad", "PadV2":
		return c.pad(n)
	case "Transpose":
		perm, err := c.ints(n.Inputs[1])
		if err != nil {
			return err
		}
		x, err := c.input(n.Inputs[0])
		if err != nil {
			return err
		}
		in := c.shape[ref(n.Inputs[0])]
		out := make([]int, len(perm))
		for i, p := range perm {
			out[i] = in[p]
		}
		c.name[name] = c.transpose(x, dims64(perm)...)
		c.shape[name] = out
	case "LeakyRelu":
		x, err := c.input(n.Inputs[0])
		if err != nil {
			return err
		}
		alpha := float32(0.2)
		if a, ok := n.Attr["alpha"]; ok && a.F != nil {
			alpha = float32(*a.F)
		}
		c.name[name] = c.emit("LeakyRelu", name, []string{x}, attrFloat("alpha", alpha))
		c.shape[name] = c.shape[ref(n.Inputs[0])]
	case "Relu", "Sigmoid":
		x, err := c.input(n.Inputs[0])
		if err != nil {
			return err
		}
		c.name[name] = c.emit(n.Op, name, []string{x})
		c.shape[name] = c.shape[ref(n.Inputs[0])]
	case "ConcatV2":
		return c.concat(n)
	case "ResizeBilinear":
		return c.resize(n)
	case "SplitV":
		return c.split(n)
	case "Reshape":
		return c.reshape(n)
	default:
		return fmt.Errorf("operation %s is not supported by the converter", n.Op)
	}
	return nil
}

func (c *converter) sparseToDense(n *Node) error {
	idx, err := c.constOf(n.Inputs[0])
	if err != nil {
		return err
	}
	shape, err := c.ints(n.Inputs[1])
	if err != nil {
		return err
	}
	def, err := c.constOf(n.Inputs[3])
	if err != nil {
		return err
	}
	if idx.Len() != 0 {
		return fmt.Errorf("only an empty set of indices can be folded (got %d)", idx.Len())
	}
	t := &Tensor{Shape: shape, Float: def.Float}
	for range t.Len() {
		if def.Float {
			t.F = append(t.F, def.F[0])
		} else {
			t.I = append(t.I, def.I[0])
		}
	}
	c.consts[n.Name] = t
	c.shape[n.Name] = shape
	return nil
}

func (c *converter) add(n *Node) error {
	a, b := ref(n.Inputs[0]), ref(n.Inputs[1])
	ta, ca := c.consts[a]
	tb, cb := c.consts[b]
	if ca && cb { // constant folding (shapes of reshapes)
		if ta.Len() != tb.Len() && ta.Len() != 1 && tb.Len() != 1 {
			return fmt.Errorf("cannot fold shapes %v and %v", ta.Shape, tb.Shape)
		}
		out := &Tensor{Float: ta.Float, Shape: ta.Shape}
		if tb.Len() > ta.Len() {
			out.Shape = tb.Shape
		}
		for i := range out.Len() {
			ia, ib := min(i, ta.Len()-1), min(i, tb.Len()-1)
			if out.Float {
				out.F = append(out.F, ta.F[ia]+tb.F[ib])
			} else {
				out.I = append(out.I, ta.I[ia]+tb.I[ib])
			}
		}
		c.consts[n.Name] = out
		c.shape[n.Name] = out.Shape
		return nil
	}
	if folded, ok := c.bias[n.Name]; ok { // the convolution took the bias
		c.name[n.Name] = folded
		c.shape[n.Name] = c.shape[a]
		return nil
	}
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	y, err := c.input(n.Inputs[1])
	if err != nil {
		return err
	}
	c.name[n.Name] = c.emit("Add", n.Name, []string{x, y})
	c.shape[n.Name] = broadcast(c.shape[a], c.shape[b])
	return nil
}

func broadcast(a, b []int) []int {
	if len(b) > len(a) {
		a, b = b, a
	}
	out := append([]int{}, a...)
	for i := range b {
		j := len(a) - len(b) + i
		out[j] = max(out[j], b[i])
	}
	return out
}

// samePads is TensorFlow's SAME padding of one dimension: the extra pixel
// at the end.
func samePads(in, k, s, d int) (int, int) {
	eff := (k-1)*d + 1
	out := (in + s - 1) / s
	total := max((out-1)*s+eff-in, 0)
	return total / 2, total - total/2
}

func (c *converter) window(n *Node, in []int, kh, kw int) (pads [4]int, strides, dil [2]int, err error) {
	if f := n.Attr["data_format"].str(); f != "" && f != "NHWC" {
		return pads, strides, dil, fmt.Errorf("data format %s is not supported", f)
	}
	s := n.Attr["strides"].ints()
	strides = [2]int{1, 1}
	if len(s) == 4 {
		strides = [2]int{s[1], s[2]}
	}
	dil = [2]int{1, 1}
	if d := n.Attr["dilations"].ints(); len(d) == 4 {
		dil = [2]int{d[1], d[2]}
	}
	switch p := n.Attr["padding"].str(); p {
	case "VALID":
	case "SAME":
		pads[0], pads[2] = samePads(in[1], kh, strides[0], dil[0])
		pads[1], pads[3] = samePads(in[2], kw, strides[1], dil[1])
	case "EXPLICIT":
		e := n.Attr["explicit_paddings"].ints()
		if len(e) != 8 {
			return pads, strides, dil, fmt.Errorf("explicit paddings %v", e)
		}
		pads = [4]int{e[2], e[4], e[3], e[5]}
	default:
		return pads, strides, dil, fmt.Errorf("padding %q is not supported", p)
	}
	return pads, strides, dil, nil
}

func outSize(in, k, s, d, p0, p1 int) int { return (in+p0+p1-((k-1)*d+1))/s + 1 }

func (c *converter) conv(n *Node) error {
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	f, err := c.constOf(n.Inputs[1])
	if err != nil {
		return err
	}
	in := c.shape[ref(n.Inputs[0])]
	if len(in) != 4 || len(f.Shape) != 4 || !f.Float {
		return fmt.Errorf("input %v, filter %v: want NHWC and HWIO floats", in, f.Shape)
	}
	kh, kw, ci, co := f.Shape[0], f.Shape[1], f.Shape[2], f.Shape[3]
	if ci == 0 || in[3]%ci != 0 {
		return fmt.Errorf("%d input channels do not divide into groups of %d", in[3], ci)
	}
	group := in[3] / ci
	pads, strides, dil, err := c.window(n, in, kh, kw)
	if err != nil {
		return err
	}
	w := make([]float32, len(f.F)) // HWIO → OIHW
	for h := range kh {
		for ww := range kw {
			for i := range ci {
				for o := range co {
					w[((o*ci+i)*kh+h)*kw+ww] = f.F[((h*kw+ww)*ci+i)*co+o]
				}
			}
		}
	}
	inputs := []string{c.transpose(x, 0, 3, 1, 2), c.init(n.Name+"/W", &onnxTensor{Dims: []int64{int64(co), int64(ci), int64(kh), int64(kw)}, Float: true, F: w})}
	// A bias added right after, and read by nothing else, joins the
	// convolution (TensorFlow's BiasAdd pattern).
	var biasNode string
	if c.consumers[n.Name] == 1 {
		for _, m := range c.m.Nodes {
			if (m.Op == "Add" || m.Op == "AddV2" || m.Op == "BiasAdd") && len(m.Inputs) == 2 && ref(m.Inputs[0]) == n.Name {
				b := c.m.Consts[ref(m.Inputs[1])]
				if b == nil {
					if bn := c.m.ByName[ref(m.Inputs[1])]; bn != nil && bn.Op == "Const" {
						b = c.m.Consts[bn.Name]
					}
				}
				if b != nil && b.Float && b.Len() == co && b.Shape[len(b.Shape)-1] == co {
					inputs = append(inputs, c.init(n.Name+"/B", &onnxTensor{Dims: []int64{int64(co)}, Float: true, F: b.F}))
					biasNode = m.Name
				}
			}
		}
	}
	y := c.emit("Conv", n.Name, inputs,
		attrInts("kernel_shape", int64(kh), int64(kw)), attrInts("strides", int64(strides[0]), int64(strides[1])),
		attrInts("dilations", int64(dil[0]), int64(dil[1])),
		attrInts("pads", int64(pads[0]), int64(pads[1]), int64(pads[2]), int64(pads[3])), attrInt("group", int64(group)))
	back := c.transpose(y, 0, 2, 3, 1)
	c.name[n.Name] = back
	c.shape[n.Name] = []int{in[0], outSize(in[1], kh, strides[0], dil[0], pads[0], pads[2]), outSize(in[2], kw, strides[1], dil[1], pads[1], pads[3]), co}
	if biasNode != "" {
		c.bias[biasNode] = back
	}
	return nil
}

func (c *converter) maxPool(n *Node) error {
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	in := c.shape[ref(n.Inputs[0])]
	k := n.Attr["ksize"].ints()
	if len(k) != 4 {
		return fmt.Errorf("ksize %v", k)
	}
	pads, strides, _, err := c.window(n, in, k[1], k[2])
	if err != nil {
		return err
	}
	y := c.emit("MaxPool", n.Name, []string{c.transpose(x, 0, 3, 1, 2)},
		attrInts("kernel_shape", int64(k[1]), int64(k[2])), attrInts("strides", int64(strides[0]), int64(strides[1])),
		attrInts("pads", int64(pads[0]), int64(pads[1]), int64(pads[2]), int64(pads[3])))
	c.name[n.Name] = c.transpose(y, 0, 2, 3, 1)
	c.shape[n.Name] = []int{in[0], outSize(in[1], k[1], strides[0], 1, pads[0], pads[2]), outSize(in[2], k[2], strides[1], 1, pads[1], pads[3]), in[3]}
	return nil
}

func (c *converter) pad(n *Node) error {
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	p, err := c.ints(n.Inputs[1])
	if err != nil {
		return err
	}
	in := c.shape[ref(n.Inputs[0])]
	if len(p) != 2*len(in) {
		return fmt.Errorf("paddings %v for a tensor of rank %d", p, len(in))
	}
	pads := make([]int64, 2*len(in))
	out := make([]int, len(in))
	for i := range in {
		pads[i], pads[len(in)+i] = int64(p[2*i]), int64(p[2*i+1])
		out[i] = in[i] + p[2*i] + p[2*i+1]
	}
	value := float32(0)
	if n.Op == "PadV2" && len(n.Inputs) > 2 {
		v, err := c.constOf(n.Inputs[2])
		if err != nil {
			return err
		}
		if v.Float && len(v.F) > 0 {
			value = v.F[0]
		}
	}
	inputs := []string{x, c.init(n.Name+"/pads", &onnxTensor{Dims: []int64{int64(len(pads))}, I: pads})}
	if value != 0 {
		inputs = append(inputs, c.init(n.Name+"/value", &onnxTensor{Float: true, F: []float32{value}}))
	}
	c.name[n.Name] = c.emit("Pad", n.Name, inputs, attrString("mode", "constant"))
	c.shape[n.Name] = out
	return nil
}

func (c *converter) concat(n *Node) error {
	last := len(n.Inputs) - 1
	ax, err := c.ints(n.Inputs[last])
	if err != nil || len(ax) != 1 {
		return fmt.Errorf("axis: %v", err)
	}
	var ins []string
	var out []int
	axis := ax[0]
	for i, in := range n.Inputs[:last] {
		x, err := c.input(in)
		if err != nil {
			return err
		}
		ins = append(ins, x)
		s := c.shape[ref(in)]
		if axis < 0 {
			axis += len(s)
		}
		if i == 0 {
			out = append([]int{}, s...)
		} else {
			out[axis] += s[axis]
		}
	}
	c.name[n.Name] = c.emit("Concat", n.Name, ins, attrInt("axis", int64(axis)))
	c.shape[n.Name] = out
	return nil
}

func (c *converter) resize(n *Node) error {
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	size, err := c.ints(n.Inputs[1])
	if err != nil || len(size) != 2 {
		return fmt.Errorf("size: %v %v", size, err)
	}
	in := c.shape[ref(n.Inputs[0])]
	sc := [2]float64{float64(size[0]) / float64(in[1]), float64(size[1]) / float64(in[2])}
	c.scales[n.Name] = sc
	if f, ok := c.fixed[n.Name]; ok {
		sc = f
	}
	mode := "asymmetric"
	switch {
	case n.Attr["align_corners"].B != nil && *n.Attr["align_corners"].B:
		mode = "align_corners"
	case n.Attr["half_pixel_centers"].B != nil && *n.Attr["half_pixel_centers"].B:
		mode = "half_pixel"
	}
	roi := c.init(n.Name+"/roi", &onnxTensor{Dims: []int64{0}, Float: true})
	scales := c.init(n.Name+"/scales", &onnxTensor{Dims: []int64{4}, Float: true, F: []float32{1, 1, float32(sc[0]), float32(sc[1])}})
	y := c.emit("Resize", n.Name, []string{c.transpose(x, 0, 3, 1, 2), roi, scales},
		attrString("mode", "linear"), attrString("coordinate_transformation_mode", mode))
	c.name[n.Name] = c.transpose(y, 0, 2, 3, 1)
	c.shape[n.Name] = []int{in[0], int(math.Floor(float64(in[1]) * sc[0])), int(math.Floor(float64(in[2]) * sc[1])), in[3]}
	return nil
}

func (c *converter) split(n *Node) error {
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	sizes, err := c.ints(n.Inputs[1])
	if err != nil {
		return err
	}
	ax, err := c.ints(n.Inputs[2])
	if err != nil || len(ax) != 1 {
		return fmt.Errorf("split axis: %v", err)
	}
	in := c.shape[ref(n.Inputs[0])]
	axis := ax[0]
	if axis < 0 {
		axis += len(in)
	}
	rest := in[axis]
	for _, s := range sizes {
		if s >= 0 {
			rest -= s
		}
	}
	var outs []string
	split := make([]int64, len(sizes))
	for i, s := range sizes {
		if s < 0 {
			s = rest
		}
		split[i] = int64(s)
		r := n.Name
		if i > 0 {
			r = n.Name + ":" + strconv.Itoa(i)
		}
		o := c.fresh(r)
		outs = append(outs, o)
		c.name[r] = o
		sh := append([]int{}, in...)
		sh[axis] = s
		c.shape[r] = sh
	}
	c.g.Nodes = append(c.g.Nodes, &onnxNode{Op: "Split", Name: c.fresh(n.Name), Inputs: []string{x}, Outputs: outs,
		Attrs: []onnxAttr{attrInt("axis", int64(axis)), attrInts("split", split...)}})
	return nil
}

func (c *converter) reshape(n *Node) error {
	x, err := c.input(n.Inputs[0])
	if err != nil {
		return err
	}
	shape, err := c.ints(n.Inputs[1])
	if err != nil {
		return err
	}
	in := c.shape[ref(n.Inputs[0])]
	total := 1
	for _, d := range in {
		total *= d
	}
	out := append([]int{}, shape...)
	known, free := 1, -1
	for i, d := range out {
		switch {
		case d == -1:
			free = i
		case d == 0:
			out[i] = in[i]
			known *= in[i]
		default:
			known *= d
		}
	}
	if free >= 0 && known > 0 {
		out[free] = total / known
	}
	c.name[n.Name] = c.emit("Reshape", n.Name, []string{x, c.init(n.Name+"/shape", &onnxTensor{Dims: []int64{int64(len(shape))}, I: dims64(shape)})})
	c.shape[n.Name] = out
	return nil
}

func dims64(d []int) []int64 {
	out := make([]int64, len(d))
	for i, v := range d {
		out[i] = int64(v)
	}
	return out
}
