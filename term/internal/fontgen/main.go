// Command fontgen converts the bitmap fonts that einkterm bundles into
// the compact form that package term embeds.
//
// It reads Terminus Font PCF files (Debian package xfonts-terminus),
// GNU Unifont's hex file (Debian package unifont) and Unifont's
// upper-plane OpenType font (Debian package fonts-unifont), and writes
// one gzip-compressed file per face into the output folder. Run it with
//
//	go generate ./term
//
// The format, all integers little endian:
//
//	"EKBF" magic, uint8 version 1
//	uint8 cell height, uint8 ascent, uint32 glyph count
//	per glyph, sorted by rune: uint32 rune, uint8 width in pixels
//	per glyph, in the same order: height rows of ceil(width/8) bytes,
//	the leftmost pixel in the most significant bit
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

// terminusSizes are the Terminus pixel heights that are bundled.
var terminusSizes = []int{12, 14, 16, 18, 20, 22, 24, 28, 32}

func main() {
	out := flag.String("out", "fontdata", "output folder")
	pcfDir := flag.String("terminus", "/usr/share/fonts/X11/misc",
		"folder of the Terminus PCF files (ter-u16n_unicode.pcf.gz...)")
	hex := flag.String("unifont", "/usr/share/unifont/unifont.hex",
		"GNU Unifont hex file")
	upper := flag.String("unifont-upper", "/usr/share/fonts/opentype/unifont/unifont_upper.otf",
		"GNU Unifont's OpenType font of the planes above the first")
	flag.Parse()

	if err := run(*out, *pcfDir, *hex, *upper); err != nil {
		log.Fatal(err)
	}
}

func run(out, pcfDir, hex, upper string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, size := range terminusSizes {
		for _, weight := range []string{"n", "b"} {
			name := fmt.Sprintf("ter-u%d%s_unicode.pcf.gz", size, weight)
			f, err := readPCF(filepath.Join(pcfDir, name))
			if err != nil {
				return fmt.Errorf("fontgen: %s: %w (install xfonts-terminus)", name, err)
			}
			dst := filepath.Join(out, fmt.Sprintf("terminus-%d%s.ekbf.gz", size, weight))
			if err := writeFont(dst, f); err != nil {
				return err
			}
		}
	}
	f, err := readHex(hex)
	if err != nil {
		return fmt.Errorf("fontgen: %s: %w (install unifont)", hex, err)
	}
	if err := addOTF(f, upper); err != nil {
		return fmt.Errorf("fontgen: %s: %w (install fonts-unifont)", upper, err)
	}
	return writeFont(filepath.Join(out, "unifont.ekbf.gz"), f)
}
