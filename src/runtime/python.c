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

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/python.h"
#include "util/buf.h"

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

/* The rehearsal each child runs before its request (py_prepare): a small
 * program through PyRun_FileExFlags, printing to the real sys.stdout. */
static const char PY_REHEARSAL[] = "print(2 + 2)\nx = [i * i for i in range(10)]\n";

/* What the rehearsal runs after the program: flushes only. The atexit
 * handlers belong to the request (a module imported in the zygote
 * registered one), so they are not run here. */
static const char PY_REHEARSAL_END[] =
    "import sys\n"
    "for s in (sys.stdout, sys.stderr):\n"
    "    s.flush()\n";

/* Interpret mode (zygote_job.interpret): the program is parsed, its last
 * statement split off when it is an expression, the rest run as a module
 * body, then that expression evaluated: its value is written to the value
 * fd as repr, a NUL, and json.dumps when it has a JSON form. Top-level
 * await is allowed (the code then runs on one event loop per process,
 * kept across a session's cells). Errors print as `python3` prints them,
 * without this driver's frames; SystemExit goes up to the caller. */
static const char PY_INTERPRET[] =
    "def interpret(source, filename, g, context, value_fd, session):\n"
    "    import ast, json, os, sys, traceback\n"
    "    if session:\n"
    "        sys.stdin = open(0, closefd=False)\n"
    "    if context is not None:\n"
    "        g['context'] = json.loads(context)\n"
    "    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT\n"
    "    def run(code):\n"
    "        value = eval(code, g)\n"
    "        if code.co_flags & 0x80:\n"
    "            import asyncio\n"
    "            loop = state.get('loop')\n"
    "            if loop is None:\n"
    "                loop = state['loop'] = asyncio.new_event_loop()\n"
    "            value = loop.run_until_complete(value)\n"
    "        return value\n"
    "    try:\n"
    "        tree = compile(source, filename, 'exec', ast.PyCF_ONLY_AST | flags)\n"
    "        last = None\n"
    "        if tree.body and isinstance(tree.body[-1], ast.Expr):\n"
    "            last = ast.Expression(tree.body.pop().value)\n"
    "        run(compile(tree, filename, 'exec', flags))\n"
    "        if last is None:\n"
    "            return 0\n"
    "        value = run(compile(last, filename, 'eval', flags))\n"
    "    except (SystemExit, MemoryError):\n"
    "        raise\n"
    "    except BaseException as e:\n"
    "        tb = e.__traceback__\n"
    "        while tb is not None and tb.tb_frame.f_code.co_filename == '<kiln>':\n"
    "            tb = tb.tb_next\n"
    "        traceback.print_exception(type(e), e, tb)\n"
    "        return 1\n"
    "    try:\n"
    "        text = repr(value)\n"
    "    except Exception as e:\n"
    "        text = '<repr failed: %s: %s>' % (type(e).__name__, e)\n"
    "    try:\n"
    "        js = json.dumps(value, allow_nan=False)\n"
    "    except Exception:\n"
    "        js = ''\n"
    "    data = text.encode('utf-8', 'backslashreplace') + b'\\0' + js.encode()\n"
    "    while data:\n"
    "        data = data[os.write(value_fd, data):]\n"
    "    return 0\n"
    "state = {}\n";

/* Compiled in the zygote; children share them. */
static PyObject *finish_code, *rehearsal_end_code, *interpret_fn;

/* Runs code in a fresh dict that sees only the builtins; 0 or -1. */
static int eval_in_scratch(PyObject *code)
{
    PyObject *globals = PyDict_New(), *res = NULL;
    if (globals && PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0)
        res = PyEval_EvalCode(code, globals, globals);
    Py_XDECREF(globals);
    if (!res)
        return -1;
    Py_DECREF(res);
    return 0;
}

/* The interpret driver, in a module dict of its own: a program sees
 * nothing of it in its globals. */
static int load_interpreter(void)
{
    PyObject *code = Py_CompileString(PY_INTERPRET, "<kiln>", Py_file_input);
    PyObject *globals = PyDict_New(), *res = NULL;
    if (code && globals && PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0)
        res = PyEval_EvalCode(code, globals, globals);
    if (res)
        interpret_fn = PyDict_GetItemString(globals, "interpret"); /* borrowed, kept by globals */
    Py_XINCREF(interpret_fn);
    Py_XDECREF(res);
    Py_XDECREF(code);
    Py_XDECREF(globals);
    return interpret_fn ? 0 : -1;
}

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
    /* In a scratch dict, not __main__'s: a program sees in its globals
     * only what `python3 main.py` would show it, the modules are in
     * sys.modules all the same. */
    PyObject *warm = Py_CompileString(PY_WARM, "<kiln>", Py_file_input);
    int warmed = warm && eval_in_scratch(warm) == 0;
    Py_XDECREF(warm);
    if (!warmed) {
        snprintf(err, errlen, "python: importing the common modules failed");
        return -1;
    }
    /* Compiled once here, run by every child at its end. */
    finish_code = Py_CompileString(PY_FINISH, "<kiln>", Py_file_input);
    rehearsal_end_code = Py_CompileString(PY_REHEARSAL_END, "<kiln>", Py_file_input);
    if (!finish_code || !rehearsal_end_code || load_interpreter() < 0) {
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

/* A SIGINT raises KeyboardInterrupt, as under `python3`: an interactive
 * client's Ctrl-C (kiln_request.signal_fd). The zygote installs no
 * handlers, and only a child runs programs. */
static void interrupt_raises(void)
{
    PyObject *sig = PyImport_ImportModule("signal");
    PyObject *handler = sig ? PyObject_GetAttrString(sig, "default_int_handler") : NULL;
    PyObject *old = handler ? PyObject_CallMethod(sig, "signal", "iO", SIGINT, handler) : NULL;
    if (!old)
        PyErr_Clear(); /* the run goes on; a SIGINT then ends it as a signal does */
    Py_XDECREF(old);
    Py_XDECREF(handler);
    Py_XDECREF(sig);
}

static void py_after_fork_child(void)
{
    PyOS_AfterFork_Child();
    interrupt_raises();
}

/* Part of the request path, with its output sent to /dev/null: __main__'s
 * dict, sys.argv, a program parsed from a FILE by PyRun_FileExFlags in a
 * scratch dict, printing through the real sys.stdout, then the flushes.
 * The child takes the copy-on-write faults of all that now, before a
 * request waits for it (a rehearsal through compile() into a StringIO left
 * 16 faults and ~370 us to a hello world, this one 6 and ~300 us). Nothing
 * of it stays visible: the program's globals are thrown away, __file__ is
 * set again by the run. */
static int rehearse(void)
{
    PyObject *main = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *main_dict = main ? PyModule_GetDict(main) : NULL;
    PyObject *argv = Py_BuildValue("[s]", "main.py");
    PyObject *globals = PyDict_New(), *res = NULL;
    FILE *fp = fmemopen((void *)PY_REHEARSAL, sizeof PY_REHEARSAL - 1, "r");
    int ok = main_dict && argv && globals && fp &&
             PyDict_SetItemString(main_dict, "__file__", Py_None) == 0 &&
             PyDict_DelItemString(main_dict, "__file__") == 0 &&
             PySys_SetObject("argv", argv) == 0 &&
             PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0;
    if (ok) {
        res = PyRun_FileExFlags(fp, "/box/main.py", Py_file_input, globals, globals, 1, NULL);
        fp = NULL; /* closed by PyRun_FileExFlags */
        ok = res && eval_in_scratch(rehearsal_end_code) == 0;
    }
    if (fp)
        fclose(fp);
    Py_XDECREF(res);
    Py_XDECREF(globals);
    Py_XDECREF(argv);
    return ok ? 0 : -1;
}

/* The request-independent part of a run, done ahead: /box first on
 * sys.path (as `python3 /box/main.py` has it), then the rehearsal with
 * stdout and stderr pointed at /dev/null for its duration. */
static int py_prepare(const struct kiln_limits *l, char *err, size_t errlen)
{
    (void)l; /* the cgroup bounds Python's memory; it has no heap of its own to limit */
    PyObject *sys_path = PySys_GetObject("path"), *box = PyUnicode_FromString("/box");
    int ok = sys_path && box && PyList_Insert(sys_path, 0, box) == 0;
    Py_XDECREF(box);
    int out = fcntl(1, F_DUPFD_CLOEXEC, 3), errfd = fcntl(2, F_DUPFD_CLOEXEC, 3);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    ok = ok && out >= 0 && errfd >= 0 && null >= 0 && dup2(null, 1) == 1 && dup2(null, 2) == 2 &&
         rehearse() == 0;
    /* The real stdout and stderr come back whatever happened. */
    if (out >= 0 && (dup2(out, 1) < 0 || close(out) < 0))
        ok = 0;
    if (errfd >= 0 && (dup2(errfd, 2) < 0 || close(errfd) < 0))
        ok = 0;
    if (null >= 0)
        close(null);
    if (!ok) {
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
    bad = bad || PySys_SetObject("argv", argv) < 0;
    Py_DECREF(argv);
    return bad ? -1 : 0;
}

static void finish(void)
{
    if (eval_in_scratch(finish_code) < 0)
        PyErr_Clear();
}

/* A session's cell ends with its output flushed, nothing more: the
 * atexit handlers belong to the session's end. */
static void end_cell(void)
{
    if (eval_in_scratch(rehearsal_end_code) < 0)
        PyErr_Clear();
}

/* Runs the file through the interpret driver; NULL with an exception set
 * when it raised SystemExit (or failed itself). */
static PyObject *interpret(struct zygote_job *job, PyObject *globals, PyObject *file)
{
    FILE *fp = fopen(job->entry, "rb");
    PyObject *source = NULL, *context = NULL, *res = NULL;
    char chunk[65536];
    size_t n;
    struct buf b = { 0 };
    while (fp && (n = fread(chunk, 1, sizeof chunk, fp)) > 0 && buf_append(&b, chunk, n) == 0)
        ;
    if (fp)
        fclose(fp);
    source = PyBytes_FromStringAndSize(b.data ? b.data : "", (Py_ssize_t)b.len);
    buf_free(&b);
    context = job->context ? PyUnicode_DecodeUTF8(job->context, (Py_ssize_t)job->context_len,
                                                  "replace")
                           : Py_NewRef(Py_None);
    if (source && context)
        res = PyObject_CallFunction(interpret_fn, "OOOOii", source, file, globals, context,
                                    job->result_fd, job->session);
    Py_XDECREF(source);
    Py_XDECREF(context);
    return res;
}

/* The exit status of a run that raised: SystemExit's code, or 1 with the
 * traceback printed. */
static int raised_status(void)
{
    if (PyErr_ExceptionMatches(PyExc_SystemExit))
        return system_exit_status();
    PyErr_Print();
    return 1;
}

static int py_run(struct zygote_job *job)
{
    char path[1100];
    snprintf(path, sizeof path, "/box/%s", job->entry);
    FILE *fp = job->interpret ? NULL : fopen(job->entry, "rb");
    if ((!job->interpret && !fp) || set_argv(job) < 0) {
        fprintf(stderr, "python3: can't open file '%s'\n", path);
        return 2;
    }
    PyObject *main = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *globals = main ? PyModule_GetDict(main) : NULL;
    PyObject *file = PyUnicode_DecodeFSDefault(path);
    /* __cached__ is None for a script, as `python3 main.py` sets it. */
    if (!globals || !file || PyDict_SetItemString(globals, "__file__", file) < 0 ||
        PyDict_SetItemString(globals, "__cached__", Py_None) < 0) {
        Py_XDECREF(file);
        if (fp)
            fclose(fp);
        return 1;
    }
    PyObject *res = job->interpret ? interpret(job, globals, file)
                                   : PyRun_FileExFlags(fp, path, Py_file_input, globals,
                                                       globals, 1, NULL);
    Py_DECREF(file);
    int status = 0;
    if (!res) {
        job->end_session = PyErr_ExceptionMatches(PyExc_SystemExit);
        status = raised_status();
    } else if (job->interpret)
        status = (int)PyLong_AsLong(res);
    Py_XDECREF(res);
    if (job->session && !job->end_session)
        end_cell();
    else
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
