/* Calls the Go archive from the main thread and from 4 pthreads, several
 * times each, and prints one line per call: "<thread> id=<N> mode=<mode>".
 * Exits 1 when a call's goid.ID() disagreed with runtime.Stack's ID. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib.h"

static int failed;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *calls(void *arg) {
	long t = (long)arg;
	for (int i = 0; i < 3; i++) {
		unsigned long long id = QcompatCheck();
		char *mode = QcompatMode();
		pthread_mutex_lock(&mu);
		printf("thread%ld id=%llu mode=%s\n", t, id, mode);
		if (id == 0)
			failed = 1;
		pthread_mutex_unlock(&mu);
		free(mode);
	}
	return NULL;
}

int main(void) {
	pthread_t th[4];
	calls((void *)0L);
	for (long t = 1; t <= 4; t++)
		if (pthread_create(&th[t - 1], NULL, calls, (void *)t) != 0)
			return 2;
	for (int t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	return failed;
}
