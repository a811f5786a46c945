package btyd

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clv"
)

// A Tracking follows the repeat purchases of a customer base step by step,
// as they happened and as a model expects them: the tracking chart of
// the BTYD papers, in which a model fitted on the calibration period is
// seen to carry on, or not, through the holdout.
type Tracking struct {
	// Unit is the unit of time of every End and of CalibrationEnd.
	Unit clv.Period `json:"unit"`
	// Start is the base's first purchase day, from which time runs.
	Start time.Time `json:"start"`
	// CalibrationEnd is the time of the calibration end from Start.
	CalibrationEnd float64 `json:"calibration_end"`
	// Steps holds a step for each unit of time from Start to the end of
	// observation, the last one shorter if the end falls within it.
	Steps []TrackingStep `json:"steps"`
}

// A TrackingStep is the repeat purchases of a base up to the end of a
// step, since Start, actual and expected.
type TrackingStep struct {
	// End is the step's end, in units from Start.
	End float64 `json:"end"`
	// Actual counts the repeat purchase days of the base's customers up
	// to End; Expected is their sum under the model.
	Actual   int64   `json:"actual"`
	Expected float64 `json:"expected"`
}

// Limits of a tracking, which looks up a model evaluation for each step
// and distinct first purchase day, and evaluates the model once for each
// distinct time between them.
const (
	maxTrackingSteps = 10_000
	maxTrackingWork  = 50_000_000
)

// Track follows the repeat purchases of the base s summarises, one unit
// of time (s's) at a time, from its first purchase day to the end of
// observation: the holdout end if s has a holdout, else the calibration
// end. A purchase day d counts at d − Start days; the step ending at τ
// counts every repeat purchase day, after its customer's first, up to τ,
// and expects
//
//	Σ over customers  E[X(τ − f)]
//
// where f is the customer's first purchase day and E[X(t)] the expected
// purchases of a new customer in (0, t] (the [PurchaseModel]'s
// ExpectedPurchases).
// Customers first seen after the calibration end are not in the base and
// not tracked.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model, or if s
// was not made by [NewSummarizer] or has no customers, one wrapping [clv.ErrOutOfRange] if
// the base spans more than 10,000 units or would need more than
// 5 × 10^7 pairs of a step and a distinct first purchase day, and
// fails as the model's ExpectedPurchases does.
func Track(m PurchaseModel, s *Summarizer) (Tracking, error) {
	const fn = "track"
	if err := checkModel(fn, m); err != nil {
		return Tracking{}, err
	}
	if s == nil || !s.ready {
		return Tracking{}, fmt.Errorf("btyd: %s: summarizer: %w: make it with NewSummarizer", fn, clv.ErrMissing)
	}
	s.compact()
	start := int32(math.MaxInt32)
	for k := range s.shards {
		sh := &s.shards[k]
		for i := range sh.count {
			if c := sh.state(i); c.firstDay <= s.calEnd {
				start = min(start, c.firstDay)
			}
		}
	}
	if start == math.MaxInt32 {
		return Tracking{}, fmt.Errorf("btyd: %s: customers: %w", fn, clv.ErrMissing)
	}
	steps, stepOf, err := s.trackingSteps(fn, start)
	if err != nil {
		return Tracking{}, err
	}
	// Repeat purchase days by the step they fall in, and customers by
	// their first day.
	repeats := make([]int64, steps)
	firsts := map[int32]int64{}
	for k := range s.shards {
		sh := &s.shards[k]
		for i := range sh.count {
			c := sh.state(i)
			if c.firstDay > s.calEnd {
				continue
			}
			firsts[c.firstDay]++
			addRepeats(repeats, sh.daysOf(i), c.firstDay, stepOf)
		}
	}
	if err := checkTrackingWork(fn, steps, len(firsts), "first purchase days"); err != nil {
		return Tracking{}, err
	}
	type cohort struct {
		day       float64 // from start
		customers int64
	}
	cohorts := make([]cohort, 0, len(firsts))
	for f, n := range firsts {
		cohorts = append(cohorts, cohort{float64(f - start), n})
	}
	slices.SortFunc(cohorts, func(a, b cohort) int { return cmp.Compare(a.day, b.day) })

	tr := s.newTracking(start, steps)
	// The expectation depends only on the days from a cohort's first day
	// to a step's end, which many pairs of step and cohort share: whole
	// days in weeks, sixteenths of a day in the longer units. Each is
	// evaluated once: on two years of weekly steps and a year and a half
	// of first days, at most 730 evaluations where the pairs are 36,000.
	expect := map[float64]float64{}
	err = s.fillSteps(fn, &tr, start, repeats, func(end float64) (float64, error) {
		var expected kahan
		for _, c := range cohorts {
			if c.day >= end {
				break
			}
			e, ok := expect[end-c.day]
			if !ok {
				var err error
				if e, err = m.ExpectedPurchases((end - c.day) / s.unitDays); err != nil {
					return 0, err
				}
				expect[end-c.day] = e
			}
			expected.add(float64(c.customers) * e)
		}
		return expected.value(), nil
	})
	if err != nil {
		return Tracking{}, err
	}
	return tr, nil
}

// fillSteps fills the steps of tr, which starts on the day start, with
// the repeat purchase days to each step's end, summed from repeats, the
// days in each step, and those expected, expected(end) for a step that
// ends end days from start.
func (s *Summarizer) fillSteps(fn string, tr *Tracking, start int32, repeats []int64, expected func(end float64) (float64, error)) error {
	var actual int64
	for k := range tr.Steps {
		end := s.stepEnd(k, start)
		actual += repeats[k]
		e, err := expected(end)
		if err != nil {
			return fmt.Errorf("btyd: %s: step %d: %w", fn, k+1, err)
		}
		tr.Steps[k] = TrackingStep{End: end / s.unitDays, Actual: actual, Expected: e}
	}
	return nil
}

// trackingSteps returns the number of steps of a unit from start, the
// base's first purchase day, to the observation end, and the step each
// day falls in: a day d days from start falls in the first step whose
// end, k × unit, is d or later. It fails with [clv.ErrOutOfRange] beyond
// maxTrackingSteps.
func (s *Summarizer) trackingSteps(fn string, start int32) (int64, func(d int32) int, error) {
	days := int64(s.holdEnd-start) + 1
	steps := int64(math.Ceil(float64(days-1) / s.unitDays))
	if days == 1 {
		steps = 1
	}
	if steps > maxTrackingSteps {
		return 0, nil, fmt.Errorf("btyd: %s: %w: the base spans %d %ss, more than %d", fn, clv.ErrOutOfRange, steps, s.unit, maxTrackingSteps)
	}
	stepOf := func(d int32) int {
		k := int(math.Ceil(float64(d-start)/s.unitDays)) - 1
		return min(max(k, 0), int(steps)-1)
	}
	return steps, stepOf, nil
}

// addRepeats counts a customer's purchase days after their first, days,
// in the steps they fall in.
func addRepeats(repeats []int64, days []int32, first int32, stepOf func(int32) int) {
	for _, d := range days {
		if d > first {
			repeats[stepOf(d)]++
		}
	}
}

// checkTrackingWork refuses a tracking of steps steps of cohorts cohorts,
// what they are, whose evaluations would be more than maxTrackingWork.
func checkTrackingWork(fn string, steps int64, cohorts int, what string) error {
	if steps*int64(cohorts) > maxTrackingWork {
		return fmt.Errorf("btyd: %s: %w: %d steps of %d %s, more than %d evaluations", fn, clv.ErrOutOfRange, steps, cohorts, what, maxTrackingWork)
	}
	return nil
}

// newTracking returns the Tracking of steps steps from start, the base's
// first purchase day, its steps yet to be filled.
func (s *Summarizer) newTracking(start int32, steps int64) Tracking {
	return Tracking{
		Unit:           s.unit,
		Start:          dayTime(start),
		CalibrationEnd: float64(s.calEnd-start) / s.unitDays,
		Steps:          make([]TrackingStep, steps),
	}
}

// stepEnd returns the end of step k in days from start: k + 1 units, or
// the observation end for the last step.
func (s *Summarizer) stepEnd(k int, start int32) float64 {
	return min(float64(k+1)*s.unitDays, float64(s.holdEnd-start))
}
