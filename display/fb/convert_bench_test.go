package fb

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

// memDevice is a framebuffer in ordinary memory, so a benchmark measures
// the conversion and not a file system.
type memDevice struct {
	geo Geometry
	mem []byte
}

func (d *memDevice) Geometry() (Geometry, error)        { return d.geo, nil }
func (d *memDevice) Map(n int) ([]byte, error)          { return d.mem[:n], nil }
func (d *memDevice) Unmap([]byte) error                 { return nil }
func (d *memDevice) WriteAt([]byte, int64) (int, error) { return 0, syscall.EINVAL }
func (d *memDevice) Blank(bool) error                   { return nil }
func (d *memDevice) Close() error                       { return nil }

// BenchmarkConvert converts a whole 8-bit frame to the device layout and
// reports the output rate in MB/s beside the rate of a plain copy of the
// same number of bytes, measured in the same run.
func BenchmarkConvert(b *testing.B) {
	sizes := []struct{ w, h int }{{1024, 600}, {1872, 1404}}
	for _, format := range []Format{RGB565, XRGB8888} {
		for _, sz := range sizes {
			for _, rot := range []int{0, 90} {
				name := fmt.Sprintf("%v/%dx%d/rot%d", format, sz.w, sz.h, rot)
				b.Run(name, func(b *testing.B) { benchConvert(b, format, sz.w, sz.h, rot) })
			}
		}
	}
}

func benchConvert(b *testing.B, format Format, w, h, rot int) {
	bpp := format.BitsPerPixel / 8
	geo := Geometry{Width: w, Height: h, Stride: w * bpp, Format: format}
	dev := &memDevice{geo: geo, mem: make([]byte, geo.MapLen())}
	s, err := NewSurface(dev, rot)
	if err != nil {
		b.Fatal(err)
	}
	lw, lh := s.Size()
	f := display.NewFrame(lw, lh, 8)
	for i := range f.Pix {
		f.Pix[i] = byte(i * 31)
	}
	out := len(dev.mem)
	b.SetBytes(int64(out))
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Draw(f, f.Bounds()); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	convert := float64(out) * float64(b.N) / b.Elapsed().Seconds() / 1e6
	copyRate := copyMBs(out, b.N)
	b.ReportMetric(copyRate, "copy-MB/s")
	b.ReportMetric(convert/copyRate, "x-copy")
}

// copyMBs returns the rate in MB/s of copying n bytes: the best of 5
// trials of reps copies (at least 20), since other jobs on the machine
// only ever slow a trial down.
func copyMBs(n, reps int) float64 {
	reps = max(reps, 20)
	src, dst := make([]byte, n), make([]byte, n)
	copy(dst, src) // fault the pages in before timing
	best := 0.0
	for range 5 {
		start := time.Now()
		for range reps {
			copy(dst, src)
		}
		rate := float64(n) * float64(reps) / time.Since(start).Seconds() / 1e6
		best = max(best, rate)
	}
	return best
}
