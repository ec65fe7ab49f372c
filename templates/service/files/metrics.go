package main

// Prometheus metrics in the text exposition format, with the standard library
// only: a counter and a histogram with labels. Swap in
// github.com/prometheus/client_golang when you need more (gauges, summaries,
// process and Go runtime metrics).

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
)

// labelKey joins label values into a map key (0xff cannot occur in UTF-8).
func labelKey(values []string) string { return strings.Join(values, "\xff") }

// formatLabels renders {a="x",b="y"} with the format's escaping.
func formatLabels(names, values []string, extra ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(name)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(values[i]))
		b.WriteByte('"')
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `%s="%s"`, extra[i], escapeLabel(extra[i+1]))
	}
	b.WriteByte('}')
	return b.String()
}

func escapeLabel(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%g", v)
}

// counterVec is a counter per combination of label values.
type counterVec struct {
	name, help string
	labels     []string
	mu         sync.Mutex
	values     map[string]*counterSeries
}

type counterSeries struct {
	labels []string
	value  float64
}

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name: name, help: help, labels: labels, values: map[string]*counterSeries{}}
}

func (c *counterVec) inc(labelValues ...string) {
	key := labelKey(labelValues)
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.values[key]
	if !ok {
		s = &counterSeries{labels: labelValues}
		c.values[key] = s
	}
	s.value++
}

func (c *counterVec) writeTo(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	for _, key := range sortedKeys(c.values) {
		s := c.values[key]
		fmt.Fprintf(w, "%s%s %s\n", c.name, formatLabels(c.labels, s.labels), formatFloat(s.value))
	}
}

// histogramVec is a histogram per combination of label values.
type histogramVec struct {
	name, help string
	labels     []string
	buckets    []float64
	mu         sync.Mutex
	values     map[string]*histogramSeries
}

type histogramSeries struct {
	labels []string
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

func newHistogramVec(name, help string, buckets []float64, labels ...string) *histogramVec {
	return &histogramVec{name: name, help: help, labels: labels, buckets: buckets,
		values: map[string]*histogramSeries{}}
}

func exponentialBuckets(start, factor float64, count int) []float64 {
	buckets := make([]float64, count)
	for i := range buckets {
		buckets[i] = start
		start *= factor
	}
	return buckets
}

func (h *histogramVec) observe(v float64, labelValues ...string) {
	key := labelKey(labelValues)
	i := sort.SearchFloat64s(h.buckets, v) // the first bucket with le >= v
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.values[key]
	if !ok {
		s = &histogramSeries{labels: labelValues, counts: make([]uint64, len(h.buckets))}
		h.values[key] = s
	}
	if i < len(h.buckets) {
		s.counts[i]++
	}
	s.count++
	s.sum += v
}

func (h *histogramVec) writeTo(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	for _, key := range sortedKeys(h.values) {
		s := h.values[key]
		var cumulative uint64
		for i, le := range h.buckets {
			cumulative += s.counts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.name,
				formatLabels(h.labels, s.labels, "le", formatFloat(le)), cumulative)
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.name,
			formatLabels(h.labels, s.labels, "le", "+Inf"), s.count)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.name, formatLabels(h.labels, s.labels), formatFloat(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", h.name, formatLabels(h.labels, s.labels), s.count)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
