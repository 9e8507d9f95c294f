/* python.c — the warm Python runtime.
 *
 * The zygote initialises CPython once (utf-8 mode, no signal handlers, no
 * bytecode writing), imports the modules most programs use and freezes the
 * garbage collector's view of them, so children forked from it share those
 * pages instead of copying them on the first collection. A child runs one
 * program the way `python3 main.py` does: __main__ with __file__, sys.argv,
 * /box first on sys.path, tracebacks on stderr and exit status 1,
 * sys.exit(n) and os._exit(n) giving n; atexit handlers run, and the
 * output is flushed before the process ends.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <string.h>

#include "runtime/python.h"

/* Imported in the zygote: a child then finds them in sys.modules. */
static const char PY_WARM[] =
    "import os, sys, io, math, json, re, collections, itertools, functools, random, string,"
    " time, datetime, heapq, bisect, decimal, fractions, typing, dataclasses, statistics,"
    " copy, operator, textwrap, traceback, atexit, array, struct, enum, abc, contextlib\n"
    "import gc\n"
    "gc.collect()\n"
    "gc.freeze()\n";

/* The end of every run: atexit handlers, then flushed output. */
static const char PY_FINISH[] =
    "import atexit, sys\n"
    "atexit._run_exitfuncs()\n"
    "for s in (sys.stdout, sys.stderr):\n"
    "    try: s.flush()\n"
    "    except Exception: pass\n";

/* What a typical small program touches, printed into a throw-away buffer. */
static const char PY_WARMUP[] =
    "import sys, io\n"
    "_out, sys.stdout = sys.stdout, io.StringIO()\n"
    "exec(compile('print(2 + 2)\\nx = [i * i for i in range(10)]\\n', 'warm', 'exec'), {})\n"
    "sys.stdout = _out\n";

/* Compiled in the zygote; children share them. */
static PyObject *finish_code, *warm_code;

static int py_init(char *version, size_t versionlen, char *err, size_t errlen)
{
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    pre.utf8_mode = 1;
    PyStatus st = Py_PreInitialize(&pre);
    PyConfig cfg;
    PyConfig_InitPythonConfig(&cfg);
    cfg.install_signal_handlers = 0; /* the supervisor owns signals */
    cfg.parse_argv = 0;
    cfg.write_bytecode = 0;
    cfg.user_site_directory = 0;
    /* Unbuffered like `python3 -u`: a run killed at a limit still shows
     * what it printed (the exec definition sets PYTHONUNBUFFERED too). */
    cfg.buffered_stdio = 0;
    if (!PyStatus_Exception(st))
        st = PyConfig_SetString(&cfg, &cfg.program_name, L"/usr/bin/python3");
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&cfg);
    PyConfig_Clear(&cfg);
    if (PyStatus_Exception(st)) {
        snprintf(err, errlen, "python: %s", st.err_msg ? st.err_msg : "initialisation failed");
        return -1;
    }
    if (PyRun_SimpleString(PY_WARM) < 0) {
        snprintf(err, errlen, "python: importing the common modules failed");
        return -1;
    }
    /* Compiled once here, run by every child at its end. */
    finish_code = Py_CompileString(PY_FINISH, "<kiln>", Py_file_input);
    warm_code = Py_CompileString(PY_WARMUP, "<kiln>", Py_file_input);
    if (!finish_code || !warm_code) {
        snprintf(err, errlen, "python: compiling kiln's own code failed");
        return -1;
    }
    snprintf(version, versionlen, "%.*s", (int)strcspn(Py_GetVersion(), " "), Py_GetVersion());
    return 0;
}

static void py_before_fork(void)
{
    PyOS_BeforeFork();
}

static void py_after_fork_parent(void)
{
    PyOS_AfterFork_Parent();
}

static void py_after_fork_child(void)
{
    PyOS_AfterFork_Child();
}

/* A small program through the same machinery a request uses (compile,
 * run, print, the end-of-run code), with its output thrown away: the child
 * takes its copy-on-write faults now, not while a request waits. */
static int py_prepare(const struct kiln_limits *l, char *err, size_t errlen)
{
    (void)l; /* the cgroup bounds Python's memory; it has no heap of its own to limit */
    PyObject *globals = PyDict_New(), *res = NULL;
    if (globals && PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0)
        res = PyEval_EvalCode(warm_code, globals, globals);
    Py_XDECREF(res);
    Py_XDECREF(globals);
    if (!res) {
        PyErr_Clear();
        snprintf(err, errlen, "python: warm-up failed");
        return -1;
    }
    return 0;
}

/* SystemExit's code as `python3` turns it into an exit status. */
static int system_exit_status(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *code = value ? PyObject_GetAttrString(value, "code") : NULL;
    int status = 0;
    if (code && PyLong_Check(code))
        status = (int)(PyLong_AsLong(code) & 0xff);
    else if (code && code != Py_None) {
        PyObject *err = PySys_GetObject("stderr"); /* borrowed */
        if (err && PyFile_WriteObject(code, err, Py_PRINT_RAW) == 0)
            PyFile_WriteString("\n", err);
        status = 1;
    }
    PyErr_Clear();
    Py_XDECREF(code);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return status;
}

static int set_argv(const struct zygote_job *job)
{
    PyObject *argv = PyList_New(0), *s;
    if (!argv)
        return -1;
    char path[1100];
    snprintf(path, sizeof path, "/box/%s", job->entry);
    s = PyUnicode_DecodeFSDefault(job->entry);
    int bad = !s || PyList_Append(argv, s) < 0;
    Py_XDECREF(s);
    for (size_t i = 0; !bad && i < job->nargs; i++) {
        s = PyUnicode_DecodeFSDefault(job->args[i]);
        bad = !s || PyList_Append(argv, s) < 0;
        Py_XDECREF(s);
    }
    PyObject *sys_path = PySys_GetObject("path"), *box = PyUnicode_FromString("/box");
    bad = bad || PySys_SetObject("argv", argv) < 0 || !sys_path || !box ||
          PyList_Insert(sys_path, 0, box) < 0;
    Py_XDECREF(box);
    Py_DECREF(argv);
    return bad ? -1 : 0;
}

static void finish(void)
{
    PyObject *globals = PyDict_New(), *res = NULL;
    if (globals && PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0)
        res = PyEval_EvalCode(finish_code, globals, globals);
    Py_XDECREF(res);
    Py_XDECREF(globals);
    PyErr_Clear();
}

static int py_run(struct zygote_job *job)
{
    char path[1100];
    snprintf(path, sizeof path, "/box/%s", job->entry);
    FILE *fp = fopen(job->entry, "rb");
    if (!fp || set_argv(job) < 0) {
        fprintf(stderr, "python3: can't open file '%s'\n", path);
        return 2;
    }
    PyObject *main = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *globals = main ? PyModule_GetDict(main) : NULL;
    PyObject *file = PyUnicode_DecodeFSDefault(path);
    if (!globals || !file || PyDict_SetItemString(globals, "__file__", file) < 0) {
        Py_XDECREF(file);
        fclose(fp);
        return 1;
    }
    Py_DECREF(file);
    PyObject *res = PyRun_FileExFlags(fp, path, Py_file_input, globals, globals, 1, NULL);
    int status = 0;
    if (!res && PyErr_ExceptionMatches(PyExc_SystemExit))
        status = system_exit_status();
    else if (!res) {
        PyErr_Print();
        status = 1;
    }
    Py_XDECREF(res);
    finish();
    return status;
}

const struct zygote_runtime python_runtime = {
    .name = "python",
    .init = py_init,
    .before_fork = py_before_fork,
    .after_fork_parent = py_after_fork_parent,
    .after_fork_child = py_after_fork_child,
    .prepare = py_prepare,
    .run = py_run,
};
