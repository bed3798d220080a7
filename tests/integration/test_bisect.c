// SPDX-License-Identifier: GPL-2.0
/*
 * test_bisect.c - harness/bisect (the `git bisect run` helper) end to end in
 * module mode: a throw-away git repository holds fs/overlayfs of Debian's
 * linux-source-6.1 in four commits, the third of which adds a WARN_ON_ONCE
 * that only a lower directory renamed while mounted reaches.  git bisect
 * run with the helper must name that commit.  Then two commits the helper
 * must answer 125 for: one whose overlayfs does not build, and one whose
 * overlay.ko does not load (overlay unavailable: a skip, not a good).
 *
 * Everything is bounded; the times of each stage go to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define CACHE	"/var/cache/undertow"

/*
 * fs/overlayfs of linux-source-6.1, extracted once into the cache; prints
 * its directory.  A linux-source-6.1 .deb anywhere in the cache (another
 * helper may have fetched it) is used if it is whole, else apt-get
 * download, through a scratch directory so the cache only holds whole
 * files.
 */
static const char src_script[] =
	"set -eu\n"
	"cache=" CACHE "; src=$cache/bisect/linux-source-6.1\n"
	"mkdir -p \"$cache/bisect\" \"$cache/debs\"\n"
	"exec 9>\"$cache/bisect/.lock\"; flock 9\n"
	"if [ ! -f \"$src/.complete\" ]; then\n"
	"  size=$(apt-cache show --no-all-versions linux-source-6.1 | awk '$1 == \"Size:\" { print $2; exit }')\n"
	"  deb=\n"
	"  for f in $(find \"$cache\" -name 'linux-source-6.1_*_all.deb' -type f 2>/dev/null); do\n"
	"    [ \"$(stat -c %s \"$f\")\" = \"$size\" ] && { deb=$f; break; }\n"
	"  done\n"
	"  if [ -z \"$deb\" ]; then\n"
	"    echo \"apt-get download linux-source-6.1 into $cache/debs\" >&2\n"
	"    tmp=$(mktemp -d \"$cache/debs/download.XXXXXX\")\n"
	"    (cd \"$tmp\" && apt-get download linux-source-6.1 >/dev/null 2>&1) || { rm -rf \"$tmp\"; exit 1; }\n"
	"    mv \"$tmp\"/*.deb \"$cache/debs/\"; rm -rf \"$tmp\"\n"
	"    deb=$(ls -t \"$cache\"/debs/linux-source-6.1_*_all.deb | head -n 1)\n"
	"  fi\n"
	"  echo \"extracting fs/overlayfs from $deb\" >&2\n"
	"  rm -rf \"$src.tmp\"; mkdir -p \"$src.tmp\"\n"
	"  dpkg-deb --fsys-tarfile \"$deb\" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |\n"
	"    tar -xJ -C \"$src.tmp\" --strip-components=1 --wildcards '*/fs/overlayfs/*'\n"
	"  [ -f \"$src.tmp/fs/overlayfs/namei.c\" ]\n"
	"  basename \"$deb\" > \"$src.tmp/.source\"\n"
	"  rm -rf \"$src\"; mv \"$src.tmp\" \"$src\"; touch \"$src/.complete\"\n"
	"fi\n"
	"echo \"$src\"\n";

/* Commit (3): warn in ovl_lookup() and ovl_iterate() when a merged dir's lower moved. */
static const char warn_patch[] =
	"--- a/fs/overlayfs/overlayfs.h\n"
	"+++ b/fs/overlayfs/overlayfs.h\n"
	"@@ -373,6 +373,7 @@\n"
	" enum ovl_path_type ovl_path_real(struct dentry *dentry, struct path *path);\n"
	" enum ovl_path_type ovl_path_realdata(struct dentry *dentry, struct path *path);\n"
	" struct dentry *ovl_dentry_upper(struct dentry *dentry);\n"
	"+void ovl_check_lower_dir(struct dentry *dir);\n"
	" struct dentry *ovl_dentry_lower(struct dentry *dentry);\n"
	" struct dentry *ovl_dentry_lowerdata(struct dentry *dentry);\n"
	" const struct ovl_layer *ovl_i_layer_lower(struct inode *inode);\n"
	"--- a/fs/overlayfs/namei.c\n"
	"+++ b/fs/overlayfs/namei.c\n"
	"@@ -826,6 +826,27 @@\n"
	" \treturn err;\n"
	" }\n"
	" \n"
	"+/*\n"
	"+ * Deliberate bug for undertow's bisect test: warn when a merged directory\n"
	"+ * (not the root, no upper) follows a lower directory that was renamed\n"
	"+ * underneath, i.e. whose name is no longer the merged dentry's own.\n"
	"+ */\n"
	"+void ovl_check_lower_dir(struct dentry *dir)\n"
	"+{\n"
	"+\tstruct ovl_entry *oe = OVL_E(dir);\n"
	"+\tstruct dentry *lower;\n"
	"+\tbool moved;\n"
	"+\n"
	"+\tif (IS_ROOT(dir) || ovl_dentry_upper(dir) || !oe->numlower)\n"
	"+\t\treturn;\n"
	"+\tlower = oe->lowerstack[0].dentry;\n"
	"+\tspin_lock(&lower->d_lock);\n"
	"+\tmoved = lower->d_name.len != dir->d_name.len ||\n"
	"+\t\tmemcmp(lower->d_name.name, dir->d_name.name, dir->d_name.len);\n"
	"+\tspin_unlock(&lower->d_lock);\n"
	"+\tWARN_ON_ONCE(moved);\n"
	"+}\n"
	"+\n"
	" struct dentry *ovl_lookup(struct inode *dir, struct dentry *dentry,\n"
	" \t\t\t  unsigned int flags)\n"
	" {\n"
	"@@ -860,6 +881,7 @@\n"
	" \tif (dentry->d_name.len > ofs->namelen)\n"
	" \t\treturn ERR_PTR(-ENAMETOOLONG);\n"
	" \n"
	"+\tovl_check_lower_dir(dentry->d_parent);\n"
	" \told_cred = ovl_override_creds(dentry->d_sb);\n"
	" \tupperdir = ovl_dentry_upper(dentry->d_parent);\n"
	" \tif (upperdir) {\n"
	"--- a/fs/overlayfs/readdir.c\n"
	"+++ b/fs/overlayfs/readdir.c\n"
	"@@ -737,6 +737,7 @@\n"
	" \tconst struct cred *old_cred;\n"
	" \tint err;\n"
	" \n"
	"+\tovl_check_lower_dir(dentry);\n"
	" \told_cred = ovl_override_creds(dentry->d_sb);\n"
	" \tif (!ctx->pos)\n"
	" \t\tovl_dir_reset(file);\n"
	;

/*
 * $1 = the extracted source, $2 = the patch.  Commits: (1) the original
 * sources, (2) a comment, (3) the WARN, (4) another comment; then on a
 * branch off (1): (5) overlayfs that does not build, and on another (6)
 * an overlay.ko whose init fails.  Prints the six hashes.
 */
static const char repo_script[] =
	"set -eu\n"
	"git init -q -b master repo && cd repo\n"
	"git config user.name 'undertow test'; git config user.email test@undertow.invalid\n"
	"git config commit.gpgsign false\n"
	"c() { git add -A && git commit -q -m \"$1\" && git rev-parse HEAD; }\n"
	"mkdir fs && cp -a \"$1/fs/overlayfs\" fs/\n"
	"c 'overlayfs: as in linux-source-6.1'\n"
	"echo '/* undertow bisect test: a harmless comment */' >> fs/overlayfs/super.c\n"
	"c 'overlayfs: a comment'\n"
	"printf '%s' \"$2\" | git apply\n"
	"grep -q 'ovl_check_lower_dir(dentry);' fs/overlayfs/readdir.c\n"
	"c 'overlayfs: warn when a lower dir was renamed underneath'\n"
	"echo '/* undertow bisect test: another harmless comment */' >> fs/overlayfs/util.c\n"
	"c 'overlayfs: another comment'\n"
	"git checkout -q -b nobuild HEAD~3\n"
	"echo '#error undertow bisect test: this commit does not build' >> fs/overlayfs/util.c\n"
	"c 'overlayfs: does not build'\n"
	"git checkout -q -b noload master~3\n"
	"sed -i '/^static int __init ovl_init(void)$/,/^}/ s/^\\tint err;$/&\\n\\n\\treturn -ENODEV;/' "
	"fs/overlayfs/super.c\n"
	"grep -q '^.return -ENODEV;$' fs/overlayfs/super.c\n"
	"c 'overlayfs: init fails'\n"
	"git checkout -q master\n";

/* In repo: $1 = helper, $2 = results, $3 = good, $4 = bad. */
static const char bisect_script[] =
	"cd repo || exit 2\n"
	"git bisect start \"$4\" \"$3\" >/dev/null || exit 2\n"
	"git bisect run \"$1\" --runs 2 -t 2 --results \"$2\" lower-dir-rename\n"
	"rc=$?\n"
	"echo '--- bisect log'\n"
	"git bisect log\n"
	"git bisect reset >/dev/null 2>&1\n"
	"exit $rc\n";

/* In repo: $1 = helper, $2 = results, $3 = commit. */
static const char step_script[] =
	"cd repo && git checkout -q \"$3\" || exit 2\n"
	"\"$1\" --runs 1 -t 1 --results \"$2\" lower-dir-rename\n"
	"rc=$?\n"
	"git checkout -q master\n"
	"exit $rc\n";

static struct proc_out bash(const char *script, const char *cwd, double timeout_s,
			    const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { "/bin/bash", "-c", (char *)script, "test-bisect", (char *)a1, (char *)a2,
			 (char *)a3, (char *)a4, NULL };
	struct run_opts o = { .timeout_s = timeout_s, .cwd = cwd, .exec_argv = true };

	return run_undertow_ex(argv, &o);
}

/* The n-th line of s (0-based), in a new string. */
static char *line_at(const char *s, int n)
{
	const char *e;

	while (n-- > 0 && s && (s = strchr(s, '\n')))
		s++;
	if (!s || !*s)
		return NULL;
	e = strchrnul(s, '\n');
	return it_fmt("%.*s", (int)(e - s), s);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

START_TEST(test_bisect_module_mode)
{
	char *dir = it_mkdtemp("bisect"), *helper = realpath("harness/bisect", NULL);
	char *src, *res, *c[6], *want, *s1, *s2, *s3;
	double t0 = it_now(), t;
	struct proc_out p;

	ck_assert_msg(dir, "mkdtemp");
	ck_assert_msg(helper, "harness/bisect not found from the working directory");

	/* fs/overlayfs of linux-source-6.1 (cached after the first time). */
	t = it_now();
	p = bash(src_script, dir, 150, NULL, NULL, NULL, NULL);
	ck_assert_msg(p.exit_code == 0, "linux-source-6.1: %s", proc_desc(&p));
	src = line_at(p.out, 0);
	ck_assert_msg(src, "%s", p.out);
	s1 = it_fmt("%s/fs/overlayfs/namei.c", src);
	ck_assert_msg(it_exists(s1), "%s", p.out);
	free(s1);
	fprintf(stderr, "test_bisect: linux-source-6.1 fs/overlayfs ready in %.1f s\n", it_now() - t);
	proc_out_free(&p);

	/* The throw-away repository. */
	p = bash(repo_script, dir, 30, src, warn_patch, NULL, NULL);
	ck_assert_msg(p.exit_code == 0, "making the repository: %s\n%s", proc_desc(&p), p.out);
	for (int i = 0; i < 6; i++) {
		c[i] = line_at(p.out, i);
		ck_assert_msg(c[i] && strlen(c[i]) == 40, "commit %d: %s", i + 1, p.out);
	}
	proc_out_free(&p);

	/* git bisect run names (3), having judged (2) good and (3) bad. */
	t = it_now();
	res = it_fmt("%s/results", dir);
	p = bash(bisect_script, dir, 270, helper, res, c[0], c[3]);
	fprintf(stderr, "test_bisect: git bisect run took %.1f s\n", it_now() - t);
	want = it_fmt("%s is the first bad commit", c[2]);
	ck_assert_msg(p.exit_code == 0 && strstr(p.out, want),
		      "want '%s': %s\nstdout:\n%s", want, proc_desc(&p), p.out);
	s2 = it_fmt("git bisect good %s", c[1]);
	s3 = it_fmt("git bisect bad %s", c[2]);
	ck_assert_msg(strstr(p.out, s2), "(2) not good:\n%s", p.out);
	ck_assert_msg(strstr(p.out, s3), "(3) not bad:\n%s", p.out);
	free(s2);
	free(s3);
	free(want);
	/* Two steps: one good after 2 clean runs, one bad at its first run. */
	ck_assert_msg(count(p.err, "result: good: 2 run(s)") == 1 && count(p.err, "result: bad") == 1 &&
		      !strstr(p.err, "cannot test"), "helper steps:\n%s", p.err);
	ck_assert_msg(strstr(p.err, "lower-dir-rename: crash: kernel: WARNING:") &&
		      strstr(p.err, "ovl_check_lower_dir"), "the bad step's reason:\n%s", p.err);
	proc_out_free(&p);

	/* A commit whose overlayfs does not build: 125, no VM. */
	t = it_now();
	p = bash(step_script, dir, 45, helper, res, c[4], NULL);
	ck_assert_msg(p.exit_code == 125, "does not build: %s", proc_desc(&p));
	ck_assert_msg(strstr(p.err, "build: fs/overlayfs failed") && !strstr(p.err, "vm.sh"),
		      "%s", p.err);
	fprintf(stderr, "test_bisect: a commit that does not build: 125 in %.1f s\n", it_now() - t);
	proc_out_free(&p);

	/* A commit whose overlay.ko does not load: overlay unavailable, 125 not good. */
	t = it_now();
	p = bash(step_script, dir, 90, helper, res, c[5], NULL);
	ck_assert_msg(p.exit_code == 125, "does not load: %s", proc_desc(&p));
	ck_assert_msg(strstr(p.err, "run 1/1: lower-dir-rename: skip: ") &&
		      strstr(p.err, "cannot test this commit (exit 125)"), "%s", p.err);
	fprintf(stderr, "test_bisect: a commit whose module does not load: 125 in %.1f s\n",
		it_now() - t);
	proc_out_free(&p);

	fprintf(stderr, "test_bisect: whole test %.1f s\n", it_now() - t0);
	for (int i = 0; i < 6; i++)
		free(c[i]);
	free(src);
	free(helper);
	free(res);
	free(dir);
}
END_TEST

Suite *bisect_suite(void)
{
	Suite *s = suite_create("bisect");
	TCase *tc = tcase_create("bisect");

	/* Bounds: source 150 + repository 30 + bisect 270 + 45 + 90 s < 10 min. */
	tcase_set_timeout(tc, 595);
	tcase_add_test(tc, test_bisect_module_mode);
	suite_add_tcase(s, tc);
	return s;
}
