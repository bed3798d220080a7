// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - what the engine costs: one worker running a single-op scenario
 * (fstatat through a held dirfd, no mutators) against a bare loop making
 * the same call on the same overlay, in the same run.  Rounds alternate so
 * both see the same machine; the best round of each is compared.
 *
 *   bench [SECONDS_PER_ROUND] [ROUNDS]      target: ratio >= 0.95
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "engine.h"
#include "layers.h"
#include "mount.h"
#include "ops.h"

static const struct ut_scenario bench_sc = {
	.name = "bench-fstatat-held",
	.desc = "fstatat through a held dirfd",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f="),
	.hold = UT_NAMES("d"),
	.names = UT_NAMES("f"),
	.workers = { { "fstatat_held", ut_op_stat, 1, UT_AT_HELD } },
};

static double engine_round(int merged_fd, double secs)
{
	struct ut_engine e = { .sc = &bench_sc, .nworkers = 1, .seed = 1 };
	double t0, rate;

	for (int w = 0; w < UT_AT_NR; w++)
		e.base.fd[w] = -1;
	e.base.fd[UT_AT_MERGED] = merged_fd;
	if (ut_engine_start(&e, 5))
		return -1;
	t0 = ut_now();
	ut_engine_go(&e);
	ut_sleep(secs);
	ut_engine_stop(&e);
	rate = e.sh->proc[0].seq / (ut_now() - t0);
	if (ut_engine_reap(&e, 5)) {
		ut_engine_kill(&e);
		ut_engine_reap(&e, 2);
	}
	ut_engine_free(&e);
	return rate;
}

/* The same call in a plain loop, in a child like the engine's worker. */
static double bare_round(int merged_fd, double secs)
{
	volatile struct { int stop; uint64_t n; } *sh;
	double t0, rate;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	t0 = ut_now();
	pid = fork();
	if (pid == 0) {
		int dfd = openat(merged_fd, "d", O_RDONLY | O_DIRECTORY);
		struct stat st;
		uint64_t n = 0;

		while (!sh->stop) {
			fstatat(dfd, "f", &st, AT_SYMLINK_NOFOLLOW);
			sh->n = ++n;
		}
		_exit(0);
	}
	ut_sleep(secs);
	sh->stop = 1;
	rate = sh->n / (ut_now() - t0);
	waitpid(pid, NULL, 0);
	munmap((void *)sh, sizeof(*sh));
	return rate;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0, best_e = 0, best_b = 0;
	int rounds = argc > 2 ? atoi(argv[2]) : 5, fd;
	char dir[] = "/tmp/undertow-bench.XXXXXX", sub[64], why[256];
	struct ut_layers lay;
	struct ut_mount_req req = { .nlower = 1 };
	struct ut_mount_res res;

	if (secs <= 0 || rounds < 1) {
		fprintf(stderr, "bench: usage: bench [SECONDS_PER_ROUND] [ROUNDS]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    !mkdtemp(dir)) {
		perror("bench: needs root for a private mount namespace");
		return 4;
	}
	snprintf(sub, sizeof(sub), "%s/s", dir);
	if (ut_layers_make(&lay, sub, 1, true, false, &(struct ut_backend_spec){ .ops = NULL }, why, sizeof(why))) {
		fprintf(stderr, "bench: %s\n", why);
		return 1;
	}
	fd = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ut_seed_layer(fd, bench_sc.seed, '0', NULL);
	close(fd);
	req.lower[0] = lay.lower[0];
	req.upper = lay.upper;
	req.work = lay.work;
	req.target = lay.merged;
	if (ut_ovl_mount(&req, &res)) {
		fprintf(stderr, "bench: overlay: %s\n", res.why);
		return 1;
	}
	fd = open(lay.merged, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < rounds; i++) {
		double b = bare_round(fd, secs), e = engine_round(fd, secs);

		printf("round %d: bare %.0f ops/s, engine %.0f ops/s\n", i + 1, b, e);
		best_b = b > best_b ? b : best_b;
		best_e = e > best_e ? e : best_e;
	}
	close(fd);
	umount2(lay.merged, 0);
	ut_layers_destroy(&lay);
	rmdir(dir);
	printf("bare loop: %.0f ops/s\nengine:    %.0f ops/s\nratio:     %.3f (target >= 0.95)\n",
	       best_b, best_e, best_e / best_b);
	return 0;
}
