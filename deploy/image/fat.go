package image

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// fatFS is a FAT file system inside an image file, read and written
// with mtools.
type fatFS struct {
	tools  *Tools
	image  string
	offset int64
	tmp    string // folder for temporary files
}

// drive is mtools' name for the file system at an offset in a file.
func (f *fatFS) drive() string { return fmt.Sprintf("%s@@%d", f.image, f.offset) }

// readFile returns the contents of the file name in the root folder,
// and false when it does not exist.
func (f *fatFS) readFile(ctx context.Context, name string) ([]byte, bool, error) {
	out, stderr, err := run(ctx, nil, f.tools.Mcopy, "-n", "-i", f.drive(), "::"+name, "-")
	if err != nil {
		if strings.Contains(string(stderr), "not found") {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("image: reading %s from the boot partition: %w", name, err)
	}
	return out, true, nil
}

// writeFile creates or replaces the file name in the root folder.
func (f *fatFS) writeFile(ctx context.Context, name string, data []byte) error {
	src, err := tempFile(f.tmp, data)
	if err != nil {
		return err
	}
	defer os.Remove(src)
	if _, _, err := run(ctx, nil, f.tools.Mcopy, "-o", "-n", "-i", f.drive(), src, "::"+name); err != nil {
		return fmt.Errorf("image: writing %s to the boot partition: %w", name, err)
	}
	// The first-boot menu rewrites einkterm.toml in place, so no file
	// written here may carry the FAT read-only attribute.
	if _, _, err := run(ctx, nil, f.tools.Mattrib, "-i", f.drive(), "-r", "::"+name); err != nil {
		return fmt.Errorf("image: setting attributes of %s on the boot partition: %w", name, err)
	}
	return nil
}
