package btyd

// This file implements the sums that the fits of the BG/NBD, MBG/NBD,
// Pareto/NBD and BG/BB accumulate over their data: a log-likelihood in
// four parameters, or a part of one, with its gradient and its Hessian,
// and their unpacking into the slices the optimiser takes.

// A logLik is a log-likelihood in four parameters, or a part of one, with
// its gradient and its Hessian, the upper triangle row by row (00, 01, 02,
// 03, 11, 12, 13, 22, 23, 33; hessIndex maps a pair of parameters to its
// place).
type logLik struct {
	v float64
	g [4]float64
	h [10]float64
}

// hessIndex maps a pair of parameters to its place in logLik.h.
var hessIndex = [4][4]int{{0, 1, 2, 3}, {1, 4, 5, 6}, {2, 5, 7, 8}, {3, 6, 8, 9}}

// add adds t to s.
func (s *logLik) add(t *logLik) {
	s.v += t.v
	for i := range s.g {
		s.g[i] += t.g[i]
	}
	for i := range s.h {
		s.h[i] += t.h[i]
	}
}

// addScaled adds w times t to s.
func (s *logLik) addScaled(w float64, t *logLik) {
	s.v += w * t.v
	for i := range s.g {
		s.g[i] += w * t.g[i]
	}
	for i := range s.h {
		s.h[i] += w * t.h[i]
	}
}

// unpack adds s's gradient to grad and, if hess is not nil, its Hessian
// to hess, 4×4 in row-major order, as a likelihood does, and returns s's
// value.
func (s *logLik) unpack(grad, hess []float64) float64 {
	for i := range 4 {
		grad[i] += s.g[i]
		if hess == nil {
			continue
		}
		for j := range 4 {
			hess[i*4+j] += s.h[hessIndex[i][j]]
		}
	}
	return s.v
}
