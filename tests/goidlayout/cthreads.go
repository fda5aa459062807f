//go:build cgo

package main

/*
#include <pthread.h>

extern void goidlayoutCheck(void);

static void *calls(void *arg) {
	for (int i = 0; i < 4; i++)
		goidlayoutCheck();
	return 0;
}

// run calls into Go from 8 new C threads, 4 times each.
static int run(void) {
	pthread_t th[8];
	for (int t = 0; t < 8; t++)
		if (pthread_create(&th[t], 0, calls, 0) != 0)
			return -1;
	for (int t = 0; t < 8; t++)
		pthread_join(th[t], 0);
	return 0;
}
*/
import "C"

import "github.com/qcompat/qcompat/fallback-go/goid"

var (
	fromC   = make(chan [2]uint64, 64)
	callsOK = true
)

//export goidlayoutCheck
func goidlayoutCheck() { fromC <- [2]uint64{goid.ID(), goid.StackID()} }

// fromCThreads checks ID() in callbacks from C threads (each runs on a
// goroutine of the runtime's extra Ms, whose g the runtime makes apart
// from newproc).
func fromCThreads(t *tally) {
	if C.run() != 0 {
		println("goidlayout: pthread_create failed")
		callsOK = false
	}
	for len(fromC) > 0 {
		r := <-fromC
		t.add(r[0], r[1])
	}
}
