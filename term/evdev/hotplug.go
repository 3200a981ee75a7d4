package evdev

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// pollInterval is how often the device folder is listed when inotify is
// not available.
const pollInterval = 2 * time.Second

// watch starts watching the device folder for new nodes and returns
// what stops the watch.
func (k *Keyboard) watch() io.Closer {
	f, err := inotifyDir(k.opts.Dir)
	if err != nil {
		k.log.Debug("evdev: inotify unavailable; listing the device folder every 2 s", "err", err)
		return k.poll()
	}
	k.wg.Add(1)
	go k.readInotify(f)
	return f
}

// inotifyDir returns an inotify descriptor, under Go's poller, that
// reports nodes created in dir or whose attributes change.
func inotifyDir(dir string) (*os.File, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, err
	}
	mask := uint32(unix.IN_CREATE | unix.IN_ATTRIB | unix.IN_MOVED_TO)
	if _, err := unix.InotifyAddWatch(fd, dir, mask); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "inotify:"+dir), nil
}

func (k *Keyboard) readInotify(f *os.File) {
	defer k.wg.Done()
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		if err != nil {
			return
		}
		for _, name := range inotifyNames(buf[:n]) {
			k.tryAdd(name)
		}
	}
}

// inotifyNames returns the file names of the inotify events in b.
func inotifyNames(b []byte) []string {
	var names []string
	for len(b) >= unix.SizeofInotifyEvent {
		size := int(binary.NativeEndian.Uint32(b[12:16]))
		end := unix.SizeofInotifyEvent + size
		if end > len(b) {
			break
		}
		name := string(b[unix.SizeofInotifyEvent:end])
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		if name != "" {
			names = append(names, name)
		}
		b = b[end:]
	}
	return names
}

// poll lists the device folder every pollInterval until closed.
func (k *Keyboard) poll() io.Closer {
	stop := make(chan struct{})
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		t := time.NewTicker(pollInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			names, _ := filepath.Glob(filepath.Join(k.opts.Dir, "event*"))
			for _, n := range names {
				k.tryAdd(filepath.Base(n))
			}
		}
	}()
	return closerFunc(func() error { close(stop); return nil })
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
