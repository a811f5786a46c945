package fixed_test

import (
	"fmt"
	"math"

	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

func ExampleUnits() {
	for _, s := range []string{"19.90", "-0.05", "3e2", "1e-19"} {
		units, places, ok := fixed.Units(decimal.RequireFromString(s))
		fmt.Println(s, units, places, ok)
	}
	// Output:
	// 19.90 199 1 true
	// -0.05 -5 2 true
	// 3e2 300 0 true
	// 1e-19 0 0 false
}

func ExampleScale() {
	_, ok := fixed.Scale(math.MaxInt64/10, 2)
	fmt.Println(fixed.Scale(199, 2))
	fmt.Println(ok)
	// Output:
	// 19900 true
	// false
}

func ExampleAdd() {
	_, ok := fixed.Add(math.MaxInt64, 1)
	fmt.Println(fixed.Add(2, 3))
	fmt.Println(ok)
	// Output:
	// 5 true
	// false
}

func ExampleMul() {
	_, ok := fixed.Mul(1<<32, 1<<31)
	fmt.Println(fixed.Mul(-1<<62, 2))
	fmt.Println(ok)
	// Output:
	// -9223372036854775808 true
	// false
}

func ExampleAbs() {
	fmt.Println(fixed.Abs(-7), fixed.Abs(math.MinInt64))
	// Output: 7 9223372036854775808
}

func ExampleMaxPlaces() {
	fmt.Println(fixed.MaxPlaces, fixed.Pow10[fixed.MaxPlaces])
	// Output: 18 1000000000000000000
}

func ExamplePow10() {
	fmt.Println(fixed.Pow10[2] * 199)
	// Output: 19900
}
