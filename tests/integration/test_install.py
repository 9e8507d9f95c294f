"""`make install` and programs built against the installed library.

Installs into build/install-test (the PREFIX that `make check` builds the
install flavor for, so that here make only copies), then checks the tree, the
installed CLI with its own compiled-in paths (language definitions, the V8
runtime beside its libnode), and builds examples/*.c with pkg-config, against
libkiln.so and against libkiln.a, and runs them.
"""

import os
import shutil
import subprocess

from harness import check, eq, test

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PREFIX = os.path.join(ROOT, "build", "install-test")
INSTALLED = ["bin/kiln", "include/kiln.h", "lib/libkiln.a", "lib/libkiln.so", "lib/libkiln.so.0",
             "lib/pkgconfig/kiln.pc", "lib/kiln/kiln_v8.so", "lib/kiln/libnode.so.108",
             "share/kiln/languages/c.lang", "share/kiln/languages/go.lang",
             "share/man/man1/kiln.1"]


def sh(argv, env=None, timeout=600, what=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("KILN_")}
    e.update(env or {})
    p = subprocess.run(argv, cwd=ROOT, env=e, capture_output=True, text=True, timeout=timeout)
    check(p.returncode == 0, f"{what or argv}: exit {p.returncode}: {p.stderr[-3000:]}")
    return p.stdout


def pkg_config(*args):
    env = {"PKG_CONFIG_PATH": os.path.join(PREFIX, "lib", "pkgconfig")}
    return sh(["pkg-config", *args, "kiln"], env=env).split()


def installed():
    shutil.rmtree(PREFIX, ignore_errors=True)
    sh(["make", "-s", "--no-print-directory", "install", f"PREFIX={PREFIX}"], what="make install")
    for f in INSTALLED:
        check(os.path.exists(os.path.join(PREFIX, f)), f"make install did not install {f}")


def build_example(name, static):
    src = os.path.join(ROOT, "examples", f"{name}.c")
    out = os.path.join(PREFIX, f"{name}-{'static' if static else 'shared'}")
    if static:  # the archive itself, and what it needs, from kiln.pc's private fields
        libs = [os.path.join(PREFIX, "lib", "libkiln.a") if w == "-lkiln" else w
                for w in pkg_config("--static", "--libs")]
    else:
        # The zygote is a fresh exec of the program with a clean environment,
        # so LD_LIBRARY_PATH does not reach it: outside the linker's default
        # folders, libkiln.so is found through the program's rpath.
        libs = pkg_config("--libs") + [f"-Wl,-rpath,{os.path.join(PREFIX, 'lib')}"]
    sh(["cc", "-Wall", "-Wextra", "-Werror", "-o", out, src, *pkg_config("--cflags"), *libs],
       what=f"building examples/{name}.c ({'static' if static else 'shared'})")
    return out


@test(exclusive=True, timeout=900)
def install_tree_cli_and_examples():
    installed()
    kiln = os.path.join(PREFIX, "bin", "kiln")
    # The installed CLI reads the installed definitions, not the source tree's.
    out = sh([kiln, "languages"])
    check("go " in out and "available" in out, f"installed kiln languages: {out[:500]}")
    eq(sh([kiln, "eval", "-l", "python", "print(6*7)"]), "42\n", "installed kiln, python")
    # The V8 runtime dlopened from PREFIX/lib/kiln, its libnode found beside it.
    eq(sh([kiln, "eval", "-l", "js", "console.log([1,2,3].map(x => x * x).join(' '))"]),
       "1 4 9\n", "installed kiln, javascript")

    for static in (False, True):
        run_python = build_example("run_python", static)
        out = sh([run_python, "import sys; print(sum(range(10)), sys.version_info[0])"])
        check(out.startswith("45 3\nstatus OK, exit 0, "), f"run_python printed {out!r}")
    judge = build_example("judge_c", static=False)
    out = sh([judge])
    check("case 4: RE, exit 2, wrong answer" in out and out.endswith("3 of 4 accepted\n"),
          f"judge_c printed {out!r}")
    session = build_example("session", static=False)
    out = sh([session, "import math", "r = 2", "math.pi * r ** 2", "x = 1", "r + x"])
    eq(out, "12.566370614359172\n3\ncells 5, alive\n", "session kept r and x across cells")
    events = build_example("events", static=False)
    # One write per line: print() may write "1" and "\n" apart, and each
    # write can be a chunk of its own.
    out = sh([events, "import os, time\nos.write(1, b'1\\n')\ntime.sleep(0.5)\n"
                      "os.write(1, b'2\\n')"])
    timed = [line.split(" s ", 1) for line in out.splitlines()]
    eq([what for _, what in timed], ["run started", "stdout: 1", "stdout: 2", "status OK, exit 0"],
       f"events printed {out!r}")
    check(float(timed[2][0]) - float(timed[1][0]) >= 0.4,
          f"each chunk when it was written, not with the end: {out!r}")
    # The shared example really uses the shared library.
    deps = sh(["ldd", os.path.join(PREFIX, "run_python-shared")])
    check("libkiln.so.0" in deps, f"run_python-shared does not link libkiln.so: {deps}")
