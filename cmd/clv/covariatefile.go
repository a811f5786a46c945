package main

// This file implements the covariates of clv customers -covariates: each
// customer's from the log's segment column or from a table of customers,
// coded as numbers the models take.

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/clvkit/clv/btyd"
)

// errCovariates is the class of every fault of a covariate file or of
// the covariates it gives.
var errCovariates = errors.New("covariates")

// maxLevels bounds the levels of a category, as the models bound their
// covariates (64 in all).
const maxLevels = 64

// A covariateColumn is one column of covariates as the models took it: a
// number, or a category of levels, each but the reference an indicator.
type covariateColumn struct {
	Column string `json:"column"`
	// Kind is "number" or "category".
	Kind string `json:"kind"`
	// Reference is a category's reference level, that of the most
	// customers (the least name in byte order among equals), against which
	// each other level's coefficients are read; Levels counts the base's
	// customers at each level, in byte order.
	Reference string         `json:"reference,omitempty"`
	Levels    []levelCount   `json:"levels,omitempty"`
	values    []string       // each base customer's cell
	numbers   []float64      // each base customer's number, for a number
	at        map[string]int // a level's place among the indicators; -1 for the reference
}

// A levelCount is how many of the base's customers are at a level.
type levelCount struct {
	Level     string `json:"level"`
	Customers int64  `json:"customers"`
}

// A covariateDesign is every base customer's covariates, and the name of
// each: "segment=store", "age".
type covariateDesign struct {
	Source  string            `json:"source"`
	Columns []covariateColumn `json:"columns"`
	Names   []string          `json:"names"`
	z       [][]float64
	// warnings say what the user should know of the covariates: a column
	// left out as constant, a level of one customer, customers of the file
	// not in the log.
	warnings []string
}

// segmentDesign codes each base customer's segment, that of their first
// purchase, as a category.
func segmentDesign(b btyd.Base) (*covariateDesign, error) {
	values := make([]string, len(b.Customers))
	for i, c := range b.Customers {
		values[i] = c.Segment
	}
	return newDesign("the log's segment column", []covariateColumn{{Column: "segment", values: values}})
}

// fileDesign reads the columns of a CSV table of customers, one row a
// customer with an id in the column idColumn, and codes each base
// customer's cells. Every customer of the base must have one row with a
// value in every column asked for: a missing customer, a duplicate row,
// an empty cell, a number not finite or a column the header lacks is an
// error, as a guess would be a silent zero. Customers of the file not in
// the base (those first seen after the calibration end, say) are left
// out, with a warning.
func fileDesign(path, idColumn string, columns []string, b btyd.Base) (*covariateDesign, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCovariates, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", errCovariates, err)
	}
	find := func(name string) (int, error) {
		for k, h := range header {
			if strings.TrimSpace(h) == name {
				return k, nil
			}
		}
		return 0, fmt.Errorf("%w: no column %q in the header (%s)", errCovariates, name, quoteTrim(strings.Join(header, ",")))
	}
	idAt, err := find(idColumn)
	if err != nil {
		return nil, err
	}
	at := make([]int, len(columns))
	for j, c := range columns {
		if at[j], err = find(c); err != nil {
			return nil, err
		}
		if slices.Index(columns, c) != j {
			return nil, fmt.Errorf("%w: column %q named twice in -covariate-columns", errCovariates, c)
		}
	}
	place := make(map[string]int, len(b.Customers))
	for i, c := range b.Customers {
		place[c.ID] = i
	}
	cols := make([]covariateColumn, len(columns))
	for j, c := range columns {
		cols[j] = covariateColumn{Column: c, values: make([]string, len(b.Customers))}
	}
	seen := make([]int, len(b.Customers)) // the line of each base customer's row; 0 before it
	var unknown int
	var firstUnknown string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errCovariates, err)
		}
		line, _ := r.FieldPos(0)
		id := strings.TrimSpace(rec[idAt])
		i, ok := place[id]
		if !ok {
			if unknown++; unknown == 1 {
				firstUnknown = id
			}
			continue
		}
		if seen[i] != 0 {
			return nil, fmt.Errorf("%w: customer %s on lines %d and %d: one row a customer", errCovariates, quoteTrim(id), seen[i], line)
		}
		seen[i] = line
		for j := range cols {
			v := strings.TrimSpace(rec[at[j]])
			if v == "" {
				return nil, fmt.Errorf("%w: line %d: customer %s: %s is empty", errCovariates, line, quoteTrim(id), cols[j].Column)
			}
			// NaN and infinities are no number a model takes, and no
			// category either: the marks of a value missing or broken.
			if x, err := strconv.ParseFloat(v, 64); err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
				return nil, fmt.Errorf("%w: line %d: customer %s: %s = %s: not a finite number", errCovariates, line, quoteTrim(id), cols[j].Column, quoteTrim(v))
			}
			cols[j].values[i] = v
		}
	}
	var missing []string
	for i, line := range seen {
		if line == 0 {
			missing = append(missing, b.Customers[i].ID)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %d of the log's %d customers have no row, %s first: every customer modelled needs covariates", errCovariates, len(missing), len(b.Customers), quoteTrim(missing[0]))
	}
	d, err := newDesign(path, cols)
	if err != nil {
		return nil, err
	}
	if unknown > 0 {
		d.warnings = append(d.warnings, fmt.Sprintf("-covariates %s: %d rows of customers not among the log's to the calibration end, %s first, left out, with any level only they have", path, unknown, quoteTrim(firstUnknown)))
	}
	return d, nil
}

// quoteTrim quotes s, cut to 32 bytes: an error quotes at most a few
// dozen bytes of any input.
func quoteTrim(s string) string {
	if len(s) > 32 {
		return strconv.Quote(s[:32]) + "…"
	}
	return strconv.Quote(s)
}

// newDesign codes the columns: a column whose every cell is a number is a
// number, and a number not finite an error; any other is a category of
// its levels, the reference that of the most customers. A column the same
// for every customer says nothing of how they differ, and the fits refuse
// it: it is left out with a warning, and an error if none is left. A
// level of one customer is kept, with a warning, as its coefficient rests
// on that customer alone.
func newDesign(source string, cols []covariateColumn) (*covariateDesign, error) {
	d := &covariateDesign{Source: source}
	if len(cols) == 0 || len(cols[0].values) == 0 {
		return nil, fmt.Errorf("%w: no customers or no columns", errCovariates)
	}
	var same []string
	for _, c := range cols {
		if err := c.code(); err != nil {
			return nil, err
		}
		if c.Kind == "number" && constant(c.numbers) || c.Kind == "category" && len(c.Levels) == 1 {
			same = append(same, fmt.Sprintf("%s is %s", c.Column, quoteTrim(c.values[0])))
			d.warnings = append(d.warnings, fmt.Sprintf("covariate %s for every customer, which says nothing of how they differ: left out", same[len(same)-1]))
			continue
		}
		for _, l := range c.Levels {
			if l.Customers == 1 {
				d.warnings = append(d.warnings, fmt.Sprintf("covariate %s: one customer is at level %s, whose coefficients rest on that customer alone", c.Column, quoteTrim(l.Level)))
			}
		}
		d.Columns = append(d.Columns, c)
	}
	if len(d.Columns) == 0 {
		return nil, fmt.Errorf("%w: no covariate differs between customers: %s for every one", errCovariates, strings.Join(same, ", "))
	}
	for _, c := range d.Columns {
		if c.Kind == "number" {
			d.Names = append(d.Names, c.Column)
			continue
		}
		for _, l := range c.Levels {
			if l.Level != c.Reference {
				d.Names = append(d.Names, c.Column+"="+l.Level)
			}
		}
	}
	n := len(d.Columns[0].values)
	d.z = make([][]float64, n)
	flat := make([]float64, n*len(d.Names))
	for i := range d.z {
		z := flat[i*len(d.Names) : (i+1)*len(d.Names) : (i+1)*len(d.Names)]
		k := 0
		for _, c := range d.Columns {
			if c.Kind == "number" {
				z[k] = c.numbers[i]
				k++
				continue
			}
			if p := c.at[c.values[i]]; p >= 0 {
				z[k+p] = 1
			}
			k += len(c.Levels) - 1
		}
		d.z[i] = z
	}
	return d, nil
}

// code sets c's kind, and its numbers or levels. It returns an error if
// a category has more levels than the models take covariates.
func (c *covariateColumn) code() error {
	c.Kind = "number"
	c.numbers = make([]float64, len(c.values))
	for i, v := range c.values {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			c.Kind, c.numbers = "category", nil
			break
		}
		c.numbers[i] = x
	}
	if c.Kind == "number" {
		return nil // finite: fileDesign refuses the rest
	}
	count := map[string]int64{}
	for _, v := range c.values {
		count[v]++
	}
	if len(count) > maxLevels {
		return fmt.Errorf("%w: covariate %s has %d levels: at most %d", errCovariates, c.Column, len(count), maxLevels)
	}
	for level, n := range count {
		c.Levels = append(c.Levels, levelCount{level, n})
	}
	slices.SortFunc(c.Levels, func(a, b levelCount) int { return cmp.Compare(a.Level, b.Level) })
	ref := c.Levels[0]
	for _, l := range c.Levels {
		if l.Customers > ref.Customers {
			ref = l
		}
	}
	c.Reference = ref.Level
	c.at = map[string]int{}
	k := 0
	for _, l := range c.Levels {
		if l.Level == ref.Level {
			c.at[l.Level] = -1
			continue
		}
		c.at[l.Level] = k
		k++
	}
	return nil
}

// constant reports whether every x is the first.
func constant(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}
