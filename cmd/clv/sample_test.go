package main

import (
	"bytes"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/clvkit/clv/internal/orderlog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/orders.csv and testdata/donations.csv from the generator")

// sampleLog is the sample log the README points at: two years of 2,000
// orders by 400 customers in three channels, whose customers differ as the
// README's table of segments shows: those won in the store buy half as
// often as those won on the web, leave sooner and spend more; those won by
// the app buy twice as often, stay longer and spend less.
var sampleLog = orderlog.Config{
	Rows: 2000, Customers: 400, Segments: []string{"web", "store", "app"},
	Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Days: 731, Seed: 6,
	Habits: []orderlog.Habit{{Rate: 1, Drop: 1, Spend: 1}, {Rate: 0.5, Drop: 1.6, Spend: 1.2}, {Rate: 2, Drop: 0.5, Spend: 0.85}},
}

const samplePath = "../../testdata/orders.csv"

// TestSampleLog holds testdata/orders.csv to what the generator writes;
// go test ./cmd/clv -run TestSampleLog -update writes it anew.
func TestSampleLog(t *testing.T) {
	var want bytes.Buffer
	require.NoError(t, orderlog.Write(&want, sampleLog))
	if *update {
		require.NoError(t, os.WriteFile(samplePath, want.Bytes(), 0o644))
	}
	got, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), got), "testdata/orders.csv is not what the generator writes; run go test ./cmd/clv -run TestSampleLog -update")
}

// donationsLog is the donations log the README's BG/BB command reads:
// 1,000 donors who first gave in 2019, and the seven yearly appeals
// after it, 2020 to 2026.
var donationsLog = orderlog.Donations{Donors: 1000, FirstYear: 2019, Years: 7, Seed: 1}

const donationsPath = "../../testdata/donations.csv"

// TestDonationsLog holds testdata/donations.csv to what the generator
// writes; go test ./cmd/clv -run TestDonationsLog -update writes it anew.
func TestDonationsLog(t *testing.T) {
	var want bytes.Buffer
	require.NoError(t, orderlog.WriteDonations(&want, donationsLog))
	if *update {
		require.NoError(t, os.WriteFile(donationsPath, want.Bytes(), 0o644))
	}
	got, err := os.ReadFile(donationsPath)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), got), "testdata/donations.csv is not what the generator writes; run go test ./cmd/clv -run TestDonationsLog -update")
}

// The README's command on the sample log prices every segment.
func TestReadmeCommand(t *testing.T) {
	code, out, errOut := runArgs("-input", samplePath, "-window", "month", "-margin", "0.4")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	assert.Contains(t, out, samplePath+": 2001 lines: the header, ")
	for _, segment := range []string{"app", "store", "web", "blended"} {
		assert.Regexp(t, "\n"+segment+` +\d+\.\d% `, out)
	}
}
