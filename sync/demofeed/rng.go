package demofeed

import "math"

// rng is a small deterministic generator (SplitMix64). Every figure of the
// demo chain comes from an rng keyed by (seed, what, store, day), so any page
// can be generated on its own, in any order, and always the same.
type rng struct{ s uint64 }

// mix folds the parts of a key into one well-spread 64-bit state.
func mix(parts ...uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, p := range parts {
		h ^= p + 0x9E3779B97F4A7C15 + (h << 6) + (h >> 2)
		h = splitmix(h)
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	z := x
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func newRNG(parts ...uint64) *rng { return &rng{s: mix(parts...)} }

func (r *rng) u64() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.u64()>>11) / (1 << 53) }

// intn returns a number in [0, n).
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.u64() % uint64(n))
}

// between returns a number in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// norm returns a standard normal deviate (Box–Muller, one of the pair).
func (r *rng) norm() float64 {
	u := r.float()
	if u < 1e-12 {
		u = 1e-12
	}
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// poisson draws a Poisson count with mean lambda: exact for small means,
// normal approximation above 30 (indistinguishable at those sizes).
func (r *rng) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		v := math.Round(lambda + math.Sqrt(lambda)*r.norm())
		if v < 0 {
			return 0
		}
		return int(v)
	}
	l := math.Exp(-lambda)
	k, p := 0, 1.0
	for {
		p *= r.float()
		if p <= l {
			return k
		}
		k++
	}
}

// binomial draws successes of n trials of probability p.
func (r *rng) binomial(n int, p float64) int {
	if n <= 0 || p <= 0 {
		return 0
	}
	if p >= 1 {
		return n
	}
	if n > 40 {
		mean := float64(n) * p
		v := math.Round(mean + math.Sqrt(mean*(1-p))*r.norm())
		return int(math.Max(0, math.Min(float64(n), v)))
	}
	k := 0
	for i := 0; i < n; i++ {
		if r.float() < p {
			k++
		}
	}
	return k
}

// pick returns an index chosen with the given weights.
func (r *rng) pick(weights []float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	x := r.float() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
