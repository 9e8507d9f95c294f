/* callback.c — the server's sender of submission callbacks (theory of
 * operation in callback.h). */
#include "server/callback.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/err.h"

/* A callback's reply is not read, only its status: enough of a body to
 * reach the status line, and no more memory or time spent on it. */
#define CALLBACK_REPLY_MAX_BYTES (64 * 1024)
/* The separators of callback_allow's entries. */
#define CALLBACK_ALLOW_SEPS ", \t\r\n"

struct cb_entry {
    struct cb_entry *next;
    int64_t due_ms;  /* CLOCK_MONOTONIC time of the next try */
    unsigned tries;  /* made so far */
    char token[CALLBACK_TOKEN_MAX + 1];
    CURLU *u;        /* the URL as it was checked, handed to curl as is */
    char *url;       /* its text, for the log (curl_free) */
    char *body;
    size_t len;
};

struct callbacks {
    struct callbacks_params p;     /* p.allow is not kept: see allow */
    struct callback_origin *allow; /* immutable after create: read without the lock */
    size_t nallow;

    pthread_mutex_t lock; /* guards everything below but abort_try */
    pthread_cond_t wake;  /* a new entry, or stop */
    struct cb_entry *head; /* newest first; the sender picks the earliest due */
    unsigned pending;      /* queued, plus the one being tried */
    bool stopping;
    uint64_t delivered, failed, retries;

    atomic_bool abort_try; /* read by curl's progress callback, which has no lock */
    pthread_t thread;
    bool thread_started, curl_ready;
};

enum try_result { TRY_DELIVERED, TRY_FAILED, TRY_STOPPED };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- origins ---------------------------------------------------------- */

static bool has_part(CURLU *u, CURLUPart what)
{
    char *v = NULL;
    CURLUcode uc = curl_url_get(u, what, &v, 0);
    curl_free(v);
    return uc == CURLUE_OK;
}

static int origin_scheme(CURLU *u, struct callback_origin *out, char *err, size_t errlen)
{
    char *s = NULL;
    int rc = 0;
    if (curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK)
        rc = err_set(err, errlen, "no scheme");
    else if (strcasecmp(s, "http") != 0 && strcasecmp(s, "https") != 0)
        rc = err_set(err, errlen, "scheme must be http or https, not '%.16s'", s);
    else
        snprintf(out->scheme, sizeof out->scheme, "%s", strcasecmp(s, "http") ? "https" : "http");
    curl_free(s);
    return rc;
}

/* An international name is turned into punycode when curl connects, by
 * rules (IDNA mapping) a plain comparison does not follow: only names
 * that compare as they are looked up. */
static bool host_ascii(const char *h)
{
    for (; *h; h++)
        if ((unsigned char)*h <= 0x20 || (unsigned char)*h >= 0x7f)
            return false;
    return true;
}

static int origin_host(CURLU *u, struct callback_origin *out, char *err, size_t errlen)
{
    char *h = NULL;
    int rc = 0;
    if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK || !*h)
        rc = err_set(err, errlen, "no host");
    else if (!host_ascii(h))
        rc = err_set(err, errlen, "a host name must be ASCII (punycode for others)");
    else if (strlen(h) >= sizeof out->host)
        rc = err_set(err, errlen, "host name too long");
    else
        snprintf(out->host, sizeof out->host, "%s", h);
    curl_free(h);
    return rc;
}

static int origin_port(CURLU *u, struct callback_origin *out, char *err, size_t errlen)
{
    char *p = NULL, *end;
    int rc = 0;
    if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK)
        rc = err_set(err, errlen, "no port");
    else {
        unsigned long n = strtoul(p, &end, 10);
        if (*end || n < 1 || n > 65535)
            rc = err_set(err, errlen, "bad port '%.16s'", p);
        else
            out->port = (unsigned)n;
    }
    curl_free(p);
    return rc;
}

/* The checks a callback_url and an entry share, on a parsed u. */
static int origin_of(CURLU *u, struct callback_origin *out, char *err, size_t errlen)
{
    if (origin_scheme(u, out, err, errlen) < 0)
        return -1;
    /* Credentials in a URL are how a callback would log in to a service
     * the operator did not mean to expose; options are their IMAP cousin. */
    if (has_part(u, CURLUPART_USER) || has_part(u, CURLUPART_PASSWORD) ||
        has_part(u, CURLUPART_OPTIONS))
        return err_set(err, errlen, "a user name or password is not allowed");
    /* The host part leaves the zone out: fe80::1%eth1 would match an entry
     * for fe80::1 on another interface. */
    if (has_part(u, CURLUPART_ZONEID))
        return err_set(err, errlen, "an IPv6 zone id is not allowed");
    if (origin_host(u, out, err, errlen) < 0)
        return -1;
    return origin_port(u, out, err, errlen);
}

/* Parses text into *u (curl_url_cleanup), with the flags libcurl itself
 * would parse CURLOPT_URL with, but no guessed scheme: what is checked is
 * what is sent. */
static int url_parse(const char *text, CURLU **u, char *err, size_t errlen)
{
    if (!(*u = curl_url()))
        return err_set(err, errlen, "out of memory");
    CURLUcode uc = curl_url_set(*u, CURLUPART_URL, text, CURLU_NON_SUPPORT_SCHEME);
    if (uc != CURLUE_OK)
        return err_set(err, errlen, "not a URL (%s)", curl_url_strerror(uc));
    return 0;
}

/* Parses url into *out and, when keep is not NULL, leaves the parsed URL
 * in *keep (curl_url_cleanup). */
static int origin_parse_url(const char *url, struct callback_origin *out, CURLU **keep,
                            char *err, size_t errlen)
{
    CURLU *u = NULL;
    int rc = url_parse(url, &u, err, errlen);
    if (rc == 0)
        rc = origin_of(u, out, err, errlen);
    if (rc == 0 && keep) {
        *keep = u;
        return 0;
    }
    curl_url_cleanup(u);
    return rc;
}

int callback_origin_parse(const char *url, struct callback_origin *out, char *err, size_t errlen)
{
    return origin_parse_url(url, out, NULL, err, errlen);
}

int callback_origin_parse_entry(const char *entry, struct callback_origin *out, char *err,
                                size_t errlen)
{
    CURLU *u = NULL;
    char *path = NULL;
    int rc = url_parse(entry, &u, err, errlen);
    if (rc == 0)
        rc = origin_of(u, out, err, errlen);
    /* curl reports an absent path as "/". */
    if (rc == 0 && (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK || strcmp(path, "/")))
        rc = err_set(err, errlen, "an origin has no path (every path of it is allowed)");
    if (rc == 0 && (has_part(u, CURLUPART_QUERY) || has_part(u, CURLUPART_FRAGMENT)))
        rc = err_set(err, errlen, "an origin has no query or fragment");
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

bool callback_origin_equal(const struct callback_origin *a, const struct callback_origin *b)
{
    return strcmp(a->scheme, b->scheme) == 0 && strcasecmp(a->host, b->host) == 0 &&
           a->port == b->port;
}

/* ---- the allow list --------------------------------------------------- */

static int allow_add(struct callbacks *cb, const char *entry, char *err, size_t errlen)
{
    struct callback_origin o;
    char why[256];
    if (callback_origin_parse_entry(entry, &o, why, sizeof why) < 0)
        return err_set(err, errlen, "entry '%.200s': %s", entry, why);
    struct callback_origin *grown = realloc(cb->allow, (cb->nallow + 1) * sizeof *grown);
    if (!grown)
        return err_set(err, errlen, "out of memory");
    cb->allow = grown;
    cb->allow[cb->nallow++] = o;
    return 0;
}

static int allow_parse(struct callbacks *cb, const char *list, char *err, size_t errlen)
{
    if (!list || !*list)
        return 0;
    char *copy = strdup(list), *save = NULL;
    if (!copy)
        return err_set(err, errlen, "out of memory");
    int rc = 0;
    for (char *e = strtok_r(copy, CALLBACK_ALLOW_SEPS, &save); e && rc == 0;
         e = strtok_r(NULL, CALLBACK_ALLOW_SEPS, &save))
        rc = allow_add(cb, e, err, errlen);
    free(copy);
    return rc;
}

/* 0 when url is allowed, with it parsed in *u (curl_url_cleanup). */
static int allow_check(const struct callbacks *cb, const char *url, CURLU **u, char *why,
                       size_t whylen)
{
    struct callback_origin o;
    char reason[256];
    *u = NULL;
    if (origin_parse_url(url, &o, u, reason, sizeof reason) < 0)
        return err_set(why, whylen, "callback_url: %s", reason);
    for (size_t i = 0; i < cb->nallow; i++)
        if (callback_origin_equal(&o, &cb->allow[i]))
            return 0;
    curl_url_cleanup(*u);
    *u = NULL;
    if (cb->nallow == 0)
        return err_set(why, whylen, "callback_url: this server sends no callbacks "
                       "(callback_allow is empty)");
    return err_set(why, whylen, "callback_url: %s://%s:%u is not in the allowed destinations "
                   "(callback_allow)", o.scheme, o.host, o.port);
}

int callbacks_allowed(const struct callbacks *cb, const char *url, char *why, size_t whylen)
{
    CURLU *u;
    if (allow_check(cb, url, &u, why, whylen) < 0)
        return -1;
    curl_url_cleanup(u);
    return 0;
}

/* ---- one try ---------------------------------------------------------- */

static size_t reply_discard(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

/* curl calls it about once a second, and more often while data flows:
 * destroy is not kept waiting for a slow destination's timeout. */
static int try_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                        curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    struct callbacks *cb = arg;
    return atomic_load(&cb->abort_try) ? 1 : 0;
}

static struct curl_slist *try_headers(const struct cb_entry *e)
{
    char token[32 + CALLBACK_TOKEN_MAX];
    snprintf(token, sizeof token, "X-Kiln-Token: %s", e->token);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    struct curl_slist *more = h ? curl_slist_append(h, token) : NULL;
    /* No "Expect: 100-continue" on a large body: a receiver that does not
     * answer it would cost a second of every try. */
    more = more ? curl_slist_append(more, "Expect:") : NULL;
    if (!more)
        curl_slist_free_all(h);
    return more;
}

/* The options of one try; CURLE_BAD_FUNCTION_ARGUMENT when libcurl refused
 * one. The ones marked are the SSRF fence: the request goes where the
 * checked URL says and nowhere else. */
static CURLcode try_options(struct callbacks *cb, CURL *c, const struct cb_entry *e,
                            struct curl_slist *headers, char *errbuf)
{
    int rc = CURLE_OK;
    /* The parsed URL that was checked, not its text parsed again. */
    rc |= curl_easy_setopt(c, CURLOPT_CURLU, e->u);
    rc |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");       /* fence */
    rc |= curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"); /* fence */
    rc |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);                /* fence */
    rc |= curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* fence: no http_proxy from the environment */
    rc |= curl_easy_setopt(c, CURLOPT_PROXY, "");    /* fence: likewise */
    rc |= curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED); /* no stored logins */
    /* No SIGALRM for DNS timeouts: in a threaded server it would land on any
     * thread (the threaded resolver needs none). */
    rc |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    rc |= curl_easy_setopt(c, CURLOPT_POST, 1L);
    rc |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)e->len);
    rc |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, e->body);
    rc |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    rc |= curl_easy_setopt(c, CURLOPT_USERAGENT, "kiln");
    rc |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cb->p.timeout_ms);
    rc |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)cb->p.timeout_ms);
    rc |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, reply_discard);
    rc |= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CALLBACK_REPLY_MAX_BYTES);
    rc |= curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    rc |= curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, try_progress);
    rc |= curl_easy_setopt(c, CURLOPT_XFERINFODATA, cb);
    rc |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    return rc ? CURLE_BAD_FUNCTION_ARGUMENT : CURLE_OK;
}

static void try_log(const struct cb_entry *e, unsigned n, const char *reason)
{
    fprintf(stderr, "kiln serve: callback %s to %s: try %u: %s\n", e->token, e->url, n, reason);
}

/* One POST of e on c (reset first: no option leaks from the try before;
 * the connection cache survives). Logs a failure. */
static enum try_result try_once(struct callbacks *cb, CURL *c, const struct cb_entry *e)
{
    char errbuf[CURL_ERROR_SIZE] = "", reason[CURL_ERROR_SIZE + 32];
    struct curl_slist *headers = try_headers(e);
    enum try_result r = TRY_FAILED;
    long status = 0;
    curl_easy_reset(c);
    CURLcode res = headers ? try_options(cb, c, e, headers, errbuf) : CURLE_OUT_OF_MEMORY;
    if (res == CURLE_OK)
        res = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    /* A 2xx status is the receiver's word that it has the result; what
     * happens to its reply's body after that (too long, cut) is not ours. */
    if (status >= 200 && status <= 299)
        r = TRY_DELIVERED;
    else if (res == CURLE_ABORTED_BY_CALLBACK && atomic_load(&cb->abort_try))
        r = TRY_STOPPED;
    else {
        if (res != CURLE_OK)
            snprintf(reason, sizeof reason, "%s", *errbuf ? errbuf : curl_easy_strerror(res));
        else
            snprintf(reason, sizeof reason, "HTTP %ld", status);
        try_log(e, e->tries + 1, reason);
    }
    /* The list, the stack buffer and (soon) the entry go: no pointer to them stays. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_CURLU, NULL);
    curl_slist_free_all(headers);
    return r;
}

/* ---- the queue and the sender thread ---------------------------------- */

static void entry_free(struct cb_entry *e)
{
    curl_url_cleanup(e->u);
    curl_free(e->url);
    free(e->body);
    free(e);
}

/* The wait before the try after `failures` failed ones. */
static int64_t backoff_after(unsigned base_ms, unsigned failures)
{
    uint64_t d = base_ms;
    for (unsigned i = 1; i < failures && d < CALLBACK_BACKOFF_MAX_MS; i++)
        d *= 2;
    return d < CALLBACK_BACKOFF_MAX_MS ? (int64_t)d : CALLBACK_BACKOFF_MAX_MS;
}

static void cond_wait_until(struct callbacks *cb, int64_t due_ms)
{
    struct timespec ts = { .tv_sec = due_ms / 1000, .tv_nsec = (due_ms % 1000) * 1000000 };
    pthread_cond_timedwait(&cb->wake, &cb->lock, &ts);
}

/* Under the lock: unlinks the entry due first once its time has come.
 * NULL after a wait (a new entry, stop, or time passed): call again. */
static struct cb_entry *queue_take(struct callbacks *cb)
{
    struct cb_entry **best = NULL;
    /* <=: among equal times the last in the list, the oldest, goes first. */
    for (struct cb_entry **pp = &cb->head; *pp; pp = &(*pp)->next)
        if (!best || (*pp)->due_ms <= (*best)->due_ms)
            best = pp;
    if (!best) {
        pthread_cond_wait(&cb->wake, &cb->lock);
        return NULL;
    }
    if ((*best)->due_ms > now_ms()) {
        cond_wait_until(cb, (*best)->due_ms);
        return NULL;
    }
    struct cb_entry *e = *best;
    *best = e->next;
    e->next = NULL;
    return e;
}

static void queue_push(struct callbacks *cb, struct cb_entry *e)
{
    e->next = cb->head;
    cb->head = e;
}

/* Under the lock, after a try of e: finishes it or queues its next try.
 * done() runs with the lock released: it may be slow (it stores the
 * outcome), and callbacks_send must not wait for it. */
static void settle(struct callbacks *cb, struct cb_entry *e, enum try_result r)
{
    if (r == TRY_STOPPED) { /* not a try: dropped with the rest by destroy */
        queue_push(cb, e);
        return;
    }
    if (e->tries++ > 0)
        cb->retries++;
    if (r == TRY_FAILED && e->tries < cb->p.attempts) {
        e->due_ms = now_ms() + backoff_after(cb->p.backoff_ms, e->tries);
        queue_push(cb, e);
        return;
    }
    if (r == TRY_DELIVERED)
        cb->delivered++;
    else
        cb->failed++;
    pthread_mutex_unlock(&cb->lock);
    if (cb->p.done)
        cb->p.done(cb->p.arg, e->token, r == TRY_DELIVERED, e->tries);
    entry_free(e);
    pthread_mutex_lock(&cb->lock);
    cb->pending--;
}

static void *sender_main(void *arg)
{
    struct callbacks *cb = arg;
    CURL *c = NULL;
    pthread_mutex_lock(&cb->lock);
    while (!cb->stopping) {
        struct cb_entry *e = queue_take(cb);
        if (!e)
            continue;
        pthread_mutex_unlock(&cb->lock);
        if (!c)
            c = curl_easy_init(); /* one handle for every try: its connections are reused */
        enum try_result r = c ? try_once(cb, c, e) : TRY_FAILED;
        if (!c)
            try_log(e, e->tries + 1, "out of memory (curl_easy_init)");
        pthread_mutex_lock(&cb->lock);
        settle(cb, e, r);
    }
    pthread_mutex_unlock(&cb->lock);
    curl_easy_cleanup(c);
    return NULL;
}

/* The sender starts with every signal blocked: the server takes its
 * signals on the main thread, and a handler must never run inside curl. */
static int sender_start(struct callbacks *cb, char *err, size_t errlen)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&cb->thread, NULL, sender_main, cb);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return err_set(err, errlen, "pthread_create: %s", strerror(rc));
    cb->thread_started = true;
    return 0;
}

/* ---- the interface ---------------------------------------------------- */

static int params_check(const struct callbacks_params *p, char *err, size_t errlen)
{
    if (p->attempts < 1)
        return err_set(err, errlen, "callback attempts must be at least 1");
    /* 0 would mean "no timeout" to curl, and a destination could hold the
     * sender for ever. */
    if (p->timeout_ms < 1)
        return err_set(err, errlen, "callback timeout must be at least 1 ms");
    if (p->max_pending < 1)
        return err_set(err, errlen, "callback max_pending must be at least 1");
    return 0;
}

struct callbacks *callbacks_create(const struct callbacks_params *p, char *err, size_t errlen)
{
    if (params_check(p, err, errlen) < 0)
        return NULL;
    struct callbacks *cb = calloc(1, sizeof *cb);
    if (!cb) {
        err_set(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&cb->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* due times are monotonic */
    pthread_cond_init(&cb->wake, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&cb->abort_try, false);
    cb->p = *p;
    cb->p.allow = NULL; /* the caller's string: parsed now, not kept */
    if (allow_parse(cb, p->allow, err, errlen) < 0)
        goto fail;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set(err, errlen, "curl_global_init failed");
        goto fail;
    }
    cb->curl_ready = true;
    if (sender_start(cb, err, errlen) < 0)
        goto fail;
    return cb;
fail:
    callbacks_destroy(cb);
    return NULL;
}

void callbacks_destroy(struct callbacks *cb)
{
    if (!cb)
        return;
    if (cb->thread_started) {
        pthread_mutex_lock(&cb->lock);
        cb->stopping = true;
        atomic_store(&cb->abort_try, true);
        pthread_cond_broadcast(&cb->wake);
        pthread_mutex_unlock(&cb->lock);
        pthread_join(cb->thread, NULL);
    }
    unsigned dropped = 0;
    while (cb->head) {
        struct cb_entry *e = cb->head;
        cb->head = e->next;
        entry_free(e);
        dropped++;
    }
    if (dropped)
        fprintf(stderr, "kiln serve: callbacks: %u not delivered, dropped at shutdown (their "
                "results stay readable)\n", dropped);
    free(cb->allow);
    pthread_cond_destroy(&cb->wake);
    pthread_mutex_destroy(&cb->lock);
    if (cb->curl_ready)
        curl_global_cleanup();
    free(cb);
}

/* The token goes into a header line: anything but these characters could
 * end the line and start another (header injection). */
static bool token_ok(const char *token)
{
    size_t n = strlen(token);
    return n >= 1 && n <= CALLBACK_TOKEN_MAX &&
           strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Takes u, and frees it on failure. */
static struct cb_entry *entry_new(const char *token, CURLU *u, const char *body, size_t len)
{
    struct cb_entry *e = calloc(1, sizeof *e);
    char *copy = malloc(len + 1), *text = NULL;
    if (!e || !copy || curl_url_get(u, CURLUPART_URL, &text, 0) != CURLUE_OK) {
        free(e);
        free(copy);
        curl_url_cleanup(u);
        return NULL;
    }
    memcpy(copy, body, len);
    copy[len] = '\0';
    snprintf(e->token, sizeof e->token, "%s", token);
    e->u = u;
    e->url = text;
    e->body = copy;
    e->len = len;
    e->due_ms = now_ms();
    return e;
}

int callbacks_send(struct callbacks *cb, const char *token, const char *url, const char *body,
                   size_t len)
{
    CURLU *u;
    if (!token_ok(token) || allow_check(cb, url, &u, NULL, 0) < 0)
        return -1;
    struct cb_entry *e = entry_new(token, u, body, len);
    if (!e)
        return -1;
    pthread_mutex_lock(&cb->lock);
    bool room = !cb->stopping && cb->pending < cb->p.max_pending;
    if (room) {
        queue_push(cb, e);
        cb->pending++;
        pthread_cond_signal(&cb->wake);
    }
    pthread_mutex_unlock(&cb->lock);
    if (!room)
        entry_free(e);
    return room ? 0 : -1;
}

void callbacks_stats(struct callbacks *cb, struct callbacks_stats *out)
{
    pthread_mutex_lock(&cb->lock);
    out->delivered = cb->delivered;
    out->failed = cb->failed;
    out->retries = cb->retries;
    out->pending = cb->pending;
    pthread_mutex_unlock(&cb->lock);
}
