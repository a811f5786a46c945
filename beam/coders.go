package clvbeam

// This file implements the coders of the types the pipeline carries,
// which Beam's default coders would carry without their unexported fields.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
)

func init() {
	beam.RegisterCoder(reflect.TypeOf(clv.Purchase{}), encodePurchase, decodePurchase)
	beam.RegisterCoder(reflect.TypeOf((*clv.Accumulator)(nil)), encodeAccumulator, decodeAccumulator)
	beam.RegisterCoder(reflect.TypeOf(clv.Summary{}), encodeSummary, decodeSummary)
	beam.RegisterCoder(reflect.TypeOf((*btyd.Summarizer)(nil)), encodeSummarizer, decodeSummarizer)
}

var errPurchase = errors.New("clvbeam: malformed purchase")

// encodePurchase writes a purchase as its customer, segment, time and
// amount, each with its length.
func encodePurchase(p clv.Purchase) ([]byte, error) {
	t, err := p.Time.MarshalBinary()
	if err != nil {
		return nil, err
	}
	amount, err := p.Amount.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 4*binary.MaxVarintLen32+len(p.Customer)+len(p.Segment)+len(t)+len(amount))
	for _, f := range [][]byte{[]byte(p.Customer), []byte(p.Segment), t, amount} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b, nil
}

func decodePurchase(b []byte) (clv.Purchase, error) {
	var fields [4][]byte
	for i := range fields {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return clv.Purchase{}, errPurchase
		}
		fields[i], b = b[k:k+int(n)], b[k+int(n):]
	}
	p := clv.Purchase{Customer: string(fields[0]), Segment: string(fields[1])}
	if err := p.Time.UnmarshalBinary(fields[2]); err != nil {
		return clv.Purchase{}, fmt.Errorf("%w: time: %v", errPurchase, err)
	}
	if err := p.Amount.UnmarshalBinary(fields[3]); err != nil {
		return clv.Purchase{}, fmt.Errorf("%w: amount: %v", errPurchase, err)
	}
	return p, nil
}

func encodeAccumulator(a *clv.Accumulator) ([]byte, error) { return a.MarshalBinary() }

func decodeAccumulator(b []byte) (*clv.Accumulator, error) {
	a := new(clv.Accumulator)
	return a, a.UnmarshalBinary(b)
}

func encodeSummarizer(s *btyd.Summarizer) ([]byte, error) { return s.MarshalBinary() }

func decodeSummarizer(b []byte) (*btyd.Summarizer, error) {
	s := new(btyd.Summarizer)
	return s, s.UnmarshalBinary(b)
}

// A Summary travels as JSON, which carries its decimals whole.
func encodeSummary(s clv.Summary) ([]byte, error) { return json.Marshal(s) }

func decodeSummary(b []byte) (clv.Summary, error) {
	var s clv.Summary
	err := json.Unmarshal(b, &s)
	return s, err
}
