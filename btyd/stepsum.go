package btyd

// This file implements the sums by which Values and ValueIntervals value
// an alive customer over a horizon's steps, in work that grows with the
// logarithm of the steps, not with their square.
//
// With steps of length δ ending at t_k = kδ (k < K) and t_K = min(Kδ, H),
// and discount factors w_k = e^{−ρ t_k}, a valuation needs, for each
// distinct (x, T), the customer's purchases E(H) and their discounted sum
//
//	D = Σ_{k=1}^{K} w_k (E(t_k) − E(t_{k−1})),
//
// where E(t) is the alive customer's expected purchases in the next t.
// Summing E at every step end costs, for BG/NBD and MBG/NBD, a
// hypergeometric series whose length grows like t/(α + T): the whole sum
// grows with K², and 52,000 weekly steps on the CDNOW sample would take
// hours. Instead each increment is the integral of the purchase rate,
//
//	E(t_k) − E(t_{k−1}) = ∫_{t_{k−1}}^{t_k} E′(t) dt,  E′(t) = scale · f(t),
//
// whose integrand is positive, so increments carry their own digits
// rather than those of a difference, and f is followed from step to step
// by its Taylor series, which its differential equation gives term by
// term. One series covers a block of J = 2^i steps at once: if f(t_0 + s)
// = Σ_n c_n s^n over a block of length σ = Jδ from t_0 = Pδ, then
//
//	Σ_{j=1}^{J} w_{P+j} (E(t_0 + jσ/J) − E(t_0 + (j−1)σ/J))
//	    = scale · w_P · σ Σ_n c_n σ^n M_J[n] / (n + 1),
//	M_J[n] = Σ_{j=1}^{J} q^j ((j/J)^{n+1} − ((j−1)/J)^{n+1})
//	       = q^J + (1 − q) Σ_{j=1}^{J−1} q^j (j/J)^{n+1},  q = e^{−ρδ},
//
// where the table M, all positive terms, is computed once a valuation, in
// work proportional to the steps, and shared by every customer. Blocks grow
// in proportion to t_0, so the number a customer takes grows with log K:
// on the CDNOW sample, some 20 a history over 1,000 weekly steps and 35
// over 52,000 (100 for its heaviest buyers), of a few dozen terms each.
//
// # The functions
//
// Given λ ~ Gamma(r′, α′) and p ~ Beta(a, b′) (BG/NBD: r′ = r + x,
// α′ = α + T, b′ = b + x; MBG/NBD: b′ = b + x + 1), an alive customer
// buys at rate λ e^{−λpt} at t (the derivative of (1 − e^{−λpt})/p), and
// E_λ[λ e^{−λpt}] = (r′/α′)(1 + pt/α′)^{−(r′+1)}, so that by Euler's
// integral
//
//	E′(t) = (r′/α′) f(t),  f(t) = E_p[(1 + pt/α′)^{−(r′+1)}] = ₂F₁(r′ + 1, a; a + b′; −t/α′),
//
// the derivative of Fader, Hardie and Lee's (2005, eq. 10) alive
// expectation, which hypergeo.go sums. For Pareto/NBD (Schmittlein,
// Morrison and Colombo 1987; FHL 2005, eq. 19),
//
//	E′(t) = (r′/α′) f(t),  f(t) = (1 + t/β′)^{−s},  β′ = β + T.
//
// Both f are completely monotone in t: (−1)^n f^{(n)} ≥ 0. So the Taylor
// coefficients about t_0 alternate in sign, and Σ_n |c_n| σ^n = f(t_0 − σ),
// Σ_n n |c_n| σ^n = −σ f′(t_0 − σ): the sums of the absolute terms are
// known in advance wherever f was followed before.
//
// # The series
//
// Pareto/NBD's f satisfies (β′ + t) f′ + s f = 0: about t_0,
//
//	c_{n+1} = −c_n (n + s) / ((n + 1)(β′ + t_0)),
//
// and BG/NBD's f at t_0 = 0 is the hypergeometric series,
//
//	c_{n+1} = −c_n (n + m)(n + a) / ((n + 1)(n + c) α′),  m = r′ + 1, c = a + b′.
//
// Both bound the ratio of later terms, so their tails are bounded
// rigorously, as in hypergeo.go. At t_0 > 0, BG/NBD's f satisfies
// Gauss's equation in t,
//
//	t(α′ + t) f″ + (c α′ + (m + a + 1) t) f′ + m a f = 0,
//
// whose Taylor coefficients about t_0 follow the three-term recurrence
//
//	c_{n+2} = −[(n + 1)((α′ + 2t_0) n + c α′ + (m + a + 1) t_0) c_{n+1} + (n + m)(n + a) c_n]
//	          / ((n + 1)(n + 2) t_0 (α′ + t_0)),
//
// started from f(t_0) and f′(t_0). Its other solution, singular at t = 0,
// makes the recurrence amplify rounding errors like e^{sσ/t_0}, where s is
// max(|c − 1|, |m − a|) (t^{1−c} near 0, t^{−m} against f's t^{−a} far
// out), and a tail can hide beyond terms that have become small. Both are
// caught by the sums known in advance: a block is accepted only when its
// absolute terms add up to f(t_0 − σ) and −σ f′(t_0 − σ), which the
// previous blocks gave, to within 10^−12. So σ ≤ t_0/2, and no more than
// 4 t_0/s, and t_0 − σ is where an earlier block ended or lies within the
// previous block, whose series gives f there.
//
// # Accuracy and failure
//
// Every block is accepted only if its series converged to 10^−17, by the
// bounds or the known sums, and its cancellation, Σ|terms|/|Σ terms|, is
// below 64 in each sum: each block then carries some 14 digits, the state
// f, f′ it hands on as many, and the whole sum, after a hundred blocks,
// 12 or more. The tests hold it within 10^−10 of the step-by-step sum for
// parameters from 10^−2 to 10^2 and x up to 10^4 (5·10^−13 at most
// seen), of the same on the CDNOW sample over 52,000 weekly steps
// (5·10^−14), and of a 320-bit evaluation for parameters from 10^−10 to
// 10^4 (2·10^−14), where the steps' float64 series themselves lose up to
// 2·10^−9. A block that fails is halved; a sum that needs more attempts
// than its budget, or a block below 2^−40 of its position, gives up, and
// Values sums step by step as before. The steps' rest is dropped once
// f(t_0)(H − t_0), a bound on the purchases still to come, is below
// 10^−17 of those already counted, discounted and not.
//
// Heavy buyers make s large, so their blocks are short; but their
// step-by-step series are short too (hypergeo.go's first series falls
// like n^{a−r−2}). stepGrid.plan estimates both costs and picks the lower,
// so no customer costs much more than it did step by step.

import "math"

// An aliveRate is the purchase rate of an alive customer with x repeat
// purchases observed for T: E′(t) = scale · f(t), with
//
//	f(t) = ₂F₁(m, a; c; −t/α) = E_p[(1 + pt/α)^{−m}],  p ~ Beta(a, c − a)   (hyper)
//	f(t) = (1 + t/α)^{−m}                                                   (Pareto/NBD, α = β + T, m = s)
//
// the derivative in t of the model's aliveExpectation, as the file's
// header derives it. It is exact: its fields are the model's parameters
// updated by x and T.
type aliveRate struct {
	scale   float64 // E′(0) = (r + x)/(α + T)
	hyper   bool
	m, a, c float64
	alpha   float64
}

// slope returns f′(0): −m a/(c α) for the hypergeometric f (the first
// term of its series), −m/α for the power.
func (r aliveRate) slope() float64 {
	if r.hyper {
		return -r.m * r.a / (r.c * r.alpha)
	}
	return -r.m / r.alpha
}

// stiffness returns s, the rate, relative to 1/t, at which the other
// solution of the hypergeometric f's differential equation parts from f:
// max(|c − 1|, |m − a|, 1), as the file's header explains. (The power's
// equation is of the first order and has no other solution.)
func (r aliveRate) stiffness() float64 {
	return max(math.Abs(r.c-1), math.Abs(r.m-r.a), 1)
}

// The bounds of the block sums.
const (
	// maxBlockTerms bounds the terms of one block's series.
	maxBlockTerms = 96
	// blockLoss bounds a block's cancellation, Σ|terms| / |Σ terms|, in
	// each of its sums: some 2 of the 16 digits of a float64 at worst.
	blockLoss = 64
	// blockAgreement is how closely a three-term block's absolute terms
	// must add up to the values known in advance, f(t_0 − σ) and
	// −σ f′(t_0 − σ): above the rounding those values carry from earlier
	// blocks, below the accuracy the sums promise.
	blockAgreement = 1e-12
	// blockReach bounds a block, relative to the distance over which f,
	// or the other solution of its equation, changes by a factor e: 4 of
	// them amplify rounding by e^4 in a three-term block, and 2 keep a
	// two-term block's cancellation below blockLoss.
	blockReach = 4
	// blockShortest is the shortest block, relative to its start, that a
	// sum tries before it gives up.
	blockShortest = 0x1p-40
	// maxBlockAttempts bounds the block attempts of one sum, some 40 ms,
	// for parameters so extreme (a or b beyond 10^4) that the steps'
	// series would not converge either.
	maxBlockAttempts = 1 << 18
)

// A stepGrid holds the steps of a valuation, in the model's unit, with
// the discount factors of their ends and the table M of the file's
// header. It is read-only once built, and shared by the goroutines of a
// valuation.
type stepGrid struct {
	delta    float64     // δ, the length of a step
	whole    int         // K − 1: the steps ending at kδ, k = 1 … K − 1
	last     float64     // t_K = min(Kδ, H), the end of the last step
	discount []float64   // w_k = e^{−ρ t_k}, k = 1 … K, at k − 1
	moments  [][]float64 // M_J[n] for J = 2^i at i, n < maxBlockTerms
}

// newStepGrid returns the grid of K = len(discount) steps of length delta,
// the last ending at last, discounted at rate per unit of time (ln(1 + d)
// per unit of the model). It builds the table M from the sums
//
//	A_J[k] = Σ_{i=0}^{J−1} q^i (i/J)^k,  M_J[n] = q^J + (1 − q) A_J[n + 1],
//
// doubling J from A_1[k] = [k = 0] by
//
//	A_{2J}[k] = 2^{−k} (A_J[k] + q^J Σ_{l=0}^{k} C(k, l) A_J[l]),
//
// which splits the sum at i = J and expands (1 + i/J)^k: every term is
// positive, each level costs maxBlockTerms² operations, and the table
// carries some 14 digits after the 16 levels of 52,000 steps (a test
// checks it against the sums term by term).
func newStepGrid(delta, last, rate float64, discount []float64) *stepGrid {
	g := &stepGrid{delta: delta, whole: len(discount) - 1, last: last, discount: discount}
	if g.whole < 1 {
		return g
	}
	oneMinusQ := -math.Expm1(-rate * delta)
	var A, next [maxBlockTerms + 1]float64
	A[0] = 1
	for J := 1; J <= g.whole; J *= 2 {
		qJ := math.Exp(-rate * delta * float64(J))
		m := make([]float64, maxBlockTerms)
		for n := range m {
			m[n] = qJ + oneMinusQ*A[n+1]
		}
		g.moments = append(g.moments, m)
		for k := range A {
			var sum float64
			c := 1.0 // C(k, l)
			for l := 0; l <= k; l++ {
				sum += c * A[l]
				c = c * float64(k-l) / float64(l+1)
			}
			next[k] = math.Ldexp(A[k]+qJ*sum, -k)
		}
		A = next
	}
	return g
}

// weight returns w_k, the discount factor of step k's end; w_0 = 1.
func (g *stepGrid) weight(k int) float64 {
	if k == 0 {
		return 1
	}
	return g.discount[k-1]
}

// plan estimates the cost of summing r over the grid block by block and
// step by step, and returns whether blocks are the cheaper, with a budget
// of block attempts: four times their estimate and 64 more, at most
// maxBlockAttempts, so that a sum that gives up has cost at most a few
// times its estimate before the steps take over.
//
// The blocks start within the horizon's first half, each adds a share of
// its start (of β + T + t_0 for the power) as stepper.choose allows, and
// power-of-two lengths lose half a block in three. Costs are counted in
// terms of hypergeo.go's first series (some 2 ns): a block costs some 135
// (its recurrence with five sums, and its bookkeeping); a step costs some
// 150 for the series' logarithms and exponentials and half its terms at
// the horizon (n^{a−r−2} z^n down to 10^−17), or some 15 for Pareto/NBD's
// closed form, as timed on the CDNOW sample. A wrong estimate costs time,
// never accuracy.
func (g *stepGrid) plan(r aliveRate) (budget int, blocks bool) {
	steps := float64(g.whole + 1)
	var reach float64
	if r.hyper {
		first := min(r.alpha*min(0.5, blockReach/2*r.c/(r.m*r.a)), g.last/2)
		reach = math.Log1p(g.last/first) / math.Log1p(min(0.5, blockReach/r.stiffness()))
	} else {
		first := min(r.alpha, g.last/2)
		reach = math.Log1p(g.last/first) / math.Log1p(min(0.5, blockReach/2/r.m))
	}
	estimate := 1.5*reach + 4
	byBlocks := 135 * estimate
	bySteps := 15 * steps
	if r.hyper {
		z := g.last / (r.alpha + g.last)
		geometric := 40 / -math.Log(z)
		heavy := math.Exp(40 / max(r.m+1-r.a, 0.5))
		bySteps = steps * (150 + min(geometric, heavy)/2)
	}
	if !(byBlocks < bySteps) || estimate > maxBlockAttempts {
		return 0, false
	}
	return min(int(4*estimate)+64, maxBlockAttempts), true
}

// A blockMark is f and f′ where a block ended, pos steps from 0.
type blockMark struct{ pos, f, d float64 }

// A blockResult is what one block gives: f and f′ at its end, and the
// integrals of f over it, plain and weighted by M_J (plain for a block
// within one step).
type blockResult struct{ f, d, plain, weighted float64 }

// A stepper follows f block by block: the series of the block being
// summed, that of the previous block (to give f within it), and the ends
// of the earlier blocks.
type stepper struct {
	rate      aliveRate
	cur, prev [maxBlockTerms]float64
	prevTerms int
	prevStart float64 // in steps
	prevLen   float64 // in steps
	marks     []blockMark
}

// sum returns ∫_0^H f and Σ_k w_k ∫_{t_{k−1}}^{t_k} f over the grid, the
// purchases and discounted purchases of an alive customer divided by
// r.scale, and the block attempts it took. It reports false if it gave
// up: more than budget attempts, or a block too short.
func (g *stepGrid) sum(r aliveRate, budget int) (plain, weighted float64, attempts int, ok bool) {
	s := stepper{rate: r, marks: make([]blockMark, 0, 64)}
	end := g.last / g.delta // in steps; in (K − 1, K]
	P, f, d := 0.0, 1.0, r.slope()
	s.marks = append(s.marks, blockMark{0, f, d})
	var pending float64 // ∫ f over the part of the current step done
	for P < end {
		t0 := P * g.delta
		// The purchases still to come are at most f(t_0)(H − t_0), as f
		// falls, and each is discounted by at most the weight of the
		// current step's end.
		k := int(math.Floor(P)) + 1
		w := g.weight(min(k, g.whole+1))
		rest := f * (g.last - t0)
		if rest <= seriesTolerance*plain && w*rest <= seriesTolerance*(weighted+w*pending) {
			break
		}

		h, final := s.choose(g, P, end, f, d)
		var res blockResult
		for {
			// A three-term block needs f and f′ at t_0 − σ: the longest
			// block no longer than h that finds them. The previous
			// block's length or less always does.
			var back blockMark
			for found := !r.hyper || P == 0; !found; {
				if back, found = s.backPoint(P, h, g.delta); !found {
					h, final = max(pow2Floor(h/2), s.prevLen), false
				}
			}
			attempts++
			if attempts > budget || h < blockShortest*max(P, 1) {
				return 0, 0, attempts, false
			}
			var mom []float64
			if h >= 1 && !final {
				mom = g.moments[log2(h)]
			}
			sigma := h * g.delta
			if final {
				sigma = g.last - t0
			}
			var good bool
			if res, good = s.block(t0, f, d, sigma, mom, back); good {
				break
			}
			h, final = pow2Floor(h/2), false
		}
		// Count the block: a whole number of steps with its weights, a
		// part of one step into pending.
		plain += res.plain
		if h >= 1 && !final {
			weighted += g.weight(int(P)) * res.weighted
			pending = 0
		} else {
			pending += res.plain
		}
		s.accept(P, h)
		if final {
			P = end
		} else {
			P += h
		}
		f, d = res.f, res.d
		s.marks = append(s.marks, blockMark{P, f, d})
		if P == math.Floor(P) && P <= float64(g.whole) && pending != 0 {
			weighted += g.weight(int(P)) * pending
			pending = 0
		}
	}
	if pending != 0 {
		k := min(int(math.Floor(P))+1, g.whole+1)
		if P == end {
			k = g.whole + 1
		}
		weighted += g.weight(k) * pending
	}
	return plain, weighted, attempts, true
}

// log2 returns i for h = 2^i, h ≥ 1.
func log2(h float64) int {
	_, e := math.Frexp(h)
	return e - 1
}

// pow2Floor returns the largest power of two at most v > 0.
func pow2Floor(v float64) float64 {
	frac, e := math.Frexp(v)
	if frac == 0.5 {
		return v
	}
	return math.Ldexp(0.5, e)
}

// choose returns the length h, in steps, of the block from P and whether
// it is the final block, ending at the horizon: the longest power of two
// within the block's reach (see the file's header) that keeps to the
// grid. A whole number of steps from a step's end stops at the last whole
// step; a part of a step divides its position, so that parts tile each
// step; in the last step, a block that reaches the horizon ends there.
func (s *stepper) choose(g *stepGrid, P, end, f, d float64) (h float64, final bool) {
	r := &s.rate
	t0 := P * g.delta
	var reach float64 // in the model's unit
	switch {
	case !r.hyper:
		reach = (r.alpha + t0) * min(0.5, blockReach/2/r.m)
	case P == 0:
		reach = r.alpha * min(0.5, blockReach/2*r.c/(r.m*r.a))
	default:
		reach = t0 * min(0.5, blockReach/r.stiffness())
	}
	// f's own decay: f(t_0 − σ)/f(t_0 + σ) ≥ e^{2σ|f′/f|}.
	if d != 0 {
		reach = min(reach, blockReach/2*f/-d)
	}
	h = pow2Floor(reach / g.delta)
	whole := float64(g.whole)
	switch {
	case P >= whole:
		if h >= end-P {
			return end - P, true
		}
	case P == math.Floor(P):
		h = min(h, pow2Floor(whole-P))
	default:
		h = min(h, lowBit(P-math.Floor(P)))
	}
	return h, false
}

// lowBit returns the largest power of two that divides v, a positive
// dyadic fraction: 0.375 → 0.125.
func lowBit(v float64) float64 {
	frac, e := math.Frexp(v) // v = frac 2^e, frac in [½, 1)
	m := uint64(frac * (1 << 53))
	return math.Ldexp(float64(m&-m), e-53)
}

// backPoint returns f and f′ at P − h, in steps, for a block of h steps
// from P: from the previous block's series if P − h lies within it, or
// from a mark where an earlier block ended. It reports false if neither
// has it.
func (s *stepper) backPoint(P, h, delta float64) (blockMark, bool) {
	at := P - h
	if at >= s.prevStart-1e-9*s.prevLen && at < P {
		u := max(0, (at-s.prevStart)/s.prevLen)
		var f, d float64
		pw, pwm := 1.0, 0.0 // u^n, u^(n−1)
		for n := range s.prevTerms {
			f += s.prev[n] * pw
			d += float64(n) * s.prev[n] * pwm
			pwm, pw = pw, pw*u
		}
		return blockMark{at, f, d / (s.prevLen * delta)}, true
	}
	for i := len(s.marks) - 1; i >= 0 && s.marks[i].pos >= at; i-- {
		if s.marks[i].pos == at {
			return s.marks[i], true
		}
	}
	return blockMark{}, false
}

// accept makes the block just summed, of h steps from P, the previous
// block.
func (s *stepper) accept(P, h float64) {
	s.prev, s.prevStart, s.prevLen = s.cur, P, h
}

// block sums f's series about t0, where f = f0 and f′ = d0, over sigma:
// f and f′ at t0 + sigma, ∫ f over the block, and the same with the
// weights mom (M_J of the file's header; nil within one step). back is f
// and f′ at t0 − sigma, which a three-term block must match. It reports
// false if the series did not converge within maxBlockTerms, its absolute
// terms did not match back, or it cancelled more than blockLoss.
func (s *stepper) block(t0, f0, d0, sigma float64, mom []float64, back blockMark) (blockResult, bool) {
	r := &s.rate
	T := &s.cur
	three := r.hyper && t0 > 0
	var x, p1, q0, g2 float64
	switch {
	case !r.hyper:
		x = sigma / (r.alpha + t0)
	case !three:
		x = sigma / r.alpha
	default:
		g1 := sigma / (t0 * (r.alpha + t0))
		g2 = sigma * g1
		p1 = (r.alpha + 2*t0) * g1
		q0 = (r.c*r.alpha + (r.m+r.a+1)*t0) * g1
		T[1] = d0 * sigma
	}
	T[0] = f0
	var sF, sD, sI, sW, aF, aD, aI, aW float64
	for n := 0; n < maxBlockTerms-2; n++ {
		v, fn := T[n], float64(n)
		mw := 1.0
		if mom != nil {
			mw = mom[n]
		}
		av := math.Abs(v)
		sF += v
		sD += fn * v
		sI += v / (fn + 1)
		sW += v * mw / (fn + 1)
		aF += av
		aD += fn * av
		aI += av / (fn + 1)
		aW += av * mw / (fn + 1)

		if three {
			T[n+2] = -((fn+1)*(p1*fn+q0)*T[n+1] + (fn+r.m)*(fn+r.a)*g2*v) / ((fn + 1) * (fn + 2))
			next := math.Abs(T[n+1]) + math.Abs(T[n+2])
			if n < 1 || next > seriesTolerance*math.Abs(sF) || (fn+2)*next > seriesTolerance*math.Abs(sD) {
				continue
			}
			// The terms left are negligible, unless a hump of them lies
			// beyond: the absolute terms must add up to f(t0 − σ) and
			// −σ f′(t0 − σ).
			V, W := back.f, -back.d*sigma
			switch {
			case aF < V*(1-blockAgreement) || aD < W*(1-blockAgreement):
				continue
			case aF > V*(1+blockAgreement) || aD > W*(1+blockAgreement):
				return blockResult{}, false
			}
			return s.finish(n+1, sigma, sF, sD, sI, sW, aF, aD, aI, aW)
		}

		// Two terms: the ratio of |T_{k+1}/T_k| for k ≥ N = n + 1 is at
		// most b, each factor being monotone in k.
		var ratio float64
		N := fn + 1
		b := x * max(1, (N+r.m)/(N+1))
		if r.hyper {
			ratio = (fn + r.m) * (fn + r.a) / ((fn + 1) * (fn + r.c))
			b *= max(1, (N+r.a)/(N+r.c))
		} else {
			ratio = (fn + r.m) / (fn + 1)
		}
		T[n+1] = -v * ratio * x
		if b >= 1 {
			continue
		}
		tail := math.Abs(T[n+1]) / (1 - b)
		tailD := math.Abs(T[n+1]) * (N/(1-b) + b/((1-b)*(1-b)))
		mN := 1.0
		if mom != nil {
			mN = mom[n+1]
		}
		if tail <= seriesTolerance*math.Abs(sF) && tailD <= seriesTolerance*math.Abs(sD) &&
			tail/(N+1) <= seriesTolerance*math.Abs(sI) && mN*tail/(N+1) <= seriesTolerance*math.Abs(sW) {
			return s.finish(n+1, sigma, sF, sD, sI, sW, aF, aD, aI, aW)
		}
	}
	return blockResult{}, false
}

// finish returns a block's results from its sums and absolute sums, if
// each has the sign f's complete monotonicity gives it and cancelled
// less than blockLoss; terms is the number of terms summed. The weighted
// sum may be 0, where the discount factors underflow.
func (s *stepper) finish(terms int, sigma, sF, sD, sI, sW, aF, aD, aI, aW float64) (blockResult, bool) {
	if !(sF > 0 && sD < 0 && sI > 0 && sW >= 0) ||
		aF > blockLoss*sF || aD > blockLoss*-sD || aI > blockLoss*sI || aW > blockLoss*sW ||
		math.IsInf(aF, 0) || math.IsInf(aD, 0) {
		return blockResult{}, false
	}
	s.prevTerms = terms
	return blockResult{f: sF, d: sD / sigma, plain: sigma * sI, weighted: sigma * sW}, true
}
