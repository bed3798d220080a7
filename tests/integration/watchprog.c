// SPDX-License-Identifier: GPL-2.0
/*
 * watchprog.c - the program the watch tests run: static, so that it also
 * runs in the VM's initramfs (harness/vm.sh --exec puts it at
 * /exec/<name>).  What it does is in its name:
 *
 *   ut-true    nothing: exit 0
 *   ut-warn    a real kernel WARNING: a write to ut_debug.ko's debugfs
 *              file "warn" (tests/kmod/ut_debug.c)
 *   ut-panic   a kernel panic: sysrq c
 *
 * Exit 0, or 1 with one line on stderr when its trigger cannot be written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int poke(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (n < 0) {
		fprintf(stderr, "watchprog: %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	(void)argc;
	printf("watchprog: %s\n", name);
	fflush(stdout);
	if (!strncmp(name, "ut-warn", 7))
		return poke("/sys/kernel/debug/ut_debug/warn", "1\n");
	if (!strncmp(name, "ut-panic", 8))
		return poke("/proc/sysrq-trigger", "c");
	return 0;
}
