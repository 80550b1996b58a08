package tfjs

// simplify rewrites the converted graph without changing what it computes:
// consecutive transposes merge (and vanish where they undo each other), a
// zero Pad read only by a Conv becomes the Conv's padding, and whatever no
// output needs is dropped.
func (c *converter) simplify() {
	g := c.g
	for changed := true; changed; {
		changed = false
		producer := map[string]*onnxNode{}
		uses := map[string]int{}
		for _, n := range g.Nodes {
			for _, o := range n.Outputs {
				producer[o] = n
			}
			for _, in := range n.Inputs {
				uses[in]++
			}
		}
		rename := map[string]string{}
		for _, n := range g.Nodes {
			switch n.Op {
			case "Transpose":
				p := producer[n.Inputs[0]]
				if p == nil || p.Op != "Transpose" {
					continue
				}
				p1, p2 := perm(p), perm(n)
				if len(p1) != len(p2) {
					continue
				}
				q := make([]int64, len(p2))
				identity := true
				for j := range p2 {
					q[j] = p1[p2[j]]
					identity = identity && q[j] == int64(j)
				}
				if identity {
					rename[n.Outputs[0]] = p.Inputs[0]
				} else {
					n.Inputs[0] = p.Inputs[0]
					n.Attrs = []onnxAttr{attrInts("perm", q...)}
				}
				changed = true
			case "Conv":
				p := producer[n.Inputs[0]]
				if p == nil || p.Op != "Pad" || len(p.Inputs) > 2 || uses[p.Outputs[0]] != 1 {
					continue
				}
				pads := c.initInts(p.Inputs[1])
				if len(pads) != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 {
					continue
				}
				for i, a := range n.Attrs {
					if a.Name == "pads" {
						n.Attrs[i] = attrInts("pads", a.Ints[0]+pads[2], a.Ints[1]+pads[3], a.Ints[2]+pads[6], a.Ints[3]+pads[7])
					}
				}
				n.Inputs[0] = p.Inputs[0]
				changed = true
			}
		}
		if len(rename) > 0 {
			for _, n := range g.Nodes {
				for i, in := range n.Inputs {
					for {
						to, ok := rename[in]
						if !ok {
							break
						}
						in = to
					}
					n.Inputs[i] = in
				}
			}
		}
		if c.prune() {
			changed = true
		}
	}
}

// prune drops nodes and initializers no output depends on; it reports
// whether it dropped any node.
func (c *converter) prune() bool {
	g := c.g
	producer := map[string]*onnxNode{}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			producer[o] = n
		}
	}
	live := map[*onnxNode]bool{}
	needed := map[string]bool{}
	var mark func(t string)
	mark = func(t string) {
		if needed[t] {
			return
		}
		needed[t] = true
		if n := producer[t]; n != nil && !live[n] {
			live[n] = true
			for _, in := range n.Inputs {
				mark(in)
			}
		}
	}
	for _, o := range g.Outputs {
		mark(o.Name)
	}
	var nodes []*onnxNode
	for _, n := range g.Nodes {
		if live[n] {
			nodes = append(nodes, n)
		}
	}
	dropped := len(nodes) != len(g.Nodes)
	g.Nodes = nodes
	var inits []*onnxTensor
	for _, t := range g.Inits {
		if needed[t.Name] {
			inits = append(inits, t)
		}
	}
	g.Inits = inits
	return dropped
}

func perm(n *onnxNode) []int64 {
	for _, a := range n.Attrs {
		if a.Name == "perm" {
			return a.Ints
		}
	}
	return nil
}

func (c *converter) initInts(name string) []int64 {
	for _, t := range c.g.Inits {
		if t.Name == name && !t.Float {
			return t.I
		}
	}
	return nil
}
