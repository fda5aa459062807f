package qcompat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/qcompat/qcompat/fallback-go/qcompat"
)

// What q doctor writes: the report as qcompat doctor prints it.
func ExampleReport_WriteText() {
	doc := `{"schema": 1, "ok": false, "checks": [
	  {"id": "go", "status": "ok", "message": "/usr/local/go/bin/go (go1.26.8)", "fix": null},
	  {"id": "toolexec-id", "status": "fail", "message": "q answers compile -V=full with \"\"", "fix": "print the compiler's line", "class": "bad-tool-id"}],
	 "selection": null, "advice": "fix the failed checks above"}`
	var r qcompat.Report
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		panic(err)
	}
	r.WriteText(os.Stdout)
	fmt.Println(r.Checks[1].Class == qcompat.ClassBadToolID)
	// Output:
	// ok   go           /usr/local/go/bin/go (go1.26.8)
	// FAIL toolexec-id  q answers compile -V=full with ""
	//                   fix: print the compiler's line
	//
	// advice: fix the failed checks above
	// true
}

// Deciding on what a selection says by its reason codes, not its
// sentences (which may change).
func ExampleSelection_Reason() {
	doc := `{"schema": 1, "strategy": "stack",
	 "reasons": ["the injector \"q\" leaves compile -V=full unchanged: its builds need a GOCACHE of their own"],
	 "reason_codes": ["unsalted-own-gocache"]}`
	var s qcompat.Selection
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		panic(err)
	}
	if why, ok := s.Reason(qcompat.ReasonUnsaltedOwnGocache); ok {
		fmt.Println("q needs its own GOCACHE:", why)
	}
	_, pinned := s.Reason(qcompat.ReasonPinVouches)
	fmt.Println(pinned)
	// Output:
	// q needs its own GOCACHE: the injector "q" leaves compile -V=full unchanged: its builds need a GOCACHE of their own
	// false
}

// q doctor in one call: find or install qcompat, run doctor for the
// injector q, print the report, and fail when a check failed.
func ExampleDoctor() {
	r, err := qcompat.Doctor(context.Background(), qcompat.DoctorOptions{
		Options: qcompat.Options{Toolexec: "q"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "q doctor:", err)
		os.Exit(2)
	}
	r.WriteText(os.Stdout)
	if !r.OK {
		os.Exit(1)
	}
}

// Installing with progress shown by the caller (the library prints
// nothing).
func ExampleSetup_Find() {
	s := qcompat.SetupFromEnv()
	s.Report = func(e qcompat.Event) {
		if e.Kind != qcompat.EventProgress {
			fmt.Fprintln(os.Stderr, e.Message)
		}
	}
	bin, err := s.Find(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println(bin.Path, bin.Version, bin.Source)
}
