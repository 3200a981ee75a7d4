package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/einkterm/einkterm/display"
)

// displayKind opens one kind of --display value, such as "record:DIR".
// Files of this package add theirs with registerDisplay in an init
// function.
type displayKind struct {
	name  string
	usage string // one line for help, such as "record:DIR[?frames=1]"
	open  func(arg string, query url.Values, o displayOptions) (display.Panel, error)

	// rotates is true for kinds whose panels apply o.Rotation themselves;
	// the others are wrapped with display.Rotate.
	rotates bool
}

var displayKinds = map[string]displayKind{}

func registerDisplay(k displayKind) {
	if _, dup := displayKinds[k.name]; dup {
		panic("einkterm: display registered twice: " + k.name)
	}
	displayKinds[k.name] = k
}

// displayOptions are the settings every display kind may use.
type displayOptions struct {
	Panel    display.Info // the chosen panel profile
	Rotation int          // degrees clockwise: 0, 90, 180 or 270
	Logger   *slog.Logger
	Getenv   func(string) string

	// DryRun checks the argument and the options and returns a nil
	// panel without opening anything, for config check.
	DryRun bool
}

// displayFlags are the flags that pick a display, shared by every
// command that shows something.
type displayFlags struct {
	display  string
	panel    string
	rotation int
	dryRun   bool // check the value without opening the display
}

func (d *displayFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&d.display, "display", "",
		"where to show the session: "+displayUsage()+
			" (default: sim when DISPLAY or WAYLAND_DISPLAY is set and the simulator is built in, else record:einkterm-record)")
	fs.StringVar(&d.panel, "panel", display.DefaultProfile,
		"panel profile: "+strings.Join(display.ProfileNames(), ", ")+", or WxH")
	fs.Var((*rotationFlag)(&d.rotation), "rotate", "rotation in degrees clockwise: 0, 90, 180 or 270")
}

// rotationFlag is a --rotate value: whole degrees clockwise.
type rotationFlag int

func (r *rotationFlag) String() string { return strconv.Itoa(int(*r)) }

// Set parses whole degrees. Whether they are a quarter turn is checked
// where the display opens, which names the flag in its message.
func (r *rotationFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a number of degrees: use 0, 90, 180 or 270")
	}
	*r = rotationFlag(n)
	return nil
}

func displayUsage() string {
	var u []string
	for _, k := range displayKinds {
		u = append(u, k.usage)
	}
	sort.Strings(u)
	return strings.Join(u, ", ")
}

// open returns the panel that the flags name.
func (d *displayFlags) open(e *env, log *slog.Logger) (display.Panel, error) {
	if e.panel != nil {
		return e.panel, nil
	}
	info, err := display.LookupProfile(d.panel)
	if err != nil {
		return nil, err
	}
	switch d.rotation {
	case 0, 90, 180, 270:
	default:
		return nil, fmt.Errorf("invalid --rotate %d: use 0, 90, 180 or 270", d.rotation)
	}
	spec := d.display
	if spec != "" {
		return d.openSpec(spec, info, e, log)
	}
	spec = defaultDisplay(e)
	p, err := d.openSpec(spec, info, e, log)
	if err != nil && spec != fallbackDisplay {
		// A desktop whose X server does not answer still gets a session.
		fmt.Fprintf(e.stderr, "einkterm: --display %s failed: %v\n", spec, err)
		return d.openSpec(fallbackDisplay, info, e, log)
	}
	return p, err
}

// openSpec opens one --display value: KIND[:ARG][?QUERY].
func (d *displayFlags) openSpec(spec string, info display.Info, e *env, log *slog.Logger) (display.Panel, error) {
	head, rawQuery, _ := strings.Cut(spec, "?")
	name, arg, _ := strings.Cut(head, ":")
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("invalid --display %q: %v", spec, err)
	}
	kind, ok := displayKinds[name]
	if !ok {
		return nil, fmt.Errorf("unknown --display %q: use one of %s", spec, displayUsage())
	}
	p, err := kind.open(arg, query, displayOptions{
		Panel:    info,
		Rotation: d.rotation,
		Logger:   log,
		Getenv:   e.getenv,
		DryRun:   d.dryRun,
	})
	if err != nil || p == nil {
		return nil, err
	}
	if kind.rotates {
		return p, nil
	}
	return display.Rotate(p, d.rotation), nil
}

// panelAs returns p, or the first panel it wraps, that implements T.
// Wrappers such as display.Rotate expose what they wrap with Unwrap.
func panelAs[T any](p display.Panel) (T, bool) {
	for p != nil {
		if t, ok := p.(T); ok {
			return t, true
		}
		u, ok := p.(interface{ Unwrap() display.Panel })
		if !ok {
			break
		}
		p = u.Unwrap()
	}
	var zero T
	return zero, false
}

// defaultDisplay is the simulator window when a desktop is there and the
// simulator is built in, and the headless recorder otherwise.
func defaultDisplay(e *env) string {
	_, sim := displayKinds["sim"]
	desktop := e.getenv("DISPLAY") != "" || e.getenv("WAYLAND_DISPLAY") != ""
	if sim && desktop {
		return "sim"
	}
	return fallbackDisplay
}

// fallbackDisplay is the display when no other exists: the headless
// recorder writing into ./einkterm-record.
const fallbackDisplay = "record:einkterm-record"

func init() {
	registerDisplay(displayKind{
		name:  "record",
		usage: "record:DIR[?frames=1]",
		open:  openRecorder,
	})
}

func openRecorder(dir string, q url.Values, o displayOptions) (display.Panel, error) {
	if dir == "" {
		return nil, fmt.Errorf("--display record needs a folder, as in record:./rec")
	}
	frames := false
	for key, values := range q {
		if key != "frames" {
			return nil, fmt.Errorf("unknown option %q in --display record:%s: the only option is frames=1", key, dir)
		}
		switch values[len(values)-1] {
		case "1", "true":
			frames = true
		case "0", "false":
		default:
			return nil, fmt.Errorf("invalid frames=%s in --display record: use frames=1 or frames=0", values[len(values)-1])
		}
	}
	if o.DryRun {
		return nil, nil
	}
	return display.NewRecorder(o.Panel, display.RecorderOptions{Dir: dir, Frames: frames})
}
