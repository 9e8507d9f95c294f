/* test_callback.c — unit tests of src/server/callback.c: the origin check
 * that fences callbacks off internal services, and the sender against a
 * tiny HTTP server on the loopback. */
#define _GNU_SOURCE /* strcasestr */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/callback.h"

#define TEST_WAIT_MS 10000 /* the longest a test waits for done() */

/* ---- the origin check ---------------------------------------------------- */

static struct callback_origin origin(const char *url)
{
    struct callback_origin o;
    char err[256] = "";
    if (callback_origin_parse(url, &o, err, sizeof err) < 0)
        fail_msg("%s: %s", url, err);
    return o;
}

static struct callback_origin entry(const char *text)
{
    struct callback_origin o;
    char err[256] = "";
    if (callback_origin_parse_entry(text, &o, err, sizeof err) < 0)
        fail_msg("%s: %s", text, err);
    return o;
}

static bool matches(const char *allow, const char *url)
{
    struct callback_origin a = entry(allow), u = origin(url);
    return callback_origin_equal(&a, &u);
}

/* url is refused by the parser, with a reason that contains want. */
static void expect_refused(const char *url, const char *want)
{
    struct callback_origin o;
    char err[256] = "";
    assert_int_equal(callback_origin_parse(url, &o, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("%s: '%s' does not say '%s'", url, err, want);
}

static void test_origin_exact(void **state)
{
    (void)state;
    struct callback_origin o = origin("http://127.0.0.1:8080/hooks/kiln?x=1&y=2#f");
    assert_string_equal(o.scheme, "http");
    assert_string_equal(o.host, "127.0.0.1");
    assert_int_equal(o.port, 8080);
    assert_true(matches("http://127.0.0.1:8080", "http://127.0.0.1:8080/hooks/kiln?x=1"));
    assert_true(matches("http://127.0.0.1:8080", "http://127.0.0.1:8080"));
    assert_true(matches("https://hooks.example.com", "https://hooks.example.com/a/b"));
    assert_true(matches("http://[::1]:9000", "http://[::1]:9000/x"));
}

static void test_origin_other_port(void **state)
{
    (void)state;
    assert_false(matches("http://127.0.0.1:8080", "http://127.0.0.1:8081/"));
    assert_false(matches("http://127.0.0.1:8080", "http://127.0.0.1/"));
    assert_false(matches("https://h.example", "https://h.example:8443/"));
}

static void test_origin_other_host(void **state)
{
    (void)state;
    assert_false(matches("http://10.0.0.5:8080", "http://10.0.0.6:8080/"));
    assert_false(matches("http://hooks.example.com:80", "http://hooks.example.com.evil:80/"));
    assert_false(matches("http://hooks.example.com:80", "http://evil-hooks.example.com:80/"));
    assert_false(matches("http://127.0.0.1:80", "http://localhost:80/"));
}

static void test_origin_scheme_differs(void **state)
{
    (void)state;
    assert_false(matches("https://h.example:443", "http://h.example:443/"));
    assert_false(matches("http://h.example:80", "https://h.example:80/"));
    assert_false(matches("http://h.example", "https://h.example/"));
    assert_true(matches("http://h.example", "HTTP://h.example/"));
}

static void test_origin_userinfo(void **state)
{
    (void)state;
    expect_refused("http://user:secret@127.0.0.1:8080/", "user name or password");
    expect_refused("http://user@127.0.0.1:8080/", "user name or password");
    expect_refused("http://:secret@127.0.0.1:8080/", "user name or password");
    expect_refused("http://@127.0.0.1:8080/", "user name or password");
    expect_refused("http://u;auth=x@127.0.0.1:8080/", "user name or password");
}

static void test_origin_schemes(void **state)
{
    (void)state;
    expect_refused("ftp://127.0.0.1:21/x", "http or https");
    expect_refused("file:///etc/passwd", "http or https");
    expect_refused("gopher://127.0.0.1:6379/_FLUSHALL", "http or https");
    expect_refused("dict://127.0.0.1:11211/stats", "http or https");
    expect_refused("ws://127.0.0.1:8080/", "http or https");
    expect_refused("javascript:alert(1)", "");
}

static void test_origin_case(void **state)
{
    (void)state;
    assert_true(matches("http://hooks.example.com:8080", "http://HOOKS.Example.COM:8080/x"));
    assert_true(matches("http://HOOKS.EXAMPLE.COM:8080", "http://hooks.example.com:8080/x"));
}

static void test_origin_default_port(void **state)
{
    (void)state;
    assert_int_equal(origin("http://h.example/").port, 80);
    assert_int_equal(origin("https://h.example/").port, 443);
    assert_true(matches("http://h.example:80", "http://h.example/x"));
    assert_true(matches("http://h.example", "http://h.example:80/x"));
    assert_true(matches("https://h.example", "https://h.example:443/x"));
    assert_true(matches("https://h.example:443", "https://h.example/x"));
}

static void test_origin_malformed(void **state)
{
    (void)state;
    expect_refused("", "not a URL");
    expect_refused("not a url", "not a URL");
    expect_refused("127.0.0.1:8080/x", "not a URL");
    expect_refused("//127.0.0.1:8080/x", "not a URL");
    expect_refused("http://", "not a URL");
    expect_refused("http://[::1/", "not a URL");
    expect_refused("http://h .example/", "not a URL");
    expect_refused("http://h.example:99999/", "not a URL");
    expect_refused("http://h.example:0/", "port");
    expect_refused("http://h.example\r\nX-Evil: 1/", "not a URL");
    expect_refused("http://[fe80::1%25eth0]:80/", "zone id");
    expect_refused("http://h\xc3\xa9.example/", "ASCII");
}

/* Another spelling of an address is the address it reaches. */
static void test_origin_normalised(void **state)
{
    (void)state;
    assert_true(matches("http://127.0.0.1:80", "http://2130706433/"));
    assert_true(matches("http://127.0.0.1:80", "http://0x7f.1/"));
}

static void test_entry_refused(void **state)
{
    (void)state;
    struct callback_origin o;
    char err[256];
    assert_int_equal(callback_origin_parse_entry("http://h.example:80/hook", &o, err,
                                                 sizeof err), -1);
    assert_non_null(strstr(err, "path"));
    assert_int_equal(callback_origin_parse_entry("http://h.example:80?q", &o, err, sizeof err),
                     -1);
    assert_int_equal(callback_origin_parse_entry("http://h.example:80/", &o, err, sizeof err), 0);
}

/* ---- the allow list, through callbacks_create ---------------------------- */

static struct callbacks_params params(const char *allow)
{
    return (struct callbacks_params){ .allow = allow, .attempts = 3, .timeout_ms = 2000,
                                      .backoff_ms = 50, .max_pending = 16 };
}

static void test_create_entry_with_path(void **state)
{
    (void)state;
    char err[512] = "";
    struct callbacks_params p = params("http://10.0.0.5:8080, http://10.0.0.6:8080/hook");
    assert_null(callbacks_create(&p, err, sizeof err));
    assert_non_null(strstr(err, "'http://10.0.0.6:8080/hook'"));
    assert_non_null(strstr(err, "path"));

    p = params("http://10.0.0.5:8080 ftp://10.0.0.6");
    assert_null(callbacks_create(&p, err, sizeof err));
    assert_non_null(strstr(err, "'ftp://10.0.0.6'"));

    p = params("http://10.0.0.5:8080");
    p.attempts = 0;
    assert_null(callbacks_create(&p, err, sizeof err));
}

static void test_create_empty_list(void **state)
{
    (void)state;
    char err[512] = "", why[512] = "";
    const char *lists[] = { "", " , ", NULL };
    for (size_t i = 0; i < 3; i++) {
        struct callbacks_params p = params(lists[i]);
        struct callbacks *cb = callbacks_create(&p, err, sizeof err);
        assert_non_null(cb);
        assert_int_equal(callbacks_allowed(cb, "http://127.0.0.1/", why, sizeof why), -1);
        assert_int_equal(callbacks_allowed(cb, "https://hooks.example.com/", why, sizeof why), -1);
        assert_non_null(strstr(why, "callback_allow"));
        assert_int_equal(callbacks_send(cb, "tok", "http://127.0.0.1/", "{}", 2), -1);
        callbacks_destroy(cb);
    }
    callbacks_destroy(NULL);
}

static void test_allowed_list(void **state)
{
    (void)state;
    char err[512] = "", why[512] = "";
    struct callbacks_params p = params("http://10.0.0.5:8080,https://hooks.example.com  "
                                       "\thttp://[::1]:9000,");
    struct callbacks *cb = callbacks_create(&p, err, sizeof err);
    assert_non_null(cb);
    assert_int_equal(callbacks_allowed(cb, "http://10.0.0.5:8080/done?id=1", why, sizeof why), 0);
    assert_int_equal(callbacks_allowed(cb, "https://HOOKS.example.com/x", why, sizeof why), 0);
    assert_int_equal(callbacks_allowed(cb, "http://[::1]:9000/", why, sizeof why), 0);

    assert_int_equal(callbacks_allowed(cb, "http://10.0.0.1:80/", why, sizeof why), -1);
    assert_string_equal(why, "callback_url: http://10.0.0.1:80 is not in the allowed "
                        "destinations (callback_allow)");
    assert_int_equal(callbacks_allowed(cb, "http://u:p@10.0.0.5:8080/", why, sizeof why), -1);
    assert_non_null(strstr(why, "callback_url: "));
    assert_int_equal(callbacks_allowed(cb, "http://hooks.example.com/", why, sizeof why), -1);
    assert_int_equal(callbacks_allowed(cb, "gopher://10.0.0.5:8080/", why, sizeof why), -1);
    callbacks_destroy(cb);
}

/* ---- the sender, against a tiny server ----------------------------------- */

#define SRV_MAX_REPLIES 8

/* Answers one connection per status in statuses, in order (0: accept and
 * never answer), and keeps the last request it read. */
struct tiny_server {
    int fd;
    unsigned port;
    int statuses[SRV_MAX_REPLIES];
    unsigned nstatuses, served;
    char request[8192];
    pthread_mutex_t lock;
    pthread_t thread;
    atomic_bool stop; /* set by the test, read by the server thread */
};

/* Reads a request's head and its Content-Length of body into buf. */
static size_t srv_read_request(int c, char *buf, size_t cap)
{
    size_t n = 0, want = 0;
    char *end = NULL;
    while (n + 1 < cap) {
        ssize_t r = read(c, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (end && n >= want)
            break;
    }
    buf[n] = '\0';
    return n;
}

static void srv_answer(int c, int status)
{
    char reply[256];
    int len = snprintf(reply, sizeof reply,
                       "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n"
                       "%s\r\nok", status,
                       status == 302 ? "Location: http://127.0.0.1:1/elsewhere\r\n" : "");
    if (write(c, reply, (size_t)len) != len)
        return;
}

static void *srv_main(void *arg)
{
    struct tiny_server *s = arg;
    char buf[sizeof s->request];
    for (unsigned i = 0; i < s->nstatuses; i++) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            break;
        srv_read_request(c, buf, sizeof buf);
        pthread_mutex_lock(&s->lock);
        memcpy(s->request, buf, sizeof buf);
        s->served++;
        pthread_mutex_unlock(&s->lock);
        if (s->statuses[i] == 0) { /* a destination that hangs */
            while (!atomic_load(&s->stop))
                usleep(10000);
        } else
            srv_answer(c, s->statuses[i]);
        close(c);
    }
    return NULL;
}

static unsigned srv_listen(int *fd)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(*fd >= 0);
    assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(*fd, 8), 0);
    assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

static void srv_start(struct tiny_server *s, const int *statuses, unsigned n)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->port = srv_listen(&s->fd);
    memcpy(s->statuses, statuses, n * sizeof *statuses);
    s->nstatuses = n;
    assert_int_equal(pthread_create(&s->thread, NULL, srv_main, s), 0);
}

static void srv_stop(struct tiny_server *s)
{
    atomic_store(&s->stop, true);
    shutdown(s->fd, SHUT_RDWR); /* ends a waiting accept */
    pthread_join(s->thread, NULL);
    close(s->fd);
    pthread_mutex_destroy(&s->lock);
}

/* What done() was told. */
struct outcome {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned calls, attempts;
    bool delivered;
    char token[80];
};

static void on_done(void *arg, const char *token, bool delivered, unsigned attempts)
{
    struct outcome *o = arg;
    pthread_mutex_lock(&o->lock);
    o->calls++;
    o->delivered = delivered;
    o->attempts = attempts;
    snprintf(o->token, sizeof o->token, "%s", token);
    pthread_cond_broadcast(&o->cond);
    pthread_mutex_unlock(&o->lock);
}

static void outcome_init(struct outcome *o)
{
    memset(o, 0, sizeof *o);
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cond, NULL);
}

static void outcome_wait(struct outcome *o)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += TEST_WAIT_MS / 1000;
    pthread_mutex_lock(&o->lock);
    while (o->calls == 0 && pthread_cond_timedwait(&o->cond, &o->lock, &ts) == 0)
        ;
    pthread_mutex_unlock(&o->lock);
    assert_int_equal(o->calls, 1);
}

static struct callbacks *sender_for(struct tiny_server *s, struct outcome *o, unsigned attempts)
{
    char allow[64], err[512] = "";
    snprintf(allow, sizeof allow, "http://127.0.0.1:%u", s->port);
    struct callbacks_params p = params(allow);
    p.attempts = attempts;
    p.done = on_done;
    p.arg = o;
    struct callbacks *cb = callbacks_create(&p, err, sizeof err);
    if (!cb)
        fail_msg("callbacks_create: %s", err);
    return cb;
}

static void test_send_retry_then_delivered(void **state)
{
    (void)state;
    struct tiny_server s;
    struct outcome o;
    char url[128];
    const char body[] = "{\"token\":\"abc123\",\"status\":{\"id\":3}}";
    srv_start(&s, (const int[]){ 500, 200 }, 2);
    outcome_init(&o);
    struct callbacks *cb = sender_for(&s, &o, 3);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/hooks/kiln?x=1", s.port);
    assert_int_equal(callbacks_send(cb, "abc123", url, body, strlen(body)), 0);
    outcome_wait(&o);
    assert_true(o.delivered);
    assert_int_equal(o.attempts, 2);
    assert_string_equal(o.token, "abc123");

    struct callbacks_stats st;
    callbacks_stats(cb, &st);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.failed, 0);
    assert_int_equal(st.retries, 1);
    assert_int_equal(st.pending, 0);
    callbacks_destroy(cb);
    srv_stop(&s);

    assert_int_equal(s.served, 2);
    assert_non_null(strstr(s.request, "POST /hooks/kiln?x=1 HTTP/1.1\r\n"));
    assert_non_null(strcasestr(s.request, "\r\nX-Kiln-Token: abc123\r\n"));
    assert_non_null(strcasestr(s.request, "\r\nContent-Type: application/json\r\n"));
    const char *at = strstr(s.request, "\r\n\r\n");
    assert_non_null(at);
    assert_string_equal(at + 4, body);
}

static void test_send_all_tries_fail(void **state)
{
    (void)state;
    struct tiny_server s;
    struct outcome o;
    char url[128];
    srv_start(&s, (const int[]){ 500, 503, 404 }, 3);
    outcome_init(&o);
    struct callbacks *cb = sender_for(&s, &o, 3);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s.port);
    assert_int_equal(callbacks_send(cb, "tok-1", url, "{}", 2), 0);
    outcome_wait(&o);
    assert_false(o.delivered);
    assert_int_equal(o.attempts, 3);
    struct callbacks_stats st;
    callbacks_stats(cb, &st);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.retries, 2);
    callbacks_destroy(cb);
    srv_stop(&s);
}

/* A redirect is an answer that is not 2xx, never a second destination. */
static void test_send_redirect_not_followed(void **state)
{
    (void)state;
    struct tiny_server s;
    struct outcome o;
    char url[128];
    srv_start(&s, (const int[]){ 302 }, 1);
    outcome_init(&o);
    struct callbacks *cb = sender_for(&s, &o, 1);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s.port);
    assert_int_equal(callbacks_send(cb, "tok", url, "{}", 2), 0);
    outcome_wait(&o);
    assert_false(o.delivered);
    assert_int_equal(o.attempts, 1);
    callbacks_destroy(cb);
    srv_stop(&s);
}

static void test_send_refused(void **state)
{
    (void)state;
    struct tiny_server s;
    struct outcome o;
    char url[128];
    srv_start(&s, (const int[]){ 200 }, 1);
    outcome_init(&o);
    struct callbacks *cb = sender_for(&s, &o, 1);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s.port + 1 == 65536 ? 1 : s.port + 1);
    assert_int_equal(callbacks_send(cb, "tok", url, "{}", 2), -1);
    assert_int_equal(callbacks_send(cb, "tok", "http://10.0.0.1/", "{}", 2), -1);
    snprintf(url, sizeof url, "http://u:p@127.0.0.1:%u/", s.port);
    assert_int_equal(callbacks_send(cb, "tok", url, "{}", 2), -1);
    /* The token becomes a header line. */
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s.port);
    assert_int_equal(callbacks_send(cb, "tok\r\nX-Evil: 1", url, "{}", 2), -1);
    assert_int_equal(callbacks_send(cb, "", url, "{}", 2), -1);
    struct callbacks_stats st;
    callbacks_stats(cb, &st);
    assert_int_equal(st.pending, 0);
    callbacks_destroy(cb);
    assert_int_equal(o.calls, 0);
    srv_stop(&s);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A destination that never answers holds neither the queue's bound nor
 * destroy: the running try is cut short, the queued ones dropped. */
static void test_destroy_does_not_hang(void **state)
{
    (void)state;
    struct tiny_server s;
    struct outcome o;
    char allow[64], url[128], err[512] = "";
    srv_start(&s, (const int[]){ 0 }, 1);
    outcome_init(&o);
    snprintf(allow, sizeof allow, "http://127.0.0.1:%u", s.port);
    struct callbacks_params p = params(allow);
    p.timeout_ms = 60000;
    p.max_pending = 2;
    p.done = on_done;
    p.arg = &o;
    struct callbacks *cb = callbacks_create(&p, err, sizeof err);
    assert_non_null(cb);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s.port);
    assert_int_equal(callbacks_send(cb, "one", url, "{}", 2), 0);
    assert_int_equal(callbacks_send(cb, "two", url, "{}", 2), 0);
    assert_int_equal(callbacks_send(cb, "three", url, "{}", 2), -1); /* full */
    for (int i = 0; i < 500; i++) { /* until the first try is under way */
        pthread_mutex_lock(&s.lock);
        unsigned served = s.served;
        pthread_mutex_unlock(&s.lock);
        if (served)
            break;
        usleep(10000);
    }
    assert_int_equal(s.served, 1);
    int64_t t0 = mono_ms();
    callbacks_destroy(cb);
    int64_t took = mono_ms() - t0;
    if (took > 3000)
        fail_msg("destroy took %lld ms", (long long)took);
    assert_int_equal(o.calls, 0);
    srv_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_exact),
        cmocka_unit_test(test_origin_other_port),
        cmocka_unit_test(test_origin_other_host),
        cmocka_unit_test(test_origin_scheme_differs),
        cmocka_unit_test(test_origin_userinfo),
        cmocka_unit_test(test_origin_schemes),
        cmocka_unit_test(test_origin_case),
        cmocka_unit_test(test_origin_default_port),
        cmocka_unit_test(test_origin_malformed),
        cmocka_unit_test(test_origin_normalised),
        cmocka_unit_test(test_entry_refused),
        cmocka_unit_test(test_create_entry_with_path),
        cmocka_unit_test(test_create_empty_list),
        cmocka_unit_test(test_allowed_list),
        cmocka_unit_test(test_send_retry_then_delivered),
        cmocka_unit_test(test_send_all_tries_fail),
        cmocka_unit_test(test_send_redirect_not_followed),
        cmocka_unit_test(test_send_refused),
        cmocka_unit_test(test_destroy_does_not_hang),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
