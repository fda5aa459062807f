/*
 * The C host of the qcompat probe library (cmd/qcompat-probe-lib): calls
 * QcompatProbeTake from its main thread and from 8 pthreads running at once
 * (each waits at a barrier after its call, so no thread exits, and hands its
 * M back to Go, before all have called), then QcompatProbeReport, and exits
 * with its value.
 *
 * With -DQPROBE_DLOPEN it loads the c-shared library named by argv[1] with
 * dlopen(RTLD_NOW), so that an unresolved symbol (a runtime.GoroutineID the
 * injector did not add) shows as dlerror()'s "undefined symbol" and exit 2.
 * Without it, it links to the c-archive's functions through its header
 * (-I the directory holding libqprobe.h).
 */
#include <pthread.h>
#include <stdio.h>

#ifdef QPROBE_DLOPEN
#include <dlfcn.h>
static void (*take)(void);
static int (*report)(void);
#else
#include "libqprobe.h"
#define take QcompatProbeTake
#define report QcompatProbeReport
#endif

#define WORKERS 8

static pthread_barrier_t called;

static void *worker(void *arg) {
	(void)arg;
	take();
	pthread_barrier_wait(&called);
	return NULL;
}

int main(int argc, char **argv) {
#ifdef QPROBE_DLOPEN
	if (argc < 2) {
		fprintf(stderr, "usage: %s LIBRARY.so\n", argv[0]);
		return 2;
	}
	void *lib = dlopen(argv[1], RTLD_NOW);
	if (lib == NULL) {
		fprintf(stderr, "qcompat-probe-host: %s\n", dlerror());
		return 2;
	}
	take = (void (*)(void))dlsym(lib, "QcompatProbeTake");
	report = (int (*)(void))dlsym(lib, "QcompatProbeReport");
	if (take == NULL || report == NULL) {
		fprintf(stderr, "qcompat-probe-host: %s\n", dlerror());
		return 2;
	}
#else
	(void)argc;
	(void)argv;
#endif
	take();
	pthread_t threads[WORKERS];
	if (pthread_barrier_init(&called, NULL, WORKERS) != 0) {
		fprintf(stderr, "qcompat-probe-host: cannot make a barrier\n");
		return 2;
	}
	for (int i = 0; i < WORKERS; i++) {
		if (pthread_create(&threads[i], NULL, worker, NULL) != 0) {
			fprintf(stderr, "qcompat-probe-host: cannot start a thread\n");
			return 2;
		}
	}
	for (int i = 0; i < WORKERS; i++) {
		if (pthread_join(threads[i], NULL) != 0) {
			fprintf(stderr, "qcompat-probe-host: cannot join a thread\n");
			return 2;
		}
	}
	return report();
}
