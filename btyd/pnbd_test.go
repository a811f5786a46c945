package btyd_test

import (
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cdnowPNBD is the Pareto/NBD fit to the CDNOW sample that Fader, Hardie
// and Lee (2005) publish.
var cdnowPNBD = btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}

func TestFitParetoNBDCDNOW(t *testing.T) {
	hs := cdnowSummary(t).Histories()
	fit, err := btyd.FitParetoNBD(hs)
	require.NoError(t, err)
	t.Logf("%+v %+v %+v", fit.Model, fit.StdErr, fit.Stats)
	var ll float64
	for _, h := range hs {
		l, err := cdnowPNBD.LogLikelihood(h.X, h.Tx, h.T)
		require.NoError(t, err)
		ll += float64(h.Weight) * l
	}
	t.Logf("published LL %v", ll)
	assert.InDelta(t, -9595.0, fit.Stats.LogLikelihood, 0.05)
}
