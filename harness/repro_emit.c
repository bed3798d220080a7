// SPDX-License-Identifier: GPL-2.0
/*
 * repro_emit.c - a script (script.h) as a standalone C program: no undertow
 * headers, plain syscalls.  It makes its layers on a private tmpfs in its
 * own mount namespace, mounts the overlay, forks one process per role that
 * survived minimisation, each looping over its ops, and stops them after
 * argv[1] seconds (default 10).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ops.h"
#include "optsets.h"
#include "race_spin.h"
#include "repro.h"

#define OPS_MARK "\t\t/* op */ "

/* The C string literal of @s. */
static void put_str(FILE *m, const char *s)
{
	fputc('"', m);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', m);
		fputc(*s, m);
	}
	fputc('"', m);
}

static void put_dirfd(FILE *m, const struct ut_op *op, const struct ut_sstep *st)
{
	if (op->at == UT_AT_HELD)
		fprintf(m, "h[%d]", st->held >= 0 ? st->held : 0);
	else if (op->at == UT_AT_MERGED)
		fputs("root", m);
	else if (op->at == UT_AT_UPPER)
		fputs("U", m);
	else
		fprintf(m, "L[%d]", op->at - UT_AT_LOWER0);
}

static char layer_char(enum ut_where at)
{
	return at == UT_AT_UPPER ? 'u' : (char)('0' + (at - UT_AT_LOWER0));
}

static void put_step(FILE *m, const struct ut_emit *em, const struct ut_op *op,
		     const struct ut_sstep *st, const struct ut_op_c *oc)
{
	fputs(OPS_MARK, m);
	for (const char *t = oc->tmpl; *t; t++) {
		if (*t != '$') {
			fputc(*t, m);
			continue;
		}
		switch (*++t) {
		case 'D': put_dirfd(m, op, st); break;
		case 'A': put_str(m, st->a ? st->a : "."); break;
		case 'B': put_str(m, st->b ? st->b : "."); break;
		case 'X': fprintf(m, "%ld", op->arg); break;
		case 'L': fprintf(m, "'%c'", layer_char(op->at)); break;
		case 'O':
			put_str(m, ut_ovl_opaque_xattr(ut_opts_has(em->ovl_opts, "userxattr")));
			break;
		default: fputc(*t, m); break;
		}
	}
	fputc('\n', m);
}

static const char prelude[] =
	"#define _GNU_SOURCE\n#include <fcntl.h>\n#include <sched.h>\n#include <signal.h>\n"
	"#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
	"#include <linux/openat2.h>\n#include <sys/mount.h>\n#include <sys/stat.h>\n"
	"#include <sys/syscall.h>\n#include <sys/wait.h>\n#include <sys/xattr.h>\n#include <time.h>\n\n"
	"int root, U, L[4], go;\nchar buf[4096] = \"undertow was here\";\n\n"
	"static void die(const char *what)\n{\n\tperror(what);\n\texit(2);\n}\n\n"
	"static void closefd(long fd)\n{\n\tif (fd >= 0)\n\t\tclose((int)fd);\n}\n\n"
	"/* Set up (held dirfds open), then wait for the others: main closes the pipe. */\n"
	"static void start(void)\n{\n\tchar b;\n\n\tif (read(go, &b, 1) < 0)\n\t\t_exit(1);\n}\n\n";

static const char help_dir[] =
	"/* Read a directory to its end; with @stat, fstatat each entry. */\n"
	"static void readdir_fd(int fd, int stat)\n{\n\tchar d[4096];\n\tlong n;\n\n"
	"\twhile ((n = syscall(SYS_getdents64, fd, d, sizeof(d))) > 0)\n"
	"\t\tfor (long o = 0; o < n; o += *(unsigned short *)(d + o + 16)) {\n"
	"\t\t\tstruct stat st;\n\t\t\tconst char *name = d + o + 19;\n\n"
	"\t\t\tif (stat && strcmp(name, \".\") && strcmp(name, \"..\"))\n"
	"\t\t\t\tfstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW);\n\t\t}\n}\n\n";

static const char help_rmtree[] =
	"static void rmtree(int dfd, const char *name, int depth)\n{\n\tchar d[4096];\n"
	"\tlong n;\n\tint fd;\n\n\tif (!unlinkat(dfd, name, 0) || depth <= 0)\n\t\treturn;\n"
	"\tfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);\n\tif (fd < 0)\n"
	"\t\treturn;\n\twhile ((n = syscall(SYS_getdents64, fd, d, sizeof(d))) > 0)\n"
	"\t\tfor (long o = 0; o < n; o += *(unsigned short *)(d + o + 16))\n"
	"\t\t\tif (strcmp(d + o + 19, \".\") && strcmp(d + o + 19, \"..\"))\n"
	"\t\t\t\trmtree(fd, d + o + 19, depth - 1);\n\tclose(fd);\n"
	"\tunlinkat(dfd, name, AT_REMOVEDIR);\n}\n\n";

/* seed(): the layers' first contents, the scenario's seed table. */
static void put_seed(FILE *m, const struct ut_scenario *sc)
{
	fputs("/* The layers' first contents: \"L:path/\" dir, \"=text\" file, \"->t\" symlink, "
	      "\"!\" whiteout. */\nstatic const char *const seeds[] = {\n", m);
	for (const char *const *s = sc->seed; s && *s; s++) {
		fputc('\t', m);
		put_str(m, *s);
		fputs(",\n", m);
	}
	fputs("\tNULL\n};\n\n/* Seed layer @l into @dfd (only what is at or under @under, if given). */\n"
	      "static void seed(int dfd, char l, const char *under)\n{\n"
	      "\tfor (const char *const *s = seeds; *s; s++) {\n"
	      "\t\tchar p[4096], *e;\n\t\tsize_t n = under ? strlen(under) : 0;\n\t\tint fd;\n\n"
	      "\t\tif ((*s)[0] != l || (under && (strncmp(*s + 2, under, n) ||\n"
	      "\t\t    !strchr(\"/=!-\", (*s)[2 + n] ? (*s)[2 + n] : '/'))))\n\t\t\tcontinue;\n"
	      "\t\tsnprintf(p, sizeof(p), \"%s\", *s + 2);\n"
	      "\t\tif ((e = strstr(p, \"->\"))) {\n\t\t\t*e = 0;\n\t\t\tsymlinkat(e + 2, dfd, p);\n"
	      "\t\t} else if (p[strlen(p) - 1] == '/') {\n\t\t\tmkdirat(dfd, p, 0755);\n"
	      "\t\t} else if (p[strlen(p) - 1] == '!') {\n\t\t\tp[strlen(p) - 1] = 0;\n"
	      "\t\t\tmknodat(dfd, p, S_IFCHR, 0);\n\t\t} else {\n\t\t\te = strchr(p, '=');\n"
	      "\t\t\tif (e)\n\t\t\t\t*e++ = 0;\n"
	      "\t\t\tfd = openat(dfd, p, O_CREAT | O_WRONLY | O_TRUNC, 0644);\n"
	      "\t\t\tif (fd >= 0 && e && *e && write(fd, e, strlen(e)) < 0)\n"
	      "\t\t\t\tperror(p);\n\t\t\tclosefd(fd);\n\t\t}\n\t}\n}\n\n", m);
}

/* setup(): private namespace, tmpfs, layers, seed, overlay, dirfds. */
static void put_setup(FILE *m, const struct ut_emit *em)
{
	const struct ut_scenario *sc = em->sc;

	fputs("/* A fresh tmpfs with the seeded layers and the overlay on it, as each run has. */\n"
	      "static void setup(const char *base)\n{\n\tchar o[8192], p[4096];\n\tint n;\n\n"
	      "\tmkdir(base, 0755);\n"
	      "\tif (mount(\"tmpfs\", base, \"tmpfs\", 0, NULL) || chdir(base))\n"
	      "\t\tdie(base);\n", m);
	fprintf(m, "\tn = snprintf(o, sizeof(o), \"lowerdir=\");\n"
		"\tfor (int i = 0; i < %d; i++) {\n"
		"\t\tsnprintf(p, sizeof(p), \"l%%d\", i);\n\t\tmkdir(p, 0755);\n"
		"\t\tL[i] = open(p, O_RDONLY | O_DIRECTORY);\n"
		"\t\tseed(L[i], i < %d ? '0' + i : '0', NULL);\n"
		"\t\tn += snprintf(o + n, sizeof(o) - n, \"%%s%%s/%%s\", i ? \":\" : \"\", base, p);\n"
		"\t}\n", em->nlower, sc->lowers);
	if (!sc->no_upper)
		fputs("\tmkdir(\"u\", 0755);\n\tmkdir(\"w\", 0755);\n"
		      "\tU = open(\"u\", O_RDONLY | O_DIRECTORY);\n\tseed(U, 'u', NULL);\n"
		      "\tn += snprintf(o + n, sizeof(o) - n, \",upperdir=%s/u,workdir=%s/w\", base, "
		      "base);\n", m);
	if (em->ovl_opts && *em->ovl_opts) {
		fputs("\tsnprintf(o + n, sizeof(o) - n, \",%s\", ", m);
		put_str(m, em->ovl_opts);
		fputs(");\n", m);
	}
	fputs("\tmkdir(\"m\", 0755);\n\tif (mount(\"overlay\", \"m\", \"overlay\", 0, o))\n"
	      "\t\tdie(o);\n\troot = open(\"m\", O_RDONLY | O_DIRECTORY);\n}\n\n", m);
}

/* One process: its held dirfds, then its ops in a loop. */
static int put_proc(FILE *m, const struct ut_emit *em, const struct ut_script_proc *p,
		    char *why, size_t sz)
{
	const struct ut_op *ops = ut_role_ops(em->sc, p->role);
	const char *const *hold = em->sc->hold;

	fprintf(m, "static void %s%d(void)\n{\n\tstruct stat st;\n\tstruct statx stx;\n"
		"\tint fd, h[16] = { 0 };\n\n", p->role == UT_MUTATOR ? "mutator" : "worker",
		p->idx);
	for (int i = 0; p->role == UT_WORKER && hold && hold[i] && i < UT_MAX_HELD; i++) {
		fprintf(m, "\th[%d] = openat(root, ", i);
		put_str(m, hold[i]);
		fputs(", O_RDONLY | O_DIRECTORY);\n", m);
	}
	fputs("\t(void)st, (void)stx, (void)fd, (void)h;\n\tstart();\n", m);
	if (em->race)	/* both meet before every iteration; the late one spins its delay */
		fprintf(m, "\tpin_cpu(%d);\n\tfor (long i = 1;; i++) {\n\t\tmeet(i);\n"
			"\t\trepro_spin_ns(delay[%d]);\n", p->role, p->role);
	else
		fputs("\tfor (;;) {\n", m);
	for (int k = 0; k < p->n; k++) {
		const struct ut_op *op = &ops[p->steps[k].op];
		const struct ut_op_c *oc = ut_op_c_find(op->fn);

		if (!oc) {
			snprintf(why, sz, "op %s has no plain C form (only the ops of lib/ops.c "
				 "and lib/ops_meta.c have)", op->name);
			return -1;
		}
		put_step(m, em, op, &p->steps[k], oc);
	}
	fputs("\t}\n}\n\n", m);
	return 0;
}

/* The race form's parts: busy delays (race_spin.c), a two-process barrier, CPUs. */
static void put_race(FILE *m, const struct ut_emit *em)
{
	char spin[4096];

	ut_spin_source(spin, sizeof(spin));
	fprintf(m, "#include <stdint.h>\n#include <sys/mman.h>\n\n%s\n"
		"/* undertow --race's tuning: the mutator starts %lld ns after the worker\n"
		" * (negative: before), the best of its offsets (hit rate %.3f). */\n"
		"#define OFFSET_NS %lldLL\n#define SKEW_NS %lldLL\n\n"
		"static volatile long *met;\nstatic int64_t delay[2];\n\n"
		"/* Both processes arrive before iteration @i goes on. */\n"
		"static void meet(long i)\n{\n\t__atomic_add_fetch(met, 1, __ATOMIC_SEQ_CST);\n"
		"\tfor (int spins = 0; __atomic_load_n(met, __ATOMIC_ACQUIRE) < 2 * i; spins++)\n"
		"\t\tif (spins > 100000)\n\t\t\tsched_yield();\n}\n\n"
		"/* Worker and mutator on CPUs of their own, when there are two. */\n"
		"static void pin_cpu(int role)\n{\n\tcpu_set_t set;\n\n"
		"\tif (sysconf(_SC_NPROCESSORS_ONLN) < 2)\n\t\treturn;\n\tCPU_ZERO(&set);\n"
		"\tCPU_SET(role, &set);\n\tsched_setaffinity(0, sizeof(set), &set);\n}\n\n",
		spin, (long long)em->race->offset_ns, em->race->rate,
		(long long)em->race->offset_ns, (long long)em->race->skew_ns);
}

static unsigned helpers_used(const struct ut_emit *em)
{
	unsigned h = 0;

	for (int i = 0; i < em->script->nproc; i++) {
		const struct ut_script_proc *p = &em->script->p[i];

		for (int k = 0; k < p->n; k++) {
			const struct ut_op_c *oc =
				ut_op_c_find(ut_role_ops(em->sc, p->role)[p->steps[k].op].fn);

			h |= oc ? oc->helpers : 0;
		}
	}
	return h;
}

/*
 * main(): rounds of ROUND seconds, each on a fresh overlay, until SECONDS
 * pass: the processes start together at a barrier (a pipe closed), as a
 * run's do, and die with their round.  A round is what one attempt of
 * undertow was; a bug that needs a fresh mount gets one every round.
 */
static void put_main(FILE *m, const struct ut_script *s, double round_s, bool race)
{
	int n = 0;

	fprintf(m, "int main(int argc, char **argv)\n{\n"
		"\tvoid (*const role[])(void) = {");
	for (int i = 0; i < s->nproc; i++)
		if (s->p[i].n && ++n)
			fprintf(m, " %s%d,", s->p[i].role == UT_MUTATOR ? "mutator" : "worker",
				s->p[i].idx);
	fprintf(m, " };\n\tconst char *base = argc > 2 ? argv[2] : \"/tmp/undertow-repro\";\n"
		"\tint secs = argc > 1 ? atoi(argv[1]) : 10, round_ms = %d;\n"
		"\ttime_t end = time(NULL) + secs;\n\tpid_t pid[%d];\n\n"
		"\tif (unshare(CLONE_NEWNS) || mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE, NULL))\n"
		"\t\tdie(\"private mount namespace\");\n%s"
		"\tfor (int round = 0; !round || time(NULL) < end; round++) {\n"
		"\t\tint p[2];\n\n"
		"\t\tsetup(base);\n\t\tif (pipe(p))\n\t\t\tdie(\"pipe\");\n\t\tgo = p[0];\n%s"
		"\t\tfor (int i = 0; i < %d; i++)\n"
		"\t\t\tif (!(pid[i] = fork())) {\n\t\t\t\tclose(p[1]);\n"
		"\t\t\t\trole[i]();\n\t\t\t\t_exit(0);\n\t\t\t}\n"
		"\t\tusleep(100000);\t/* each opens its dirfds */\n"
		"\t\tclose(p[0]);\n\t\tclose(p[1]);\t/* go */\n\t\tusleep(round_ms * 1000);\n"
		"\t\tfor (int i = 0; i < %d; i++)\n\t\t\tkill(pid[i], SIGKILL);\n"
		"\t\t/* Bounded: a process stuck in the kernel is the kernel's finding. */\n"
		"\t\tfor (int t = 0; t < 50 && waitpid(-1, NULL, WNOHANG) >= 0; t++)\n"
		"\t\t\tusleep(100000);\n"
		"\t\tfor (int i = 0; i < 4; i++)\n\t\t\tclosefd(L[i]);\n"
		"\t\tclosefd(U);\n\t\tclosefd(root);\n\t\tif (chdir(\"/\"))\n\t\t\tdie(\"/\");\n"
		"\t\tumount2(base, MNT_DETACH);\t/* the overlay goes with it */\n"
		"\t}\n\treturn 0;\n}\n", (int)(round_s * 1000), n, race ? "\tmet = mmap(NULL, sizeof(*met), PROT_READ | "
		"PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);\n\tif (met == MAP_FAILED)\n"
		"\t\tdie(\"mmap\");\n\trepro_spin_calibrate();\n"
		"\trepro_delays(OFFSET_NS, SKEW_NS, delay);\n" : "", race ? "\t\t*met = 0;\n" : "",
		n, n);
}

char *ut_repro_emit_c(const struct ut_emit *em, char *why, size_t sz)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	unsigned h = helpers_used(em);
	int err = 0;

	if (!m) {
		snprintf(why, sz, "%s:%d: out of memory", __FILE__, __LINE__);
		return NULL;
	}
	fprintf(m, "/*\n%s *\n * Build: gcc -O2 -o repro repro.c\n"
		" * Run as root: ./repro [SECONDS [DIR]]  (then read dmesg)\n"
		" * Rounds of %g s, each on a fresh overlay, until SECONDS (default 10) pass.\n */\n",
		em->about ? em->about : "", em->round_s > 0 ? em->round_s : 2);
	fputs(prelude, m);
	if (em->race)
		put_race(m, em);
	if (h & UT_HELP_DIR)
		fputs(help_dir, m);
	if (h & UT_HELP_RMTREE)
		fputs(help_rmtree, m);
	put_seed(m, em->sc);
	put_setup(m, em);
	for (int i = 0; i < em->script->nproc && !err; i++)
		if (em->script->p[i].n)
			err = put_proc(m, em, &em->script->p[i], why, sz);
	put_main(m, em->script, em->round_s > 0 ? em->round_s : 2, em->race != NULL);
	fclose(m);
	if (err) {
		free(out);
		return NULL;
	}
	return out;
}

int ut_repro_op_lines(const char *c_text)
{
	int n = 0;

	for (const char *p = c_text; (p = strstr(p, OPS_MARK)); p++)
		n++;
	return n;
}
